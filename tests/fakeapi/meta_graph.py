"""Fake Meta Graph API for connector tests: one Facebook Page and one Instagram account.

`install(fake, MetaWorld())` serves the world below under `/v24.0` (point a source's `base_url`
at `fake.base_url + "/v24.0"`; `install(..., "/v21.0")` serves it under another version).
Days run from `first_day` to `last_day` (2026-11-16..22); day index i = days since
`first_day`, weekday w = ISO weekday (Monday 1).

- Page `104857600000001`, daily (`page_day`): page_follows 5000 + 4 (i + 1), follows 6 + i % 3,
  unfollows 2 + i % 3, page_media_view 1200 + 10 i, page_impressions 1500 + 10 i,
  page_impressions_unique 800 + 5 i, page_total_media_view_unique 700 + 5 i,
  page_post_engagements 90 + i % 7, page_views_total 40 + i % 5, page_video_views 300 + 2 i.
  page_fans_online at Pacific hour h: 100 + 10 h + w. Lifetime fans by country, city and
  gender.age, follows by country and city (`PAGE_FANS`) on the last two days. Posts (`POSTS`),
  newest first, one of them a Reel: its `/insights` answers Meta's code 100 "nonexisting field
  (insights)", its video's `/video_insights` its Reel metrics. Posts in `missing_posts` answer
  code 100 subcode 33 ("Object ... does not exist") to their insights.
- Instagram account `17841400000000001`, daily (`ig_day`): reach 2000 + 20 i, follower_count
  10 + i % 4, impressions 3500 + 30 i, views 4000 + 40 i, profile_views 150 + i % 6,
  website_clicks 12 + i % 3, total_interactions 300 + 3 i (a `total_value` is the sum over the
  requested days). followers_count 8400; online_followers at Pacific hour h: 200 + 5 h + w;
  follower_demographics (`DEMOGRAPHICS`). Media (`MEDIA`) and stories (`STORIES`), newest first.

Meta's limits and refusals as of late 2026: metrics in `invalid_metrics` (default `DEPRECATED`:
those retired by then, so a test can assert none is asked) are refused with code 100, with Meta's
wording per endpoint (Page and post insights name none; Instagram names the metric); Page insights
refuse more than 90 days and Instagram user insights more than 30 between since and until; media in
`posted_before_business` answer code 100 subcode 2108006 and those in `not_enough_viewers` code 10.
Instagram user insights leave out a metric with no data in the asked range ("an empty data set
instead of 0"), and media and post insights list only the metrics the world gives that item; Page
insights without since/until give the last two days. A post or media node answers
`fields=...,insights.metric(a,b)` with its record and its insights expanded (a Reel's post: code
100, it has no insights edge), a Reel's video node `fields=video_insights.metric(a,b)` with its
Reel metrics expanded, and `GET /?ids=a,b`
(at most 50) answers each id's node keyed by id, or, as Meta does, the whole request fails with
the first failing id's error. Edges serve `page_size` items per page with
`paging.next` links carrying the received `access_token`, as Meta does. When `token` is set, any
other token gets code 190.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.fakeapi.server import FakeApi, Reply, Request

VERSION = "/v24.0"
PACIFIC = ZoneInfo("America/Los_Angeles")
DEPRECATED = frozenset(
    {
        "page_impressions",
        "page_impressions_unique",
        "page_fans",
        "page_fans_online",
        "page_fans_online_per_day",
        "page_fans_country",
        "page_fans_city",
        "page_fans_locale",
        "page_fans_gender_age",
        "page_fan_adds",
        "page_fan_adds_unique",
        "page_fan_removes",
        "page_fan_removes_unique",
        "post_impressions",
        "post_impressions_unique",
        "impressions",
        "plays",
        "clips_replays_count",
        "ig_reels_aggregated_all_plays_count",
        "video_views",
    }
)
PAGE_FANS = {
    "page_fans_country": {"ID": 4100, "MY": 300, "US": 120},
    "page_fans_city": {"Jakarta, Jakarta, Indonesia": 2100, "Bandung, West Java, Indonesia": 900},
    "page_fans_gender_age": {"F.18-24": 800, "F.25-34": 1200, "M.18-24": 700, "M.25-34": 1000},
    "page_follows_country": {"ID": 4600, "MY": 350, "US": 130},
    "page_follows_city": {
        "Jakarta, Jakarta, Indonesia": 2400,
        "Bandung, West Java, Indonesia": 950,
    },
}
REEL_ERROR = "(#100) Tried accessing nonexisting field (insights) on node type (Video)"
DEMOGRAPHICS = {
    "age": {"18-24": 2500, "25-34": 3900, "35-44": 1400, "45-54": 600},
    "gender": {"F": 4700, "M": 3500, "U": 200},
    "city": {"Jakarta, Jakarta": 3100, "Surabaya, East Java": 1200},
    "country": {"ID": 7600, "MY": 500, "SG": 300},
}


@dataclass(frozen=True)
class Post:
    """A Page post: its fields as `/published_posts` gives them and its lifetime insights."""

    post_id: str
    created: datetime
    message: str | None
    media_type: str | None  # the first attachment's media_type; None = no attachment
    comments: int
    reactions: int
    shares: int  # 0: the `shares` field is left out, as Meta does
    insights: dict[str, Any]
    reel: bool = False  # a Reel: its link is /reel/<video id>, its insights are video_insights

    @property
    def video_id(self) -> str:
        return self.post_id.split("_", 1)[1]

    def record(self) -> dict[str, Any]:
        link = f"https://www.facebook.com/{self.post_id.replace('_', '/posts/')}"
        if self.reel:
            link = f"https://www.facebook.com/reel/{self.video_id}"
        record: dict[str, Any] = {
            "id": self.post_id,
            "created_time": _stamp(self.created),
            "permalink_url": link,
            "status_type": "added_photos" if self.media_type == "photo" else "mobile_status_update",
            "comments": {"data": [], "summary": {"order": "ranked", "total_count": self.comments}},
            "reactions": {"data": [], "summary": {"total_count": self.reactions}},
        }
        if self.message is not None:
            record["message"] = self.message
        if self.media_type is not None:
            record["attachments"] = {"data": [{"media_type": self.media_type}]}
        if self.shares:
            record["shares"] = {"count": self.shares}
        return record


@dataclass(frozen=True)
class Media:
    """An Instagram media or story: its fields and its lifetime insights."""

    media_id: str
    timestamp: datetime
    media_type: str
    product: str
    caption: str | None
    like_count: int | None
    comments_count: int | None
    insights: dict[str, int]

    def record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "id": self.media_id,
            "media_type": self.media_type,
            "media_product_type": self.product,
            "permalink": f"https://www.instagram.com/p/{self.media_id[-6:]}/",
            "timestamp": _stamp(self.timestamp),
        }
        if self.caption is not None:
            record["caption"] = self.caption
        if self.like_count is not None:
            record["like_count"] = self.like_count
        if self.comments_count is not None:
            record["comments_count"] = self.comments_count
        return record


POSTS = (
    Post(
        "104857600000001_900001",
        datetime(2026, 11, 20, 3, 15, tzinfo=UTC),
        "Foto kegiatan bersih pantai bersama relawan",
        "photo",
        12,
        85,
        4,
        {
            "post_impressions": 2600,
            "post_impressions_unique": 1500,
            "post_total_media_view_unique": 1400,
            "post_media_view": 2300,
            "post_reactions_by_type_total": {"like": 70, "love": 15},
            "post_clicks": 210,
            "post_clicks_by_type": {"photo view": 150, "other clicks": 60},
            "post_video_views": 0,
            "post_video_view_time": 0,
        },
    ),
    Post(
        "104857600000001_900002",
        datetime(2026, 11, 18, 11, 40, tzinfo=UTC),
        "Video: cara memilah sampah di rumah",
        "video",
        3,
        40,
        0,
        {
            "post_impressions": 1300,
            "post_impressions_unique": 950,
            "post_total_media_view_unique": 900,
            "post_media_view": 1250,
            "post_reactions_by_type_total": {"like": 38, "haha": 2},
            "post_clicks": 95,
            "post_clicks_by_type": {"video play": 80, "other clicks": 15},
            "post_video_views": 640,
            "post_video_view_time": 1920000,
        },
    ),
    Post(
        "104857600000001_900003",
        datetime(2026, 11, 16, 17, 5, tzinfo=UTC),
        "Daftar relawan: https://example.org/relawan",
        "link",
        1,
        22,
        9,
        {
            "post_impressions": 800,
            "post_impressions_unique": 610,
            "post_total_media_view_unique": 600,
            "post_media_view": 760,
            "post_reactions_by_type_total": {"like": 22},
            "post_clicks": 55,
            "post_clicks_by_type": {"link clicks": 48, "other clicks": 7},
            "post_video_views": 0,
            "post_video_view_time": 0,
        },
    ),
    Post(
        "104857600000001_900005",
        datetime(2026, 11, 19, 9, 30, tzinfo=UTC),
        "Reel: 30 detik di pantai",
        "video",
        7,
        180,
        11,
        {
            "blue_reels_play_count": 5400,
            "fb_reels_total_plays": 6100,
            "post_impressions_unique": 3100,
            "post_video_likes_by_reaction_type": {"REACTION_LIKE": 150, "REACTION_LOVE": 30},
            "post_video_view_time": 8100000,
            "post_video_avg_time_watched": 1500,
            "post_video_followers": 12,
        },
        reel=True,
    ),
    Post(
        "104857600000001_900004",
        datetime(2026, 11, 10, 2, 0, tzinfo=UTC),
        "Selamat Hari Pahlawan!",
        None,
        5,
        60,
        2,
        {"post_media_view": 1000, "post_clicks": 10},
    ),
)
MEDIA = (
    Media(
        "17900000000000001",
        datetime(2026, 11, 21, 4, 0, tzinfo=UTC),
        "IMAGE",
        "FEED",
        "Pantai bersih, hati senang",
        120,
        8,
        {"reach": 1500, "views": 2600, "likes": 120, "comments": 8, "shares": 5, "saved": 14}
        | {"profile_visits": 20, "follows": 3},
    ),
    Media(
        "17900000000000002",
        datetime(2026, 11, 19, 12, 30, tzinfo=UTC),
        "VIDEO",
        "REELS",
        "Reel: 60 detik memilah sampah",
        300,
        25,
        {"reach": 5200, "views": 9100, "likes": 300, "comments": 25, "shares": 40, "saved": 33}
        | {"ig_reels_video_view_total_time": 45600000},
    ),
    Media(
        "17900000000000003",
        datetime(2026, 11, 17, 9, 0, tzinfo=UTC),
        "CAROUSEL_ALBUM",
        "FEED",
        None,
        80,
        4,
        {"reach": 1100, "views": 1900, "likes": 80, "comments": 4, "shares": 2, "saved": 9}
        | {"profile_visits": 6, "follows": 1},
    ),
    Media(
        "17900000000000004",
        datetime(2026, 11, 16, 16, 30, tzinfo=UTC),
        "IMAGE",
        "FEED",
        "Arsip: sebelum akun bisnis",
        15,
        0,
        {},
    ),
    Media(
        "17900000000000005",
        datetime(2026, 11, 12, 8, 0, tzinfo=UTC),
        "IMAGE",
        "FEED",
        "Minggu lalu",
        50,
        2,
        {"reach": 700},
    ),
    Media(
        "17900000000000006",
        datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
        "VIDEO",
        "FEED",
        "Awal bulan",
        40,
        1,
        {"reach": 600},
    ),
    Media(
        "17900000000000007",
        datetime(2026, 10, 20, 8, 0, tzinfo=UTC),
        "IMAGE",
        "FEED",
        "Oktober",
        30,
        0,
        {"reach": 500},
    ),
)
STORIES = (
    Media(
        "17900000000000102",
        datetime(2026, 11, 22, 10, 0, tzinfo=UTC),
        "VIDEO",
        "STORY",
        None,
        None,
        None,
        {},
    ),
    Media(
        "17900000000000101",
        datetime(2026, 11, 22, 6, 0, tzinfo=UTC),
        "IMAGE",
        "STORY",
        None,
        None,
        None,
        {"reach": 640, "views": 700, "replies": 3, "shares": 1, "follows": 0}
        | {"profile_visits": 11},
    ),
)


@dataclass(frozen=True)
class MetaWorld:
    """What the fake Graph API knows; defaults are the world the module docstring describes."""

    page_id: str = "104857600000001"
    ig_user_id: str = "17841400000000001"
    first_day: date = date(2026, 11, 16)
    last_day: date = date(2026, 11, 22)
    posts: tuple[Post, ...] = POSTS
    media: tuple[Media, ...] = MEDIA
    stories: tuple[Media, ...] = STORIES
    followers_count: int = 8400
    page_size: int = 2
    invalid_metrics: frozenset[str] = DEPRECATED
    posted_before_business: frozenset[str] = frozenset({"17900000000000004"})
    missing_posts: frozenset[str] = frozenset()  # posts whose insights answer code 100
    not_enough_viewers: frozenset[str] = frozenset({"17900000000000102"})
    token: str | None = None

    def days(self, since: datetime, until: datetime) -> list[date]:
        """The world's days whose Pacific day lies within [since, until)."""
        first = since.astimezone(PACIFIC).date()
        count = (until.astimezone(PACIFIC).date() - first).days
        span = [first + timedelta(days=n) for n in range(count)]
        return [day for day in span if self.first_day <= day <= self.last_day]

    def page_day(self, day: date) -> dict[str, int]:
        """The Page's daily metrics."""
        i = (day - self.first_day).days
        return {
            "page_follows": 5000 + 4 * (i + 1),
            "page_daily_follows_unique": 6 + i % 3,
            "page_daily_unfollows_unique": 2 + i % 3,
            "page_media_view": 1200 + 10 * i,
            "page_impressions": 1500 + 10 * i,
            "page_impressions_unique": 800 + 5 * i,
            "page_total_media_view_unique": 700 + 5 * i,
            "page_post_engagements": 90 + i % 7,
            "page_views_total": 40 + i % 5,
            "page_video_views": 300 + 2 * i,
        }

    def ig_day(self, day: date) -> dict[str, int]:
        """The Instagram account's daily metrics."""
        i = (day - self.first_day).days
        return {
            "reach": 2000 + 20 * i,
            "follower_count": 10 + i % 4,
            "impressions": 3500 + 30 * i,
            "views": 4000 + 40 * i,
            "profile_views": 150 + i % 6,
            "website_clicks": 12 + i % 3,
            "total_interactions": 300 + 3 * i,
        }

    def online(self, day: date, base: int, step: int) -> dict[str, int]:
        """Followers online by Pacific hour of a day."""
        return {str(hour): base + step * hour + day.isoweekday() for hour in range(24)}


