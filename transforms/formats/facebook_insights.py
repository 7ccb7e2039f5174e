"""Facebook Page Insights "Export Data" (the legacy Insights export, 2012-2018), CSV or `.xls`.

Three exports, each downloadable as CSV or as XML Spreadsheet 2003 (`.xls`, split into sheets by
`transforms.container.workbooks`):

- **post level** (and its **video posts** variant): one row per post, lifetime metrics;
- **page level**: one row per day, `Daily`/`Weekly`/`28 Days` variants of each metric side by side,
  lifetime counters (`Lifetime Total Likes`) and demographic breakdowns.

Layout. Row 1 names the metrics, row 2 describes them ("Lifetime: The total number of people your
Page post was served to. (Unique Users)"), data follows. CSV headers are human names, breakdowns
are columns `<Metric> - <key>`; the 2017 `.xls` names metrics by Graph API id
(`post_impressions_unique:lifetime`), so each field lists both names, and moves every breakdown to
a sheet of its own ("Description", "Date" or "Post ID", then one column per key). A breakdown lists
only keys with a non-zero value (as the Graph API does), so an empty breakdown cell of a post that
has insights is 0. Repeated names (`Lifetime Organic Video Views` twice) hold the total count first
and the unique count second (the description row says so); fields take the first.

Time. `Posted` and the hours of "fans online" are Pacific time (PST/PDT), whatever the Page's
timezone: the LOK export says "online in PST/PDT", and VIC (a Swedish page) posts between 23:00
and 07:00 when read any other way. `published_at` is converted from Pacific time; dates are the
account's local dates. Daily rows keep the export's own day label (a Facebook day is a Pacific day
and cannot be re-cut). File names carry the range end exclusively (`... - 2015-08-19 -
2016-02-15.csv` ends on 2016-02-14): the snapshot date of lifetime post metrics is that end minus a
day; a name with a single date is taken as the export date.

Mapping (DECISIONLOG, "Facebook"): posts — impressions = Lifetime Post Total Impressions, reach =
Lifetime Post Total Reach, reactions/comments/shares = Lifetime Post Stories by action type - like /
comment / share (counts of actions, not the unique people of "Talking About This"), clicks =
Lifetime Post Consumptions (in the video export, which lacks it, the sum of Consumptions by type),
link_clicks = Consumptions by type - link clicks, video_views = Lifetime Total Video Views, else
Organic + Paid Video Views, is_paid = Paid Impressions > 0. Pages — followers_total = Lifetime
Total Likes, followers_gained/lost = Daily New Likes / Daily Unlikes, reach = Daily Total Reach,
impressions = Daily Total Impressions, engagements = Daily Page Engaged Users (people, Facebook's
own page engagement figure), profile_visits = Daily Logged-in Page Views (total count),
video_views = Daily Total Video Views, website_clicks = page_website_clicks_logged_in_count:day.
Likes by gender and age, country, city and language become `core.audience` (measure followers;
gender and age are also summed from gender_age), Daily Reach Demographics measure reach, and
"Daily Liked and Online" becomes `core.audience_activity`.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from transforms.canonical.accounts import account_frame, find_account, hinted_account
from transforms.canonical.measures import total
from transforms.canonical.platforms import content_type
from transforms.canonical.schemas import (
    ACCOUNT_DAILY,
    AUDIENCE,
    AUDIENCE_ACTIVITY,
    POST,
    POST_METRICS,
)
from transforms.canonical.typed import (
    COUNT,
    REASON,
    assemble,
    conform,
    date_field,
    datetime_field,
    drop_duplicate_keys,
    parse_fields,
    require,
    split_quarantine,
)
from transforms.context import RAW, Account, IngestContext, Normalized, ParsedInput
from transforms.errors import InputError
from transforms.format_spec import FormatSpec
from transforms.headers import normalize_header
from transforms.values.dates import dates_in_name, local_date, localize, snapshot_date
from transforms.values.numbers import Locale, invalid_number, parse_count

PLATFORM = "facebook"
PACIFIC = "America/Los_Angeles"
_POST_ID = r"^\d+_\d+$"
_POSTED_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")
_DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d")
_SHEET_TRUNCATION = 28  # Excel cuts longer sheet names to 28 characters and "..."


def snapshot_as_of(ctx: IngestContext) -> tuple[date, str]:
    """The as-of date of lifetime metrics: the day before the name's exclusive range end.

    Falls back to `snapshot_date` (single date or none in the name), and never passes the ingest
    date.
    """
    found = dates_in_name(ctx.source_name)
    if len(found) < 2:
        return snapshot_date(ctx.source_name, ctx.as_of)
    last = max(found) - timedelta(days=1)
    return min(last, ctx.as_of), (
        "snapshot date is the day before the file name's end date "
        "(Facebook Insights names the range with an exclusive end)"
    )


def _require_post_id(frame: pl.DataFrame, parsed: ParsedInput) -> pl.DataFrame:
    header = parsed.headers["post_id"]
    return require(
        frame,
        pl.col("post_id").str.strip_chars().str.contains(_POST_ID),
        f"column '{header}' is not a Facebook post id (<page id>_<post id>; a spreadsheet "
        "program may have rounded it)",
    )


# --- post level and video posts ----------------------------------------------------------------

# Breakdown columns of the CSV: field -> column. The `.xls` holds them in sheets of their own.
_POST_BREAKDOWNS = {
    "story_like": "Lifetime Post Stories by action type - like",
    "story_comment": "Lifetime Post Stories by action type - comment",
    "story_share": "Lifetime Post Stories by action type - share",
    "click_link": "Lifetime Post Consumptions by type - link clicks",
    "click_other": "Lifetime Post Consumptions by type - other clicks",
    "click_photo": "Lifetime Post Consumptions by type - photo view",
    "click_video": "Lifetime Post Consumptions by type - video play",
}
_CLICK_TYPES = ("click_link", "click_other", "click_photo", "click_video")

_POST_COLUMNS: dict[Locale, dict[str, tuple[str, ...]]] = {
    "en": {
        "post_id": ("Post ID",),
        "permalink": ("Permalink",),
        "text": ("Post Message",),
        "post_type": ("Type",),
        "posted": ("Posted",),
        "reach": ("Lifetime Post Total Reach", "post_impressions_unique:lifetime"),
        "impressions": ("Lifetime Post Total Impressions", "post_impressions:lifetime"),
        "paid_impressions": ("Lifetime Post Paid Impressions", "post_impressions_paid:lifetime"),
        "consumptions": ("Lifetime Post Consumptions", "post_consumptions:lifetime"),
        "video_views_total": ("Lifetime Total Video Views", "post_video_views:lifetime"),
        "video_views_organic": (
            "Lifetime Organic Video Views",
            "post_video_views_organic:lifetime",
        ),
        "video_views_paid": ("Lifetime Paid Video Views", "post_video_views_paid:lifetime"),
        **{field: (column,) for field, column in _POST_BREAKDOWNS.items()},
    }
}
_POST_TEXT = ("post_id", "permalink", "text", "post_type", "posted")
_POST_COUNTS = tuple(name for name in _POST_COLUMNS["en"] if name not in _POST_TEXT)


def _breakdown(field: str) -> pl.Expr:
    """An empty breakdown cell of a post with insights is 0: exports list non-zero keys only."""
    return pl.when(pl.col("impressions").is_not_null()).then(pl.col(field).fill_null(0))


def _post_measures(columns: list[str]) -> list[pl.Expr]:
    """Canonical post metrics from the fields this export has; absent ones stay absent."""
    renames = {
        "story_like": "reactions",
        "story_comment": "comments",
        "story_share": "shares",
        "click_link": "link_clicks",
    }
    measures = [_breakdown(f).alias(c) for f, c in renames.items() if f in columns]
    if "consumptions" in columns:
        measures.append(pl.col("consumptions").alias("clicks"))
    elif clicks := [f for f in _CLICK_TYPES if f in columns]:
        measures.append(
            pl.when(pl.col("impressions").is_not_null())
            .then(pl.sum_horizontal([_breakdown(f) for f in clicks]))
            .alias("clicks")
        )
    if "video_views_total" in columns:
        measures.append(pl.col("video_views_total").alias("video_views"))
    elif views := [f for f in ("video_views_organic", "video_views_paid") if f in columns]:
        measures.append(total(*views).alias("video_views"))
    return measures


def _post_accounts(ctx: IngestContext, frame: pl.DataFrame) -> dict[str, Account]:
    pages = frame.get_column("page_id").unique(maintain_order=True).to_list()
    return {page: find_account(ctx, PLATFORM, account_id=page) for page in pages}


def normalize_posts(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map the post-level (or video posts) export to `core.post` and a lifetime snapshot."""
    as_of, note = snapshot_as_of(ctx)
    frame = parse_fields(
        parsed,
        {**dict.fromkeys(_POST_COUNTS, COUNT), "posted": datetime_field(*_POSTED_FORMATS)},
    )
    frame = _require_post_id(frame, parsed)
    frame = require(frame, pl.col("posted").is_not_null(), "no publish time")
    kept, quarantine = split_quarantine(frame)
    kept = kept.with_columns(pl.col("post_id").str.strip_chars())
    kept, duplicates = drop_duplicate_keys(kept, ["post_id"])

    kept = kept.with_columns(pl.col("post_id").str.extract(r"^(\d+)_", 1).alias("page_id"))
    accounts = _post_accounts(ctx, kept)
    zones = {page: account.timezone for page, account in accounts.items()}
    kept = kept.with_columns(
        pl.col("page_id").replace_strict(zones, return_dtype=pl.String).alias("_tz"),
        pl.lit(PACIFIC).alias("_pacific"),
    )
    kept = localize(kept, "posted", "_pacific", "published_at")
    kept = local_date("published_at", "_tz", "published_date", kept)
    posts = kept.with_columns(
        pl.lit(PLATFORM).alias("platform"),
        pl.col("page_id").alias("account_id"),
        content_type("post_type")
        if "post_type" in kept.columns
        else pl.lit(None, pl.String).alias("content_type"),
        (pl.col("paid_impressions") > 0).alias("is_paid")
        if "paid_impressions" in kept.columns
        else pl.lit(None, pl.Boolean).alias("is_paid"),
    )
    snapshots = posts.with_columns(pl.lit(as_of).alias("as_of_date"), *_post_measures(kept.columns))
    return assemble(
        "facebook_insights_posts",
        PLATFORM,
        parsed,
        kept,
        quarantine,
        {
            "account": account_frame(list(accounts.values())),
            "post": conform(posts, POST.columns),
            "post_metrics": conform(snapshots, POST_METRICS.columns),
        },
        skipped=duplicates,
        notes=(note, "'Posted' read as Pacific time (PST/PDT), as Facebook Insights writes it"),
    )


