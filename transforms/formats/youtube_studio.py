"""YouTube Studio Advanced-mode exports: `Table data.csv`, `Chart data.csv` and `Totals.csv`.

Studio's "Export current view" writes the three CSVs of one report, each shaped by the report's
dimension and the metrics the user picked; they never name the channel, so the account comes from
`--account youtube:<channel id>`. Recognised shapes:

- Table data by video (first column `Content`): `core.post` + one `core.post_metrics` snapshot.
- Chart data (`Date`, `Content`, ...: metrics per video per day): `core.post_daily`, `core.post`.
- Totals, and Table data by date (first column `Date`): `core.account_daily`.
- Table data by `Viewer age` / `Viewer gender` / `Geography` / `City` / `Device type` /
  `Traffic source`: `core.audience` (dimension age, gender, country, city, device, source).
- Table data by any other dimension Studio offers (`Subscription status`, `Operating system`,
  `Content type`, `Playback location`, `Sharing service`, `Subtitles and CC`, `Playlist`, ...):
  recognised, and its rows skipped with the reason: Kunci has no table for that breakdown.

Mapping (DECISIONLOG, YouTube Studio):
- `Views` are video views: `video_views` in `core.post_metrics`, `core.post_daily` and
  `core.account_daily`, never `views`, which the metric layer reads as Meta's 2025 replacement for
  impressions (`coalesce(impressions, views)`); YouTube's own impressions are thumbnail
  impressions, a different count from views.
- `Engaged views` -> `engaged_views` (same three tables): the old definition of a view, kept by
  YouTube when it began counting every start of a Short as a view (March 2025).
- `Watch time (hours)` -> `watch_time_seconds` (x 3600) per post; `Impressions` -> `impressions`
  (thumbnail impressions); `Likes` -> `reactions`; `Comments added` -> `comments`; `Shares` ->
  `shares`; `Subscribers gained` -> `follows` per post, `followers_gained` per day;
  `Subscribers lost` -> `followers_lost` per day.
- Audience tables: `Views` -> measure `views` (value), `Views (%)` -> its share (a fraction).
  Watch time per bucket is not stored: `core.audience` has no watch-time measure the metric
  layer or the report reads.
- Named in the load's notes as not used (Kunci has no column for them): `Subscribers` (a net of
  gained and lost, which no follower column holds), `Impressions click-through rate (%)` (a rate;
  the clicks behind it could only be rebuilt by rounding), `Average view duration`, `Average
  percentage viewed (%)`, `Stayed to watch (%)`, `Unique viewers` and `Unique reach` (Studio's
  estimates over the report's period, not the platform reach other formats store),
  `Average views per viewer`, `New` / `Returning` / `Casual` / `Regular viewers`, `Dislikes`,
  `Likes (vs. dislikes) (%)`, `Estimated revenue (<currency>)` (channel earnings: no social table
  has money), `YouTube Premium views`, `Post subscribers`, `Duration` (the video's length), and
  per day watch time, likes, comments and shares (`core.account_daily` has no such columns).
  Watch time is never rebuilt from `Average view duration` x `Views`: Studio rounds the average to
  the second.
- A Chart data or Totals file whose only metrics are not used loads nothing: its rows are
  skipped and the note names the metric (`Average view duration` per day would otherwise load
  rows with every measure NULL). A Table data by video without a used metric still loads its
  videos (`core.post`) but writes no snapshot, which would hide an earlier one's values.
- Posts are `video`, published on the date Studio prints (`Aug 28, 2025`): `published_at` is NULL,
  the export gives no time.
- Headers are matched in English only: Studio localises them, but how its Indonesian export writes
  decimals is unconfirmed, and a guessed locale could misread `243.645` a thousandfold.

Quirks: the first data row of Table data is an aggregate `Total` row (skipped and counted); video
ids starting with `-` are prefixed with a space (Studio's guard against CSV formula injection), and
only some of them (` -pvZz7Zj4QM` beside `-6UJPIo1uW0` in one file): every id is stripped;
Studio writes blank cells for metrics it has no value for (`New viewers` of every video, revenue
on unmonetised days), kept NULL, apart from `0`; Excel re-saves rewrite ISO dates in the saver's
locale (`13-06-2025`), so the day/month order of numeric dates is settled per file; Table data by
date may list days newest first; Chart data lists the days before a video existed with 0 views
(skipped and counted, never loaded as measurements).
"""