Handler = Callable[["MetaWorld", Request, FakeApi], Reply]


def install(fake: FakeApi, world: MetaWorld, version: str = VERSION) -> None:
    """Serve `world` on `fake` under `version` (`/v24.0`)."""
    for edge, handler in (
        ("/insights", _insights),
        ("/video_insights", _video_insights),
        ("/published_posts", _published_posts),
        ("/media", _media_edge),
        ("/stories", _media_edge),
        ("", _node),
    ):
        fake.route("GET", f"{version}/{{node}}{edge}", _guarded(fake, world, handler))
    fake.route("GET", f"{version}/", _guarded(fake, world, _multi))


def _guarded(fake: FakeApi, world: MetaWorld, handler: Handler) -> Callable[[Request], Reply]:
    """Meta's code 190 for a missing or (when the world has one) a different token."""

    def serve(request: Request) -> Reply:
        token = request.query.get("access_token")
        if not token or (world.token and token != world.token):
            message = "Error validating access token: Session has expired on Tuesday, 24-Nov-26."
            return _error(400, message, 190, subcode=463)
        return handler(world, request, fake)

    return serve


def _error(status: int, message: str, code: int, **extra: Any) -> Reply:
    error = {"message": message, "type": "OAuthException", "code": code}
    if "subcode" in extra:
        error["error_subcode"] = extra.pop("subcode")
    return Reply.json({"error": {**error, **extra, "fbtrace_id": "AFakeTraceId01"}}, status)


