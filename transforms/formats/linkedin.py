"""LinkedIn Page analytics exports: visitors, updates (content) and followers workbooks.

LinkedIn writes one workbook per analytics tab (`.xls`, newer pages `.xlsx`); each sheet is its
own format here, so a workbook that combines tabs (the visitors and updates sheets saved into one
file) loads every sheet it holds. None names the page, so the account comes from
`--account linkedin:<organization id>`. Recognised sheets:

- `Visitor metrics` (daily page views and unique visitors per page) -> `core.account_daily`.
- `Update metrics (aggregated)` (daily organic/sponsored/total update figures) ->
  `core.account_daily`; `Update Engagement` (one row per update) -> `core.post` and one
  `core.post_metrics` snapshot. Both have a description line above the header. The content
  export LinkedIn writes since 2023 names the same sheets `Metrics` and `All posts`, says
  `Reposts` where it said `Shares`, `Post title`/`Post link`/`Post type` where it said `Update …`,
  `Views (excluding off-site video views)` for video views, and adds `Content type` (evidence:
  public parsers of real page exports, e.g. the column lists of the women-in-AI LinkedIn pipeline
  and a TypeScript page-export parser; see the DECISIONLOG).
- `New followers` (daily new followers) -> `core.account_daily`.
- `Location` (a metro area), `Country`, `Job function`, `Seniority`, `Industry`, `Company size`
  with `Total views` (visitors workbook) or `Total followers` (followers workbook) ->
  `core.audience` with measure `visitors` or `followers`.

Mapping (DECISIONLOG, LinkedIn Page analytics):
- profile_visits = `Total page views (total)`: views of every page tab (Overview, Life, Jobs, ...)
  on desktop and mobile. Unique visitors are unique per day and per page, so they are neither
  summed into a column nor stored (no canonical column holds unique page visitors).
- impressions = `Impressions (total)` (organic + sponsored). reach = `Unique impressions (total)`
  where exported; LinkedIn's usual export has only `Unique impressions (organic)`, used as reach
  on days without sponsored impressions and NULL on days with them (organic uniques alone would
  understate the day's reach). engagements = clicks + reactions + comments + shares (totals): the
  sum LinkedIn divides by impressions for its `Engagement rate`. Update clicks are clicks on the
  content, not on the page's website button, so `website_clicks` stays NULL.
- Per update: post_id = the `urn:li:<kind>:<id>` in `Update link` (else the link itself);
  text = `Update title`; is_paid = `Update type` is Sponsored; campaign = `Campaign name`;
  impressions, video_views, clicks, reactions = Likes, comments, shares (Reposts), follows;
  content_type from `Content type` (Image photo, Video video, Text text, Article link,
  Document and Multi-image carousel, anything else other). Rates (CTR, engagement rate) are not
  stored: they derive from the stored counts. `Off-site views` (views of the video embedded
  elsewhere) have no canonical column and are named as not used.
- followers_gained = `Total followers` of `New followers` (sponsored + organic + auto-invited);
  LinkedIn's export has no unfollows nor a follower total, so those stay NULL.

Time: LinkedIn aggregates by UTC day and gives update creation as a UTC date without time
(`Created date`: an Excel serial such as 44008, or text). Dates are stored as given; with no time
of day they cannot be moved to the account's timezone, so a post made near midnight may sit on
the neighbouring local day. `published_at` is NULL. Metric-sheet dates are text `MM/DD/YYYY`.
Demographic sheets carry no date: their as-of date is the file name's end date, else the ingest
date (a sheet is normalized alone, so it cannot read the dates of the workbook's metric sheet).
"""

from collections.abc import Callable, Mapping

import polars as pl

