"""Meta Graph API responses (Facebook Pages, Instagram professional accounts) → canonical tables.

`normalize(stream, envelopes, account)` reads the envelopes one stream pull produced (see
`flows.api.meta_graph` for the requests) and nothing else: a live pull and a replay from the raw
zone give the same frames. Mapping (DECISIONLOG, "Meta Graph API"):

- `page_insights` → `core.account_daily` (facebook): followers_total = page_follows,
  followers_gained / lost = page_daily_follows_unique / page_daily_unfollows_unique, views =
  page_media_view, impressions = page_impressions (until its retirement on 15 Nov 2025; both
  columns are kept), reach = page_impressions_unique (until 15 Jun 2026), else
  page_total_media_view_unique (its replacement: unique viewers),
  engagements = page_post_engagements, profile_visits = page_views_total, video_views =
  page_video_views.
- `page_audience` → page_fans_online (until 15 Nov 2025) to `core.audience_activity`;
  page_follows_country / city (and, from older pulls, page_fans_country / city / gender_age) to
  `core.audience` (measure followers; `F.25-34` → gender_age `female|25-34`, plus gender and
  age summed from it).
- `page_posts` → `core.post` + `core.post_metrics`: impressions = post_impressions, reach =
  post_impressions_unique, else post_total_media_view_unique, views = post_media_view, reactions =
  the sum of post_reactions_by_type_total, else the post's reactions summary, clicks = post_clicks,
  link_clicks = post_clicks_by_type `link clicks` (absent key = 0: breakdowns list non-zero keys),
  video_views = post_video_views, watch_time_seconds = post_video_view_time / 1000, comments =
  comments summary, shares = shares.count (the API omits `shares` when nobody shared: 0). A
  Reel's `video_insights` (REEL_INSIGHTS): views = blue_reels_play_count, reactions = the sum
  of post_video_likes_by_reaction_type, watch_time_seconds = post_video_view_time / 1000,
  follows = post_video_followers, reach = post_impressions_unique (until 15 Jun 2026).
- `ig_user_insights` → `core.account_daily` (instagram): reach, followers_gained = follower_count
  (new follows per day), impressions (old API), views, profile_visits = profile_views,
  website_clicks, engagements = total_interactions.
- `ig_audience` → online_followers to `core.audience_activity`, follower_demographics to
  `core.audience` (measure followers), and the account's `followers_count` to
  `core.account_daily.followers_total` of the fetch date.
- `ig_media` → `core.post` + `core.post_metrics`: reach, impressions (old), views, reactions =
  likes (else like_count), comments (else comments_count; a story's replies), shares, saves =
  saved, video_views = plays / video_views (old), watch_time_seconds =
  ig_reels_video_view_total_time / 1000, profile_visits, follows, link_clicks = the
  `bio_link_clicked` part of profile_activity.

Day labels. A daily value's `end_time` is the end of its day in Pacific time
(`2017-05-04T07:00:00+0000` is 2017-05-03): the label is the Pacific date of end_time, rounded to
the nearest midnight, minus one day; days are Facebook's, not re-cut to the account's timezone.
A `total_value` (Instagram's newer shape) is the total over the request's since/until: stored as
a day only when that range is exactly one Pacific day (the connector asks day by day), otherwise
skipped and noted, never split into days. Hours of fans/followers online are Pacific hours,
moved to the account's local date, weekday (ISO, Monday = 1) and hour.

Windows. Daily values and posts outside the envelope's window are skipped and counted: each
window's pull owns its days, so a row never overwrites another pull's values with NULLs.
Post snapshots are as of the date the post list was fetched, in the account's timezone.

Eras. `RETIREMENTS` lists the metrics Meta retired, from which API version and from which date
for every version; the connector never asks them (`served`), and this mapping still reads them
from older raw-zone pulls, so both columns of a renamed measure survive (DECISIONLOG, "Meta and
YouTube eras").

Maturing posts. A refresh answer (`item["refresh"]`, a multi-id read or one post's node with its
`insights` expanded) gives a new `core.post_metrics` snapshot of each post it names, as of its
fetch date: the post's own counts and its lifetime insights, mapped as above. A Reel's refresh
is two answers: its post's own counts, and its video's `video_insights` (item `reel_videos`:
the video ids, in the order of the post ids) mapped as the window's Reel insights. It writes no
`core.post` row, except for a post the same pull listed outside its window, which is kept then.

Errors. An item's error (media posted before the business conversion, not enough viewers, any
other error the connector kept for one item, e.g. code 100 for one post) is a
quarantine row naming the item, the API's title or message and its code/subcode; a refused
metric is a note (`dropped invalid metrics: …`). Accounting: rows_read counts data points (one
value of one metric on one day, one post or media record, one audience bucket, one hour online)
and item errors; every one is loaded, quarantined or skipped.
"""

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import polars as pl

from transforms.api.envelope import REFRESH, Envelope, Window
from transforms.api.refusals import meta_refused, named_metrics, one_line
from transforms.canonical.accounts import account_frame
from transforms.canonical.schemas import (
    ACCOUNT_DAILY,
    AUDIENCE,
    AUDIENCE_ACTIVITY,
    POST,
    POST_METRICS,
    CanonicalTable,
)
from transforms.canonical.typed import QUARANTINE, conform
from transforms.context import Account, Normalized
from transforms.errors import InputError