def _stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _end_time(day: date) -> str:
    """The end of a Pacific day, as Meta writes a daily value's end_time."""
    return _stamp(datetime.combine(day + timedelta(days=1), time(0), PACIFIC))


def _epoch(text: str | None) -> datetime | None:
    return datetime.fromtimestamp(int(text), UTC) if text else None


def _entry(node: str, name: str, period: str, **shape: Any) -> dict[str, Any]:
    title = name.replace("_", " ").capitalize()
    return {
        "name": name,
        "period": period,
        **shape,
        "title": title,
        "description": title,
        "id": f"{node}/insights/{name}/{period}",
    }


def _insights(world: MetaWorld, request: Request, fake: FakeApi) -> Reply:
    node = request.path_params["node"]
    metrics = [m for m in request.query.get("metric", "").split(",") if m]
    refused = [m for m in metrics if m in world.invalid_metrics]
    if node in (world.page_id, *(p.post_id for p in world.posts)):
        post = next((p for p in world.posts if p.post_id == node), None)
        if post is not None and post.reel:
            return _error(400, REEL_ERROR, 100)
        if node in world.missing_posts:
            message = (
                f"(#100) Object with ID '{node}' does not exist, cannot be loaded due to missing "
                "permissions, or does not support this operation"
            )
            return _error(400, message, 100, subcode=33)
        if refused:
            return _error(400, "(#100) The value must be a valid insights metric", 100)
        if post is None:
            return _page_insights(world, request, metrics)
        values = [
            _entry(node, m, "lifetime", values=[{"value": post.insights[m]}])
            for m in metrics
            if m in post.insights
        ]
        return Reply.json({"data": values})
    if node == world.ig_user_id:
        if refused:
            message = (
                f"(#100) Starting from version v22.0 and above, the {refused[0]} metric is no "
                "longer supported for the queried user."
            )
            return _error(400, message, 100)
        return _ig_insights(world, request, metrics)
    return _media_insights(world, node, metrics, refused)


