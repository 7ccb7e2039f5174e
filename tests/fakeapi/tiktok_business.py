"""Fake TikTok API for Business (v1.3, organic accounts) for connector tests, on 127.0.0.1.

`install(fake, TikTokWorld())` serves under `/open_api/v1.3` (point a source's `base_url` at
`fake.base_url + PREFIX`), in the shapes of TikTok's reference: every answer is HTTP 200 with
`{"code", "message", "request_id", "data"}`, a non-zero `code` for an error.

- `GET business/get/?business_id=&fields=[...]&start_date=&end_date=`: with metric fields, one
  `data.metrics` entry per day (only the fields asked, `audience_activity` as 24 `{hour,
  count}`); a range longer than 30 days or starting more than 60 days before `today` answers
  code 40002. With breakdown fields: `audience_genders`, `audience_ages`, `audience_countries`,
  `audience_cities` (`{<bucket key>, percentage}`, fractions).
- `GET business/video/list/?business_id=&fields=[...]&max_count=&cursor=&filters=`: the
  account's videos newest first, `max_count` (at most 20, else 40002) a page, `cursor` the
  offset of the next page and `has_more`; `filters={"video_ids": [...]}` answers only those.
- The `Access-Token` header must be `token` (40105 otherwise; `expired` gives 40102); a
  `business_id` other than the world's answers 40001 (no permission).

The world (day i counted from `today` - 59; `views_bonus` is added to every lifetime count so
a later run can see videos mature):
- day i: video_views 1000 + 10 i, profile_views 50 + i, likes 100 + i, comments 10 + i % 5,
  shares 5 + i % 3, followers_count 20000 + 15 i, daily_new_followers 20 + i % 7,
  daily_lost_followers 5 + i % 3, bio_link_clicks 3 + i % 4, audience_activity hour h: 100 h + i.
- video k (k = 0 newest, `videos` of them) posted `2 k` days before `today` at 11:00 UTC
  (18:00 in Jakarta): video_views 5000 + 100 k, reach 4000 + 80 k (0 from k = 20 on: reach
  gone after 7 inactive days), likes 300 + k, comments 40 + k, shares 20 + k, favorites 15 + k,
  total_time_watched 9000.5 + k, new_followers 7 + k % 3, profile_views 60 + k.
"""

import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tests.fakeapi.server import FakeApi, Reply, Request

PREFIX = "/open_api/v1.3"
BUSINESS_ID = "-000WisataNusantaraOpenId"
HANDLE = "wisatanusantara"
GENDERS = (("Female", 0.55), ("Male", 0.42), ("Other", 0.03))
AGES = (("18-24", 0.4), ("25-34", 0.35), ("35-44", 0.15), ("45-54", 0.07), ("55+", 0.03))
COUNTRIES = (("ID", 0.9), ("MY", 0.06), ("SG", 0.04))
CITIES = (("Jakarta", 0.3), ("Surabaya", 0.12), ("Bandung", 0.1))


def answer(data: Any, code: int = 0, message: str = "OK", status: int = 200) -> Reply:
    """TikTok's envelope."""
    body = {"code": code, "message": message, "request_id": secrets.token_hex(8), "data": data}
    return Reply.json(body, status=status)


def refused(code: int, message: str, status: int = 200) -> Reply:
    """An error answer (TikTok says it with `code`, most often under HTTP 200)."""
    return answer({}, code, message, status)


