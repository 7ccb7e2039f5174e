"""Meta Business Suite exports: Instagram content and per-metric charts, Facebook content.

Content export: one row per post with lifetime metrics (`Date` = `Lifetime`); since 2025 `Views`
replaced `Impressions`, and both are kept as separate canonical columns. The Indonesian interface
exports the same layout with translated headers and Indonesian number grouping (`1.234`).

Insight chart export (Insights > Overview > download): `sep=,`, a title line naming the metric (for
example `Instagram reach` / `Jangkauan Instagram`), then `Date,Primary` rows, one per day.

Facebook content export: the same export for a Facebook Page (`Page ID`, `Page name`, `Reactions`,
`Total clicks`), often UTF-16 with a `sep=,` line; see its section below.
"""

import re
from dataclasses import replace

import polars as pl

from transforms.accounts import account_frame, find_account, hinted_account
from transforms.context import Account, IngestContext, Normalized, ParsedInput
from transforms.dates import localize, snapshot_date
from transforms.detect import FormatSpec
from transforms.errors import InputError
from transforms.formats.daily import finish_daily
from transforms.numbers import Locale
from transforms.platforms import content_type
from transforms.schemas import POST, POST_METRICS
from transforms.tabular import normalize_header
from transforms.typed import (
    COUNT,
    DECIMAL,
    assemble,
    conform,
    date_field,
    datetime_field,
    drop_duplicate_keys,
    parse_fields,
    require,
    split_quarantine,
)

_CONTENT_COLUMNS: dict[Locale, dict[str, tuple[str, ...]]] = {
    "en": {
        "post_id": ("Post ID",),
        "account_id": ("Account ID",),
        "handle": ("Account username",),
        "account_name": ("Account name",),
        "text": ("Description",),
        "published": ("Publish time",),
        "permalink": ("Permalink",),
        "post_type": ("Post type",),
        "period": ("Date",),
        "views": ("Views",),
        "impressions": ("Impressions",),
        "reach": ("Reach",),
        "reactions": ("Likes",),
        "shares": ("Shares",),
        "follows": ("Follows",),
        "comments": ("Comments",),
        "saves": ("Saves",),
        "profile_visits": ("Profile visits",),
    },
    "id": {
        "post_id": ("ID Postingan", "ID Kiriman"),
        "account_id": ("ID Akun",),
        "handle": ("Nama pengguna akun",),
        "account_name": ("Nama akun",),
        "text": ("Deskripsi", "Keterangan"),
        "published": ("Waktu publikasi", "Waktu dipublikasikan"),
        "permalink": ("Permalink", "Tautan permanen"),
        "post_type": ("Jenis postingan", "Jenis kiriman"),
        "period": ("Tanggal",),
        "views": ("Tayangan",),
        "impressions": ("Impresi",),
        "reach": ("Jangkauan",),
        "reactions": ("Suka",),
        "shares": ("Dibagikan", "Bagikan", "Berbagi"),
        "follows": ("Mengikuti", "Ikuti", "Pengikut baru"),
        "comments": ("Komentar",),
        "saves": ("Disimpan", "Simpan"),
        "profile_visits": ("Kunjungan profil",),
    },
}

_COUNTS = (
    "views",
    "impressions",
    "reach",
    "reactions",
    "shares",
    "follows",
    "comments",
    "saves",
    "profile_visits",
)
_PUBLISH_FORMATS = ("%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")
_SCIENTIFIC = r"^\d(\.\d+)?[eE]\+?\d+$"


def _account_for(ctx: IngestContext, row: dict[str, str | None]) -> Account:
    account_id = row.get("account_id")
    if account_id is not None and re.fullmatch(_SCIENTIFIC, account_id):
        account_id = None
    account = find_account(ctx, "instagram", account_id=account_id, handle=row.get("handle"))
    if account.account_name is None and row.get("account_name"):
        account = replace(account, account_name=row["account_name"])
    return account