def _video_insights(world: MetaWorld, request: Request, fake: FakeApi) -> Reply:
    """A Reel's (video's) lifetime insights; without `metric`, every metric the world has."""
    node = request.path_params["node"]
    reel = next((p for p in world.posts if p.reel and p.video_id == node), None)
    if reel is None:
        return _error(400, f"(#100) Tried accessing nonexisting field (video_insights) {node}", 100)
    metrics = [m for m in request.query.get("metric", "").split(",") if m] or list(reel.insights)
    if any(m in world.invalid_metrics for m in metrics):
        return _error(400, "(#100) The value must be a valid insights metric", 100)
    data = [
        _entry(node, m, "lifetime", values=[{"value": reel.insights[m]}])
        for m in metrics
        if m in reel.insights
    ]
    return Reply.json({"data": data})


def _page_insights(world: MetaWorld, request: Request, metrics: list[str]) -> Reply:
    since, until = _epoch(request.query.get("since")), _epoch(request.query.get("until"))
    if since and until and until - since > timedelta(days=90):
        return _error(400, "(#100) There cannot be more than 90 days between since and until", 100)
    if since is None or until is None:
        last = world.last_day + timedelta(days=1)
        since = datetime.combine(last - timedelta(days=2), time(0), PACIFIC)
        until = datetime.combine(last, time(0), PACIFIC)
    period = request.query.get("period", "day")
    data = []
    for metric in metrics:
        days = world.days(since, until)
        values: list[dict[str, Any]]
        if metric == "page_fans_online":
            values = [{"value": world.online(d, 100, 10), "end_time": _end_time(d)} for d in days]
        elif metric in PAGE_FANS:
            values = [{"value": PAGE_FANS[metric], "end_time": _end_time(d)} for d in days]
        else:
            values = [{"value": world.page_day(d)[metric], "end_time": _end_time(d)} for d in days]
        data.append(_entry(world.page_id, metric, period, values=values))
    return Reply.json({"data": data})


