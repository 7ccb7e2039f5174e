"""YouTube Studio Advanced-mode exports: `Table data.csv`, `Chart data.csv` and `Totals.csv`.

Studio's "Export current view" writes the three CSVs of one report, each shaped by the report's
dimension and the metrics the user picked; they never name the channel, so the account comes from
`--account youtube:<channel id>`. Recognised shapes:

- Table data by video (first column `Content`): `core.post` + one `core.post_metrics` snapshot.
- Chart data (`Date`, `Content`, ...: views per video per day): `core.post_daily` + `core.post`.
- Totals, and Table data by date (first column `Date`): `core.account_daily`.
- Table data by `Viewer age` / `Viewer gender` / `Geography`: `core.audience` (measure `views`).

Mapping (DECISIONLOG, YouTube Studio):
- `Views` are video views: `video_views` in `core.post_metrics`, `core.post_daily` and
  `core.account_daily`, never `views`, which the metric layer reads as Meta's 2025 replacement for
  impressions (`coalesce(impressions, views)`); YouTube's own impressions are thumbnail
  impressions, a different count from views.
- `Watch time (hours)` -> `watch_time_seconds` (x 3600); `Impressions` -> `impressions` (thumbnail
  impressions); `Likes` -> `reactions`; `Comments added` -> `comments`; `Shares` -> `shares`;
  `Subscribers gained` -> `follows` / `followers_gained`; `Subscribers lost` -> `followers_lost`.
- Not stored: `Subscribers` (a net of gained and lost, which no follower column holds),
  `Impressions click-through rate (%)` (a rate; the clicks behind it could only be rebuilt by
  rounding), `Duration`, averages, and account-level watch time (`core.account_daily` has none).
- Only English headers are recognised: Studio localises them, but how its Indonesian export writes
  decimals is unconfirmed, and a guessed locale could misread `243.645` a thousandfold.
- Posts are `video`, published on the date Studio prints (`Aug 28, 2025`): `published_at` is NULL,
  the export gives no time. Audience shares are `Views (%)` as a fraction; Studio gives only
  shares for age and gender, so their `value` is NULL.

Quirks: the first data row of Table data is an aggregate `Total` row (skipped and counted); video
ids starting with `-` are prefixed with a space (Studio's guard against CSV formula injection);
Excel re-saves rewrite ISO dates in the saver's locale (`13-06-2025`), so the day/month order of
numeric dates is settled per file; Chart data lists the days before a video existed with 0 views
(skipped and counted, never loaded as measurements).
"""

from collections.abc import Callable
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

_METRICS: dict[str, tuple[str, ...]] = {
    "studio_views": ("Views",),
    "watch_hours": ("Watch time (hours)",),
    "impressions": ("Impressions",),
    "subscribers_gained": ("Subscribers gained",),
    "subscribers_lost": ("Subscribers lost",),
    "likes": ("Likes",),
    "comments_added": ("Comments added",),
    "shares": ("Shares",),
}
_METRIC_TYPES = {**dict.fromkeys(_METRICS, COUNT), "watch_hours": DECIMAL}
_VIDEO: dict[str, tuple[str, ...]] = {
    "video_id": ("Content",),
    "title": ("Video title",),
    "published": ("Video publish time",),
}


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


def _measures(frame: pl.DataFrame) -> pl.DataFrame:
    """Rename the Studio metrics a frame has to canonical post measures."""
    renames = {
        "studio_views": "video_views",
        "impressions": "impressions",
        "likes": "reactions",
        "comments_added": "comments",
        "shares": "shares",
        "subscribers_gained": "follows",
    }
    present = {name: out for name, out in renames.items() if name in frame.columns}
    frame = frame.with_columns(pl.col(name).alias(out) for name, out in present.items())
    if "watch_hours" in frame.columns:
        frame = frame.with_columns((pl.col("watch_hours") * 3600).alias("watch_time_seconds"))
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
    rows, totals, total_rows = _split_totals(parsed, "video_id")
    kept, quarantine = split_quarantine(_videos(rows, {**_METRIC_TYPES, "published": _PUBLISHED}))
    kept, duplicates = drop_duplicate_keys(kept, ["video_id"])
    snapshots = _measures(_post_frame(kept, account.account_id)).with_columns(
        pl.lit(as_of).alias("as_of_date")
    )
    return assemble(
        "youtube_studio_table_content",
        "youtube",
        parsed,
        kept,
        quarantine,
        {
            "account": account_frame([account]),
            "post": conform(_post_frame(kept, account.account_id), POST.columns),
            "post_metrics": conform(snapshots, POST_METRICS.columns),
        },
        skipped=total_rows + duplicates,
        notes=(note, *_total_note(totals, rows.frame, rows.frame.height)),
    )


