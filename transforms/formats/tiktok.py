"""TikTok Studio and TikTok Business Center exports: Overview, Content and the Followers files.

TikTok Studio's "Download data" gives one CSV per table (`Overview.csv`, `Content.csv`,
`FollowerHistory.csv`, `FollowerActivity.csv`, `FollowerGender.csv`,
`FollowerTopTerritories.csv`, `Viewers.csv`) or the same tables as sheets of one XLSX (SheetJS
workbooks store every number as text, read like CSV cells); each is recognised by its header,
whatever its container or sheet name. The Business Center (business accounts) exports the same
kinds with more columns and dates that state their year (`2025/10/31`, posts `2025/10/31 18:19:10`).
Headers are English, but Studio dates follow the interface language and usually have no year
(`April 12`, `28 May`, `8 Juli`, `8 de marzo`, `28 апреля`); newer files and workbook date cells are
ISO. Values TikTok has not computed are written `undefined` (Studio) or `NAN` (Business Center),
`--` where a measure is not available: all read as NULL, never 0.

Month names: read in the language the column's own cells are written in, from CLDR data for every
interface language (`read_named_dates`; Indonesian headers make Indonesian the language); TikTok's
Indonesian spellings `Peb`, `Nop`, `Agus`, `Agt`, `Sept` are known. A name that means different
months in two languages that both read the whole column is not guessed (the row is quarantined).

Year of a date written without one, in the daily tables (Overview, FollowerHistory, Viewers,
FollowerActivity): the table is a run of consecutive days, so its own order pins the years
(`place_daily_run`). With a start and an end date in the file name, each date is the one in that
period and a row outside it is quarantined. Otherwise the last day is the latest of its month and
day on or before the file name's end date, else `ctx.as_of` (the workspace `as_of` or the ingest
date), and each earlier row is the day before the next: a 365-day file ingested months later keeps
its days, and a run across New Year gets two years. Rows out of the run and dates listed twice get
a reason. In Content, `Time` takes the latest year not after the file name's end or as-of date, and
`Post time` the latest not after the row's `Time`. The notes record the language, years and why.

Canonical mapping (DECISIONLOG), account from `--account` unless a video link names it:
- Overview → `core.account_daily`: video_views = Video Views, profile_visits = Profile Views,
  engagements = Likes + Comments + Shares (NULL only when all three are). Business Center adds:
  reach = Reached audience (the account's daily unique reach), followers_gained = New followers and
  followers_lost = Lost followers (when `Lost followers` is there; Studio's own `New followers`
  without it is the net change, can be negative, and is named in the notes as not used),
  website_clicks = Website clicks. Not used, named in the notes: Phone number clicks (no canonical
  column), Leads submission (leads come from ad and web reports), Net growth (= New − Lost).
  These are the account's activity that day, not post metrics, so they never reach
  `core.post_metrics`.
- Business Center followers (Date, New followers, Total followers, Reached audience, Engaged
  audience) → `core.account_daily`: followers_gained = New followers, followers_total = Total
  followers (`--` = NULL), reach = Reached audience; Engaged audience (people, not interactions)
  is named in the notes as not used.
- Content → `core.post` (content_type video; post id from the link's `/video/<id>`, else a plain
  `Video ID`; a `Video ID` a spreadsheet turned into `7.00E+18` is ignored when the link has the
  id, and quarantines the row when it has not) and a `core.post_metrics` snapshot: reactions =
  Total likes / Likes, comments = Total comments / Comments, shares = Total shares / Shares,
  video_views = Total views / Video views (Business Center), saves = Add to Favorites.
  `Time` is the date the totals refer to and becomes `as_of_date`; without it, the file name's
  end date or the ingest date. `Post time` gives `published_date`; `published_at` only when it
  has a time of day (read in the account's timezone).
- FollowerHistory → `core.account_daily.followers_total` = Followers. The difference from the
  previous day is the net change, which the metric layer derives from consecutive totals;
  `followers_gained`/`followers_lost` are gross flows Studio does not export, so they stay NULL.
- Viewers (Date, Total Viewers, New Viewers, Returning Viewers) → `core.account_daily`: reach =
  Total Viewers (unique people who watched the account's videos that day, `undefined` = NULL);
  New / Returning Viewers (a split of it) are named in the notes as not used.
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

from transforms.canonical.accounts import account_frame, accounts_by_handle, hinted_account
from transforms.canonical.measures import total
from transforms.canonical.schemas import AUDIENCE, AUDIENCE_ACTIVITY, POST, POST_METRICS
from transforms.canonical.typed import (
    COUNT,
    PERCENT,
    REASON,
    SIGNED_COUNT,
    FieldType,
    assemble,
    conform,
    drop_duplicate_keys,
    flag,
    parse_fields,
    require,
    split_quarantine,
)
from transforms.context import IngestContext, Normalized, ParsedInput
from transforms.format_spec import FormatSpec
from transforms.formats.daily import finish_daily
from transforms.values.dates import (
    MonthDay,
    dates_in_name,
    latest_on_or_before,
    localize,
    place_daily_run,
    read_named_dates,
    snapshot_date,
)
from transforms.values.numbers import Locale

_STATED_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
)
_ISO_DATETIME = tuple(fmt for fmt in _STATED_FORMATS if "%H" in fmt)
_NOT_AVAILABLE = ("undefined", "nan")
_VIDEO_LINK = r"^https?://(?:www\.|m\.)?tiktok\.com/@([^/?#]+)/video/(\d+)"
_SCIENTIFIC = r"^\s*\d(\.\d+)?[eE]\+?\d+\s*$"


# --- dates, with or without a year ------------------------------------------------------------


@dataclass(frozen=True)
class YearRule:
    """Where the year of dates written without one comes from."""

    reference: date
    start: date | None
    source: str


def year_rule(ctx: IngestContext) -> YearRule:
    """Where yearless dates take their year from: the file name, `--period`, or the as-of date.

    The file name's dates when it has some, else the period given for the input, else the as-of
    date (the workspace `as_of` or today).
    """
    found = dates_in_name(ctx.source_name)
    if found:
        start = min(found) if len(found) > 1 else None
        return YearRule(max(found), start, f"the file name's end date {max(found)}")
    if ctx.period is not None:  # `--period` / the source's period, for a file that names none
        first, last = ctx.period
        return YearRule(last, first, f"the period {first} to {last} given for the input")
    return YearRule(ctx.as_of, None, f"the as-of date {ctx.as_of} (workspace as_of or ingest date)")


@dataclass(frozen=True)
class _DateCells:
    """A date column read cell by cell: parts (or a reason) per row, and the language note."""

    cells: list[str | None]
    parts: list[MonthDay | None]
    reasons: list[str | None]
    notes: tuple[str, ...]


def _stated(texts: set[str]) -> dict[str, MonthDay | None]:
    """The dates that state their year (`2025-04-12`, `2025/10/31 18:19:10`), read at once."""
    unique = pl.Series("text", sorted(texts), dtype=pl.String)
    found = unique.to_frame().select(
        pl.coalesce(
            pl.col("text").str.strptime(pl.Datetime("us"), fmt, strict=False)
            for fmt in _STATED_FORMATS
        )
    )
    return {
        text: MonthDay(moment.month, moment.day, moment.year) if moment is not None else None
        for text, moment in zip(unique.to_list(), found.to_series().to_list(), strict=True)
    }


def _date_cells(frame: pl.DataFrame, column: str, header: str, locale: Locale) -> _DateCells:
    """Read a date column: stated dates, or month names in the language its cells are written in.

    The language is decided for this column from its own cells (`read_named_dates`); Indonesian
    headers make Indonesian the first choice.
    """
    cells: list[str | None] = frame.get_column(column).to_list()
    texts = {cell.strip() for cell in cells if cell and cell.strip()}
    stated = _stated(texts)
    preferred = () if locale == "en" else (locale,)
    named = read_named_dates([text for text, part in stated.items() if part is None], preferred)
    parts: list[MonthDay | None] = []
    reasons: list[str | None] = []
    for cell in cells:
        text = cell.strip() if cell else ""
        part = stated.get(text) or named.read.get(text)
        parts.append(part)
        if part is not None or not text:
            reasons.append(None)
        else:
            reasons.append(named.ambiguous.get(text, f"column '{header}': '{text}' is not a date"))
    return _DateCells(cells, parts, reasons, named.note(header))


def _merge_reasons(*lists: list[str | None]) -> list[str | None]:
    return [next((r for r in row if r is not None), None) for row in zip(*lists, strict=True)]


def _latest_dates(read: _DateCells, references: list[date]) -> tuple[list[date | None], list[int]]:
    """Each cell's date: as stated, else the latest such day on or before its row's reference.

    Not a run: the posts of a Content export are no sequence of days. Also returns the years given
    to dates written without one.
    """
    dates: list[date | None] = []
    years: set[int] = set()
    for part, reference in zip(read.parts, references, strict=True):
        if part is None:
            dates.append(None)
        elif part.year is not None:
            dates.append(date(part.year, part.month, part.day))
        else:
            found = latest_on_or_before(part.month, part.day, reference)
            dates.append(found)
            if found is not None:
                years.add(found.year)
    return dates, sorted(years)


def _years_note(header: str, years: list[int], source: str) -> tuple[str, ...]:
    if not years:
        return ()
    listed = ", ".join(str(year) for year in years)
    return (f"year {listed} of '{header}' dates written without one taken from {source}",)


def _with_dates(
    frame: pl.DataFrame, column: str, dates: list[date | None], reasons: list[str | None]
) -> pl.DataFrame:
    """Replace the text column by its dates and add each row's date reason (if any)."""
    frame = frame.with_columns(
        pl.Series(column, dates, dtype=pl.Date), pl.Series("_date_reason", reasons, pl.String)
    )
    return flag(frame, pl.col("_date_reason").is_not_null(), pl.col("_date_reason")).drop(
        "_date_reason"
    )


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
    """Read the platform's words for a missing value as no value (NULL), not as an error.

    TikTok Studio writes `undefined` for a value it has not computed yet, TikTok Business Center
    `NAN` (and `--`, a placeholder everywhere) for one that is not available.
    """
    fields = [name for name in parsed.frame.columns if not name.startswith("_")]
    frame = parsed.frame.with_columns(
        pl.when(pl.col(name).str.strip_chars().str.to_lowercase().is_in(_NOT_AVAILABLE))
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
    parsed: ParsedInput, ctx: IngestContext, types: dict[str, FieldType], repeats: bool = False
) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """Parse a daily table: `date` placed by its run of days, plus `types`; reasons added.

    With a start and an end date in the file name, a yearless date is the one in that period (a
    period under a year holds each month and day once) and rows outside it are quarantined.
    Otherwise the run of days is anchored on the file name's end date or the as-of date and
    walked back (`place_daily_run`).
    """
    rule = year_rule(ctx)
    header = parsed.headers["date"]
    parsed = _undefined_as_empty(parsed)
    frame = _parse(parsed, types)
    read = _date_cells(frame, "date", header, parsed.locale)
    if rule.start is not None and (rule.reference - rule.start).days < 366:
        dates, years = _latest_dates(read, [rule.reference] * frame.height)
        placed_reasons, notes = read.reasons, _years_note(header, years, rule.source)
    else:
        run = place_daily_run(
            read.parts, read.cells, rule.reference, rule.source, header, repeats=repeats
        )
        dates, placed_reasons, notes = (
            run.dates,
            _merge_reasons(read.reasons, run.reasons),
            run.notes,
        )
    frame = _with_dates(frame, "date", dates, placed_reasons)
    frame = require(frame, pl.col("date").is_not_null(), f"no date in '{header}'")
    return _within_period(frame, "date", rule), (*read.notes, *notes)