def _ig_insights(world: MetaWorld, request: Request, metrics: list[str]) -> Reply:
    query = request.query
    since, until = _epoch(query.get("since")), _epoch(query.get("until"))
    if since and until and until - since > timedelta(days=30):
        message = "(#100) There cannot be more than 30 days (2592000 s) between since and until"
        return _error(400, message, 100)
    node = world.ig_user_id
    data = []
    for metric in metrics:
        total: dict[str, Any]
        values: list[dict[str, Any]]
        if metric == "follower_demographics":
            dimension = query["breakdown"]
            results = [
                {"dimension_values": [k], "value": v} for k, v in DEMOGRAPHICS[dimension].items()
            ]
            total = {"breakdowns": [{"dimension_keys": [dimension], "results": results}]}
            data.append(_entry(node, metric, "lifetime", total_value=total))
            continue
        if since is None or until is None:
            return _error(400, "(#100) this fake needs since and until", 100)
        days = world.days(since, until)
        if not days:
            continue  # Meta: "an empty data set instead of 0" where there is no data
        if metric == "online_followers":
            values = [{"value": world.online(d, 200, 5), "end_time": _end_time(d)} for d in days]
            data.append(_entry(node, metric, "lifetime", values=values))
        elif query.get("metric_type") == "total_value":
            total = {"value": sum(world.ig_day(d)[metric] for d in days)}
            data.append(_entry(node, metric, "day", total_value=total))
        else:
            values = [{"value": world.ig_day(d)[metric], "end_time": _end_time(d)} for d in days]
            data.append(_entry(node, metric, "day", values=values))
    return Reply.json({"data": data})


