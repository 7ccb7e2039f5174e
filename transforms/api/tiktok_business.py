"""TikTok API for Business (organic accounts) → the canonical rows TikTok's exports also give.

`normalize(stream, envelopes, account)` reads one pull of `flows.api.tiktok_business`. The mapping
is the one of the Studio / Business Center exports (`transforms.formats.tiktok`), so an account's
API rows and export rows meet (DECISIONLOG, "TikTok Business API"):

- `account_daily` (`business/get/` `data.metrics`, one entry per day) → `core.account_daily`:
  video_views, profile_visits = profile_views, engagements = likes + comments + shares (a day's
  likes, comments and shares are net changes and may be negative, as in the Overview export),
  followers_total = followers_count, followers_gained = daily_new_followers, followers_lost =
  daily_lost_followers, website_clicks = bio_link_clicks (the Business Center's "Website
  clicks"); and each day's `audience_activity` (`{hour, count}`) → `core.audience_activity`
  (online_followers per date and hour, as the FollowerActivity export).
- `audience` (`business/get/` breakdowns) → `core.audience`, measure followers, as of the fetch
  date: audience_genders → gender (lower-cased), audience_ages → age, audience_countries →
  country (TikTok's codes as given), audience_cities → city; share = percentage (a fraction).
- `videos` (`business/video/list/`) → `core.post` (post_id = item_id, content_type video,
  text = caption, permalink = share_url, published_at from create_time, published_date in the
  account's timezone) and a lifetime `core.post_metrics` snapshot as of the fetch date:
  video_views, reach, reactions = likes, comments, shares, saves = favorites,
  watch_time_seconds = total_time_watched, follows = new_followers, profile_visits =
  profile_views. A reach of 0 beside views is TikTok's reach gone after 7 inactive days, not
  a reach of nobody: NULL, noted. Completion rate and average watch time have no canonical
  column (the average is watch time / views): noted as not loaded.

TikTok answers errors as HTTP 200 with a non-zero `code`: an error envelope kept by the connector
(a video asked for by id that TikTok does not have) becomes a quarantine row, as does a video
asked for by id that the answer does not contain. Rows outside the pull's window (account days)
or published outside the listing's `since` to the window's end (videos) are skipped with a
note; a key served twice keeps the last.
"""

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from transforms.api.envelope import Envelope
from transforms.api.google import result, sum_or_null, typed_frame
from transforms.api.refusals import one_line
from transforms.canonical.accounts import account_frame
from transforms.canonical.schemas import (
    ACCOUNT_DAILY,
    AUDIENCE,
    AUDIENCE_ACTIVITY,
    POST,
    POST_METRICS,
)
from transforms.canonical.typed import (
    QUARANTINE,
    conform,
    drop_duplicate_keys,
    flag,
    require,
    split_quarantine,
)
from transforms.context import Account, Normalized
from transforms.errors import InputError

PLATFORM = "tiktok"
HISTORY_DAYS = 60  # TikTok serves an account's daily metrics for the last 60 days only
ACCOUNT_FIELDS = (
    "video_views",
    "profile_views",
    "likes",
    "comments",
    "shares",
    "followers_count",
    "daily_new_followers",
    "daily_lost_followers",
    "bio_link_clicks",
    "audience_activity",
)
AUDIENCE_FIELDS = ("audience_genders", "audience_ages", "audience_countries", "audience_cities")
VIDEO_FIELDS = (
    "item_id",
    "create_time",
    "caption",
    "share_url",
    "video_views",
    "reach",
    "likes",
    "comments",
    "shares",
    "favorites",
    "total_time_watched",
    "average_time_watched",
    "full_video_watched_rate",
    "new_followers",
    "profile_views",
)
_SIGNED = ("likes", "comments", "shares")
_DAY_COUNTS = tuple(f for f in ACCOUNT_FIELDS if f != "audience_activity")
_VIDEO_COUNTS = (
    "video_views",
    "reach",
    "likes",
    "comments",
    "shares",
    "favorites",
    "new_followers",
    "profile_views",
)
# breakdown field → (dimension, the entry's bucket key)
_BREAKDOWNS = {
    "audience_genders": ("gender", "gender"),
    "audience_ages": ("age", "age"),
    "audience_countries": ("country", "country"),
    "audience_cities": ("city", "city_name"),
}
_NOT_LOADED = (
    "not loaded: full_video_watched_rate (completion) and average_time_watched have no canonical "
    "column (the average is watch_time_seconds / video_views)"
)
_NO_REACH = (
    "TikTok gives no daily reach for the account: core.account_daily.reach comes from the "
    "Business Center Overview or Studio Viewers export"
)


