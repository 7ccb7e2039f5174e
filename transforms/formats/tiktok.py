"""TikTok Studio exports: Overview, Content and the Followers files, as CSV or as one workbook.

TikTok Studio's "Download data" gives one CSV per table (`Overview.csv`, `Content.csv`,
`FollowerHistory.csv`, `FollowerActivity.csv`, `FollowerGender.csv`,
`FollowerTopTerritories.csv`, `Viewers.csv`) or the same tables as sheets of one XLSX; each is
recognised by its header, whatever its container or sheet name. Headers are English, but dates
follow the interface language and usually have no year (`April 12`, `12 April`, `8 Juli`);
newer files and workbook date cells are ISO (`2025-04-12`). Values TikTok has not computed yet
are written `undefined` and read as NULL.

Year of a date written without one: the latest year that puts it on or before the end date in the
file name (`dates_in_name`), else on or before the ingest date (`ctx.as_of`); so a range crossing
New Year (Dec 28 … Jan 3) gets two years. With a start and an end date in the file name, a daily
row outside that period is quarantined. The notes record the years used and where they came from.
Month names are read in English and Indonesian by a local table: a `February 29` looks back up to
four years (to the last leap year), a column may mix `8 Juli` with `8 Juli 2025` (a stated year
wins), and TikTok's spellings `Peb`, `Nop`, `Agus`, `Sept` are known.

Canonical mapping (DECISIONLOG), account from `--account` unless a video link names it:
- Overview → `core.account_daily`: video_views = Video Views, profile_visits = Profile Views,
  engagements = Likes + Comments + Shares (NULL only when all three are). These are the account's
  activity that day, not post metrics, so they never reach `core.post_metrics`.
- Content → `core.post` (content_type video; post id from the link's `/video/<id>`, else a plain
  `Video ID`; a `Video ID` a spreadsheet turned into `7.00E+18` is ignored when the link has the
  id, and quarantines the row when it has not) and a `core.post_metrics` snapshot: reactions =
  Total likes, comments = Total comments, shares = Total shares, video_views = Total views.
  `Time` is the date the totals refer to and becomes `as_of_date`; without it, the file name's
  end date or the ingest date. `Post time` gives `published_date` (a yearless one takes the
  latest year not after `as_of_date`); `published_at` only when it has a time of day.
- FollowerHistory → `core.account_daily.followers_total` = Followers. The difference from the
  previous day is the net change, which the metric layer derives from consecutive totals;
  `followers_gained`/`followers_lost` are gross flows TikTok does not export, so they stay NULL.
- FollowerActivity → `core.audience_activity`: online_followers = Active followers for that
  date and hour (as TikTok shows it), as_of_date = the date, day_of_week its ISO weekday.
- FollowerGender / FollowerTopTerritories → `core.audience` (measure followers, dimension gender /
  country): share = Distribution (`55%` or `0.55`), value NULL; genders lower-cased, territories
  kept as TikTok writes them (ISO codes, `Others`); as of the file name's end date or ingest date.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

import polars as pl

from transforms.accounts import account_frame, accounts_by_handle, hinted_account
from transforms.context import IngestContext, Normalized, ParsedInput
from transforms.dates import dates_in_name, localize, snapshot_date
from transforms.detect import FormatSpec
from transforms.formats.daily import finish_daily
from transforms.measures import total
from transforms.numbers import Locale
from transforms.schemas import AUDIENCE, AUDIENCE_ACTIVITY, POST, POST_METRICS
from transforms.typed import (
    COUNT,
    PERCENT,
    REASON,
    SIGNED_COUNT,
    FieldType,
    assemble,
    conform,
    drop_duplicate_keys,
    parse_fields,
    require,
    split_quarantine,
)

_MONTHS = {
    **dict.fromkeys(("january", "jan", "januari"), 1),
    **dict.fromkeys(("february", "feb", "februari", "peb"), 2),
    **dict.fromkeys(("march", "mar", "maret"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("may", "mei"), 5),
    **dict.fromkeys(("june", "jun", "juni"), 6),
    **dict.fromkeys(("july", "jul", "juli"), 7),
    **dict.fromkeys(("august", "aug", "agustus", "agu", "agt", "agus"), 8),
    **dict.fromkeys(("september", "sep", "sept"), 9),
    **dict.fromkeys(("october", "oct", "oktober", "okt"), 10),
    **dict.fromkeys(("november", "nov", "nop"), 11),
    **dict.fromkeys(("december", "dec", "desember", "des"), 12),
}
_DAY_FIRST = r"^(?<day>\d{1,2}) (?<month>[a-z]+)(?: (?<year>\d{4}))?$"
_MONTH_FIRST = r"^(?<month>[a-z]+) (?<day>\d{1,2})(?: (?<year>\d{4}))?$"
_ISO_DATETIME = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S")
_YEARS_BACK = 5  # Feb 29 needs up to four years back; older dates cannot be in a Studio export
_VIDEO_LINK = r"^https?://(?:www\.|m\.)?tiktok\.com/@([^/?#]+)/video/(\d+)"
_SCIENTIFIC = r"^\s*\d(\.\d+)?[eE]\+?\d+\s*$"


# --- dates without a year -------------------------------------------------------------------


@dataclass(frozen=True)
class YearRule:
    """Where the year of dates written without one comes from."""

    reference: date
    start: date | None
    source: str


def year_rule(ctx: IngestContext) -> YearRule:
    """The file name's dates when it has some, else the ingest date."""
    found = dates_in_name(ctx.source_name)
    if found:
        start = min(found) if len(found) > 1 else None
        return YearRule(max(found), start, f"the file name's end date {max(found)}")
    return YearRule(ctx.as_of, None, f"the ingest date {ctx.as_of}")