from transforms.canonical.accounts import account_frame, hinted_account
from transforms.canonical.measures import total
from transforms.canonical.schemas import AUDIENCE, POST, POST_METRICS
from transforms.canonical.typed import (
    COUNT,
    assemble,
    conform,
    date_field,
    drop_duplicate_keys,
    parse_fields,
    require,
    split_quarantine,
)
from transforms.context import IngestContext, Normalized, ParsedInput
from transforms.format_spec import FormatSpec
from transforms.formats.daily import finish_daily
from transforms.formats.skipped import skip_every_row
from transforms.headers import normalize_header
from transforms.values.dates import EXCEL_SERIAL, snapshot_date

_DAY = date_field("%m/%d/%Y", "%Y-%m-%d", EXCEL_SERIAL)
_ACTIVITY = r"(urn:li:[A-Za-z]+:\d+)"
_CONTENT_TYPES = {
    "image": "photo",
    "photo": "photo",
    "video": "video",
    "text": "text",
    "article": "link",
    "link": "link",
    "document": "carousel",
    "multi-image": "carousel",
    "multiple images": "carousel",
    "carousel": "carousel",
}

# Folded header of a demographic sheet's first column -> canonical audience dimension.
_DIMENSIONS = {
    "location": "city",
    "country": "country",
    "job function": "job_function",
    "seniority": "seniority",
    "industry": "industry",
    "company size": "company_size",
}
_DEMOGRAPHIC_SHEETS = (
    "Location",
    "Country",
    "Job function",
    "Seniority",
    "Industry",
    "Company size",
)

_UPDATE_METRIC_COLUMNS = {
    "date": ("Date",),
    "impressions": ("Impressions (total)",),
    "sponsored_impressions": ("Impressions (sponsored)",),
    "unique_organic": ("Unique impressions (organic)",),
    "unique_total": ("Unique impressions (total)",),
    "clicks": ("Clicks (total)",),
    "reactions": ("Reactions (total)",),
    "comments_total": ("Comments (total)",),
    "shares_total": ("Shares (total)", "Reposts (total)"),
}
_UPDATE_COUNTS = tuple(name for name in _UPDATE_METRIC_COLUMNS if name != "date")


def _daily(
    parsed: ParsedInput,
    ctx: IngestContext,
    name: str,
    counts: tuple[str, ...],
    measures: Callable[[pl.DataFrame], Mapping[str, pl.Expr]],
) -> Normalized:
    """Parse a daily LinkedIn sheet and map it to `core.account_daily` with `measures`."""
    account = hinted_account(ctx, "linkedin")
    frame = parse_fields(parsed, {**dict.fromkeys(counts, COUNT), "date": _DAY})
    frame = require(frame, pl.col("date").is_not_null(), "no date")
    named = [expr.alias(column) for column, expr in measures(frame).items()]
    return finish_daily(name, parsed, frame, account, named)


