"""Fake Google APIs for connector tests: YouTube Analytics + Data API, and the GA4 Data API.

`install(fake, GoogleWorld())` serves one small, consistent world from the same `FakeApi` (point
both `base_url` and `options.data_base_url` of a YouTube source at `fake.base_url`):

- Channel `UCk9fW2vNqXr7bTz3LmPa4Hd` with five uploads (newest first in its uploads playlist,
  `playlist_page_size` per page): a Short, a live stream, three videos on demand
  (`creatorContentType` by `video,creatorContentType`; a live stream's views a third on demand).
  A video's views on its n-th UTC day since publication
  (n = 0, 1, ...) are `base // (n + 1)`; engaged views `views * 3 // 5` for the Short and
  `views * 9 // 10` for the others (YouTube counts every start as a view since 2025-2026, engaged
  views keep the old count); watch minutes `views * 3 // 2`, likes `views // 20`,
  comments `views // 80`, shares `views // 120`, subscribers gained `views // 150`; 0 on days
  before publication. The channel's day adds every video's numbers to a floor (900 views, 800
  engaged views, 1300
  minutes, 40 likes, 6 comments, 3 shares, 10 subscribers gained) and loses `1 + day % 3`
  subscribers. Data exists only from `first_day` to `last_day`; lifetime totals are the sums
  of a video's days up to the requested end date.
- Audience: fixed `ageGroup,gender` shares (`GENDER_AGE`); country views split the channel's
  views over the requested period 90 % `ID`, 6 % `MY`, the rest `SG`.
- GA4 property `345678901`: for every day and each of `SOURCES` (index j, day index i from 0):
  sessions `100 * (j + 1) + 10 * i`, engaged `sessions * 2 // 3`, key events `j + i % 3`,
  revenue `1000.5 * j`, users `sessions - 7 * (j + 1)`, views `sessions * 3`,
  `keyEvents:generate_lead` `(i + j) % 4` (any other key event 0). Rows are sorted by date,
  source, medium, campaign and served at most `ga4_page_cap` per page.

Metrics named in `invalid_metrics` are refused the way each API words it. A request without a
bearer token, or with another than `token` when it is set, gets Google's 401.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.fakeapi.server import FakeApi, Reply, Request

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "api" / "google"


@dataclass(frozen=True)
class Video:
    """One upload: id, title, publish time (UTC), its first day's views and its format.

    `kind` is its `creatorContentType` (SHORTS, VIDEO_ON_DEMAND, LIVE_STREAM); a live stream's
    views come two thirds live and the rest on demand (watched later).
    """

    video_id: str
    title: str
    published_at: datetime
    base: int
    kind: str = "VIDEO_ON_DEMAND"

    @property
    def published(self) -> date:
        return self.published_at.date()


VIDEOS = (
    Video(
        "-q3HfJ9sEo1",
        "Jelajah Labuan Bajo dalam 60 detik #shorts",
        datetime(2026, 10, 6, 1, 15, tzinfo=UTC),
        1500,
        "SHORTS",
    ),
    Video(
        "Zr5TdW8yLc0",
        "Festival Budaya Bali 2026 | Wisata Nusantara",
        datetime(2026, 10, 4, 19, 30, tzinfo=UTC),
        600,
        "LIVE_STREAM",
    ),
    Video(
        "kB7xQ2mN4pA",
        "Pesona Danau Toba: panduan lengkap liburan 3 hari",
        datetime(2026, 10, 2, 3, 0, tzinfo=UTC),
        800,
    ),
    Video(
        "P0oLd1234Ab",
        "Cerita warga Wakatobi: menjaga alam dan budaya",
        datetime(2026, 9, 20, 8, 0, tzinfo=UTC),
        300,
    ),
    Video(
        "Xy9OlDer0_1",
        "Upacara 17 Agustus di Toraja | Dirgahayu RI ke-81",
        datetime(2026, 8, 17, 2, 0, tzinfo=UTC),
        200,
    ),
)
GENDER_AGE = (
    ("age18-24", "female", 10.2),
    ("age18-24", "male", 12.8),
    ("age25-34", "female", 20.5),
    ("age25-34", "male", 25.1),
    ("age35-44", "female", 9.6),
    ("age35-44", "male", 11.4),
    ("age45-54", "male", 8.1),
    ("age45-54", "user_specified", 0.3),
    ("age65-", "male", 2.0),
)
SOURCES = (
    ("google", "organic", "(organic)"),
    ("(direct)", "(none)", "(direct)"),
    ("l.instagram.com", "referral", "(referral)"),
    ("facebook.com", "social", "wisata_okt"),
    ("youtube.com", "referral", "(not set)"),
)
_CHANNEL_FLOOR = {
    "views": 900,
    "engagedViews": 800,
    "estimatedMinutesWatched": 1300,
    "likes": 40,
    "comments": 6,
    "shares": 3,
    "subscribersGained": 10,
}
_STRING_COLUMNS = {"day", "video", "ageGroup", "gender", "country", "creatorContentType"}


@dataclass(frozen=True)
class GoogleWorld:
    """What the fake Google APIs know; defaults are the world the module docstring describes."""

    channel_id: str = "UCk9fW2vNqXr7bTz3LmPa4Hd"
    property_id: str = "345678901"
    first_day: date = date(2026, 10, 1)
    last_day: date = date(2026, 10, 7)
    videos: tuple[Video, ...] = VIDEOS
    playlist_page_size: int = 2
    ga4_page_cap: int = 10
    invalid_metrics: frozenset[str] = field(default_factory=frozenset)
    token: str | None = None

    def days(self, start: date, end: date) -> list[date]:
        """The world's days within [start, end]."""
        first, last = max(start, self.first_day), min(end, self.last_day)
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def video_day(self, video: Video, day: date) -> dict[str, int]:
        """A video's metrics on one day (0 before publication)."""
        age = (day - video.published).days
        views = video.base // (age + 1) if age >= 0 else 0
        return {
            "views": views,
            "engagedViews": views * 3 // 5 if video.kind == "SHORTS" else views * 9 // 10,
            "estimatedMinutesWatched": views * 3 // 2,
            "likes": views // 20,
            "comments": views // 80,
            "shares": views // 120,
            "subscribersGained": views // 150,
        }

    def lifetime(self, video: Video, start: date, end: date) -> dict[str, int]:
        """A video's totals over [start, end] (its lifetime to `end` when `start` is early)."""
        totals = dict.fromkeys(self.video_day(video, self.first_day), 0)
        for day in self.days(start, end):
            for name, value in self.video_day(video, day).items():
                totals[name] += value
        return totals

    def kinds(self, video: Video, views: int) -> list[tuple[str, int]]:
        """A video's views by creatorContentType: a live stream's third came on demand."""
        if video.kind != "LIVE_STREAM":
            return [(video.kind, views)]
        return [("LIVE_STREAM", views - views // 3), ("VIDEO_ON_DEMAND", views // 3)]

    def channel_day(self, day: date) -> dict[str, int]:
        """The channel's metrics on one day: the floor plus every video's numbers."""
        totals = dict(_CHANNEL_FLOOR)
        for video in self.videos:
            for name, value in self.video_day(video, day).items():
                totals[name] += value
        return {**totals, "subscribersLost": 1 + day.day % 3}

    def countries(self, start: date, end: date) -> list[tuple[str, int]]:
        """Views by country over [start, end]: 90 % ID, 6 % MY, the rest SG."""
        total = sum(self.channel_day(day)["views"] for day in self.days(start, end))
        indonesia, malaysia = total * 90 // 100, total * 6 // 100
        return [("ID", indonesia), ("MY", malaysia), ("SG", total - indonesia - malaysia)]

    def ga4_rows(self, start: date, end: date, metrics: list[str]) -> list[dict[str, Any]]:
        """The traffic report's rows (dimension and metric values as GA4 writes them)."""
        rows = []
        for day in self.days(start, end):
            i = (day - self.first_day).days
            for j, (source, medium, campaign) in enumerate(SOURCES):
                values = _ga4_values(i, j)
                rows.append(
                    {
                        "dimensionValues": [
                            {"value": v} for v in (f"{day:%Y%m%d}", source, medium, campaign)
                        ],
                        "metricValues": [{"value": str(values.get(m, 0))} for m in metrics],
                    }
                )
        return sorted(rows, key=lambda r: [d["value"] for d in r["dimensionValues"]])


def _ga4_values(i: int, j: int) -> dict[str, int | float]:
    sessions = 100 * (j + 1) + 10 * i
    return {
        "sessions": sessions,
        "engagedSessions": sessions * 2 // 3,
        "keyEvents": j + i % 3,
        "totalRevenue": 1000.5 * j,
        "totalUsers": sessions - 7 * (j + 1),
        "screenPageViews": sessions * 3,
        "keyEvents:generate_lead": (i + j) % 4,
    }


def install(fake: FakeApi, world: GoogleWorld) -> None:
    """Serve `world` on `fake`: Analytics reports, Data API uploads, GA4 runReport."""
    for method, path, handler in (
        ("GET", "/v2/reports", _report),
        ("GET", "/youtube/v3/channels", _channels),
        ("GET", "/youtube/v3/playlistItems", _uploads),
        ("POST", "/v1beta/properties/{property}:runReport", _run_report),
    ):
        fake.route(method, path, _guarded(world, handler))


def _guarded(
    world: GoogleWorld, handler: Callable[[GoogleWorld, Request], Reply]
) -> Callable[[Request], Reply]:
    """Answer Google's 401 unless the request carries the world's bearer token."""

    def serve(request: Request) -> Reply:
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer ") or (world.token and header != f"Bearer {world.token}"):
            return Reply.raw((FIXTURES / "google_error_401.json").read_bytes(), 401)
        return handler(world, request)

    return serve


def _error(status: int, state: str, message: str, reason: str) -> Reply:
    errors = [{"message": message, "domain": "global", "reason": reason}]
    body = {"error": {"code": status, "message": message, "errors": errors, "status": state}}
    return Reply.json(body, status=status)


def _result_table(columns: list[str], rows: list[list[Any]]) -> Reply:
    headers = [
        {
            "name": name,
            "columnType": "DIMENSION" if name in _STRING_COLUMNS else "METRIC",
            "dataType": "STRING"
            if name in _STRING_COLUMNS
            else "FLOAT"
            if name == "viewerPercentage"
            else "INTEGER",
        }
        for name in columns
    ]
    body: dict[str, Any] = {"kind": "youtubeAnalytics#resultTable", "columnHeaders": headers}
    if rows:
        body["rows"] = rows
    return Reply.json(body)


def _report(world: GoogleWorld, request: Request) -> Reply:
    query = request.query
    if query.get("ids") != f"channel=={world.channel_id}":
        return _error(403, "PERMISSION_DENIED", "Forbidden", "forbidden")
    metrics = query.get("metrics", "").split(",")
    for metric in metrics:
        if metric in world.invalid_metrics:
            message = f"Unknown identifier ({metric}) given in field parameters.metrics."
            return _error(400, "INVALID_ARGUMENT", message, "badRequest")
    start, end = date.fromisoformat(query["startDate"]), date.fromisoformat(query["endDate"])
    dimensions, filters = query.get("dimensions", ""), query.get("filters", "")
    videos = {v.video_id: v for v in world.videos}
    chosen = [videos[v] for v in filters.removeprefix("video==").split(",") if v in videos]
    if dimensions == "day" and not filters:
        rows = [_row(day, world.channel_day(day), metrics) for day in world.days(start, end)]
    elif dimensions == "day" and len(chosen) == 1:
        days = world.days(start, end)
        rows = [_row(day, world.video_day(chosen[0], day), metrics) for day in days]
    elif dimensions == "video":
        totals = [(v.video_id, world.lifetime(v, start, end)) for v in chosen]
        totals.sort(key=lambda pair: -pair[1]["views"])
        rows = [[vid, *(t[m] for m in metrics)] for vid, t in totals if t["views"]]
    elif dimensions == "video,creatorContentType":
        rows = [
            [v.video_id, kind, views]
            for v in chosen
            for kind, views in world.kinds(v, world.lifetime(v, start, end)["views"])
            if views
        ]
    elif dimensions == "ageGroup,gender":
        rows = [[age, gender, share] for age, gender, share in GENDER_AGE]
    elif dimensions == "country":
        rows = [[country, views] for country, views in world.countries(start, end)]
    else:
        return _error(400, "INVALID_ARGUMENT", "The query is not supported.", "badRequest")
    return _result_table([*dimensions.split(","), *metrics], rows)


def _row(day: date, values: dict[str, int], metrics: list[str]) -> list[Any]:
    return [day.isoformat(), *(values[m] for m in metrics)]


def _channels(world: GoogleWorld, request: Request) -> Reply:
    items = []
    if request.query.get("id") == world.channel_id:
        uploads = "UU" + world.channel_id[2:]
        related = {"likes": "", "uploads": uploads}
        items.append(
            {
                "kind": "youtube#channel",
                "etag": "fake-etag",
                "id": world.channel_id,
                "contentDetails": {"relatedPlaylists": related},
            }
        )
    return Reply.json(
        {
            "kind": "youtube#channelListResponse",
            "etag": "fake-etag",
            "pageInfo": {"totalResults": len(items), "resultsPerPage": 5},
            "items": items,
        }
    )


def _uploads(world: GoogleWorld, request: Request) -> Reply:
    if request.query.get("playlistId") != "UU" + world.channel_id[2:]:
        message = "The playlist identified with the request's playlistId cannot be found."
        return _error(404, "NOT_FOUND", message, "playlistNotFound")
    size = min(int(request.query.get("maxResults", "5")), world.playlist_page_size)
    page = int(request.query.get("pageToken", "page-0").removeprefix("page-"))
    ordered = sorted(world.videos, key=lambda v: v.published_at, reverse=True)
    body: dict[str, Any] = {
        "kind": "youtube#playlistItemListResponse",
        "etag": "fake-etag",
        "pageInfo": {"totalResults": len(ordered), "resultsPerPage": size},
        "items": [
            _playlist_item(world, video, page * size + n)
            for n, video in enumerate(ordered[page * size : (page + 1) * size])
        ],
    }
    if (page + 1) * size < len(ordered):
        body["nextPageToken"] = f"page-{page + 1}"
    return Reply.json(body)


def _playlist_item(world: GoogleWorld, video: Video, position: int) -> dict[str, Any]:
    published = video.published_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "kind": "youtube#playlistItem",
        "etag": "fake-etag",
        "id": f"item-{video.video_id}",
        "snippet": {
            "publishedAt": published,
            "channelId": world.channel_id,
            "title": video.title,
            "description": "",
            "channelTitle": "Wisata Nusantara",
            "playlistId": "UU" + world.channel_id[2:],
            "position": position,
            "resourceId": {"kind": "youtube#video", "videoId": video.video_id},
        },
        "contentDetails": {"videoId": video.video_id, "videoPublishedAt": published},
        "status": {"privacyStatus": "public"},
    }


def _run_report(world: GoogleWorld, request: Request) -> Reply:
    if request.path_params.get("property") != world.property_id:
        message = "User does not have sufficient permissions for this property."
        return _error(403, "PERMISSION_DENIED", message, "forbidden")
    body = request.json()
    metrics = [m["name"] for m in body["metrics"]]
    for metric in metrics:
        if metric in world.invalid_metrics:
            message = (
                f"Field {metric} is not a valid metric. For a list of valid dimensions and "
                "metrics, see https://developers.google.com/analytics/devguides/reporting/data/v1/"
                "api-schema "
            )
            return Reply.json(
                {"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}}, 400
            )
    span = body["dateRanges"][0]
    rows = world.ga4_rows(
        date.fromisoformat(span["startDate"]), date.fromisoformat(span["endDate"]), metrics
    )
    offset, limit = int(body.get("offset", 0)), int(body.get("limit", 10000))
    page = rows[offset : offset + min(limit, world.ga4_page_cap)]
    answer: dict[str, Any] = {
        "dimensionHeaders": [{"name": d["name"]} for d in body["dimensions"]],
        "metricHeaders": [
            {"name": m, "type": "TYPE_CURRENCY" if m == "totalRevenue" else "TYPE_INTEGER"}
            for m in metrics
        ],
        "metadata": {"currencyCode": "IDR", "timeZone": "Asia/Jakarta"},
        "kind": "analyticsData#runReport",
    }
    if page:
        answer["rows"] = page
    if rows:
        answer["rowCount"] = len(rows)
    return Reply.json(answer)