PACIFIC = ZoneInfo("America/Los_Angeles")
KIND = "meta_graph"

# metric -> canonical column; where two metrics feed one column, the first listed wins.
PAGE_DAILY = {
    "page_follows": "followers_total",
    "page_daily_follows_unique": "followers_gained",
    "page_daily_unfollows_unique": "followers_lost",
    "page_media_view": "views",
    "page_impressions": "impressions",
    "page_impressions_unique": "reach",
    "page_total_media_view_unique": "reach",
    "page_post_engagements": "engagements",
    "page_views_total": "profile_visits",
    "page_video_views": "video_views",
}
IG_DAILY = {
    "reach": "reach",
    "follower_count": "followers_gained",
    "impressions": "impressions",
    "views": "views",
    "profile_views": "profile_visits",
    "website_clicks": "website_clicks",
    "total_interactions": "engagements",
}
POST_INSIGHTS = {
    "post_impressions": "impressions",
    "post_impressions_unique": "reach",
    "post_total_media_view_unique": "reach",
    "post_media_view": "views",
    "post_reactions_by_type_total": "reactions",
    "post_clicks": "clicks",
    "post_clicks_by_type": "link_clicks",
    "post_video_views": "video_views",
    "post_video_view_time": "watch_time_seconds",
}
MEDIA_INSIGHTS = {
    "impressions": "impressions",
    "reach": "reach",
    "views": "views",
    "likes": "reactions",
    "comments": "comments",
    "replies": "comments",
    "shares": "shares",
    "saved": "saves",
    "plays": "video_views",
    "video_views": "video_views",
    "ig_reels_video_view_total_time": "watch_time_seconds",
    "profile_visits": "profile_visits",
    "follows": "follows",
    "profile_activity": "link_clicks",
}
PAGE_AUDIENCE = {
    "page_follows_country": "country",
    "page_follows_city": "city",
    "page_fans_country": "country",
    "page_fans_city": "city",
    "page_fans_gender_age": "gender_age",
}
# A Facebook Reel's lifetime insights (`/{video-id}/video_insights`: a Reel has no `/insights`).
REEL_INSIGHTS = {
    "post_impressions_unique": "reach",
    "blue_reels_play_count": "views",
    "post_video_likes_by_reaction_type": "reactions",
    "post_video_view_time": "watch_time_seconds",
    "post_video_followers": "follows",
}
ONLINE = ("page_fans_online", "online_followers")
# A Reel's refresh: its post's own counts (refresh family, no insights) and, in a request of
# its own, its video's `video_insights`; the item names the videos in the order of the posts.
REEL_POST = "reel_post"
REEL_VIDEOS = "reel_videos"


@dataclass(frozen=True)
class Retirement:
    """Metrics Meta retired: from an API version on, and for every version from a date on.

    `version` is the first Graph API version (major, minor) that refuses them, None when the
    retirement came for every version at once; `every_version` the date from which every version
    refuses them. `instead` names what replaces them (empty when nothing does).
    """

    metrics: frozenset[str]
    every_version: date
    version: tuple[int, int] | None = None
    instead: str = ""


# Meta's changelog (Graph API v21.0, v22.0; Page Insights deprecations of 14 Mar 2024,
# 15 Nov 2025 and 15 Jun 2026). The mappings keep reading these metrics from old raw-zone pulls.
RETIREMENTS = (
    Retirement(frozenset({"video_views"}), date(2025, 1, 8), (21, 0), "views"),
    Retirement(
        frozenset(
            {"impressions", "plays", "clips_replays_count", "ig_reels_aggregated_all_plays_count"}
        ),
        date(2025, 4, 21),
        (22, 0),
        "views",
    ),
    Retirement(frozenset({"page_fans_gender_age"}), date(2024, 3, 14)),
    Retirement(
        frozenset({"page_impressions", "post_impressions"}),
        date(2025, 11, 15),
        instead="page_media_view / post_media_view (views)",
    ),
    Retirement(
        frozenset(
            {
                "page_fans",
                "page_fans_country",
                "page_fans_city",
                "page_fans_locale",
                "page_fan_adds",
                "page_fan_adds_unique",
                "page_fan_removes",
                "page_fan_removes_unique",
            }
        ),
        date(2025, 11, 15),
        instead="page_follows, page_follows_country, page_follows_city",
    ),
    Retirement(frozenset({"page_fans_online", "page_fans_online_per_day"}), date(2025, 11, 15)),
    Retirement(
        frozenset({"page_impressions_unique", "post_impressions_unique"}),
        date(2026, 6, 15),
        instead="page_total_media_view_unique / post_total_media_view_unique (viewers)",
    ),
)
PAGE_ONLINE_RETIRED = date(2025, 11, 15)  # page_fans_online: nothing replaces it


def retired(metric: str, version: tuple[int, int] | None, day: date) -> bool:
    """Whether Meta refuses `metric` on API `version` (None: the newest) asked on `day`.

    A retirement for every version applies by date; one for newer versions by version too.
    """
    for retirement in RETIREMENTS:
        if metric in retirement.metrics:
            newer = retirement.version is not None and (
                version is None or version >= retirement.version
            )
            return newer or day >= retirement.every_version
    return False


def served(metrics: Sequence[str], version: tuple[int, int] | None, day: date) -> tuple[str, ...]:
    """The metrics of `metrics` the configured API version still serves on `day`, in order."""
    return tuple(m for m in metrics if not retired(m, version, day))