def _make_date(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """A date from parts; NULL where they name no date (February 30)."""
    text = pl.format(
        "{}-{}-{}",
        year.cast(pl.String),
        month.cast(pl.String).str.zfill(2),
        day.cast(pl.String).str.zfill(2),
    )
    return text.str.strptime(pl.Date, "%Y-%m-%d", strict=False)


def _named_month_date(text: pl.Expr, reference: pl.Expr) -> pl.Expr:
    """`April 12`, `12 Apr`, `8 Juli 2025`: a stated year wins, else the latest not after ref."""
    folded = text.str.to_lowercase().str.replace_all(r"[.,]", " ").str.replace_all(r"\s+", " ")
    folded = folded.str.strip_chars()
    parts = [folded.str.extract_groups(pattern) for pattern in (_DAY_FIRST, _MONTH_FIRST)]
    day = pl.coalesce(p.struct.field("day") for p in parts).cast(pl.Int32)
    name = pl.coalesce(p.struct.field("month") for p in parts)
    year = pl.coalesce(p.struct.field("year") for p in parts).cast(pl.Int32)
    month = name.replace_strict(_MONTHS, default=None, return_dtype=pl.Int32)
    candidates = [_make_date(reference.dt.year() - back, month, day) for back in range(_YEARS_BACK)]
    latest = pl.coalesce(pl.when(c <= reference).then(c) for c in candidates)
    return pl.when(year.is_not_null()).then(_make_date(year, month, day)).otherwise(latest)


def _calendar_date(text: pl.Expr, reference: pl.Expr) -> pl.Expr:
    """An ISO date (or date and time) or a date with a month name, as a Date."""
    text = text.cast(pl.String).str.strip_chars()
    iso = [text.str.strptime(pl.Date, "%Y-%m-%d", strict=False)] + [
        text.str.strptime(pl.Datetime("us"), fmt, strict=False).dt.date() for fmt in _ISO_DATETIME
    ]
    return pl.coalesce([*iso, _named_month_date(text, reference)])


def _date_type(reference: pl.Expr) -> FieldType:
    def build(column: str, _locale: Locale) -> pl.Expr:
        return _calendar_date(pl.col(column), reference).alias(column)

    return FieldType("date", build)


def _yearless(column: str) -> pl.Expr:
    """`_yearless_<column>`: true where the raw cell holds a date written without a year."""
    text = pl.col(column).str.strip_chars()
    return ((text != "") & ~text.str.contains(r"\d{4}")).alias(f"_yearless_{column}")


def _year_note(kept: pl.DataFrame, column: str, header: str, source: str) -> tuple[str, ...]:
    """Which years were given to the column's dates written without one, and why."""
    flag = pl.col(f"_yearless_{column}")
    years = kept.filter(flag).get_column(column).dt.year().unique().sort()
    if years.is_empty():
        return ()
    listed = ", ".join(str(year) for year in years.to_list())
    return (f"year {listed} of '{header}' dates written without one taken from {source}",)


def _within_period(frame: pl.DataFrame, column: str, rule: YearRule) -> pl.DataFrame:
    if rule.start is None:
        return frame
    return require(
        frame,
        pl.col(column).is_between(rule.start, rule.reference),
        f"date outside the period {rule.start} to {rule.reference} in the file name",
    )


# --- shared steps -----------------------------------------------------------------------------


def _undefined_as_empty(parsed: ParsedInput) -> ParsedInput:
    """TikTok writes `undefined` for a value it has not computed yet: no value, not an error."""
    fields = [name for name in parsed.frame.columns if not name.startswith("_")]
    frame = parsed.frame.with_columns(
        pl.when(pl.col(name).str.strip_chars().str.to_lowercase() == "undefined")
        .then(pl.lit(""))
        .otherwise(pl.col(name))
        .alias(name)
        for name in fields
    )
    return replace(parsed, frame=frame)


def _parse(parsed: ParsedInput, types: dict[str, FieldType]) -> pl.DataFrame:
    """Parse `types`; optional columns the file lacks become NULL (not provided, never 0)."""
    frame = parse_fields(parsed, types)
    missing = [
        name
        for name, kind in types.items()
        if kind in (COUNT, SIGNED_COUNT) and name not in frame.columns
    ]
    return frame.with_columns(pl.lit(None, pl.Int64).alias(name) for name in missing)


def _daily_dates(
    parsed: ParsedInput, ctx: IngestContext, types: dict[str, FieldType]
) -> tuple[pl.DataFrame, YearRule]:
    """Parse a daily table: `date` with the year rule, plus `types`; quarantine reasons added."""
    rule = year_rule(ctx)
    parsed = _undefined_as_empty(parsed)
    frame = parsed.frame.with_columns(_yearless("date"))
    frame = _parse(
        replace(parsed, frame=frame), {"date": _date_type(pl.lit(rule.reference)), **types}
    )
    frame = require(frame, pl.col("date").is_not_null(), f"no date in '{parsed.headers['date']}'")
    return _within_period(frame, "date", rule), rule


def _daily_result(
    name: str,
    parsed: ParsedInput,
    ctx: IngestContext,
    types: dict[str, FieldType],
    measures: list[pl.Expr],
) -> Normalized:
    account = hinted_account(ctx, "tiktok")
    frame, rule = _daily_dates(parsed, ctx, types)
    loaded = frame.filter(pl.col(REASON).is_null())  # the years of the rows that load
    notes = _year_note(loaded, "date", parsed.headers["date"], rule.source)
    return finish_daily(name, parsed, frame, account, measures, notes=notes)


# --- Overview ---------------------------------------------------------------------------------


def normalize_overview(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map the daily Overview to `core.account_daily` of the named account."""
    return _daily_result(
        "tiktok_overview",
        parsed,
        ctx,
        # a day's likes, comments and shares are net changes: deleted ones make them negative
        dict.fromkeys(("video_views", "profile_views"), COUNT)
        | dict.fromkeys(("likes", "comments", "shares"), SIGNED_COUNT),
        [
            pl.col("profile_views").alias("profile_visits"),
            total("likes", "comments", "shares").alias("engagements"),
        ],
    )


OVERVIEW = FormatSpec(
    name="tiktok_overview",
    platform="tiktok",
    title="TikTok Studio Overview export (daily)",
    columns={
        "en": {
            "date": ("Date",),
            "video_views": ("Video Views",),
            "profile_views": ("Profile Views",),
            "likes": ("Likes",),
            "comments": ("Comments",),
            "shares": ("Shares",),
        },
        "id": {
            "date": ("Tanggal",),
            "video_views": ("Tayangan video",),
            "profile_views": ("Tayangan profil",),
            "likes": ("Suka",),
            "comments": ("Komentar",),
            "shares": ("Dibagikan",),
        },
    },
    required=("date", "video_views", "profile_views"),
    normalize=normalize_overview,
)


# --- FollowerHistory --------------------------------------------------------------------------


def normalize_follower_history(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map daily follower totals to `core.account_daily.followers_total`."""
    return _daily_result(
        "tiktok_follower_history",
        parsed,
        ctx,
        {"followers": COUNT},
        [pl.col("followers").alias("followers_total")],
    )


FOLLOWER_HISTORY = FormatSpec(
    name="tiktok_follower_history",
    platform="tiktok",
    title="TikTok Studio follower history export (daily totals)",
    columns={
        "en": {
            "date": ("Date",),
            "followers": ("Followers",),
            "difference": ("Difference in followers from previous day",),
        }
    },
    required=("date", "followers", "difference"),
    normalize=normalize_follower_history,
)


# --- FollowerActivity -------------------------------------------------------------------------


def _hour(column: str, _locale: Locale) -> pl.Expr:
    """An hour of the day, `13` or `13:00`; NULL outside 0-23."""
    hour = pl.col(column).str.strip_chars().str.extract(r"^(\d{1,2})(?::00)?$").cast(pl.Int32)
    return pl.when(hour.is_between(0, 23)).then(hour).alias(column)


def normalize_follower_activity(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map active followers per date and hour to `core.audience_activity`."""
    account = hinted_account(ctx, "tiktok")
    frame, rule = _daily_dates(
        parsed, ctx, {"hour": FieldType("whole hour (0-23)", _hour), "active": COUNT}
    )
    frame = require(frame, pl.col("hour").is_not_null(), f"no hour in '{parsed.headers['hour']}'")
    kept, quarantine = split_quarantine(frame)
    kept, duplicates = drop_duplicate_keys(kept, ["date", "hour"])
    activity = kept.with_columns(
        pl.lit("tiktok").alias("platform"),
        pl.lit(account.account_id).alias("account_id"),
        pl.col("date").alias("as_of_date"),
        pl.col("date").dt.weekday().alias("day_of_week"),
        pl.col("active").alias("online_followers"),
    )
    return assemble(
        "tiktok_follower_activity",
        "tiktok",
        parsed,
        kept,
        quarantine,
        {
            "account": account_frame([account]),
            "audience_activity": conform(activity, AUDIENCE_ACTIVITY.columns),
        },
        skipped=duplicates,
        notes=_year_note(kept, "date", parsed.headers["date"], rule.source),
    )


FOLLOWER_ACTIVITY = FormatSpec(
    name="tiktok_follower_activity",
    platform="tiktok",
    title="TikTok Studio follower activity export (active followers by hour)",
    columns={
        "en": {"date": ("Date",), "hour": ("Hour",), "active": ("Active followers",)},
    },
    required=("date", "hour", "active"),
    normalize=normalize_follower_activity,
)


# --- FollowerGender, FollowerTopTerritories ---------------------------------------------------


def _audience(
    name: str, dimension: str, bucket: pl.Expr
) -> Callable[[ParsedInput, IngestContext], Normalized]:
    """A normalizer for one follower breakdown (bucket, Distribution) into `core.audience`."""

    def normalize(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
        account = hinted_account(ctx, "tiktok")
        as_of, note = snapshot_date(ctx.source_name, ctx.as_of)
        share_header = parsed.headers["share"]
        frame = parse_fields(_undefined_as_empty(parsed), {"share": PERCENT})
        frame = frame.with_columns(bucket.alias("bucket"))
        frame = require(frame, pl.col("bucket") != "", f"no {dimension}")
        frame = require(frame, pl.col("share").is_not_null(), f"no share in '{share_header}'")
        frame = require(
            frame,
            pl.col("share").is_null() | pl.col("share").is_between(0, 1),
            f"column '{share_header}' is not a share between 0 and 100%",
        )
        kept, quarantine = split_quarantine(frame)
        kept, duplicates = drop_duplicate_keys(kept, ["bucket"])
        audience = kept.with_columns(
            pl.lit("tiktok").alias("platform"),
            pl.lit(account.account_id).alias("account_id"),
            pl.lit(as_of).alias("as_of_date"),
            pl.lit("followers").alias("measure"),
            pl.lit(dimension).alias("dimension"),
            pl.lit(None, pl.Float64).alias("value"),
        )
        return assemble(
            name,
            "tiktok",
            parsed,
            kept,
            quarantine,
            {
                "account": account_frame([account]),
                "audience": conform(audience, AUDIENCE.columns),
            },
            skipped=duplicates,
            notes=(note,),
        )

    return normalize


FOLLOWER_GENDER = FormatSpec(
    name="tiktok_follower_gender",
    platform="tiktok",
    title="TikTok Studio follower gender export",
    columns={"en": {"bucket": ("Gender",), "share": ("Distribution",)}},
    required=("bucket", "share"),
    normalize=_audience(
        "tiktok_follower_gender", "gender", pl.col("bucket").str.strip_chars().str.to_lowercase()
    ),
)

FOLLOWER_TERRITORIES = FormatSpec(
    name="tiktok_follower_territories",
    platform="tiktok",
    title="TikTok Studio follower top territories export",
    columns={
        "en": {
            "bucket": ("Top territories", "Territory", "Territories", "Country"),
            "share": ("Distribution",),
        }
    },
    required=("bucket", "share"),
    normalize=_audience(
        "tiktok_follower_territories", "country", pl.col("bucket").str.strip_chars()
    ),
)


# --- Content ----------------------------------------------------------------------------------


def _content_ids(frame: pl.DataFrame, headers: dict[str, str]) -> pl.DataFrame:
    """`post_id` from the link (or `Video ID`), with a reason where it is missing or disagrees."""
    link_id = pl.col("link").str.extract(_VIDEO_LINK, 2)
    has_id_column = "video_id" in frame.columns
    given = pl.col("video_id").str.strip_chars() if has_id_column else pl.lit(None, pl.String)
    plain = pl.when(given.str.contains(r"^\d+$")).then(given)
    destroyed = given.str.contains(_SCIENTIFIC).fill_null(False)
    frame = frame.with_columns(
        pl.col("link").str.extract(_VIDEO_LINK, 1).fill_null("").alias("handle"),
        pl.coalesce(link_id, plain).alias("post_id"),
    )
    if has_id_column:
        frame = require(
            frame,
            plain.is_null() | link_id.is_null() | (plain == link_id),
            f"column '{headers['video_id']}' does not match the video in '{headers['link']}'",
        )
        frame = require(
            frame,
            pl.col("post_id").is_not_null() | ~destroyed,
            f"column '{headers['video_id']}' holds a number in scientific notation (a "
            "spreadsheet program rounded the ID): the ID is lost",
        )
    return require(
        frame,
        pl.col("post_id").is_not_null() | destroyed,
        f"no video id in '{headers['link']}'",
    )


def _content_notes(
    kept: pl.DataFrame, headers: dict[str, str], rule: YearRule, snapshot_note: str
) -> tuple[str, ...]:
    """Where the snapshot date and the years of yearless dates came from."""
    if "time" not in headers:
        return (snapshot_note,)
    snapshot = f"snapshot date from column '{headers['time']}'"
    post_source = "the snapshot date (the latest year not after it)"
    return (
        snapshot,
        *_year_note(kept, "time", headers["time"], rule.source),
        *_year_note(kept, "post_time", headers["post_time"], post_source),
    )


def _content_dates(frame: pl.DataFrame, rule: YearRule, fallback: date) -> pl.DataFrame:
    """Add `_as_of` (the row's `Time`, else `fallback`) and `_post_at` (a post time of day).

    `Time` is resolved first because the year of a yearless `Post time` is the latest that puts
    the post on or before the date its totals refer to.
    """
    has_time = "time" in frame.columns
    as_of = _calendar_date(pl.col("time"), pl.lit(rule.reference)) if has_time else pl.lit(None)
    post_time = pl.col("post_time").str.strip_chars()
    return frame.with_columns(
        _yearless("post_time"),
        _yearless("time") if has_time else pl.lit(False).alias("_yearless_time"),
        as_of.cast(pl.Date).fill_null(fallback).alias("_as_of"),
        pl.coalesce(
            post_time.str.strptime(pl.Datetime("us"), fmt, strict=False) for fmt in _ISO_DATETIME
        ).alias("_post_at"),
    )


def normalize_content(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map the Content export to `core.post` and a lifetime `core.post_metrics` snapshot."""
    rule = year_rule(ctx)
    fallback, snapshot_note = snapshot_date(ctx.source_name, ctx.as_of)
    parsed = _undefined_as_empty(parsed)
    frame = _parse(
        replace(parsed, frame=_content_dates(parsed.frame, rule, fallback)),
        {
            **dict.fromkeys(("likes", "comments", "shares", "total_views"), COUNT),
            "time": _date_type(pl.lit(rule.reference)),
            "post_time": _date_type(pl.col("_as_of")),
        },
    )
    frame = _content_ids(frame, parsed.headers)
    frame = require(
        frame, pl.col("post_time").is_not_null(), f"no date in '{parsed.headers['post_time']}'"
    )
    kept, quarantine = split_quarantine(frame)
    kept, duplicates = drop_duplicate_keys(kept, ["post_id"])
    kept, accounts = accounts_by_handle(kept, ctx, "tiktok")
    kept = localize(kept, "_post_at", "_tz", "published_at")
    posts = kept.with_columns(
        pl.lit("tiktok").alias("platform"),
        pl.col("post_time").alias("published_date"),
        pl.lit("video").alias("content_type"),
        pl.col("title").alias("text")
        if "title" in kept.columns
        else pl.lit(None, pl.String).alias("text"),
        pl.col("link").alias("permalink"),
    )
    snapshots = posts.with_columns(
        pl.col("_as_of").alias("as_of_date"),
        pl.col("likes").alias("reactions"),
        pl.col("total_views").alias("video_views"),
    )
    notes = _content_notes(kept, parsed.headers, rule, snapshot_note)
    return assemble(
        "tiktok_content",
        "tiktok",
        parsed,
        kept,
        quarantine,
        {
            "account": account_frame(accounts),
            "post": conform(posts, POST.columns),
            "post_metrics": conform(snapshots, POST_METRICS.columns),
        },
        skipped=duplicates,
        notes=notes,
    )


CONTENT = FormatSpec(
    name="tiktok_content",
    platform="tiktok",
    title="TikTok Studio Content export (video level)",
    columns={
        "en": {
            "time": ("Time",),
            "title": ("Video title",),
            "link": ("Video link",),
            "video_id": ("Video ID",),
            "post_time": ("Post time",),
            "likes": ("Total likes",),
            "comments": ("Total comments",),
            "shares": ("Total shares",),
            "total_views": ("Total views",),
        }
    },
    required=("link", "post_time", "total_views"),
    normalize=normalize_content,
)