from collections.abc import Callable, Iterable
from dataclasses import replace

import polars as pl

from transforms.accounts import account_frame, hinted_account
from transforms.context import IngestContext, Normalized, ParsedInput
from transforms.dates import parse_date, snapshot_date
from transforms.detect import FormatSpec
from transforms.formats.daily import finish_daily
from transforms.numbers import parse_count, parse_percent_points
from transforms.schemas import AUDIENCE, POST, POST_DAILY, POST_METRICS
from transforms.typed import (
    COUNT,
    DECIMAL,
    REASON,
    FieldType,
    assemble,
    conform,
    date_field,
    drop_duplicate_keys,
    flag,
    parse_fields,
    require,
    skip_rows,
    split_quarantine,
)

_VIDEO_ID = r"^[A-Za-z0-9_-]{11}$"
_WATCH_URL = "https://www.youtube.com/watch?v="
_PUBLISHED = date_field("%b %d, %Y", "%Y-%m-%d")
_TEXT_DATES = ("%Y-%m-%d", "%b %d, %Y")
_DAY_FIRST = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")
_MONTH_FIRST = ("%m-%d-%Y", "%m/%d/%Y")
_NUMERIC_DATE = r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}$"
_PERCENT_POINTS = FieldType("percentage", parse_percent_points)  # `Views (%)`: 62.5 = 62.5 %
_SECONDS_PER_HOUR = 3600

# Metrics Kunci stores somewhere (which table takes which is decided per shape below).
_STORED: dict[str, tuple[str, ...]] = {
    "studio_views": ("Views",),
    "engaged_views": ("Engaged views",),
    "watch_hours": ("Watch time (hours)",),
    "impressions": ("Impressions",),
    "subscribers_gained": ("Subscribers gained",),
    "subscribers_lost": ("Subscribers lost",),
    "likes": ("Likes",),
    "comments_added": ("Comments added",),
    "shares": ("Shares",),
}
_TYPES = {**dict.fromkeys(_STORED, COUNT), "watch_hours": DECIMAL}

# Revenue columns name the channel's payment currency.
_CURRENCIES = (
    *("USD", "EUR", "GBP", "INR", "IDR", "JPY", "AUD", "CAD", "BRL", "MXN", "PHP", "MYR"),
    *("SGD", "THB", "VND", "KRW", "TRY", "PKR", "BDT", "NGN", "ZAR", "CHF", "SEK", "PLN"),
)

# Metrics Studio offers that no canonical column holds: recognised (so that a file of one of them
# is read and its rows accounted for) and named in the notes as not used.
_UNUSED: dict[str, tuple[str, ...]] = {
    "subscribers": ("Subscribers",),
    "impressions_ctr": ("Impressions click-through rate (%)",),
    "average_view_duration": ("Average view duration",),
    "average_percentage_viewed": ("Average percentage viewed (%)",),
    "stayed_to_watch": ("Stayed to watch (%)",),
    "unique_viewers": ("Unique viewers",),
    "unique_reach": ("Unique reach",),
    "average_views_per_viewer": ("Average views per viewer",),
    "new_viewers": ("New viewers",),
    "returning_viewers": ("Returning viewers",),
    "casual_viewers": ("Casual viewers",),
    "regular_viewers": ("Regular viewers",),
    "dislikes": ("Dislikes",),
    "likes_vs_dislikes": ("Likes (vs. dislikes) (%)",),
    "estimated_revenue": tuple(f"Estimated revenue ({code})" for code in _CURRENCIES),
    "premium_views": ("YouTube Premium views",),
    "premium_watch_hours": ("YouTube Premium watch time (hours)",),
    "post_subscribers": ("Post subscribers",),
    "end_screen_clicks": ("End screen element clicks",),
    "hype_points": ("Hype points",),
}
_METRICS = {**_STORED, **_UNUSED}
_SHARES: dict[str, tuple[str, ...]] = {
    "views_share": ("Views (%)",),
    "watch_share": ("Watch time (hours) (%)",),
}
"""Audience tables give each bucket's share of the total in percent points (`62.5`)."""
_GENERIC = ("impressions", "likes", "shares", "new_viewers", "returning_viewers")
_ANY = "any_metric"
"""A field matching a file's first metric that only Studio writes: a Totals file may hold any one.

`Impressions`, `Likes`, `Shares`, `New viewers` and `Returning viewers` do not count: beside
`Date` they are other platforms' daily exports too (an X export missing a column must still be
refused as X; TikTok Studio's Viewers sheet has `New Viewers` and `Returning Viewers`). A Studio
Totals file of one of these alone is refused as an unknown format rather than guessed.
"""
_ANY_METRIC = {
    _ANY: tuple(
        alias
        for name, aliases in (*_METRICS.items(), *_SHARES.items())
        if name not in _GENERIC
        for alias in aliases
    )
}