def normalize(stream: str, envelopes: Sequence[Envelope], account: Account) -> Normalized:
    """Map one pull of a TikTok Business stream (see the module docstring)."""
    if stream == "account_daily":
        return _account_daily(envelopes, account)
    if stream == "audience":
        return _audience(envelopes, account)
    if stream == "videos":
        return _videos(envelopes, account)
    raise ValueError(f"TikTok Business has no stream '{stream}'")


# --- shared -------------------------------------------------------------------------------------


def answered(envelope: Envelope) -> bool:
    """Whether TikTok answered with data: HTTP 2xx and `code` 0."""
    return envelope.ok and envelope.json_object().get("code") == 0


def _data(envelope: Envelope, key: str) -> list[Any]:
    """The list `data.<key>` of an answer; one line naming the request when it is not one."""
    data = envelope.json_object().get("data")
    values = data.get(key) if isinstance(data, dict) else None
    if values is None:
        return []
    if not isinstance(values, list):
        raise InputError(
            f"TikTok Business: GET {envelope.url} (page {envelope.page}): "
            f"'data.{key}' is not a list"
        )
    return values


def _errors(envelopes: Iterable[Envelope], first_row: int) -> pl.DataFrame:
    """A quarantine row for each error answer the connector kept (one item's missing data)."""
    rows: list[tuple[int, str, str]] = []
    for envelope in envelopes:
        if answered(envelope):
            continue
        body = envelope.json_object()
        code = body.get("code", envelope.status)
        message = one_line(str(body.get("message", envelope.body[:200])))
        error = {"code": code, "message": message, "request_id": body.get("request_id")}
        raw = json.dumps({"item": envelope.item, "error": error}, sort_keys=True)
        rows.append((first_row + len(rows), f"TikTok API error {code}: {message}", raw))
    return pl.DataFrame(rows, schema=QUARANTINE, orient="row")


def _cells(entries: list[dict[str, Any]], names: Iterable[str]) -> dict[str, list[Any]]:
    return {name: [entry.get(name) for entry in entries] for name in names}


def _count_checks(frame: pl.DataFrame, names: Iterable[str]) -> pl.DataFrame:
    """A count below zero quarantines its row (only a day's net likes, comments, shares may be)."""
    for name in names:
        frame = flag(frame, pl.col(name) < 0, pl.format(f"'{name}' is negative: {{}}", name))
    return frame


def _skipped_note(count: int, why: str) -> list[str]:
    return [f"skipped {count}: {why}"] if count else []


# --- account_daily ------------------------------------------------------------------------------


def _activity(value: Any) -> tuple[list[tuple[int, int]], str | None]:
    """A day's `audience_activity` as (hour, count) pairs, or why it cannot be read."""
    if value is None:
        return [], None
    if not isinstance(value, list):
        return [], f"'audience_activity' is not a list: {json.dumps(value)[:80]}"
    pairs = []
    for entry in value:
        hour = entry.get("hour") if isinstance(entry, dict) else None
        count = entry.get("count") if isinstance(entry, dict) else None
        text = str(hour).strip()
        if not text.isdigit() or not 0 <= int(text) <= 23:
            return [], f"'audience_activity' hour {json.dumps(hour)} is not 0-23"
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            return [], f"'audience_activity' count {json.dumps(count)} is not a count"
        pairs.append((int(text), count))
    return pairs, None