def normalize_content(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map the content export to `core.post` and one `core.post_metrics` snapshot per post."""
    as_of, note = snapshot_date(ctx.source_name, ctx.as_of)
    frame = parse_fields(
        parsed,
        {
            **dict.fromkeys(_COUNTS, COUNT),
            "published": datetime_field(*_PUBLISH_FORMATS),
        },
    )
    frame = require(
        frame,
        ~pl.col("post_id").str.contains(_SCIENTIFIC),
        f"column '{parsed.headers['post_id']}' holds a number in scientific notation (a "
        "spreadsheet program rounded the ID): the ID is lost, re-export without opening "
        "the file in a spreadsheet",
    )
    frame = require(frame, pl.col("post_id").str.strip_chars() != "", "no post ID")
    frame = require(frame, pl.col("published").is_not_null(), "no publish time")
    kept, quarantine = split_quarantine(frame)
    kept, duplicates = drop_duplicate_keys(kept, ["post_id"])

    identity = [c for c in ("account_id", "handle", "account_name") if c in kept.columns]
    accounts = {
        tuple(row.values()): _account_for(ctx, row)
        for row in kept.select(identity).unique(maintain_order=True).iter_rows(named=True)
    }
    account_rows = pl.DataFrame(
        [
            {**dict(zip(identity, key, strict=True)), "_account": a.account_id, "_tz": a.timezone}
            for key, a in accounts.items()
        ],
        schema={**dict.fromkeys(identity, pl.String), "_account": pl.String, "_tz": pl.String},
    )
    kept = kept.join(account_rows, on=identity, how="left", nulls_equal=True)
    kept = localize(kept, "published", "_tz", "published_at")
    posts = kept.with_columns(
        pl.lit("instagram").alias("platform"),
        pl.col("_account").alias("account_id"),
        pl.col("post_id").str.strip_chars(),
        content_type("post_type") if "post_type" in kept.columns else pl.lit(None, pl.String),
        pl.col("published").dt.date().alias("published_date"),
    )
    snapshots = posts.with_columns(pl.lit(as_of).alias("as_of_date"))
    return assemble(
        "meta_business_suite_content",
        "instagram",
        parsed,
        kept,
        quarantine,
        {
            "account": account_frame(list(accounts.values())),
            "post": conform(posts, POST.columns),
            "post_metrics": conform(snapshots, POST_METRICS.columns),
        },
        skipped=duplicates,
        notes=(note,),
    )


CONTENT = FormatSpec(
    name="meta_business_suite_content",
    platform="instagram",
    title="Meta Business Suite Instagram content export",
    columns=_CONTENT_COLUMNS,
    required=("post_id", "published", "permalink", "reach"),
    normalize=normalize_content,
)

# Chart titles of the per-metric insight export, folded, mapped to `core.account_daily` columns.
_INSIGHT_METRICS = {
    "instagram reach": "reach",
    "jangkauan instagram": "reach",
    "instagram followers": "followers_total",
    "pengikut instagram": "followers_total",
    "instagram follows": "followers_gained",
    "instagram new follows": "followers_gained",
    "mengikuti instagram": "followers_gained",
    "instagram unfollows": "followers_lost",
    "berhenti mengikuti instagram": "followers_lost",
    "instagram profile visits": "profile_visits",
    "kunjungan profil instagram": "profile_visits",
    "instagram link clicks": "website_clicks",
    "klik tautan instagram": "website_clicks",
    "instagram views": "views",
    "tayangan instagram": "views",
    "instagram impressions": "impressions",
    "impresi instagram": "impressions",
}


def _insight_metric(parsed: ParsedInput) -> str:
    for record in parsed.preamble:
        for cell in record:
            metric = _INSIGHT_METRICS.get(normalize_header(cell))
            if metric:
                return metric
    titles = [cell for record in parsed.preamble for cell in record if cell.strip()]
    raise InputError(
        f"Meta insights chart export with an unknown metric title {titles[-1:] or ['(none)']}; "
        f"known titles: {', '.join(sorted({k for k in _INSIGHT_METRICS if 'instagram' in k}))}"
    )


def normalize_insight(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map one daily metric chart to `core.account_daily`, providing only that metric's column."""
    metric = _insight_metric(parsed)
    account = hinted_account(ctx, "instagram")
    frame = parse_fields(
        parsed,
        {
            "date": date_field("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%m/%d/%Y"),
            "value": COUNT,
        },
    )
    frame = require(frame, pl.col("date").is_not_null(), "no date")
    return finish_daily(
        "meta_business_suite_insight",
        parsed,
        frame,
        account,
        [pl.col("value").alias(metric)],
        notes=(f"metric chart '{metric}'",),
    )


INSIGHT = FormatSpec(
    name="meta_business_suite_insight",
    platform="instagram",
    title="Meta Business Suite Instagram insight chart export (Date, Primary)",
    columns={
        "en": {"date": ("Date",), "value": ("Primary",)},
        "id": {"date": ("Tanggal",), "value": ("Utama",)},
    },
    required=("date", "value"),
    normalize=normalize_insight,
)


# --- Facebook content export ---------------------------------------------------------------------
#
# Meta Business Suite > Insights > Content > Export, Facebook: one row per post with lifetime
# metrics (`Date` = `Lifetime`), `Page ID` and `Page name` naming the account. Post ids are written
# without the page (`122158…`); `core.post.post_id` for Facebook is the Graph API id
# `<page id>_<post id>`, as the legacy Insights export and the API write it, so a post is one row
# whichever source loaded it. Mapping (DECISIONLOG, Facebook): views = Views, impressions =
# Impressions (before 2025), reach = Reach, reactions / comments / shares = Reactions / Comments /
# Shares, clicks = Total clicks, link_clicks = Link clicks, watch_time_seconds = Seconds viewed.
# Only English headers are known: an Indonesian export is not recognised rather than guessed.

_FACEBOOK_COUNTS = (
    "views",
    "impressions",
    "reach",
    "reactions",
    "comments",
    "shares",
    "clicks",
    "link_clicks",
)


def _facebook_post_id() -> pl.Expr:
    """The Graph API post id: the page id, `_`, the post id (kept when already combined)."""
    post = pl.col("post_id").str.strip_chars()
    combined = pl.format("{}_{}", pl.col("page_id").str.strip_chars(), post)
    return pl.when(post.str.contains("_")).then(post).otherwise(combined).alias("post_id")


def _facebook_accounts(ctx: IngestContext, frame: pl.DataFrame) -> dict[str, Account]:
    names = frame.select("page_id", "page_name" if "page_name" in frame.columns else pl.lit(None))
    accounts = {}
    for page_id, page_name in names.unique("page_id", maintain_order=True).iter_rows():
        account = find_account(ctx, "facebook", account_id=page_id)
        if account.account_name is None and page_name:
            account = replace(account, account_name=page_name)
        accounts[page_id] = account
    return accounts


def normalize_facebook_content(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map the Facebook content export to `core.post` and one lifetime snapshot per post."""
    as_of, note = snapshot_date(ctx.source_name, ctx.as_of)
    frame = parse_fields(
        parsed,
        {
            **dict.fromkeys(_FACEBOOK_COUNTS, COUNT),
            "watch_time_seconds": DECIMAL,
            "published": datetime_field(*_PUBLISH_FORMATS),
        },
    )
    for field in ("post_id", "page_id"):
        frame = require(
            frame,
            pl.col(field).str.strip_chars().str.contains(r"^\d+(_\d+)?$"),
            f"column '{parsed.headers[field]}' is not a numeric id (a spreadsheet program may "
            "have rounded it to scientific notation): the ID is lost, re-export without opening "
            "the file in a spreadsheet",
        )
    frame = require(frame, pl.col("published").is_not_null(), "no publish time")
    kept, quarantine = split_quarantine(frame)
    kept = kept.with_columns(_facebook_post_id(), pl.col("page_id").str.strip_chars())
    kept, duplicates = drop_duplicate_keys(kept, ["post_id"])

    accounts = _facebook_accounts(ctx, kept)
    zones = {page: account.timezone for page, account in accounts.items()}
    kept = kept.with_columns(
        pl.col("page_id").replace_strict(zones, return_dtype=pl.String).alias("_tz")
    )
    kept = localize(kept, "published", "_tz", "published_at")
    text = pl.col("description") if "description" in kept.columns else pl.lit(None, pl.String)
    if "title" in kept.columns:
        text = pl.when(text.str.strip_chars() != "").then(text).otherwise(pl.col("title"))
    posts = kept.with_columns(
        pl.lit("facebook").alias("platform"),
        pl.col("page_id").alias("account_id"),
        pl.col("published").dt.date().alias("published_date"),
        text.alias("text"),
        content_type("post_type") if "post_type" in kept.columns else pl.lit(None, pl.String),
    )
    snapshots = posts.with_columns(pl.lit(as_of).alias("as_of_date"))
    return assemble(
        "meta_business_suite_facebook_content",
        "facebook",
        parsed,
        kept,
        quarantine,
        {
            "account": account_frame(list(accounts.values())),
            "post": conform(posts, POST.columns),
            "post_metrics": conform(snapshots, POST_METRICS.columns),
        },
        skipped=duplicates,
        notes=(note,),
    )


FACEBOOK_CONTENT = FormatSpec(
    name="meta_business_suite_facebook_content",
    platform="facebook",
    title="Meta Business Suite Facebook content export",
    columns={
        "en": {
            "post_id": ("Post ID",),
            "page_id": ("Page ID",),
            "page_name": ("Page name",),
            "title": ("Title",),
            "description": ("Description",),
            "published": ("Publish time",),
            "permalink": ("Permalink",),
            "post_type": ("Post type",),
            "period": ("Date",),
            "views": ("Views",),
            "impressions": ("Impressions",),
            "reach": ("Reach",),
            "reactions": ("Reactions",),
            "comments": ("Comments",),
            "shares": ("Shares",),
            "clicks": ("Total clicks",),
            "link_clicks": ("Link clicks",),
            "watch_time_seconds": ("Seconds viewed",),
        }
    },
    required=("post_id", "page_id", "published", "reach"),
    normalize=normalize_facebook_content,
)