_MILLISECOND_METRICS = ("post_video_view_time", "ig_reels_video_view_total_time")
_FIELDS_RANK = 100  # post fields (summaries, like_count) rank after every insights metric
_GENDERS = {"F": "female", "M": "male", "U": "unknown"}
_GENDER_AGE = re.compile(r"^([FMU])\.(\d+(?:-\d+|\+))$")
_FACEBOOK_TYPES = {"photo": "photo", "album": "carousel", "video": "video", "link": "link"}
_INSTAGRAM_TYPES = {"IMAGE": "photo", "VIDEO": "video", "CAROUSEL_ALBUM": "carousel"}
_ITEM_IDS = ("media_id", "post_id")
_INSIGHTS_EDGES = ("insights", "video_insights")


@dataclass
class _Batch:
    """What one normalize call has read: counts, quarantine, skips and notes, with row numbers.

    Every data point gets the next row number when read; it must end in a table (`keep`), in
    quarantine (`refuse`) or among the skipped (`skip`), which `result` checks. Rows offered to a
    table that keeps another value for their key (`offer`) count as skipped for the reason given,
    unless the same point reached a table otherwise (a post's own counts beside its insights).
    """

    account: Account
    read: int = 0
    quarantine: list[tuple[int, str, str]] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    kept_rows: set[int] = field(default_factory=set)
    offered: dict[int, str] = field(default_factory=dict)
    dropped: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def point(self) -> int:
        self.read += 1
        return self.read

    def skip(self, why: str, count: int = 1) -> None:
        if count:
            self.skipped[why] += count

    def refuse(self, row: int, reason: str, raw: Any) -> None:
        self.quarantine.append((row, reason, json.dumps(raw, sort_keys=True, default=str)))

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def offer(self, frame: pl.DataFrame, why: str) -> None:
        self.offered.update(dict.fromkeys(frame.get_column("_row").to_list(), why))

    def keep(self, frame: pl.DataFrame) -> None:
        self.kept_rows.update(frame.get_column("_row").to_list())

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(ZoneInfo(self.account.timezone)).date()

    def result(self, stream: str, tables: dict[str, pl.DataFrame]) -> Normalized:
        for row, why in self.offered.items():
            if row not in self.kept_rows:
                self.skip(why)
        skipped = sum(self.skipped.values())
        if len(self.kept_rows) + len(self.quarantine) + skipped != self.read:
            raise AssertionError(
                f"{KIND}:{stream}: {self.read} points read but {len(self.kept_rows)} loaded + "
                f"{len(self.quarantine)} quarantined + {skipped} skipped"
            )
        notes = [*self.notes, *(f"skipped {n}: {why}" for why, n in sorted(self.skipped.items()))]
        return Normalized(
            format=f"{KIND}:{stream}",
            platform=self.account.platform,
            tables={"account": account_frame([self.account]), **tables},
            quarantine=pl.DataFrame(
                self.quarantine,
                schema=QUARANTINE,
                orient="row",
            ),
            rows_read=self.read,
            rows_skipped=skipped,
            notes=tuple(notes),
        )


def normalize(stream: str, envelopes: Sequence[Envelope], account: Account) -> Normalized:
    """Map one stream pull's envelopes to canonical frames, quarantine and notes.

    `account` is the configured Page (platform facebook) or Instagram account (platform
    instagram) the pull served; its timezone decides local dates. Raises InputError for a stream
    this module does not know.
    """
    if stream not in _STREAMS:
        raise InputError(f"{KIND}: unknown stream '{stream}' (known: {', '.join(_STREAMS)})")
    platform, mapping = _STREAMS[stream]
    if account.platform != platform:
        raise InputError(
            f"{KIND}: stream '{stream}' maps {platform} accounts, not "
            f"{account.platform}:{account.account_id}"
        )
    batch = _Batch(account)
    ok = [env for env in envelopes if env.ok]
    for index, env in enumerate(envelopes):
        if not env.ok:
            _error(batch, env, envelopes[index + 1 :])
    return batch.result(stream, mapping(batch, ok))


# --- errors -----------------------------------------------------------------------------------


def _error(batch: _Batch, env: Envelope, later: Sequence[Envelope]) -> None:
    """An invalid-metric answer becomes a note; any other error a quarantine row for its item."""
    error = _error_body(env)
    message = one_line(str(error.get("message", ""))) or f"HTTP {env.status}"
    refused = meta_refused(message) if error.get("code") == 100 else None
    if refused is not None:
        new = [m for m in _dropped_metrics(env, refused, later) if m not in batch.dropped]
        batch.dropped.update(new)
        if new:
            batch.note(f"dropped invalid metrics: {', '.join(new)} ({message})")
        return
    title = one_line(str(error.get("error_user_title") or message))
    codes = f"code {error.get('code', env.status)}"
    if "error_subcode" in error:
        codes += f", subcode {error['error_subcode']}"
    subject = next(
        (f"{key.removesuffix('_id')} {env.item[key]}" for key in _ITEM_IDS if key in env.item),
        _path(env),
    )
    batch.refuse(
        batch.point(),
        f"{subject}: {title} ({codes})",
        {"item": env.item, "request": _path(env), "status": env.status, "error": error},
    )