def _account_daily(envelopes: Sequence[Envelope], account: Account) -> Normalized:
    pages = [e for e in envelopes if e.item.get("request") == "metrics" and answered(e)]
    entries = [
        entry if isinstance(entry, dict) else {"date": None}
        for page in pages
        for entry in _data(page, "metrics")
    ]
    read = [_activity(entry.get("audience_activity")) for entry in entries]
    frame = typed_frame(
        _cells(entries, ("date", *_DAY_COUNTS)), dict.fromkeys(_DAY_COUNTS, pl.Int64()), 1
    ).with_columns(
        pl.col("date").str.to_date("%Y-%m-%d", strict=False),
        pl.Series("_activity", [json.dumps(pairs) for pairs, _ in read], dtype=pl.String),
        pl.Series("_activity_reason", [reason for _, reason in read], dtype=pl.String),
    )
    frame = require(frame, pl.col("date").is_not_null(), "no readable 'date' (YYYY-MM-DD)")
    frame = flag(frame, pl.col("_activity_reason").is_not_null(), pl.col("_activity_reason"))
    frame = _count_checks(frame, [n for n in _DAY_COUNTS if n not in _SIGNED])
    kept, quarantine = split_quarantine(frame)
    windows = {e.window for e in pages if e.window is not None}
    inside = pl.any_horizontal(
        pl.lit(not windows), *(pl.col("date").is_between(w.start, w.end) for w in windows)
    )
    outside = kept.height
    kept = kept.filter(inside)
    outside -= kept.height
    kept, repeated = drop_duplicate_keys(kept, ["date"])
    daily = kept.with_columns(
        pl.lit(PLATFORM).alias("platform"),
        pl.lit(account.account_id).alias("account_id"),
        pl.col("profile_views").alias("profile_visits"),
        sum_or_null(*(pl.col(n) for n in _SIGNED)).alias("engagements"),
        pl.col("followers_count").alias("followers_total"),
        pl.col("daily_new_followers").alias("followers_gained"),
        pl.col("daily_lost_followers").alias("followers_lost"),
        pl.col("bio_link_clicks").alias("website_clicks"),
    )
    errors = _errors(envelopes, frame.height + 1)
    return result(
        "tiktok_business:account_daily",
        PLATFORM,
        {
            "account": account_frame([account]),
            "account_daily": conform(daily, ACCOUNT_DAILY.columns),
            "audience_activity": _activity_frame(kept, account),
        },
        rows_read=frame.height + errors.height,
        loaded=kept.height,
        quarantine=[quarantine, errors],
        skipped=outside + repeated,
        notes=[
            _NO_REACH,
            *_skipped_note(outside, "a day outside the pull's window"),
            *_skipped_note(repeated, "days TikTok listed twice (the last is kept)"),
        ],
    )


def _activity_frame(days: pl.DataFrame, account: Account) -> pl.DataFrame:
    """Each kept day's online followers by hour."""
    rows = [
        (day, day.isoweekday(), hour, count)
        for day, text in zip(days.get_column("date"), days.get_column("_activity"), strict=True)
        for hour, count in json.loads(text)
    ]
    frame = pl.DataFrame(
        rows,
        schema={
            "as_of_date": pl.Date(),
            "day_of_week": pl.Int32(),
            "hour": pl.Int32(),
            "online_followers": pl.Int64(),
        },
        orient="row",
    ).unique(subset=["as_of_date", "hour"], keep="last", maintain_order=True)
    frame = frame.with_columns(
        pl.lit(PLATFORM).alias("platform"), pl.lit(account.account_id).alias("account_id")
    )
    return conform(frame, AUDIENCE_ACTIVITY.columns)


# --- audience -----------------------------------------------------------------------------------