_VIDEO: dict[str, tuple[str, ...]] = {
    "video_id": ("Content",),
    "title": ("Video title",),
    "published": ("Video publish time",),
}
_NOT_METRICS = ("duration",)


def _not_used(parsed: ParsedInput, used: Iterable[str]) -> tuple[str, ...]:
    """Name the matched columns this shape does not store, so none disappears without a word."""
    kept = set(used)
    names = [
        parsed.headers[name]
        for name in (*_METRICS, *_SHARES, *_NOT_METRICS)
        if name in parsed.headers and name not in kept
    ]
    if not names:
        return ()
    listed = ", ".join(f"'{name}'" for name in names)
    return (f"not used (Kunci has no column for them): {listed}",)


def _skip_all(format_name: str, parsed: ParsedInput, reason: str) -> Normalized:
    """Recognise the export but load nothing: every row is skipped, with the reason in the notes."""
    empty = parsed.frame.clear().with_columns(pl.lit(None, pl.String).alias(REASON))
    kept, quarantine = split_quarantine(empty)
    rows = parsed.frame.height
    return assemble(
        format_name,
        "youtube",
        parsed,
        kept,
        quarantine,
        {},
        skipped=rows,
        notes=(f"{rows} rows skipped: {reason}",),
    )


def _only_unused_reason(parsed: ParsedInput, table: str) -> str:
    names = ", ".join(
        f"'{parsed.headers[name]}'" for name in (*_METRICS, *_SHARES) if name in parsed.headers
    )
    return f"the export's metrics ({names}) have no column in {table}"


def _split_totals(parsed: ParsedInput, key: str) -> tuple[ParsedInput, pl.DataFrame, int]:
    """Take Studio's aggregate `Total` row(s) out: they restate the other rows' sum."""
    is_total = pl.col(key).str.strip_chars().str.to_lowercase() == "total"
    totals = parsed.frame.filter(is_total.fill_null(False))
    rows, skipped = skip_rows(parsed.frame, is_total)
    return replace(parsed, frame=rows), totals, skipped


def _require_video_id(frame: pl.DataFrame, header: str) -> pl.DataFrame:
    """Quarantine rows without an 11-character video id (a spreadsheet may have mangled it)."""
    bad = ~pl.col("video_id").str.contains(_VIDEO_ID).fill_null(False)
    video_id = pl.col("video_id").fill_null("")
    reason = pl.format(f"column '{header}': '{{}}' is not a YouTube video id", video_id)
    return flag(frame, bad, reason)


def _day_dates(frame: pl.DataFrame, column: str) -> FieldType:
    """Dates of a daily export, settling the day/month order of numeric dates for the file.

    Studio writes ISO dates; a spreadsheet re-save writes the saver's locale order. A file whose
    numeric dates only one order can read (`13-06-2025`) is read in that order; a file that never
    settles it (only days 1-12 that read differently both ways), or mixes orders, keeps its
    numeric dates unparsed so those rows are quarantined rather than read day-for-month.
    """
    numeric = frame.filter(pl.col(column).str.strip_chars().str.contains(_NUMERIC_DATE))
    probe = numeric.select(
        parse_date(column, _DAY_FIRST).alias("day"),
        parse_date(column, _MONTH_FIRST).alias("month"),
    )
    day_only = probe.filter(pl.col("day").is_not_null() & pl.col("month").is_null()).height
    month_only = probe.filter(pl.col("month").is_not_null() & pl.col("day").is_null()).height
    differ = probe.filter(pl.col("day") != pl.col("month")).height
    if month_only and not day_only:
        return date_field(*_TEXT_DATES, *_MONTH_FIRST)
    if (day_only and not month_only) or not differ:
        return date_field(*_TEXT_DATES, *_DAY_FIRST)
    return FieldType(
        "date in one day/month order (the file's numeric dates never settle DD-MM vs MM-DD)",
        lambda column, _locale: _same_both_ways(column),
    )