def _error_body(env: Envelope) -> dict[str, Any]:
    try:
        body = env.data()
    except ValueError:
        return {"message": one_line(env.body[:200])}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _dropped_metrics(
    env: Envelope, refused: tuple[str, ...], later: Sequence[Envelope]
) -> list[str]:
    """The metrics refused: those the message names, else those never answered later.

    Names are read as the connector read them (`refused`, positions turned into the names
    asked). Later answers for the same object are the connector asking again without the
    refused metrics, or one metric at a time when the API named none.
    """
    asked = _metrics(env)
    named = [m for m in asked if m in named_metrics(refused, _params(env))]
    if named:
        return named
    answered = {
        metric
        for other in later
        if other.ok and _path(other) == _path(env) and other.item == env.item
        for metric in _metrics(other)
    }
    return [m for m in asked if m not in answered]


_EXPANDED_METRICS = re.compile(r"insights\.metric\(([^)]*)\)")


def _metrics(env: Envelope) -> list[str]:
    """The metrics asked: `metric=`, or the `insights.metric(...)` of a field expansion."""
    params = _params(env)
    expanded = _EXPANDED_METRICS.search(params.get("fields", ""))
    text = expanded.group(1) if expanded and "metric" not in params else params.get("metric", "")
    return [m for m in text.split(",") if m]


# --- reading envelopes ------------------------------------------------------------------------


def _path(env: Envelope) -> str:
    return urlsplit(env.url).path


def _endpoint(env: Envelope) -> str:
    """The last path segment: `insights`, `media`, `stories`, `published_posts`, or an id."""
    return _path(env).rstrip("/").rsplit("/", 1)[-1]


def _params(env: Envelope) -> dict[str, str]:
    """The request's parameters: those in the URL (a `paging.next` link) and those sent."""
    params = dict(parse_qsl(urlsplit(env.url).query))
    params.update({k: str(v) for k, v in env.params.items()})
    return params


def _body(batch: _Batch, env: Envelope) -> dict[str, Any] | None:
    """The parsed body; a body that is not a JSON object is quarantined as one point."""
    try:
        body = env.data()
    except ValueError:
        body = None
    if isinstance(body, dict):
        return body
    batch.refuse(
        batch.point(),
        f"{_path(env)}: the response is not a JSON object",
        {"request": _path(env), "body": env.body[:2000]},
    )
    return None


def _records(batch: _Batch, env: Envelope) -> list[dict[str, Any]]:
    """The `data` list of a Graph API response (insights entries, posts, media)."""
    body = _body(batch, env)
    if body is None:
        return []
    data = body.get("data")
    if isinstance(data, list) and all(isinstance(item, dict) for item in data):
        return data
    batch.refuse(
        batch.point(),
        f"{_path(env)}: the response has no 'data' list",
        {"request": _path(env), "body": body},
    )
    return []


def _count(value: Any) -> int | None:
    """A count as the API gives it (a non-negative whole number), else None."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _instant(text: Any) -> datetime | None:
    """A Graph API timestamp (`2021-08-13T08:25:28+0000`) as a UTC instant."""
    try:
        return datetime.strptime(str(text), "%Y-%m-%dT%H:%M:%S%z").astimezone(UTC)
    except ValueError:
        return None


def day_label(end_time: Any) -> date | None:
    """The day a daily value belongs to: end_time's Pacific date (nearest midnight) minus one."""
    instant = _instant(end_time)
    if instant is None:
        return None
    return (instant.astimezone(PACIFIC) + timedelta(hours=12)).date() - timedelta(days=1)


def request_day(env: Envelope) -> date | None:
    """The Pacific day a request's since/until (epoch seconds) cover, if exactly one day."""
    params = _params(env)
    try:
        since, until = (
            datetime.fromtimestamp(int(params[key]), PACIFIC) for key in ("since", "until")
        )
    except (KeyError, ValueError):
        return None
    midnight = time(0)
    if since.time() == midnight == until.time() and until.date() == since.date() + timedelta(1):
        return since.date()
    return None


def _in_window(day: date, window: Window | None) -> bool:
    return window is None or window.start <= day <= window.end


# --- cells to wide rows -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Cell:
    """One data point on its way to a wide table: a key, a column, a precedence and a value."""

    row: int
    key: tuple[Any, ...]
    column: str
    rank: int
    value: float


def _wide(
    batch: _Batch, cells: list[_Cell], key: tuple[str, ...], table: CanonicalTable
) -> pl.DataFrame:
    """One row per key with a column per measure; the best-ranked (then latest) value wins.

    Only measures some cell provides become columns, so a load never erases a column it does not
    know; a second value for the same key and measure is skipped and counted.
    """
    frame = pl.DataFrame(
        [(c.row, *c.key, c.column, c.rank, c.value) for c in cells],
        schema={
            "_row": pl.Int64,
            **{name: table.columns[name] for name in key},
            "column": pl.String,
            "rank": pl.Int64,
            "value": pl.Float64,
        },
        orient="row",
    )
    best = frame.sort(["rank", "_row"], descending=[False, True]).unique(
        subset=[*key, "column"], keep="first", maintain_order=True
    )
    batch.offer(frame, "a value for a key and measure that another value fills")
    batch.keep(best)
    if best.is_empty():
        wide = best.select(key)
    else:
        wide = best.pivot(on="column", index=list(key), values="value").sort(list(key))
    return _owned(batch, wide, table)