def _audience(envelopes: Sequence[Envelope], account: Account) -> Normalized:
    pages = [e for e in envelopes if e.item.get("request") == "audience" and answered(e)]
    cells: dict[str, list[Any]] = {"as_of_date": [], "dimension": [], "bucket": [], "share": []}
    for page in pages:
        day = page.fetched_on(account.timezone)
        data = page.json_object().get("data") or {}
        for name, (dimension, key) in _BREAKDOWNS.items():
            entries = data.get(name) if isinstance(data, dict) else None
            for entry in entries if isinstance(entries, list) else []:
                record = entry if isinstance(entry, dict) else {}
                bucket = record.get(key)
                cells["as_of_date"].append(day)
                cells["dimension"].append(dimension)
                cells["bucket"].append(str(bucket).strip() if bucket is not None else None)
                cells["share"].append(record.get("percentage"))
    frame = typed_frame(
        {k: v for k, v in cells.items() if k != "as_of_date"}, {"share": pl.Float64()}, 1
    ).with_columns(pl.Series("as_of_date", cells["as_of_date"], dtype=pl.Date))
    frame = require(frame, pl.col("bucket").fill_null("") != "", "no bucket (gender, age, ...)")
    frame = require(frame, pl.col("share").is_not_null(), "no 'percentage'")
    frame = require(
        frame,
        pl.col("share").is_null() | pl.col("share").is_between(0, 1),
        "'percentage' is not a share between 0 and 1",
    )
    kept, quarantine = split_quarantine(frame)
    kept = kept.with_columns(
        pl.when(pl.col("dimension") == "gender")
        .then(pl.col("bucket").str.to_lowercase())
        .otherwise(pl.col("bucket"))
        .alias("bucket")
    )
    kept, repeated = drop_duplicate_keys(kept, ["as_of_date", "dimension", "bucket"])
    audience = kept.with_columns(
        pl.lit(PLATFORM).alias("platform"),
        pl.lit(account.account_id).alias("account_id"),
        pl.lit("followers").alias("measure"),
        pl.lit(None, pl.Float64).alias("value"),
    )
    errors = _errors(envelopes, frame.height + 1)
    return result(
        "tiktok_business:audience",
        PLATFORM,
        {"account": account_frame([account]), "audience": conform(audience, AUDIENCE.columns)},
        rows_read=frame.height + errors.height,
        loaded=kept.height,
        quarantine=[quarantine, errors],
        skipped=repeated,
        notes=_skipped_note(repeated, "buckets TikTok listed twice (the last is kept)"),
    )


# --- videos -------------------------------------------------------------------------------------


def _published(value: Any, timezone: str) -> tuple[datetime | None, date | None]:
    """`create_time` (Unix seconds, a number or digits) as a UTC moment and a local date."""
    text = str(value).strip() if value is not None else ""
    if not text.isdigit():
        return None, None
    moment = datetime.fromtimestamp(int(text), UTC)
    return moment, moment.astimezone(ZoneInfo(timezone)).date()