def _same_both_ways(column: str) -> pl.Expr:
    """Text dates, and the numeric dates that read the same in either order (`06-06-2025`)."""
    day, month = parse_date(column, _DAY_FIRST), parse_date(column, _MONTH_FIRST)
    same = pl.when(day == month).then(day)
    return pl.coalesce(parse_date(column, _TEXT_DATES), same).alias(column)


def _videos(parsed: ParsedInput, types: dict[str, FieldType]) -> pl.DataFrame:
    """Parse per-video rows, strip Studio's injection guard and check the ids."""
    frame = parse_fields(parsed, types)
    frame = frame.with_columns(pl.col("video_id").str.strip_chars())
    return _require_video_id(frame, parsed.headers["video_id"])


def _post_frame(videos: pl.DataFrame, account_id: str) -> pl.DataFrame:
    posts = videos.unique("video_id", keep="last", maintain_order=True)
    return posts.with_columns(
        pl.lit("youtube").alias("platform"),
        pl.col("video_id").alias("post_id"),
        pl.lit(account_id).alias("account_id"),
        pl.col("published").alias("published_date")
        if "published" in posts.columns
        else pl.lit(None, pl.Date).alias("published_date"),
        pl.lit("video").alias("content_type"),
        pl.col("title").alias("text"),
        (pl.lit(_WATCH_URL) + pl.col("video_id")).alias("permalink"),
    )


_POST_MEASURES = {
    "studio_views": "video_views",
    "engaged_views": "engaged_views",
    "impressions": "impressions",
    "likes": "reactions",
    "comments_added": "comments",
    "shares": "shares",
    "subscribers_gained": "follows",
}
_POST_USED = (*_POST_MEASURES, "watch_hours")
_DAILY_MEASURES = {
    "studio_views": "video_views",
    "engaged_views": "engaged_views",
    "impressions": "impressions",
    "subscribers_gained": "followers_gained",
    "subscribers_lost": "followers_lost",
}


def _present(parsed: ParsedInput, fields: Iterable[str]) -> list[str]:
    return [name for name in fields if name in parsed.headers]


def _measures(frame: pl.DataFrame) -> pl.DataFrame:
    """Rename the Studio metrics a frame has to canonical post measures."""
    present = {name: out for name, out in _POST_MEASURES.items() if name in frame.columns}
    frame = frame.with_columns(pl.col(name).alias(out) for name, out in present.items())
    if "watch_hours" in frame.columns:
        seconds = pl.col("watch_hours") * _SECONDS_PER_HOUR
        frame = frame.with_columns(seconds.alias("watch_time_seconds"))
    return frame


def _total_note(totals: pl.DataFrame, videos: pl.DataFrame, listed: int) -> tuple[str, ...]:
    """Say when the Total row exceeds the listed videos (deleted or unlisted videos count in it)."""
    if "studio_views" not in totals.columns or totals.is_empty():
        return ()
    total = totals.select(parse_count("studio_views", "en")).item(0, 0)
    summed = videos.select(parse_count("studio_views", "en")).get_column("studio_views").sum()
    if total is None or total == summed:
        return ()
    return (
        f"Total row: {total} views; the {listed} listed videos sum to {summed} (the rest is on "
        "videos the export does not list)",
    )