def _media_insights(world: MetaWorld, node: str, metrics: list[str], refused: list[str]) -> Reply:
    media = {m.media_id: m for m in (*world.media, *world.stories)}
    if node not in media:
        message = f"(#100) Object with ID '{node}' does not exist"
        return _error(400, message, 100, error_subcode=33)
    if node in world.posted_before_business:
        return _error(
            400,
            "Invalid parameter",
            100,
            subcode=2108006,
            error_user_title="Media posted before business account conversion",
            error_user_msg="The media was posted before the most recent time that the user's "
            "account was converted to a business account from a personal account.",
            is_transient=False,
        )
    if node in world.not_enough_viewers:
        return _error(400, "(#10) Not enough viewers for the media to show insights", 10)
    if refused:
        message = (
            f"(#100) The Media Insights API does not support the {refused[0]} metric for this "
            "media product type."
        )
        return _error(400, message, 100)
    insights = media[node].insights
    data = [
        _entry(node, m, "lifetime", values=[{"value": insights[m]}])
        for m in metrics
        if m in insights
    ]
    return Reply.json({"data": data})


def _page(
    world: MetaWorld, request: Request, fake: FakeApi, records: list[dict[str, Any]]
) -> Reply:
    """One page of an edge: `page_size` records from the `after` cursor, with a next link."""
    size = min(int(request.query.get("limit", "25")), world.page_size)
    offset = int(request.query.get("after", "0"))
    body: dict[str, Any] = {"data": records[offset : offset + size]}
    cursors = {"before": str(offset), "after": str(offset + size)}
    body["paging"] = {"cursors": cursors}
    if offset + size < len(records):
        body["paging"]["next"] = fake.link(
            request.path, {**request.query, "after": str(offset + size)}
        )
    return Reply.json(body)


def _published_posts(world: MetaWorld, request: Request, fake: FakeApi) -> Reply:
    if request.path_params["node"] != world.page_id:
        return _error(400, "(#100) Tried accessing nonexisting field (published_posts)", 100)
    since, until = _epoch(request.query.get("since")), _epoch(request.query.get("until"))
    posts = sorted(world.posts, key=lambda p: p.created, reverse=True)
    chosen = [
        p.record()
        for p in posts
        if (since is None or p.created >= since) and (until is None or p.created <= until)
    ]
    return _page(world, request, fake, chosen)