def _videos(envelopes: Sequence[Envelope], account: Account) -> Normalized:
    pages = [e for e in envelopes if e.item.get("request") in ("list", "video") and answered(e)]
    entries: list[dict[str, Any]] = []
    context: list[tuple[date, date | None, date | None]] = []  # as of, first and last day kept
    unanswered: list[str] = []
    for page in pages:
        videos = [v if isinstance(v, dict) else {} for v in _data(page, "videos")]
        since = page.item.get("since")
        first = date.fromisoformat(since) if since else None
        last = page.window.end if since and page.window is not None else None
        entries += videos
        context += [(page.fetched_on(account.timezone), first, last)] * len(videos)
        asked = page.item.get("video_id") if page.item.get("request") == "video" else None
        if asked and asked not in {str(v.get("item_id")) for v in videos}:
            unanswered.append(asked)
    published = [_published(v.get("create_time"), account.timezone) for v in entries]
    types: dict[str, pl.DataType] = {
        **dict.fromkeys(_VIDEO_COUNTS, pl.Int64()),
        "total_time_watched": pl.Float64(),
    }
    frame = typed_frame(
        _cells(entries, ("item_id", "caption", "share_url", *types)), types, 1
    ).with_columns(
        pl.Series("published_at", [m for m, _ in published], dtype=pl.Datetime("us", "UTC")),
        pl.Series("published_date", [d for _, d in published], dtype=pl.Date),
        pl.Series("as_of_date", [a for a, _, _ in context], dtype=pl.Date),
        pl.Series("_since", [s for _, s, _ in context], dtype=pl.Date),
        pl.Series("_until", [u for _, _, u in context], dtype=pl.Date),
    )
    frame = require(frame, pl.col("item_id").fill_null("").str.contains(r"^\d+$"), "no 'item_id'")
    frame = require(
        frame, pl.col("published_at").is_not_null(), "no readable 'create_time' (Unix seconds)"
    )
    frame = _count_checks(frame, [*_VIDEO_COUNTS, "total_time_watched"])
    kept, quarantine = split_quarantine(frame)
    older = kept.height
    kept = kept.filter(pl.col("_since").is_null() | (pl.col("published_date") >= pl.col("_since")))
    older -= kept.height
    newer = kept.height
    kept = kept.filter(pl.col("_until").is_null() | (pl.col("published_date") <= pl.col("_until")))
    newer -= kept.height
    kept, repeated = drop_duplicate_keys(kept, ["item_id"])
    gone = (pl.col("reach") == 0) & (pl.col("video_views") > 0)
    reach_gone = kept.filter(gone.fill_null(False)).height
    kept = kept.with_columns(
        pl.col("item_id").alias("post_id"),
        pl.lit(PLATFORM).alias("platform"),
        pl.lit(account.account_id).alias("account_id"),
        pl.lit("video").alias("content_type"),
        pl.col("caption").alias("text"),
        pl.col("share_url").alias("permalink"),
        pl.when(gone).then(None).otherwise(pl.col("reach")).alias("reach"),
        pl.col("likes").alias("reactions"),
        pl.col("favorites").alias("saves"),
        pl.col("total_time_watched").alias("watch_time_seconds"),
        pl.col("new_followers").alias("follows"),
        pl.col("profile_views").alias("profile_visits"),
    )
    errors = _errors(envelopes, frame.height + 1)
    missing = _unanswered(unanswered, frame.height + errors.height + 1)
    return result(
        "tiktok_business:videos",
        PLATFORM,
        {
            "account": account_frame([account]),
            "post": conform(kept, POST.columns),
            "post_metrics": conform(kept, POST_METRICS.columns),
        },
        rows_read=frame.height + errors.height + missing.height,
        loaded=kept.height,
        quarantine=[quarantine, errors, missing],
        skipped=older + newer + repeated,
        notes=[
            _NOT_LOADED,
            *_skipped_note(older, "videos published before the pull's first day"),
            *_skipped_note(
                newer, "videos published after the pull's window (a later one has them)"
            ),
            *_skipped_note(repeated, "videos listed twice (the last is kept)"),
            *(
                [
                    f"reach NULL for {reach_gone} video(s): TikTok reports 0 beside views once a "
                    "video has been inactive for 7 days (its earlier snapshots keep the reach)"
                ]
                if reach_gone
                else []
            ),
        ],
    )


def _unanswered(post_ids: list[str], first_row: int) -> pl.DataFrame:
    """A quarantine row for each post asked for by id that the answer did not contain."""
    rows = [
        (
            first_row + i,
            f"TikTok returned no video {post_id} (deleted, private or not this account's)",
            json.dumps({"item": {"request": "video", "video_id": post_id}}),
        )
        for i, post_id in enumerate(post_ids)
    ]
    return pl.DataFrame(rows, schema=QUARANTINE, orient="row")