def normalize_table(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map Table data by video to `core.post` and one lifetime `core.post_metrics` snapshot."""
    account = hinted_account(ctx, "youtube")
    as_of, note = snapshot_date(ctx.source_name, ctx.as_of)
    used = _present(parsed, _POST_USED)
    rows, totals, total_rows = _split_totals(parsed, "video_id")
    types = {**{name: _TYPES[name] for name in used}, "published": _PUBLISHED}
    kept, quarantine = split_quarantine(_videos(rows, types))
    kept, duplicates = drop_duplicate_keys(kept, ["video_id"])
    tables = {
        "account": account_frame([account]),
        "post": conform(_post_frame(kept, account.account_id), POST.columns),
    }
    notes = [note, *_total_note(totals, rows.frame, rows.frame.height)]
    if used:
        snapshots = _measures(_post_frame(kept, account.account_id))
        snapshots = snapshots.with_columns(pl.lit(as_of).alias("as_of_date"))
        tables["post_metrics"] = conform(snapshots, POST_METRICS.columns)
    else:
        reason = _only_unused_reason(parsed, "core.post_metrics")
        notes.append(f"videos loaded without a metrics snapshot: {reason}")
    return assemble(
        "youtube_studio_table_content",
        "youtube",
        parsed,
        kept,
        quarantine,
        tables,
        skipped=total_rows + duplicates,
        notes=(*notes, *_not_used(parsed, used)),
    )


def normalize_chart(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map Chart data (one metric per video per day) to `core.post_daily` and `core.post`."""
    used = _present(parsed, _POST_USED)
    if not used:
        reason = _only_unused_reason(parsed, "core.post_daily")
        return _skip_all("youtube_studio_chart", parsed, reason)
    account = hinted_account(ctx, "youtube")
    rows, _totals, total_rows = _split_totals(parsed, "video_id")
    types = {
        **{name: _TYPES[name] for name in used},
        "date": _day_dates(rows.frame, "date"),
        "published": _PUBLISHED,
    }
    frame = require(_videos(rows, types), pl.col("date").is_not_null(), "no date")
    kept, quarantine = split_quarantine(frame)
    kept, duplicates = drop_duplicate_keys(kept, ["video_id", "date"])
    posts = _post_frame(kept, account.account_id)
    days, unpublished = skip_rows(kept, _before_publish(kept, used))
    daily = _measures(days).with_columns(
        pl.lit("youtube").alias("platform"), pl.col("video_id").alias("post_id")
    )
    return assemble(
        "youtube_studio_chart",
        "youtube",
        parsed,
        days,
        quarantine,
        {
            "account": account_frame([account]),
            "post": conform(posts, POST.columns),
            "post_daily": conform(daily, POST_DAILY.columns),
        },
        skipped=total_rows + duplicates + unpublished,
        notes=(
            f"{unpublished} rows dated before their video was published skipped",
            *_not_used(parsed, used),
        ),
    )


def _before_publish(frame: pl.DataFrame, metrics: list[str]) -> pl.Expr:
    """Rows Studio lists for days before the video existed: all their metrics are 0 or empty."""
    if "published" not in frame.columns or not metrics:
        return pl.lit(False)
    empty = pl.all_horizontal([pl.col(name).fill_null(0) == 0 for name in metrics])
    return (pl.col("date") < pl.col("published")) & empty


def normalize_daily(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map Totals (or Table data by date) to the channel's `core.account_daily`."""
    used = _present(parsed, _DAILY_MEASURES)
    if not used:
        reason = _only_unused_reason(parsed, "core.account_daily")
        return _skip_all("youtube_studio_daily", parsed, reason)
    account = hinted_account(ctx, "youtube")
    rows, _totals, total_rows = _split_totals(parsed, "date")
    types = {**{name: _TYPES[name] for name in used}, "date": _day_dates(rows.frame, "date")}
    frame = parse_fields(rows, types)
    frame = require(frame, pl.col("date").is_not_null(), "no date")
    return finish_daily(
        "youtube_studio_daily",
        parsed,
        frame,
        account,
        [pl.col(name).alias(_DAILY_MEASURES[name]) for name in used],
        skipped=total_rows,
        notes=_not_used(parsed, used),
    )


def _normalize_audience(dimension: str) -> Callable[[ParsedInput, IngestContext], Normalized]:
    format_name = f"youtube_studio_audience_{dimension}"

    def normalize(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
        """Map a Table data breakdown to `core.audience` (measure `views`)."""
        used = _present(parsed, ("studio_views", "views_share"))
        if not used:
            return _skip_all(format_name, parsed, _only_unused_reason(parsed, "core.audience"))
        account = hinted_account(ctx, "youtube")
        as_of, note = snapshot_date(ctx.source_name, ctx.as_of)
        rows, _totals, total_rows = _split_totals(parsed, "bucket")
        frame = parse_fields(rows, {"studio_views": COUNT, "views_share": _PERCENT_POINTS})
        frame = frame.with_columns(pl.col("bucket").str.strip_chars())
        frame = require(frame, pl.col("bucket") != "", f"no {parsed.headers['bucket']}")
        kept, quarantine = split_quarantine(frame)
        kept, duplicates = drop_duplicate_keys(kept, ["bucket"])
        audience = kept.with_columns(
            pl.lit("youtube").alias("platform"),
            pl.lit(account.account_id).alias("account_id"),
            pl.lit(as_of).alias("as_of_date"),
            pl.lit("views").alias("measure"),
            pl.lit(dimension).alias("dimension"),
            _column_or_null(kept, "studio_views").alias("value"),
            _column_or_null(kept, "views_share").alias("share"),
        )
        return assemble(
            format_name,
            "youtube",
            parsed,
            kept,
            quarantine,
            {
                "account": account_frame([account]),
                "audience": conform(audience, AUDIENCE.columns),
            },
            skipped=total_rows + duplicates,
            notes=(note, *_not_used(parsed, used)),
        )

    return normalize


def _column_or_null(frame: pl.DataFrame, name: str) -> pl.Expr:
    return pl.col(name).cast(pl.Float64) if name in frame.columns else pl.lit(None, pl.Float64)


def normalize_unstored_dimension(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Recognise Table data by a dimension Kunci keeps no table for, and skip its rows."""
    header = parsed.headers["dimension"]
    reason = f"Kunci has no table for a breakdown by '{header}' (YouTube Studio Table data)"
    result = _skip_all("youtube_studio_table_other", parsed, reason)
    return replace(result, notes=(*result.notes, *_not_used(parsed, ())))


TABLE_CONTENT = FormatSpec(
    name="youtube_studio_table_content",
    platform="youtube",
    title="YouTube Studio Table data by video (Content, Video title, ...)",
    columns={"en": {**_VIDEO, "duration": ("Duration",), **_METRICS}},
    required=("video_id", "title"),
    normalize=normalize_table,
)

CHART = FormatSpec(
    name="youtube_studio_chart",
    platform="youtube",
    title="YouTube Studio Chart data (Date, Content: one metric per video per day)",
    columns={"en": {"date": ("Date",), **_VIDEO, "duration": ("Duration",), **_METRICS}},
    required=("date", "video_id", "title"),
    normalize=normalize_chart,
)

DAILY = FormatSpec(
    name="youtube_studio_daily",
    platform="youtube",
    title="YouTube Studio Totals or Table data by date (Date, Views, ...)",
    columns={"en": {"date": ("Date",), **_METRICS, **_ANY_METRIC}},
    required=("date", _ANY),
    normalize=normalize_daily,
)


def _audience_spec(dimension: str, header: str) -> FormatSpec:
    return FormatSpec(
        name=f"youtube_studio_audience_{dimension}",
        platform="youtube",
        title=f"YouTube Studio Table data by {header} ({header}, Views, ...)",
        columns={"en": {"bucket": (header,), **_METRICS, **_SHARES, **_ANY_METRIC}},
        required=("bucket", _ANY),
        normalize=_normalize_audience(dimension),
    )


AUDIENCE_AGE = _audience_spec("age", "Viewer age")
AUDIENCE_GENDER = _audience_spec("gender", "Viewer gender")
AUDIENCE_COUNTRY = _audience_spec("country", "Geography")
AUDIENCE_CITY = _audience_spec("city", "City")
AUDIENCE_DEVICE = _audience_spec("device", "Device type")
AUDIENCE_SOURCE = _audience_spec("source", "Traffic source")

# Table data dimensions Studio offers that no canonical table holds.
_UNSTORED_DIMENSIONS = (
    "Subscription status",
    "Subscription source",
    "Operating system",
    "Content type",
    "Playback location",
    "Sharing service",
    "Subtitles and CC",
    "Playlist",
    "YouTube product",
    "Audio language",
    "Video info language",
    "Translation use",
    "New and returning viewers",
    "End screen element",
    "End screen element type",
    "Card",
    "Card type",
    "Live stream position",
    "Traffic source type",
    "Product",
)

TABLE_OTHER = FormatSpec(
    name="youtube_studio_table_other",
    platform="youtube",
    title="YouTube Studio Table data by another dimension (Subscription status, Playlist, ...)",
    columns={"en": {"dimension": _UNSTORED_DIMENSIONS, **_METRICS, **_SHARES, **_ANY_METRIC}},
    required=("dimension", _ANY),
    normalize=normalize_unstored_dimension,
)