def _daily_result(
    name: str,
    parsed: ParsedInput,
    ctx: IngestContext,
    types: dict[str, FieldType],
    measures: list[pl.Expr],
    notes: tuple[str, ...] = (),
) -> Normalized:
    account = hinted_account(ctx, "tiktok")
    frame, date_notes = _daily_dates(parsed, ctx, types)
    loaded = frame.filter(pl.col(REASON).is_null())
    repeated = loaded.height - loaded.get_column("date").n_unique()
    if repeated:
        date_notes += (
            f"{repeated} row(s) repeat a date of '{parsed.headers['date']}' already listed: the "
            "last row of each date is kept, the others are counted as skipped",
        )
    return finish_daily(name, parsed, frame, account, measures, notes=(*date_notes, *notes))


# --- Overview ---------------------------------------------------------------------------------


_OVERVIEW_COUNTS = (
    "video_views",
    "profile_views",
    "likes",
    "comments",
    "shares",
    "reached_audience",
    "new_followers",
    "lost_followers",
    "website",
)
_OVERVIEW_UNUSED = {
    "phone_clicks": "Kunci has no column for clicks on a phone number",
    "leads": "leads are read from ad and web reports, not from account activity",
    "net_growth": "it is New followers minus Lost followers, which are loaded",
}