def normalize_chart(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map Chart data (views per video per day) to `core.post_daily` and `core.post`."""
    account = hinted_account(ctx, "youtube")
    rows, _totals, total_rows = _split_totals(parsed, "video_id")
    types = {**_METRIC_TYPES, "date": _day_dates(rows.frame, "date"), "published": _PUBLISHED}
    frame = require(_videos(rows, types), pl.col("date").is_not_null(), "no date")
    kept, quarantine = split_quarantine(frame)
    kept, duplicates = drop_duplicate_keys(kept, ["video_id", "date"])
    posts = _post_frame(kept, account.account_id)
    days, unpublished = skip_rows(kept, _before_publish(kept))
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
        notes=(f"{unpublished} rows dated before their video was published skipped",),
    )


def _before_publish(frame: pl.DataFrame) -> pl.Expr:
    """Rows Studio lists for days before the video existed: all their metrics are 0 or empty."""
    metrics = [name for name in _METRICS if name in frame.columns]
    if "published" not in frame.columns or not metrics:
        return pl.lit(False)
    empty = pl.all_horizontal([pl.col(name).fill_null(0) == 0 for name in metrics])
    return (pl.col("date") < pl.col("published")) & empty


def normalize_daily(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map Totals (or Table data by date) to the channel's `core.account_daily`."""
    account = hinted_account(ctx, "youtube")
    rows, _totals, total_rows = _split_totals(parsed, "date")
    frame = parse_fields(rows, {**_METRIC_TYPES, "date": _day_dates(rows.frame, "date")})
    frame = require(frame, pl.col("date").is_not_null(), "no date")
    renames = {
        "studio_views": "video_views",
        "impressions": "impressions",
        "subscribers_gained": "followers_gained",
        "subscribers_lost": "followers_lost",
    }
    return finish_daily(
        "youtube_studio_daily",
        parsed,
        frame,
        account,
        [pl.col(name).alias(out) for name, out in renames.items() if name in frame.columns],
        skipped=total_rows,
    )


def _normalize_audience(dimension: str) -> Callable[[ParsedInput, IngestContext], Normalized]:
    def normalize(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
        """Map a Table data audience breakdown to `core.audience` (measure `views`)."""
        account = hinted_account(ctx, "youtube")
        as_of, note = snapshot_date(ctx.source_name, ctx.as_of)
        rows, _totals, total_rows = _split_totals(parsed, "bucket")
        frame = parse_fields(rows, {"views": COUNT, "views_share": _PERCENT_POINTS})
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
            _column_or_null(kept, "views").cast(pl.Float64).alias("value"),
            _column_or_null(kept, "views_share").alias("share"),
        )
        return assemble(
            f"youtube_studio_audience_{dimension}",
            "youtube",
            parsed,
            kept,
            quarantine,
            {
                "account": account_frame([account]),
                "audience": conform(audience, AUDIENCE.columns),
            },
            skipped=total_rows + duplicates,
            notes=(note,),
        )

    return normalize


def _column_or_null(frame: pl.DataFrame, name: str) -> pl.Expr:
    return pl.col(name) if name in frame.columns else pl.lit(None, pl.Float64)


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
    columns={"en": {"date": ("Date",), **_METRICS}},
    required=("date", "studio_views"),
    normalize=normalize_daily,
)


def _audience_spec(dimension: str, header: str, measure: str) -> FormatSpec:
    return FormatSpec(
        name=f"youtube_studio_audience_{dimension}",
        platform="youtube",
        title=f"YouTube Studio Table data by {header} ({header}, {measure}, ...)",
        columns={"en": {"bucket": (header,), "views": ("Views",), "views_share": ("Views (%)",)}},
        required=("bucket", "views" if measure == "Views" else "views_share"),
        normalize=_normalize_audience(dimension),
    )


AUDIENCE_AGE = _audience_spec("age", "Viewer age", "Views (%)")
AUDIENCE_GENDER = _audience_spec("gender", "Viewer gender", "Views (%)")
AUDIENCE_COUNTRY = _audience_spec("country", "Geography", "Views")