POSTS = FormatSpec(
    name="facebook_insights_posts",
    platform=PLATFORM,
    title="Facebook Page Insights export, post level or video posts (legacy, CSV or XLS)",
    columns=_POST_COLUMNS,
    required=("post_id", "posted", "impressions", "reach"),
    normalize=normalize_posts,
    description_rows=1,
)

# Breakdown sheets of the post-level `.xls`: key column -> canonical post metric.
_POST_SHEET_KEYS = {
    "like": "reactions",
    "comment": "comments",
    "share": "shares",
    "link_clicks": "link_clicks",
}


def normalize_post_breakdown(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map a per-post breakdown sheet (stories or consumptions by type) to post metrics.

    The sheet's rows merge with the "Key Metrics" rows of the same posts (same snapshot date).
    """
    as_of, _note = snapshot_as_of(ctx)  # the "Key Metrics" sheet notes it
    frame = parse_fields(parsed, dict.fromkeys(_POST_SHEET_KEYS, COUNT))
    frame = _require_post_id(frame, parsed)
    kept, quarantine = split_quarantine(frame)
    kept = kept.with_columns(pl.col("post_id").str.strip_chars())
    kept, duplicates = drop_duplicate_keys(kept, ["post_id"])
    snapshots = kept.with_columns(
        pl.lit(PLATFORM).alias("platform"),
        pl.lit(as_of).alias("as_of_date"),
        *[
            pl.col(key).fill_null(0).alias(metric)
            for key, metric in _POST_SHEET_KEYS.items()
            if key in kept.columns
        ],
    )
    return assemble(
        "facebook_insights_post_breakdown",
        PLATFORM,
        parsed,
        kept,
        quarantine,
        {"post_metrics": conform(snapshots, POST_METRICS.columns)},
        skipped=duplicates,
    )


POST_BREAKDOWN = FormatSpec(
    name="facebook_insights_post_breakdown",
    platform=PLATFORM,
    title="Facebook Page Insights post-level XLS: stories and consumptions by type sheets",
    columns={
        "en": {
            "description": ("Description",),
            "post_id": ("Post ID",),
            "like": ("like",),
            "comment": ("comment",),
            "share": ("share",),
            "link_clicks": ("link clicks",),
        }
    },
    required=("description", "post_id"),
    normalize=normalize_post_breakdown,
    sheets=tuple(
        name[:_SHEET_TRUNCATION]
        for name in ("Lifetime Post Stories by action type", "Lifetime Post Consumptions by type")
    ),
)


# --- page level --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Breakdown:
    """A demographic or hourly breakdown: a sheet of the `.xls`, `<name> - <key>` in the CSV."""

    name: str
    measure: str  # `core.audience.measure`; "online" goes to `core.audience_activity`
    dimension: str

    def names_sheet(self, sheet: str) -> bool:
        """Whether a (possibly truncated) sheet name is this breakdown's sheet."""
        return normalize_header(sheet).startswith(normalize_header(self.name)[:_SHEET_TRUNCATION])


_BREAKDOWNS = (
    _Breakdown("Lifetime Likes by Gender and Age", "followers", "gender_age"),
    _Breakdown("Lifetime Likes by Country", "followers", "country"),
    _Breakdown("Lifetime Likes by City", "followers", "city"),
    _Breakdown("Lifetime Likes by Language", "followers", "locale"),
    _Breakdown("Daily Reach Demographics", "reach", "gender_age"),
    _Breakdown("Daily Liked and Online", "online", "hour"),
)
_GENDERS = {"F": "female", "M": "male", "U": "unknown"}
_GENDER_AGE = re.compile(r"^([FMU])\.(\S+)$")

_PAGE_DAILY = (
    "followers_gained",
    "followers_lost",
    "engagements",
    "reach",
    "impressions",
    "profile_visits",
    "video_views",
    "website_clicks",
)
_PAGE_COLUMNS: dict[Locale, dict[str, tuple[str, ...]]] = {
    "en": {
        "date": ("Date",),
        "followers_total": ("Lifetime Total Likes", "page_fans:lifetime"),
        "followers_gained": ("Daily New Likes", "page_fan_adds_unique:day"),
        "followers_lost": ("Daily Unlikes", "page_fan_removes_unique:day"),
        "engagements": ("Daily Page Engaged Users", "page_engaged_users:day"),
        "reach": ("Daily Total Reach", "page_impressions_unique:day"),
        "impressions": ("Daily Total Impressions", "page_impressions:day"),
        "profile_visits": ("Daily Logged-in Page Views", "page_views_logged_in_total:day"),
        "video_views": ("Daily Total Video Views", "page_video_views:day"),
        "website_clicks": ("page_website_clicks_logged_in_count:day",),
    }
}


def _cells(
    parsed: ParsedInput, pick: Callable[[str], tuple[_Breakdown, str] | None]
) -> pl.DataFrame:
    """Non-empty breakdown cells as a long frame (_row, breakdown, column, bucket, text).

    Breakdown columns are named by their keys (a city, an hour), so no header alias can declare
    them: they are read from each row's original record (`_raw`).
    """
    records = parsed.frame.get_column(RAW).to_list()
    picked = {c: p for c in (records[0] if records else {}) if (p := pick(c)) is not None}
    cells = [
        (row, breakdown.name, column, bucket, record[column])
        for row, record in zip(parsed.frame.get_column("_row"), records, strict=True)
        for column, (breakdown, bucket) in picked.items()
        if record[column].strip()
    ]
    schema = {
        "_row": pl.Int64,
        "breakdown": pl.String,
        "column": pl.String,
        "bucket": pl.String,
        "text": pl.String,
    }
    return pl.DataFrame(cells, schema=schema, orient="row")


def _parse_cells(
    frame: pl.DataFrame, cells: pl.DataFrame, locale: Locale
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Parse cell counts; a cell that is not a whole number quarantines its row, naming it."""
    value = parse_count("text", locale)
    cells = cells.with_columns(
        pl.when(invalid_number("text", value))
        .then(pl.format("column '{}': '{}' is not a whole number", "column", "text"))
        .alias("_cell_reason"),
        value.alias("value"),
    )
    reasons = (
        cells.filter(pl.col("_cell_reason").is_not_null())
        .group_by("_row", maintain_order=True)
        .agg(pl.col("_cell_reason").str.join("; "))
    )
    frame = frame.join(reasons, on="_row", how="left").with_columns(
        pl.concat_str([REASON, "_cell_reason"], separator="; ", ignore_nulls=True).alias(REASON)
    )
    frame = frame.with_columns(pl.when(pl.col(REASON) != "").then(pl.col(REASON)).alias(REASON))
    return frame.drop("_cell_reason"), cells.drop("_cell_reason")


def _gender_age(cells: pl.DataFrame) -> pl.DataFrame:
    """`F.25-34` buckets as `female|25-34`, plus gender and age totals summed from them."""
    pairs = cells.filter(pl.col("dimension") == "gender_age")
    for column, bucket in pairs.select("column", "bucket").unique().iter_rows():
        if not _GENDER_AGE.match(bucket):
            raise InputError(f"column '{column}': '{bucket}' is not a gender.age bucket (F.25-34)")
    split = pl.col("bucket").str.extract_groups(_GENDER_AGE.pattern)
    pairs = pairs.with_columns(
        split.struct.field("1").replace_strict(_GENDERS).alias("gender"),
        split.struct.field("2").alias("age"),
    )
    keys = ["account_id", "as_of_date", "measure"]
    parts = [
        pairs.with_columns(pl.format("{}|{}", "gender", "age").alias("bucket")),
        *[
            pairs.group_by([*keys, part], maintain_order=True)
            .agg(pl.col("value").sum())
            .with_columns(pl.lit(part).alias("dimension"), pl.col(part).alias("bucket"))
            for part in ("gender", "age")
        ],
    ]
    others = cells.filter(pl.col("dimension") != "gender_age")
    columns = [*keys, "dimension", "bucket", "value"]
    return pl.concat([part.select(columns) for part in [*parts, others]])


def _activity(cells: pl.DataFrame, account: Account) -> tuple[pl.DataFrame, str | None]:
    """Fans online per Pacific hour, moved to the account's local date, weekday and hour.

    Where a clock changes (the account's going back, or Pacific time skipping an hour that the
    export still lists), two source hours fall on one local hour: the later is kept, and noted.
    """
    hours = cells.with_columns(pl.col("bucket").cast(pl.Int32, strict=False).alias("hour"))
    bad = hours.filter(~pl.col("hour").is_between(0, 23).fill_null(False))
    if bad.height:
        raise InputError(f"column '{bad['column'][0]}': not an hour of the day (0-23)")
    hours = hours.with_columns(
        (pl.col("as_of_date").cast(pl.Datetime("us")) + pl.duration(hours="hour")).alias("_at"),
        pl.lit(PACIFIC).alias("_pacific"),
    )
    local = localize(hours, "_at", "_pacific", "_utc").with_columns(
        pl.col("_utc").dt.convert_time_zone(account.timezone).alias("_local")
    )
    activity = local.select(
        pl.lit(PLATFORM).alias("platform"),
        pl.lit(account.account_id).alias("account_id"),
        pl.col("_local").dt.date().alias("as_of_date"),
        pl.col("_local").dt.weekday().cast(pl.Int32).alias("day_of_week"),
        pl.col("_local").dt.hour().cast(pl.Int32).alias("hour"),
        pl.col("value").alias("online_followers"),
    )
    unique = activity.unique(list(AUDIENCE_ACTIVITY.key), keep="last", maintain_order=True)
    merged = activity.height - unique.height
    note = (
        f"{merged} fans-online hour(s) fell on a clock change into an hour already listed "
        f"in {account.timezone}: the later value is kept"
        if merged
        else None
    )
    return conform(unique, AUDIENCE_ACTIVITY.columns), note


def _breakdown_tables(
    cells: pl.DataFrame, dates: pl.DataFrame, account: Account
) -> tuple[dict[str, pl.DataFrame], tuple[str, ...]]:
    """`core.audience` and `core.audience_activity` from the cells of the loaded rows."""
    kinds = pl.DataFrame(
        [(b.name, b.measure, b.dimension) for b in _BREAKDOWNS],
        schema=["breakdown", "measure", "dimension"],
        orient="row",
    )
    cells = (
        cells.join(dates, on="_row")
        .join(kinds, on="breakdown")
        .with_columns(
            pl.col("date").alias("as_of_date"), pl.lit(account.account_id).alias("account_id")
        )
    )
    audience = _gender_age(cells.filter(pl.col("measure") != "online")).with_columns(
        pl.lit(PLATFORM).alias("platform"), pl.col("value").cast(pl.Float64)
    )
    activity, note = _activity(cells.filter(pl.col("measure") == "online"), account)
    tables = {"audience": conform(audience, AUDIENCE.columns), "audience_activity": activity}
    return tables, (note,) if note else ()


def _csv_breakdown(column: str) -> tuple[_Breakdown, str] | None:
    name, separator, bucket = column.partition(" - ")
    if not separator:
        return None
    folded = normalize_header(name)
    for breakdown in _BREAKDOWNS:
        if normalize_header(breakdown.name) == folded:
            return breakdown, bucket
    return None


def _skip_unmeasured_tail(frame: pl.DataFrame) -> tuple[pl.DataFrame, int, str | None]:
    """Skip the last days whose every daily metric is 0: not yet computed at export time.

    The LOK export ends with such a day (all daily values 0, the like count repeated); loading it
    would report a day without impressions. Zero days inside the range are kept.
    """
    daily = [c for c in _PAGE_DAILY if c in frame.columns]
    if not daily or frame.is_empty():
        return frame, 0, None
    unmeasured = pl.all_horizontal([pl.col(c).fill_null(0) == 0 for c in daily])
    last_measured = frame.filter(~unmeasured).get_column("date").max()
    if not isinstance(last_measured, date):
        return frame, 0, None
    tail = unmeasured & (pl.col("date") > last_measured)
    skipped = frame.filter(tail)
    if skipped.is_empty():
        return frame, 0, None
    note = (
        f"{skipped.height} day(s) after {last_measured} skipped: every daily metric is 0 "
        "(not yet computed when the file was exported)"
    )
    return frame.filter(~tail), skipped.height, note


def normalize_page(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map the page-level daily export (or its "Key Metrics" sheet) to `core.account_daily`.

    Only the `Daily` variant of each metric is read (weekly and 28-day windows are not days); the
    CSV's demographic and fans-online columns become audience tables.
    """
    account = hinted_account(ctx, PLATFORM)
    frame = parse_fields(
        parsed,
        {
            "date": date_field(*_DATE_FORMATS),
            "followers_total": COUNT,
            **dict.fromkeys(_PAGE_DAILY, COUNT),
        },
    )
    frame, cells = _parse_cells(frame, _cells(parsed, _csv_breakdown), parsed.locale)
    frame = require(frame, pl.col("date").is_not_null(), "no date")
    kept, quarantine = split_quarantine(frame)
    kept, duplicates = drop_duplicate_keys(kept, ["date"])
    kept, unmeasured, tail_note = _skip_unmeasured_tail(kept)
    daily = kept.with_columns(
        pl.lit(PLATFORM).alias("platform"), pl.lit(account.account_id).alias("account_id")
    )
    breakdowns, breakdown_notes = _breakdown_tables(cells, kept.select("_row", "date"), account)
    notes = ("daily rows keep Facebook's day (a Pacific-time day)", *breakdown_notes)
    return assemble(
        "facebook_insights_page",
        PLATFORM,
        parsed,
        kept,
        quarantine,
        {
            "account": account_frame([account]),
            "account_daily": conform(daily, ACCOUNT_DAILY.columns),
            **breakdowns,
        },
        skipped=duplicates + unmeasured,
        notes=notes + ((tail_note,) if tail_note else ()),
    )


PAGE = FormatSpec(
    name="facebook_insights_page",
    platform=PLATFORM,
    title="Facebook Page Insights export, page level daily (legacy, CSV or XLS 'Key Metrics')",
    columns=_PAGE_COLUMNS,
    required=("date", "followers_total", "reach", "impressions"),
    normalize=normalize_page,
    description_rows=1,
    reads_column=lambda column: _csv_breakdown(column) is not None,
)


def _sheet_breakdown(sheet: str) -> _Breakdown:
    for breakdown in _BREAKDOWNS:
        if breakdown.names_sheet(sheet):
            return breakdown
    raise InputError(f"sheet '{sheet}' is not a known Facebook Insights breakdown")


def normalize_page_breakdown(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map one breakdown sheet of the page-level `.xls` to audience or activity rows.

    A date without any value in the sheet (the last days, not yet computed) is skipped.
    """
    account = hinted_account(ctx, PLATFORM)
    breakdown = _sheet_breakdown(parsed.sheet)
    fixed = set(parsed.headers.values())
    cells = _cells(parsed, lambda column: None if column in fixed else (breakdown, column))
    frame = parse_fields(parsed, {"date": date_field(*_DATE_FORMATS)})
    frame, cells = _parse_cells(frame, cells, parsed.locale)
    frame = require(frame, pl.col("date").is_not_null(), "no date")
    kept, quarantine = split_quarantine(frame)
    kept, duplicates = drop_duplicate_keys(kept, ["date"])
    valued = kept.get_column("_row").is_in(cells.get_column("_row").implode())
    empty = kept.filter(~valued).height
    kept = kept.filter(valued)
    breakdowns, notes = _breakdown_tables(cells, kept.select("_row", "date"), account)
    if empty:
        notes += (f"sheet '{parsed.sheet}': {empty} date(s) without values skipped",)
    return assemble(
        "facebook_insights_page_breakdown",
        PLATFORM,
        parsed,
        kept,
        quarantine,
        {
            "account": account_frame([account]),
            **breakdowns,
        },
        skipped=duplicates + empty,
        notes=notes,
    )


PAGE_BREAKDOWN = FormatSpec(
    name="facebook_insights_page_breakdown",
    platform=PLATFORM,
    title="Facebook Page Insights page-level XLS: likes by gender/age, country, city, language, "
    "daily reach demographics, fans online",
    columns={"en": {"description": ("Description",), "date": ("Date",)}},
    required=("description", "date"),
    normalize=normalize_page_breakdown,
    sheets=tuple(b.name[:_SHEET_TRUNCATION] for b in _BREAKDOWNS),
)