def _unused(parsed: ParsedInput, unused: dict[str, str]) -> tuple[str, ...]:
    """Notes naming the columns the export has that Kunci reads but does not load, and why."""
    return tuple(
        f"column '{parsed.headers[name]}' not used: {why}"
        for name, why in unused.items()
        if name in parsed.headers
    )


def normalize_overview(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map the daily Overview (Studio or Business Center) to `core.account_daily`."""
    unused = dict(_OVERVIEW_UNUSED)
    measures = [
        pl.col("profile_views").alias("profile_visits"),
        total("likes", "comments", "shares").alias("engagements"),
        *[
            pl.col(field).alias(canonical)
            for field, canonical in (("reached_audience", "reach"), ("website", "website_clicks"))
            if field in parsed.headers
        ],
    ]
    # a day's likes, comments and shares are net changes: deleted ones make them negative
    signed = {"likes", "comments", "shares"}
    if "lost_followers" in parsed.headers:
        measures += [
            pl.col("new_followers").alias("followers_gained"),
            pl.col("lost_followers").alias("followers_lost"),
        ]
    else:  # Studio's own `New followers` is the day's net change (it can be negative)
        signed.add("new_followers")
        unused["new_followers"] = (
            "without 'Lost followers' it is the net change of the day (it can be negative), "
            "which Kunci derives from follower totals"
        )
    return _daily_result(
        "tiktok_overview",
        parsed,
        ctx,
        {name: SIGNED_COUNT if name in signed else COUNT for name in _OVERVIEW_COUNTS},
        measures,
        notes=_unused(parsed, unused),
    )


OVERVIEW = FormatSpec(
    name="tiktok_overview",
    platform="tiktok",
    title="TikTok Studio or Business Center Overview export (daily)",
    columns={
        "en": {
            "date": ("Date",),
            "video_views": ("Video Views",),
            "profile_views": ("Profile Views",),
            "likes": ("Likes",),
            "comments": ("Comments",),
            "shares": ("Shares",),
            "reached_audience": ("Reached audience",),
            "new_followers": ("New followers",),
            "lost_followers": ("Lost followers",),
            "net_growth": ("Net growth",),
            "website": ("Website clicks",),
            "phone_clicks": ("Phone number clicks",),
            "leads": ("Leads submission", "Leads submissions"),
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


def normalize_business_followers(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map Business Center's daily followers table to `core.account_daily`."""
    return _daily_result(
        "tiktok_business_followers",
        parsed,
        ctx,
        dict.fromkeys(("new_followers", "total_followers", "reached_audience"), COUNT),
        [
            pl.col("new_followers").alias("followers_gained"),
            pl.col("total_followers").alias("followers_total"),
            pl.col("reached_audience").alias("reach"),
        ],
        notes=_unused(
            parsed,
            {
                "engaged_audience": "a count of people who interacted, for which Kunci has no "
                "column (engagements count interactions, not people)"
            },
        ),
    )


BUSINESS_FOLLOWERS = FormatSpec(
    name="tiktok_business_followers",
    platform="tiktok",
    title="TikTok Business Center followers export (daily)",
    columns={
        "en": {
            "date": ("Date",),
            "new_followers": ("New followers",),
            "total_followers": ("Total followers",),
            "reached_audience": ("Reached audience",),
            "engaged_audience": ("Engaged audience",),
        }
    },
    required=("date", "new_followers", "total_followers"),
    normalize=normalize_business_followers,
)


# --- Viewers ------------------------------------------------------------------------------------


def normalize_viewers(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map Studio's daily Viewers table to `core.account_daily.reach`.

    `Total Viewers` is the number of unique people who watched the account's videos that day: the
    account's daily reach. `New Viewers` and `Returning Viewers` split it; Kunci has no column for
    either, so they are named in the notes. `undefined` (days before TikTok counted) is NULL.
    """
    return _daily_result(
        "tiktok_viewers",
        parsed,
        ctx,
        dict.fromkeys(("total_viewers", "new_viewers", "returning_viewers"), COUNT),
        [pl.col("total_viewers").alias("reach")],
        notes=_unused(
            parsed,
            {
                "new_viewers": "Kunci has no column for the viewers who had not watched before",
                "returning_viewers": "Kunci has no column for the viewers who had watched before",
            },
        ),
    )


VIEWERS = FormatSpec(
    name="tiktok_viewers",
    platform="tiktok",
    title="TikTok Studio Viewers export (daily total, new and returning viewers)",
    columns={
        "en": {
            "date": ("Date",),
            "total_viewers": ("Total Viewers", "Total viewers"),
            "new_viewers": ("New Viewers", "New viewers"),
            "returning_viewers": ("Returning Viewers", "Returning viewers"),
        }
    },
    required=("date", "total_viewers", "new_viewers"),
    normalize=normalize_viewers,
)


# --- FollowerActivity -------------------------------------------------------------------------


def _hour(column: str, _locale: Locale) -> pl.Expr:
    """An hour of the day, `13` or `13:00`; NULL outside 0-23."""
    hour = pl.col(column).str.strip_chars().str.extract(r"^(\d{1,2})(?::00)?$").cast(pl.Int32)
    return pl.when(hour.is_between(0, 23)).then(hour).alias(column)


def normalize_follower_activity(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map active followers per date and hour to `core.audience_activity`."""
    account = hinted_account(ctx, "tiktok")
    frame, date_notes = _daily_dates(
        parsed, ctx, {"hour": FieldType("whole hour (0-23)", _hour), "active": COUNT}, repeats=True
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
        notes=date_notes,
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


def _year_note(kept: pl.DataFrame, column: str, header: str, source: str) -> tuple[str, ...]:
    """Which years the loaded rows' dates written without one were given, and why."""
    years = kept.filter(pl.col(f"_yearless_{column}")).get_column(column).dt.year().unique()
    return _years_note(header, sorted(years.to_list()), source)


def _content_notes(
    kept: pl.DataFrame, headers: dict[str, str], rule: YearRule, snapshot_note: str
) -> tuple[str, ...]:
    """Where the snapshot date and the years of yearless dates came from."""
    post_source = "the snapshot date (the latest year not after it)"
    post_note = _year_note(kept, "post_time", headers["post_time"], post_source)
    if "time" not in headers:
        return (snapshot_note, *post_note)
    return (
        f"snapshot date from column '{headers['time']}'",
        *_year_note(kept, "time", headers["time"], rule.source),
        *post_note,
    )


def _content_dates(
    frame: pl.DataFrame, headers: dict[str, str], locale: Locale, rule: YearRule, fallback: date
) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """Replace `time` (the date the totals refer to) and `post_time` by dates; add `_as_of`.

    `Time` is resolved first because the year of a yearless `Post time` is the latest that puts
    the post on or before the date its totals refer to. `_post_at` is the post's local time of
    day where the cell gives one.
    """
    notes: tuple[str, ...] = ()
    as_of: list[date] = [fallback] * frame.height
    if "time" in frame.columns:
        times = _date_cells(frame, "time", headers["time"], locale)
        dates, _ = _latest_dates(times, [rule.reference] * frame.height)
        as_of = [found or fallback for found in dates]
        frame = _with_dates(frame, "time", dates, times.reasons).with_columns(
            pl.Series("_yearless_time", [p is not None and p.year is None for p in times.parts])
        )
        notes += times.notes
    posts = _date_cells(frame, "post_time", headers["post_time"], locale)
    dates, _ = _latest_dates(posts, as_of)
    post_time = pl.col("post_time").str.strip_chars()
    frame = frame.with_columns(
        pl.coalesce(
            post_time.str.strptime(pl.Datetime("us"), fmt, strict=False) for fmt in _ISO_DATETIME
        ).alias("_post_at"),
        pl.Series("_as_of", as_of, dtype=pl.Date),
        pl.Series("_yearless_post_time", [p is not None and p.year is None for p in posts.parts]),
    )
    return _with_dates(frame, "post_time", dates, posts.reasons), (*notes, *posts.notes)


def normalize_content(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map the Content export to `core.post` and a lifetime `core.post_metrics` snapshot."""
    rule = year_rule(ctx)
    fallback, snapshot_note = snapshot_date(ctx.source_name, ctx.as_of)
    parsed = _undefined_as_empty(parsed)
    counts: tuple[str, ...] = ("likes", "comments", "shares", "total_views")
    counts += ("saves",) if "saves" in parsed.headers else ()  # never a column of NULLs it lacks
    frame = _parse(parsed, dict.fromkeys(counts, COUNT))
    frame, date_notes = _content_dates(frame, parsed.headers, parsed.locale, rule, fallback)
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
    notes = (*_content_notes(kept, parsed.headers, rule, snapshot_note), *date_notes)
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
    title="TikTok Studio or Business Center Content export (video level)",
    columns={
        "en": {
            "time": ("Time",),
            "title": ("Video title",),
            "link": ("Video link",),
            "video_id": ("Video ID",),
            "post_time": ("Post time",),
            "likes": ("Total likes", "Likes"),
            "comments": ("Total comments", "Comments"),
            "shares": ("Total shares", "Shares"),
            "saves": ("Add to Favorites", "Total favorites", "Favorites"),
            "total_views": ("Total views", "Video views"),
        }
    },
    required=("link", "post_time", "total_views"),
    normalize=normalize_content,
)