# --- daily account insights -------------------------------------------------------------------


def _daily_cells(
    batch: _Batch, env: Envelope, entry: dict[str, Any], columns: dict[str, str]
) -> Iterator[_Cell]:
    """Cells of one insights entry: each day of `values`, or a one-day `total_value`.

    A `total_value` carries no end_time: its day is the request's since..until when that is
    one Pacific day; a longer range is a period total and is skipped.
    """
    name = str(entry.get("name"))
    total = entry.get("total_value")
    points: list[tuple[date | None, Any, Any]] = [
        (day_label(value.get("end_time")), value.get("value"), value.get("end_time"))
        for value in _dicts(entry.get("values"))
    ]
    if not points and isinstance(total, dict):
        points = [(request_day(env), total.get("value"), None)]
    for day, value, end_time in points:
        row = batch.point()
        count = _count(value)
        if name not in columns:
            batch.skip(f"metric {name} is not stored")
        elif day is None and end_time is None:
            batch.skip("a total_value over more than one day (not a day's value)")
        elif day is None:
            batch.refuse(row, f"{name}: end_time {end_time!r} is not a Graph API time", entry)
        elif count is None:
            batch.refuse(row, f"{name} on {day}: {value!r} is not a count", entry)
        elif not _in_window(day, env.window):
            batch.skip("a day outside the pull's window")
        else:
            yield _Cell(row, (day,), columns[name], list(columns).index(name), count)


def _account_daily(
    batch: _Batch, envelopes: list[Envelope], columns: dict[str, str]
) -> pl.DataFrame:
    cells = [
        cell
        for env in envelopes
        for entry in _records(batch, env)
        for cell in _daily_cells(batch, env, entry, columns)
    ]
    return _wide(batch, cells, ("date",), ACCOUNT_DAILY)


def _page_insights(batch: _Batch, envelopes: list[Envelope]) -> dict[str, pl.DataFrame]:
    return {"account_daily": _account_daily(batch, envelopes, PAGE_DAILY)}


def _ig_user_insights(batch: _Batch, envelopes: list[Envelope]) -> dict[str, pl.DataFrame]:
    return {"account_daily": _account_daily(batch, envelopes, IG_DAILY)}


# --- audience ---------------------------------------------------------------------------------