@dataclass
class TikTokWorld:
    """One business account: its daily metrics, audience and videos."""

    today: date = date(2026, 11, 23)
    token: str | None = None
    expired: str | None = None
    videos: int = 45
    views_bonus: int = 0
    missing: set[str] = field(default_factory=set)  # video ids the API no longer serves

    @property
    def first_day(self) -> date:
        return self.today - timedelta(days=59)

    def day(self, day: date) -> dict[str, Any]:
        """Every metric of one day."""
        i = (day - self.first_day).days
        return {
            "date": day.isoformat(),
            "video_views": 1000 + 10 * i,
            "profile_views": 50 + i,
            "likes": 100 + i,
            "comments": 10 + i % 5,
            "shares": 5 + i % 3,
            "followers_count": 20000 + 15 * i,
            "daily_new_followers": 20 + i % 7,
            "daily_lost_followers": 5 + i % 3,
            "bio_link_clicks": 3 + i % 4,
            "audience_activity": [{"hour": str(h), "count": 100 * h + i} for h in range(24)],
        }

    def video(self, k: int) -> dict[str, Any]:
        """Every field of video k (0 = newest)."""
        posted = datetime.combine(self.today - timedelta(days=2 * k), time(11), UTC)
        bonus = self.views_bonus
        item_id = str(7400000000000000000 + k)
        return {
            "item_id": item_id,
            "create_time": int(posted.timestamp()),
            "caption": f"Wisata #{k}",
            "share_url": f"https://www.tiktok.com/@{HANDLE}/video/{item_id}",
            "video_views": 5000 + 100 * k + bonus,
            "reach": 0 if k >= 20 else 4000 + 80 * k + bonus,
            "likes": 300 + k + bonus,
            "comments": 40 + k,
            "shares": 20 + k,
            "favorites": 15 + k,
            "total_time_watched": 9000.5 + k,
            "average_time_watched": round((9000.5 + k) / (5000 + 100 * k + bonus), 3),
            "full_video_watched_rate": 0.25,
            "new_followers": 7 + k % 3,
            "profile_views": 60 + k,
        }

    def listed(self) -> list[dict[str, Any]]:
        return [
            v
            for v in (self.video(k) for k in range(self.videos))
            if v["item_id"] not in self.missing
        ]


def _fields(request: Request) -> list[str]:
    return list(json.loads(request.query.get("fields", "[]")))


def _guard(world: TikTokWorld, request: Request) -> Reply | None:
    token = request.headers.get("access-token")
    if world.expired is not None and token == world.expired:
        return refused(40102, "Access token has expired.")
    if world.token is not None and token != world.token:
        return refused(40105, "Access token is incorrect or has been revoked.")
    if request.query.get("business_id") != BUSINESS_ID:
        return refused(40001, "No permission to operate business_id.")
    return None


def _business(world: TikTokWorld, request: Request) -> Reply:
    refusal = _guard(world, request)
    if refusal is not None:
        return refusal
    asked = _fields(request)
    data: dict[str, Any] = {}
    breakdowns = {
        "audience_genders": ("gender", GENDERS),
        "audience_ages": ("age", AGES),
        "audience_countries": ("country", COUNTRIES),
        "audience_cities": ("city_name", CITIES),
    }
    for name, (key, buckets) in breakdowns.items():
        if name in asked:
            data[name] = [{key: bucket, "percentage": share} for bucket, share in buckets]
    metrics = [name for name in asked if name not in breakdowns]
    if metrics:
        start = date.fromisoformat(request.query["start_date"])
        end = date.fromisoformat(request.query["end_date"])
        if (end - start).days >= 30:
            return refused(40002, "The date range must not exceed 30 days.")
        if start < world.first_day:
            return refused(40002, "start_date must be within the last 60 days.")
        days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
        data["metrics"] = [
            {"date": d.isoformat(), **{m: world.day(d)[m] for m in metrics}}
            for d in days
            if d <= world.today
        ]
    return answer(data)


def _video_list(world: TikTokWorld, request: Request) -> Reply:
    refusal = _guard(world, request)
    if refusal is not None:
        return refusal
    asked = _fields(request)
    size = int(request.query.get("max_count", "20"))
    if not 1 <= size <= 20:
        return refused(40002, "max_count must be between 1 and 20.")
    videos = world.listed()
    if "filters" in request.query:
        ids = set(json.loads(request.query["filters"]).get("video_ids", []))
        videos = [v for v in videos if v["item_id"] in ids]
    offset = int(request.query.get("cursor", "0"))
    page = videos[offset : offset + size]
    more = offset + size < len(videos)
    return answer(
        {
            "videos": [{k: v[k] for k in asked if k in v} for v in page],
            "cursor": offset + size,
            "has_more": more,
        }
    )


def install(fake: FakeApi, world: TikTokWorld) -> None:
    """Serve the world's two endpoints under `PREFIX`."""
    fake.route("GET", f"{PREFIX}/business/get/", lambda r: _business(world, r))
    fake.route("GET", f"{PREFIX}/business/video/list/", lambda r: _video_list(world, r))