def normalize_visitors(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map `Visitor metrics` to `core.account_daily.profile_visits` (all page views)."""
    return _daily(
        parsed,
        ctx,
        "linkedin_visitors",
        ("page_views",),
        lambda _frame: {"profile_visits": pl.col("page_views")},
    )


def _update_measures(frame: pl.DataFrame) -> dict[str, pl.Expr]:
    organic_only = (
        pl.col("sponsored_impressions").fill_null(0) == 0
        if "sponsored_impressions" in frame.columns
        else pl.lit(True)
    )
    reach = pl.when(organic_only).then(_column(frame, "unique_organic"))
    return {
        "impressions": pl.col("impressions"),
        "reach": pl.coalesce(_column(frame, "unique_total"), reach),
        "engagements": total("clicks", "reactions", "comments_total", "shares_total"),
    }


def _column(frame: pl.DataFrame, name: str) -> pl.Expr:
    return pl.col(name) if name in frame.columns else pl.lit(None, pl.Int64)


def normalize_update_metrics(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map `Update metrics (aggregated)` to `core.account_daily` (impressions, reach, ...)."""
    return _daily(
        parsed,
        ctx,
        "linkedin_update_metrics",
        _UPDATE_COUNTS,
        _update_measures,
    )


def normalize_new_followers(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map `New followers` to `core.account_daily.followers_gained`."""
    return _daily(
        parsed,
        ctx,
        "linkedin_new_followers",
        ("sponsored", "organic", "auto_invited", "total"),
        lambda _frame: {"followers_gained": pl.col("total")},
    )


def normalize_updates(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map `Update Engagement` to `core.post` and one lifetime `core.post_metrics` snapshot.

    When an API source loads the Page's posts, every row is skipped instead: the API's share/
    ugcPost URNs and the export's activity URNs name the same posts differently.
    """
    account = hinted_account(ctx, "linkedin")
    api_source = ctx.posts_api_source(account)
    if api_source is not None:
        reason = (
            f"sheet '{parsed.sheet}': {parsed.frame.height} post rows skipped: the posts of "
            f"linkedin:{account.account_id} are loaded by API source '{api_source}', whose "
            "share/ugcPost ids no documented mapping joins to this export's activity ids "
            "(loaded from both, every post would count twice)"
        )
        return skip_every_row("linkedin_updates", "linkedin", parsed, (reason,))
    as_of, note = snapshot_date(ctx.source_name, ctx.as_of)
    counts = ("impressions", "video_views", "clicks", "likes", "comments", "shares", "follows")
    frame = parse_fields(parsed, {**dict.fromkeys(counts, COUNT), "created": _DAY})
    link = pl.col("link").str.strip_chars()
    frame = frame.with_columns(
        pl.coalesce(link.str.extract(_ACTIVITY, 1), link).alias("post_id"),
    )
    frame = require(frame, pl.col("post_id") != "", "no update link")
    frame = require(frame, pl.col("created").is_not_null(), "no created date")
    kept, quarantine = split_quarantine(frame)
    kept, duplicates = drop_duplicate_keys(kept, ["post_id"])
    posts = kept.with_columns(
        pl.lit("linkedin").alias("platform"),
        pl.lit(account.account_id).alias("account_id"),
        pl.col("created").alias("published_date"),
        _optional_text(kept, "title").alias("text"),
        link.alias("permalink"),
        _optional_text(kept, "update_type").str.to_lowercase().eq("sponsored").alias("is_paid"),
        _optional_text(kept, "campaign_name").alias("campaign"),
        *([_content_type(kept).alias("content_type")] if "content_type" in kept.columns else []),
    )
    snapshots = posts.with_columns(
        pl.lit(as_of).alias("as_of_date"), pl.col("likes").alias("reactions")
    )
    return assemble(
        "linkedin_updates",
        "linkedin",
        parsed,
        kept,
        quarantine,
        {
            "account": account_frame([account]),
            "post": conform(posts, POST.columns),
            "post_metrics": conform(snapshots, POST_METRICS.columns),
        },
        skipped=duplicates,
        notes=(note,),
    )


def _content_type(frame: pl.DataFrame) -> pl.Expr:
    """LinkedIn's `Content type` as a canonical content type (NULL where a cell is empty)."""
    text = _optional_text(frame, "content_type").str.to_lowercase()
    return pl.when(text.is_not_null()).then(
        text.replace_strict(_CONTENT_TYPES, default="other", return_dtype=pl.String)
    )


def _optional_text(frame: pl.DataFrame, name: str) -> pl.Expr:
    """A free-text column with LinkedIn's empty cells read as NULL."""
    if name not in frame.columns:
        return pl.lit(None, pl.String)
    text = pl.col(name).str.strip_chars()
    return pl.when(text != "").then(text)


def _normalize_demographics(measure: str) -> Callable[[ParsedInput, IngestContext], Normalized]:
    def normalize(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
        """Map one demographic sheet to `core.audience` (one row per bucket)."""
        account = hinted_account(ctx, "linkedin")
        as_of, note = snapshot_date(ctx.source_name, ctx.as_of)
        dimension = _DIMENSIONS[normalize_header(parsed.headers["bucket"])]
        frame = parse_fields(parsed, {"value": COUNT})
        frame = frame.with_columns(pl.col("bucket").str.strip_chars())
        frame = require(frame, pl.col("bucket") != "", f"no {parsed.headers['bucket']}")
        kept, quarantine = split_quarantine(frame)
        kept, duplicates = drop_duplicate_keys(kept, ["bucket"])
        audience = kept.with_columns(
            pl.lit("linkedin").alias("platform"),
            pl.lit(account.account_id).alias("account_id"),
            pl.lit(as_of).alias("as_of_date"),
            pl.lit(measure).alias("measure"),
            pl.lit(dimension).alias("dimension"),
        )
        return assemble(
            f"linkedin_{measure}_demographics",
            "linkedin",
            parsed,
            kept,
            quarantine,
            {
                "account": account_frame([account]),
                "audience": conform(audience, AUDIENCE.columns),
            },
            skipped=duplicates,
            notes=(f"{dimension}: {note}",),
        )

    return normalize


VISITORS = FormatSpec(
    name="linkedin_visitors",
    platform="linkedin",
    title="LinkedIn Page visitors export (Visitor metrics)",
    columns={"en": {"date": ("Date",), "page_views": ("Total page views (total)",)}},
    required=("date", "page_views"),
    normalize=normalize_visitors,
)

UPDATE_METRICS = FormatSpec(
    name="linkedin_update_metrics",
    platform="linkedin",
    title="LinkedIn Page updates export (Update metrics (aggregated))",
    columns={"en": _UPDATE_METRIC_COLUMNS},
    required=("date", "impressions", "clicks", "reactions", "comments_total", "shares_total"),
    normalize=normalize_update_metrics,
)

UPDATES = FormatSpec(
    name="linkedin_updates",
    platform="linkedin",
    title="LinkedIn Page content export (Update Engagement or All posts, one row per post)",
    columns={
        "en": {
            "title": ("Update title", "Post title"),
            "link": ("Update link", "Post link"),
            "update_type": ("Update type", "Post type"),
            "campaign_name": ("Campaign name",),
            "created": ("Created date",),
            "content_type": ("Content type",),
            "impressions": ("Impressions",),
            "video_views": ("Video views", "Views (excluding off-site video views)"),
            "clicks": ("Clicks",),
            "likes": ("Likes", "Reactions"),
            "comments": ("Comments",),
            "shares": ("Shares", "Reposts"),
            "follows": ("Follows",),
        }
    },
    required=("title", "link", "created", "impressions"),
    normalize=normalize_updates,
)

NEW_FOLLOWERS = FormatSpec(
    name="linkedin_new_followers",
    platform="linkedin",
    title="LinkedIn Page followers export (New followers)",
    columns={
        "en": {
            "date": ("Date",),
            "sponsored": ("Sponsored followers",),
            "organic": ("Organic followers",),
            "auto_invited": ("Auto-invited followers",),
            "total": ("Total followers",),
        }
    },
    required=("date", "organic", "total"),
    normalize=normalize_new_followers,
)


def _demographics_spec(measure: str, value_header: str, export: str) -> FormatSpec:
    return FormatSpec(
        name=f"linkedin_{measure}_demographics",
        platform="linkedin",
        title=f"LinkedIn Page {export} export, demographic sheets ({value_header})",
        columns={"en": {"bucket": _DEMOGRAPHIC_SHEETS, "value": (value_header,)}},
        required=("bucket", "value"),
        normalize=_normalize_demographics(measure),
        sheets=_DEMOGRAPHIC_SHEETS,
    )


VISITOR_DEMOGRAPHICS = _demographics_spec("visitors", "Total views", "visitors")
FOLLOWER_DEMOGRAPHICS = _demographics_spec("followers", "Total followers", "followers")