def _media_edge(world: MetaWorld, request: Request, fake: FakeApi) -> Reply:
    if request.path_params["node"] != world.ig_user_id:
        return _error(400, "(#100) Tried accessing nonexisting field (media)", 100)
    items = world.stories if request.path.endswith("/stories") else world.media
    ordered = sorted(items, key=lambda m: m.timestamp, reverse=True)
    return _page(world, request, fake, [m.record() for m in ordered])


_EXPANDED = re.compile(r"(?<!video_)insights\.metric\(([^)]*)\)")
_VIDEO_EXPANDED = re.compile(r"video_insights\.metric\(([^)]*)\)")


def _video_node(world: MetaWorld, reel: Post, fields: str) -> dict[str, Any] | Reply:
    """A Reel's video node: `video_insights.metric(...)` expanded; `insights` is Meta's code 100."""
    if _EXPANDED.search(fields):
        return _error(400, REEL_ERROR, 100)
    match = _VIDEO_EXPANDED.search(fields)
    metrics = [m for m in (match.group(1) if match else "").split(",") if m]
    if any(m in world.invalid_metrics for m in metrics):
        return _error(400, "(#100) The value must be a valid insights metric", 100)
    record: dict[str, Any] = {"id": reel.video_id}
    if match:
        data = [
            _entry(reel.video_id, m, "lifetime", values=[{"value": reel.insights[m]}])
            for m in metrics
            if m in reel.insights
        ]
        record["video_insights"] = {"data": data}
    return record


def _expanded(world: MetaWorld, node: str, fields: str) -> dict[str, Any] | Reply:
    """A post's or media's record with `insights.metric(...)` expanded, or the error Meta gives."""
    match = _EXPANDED.search(fields)
    metrics = [m for m in (match.group(1) if match else "").split(",") if m]
    posts = {p.post_id: p for p in world.posts}
    if node in posts:
        post = posts[node]
        if post.reel and match:  # a Reel's post has no insights edge (Meta's code 100)
            return _error(400, REEL_ERROR, 100)
        if any(m in world.invalid_metrics for m in metrics):
            return _error(400, "(#100) The value must be a valid insights metric", 100)
        record, values = post.record(), post.insights
    else:
        refused = [m for m in metrics if m in world.invalid_metrics]
        answer = _media_insights(world, node, metrics, refused)
        if answer.status != 200:
            return answer
        media = {m.media_id: m for m in (*world.media, *world.stories)}[node]
        record, values = media.record(), media.insights
    if match:
        data = [
            _entry(node, m, "lifetime", values=[{"value": values[m]}])
            for m in metrics
            if m in values
        ]
        record["insights"] = {"data": data}
    return record


def _item_node(world: MetaWorld, node: str, fields: str) -> dict[str, Any] | Reply:
    reels = {p.video_id: p for p in world.posts if p.reel}
    if node in reels:
        return _video_node(world, reels[node], fields)
    known = {p.post_id for p in world.posts} | {m.media_id for m in (*world.media, *world.stories)}
    if node not in known:
        message = f"(#803) Some of the aliases you requested do not exist: {node}"
        return _error(400, message, 803)
    return _expanded(world, node, fields)


def _multi(world: MetaWorld, request: Request, fake: FakeApi) -> Reply:
    """`GET /?ids=a,b`: each id's node keyed by id; one failing id fails the request."""
    ids = [i for i in request.query.get("ids", "").split(",") if i]
    if not ids or len(ids) > 50:
        return _error(400, "(#100) ids must name between 1 and 50 objects", 100)
    answer: dict[str, Any] = {}
    for node in ids:
        result = _item_node(world, node, request.query.get("fields", ""))
        if isinstance(result, Reply):
            return result
        answer[node] = result
    return Reply.json(answer)


def _node(world: MetaWorld, request: Request, fake: FakeApi) -> Reply:
    node = request.path_params["node"]
    if node not in (world.ig_user_id, world.page_id):
        result = _item_node(world, node, request.query.get("fields", ""))
        return result if isinstance(result, Reply) else Reply.json(result)
    if node == world.ig_user_id:
        return Reply.json({"followers_count": world.followers_count, "id": node})
    return Reply.json({"name": "Kunci Demo Page", "id": node})