def _online_rows(batch: _Batch, entry: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Followers online per Pacific hour, as the account's local date, weekday and hour."""
    zone = ZoneInfo(batch.account.timezone)
    for value in _dicts(entry.get("values")):
        day = day_label(value.get("end_time"))
        hours = value.get("value")
        for hour, online in hours.items() if isinstance(hours, dict) else ():
            row = batch.point()
            count = _count(online)
            if day is None or count is None or not str(hour).isdigit() or int(hour) > 23:
                batch.refuse(row, f"{entry.get('name')}: hour {hour!r} of {day}: {online!r}", value)
                continue
            local = datetime.combine(day, time(int(hour)), PACIFIC).astimezone(zone)
            yield {
                "_row": row,
                "as_of_date": local.date(),
                "day_of_week": local.isoweekday(),
                "hour": local.hour,
                "online_followers": count,
            }


def _activity(batch: _Batch, rows: list[dict[str, Any]]) -> pl.DataFrame:
    """`core.audience_activity` from the online hours.

    Where a clock change makes two Pacific hours one local hour, the later value is kept and the
    other skipped.
    """
    columns = ("as_of_date", "day_of_week", "hour", "online_followers")
    frame = pl.DataFrame(
        rows, schema={"_row": pl.Int64, **{k: AUDIENCE_ACTIVITY.columns[k] for k in columns}}
    )
    unique = frame.unique(
        subset=["as_of_date", "day_of_week", "hour"], keep="last", maintain_order=True
    )
    batch.offer(
        frame,
        f"an online hour on a local hour already listed in {batch.account.timezone} (clock change)",
    )
    batch.keep(unique)
    return _owned(batch, unique, AUDIENCE_ACTIVITY)


def _bucket(
    batch: _Batch, raw: Any, day: date | None, dimension: str, bucket: Any, value: Any
) -> dict[str, Any] | None:
    """One audience bucket as a row, or None when it is quarantined."""
    row = batch.point()
    count = _count(value)
    text = str(bucket)
    if day is None or count is None:
        batch.refuse(row, f"{dimension} '{text}' on {day}: {value!r} is not a count", raw)
        return None
    if dimension == "gender_age" and not _GENDER_AGE.match(text):
        batch.refuse(row, f"gender_age '{text}' is not a gender.age bucket (F.25-34)", raw)
        return None
    if dimension == "gender":
        text = _GENDERS.get(text, text.lower())
    return {"_row": row, "as_of_date": day, "dimension": dimension, "bucket": text, "value": count}


def _audience(batch: _Batch, rows: list[dict[str, Any]]) -> pl.DataFrame:
    """`core.audience`, measure followers.

    gender_age buckets `F.25-34` become `female|25-34`, and gender and age are summed from them
    (a partition of the same people).
    """
    frame = pl.DataFrame(
        rows,
        schema={
            "_row": pl.Int64,
            "as_of_date": pl.Date,
            "dimension": pl.String,
            "bucket": pl.String,
            "value": pl.Float64,
        },
    )
    unique = frame.unique(
        subset=["as_of_date", "dimension", "bucket"], keep="last", maintain_order=True
    )
    batch.offer(frame, "a second value for the same audience bucket")
    batch.keep(unique)
    split = pl.col("bucket").str.extract_groups(_GENDER_AGE.pattern)
    pairs = unique.filter(pl.col("dimension") == "gender_age").with_columns(
        split.struct.field("1").replace_strict(_GENDERS).alias("gender"),
        split.struct.field("2").alias("age"),
    )
    columns = ["as_of_date", "dimension", "bucket", "value"]
    parts = [
        pairs.with_columns(pl.format("{}|{}", "gender", "age").alias("bucket")).select(columns),
        *[
            pairs.group_by(["as_of_date", part], maintain_order=True)
            .agg(pl.col("value").sum())
            .select(
                "as_of_date",
                pl.lit(part).alias("dimension"),
                pl.col(part).alias("bucket"),
                "value",
            )
            for part in ("gender", "age")
        ],
        unique.filter(pl.col("dimension") != "gender_age").select(columns),
    ]
    audience = pl.concat(parts).with_columns(pl.lit("followers").alias("measure"))
    return _owned(batch, audience, AUDIENCE)


def _owned(batch: _Batch, frame: pl.DataFrame, table: CanonicalTable) -> pl.DataFrame:
    """Rows of the batch's account, conformed to the canonical table."""
    return conform(
        frame.with_columns(
            pl.lit(batch.account.platform).alias("platform"),
            pl.lit(batch.account.account_id).alias("account_id"),
        ),
        table.columns,
    )


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _page_audience(batch: _Batch, envelopes: list[Envelope]) -> dict[str, pl.DataFrame]:
    online: list[dict[str, Any]] = []
    buckets: list[dict[str, Any] | None] = []
    for env in envelopes:
        for entry in _records(batch, env):
            name = str(entry.get("name"))
            if name in ONLINE:
                online.extend(_online_rows(batch, entry))
            elif name in PAGE_AUDIENCE:
                buckets.extend(
                    _bucket(
                        batch, value, day_label(value.get("end_time")), PAGE_AUDIENCE[name], k, v
                    )
                    for value in _dicts(entry.get("values"))
                    for k, v in _items(value.get("value"))
                )
            else:
                _skip_entry(batch, entry)
    return {
        "audience_activity": _activity(batch, online),
        "audience": _audience(batch, [row for row in buckets if row]),
    }


def _items(value: Any) -> list[tuple[str, Any]]:
    return [(str(k), v) for k, v in value.items()] if isinstance(value, dict) else []


def _skip_entry(batch: _Batch, entry: dict[str, Any]) -> None:
    """An entry for a metric this stream does not store: one skipped point per value."""
    batch.point()
    batch.skip(f"metric {entry.get('name')} is not stored")


def _ig_audience(batch: _Batch, envelopes: list[Envelope]) -> dict[str, pl.DataFrame]:
    """online_followers, follower_demographics (as of the fetch date) and followers_count."""
    online: list[dict[str, Any]] = []
    buckets: list[dict[str, Any] | None] = []
    totals: list[_Cell] = []
    for env in envelopes:
        fetched = batch.local_date(env.fetched_at)
        if _endpoint(env) != "insights":
            totals.extend(_followers_count(batch, env, fetched))
            continue
        for entry in _records(batch, env):
            if entry.get("name") in ONLINE:
                online.extend(_online_rows(batch, entry))
            elif entry.get("name") == "follower_demographics":
                buckets.extend(_demographics(batch, entry, fetched))
            else:
                _skip_entry(batch, entry)
    return {
        "audience_activity": _activity(batch, online),
        "audience": _audience(batch, [row for row in buckets if row]),
        "account_daily": _wide(batch, totals, ("date",), ACCOUNT_DAILY),
    }


def _followers_count(batch: _Batch, env: Envelope, fetched: date) -> Iterator[_Cell]:
    """The account node's followers_count: followers_total of the day it was fetched."""
    body = _body(batch, env)
    if body is None:
        return
    row = batch.point()
    count = _count(body.get("followers_count"))
    if count is None:
        batch.refuse(row, f"followers_count: {body.get('followers_count')!r} is not a count", body)
    else:
        yield _Cell(row, (fetched,), "followers_total", 0, count)


def _demographics(
    batch: _Batch, entry: dict[str, Any], fetched: date
) -> Iterator[dict[str, Any] | None]:
    """follower_demographics by one breakdown (age, gender, city, country), one row per bucket."""
    total = entry.get("total_value")
    for breakdown in _dicts(total.get("breakdowns") if isinstance(total, dict) else None):
        keys = breakdown.get("dimension_keys")
        dimension = keys[0] if isinstance(keys, list) and len(keys) == 1 else None
        for result in _dicts(breakdown.get("results")):
            values = result.get("dimension_values")
            bucket = values[0] if isinstance(values, list) and len(values) == 1 else None
            if dimension not in ("age", "gender", "city", "country") or bucket is None:
                batch.refuse(
                    batch.point(), f"follower_demographics by {keys!r} is not mapped", result
                )
                continue
            yield _bucket(batch, result, fetched, dimension, bucket, result.get("value"))


# --- posts and media --------------------------------------------------------------------------


@dataclass(frozen=True)
class _PostSpec:
    """How one platform's post records and post insights read."""

    time_key: str
    text_key: str
    link_key: str
    item_key: str
    content_type: Callable[[dict[str, Any]], str]
    fields: Callable[[dict[str, Any]], dict[str, Any]]
    insights: dict[str, str]


def _facebook_type(record: dict[str, Any]) -> str:
    """Reels by their link; else the first attachment's media type; no attachment is text."""
    if "/reel/" in str(record.get("permalink_url") or ""):
        return "reel"
    attachments = record.get("attachments")
    first = _dicts(attachments.get("data") if isinstance(attachments, dict) else None)
    if not first:
        return "text"
    return _FACEBOOK_TYPES.get(str(first[0].get("media_type", "")).lower(), "other")


def _instagram_type(record: dict[str, Any]) -> str:
    product = record.get("media_product_type")
    if product == "REELS":
        return "reel"
    if product == "STORY":
        return "story"
    return _INSTAGRAM_TYPES.get(str(record.get("media_type")), "other")


def _summary_count(record: dict[str, Any], key: str) -> Any:
    part = record.get(key)
    summary = part.get("summary") if isinstance(part, dict) else None
    return summary.get("total_count") if isinstance(summary, dict) else None


def _facebook_fields(record: dict[str, Any]) -> dict[str, Any]:
    """Counts on the post itself; `shares` is absent when nobody shared the post."""
    shares = record.get("shares")
    return {
        "comments": _summary_count(record, "comments"),
        "reactions": _summary_count(record, "reactions"),
        "shares": shares.get("count") if isinstance(shares, dict) else 0,
    }


def _instagram_fields(record: dict[str, Any]) -> dict[str, Any]:
    return {"reactions": record.get("like_count"), "comments": record.get("comments_count")}


_SPECS = {
    "facebook": _PostSpec(
        "created_time",
        "message",
        "permalink_url",
        "post_id",
        _facebook_type,
        _facebook_fields,
        POST_INSIGHTS,
    ),
    "instagram": _PostSpec(
        "timestamp",
        "caption",
        "permalink",
        "media_id",
        _instagram_type,
        _instagram_fields,
        MEDIA_INSIGHTS,
    ),
}


def _posts(batch: _Batch, envelopes: list[Envelope]) -> dict[str, pl.DataFrame]:
    """Post records (snapshot date = the day their list was fetched), then each post's insights."""
    spec = _SPECS[batch.account.platform]
    posts: list[dict[str, Any]] = []
    cells: list[_Cell] = []
    as_of: dict[str, date] = {}
    refreshed = {
        post_id for env in envelopes if env.item.get(REFRESH) for post_id in _refresh_ids(env)
    }
    for env in envelopes:
        if _endpoint(env) not in _INSIGHTS_EDGES and not env.item.get(REFRESH):
            for record in _records(batch, env):
                _post(batch, spec, env, record, as_of, posts, cells, refreshed)
    for env in envelopes:
        if env.item.get(REFRESH):
            cells.extend(_refreshed(batch, spec, env))
    for env in envelopes:
        if _endpoint(env) in _INSIGHTS_EDGES:
            post_id = env.item.get(spec.item_key, "")
            metrics = REEL_INSIGHTS if _endpoint(env) == "video_insights" else spec.insights
            cells.extend(
                cell
                for entry in _records(batch, env)
                for cell in _insight_cells(batch, spec, entry, post_id, as_of.get(post_id), metrics)
            )
    frame = pl.DataFrame(posts, schema={"_row": pl.Int64, **POST.columns})
    batch.keep(frame)
    return {
        "post": _owned(batch, frame, POST),
        "post_metrics": _wide(batch, cells, ("post_id", "as_of_date"), POST_METRICS),
    }


def _post(
    batch: _Batch,
    spec: _PostSpec,
    env: Envelope,
    record: dict[str, Any],
    as_of: dict[str, date],
    posts: list[dict[str, Any]],
    cells: list[_Cell],
    refreshed: set[str],
) -> None:
    """One post record: its `core.post` row and the counts it carries itself.

    A post outside the window is skipped, unless the pull refreshed it (then it needs its row).
    """
    row = batch.point()
    post_id = record.get("id")
    published = _instant(record.get(spec.time_key))
    if not isinstance(post_id, str) or not post_id or published is None:
        batch.refuse(row, f"a post without an id or a readable {spec.time_key}", record)
        return
    if post_id in as_of:
        batch.skip("a post listed twice")
        return
    day = batch.local_date(published)
    if not _in_window(day, env.window) and post_id not in refreshed:
        batch.skip("a post published outside the pull's window")
        return
    counts = spec.fields(record)
    bad = [f"{k} {v!r}" for k, v in counts.items() if v is not None and _count(v) is None]
    if bad:
        batch.refuse(row, f"{spec.item_key} {post_id}: not a count: {', '.join(bad)}", record)
        return
    as_of[post_id] = snapshot = batch.local_date(env.fetched_at)
    posts.append(
        {
            "_row": row,
            "post_id": post_id,
            "published_at": published,
            "published_date": day,
            "content_type": spec.content_type(record),
            "text": record.get(spec.text_key),
            "permalink": record.get(spec.link_key),
        }
    )
    cells.extend(
        _Cell(row, (post_id, snapshot), column, _FIELDS_RANK, value)
        for column, value in counts.items()
        if value is not None
    )


def _refresh_ids(env: Envelope) -> list[str]:
    return [post_id for post_id in env.item.get(REFRESH, "").split(",") if post_id]


def _refreshed(batch: _Batch, spec: _PostSpec, env: Envelope) -> list[_Cell]:
    """A refresh answer's snapshots: each named post's own counts and expanded insights."""
    if not env.ok:
        return []  # its error is a note or a quarantine row (`_error`)
    body = _body(batch, env)
    if body is None:
        return []
    ids = _refresh_ids(env)
    # a Reel's video_insights: nodes are its video ids, the snapshot its post's, no own fields
    videos = [v for v in env.item.get(REEL_VIDEOS, "").split(",") if v]
    keys = videos if len(videos) == len(ids) else ids
    if "ids" in _params(env):
        nodes = [(post_id, body.get(key)) for post_id, key in zip(ids, keys, strict=True)]
    else:
        nodes = [(ids[0], body)]
    edge, metrics = ("video_insights", REEL_INSIGHTS) if videos else ("insights", spec.insights)
    snapshot = batch.local_date(env.fetched_at)
    cells: list[_Cell] = []
    for post_id, node in nodes:
        if not isinstance(node, dict):
            batch.refuse(batch.point(), f"{spec.item_key} {post_id}: no answer for this id", body)
            continue
        for column, value in ({} if videos else spec.fields(node)).items():
            if value is None:
                continue
            row = batch.point()
            count = _count(value)
            if count is None:
                reason = f"{spec.item_key} {post_id}: {column} {value!r} is not a count"
                batch.refuse(row, reason, node)
            else:
                cells.append(_Cell(row, (post_id, snapshot), column, _FIELDS_RANK, count))
        insights = node.get(edge)
        entries = _dicts(insights.get("data") if isinstance(insights, dict) else None)
        for entry in entries:
            cells.extend(_insight_cells(batch, spec, entry, post_id, snapshot, metrics))
    return cells


def _insight_cells(
    batch: _Batch,
    spec: _PostSpec,
    entry: dict[str, Any],
    post_id: str,
    as_of: date | None,
    metrics: dict[str, str],
) -> list[_Cell]:
    """One lifetime insights metric of a post, as of the post's snapshot date.

    `metrics` maps the metric names of the edge read (`insights`, a Reel's `video_insights`).
    """
    name = str(entry.get("name"))
    row = batch.point()
    if as_of is None:
        batch.skip("insights of a post outside the pull's window")
        return []
    if name not in metrics:
        batch.skip(f"metric {name} is not stored")
        return []
    value, problem = _lifetime_value(name, entry)
    if problem is not None:
        batch.refuse(row, f"{spec.item_key} {post_id}: {name}: {problem}", entry)
        return []
    if value is None:
        batch.skip(f"{name} without its action_type breakdown is not stored")
        return []
    rank = list(metrics).index(name)
    return [_Cell(row, (post_id, as_of), metrics[name], rank, value)]


def _lifetime_value(name: str, entry: dict[str, Any]) -> tuple[float | None, str | None]:
    """The number a lifetime metric stands for, or the problem with it.

    Breakdown dictionaries list only non-zero keys, so a key they lack is 0: reactions are the
    sum of the types, link clicks the `link clicks` key, profile activity its bio link clicks.
    """
    total = entry.get("total_value")
    values = _dicts(entry.get("values"))
    raw = values[0].get("value") if values else None
    if raw is None and isinstance(total, dict):
        raw = total.get("value")
    if name == "profile_activity":
        return _action(total, "bio_link_clicked")
    if name in ("post_reactions_by_type_total", "post_video_likes_by_reaction_type"):
        return _sum_counts(raw)
    if name == "post_clicks_by_type":
        _, problem = _sum_counts(raw)
        if problem or not isinstance(raw, dict):
            return None, problem
        return float(raw.get("link clicks", 0)), None
    count = _count(raw)
    if count is None:
        return None, f"{raw!r} is not a count"
    return (count / 1000 if name in _MILLISECOND_METRICS else float(count)), None


def _sum_counts(raw: Any) -> tuple[float | None, str | None]:
    counts = [_count(v) for v in raw.values()] if isinstance(raw, dict) else [None]
    if any(c is None for c in counts):
        return None, f"{raw!r} is not a breakdown of counts"
    return float(sum(c for c in counts if c is not None)), None


def _action(total: Any, action: str) -> tuple[float | None, str | None]:
    """The `action_type` breakdown's value for `action` (0 when absent), None without one."""
    breakdowns = _dicts(total.get("breakdowns") if isinstance(total, dict) else None)
    for breakdown in breakdowns:
        if breakdown.get("dimension_keys") == ["action_type"]:
            for result in _dicts(breakdown.get("results")):
                if result.get("dimension_values") == [action]:
                    count = _count(result.get("value"))
                    if count is None:
                        return None, f"{action} {result.get('value')!r} is not a count"
                    return float(count), None
            return 0.0, None
    return None, None


_Mapping = Callable[[_Batch, list[Envelope]], dict[str, pl.DataFrame]]
_STREAMS: dict[str, tuple[str, _Mapping]] = {
    "page_insights": ("facebook", _page_insights),
    "page_audience": ("facebook", _page_audience),
    "page_posts": ("facebook", _posts),
    "ig_user_insights": ("instagram", _ig_user_insights),
    "ig_audience": ("instagram", _ig_audience),
    "ig_media": ("instagram", _posts),
}
