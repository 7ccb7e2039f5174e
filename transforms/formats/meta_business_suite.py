"""Meta Business Suite exports: content (Instagram, Facebook), per-metric charts, audience.

Content export: one row per post with lifetime metrics (`Date` = `Lifetime`); since 2025 `Views`
replaced `Impressions`, and both are kept as separate canonical columns. The Indonesian interface
exports the same layout with translated headers and Indonesian number grouping (`1.234`); the
Spanish one with Spanish headers and English-style numbers. Instagram mapping (DECISIONLOG):
views = Views, impressions = Impressions, reach = Reach, reactions = Likes, shares = Shares,
comments = Comments, saves = Saves, follows = Follows, profile_visits = Profile visits,
link_clicks = Link clicks (stories), text = Description, published_at = Publish time (the
account's local time), content_type from Post type. `Data comment` carries Meta's own errors
(see `_flag_meta_rows`); `Date` must be a lifetime label. Not used (no canonical column):
Duration (sec), and the story-only Replies, Navigation, Sticker taps. Posts of other accounts
(collaborations) are loaded under their own account, recorded as not own.

Chart export (Insights > a chart > Export): `sep=,`, a title line naming the metric, then
`Date,Primary` rows, one per day; see its section below for the titles in each language and the
columns they feed. Audience export: stacked sections into `core.audience`; see its section.
Top content formats export (totals per content format, no dates): recognised, rows skipped.

Facebook content export: the same export for a Facebook Page (`Page ID`, `Page name`, `Reactions`,
`Total clicks`), often UTF-16 with a `sep=,` line; see its section below.
"""

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

import polars as pl

from transforms.canonical.accounts import account_frame, find_account, hinted_account, sole_account
from transforms.canonical.platforms import content_type
from transforms.canonical.schemas import ACCOUNT_DAILY, AUDIENCE, POST, POST_METRICS
from transforms.canonical.typed import (
    COUNT,
    DECIMAL,
    QUARANTINE,
    REASON,
    FieldType,
    assemble,
    conform,
    datetime_field,
    drop_duplicate_keys,
    flag,
    parse_fields,
    raw_json,
    require,
    split_quarantine,
)
from transforms.context import RAW, ROW, Account, IngestContext, Normalized, ParsedInput
from transforms.errors import InputError
from transforms.format_spec import FormatSpec
from transforms.formats.skipped import skip_every_row
from transforms.headers import normalize_header
from transforms.values.dates import localize, parse_date, snapshot_date
from transforms.values.numbers import (
    EXPRESSIONS_KEPT,
    Locale,
    invalid_number,
    parse_count,
    parse_percent_points,
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
        "data_comment": ("Data comment",),
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
        "link_clicks": ("Link clicks",),
    },
    "id": {
        "post_id": ("ID Postingan", "ID Kiriman"),
        "account_id": ("ID Akun",),
        "handle": ("Nama pengguna akun",),
        "account_name": ("Nama akun",),
        "text": ("Deskripsi", "Keterangan"),
        "published": ("Waktu penerbitan", "Waktu publikasi", "Waktu dipublikasikan"),
        "permalink": ("Permalink", "Tautan permanen"),
        "post_type": ("Jenis postingan", "Jenis kiriman"),
        "data_comment": ("Komentar data",),
        "period": ("Tanggal",),
        "views": ("Tayangan",),
        "impressions": ("Impresi",),
        "reach": ("Jangkauan",),
        "reactions": ("Suka",),
        "shares": ("Frekuensi dibagikan", "Dibagikan", "Bagikan", "Berbagi"),
        "follows": ("Mengikuti", "Ikuti", "Pengikut baru"),
        "comments": ("Komentar",),
        "saves": ("Frekuensi disimpan", "Disimpan", "Simpan"),
        "profile_visits": ("Kunjungan profil",),
        "link_clicks": ("Klik tautan",),
    },
}

_SPANISH_CONTENT: dict[str, tuple[str, ...]] = {
    "post_id": ("Identificador de la publicación",),
    "handle": ("Nombre de usuario de la cuenta",),
    "account_name": ("Nombre de la cuenta",),
    "text": ("Descripción",),
    "published": ("Hora de publicación",),
    "permalink": ("Enlace permanente",),
    "post_type": ("Tipo de publicación",),
    "data_comment": ("Comentario sobre los datos",),
    "period": ("Fecha",),
    "views": ("Visualizaciones",),
    "reach": ("Alcance",),
    "reactions": ("Me gusta",),
    "shares": ("Veces que se compartió",),
    "follows": ("Seguimientos",),
    "comments": ("Comentarios",),
    "saves": ("Veces que se guardó",),
    "profile_visits": ("Visitas al perfil",),
    "link_clicks": ("Clics en el enlace",),
}
"""Spanish-interface headers (from a Latin American agency's script over its real exports).
Numbers and dates in them are written as in English files, so they join the English aliases."""
_CONTENT_COLUMNS["en"] = {
    name: (*aliases, *_SPANISH_CONTENT.get(name, ()))
    for name, aliases in _CONTENT_COLUMNS["en"].items()
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
    "link_clicks",
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


def _flag_meta_rows(frame: pl.LazyFrame, columns: list[str], parsed: ParsedInput) -> pl.LazyFrame:
    """Reasons for the rows Meta could not export, in Meta's own words, and for non-lifetime rows.

    Meta writes a row with no post ID and the reason in `Data comment` ("An error occurred while
    computing metadata for content with ID …") for content it failed to export: such a row is
    quarantined with that comment, not blamed on a missing or rounded ID. `Date` is `Lifetime`
    (`Seumur hidup`, `Sepanjang Masa`, `-` on error rows) in every export seen; a date there
    would make the row one day's figures, not the lifetime totals a snapshot holds.
    """
    post_id = pl.col("post_id").str.strip_chars()
    comment = (
        pl.col("data_comment").str.strip_chars()
        if "data_comment" in columns
        else pl.lit("", pl.String)
    )
    meta_error = (post_id == "") & (comment != "")
    frame = flag(
        frame,
        meta_error,
        pl.format(
            f"Meta exported no post for this row; its '{parsed.headers.get('data_comment')}' "
            "says: {}",
            comment,
        ),
    )
    if "period" in columns:
        period = pl.col("period").str.strip_chars()
        frame = flag(
            frame,
            period.str.contains(r"\d").fill_null(False) & ~meta_error,
            pl.format(
                f"column '{parsed.headers['period']}' is '{{}}', not Lifetime: only lifetime "
                "totals are read",
                period,
            ),
        )
    return frame.with_columns(meta_error.alias("_meta_error"))


def _unmeasured(posts: pl.DataFrame, counts: tuple[str, ...]) -> pl.Series | None:
    """Which posts Meta did not compute metrics for: a data comment and every metric blank.

    None when there are none (a query's worth of filters spared on every intact export).
    """
    if "data_comment" not in posts.columns:
        return None
    metrics = [pl.col(name).is_null() for name in counts if name in posts.columns]
    unmeasured = posts.select(
        (pl.col("data_comment").str.strip_chars() != "") & pl.all_horizontal(pl.lit(True), *metrics)
    ).to_series()
    return unmeasured if unmeasured.any() else None


def _snapshots(posts: pl.DataFrame, unmeasured: pl.Series | None, as_of: date) -> pl.DataFrame:
    """The metrics snapshot of each measured post, as of `as_of`."""
    measured = posts if unmeasured is None else posts.filter(~unmeasured)
    return measured.with_columns(pl.lit(as_of).alias("as_of_date"))


def _unmeasured_note(
    posts: pl.DataFrame, parsed: ParsedInput, unmeasured: pl.Series | None
) -> list[str]:
    if unmeasured is None:
        return []
    comments = posts.filter(unmeasured)["data_comment"].str.strip_chars().unique().to_list()
    return [
        f"{int(unmeasured.sum())} post(s) loaded without a metrics snapshot: their "
        f"'{parsed.headers['data_comment']}' says {' / '.join(repr(c) for c in comments)}"
    ]


def _collaborators(
    ctx: IngestContext,
    kept: pl.DataFrame,
    identity: Sequence[str],
    accounts: dict[tuple[object, ...], Account],
) -> tuple[dict[tuple[object, ...], Account], list[str]]:
    """Mark the accounts of collaboration posts as not own.

    An account's content export also lists the collab posts it took part in, under the
    partner's `Account ID` (their Reach and Follows blank). The exporting account is the one
    named with `--account`, else the one with the most posts; any other account that is not
    configured is a collaborator, recorded with `is_own` false so its posts do not count as ours.
    """
    if len({a.account_id for a in accounts.values()}) < 2:
        return accounts, []
    configured = {(a.platform, a.account_id) for a in ctx.accounts}
    counts = kept.group_by(identity, maintain_order=True).len()
    posts: dict[str, int] = {}
    for row in counts.iter_rows():
        account_id = accounts[tuple(row[:-1])].account_id
        posts[account_id] = posts.get(account_id, 0) + row[-1]
    hinted = ctx.account.account_id if ctx.account and ctx.account.platform == "instagram" else None
    own = hinted if hinted in posts else max(posts, key=lambda account: posts[account])
    partners = {
        key: replace(account, is_own=False)
        for key, account in accounts.items()
        if account.account_id != own and ("instagram", account.account_id) not in configured
    }
    if not partners:
        return accounts, []
    names = sorted({a.handle or a.account_id for a in partners.values()})
    partner_posts = sum(posts[a] for a in {a.account_id for a in partners.values()})
    note = (
        f"{partner_posts} collaboration posts of {len(names)} other accounts "
        f"({', '.join(names)}) recorded with is_own false; the export is {own}'s"
    )
    return {**accounts, **partners}, [note]


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
    checked = require(
        frame.lazy(),
        ~pl.col("post_id").str.contains(_SCIENTIFIC),
        f"column '{parsed.headers['post_id']}' holds a number in scientific notation (a "
        "spreadsheet program rounded the ID): the ID is lost, re-export without opening "
        "the file in a spreadsheet",
    )
    checked = _flag_meta_rows(checked, frame.columns, parsed)
    meta_error = pl.col("_meta_error")
    checked = require(
        checked, (pl.col("post_id").str.strip_chars() != "") | meta_error, "no post ID"
    )
    checked = require(checked, pl.col("published").is_not_null() | meta_error, "no publish time")
    kept, quarantine = split_quarantine(checked.collect(engine="in-memory"))
    kept, duplicates = drop_duplicate_keys(kept, ["post_id"])

    identity = [c for c in ("account_id", "handle", "account_name") if c in kept.columns]
    accounts = {
        tuple(row.values()): _account_for(ctx, row)
        for row in kept.select(identity).unique(maintain_order=True).iter_rows(named=True)
    }
    accounts, collab_note = _collaborators(ctx, kept, identity, accounts)
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
    unmeasured = _unmeasured(posts, _COUNTS)
    snapshots = _snapshots(posts, unmeasured, as_of)
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
        notes=(note, *collab_note, *_unmeasured_note(posts, parsed, unmeasured)),
    )


CONTENT = FormatSpec(
    name="meta_business_suite_content",
    platform="instagram",
    title="Meta Business Suite Instagram content export",
    columns=_CONTENT_COLUMNS,
    required=("post_id", "published", "permalink", "reach"),
    normalize=normalize_content,
)

# --- Per-metric chart exports ---------------------------------------------------------------------
#
# Insights > Results (or Overview) > a chart > Export: `sep=,`, a title line naming the metric,
# `"Date","Primary"`, one row per day (`2025-10-31T00:00:00`). Mostly UTF-16 with a BOM, every
# cell quoted; a file re-saved by Excel may be `;`-separated UTF-8 with `Viewers;` as its title.
# The title is the only thing saying what the numbers are. Since 2024 it is new-style and often
# names no platform (`Views`, `Viewers`, `Reach`, `Follows`, `Interactions`, `Link clicks`,
# `Visits`); it may name one (`Facebook visits`, `Instagram follows`, `Instagram reach`).
# It is written in the interface language: `Tayangan` (Indonesian), `Alcance` (Spanish).
#
# Platform: the one the title names, else the one the value column names (`Facebook reach`),
# else the account's given with `--account` / `[[sources]]`, else the workspace's only own
# Facebook or Instagram account (said in the notes), else the file is refused asking for it.
#
# Title -> `core.account_daily` column (DECISIONLOG, Meta Business Suite charts), whatever the
# platform; the words are matched after the platform name and linking words (de, di, on) are
# set aside, case-insensitively:
#   reach            Reach; Viewers (Meta's 2025 name for Facebook reach: unique accounts that
#                    saw content); Jangkauan; Alcance
#   views            Views; Tayangan (Views in MBS, not impressions); Visualizaciones
#   impressions      Impressions; Impresi; Impresiones (before 2025)
#   followers_gained Follows, New follows; Pengikut, Pengikut baru, Mengikuti (E9: daily new
#                    followers); Seguidores, Seguimientos (the Spanish name of the Follows chart)
#   followers_total  Followers (the pre-2024 English chart of the follower count)
#   followers_lost   Unfollows; Berhenti mengikuti
#   engagements      Interactions, Content interactions; Interaksi, Interaksi konten;
#                    Interacciones
#   website_clicks   Link clicks (taps on the profile's or Page's links); Klik tautan; Clics en
#                    el enlace
#   profile_visits   Visits, Profile visits, Page visits (`Facebook visits` = Page visits);
#                    Kunjungan, Kunjungan profil; Visitas, Visitas al perfil
# Days Meta leaves out of a chart (a sparse Follows chart omits days without follows) are not
# loaded: their value stays NULL, never 0. The time of day in the date (`T01:00:00` after a
# daylight-saving change) is ignored: each row is a calendar day.
#
# A file can hold several charts stacked (`Page and profile visits.csv`: a `Facebook visits`
# block, a blank line, an `Instagram profile visits` block); each block is read by its own
# title. The value column's name is not trusted (that file calls the Facebook visits
# `Facebook Page likes` and the Instagram visits `Instagram followers`): the title is.

_ENGLISH_CHART_METRICS = {
    "reach": "reach",
    "viewers": "reach",
    "views": "views",
    "impressions": "impressions",
    "follows": "followers_gained",
    "new follows": "followers_gained",
    "followers": "followers_total",
    "unfollows": "followers_lost",
    "interactions": "engagements",
    "content interactions": "engagements",
    "link clicks": "website_clicks",
    "visits": "profile_visits",
    "profile visits": "profile_visits",
    "page visits": "profile_visits",
    "page and profile visits": "profile_visits",
}
_CHART_METRICS = {
    **_ENGLISH_CHART_METRICS,
    # Bahasa Indonesia (INDONESIAN_UI.md section 2, E9)
    "jangkauan": "reach",
    "tayangan": "views",
    "impresi": "impressions",
    "pengikut": "followers_gained",
    "pengikut baru": "followers_gained",
    "mengikuti": "followers_gained",
    "berhenti mengikuti": "followers_lost",
    "interaksi": "engagements",
    "interaksi konten": "engagements",
    "klik tautan": "website_clicks",
    "kunjungan": "profile_visits",
    "kunjungan profil": "profile_visits",
    # Spanish (file names and script of a Latin American agency's MBS exports)
    "alcance": "reach",
    "visualizaciones": "views",
    "impresiones": "impressions",
    "seguidores": "followers_gained",
    "seguimientos": "followers_gained",
    "interacciones": "engagements",
    "interacciones con el contenido": "engagements",
    "clics en el enlace": "website_clicks",
    "visitas": "profile_visits",
    "visitas al perfil": "profile_visits",
}
_CHART_PLATFORMS = ("facebook", "instagram")
_LINKING_WORDS = ("de", "del", "en", "di", "on", "dari")
_CHART_DATE_HEADERS = ("Date", "Tanggal", "Fecha")
_CHART_SERIES = (
    "Primary",
    "Facebook Page likes",
    *(
        f"{platform.title()} {phrase}"
        for platform in _CHART_PLATFORMS
        for phrase in _ENGLISH_CHART_METRICS
    ),
)
"""Value column names: `Primary`, or (older files) a platform series name, never trusted."""
_CHART_DATES = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%m/%d/%Y")
_DAILY_KEY = ["platform", "account_id", "date", "metric"]


@lru_cache(maxsize=EXPRESSIONS_KEPT)  # see EXPRESSIONS_KEPT
def _chart_date(column: str, locale: Locale) -> pl.Expr:
    """A chart's day; a date in year-first order must have two-digit months and days.

    Meta writes `2026-04-10T00:00:00`. strptime reads `2026-04-1T00:00:00` (a digit lost to
    damage) as April 1st, which would replace that day's figure with the 10th's: such a cell is
    no date. strptime skips whitespace before a number (`2026- 04-10`), so the check does too.
    The month-first form (`4/10/2026`, Excel's re-save) is unpadded as written.
    """
    unpadded = pl.col(column).str.contains(r"^\s*\d{4}-\s*(\d-|\d{2}-\s*\d(\D|$))")
    return pl.when(~unpadded).then(parse_date(column, _CHART_DATES, locale)).alias(column)


_CHART_DAY = FieldType("date", _chart_date)


@dataclass(frozen=True)
class _Chart:
    """One chart block: its title as written, the platform it names (if any), its column."""

    title: str
    platform: str | None
    metric: str


def chart_title(cell: str) -> _Chart | None:
    """The chart a title names (`Instagram reach`, `Views`, `Jangkauan Instagram`), or None."""
    words = normalize_header(cell).split()
    platforms = [word for word in words if word in _CHART_PLATFORMS]
    rest = [word for word in words if word not in _CHART_PLATFORMS]
    while rest and rest[-1] in _LINKING_WORDS:
        rest.pop()
    while rest and rest[0] in _LINKING_WORDS:
        rest.pop(0)
    metric = _CHART_METRICS.get(" ".join(rest))
    if metric is None or len(set(platforms)) > 1:
        return None
    return _Chart(cell.strip(), platforms[0] if platforms else None, metric)


def _unknown_title(title: str) -> InputError:
    return InputError(
        f"Meta Business Suite chart export with an unknown metric title '{title}'; known titles "
        f"(optionally with Facebook / Instagram): {', '.join(sorted(_CHART_METRICS))}"
    )


def _preamble_title(parsed: ParsedInput) -> str:
    """The last title-like line above the header (not `sep=,`)."""
    lines = [
        " ".join(cell.strip() for cell in record if cell.strip())
        for record in parsed.preamble
        if any(cell.strip() for cell in record)
    ]
    lines = [line for line in lines if not line.lower().startswith("sep=")]
    return lines[-1] if lines else ""


def _chart_account(ctx: IngestContext, platform: str) -> Account | None:
    """The account of a chart of `platform`: the one named for the input, else the only one."""
    if ctx.account is not None and ctx.account.platform == platform:
        return hinted_account(ctx, platform)
    return sole_account(ctx, platform)


def _meta_platform(ctx: IngestContext) -> str | None:
    """The platform of an input that names none: `--account`'s, else the workspace's only one.

    Only Facebook and Instagram count: with one own account of either, the export is its.
    """
    if ctx.account is not None:
        return ctx.account.platform if ctx.account.platform in _CHART_PLATFORMS else None
    own = [a for a in ctx.accounts if a.platform in _CHART_PLATFORMS and a.is_own]
    return own[0].platform if len(own) == 1 else None


def _workspace_note(ctx: IngestContext, accounts: list[Account]) -> list[str]:
    if ctx.account is not None or not accounts:
        return []
    return [
        f"no --account given: the workspace's only {a.platform} account {a.account_id} is used"
        for a in accounts
    ]


def _chart_platform(chart: _Chart, ctx: IngestContext) -> str:
    platform = chart.platform or _meta_platform(ctx)
    if platform is None:
        raise InputError(
            f"the Meta Business Suite chart '{chart.title}' does not say whether it is "
            "Facebook's or Instagram's: pass --account facebook:<id> or --account instagram:<id>"
        )
    return platform


def chart_blocks(frame: pl.DataFrame, first_title: str) -> tuple[pl.DataFrame, list[str]]:
    """Number the chart blocks of a `date`/`value` frame: `_block` (0 = the first chart).

    A row with text in the date cell and nothing in the value cell starts a block (its title);
    a row whose date cell is a date header (`Date`, `Tanggal`) repeats the header. Both get
    `_kind` `title` / `header`; data rows get `data`. Returns the frame and each block's title.
    """
    date_cell = pl.col("date").str.strip_chars()
    header = date_cell.str.to_lowercase().is_in([name.lower() for name in _CHART_DATE_HEADERS])
    title = (
        (pl.col("value").str.strip_chars() == "")
        & (date_cell != "")
        & ~date_cell.str.contains(r"^\d{4}-\d{2}-\d{2}|^\d{1,2}/\d{1,2}/\d{4}")
        & ~header
    )
    frame = frame.with_columns(
        pl.when(title)
        .then(pl.lit("title"))
        .when(header)
        .then(pl.lit("header"))
        .otherwise(pl.lit("data"))
        .alias("_kind"),
        title.cum_sum().cast(pl.Int64).alias("_block"),
    )
    titles = [first_title, *frame.filter(title)["date"].str.strip_chars().to_list()]
    return frame, titles


def _chart_frames(
    parsed: ParsedInput, frame: pl.DataFrame, titles: list[str], ctx: IngestContext
) -> tuple[pl.DataFrame, pl.DataFrame, list[Account], list[str], int]:
    """Parse the data rows of every block into (platform, account, date, metric, value).

    Returns the kept long frame (with each row's record, for `_one_row_per_day`), the
    quarantine, the accounts, notes and the rows skipped (block titles and repeated headers).
    """
    names = {0: parsed.headers.get("value", "Primary")}
    for block, name in frame.filter(pl.col("_kind") == "header").select("_block", "value").rows():
        names.setdefault(block, name)
    charts = []
    for index, title in enumerate(titles):
        chart = chart_title(title)
        if chart is None:
            raise _unknown_title(title)
        named = [w for w in normalize_header(names.get(index, "")).split() if w in _CHART_PLATFORMS]
        if chart.platform is None and len(set(named)) == 1:  # a series named `Facebook reach`
            chart = replace(chart, platform=named[0])
        charts.append(chart)
    platforms = [_chart_platform(chart, ctx) for chart in charts]
    accounts = {platform: _chart_account(ctx, platform) for platform in set(platforms)}
    if not any(accounts.values()):
        named = sorted(set(platforms))
        raise InputError(
            f"this {' and '.join(named)} chart export does not name its account: pass "
            + " or ".join(f"--account {platform}:<id>" for platform in named)
        )
    notes = []
    blocks = []
    for index, (chart, platform) in enumerate(zip(charts, platforms, strict=True)):
        account = accounts[platform]
        blocks.append(
            {
                "_block": index,
                "platform": platform,
                "account_id": account.account_id if account else None,
                "metric": chart.metric,
            }
        )
        notes.append(f"metric chart '{chart.title}': {platform} {chart.metric}")
    skipped_rows = frame.filter(pl.col("_kind") != "data")
    frame = frame.filter(pl.col("_kind") == "data").join(
        pl.DataFrame(
            blocks,
            schema={
                "_block": pl.Int64,
                "platform": pl.String,
                "account_id": pl.String,
                "metric": pl.String,
            },
        ),
        on="_block",
        how="left",
    )
    series = [parsed.headers.get("value", "Primary")]
    series += skipped_rows.filter(pl.col("_kind") == "header")["value"].to_list()
    trusted = {"primary", *(normalize_header(chart.title) for chart in charts)}
    for name in dict.fromkeys(series):
        if normalize_header(name) not in trusted:
            notes.append(
                f"the value column named '{name}' holds the chart of the title above it: the "
                "title is trusted, not the column name"
            )
    typed = parse_fields(replace(parsed, frame=frame), {"date": _CHART_DAY, "value": COUNT})
    checked = require(typed.lazy(), pl.col("date").is_not_null(), "no date")
    for platform, account in accounts.items():
        if account is None:
            checked = require(
                checked,
                pl.col("platform") != platform,
                f"no {platform} account for this {platform} chart: configure one or pass "
                f"--account {platform}:<id>",
            )
    kept, quarantine = split_quarantine(checked.collect(engine="in-memory"), keep_record=True)
    return (
        kept,
        quarantine,
        [account for account in accounts.values() if account is not None],
        notes,
        skipped_rows.height,
    )


def _daily_from_long(kept: pl.DataFrame) -> pl.DataFrame:
    """One `core.account_daily` row per platform, account and date, a column per metric.

    `kept` holds one row per `_DAILY_KEY`: the caller drops the repeated ones, as it must count
    them as skipped rows (the pivot refuses a repeated key rather than pick one).
    """
    metrics = kept["metric"].unique(maintain_order=True).to_list()
    wide = kept.select("platform", "account_id", "date", "metric", "value").pivot(
        on="metric", index=["platform", "account_id", "date"], values="value"
    )
    wide = wide.with_columns(pl.col(metric).cast(pl.Int64) for metric in metrics)
    return conform(wide.sort("platform", "account_id", "date"), ACCOUNT_DAILY.columns)


def _one_row_per_day(kept: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Skip a day a chart repeats with the same figure; quarantine a day given different ones.

    Meta lists each day of a chart once. A day given twice comes from damage (`2025-12-27` that
    lost characters reads as `2025-12-20`) or from two files run together: with different
    figures, which one is the day's is unknown, so every row of that day is quarantined rather
    than one picked. Returns the rows to load (without their record), the quarantine and the
    number of repeats skipped. A chart without repeats (every intact one) costs one check.
    """
    if kept.select(pl.struct(_DAILY_KEY).is_unique().all()).item():
        return kept.drop(RAW), pl.DataFrame(schema=QUARANTINE), 0
    unique = kept.unique(subset=[*_DAILY_KEY, "value"], keep="first", maintain_order=True)
    shared = (
        unique.group_by(_DAILY_KEY)
        .agg(pl.col(ROW).sort().cast(pl.String).str.join(", ").alias("_rows"), pl.len())
        .filter(pl.col("len") > 1)
    )
    flagged = unique.join(shared, on=_DAILY_KEY, how="left", maintain_order="left").with_columns(
        pl.when(pl.col("len").is_not_null())
        .then(
            pl.format(
                "rows {} give different {} figures for {}: which is the day's is unknown",
                "_rows",
                "metric",
                "date",
            )
        )
        .alias(REASON)
    )
    loaded, clashes = split_quarantine(flagged)
    return loaded.drop("_rows", "len"), clashes, kept.height - unique.height


def _gaps_note(kept: pl.DataFrame) -> list[str]:
    """Name the days a chart leaves out (they are not loaded, so they stay NULL)."""
    spans = kept.group_by("platform", "metric", maintain_order=True).agg(
        pl.col("date").n_unique().alias("days"),
        ((pl.col("date").max() - pl.col("date").min()).dt.total_days() + 1).alias("span"),
    )
    return [
        f"{platform} {metric}: {span - days} of {span} days are absent from the "
        "chart and stay NULL (not 0)"
        for platform, metric, days, span in spans.rows()
        if days < span
    ]


def normalize_insight(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map per-metric chart blocks to `core.account_daily`, each providing its metric's column."""
    frame, titles = chart_blocks(parsed.frame, _preamble_title(parsed))
    kept, quarantine, accounts, notes, skipped = _chart_frames(parsed, frame, titles, ctx)
    kept, clashes, repeats = _one_row_per_day(kept)
    if repeats:
        notes.append(f"{repeats} rows skipped: a day the chart lists again with the same figure")
    platforms = sorted({account.platform for account in accounts})
    return assemble(
        "meta_business_suite_insight",
        "+".join(platforms),
        parsed,
        kept,
        pl.concat([quarantine, clashes]),
        {"account": account_frame(accounts), "account_daily": _daily_from_long(kept)},
        skipped=skipped + repeats,
        notes=(*notes, *_workspace_note(ctx, accounts), *_gaps_note(kept)),
    )


INSIGHT = FormatSpec(
    name="meta_business_suite_insight",
    platform="instagram",
    title="Meta Business Suite chart export (title line, then Date, Primary)",
    columns={
        "en": {"date": ("Date", "Fecha"), "value": _CHART_SERIES},
        "id": {"date": ("Tanggal",), "value": ("Primary", "Utama")},
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
# Shares, clicks = Total clicks, link_clicks = Link clicks, video_views = 3-second video views (the
# legacy Insights export's Total Video Views count the same 3-second plays), watch_time_seconds =
# Seconds viewed. Only English headers are known: an Indonesian export is not recognised rather
# than guessed.

_FACEBOOK_COUNTS = (
    "views",
    "impressions",
    "reach",
    "reactions",
    "comments",
    "shares",
    "clicks",
    "link_clicks",
    "video_views",
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
    checked = _flag_meta_rows(frame.lazy(), frame.columns, parsed)
    meta_error = pl.col("_meta_error")
    for field in ("post_id", "page_id"):
        value = pl.col(field).str.strip_chars()
        checked = require(checked, (value != "") | meta_error, f"no {parsed.headers[field]}")
        checked = require(
            checked,
            (value == "") | value.str.contains(r"^\d+(_\d+)?$"),
            f"column '{parsed.headers[field]}' is not a numeric id (a spreadsheet program may "
            "have rounded it to scientific notation): the ID is lost, re-export without opening "
            "the file in a spreadsheet",
        )
    checked = require(checked, pl.col("published").is_not_null() | meta_error, "no publish time")
    kept, quarantine = split_quarantine(checked.collect(engine="in-memory"))
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
    unmeasured = _unmeasured(posts, (*_FACEBOOK_COUNTS, "watch_time_seconds"))
    snapshots = _snapshots(posts, unmeasured, as_of)
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
        notes=(note, *_unmeasured_note(posts, parsed, unmeasured)),
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
            "data_comment": ("Data comment",),
            "period": ("Date",),
            "views": ("Views",),
            "impressions": ("Impressions",),
            "reach": ("Reach",),
            "reactions": ("Reactions",),
            "comments": ("Comments",),
            "shares": ("Shares",),
            "clicks": ("Total clicks",),
            "link_clicks": ("Link clicks",),
            "video_views": ("3-second video views",),
            "watch_time_seconds": ("Seconds viewed",),
        }
    },
    required=("post_id", "page_id", "published", "reach"),
    normalize=normalize_facebook_content,
)


# --- Audience export ---------------------------------------------------------------------------
#
# Insights > Audience > Export: sections stacked in one file, each a title line, a header and
# rows, separated by blank lines. Two layouts are known:
# - 2023-24 (`sep=,`, UTF-16, every cell quoted; TanyaRastogi04/time-series `Audience.csv`): per
#   platform `Facebook followers` / `Instagram followers` (an API id line such as
#   `FB_PAGE,FOLLOW,UNIQUE_USERS`, then the bare count), `… followers by gender and age`
#   (`Age`, `Women`, `Men` with `12.2%`), `… by top towns/cities` and `… by top countries`
#   (`Top towns/cities`, `Value`); a platform without data has its titles and nothing else.
# - 2025 (vsbperoto/vintage-analytics-dashboard `Audience.csv`; the Spanish `Público.csv` of a
#   Latin American agency's script): `Age & gender` (`Edad y sexo`) with `""`, `Women`, `Men`
#   (`Mujeres`, `Hombres`), then `Top towns/cities` and `Top countries` (`Principales ciudades`,
#   `Principales países`) written across: a row of names, then a row of values; then a
#   `Follows` daily chart (`Date`, `Primary`) and `Top Pages`. Titles name no platform: it is
#   the account's given with `--account`.
# Mapping (DECISIONLOG, Meta Business Suite audience) to `core.audience`, measure followers,
# as of the file name's end date or the ingest date: gender_age buckets `female|18-24` and
# `male|18-24` from Women / Men, city and country buckets as Meta writes them; share = the
# percentage as a fraction (`12.2%` and a bare `12.2` are both 0.122), value NULL. The follower
# count becomes `core.account_daily.followers_total` on that date; the Follows chart
# `followers_gained` per day. `Top Pages` (pages the audience also likes, an affinity score) has
# no canonical table: its rows are skipped with that reason.
# A value Excel turned into a date (a Bulgarian re-save wrote 3.4 as `3.апр`) is lost: its row
# is quarantined saying so, never read back as a guess.

_AUDIENCE_KINDS = (
    ("gender_age", ("gender and age", "age & gender", "age and gender", "edad y sexo")),
    ("city", ("cities", "towns", "ciudades")),
    ("country", ("countries", "países", "paises")),
    ("pages", ("top pages", "principales páginas", "páginas")),
)
_FOLLOWER_COUNT_TITLES = ("followers", "seguidores")
_GENDERS = {"women": "female", "mujeres": "female", "men": "male", "hombres": "male"}
"""Column names of the age and gender section; another column is kept by its own name."""
_VALUE_HEADERS = ("value", "valor")
_API_ID = r"^[A-Z_]+(,[A-Z_]+)+$"
_SPREADSHEET_DATE = r"^(\d{1,2}[.\-/ ]?[^\d\s.,%\-/]{2,}\.?|[^\d\s.,%\-/]{2,}[.\-/ ]?\d{1,2})$"
"""A number Excel turned into a date and wrote with a month name: `3.апр`, `17-Jun`, `Apr-03`."""


@dataclass(frozen=True)
class _Section:
    """One audience section: its title, the platform it names, and what it holds."""

    title: str
    platform: str | None
    kind: str


def _audience_section(title: str) -> _Section:
    words = normalize_header(title).split()
    platforms = [word for word in words if word in _CHART_PLATFORMS]
    text = " ".join(word for word in words if word not in _CHART_PLATFORMS)
    platform = platforms[0] if platforms else None
    for kind, keys in _AUDIENCE_KINDS:
        if any(key in text for key in keys):
            return _Section(title, platform, kind)
    if text in _FOLLOWER_COUNT_TITLES:
        return _Section(title, platform, "followers")
    chart = chart_title(title)
    if chart is not None and chart.metric == "followers_gained":
        return _Section(title, platform or chart.platform, "follows")
    return _Section(title, platform, "unknown")


def _is_title(cells: list[str]) -> bool:
    filled = [cell.strip() for cell in cells if cell.strip()]
    if len(filled) != 1 or not cells[0].strip():
        return False
    return not re.search(r"\d", filled[0]) and not re.fullmatch(_API_ID, filled[0])


Line = tuple[int | None, list[str]]
"""A record of the file: its row number (None above the header, not counted) and cells."""


@dataclass
class _Block:
    title_row: int | None
    section: _Section
    lines: list[Line]


def _audience_blocks(parsed: ParsedInput) -> list[_Block]:
    """The preamble, the header and the rows, cut into sections at their title lines."""
    lines: list[Line] = [
        (None, list(record))
        for record in parsed.preamble
        if record and not record[0].strip().lower().startswith("sep=")
    ]
    header = parsed.frame.get_column(RAW).struct.fields
    lines.append((None, [re.sub(r" \(\d+\)$", "", name) for name in header]))
    lines += [
        (row, list(record.values())) for row, record in parsed.frame.select(ROW, RAW).iter_rows()
    ]
    blocks: list[_Block] = []
    for row, cells in lines:
        if _is_title(cells):
            blocks.append(_Block(row, _audience_section(cells[0].strip()), []))
        elif blocks:
            blocks[-1].lines.append((row, cells))
        else:
            blocks.append(_Block(None, _Section("", None, "unknown"), [(row, cells)]))
    return blocks


@dataclass
class _Found:
    """What the rows of an audience export hold, before parsing: one entry per value cell."""

    cells: list[dict[str, object]]
    skipped: dict[int, str]


def _value(found: _Found, row: int | None, block: _Block, kind: str, key: str, text: str) -> None:
    found.cells.append(
        {
            "_row": row,
            "_title": block.section.title,
            "_platform": block.section.platform,
            "_kind": kind,
            "bucket": key,
            "text": text.strip(),
        }
    )


def _section_cells(block: _Block, found: _Found) -> None:
    """Collect the value cells of one section; its other rows are skipped with a reason."""
    kind, lines = block.section.kind, block.lines
    if block.title_row is not None:
        found.skipped[block.title_row] = "section title"
    if kind == "gender_age":
        genders: list[str] = []
        for row, cells in lines:
            if normalize_header(cells[1] if len(cells) > 1 else "") in _GENDERS:
                genders = [_GENDERS.get(normalize_header(c), normalize_header(c)) for c in cells]
                if row is not None:
                    found.skipped[row] = "section header"
                continue
            age = cells[0].strip()
            for gender, text in zip(genders[1:], cells[1:], strict=False):
                if gender:
                    _value(found, row, block, "gender_age", f"{gender}|{age}", text)
    elif kind in ("city", "country"):
        filled = [cell for cell in (lines[0][1] if lines else []) if cell.strip()]
        if len(filled) == 2 and normalize_header(filled[1]) in _VALUE_HEADERS:
            head, *rows = lines
            if head[0] is not None:
                found.skipped[head[0]] = "section header"
            for row, cells in rows:
                _value(found, row, block, kind, cells[0].strip(), cells[1])
        else:  # across: a row of names, then a row of values
            for (name_row, names), (row, values) in zip(lines[::2], lines[1::2], strict=False):
                if name_row is not None:
                    found.skipped[name_row] = f"names of the {kind} values in the next row"
                for name, text in zip(names, values, strict=False):
                    if name.strip():
                        _value(found, row, block, kind, name.strip(), text)
            if len(lines) % 2 and lines[-1][0] is not None:
                found.skipped[lines[-1][0]] = f"{kind} names without a row of values"
    elif kind == "followers":
        for row, cells in lines:
            text = cells[0].strip()
            if re.fullmatch(_API_ID, text):
                if row is not None:
                    found.skipped[row] = "Meta's metric id line"
            else:
                _value(found, row, block, "followers_total", "", text)
    elif kind == "follows":
        for row, cells in lines:
            if normalize_header(cells[0]) in (h.lower() for h in _CHART_DATE_HEADERS):
                if row is not None:
                    found.skipped[row] = "chart header"
            else:
                _value(found, row, block, "followers_gained", cells[0].strip(), cells[1])
    else:
        title = block.section.title
        reason = (
            f"section '{title}': pages the audience also likes have no canonical table"
            if kind == "pages"
            else f"section '{title}' is not a known audience section"
        )
        for row, _cells in lines:
            if row is not None:
                found.skipped[row] = reason


def _audience_platforms(cells: pl.DataFrame, ctx: IngestContext) -> dict[str, Account | None]:
    named = {p for p in cells["_platform"].drop_nulls().unique().to_list()}
    if cells["_platform"].null_count():
        platform = _meta_platform(ctx)
        if platform is None:
            raise InputError(
                "this Meta Business Suite audience export does not say whether it is Facebook's "
                "or Instagram's: pass --account facebook:<id> or --account instagram:<id>"
            )
        named.add(platform)
    accounts = {platform: _chart_account(ctx, platform) for platform in sorted(named)}
    if not any(accounts.values()):
        raise InputError(
            f"this {' and '.join(accounts)} audience export does not name its account: pass "
            + " or ".join(f"--account {platform}:<id>" for platform in accounts)
        )
    return accounts


def _parse_audience_cells(cells: pl.DataFrame) -> pl.DataFrame:
    """Parse every value cell by its kind; `_reason` says why a cell is not a value."""
    text = pl.col("text")
    share = parse_percent_points("text", "en")
    count = parse_count("text", "en")
    day = _chart_date("bucket", "en")
    is_share = pl.col("_kind").is_in(["gender_age", "city", "country"])
    cells = cells.with_columns(
        pl.when(is_share).then(share).alias("share"),
        pl.when(~is_share).then(count).alias("count"),
        pl.when(pl.col("_kind") == "followers_gained").then(day).alias("date"),
    )
    parsed = pl.when(is_share).then(pl.col("share")).otherwise(pl.col("count").cast(pl.Float64))
    kind = pl.when(is_share).then(pl.lit("percentage")).otherwise(pl.lit("whole number"))
    reason = (
        pl.when(text.str.contains(_SPREADSHEET_DATE))
        .then(
            pl.format(
                "'{}' ({}) is a number a spreadsheet program turned into a date: the value is lost",
                text,
                pl.col("_label"),
            )
        )
        .when(invalid_number("text", parsed))
        .then(pl.format("'{}' ({}) is not a {}", text, pl.col("_label"), kind))
        .when((pl.col("_kind") == "followers_gained") & pl.col("date").is_null())
        .then(pl.format("'{}' in the '{}' chart is not a date", pl.col("bucket"), pl.col("_title")))
    )
    return cells.with_columns(reason.alias("_reason"))


def normalize_audience(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map the stacked audience sections to `core.audience` and `core.account_daily`."""
    as_of, note = snapshot_date(ctx.source_name, ctx.as_of)
    found = _Found([], {})
    for block in _audience_blocks(parsed):
        _section_cells(block, found)
    cells = pl.DataFrame(
        found.cells,
        schema={
            "_row": pl.Int64,
            "_title": pl.String,
            "_platform": pl.String,
            "_kind": pl.String,
            "bucket": pl.String,
            "text": pl.String,
        },
    ).with_columns(
        pl.format("{} {}", "_title", "bucket").str.strip_chars().alias("_label"),
    )
    accounts = _audience_platforms(cells, ctx)
    fallback = _meta_platform(ctx)
    cells = cells.with_columns(pl.col("_platform").fill_null(pl.lit(fallback, pl.String)))
    cells = _parse_audience_cells(cells).filter(pl.col("text") != "")
    ids = {platform: account.account_id for platform, account in accounts.items() if account}
    missing = [platform for platform, account in accounts.items() if account is None]
    cells = cells.with_columns(
        pl.col("_platform")
        .replace_strict(ids, default=None, return_dtype=pl.String)
        .alias("account_id"),
        pl.when(pl.col("_platform").is_in(missing))
        .then(
            pl.format(
                "no {} account for this section: configure one or pass --account {}:<id>",
                "_platform",
                "_platform",
            )
        )
        .otherwise(pl.col("_reason"))
        .alias("_reason"),
    )
    notes = [note, *_workspace_note(ctx, [a for a in accounts.values() if a is not None])]
    above = cells.filter(pl.col("_row").is_null())
    for title, text, reason in above.select("_title", "text", "_reason").iter_rows():
        notes.append(
            f"'{title}' {text} (above the first table)"
            + (f" not loaded: {reason}" if reason else f" loaded as followers_total on {as_of}")
        )
    cells = cells.filter(pl.col("_reason").is_null() | pl.col("_row").is_not_null())
    bad = (
        cells.filter(pl.col("_reason").is_not_null() & pl.col("_row").is_not_null())
        .group_by("_row", maintain_order=True)
        .agg(pl.col("_reason").str.join("; "))
        .with_columns(
            pl.when(pl.col("_reason").str.contains("spreadsheet program", literal=True))
            .then(
                pl.format(
                    "{} (re-export from Meta Business Suite without opening the file in a "
                    "spreadsheet)",
                    "_reason",
                )
            )
            .otherwise(pl.col("_reason"))
            .alias("_reason")
        )
    )
    quarantine = bad.join(parsed.frame.select(ROW, RAW), on=ROW).select(
        pl.col(ROW).alias("row_number"),
        pl.col("_reason").alias("reason"),
        raw_json(parsed.frame).alias("raw"),
    )
    good = cells.filter(~pl.col("_row").is_in(bad["_row"].implode()) | pl.col("_row").is_null())
    good = good.filter(pl.col("_reason").is_null())
    loaded_rows = good.filter(pl.col("_row").is_not_null())["_row"].unique()
    taken = {*loaded_rows.to_list(), *bad["_row"].to_list()}
    skipped = {row: reason for row, reason in found.skipped.items() if row not in taken}
    for row in parsed.frame["_row"].to_list():
        if row not in taken and row not in skipped:
            skipped[row] = "no value in it"
    for reason, rows in Counter(skipped.values()).items():
        notes.append(f"{rows} rows skipped: {reason}")
    audience = good.filter(pl.col("_kind").is_in(["gender_age", "city", "country"])).select(
        pl.col("_platform").alias("platform"),
        "account_id",
        pl.lit(as_of).alias("as_of_date"),
        pl.lit("followers").alias("measure"),
        pl.col("_kind").alias("dimension"),
        "bucket",
        pl.lit(None, pl.Float64).alias("value"),
        "share",
    )
    audience, duplicates = drop_duplicate_keys(
        audience, ["platform", "account_id", "dimension", "bucket"]
    )
    daily = good.filter(pl.col("_kind").is_in(["followers_total", "followers_gained"])).select(
        pl.col("_platform").alias("platform"),
        "account_id",
        pl.col("date").fill_null(pl.lit(as_of)),
        pl.col("_kind").alias("metric"),
        pl.col("count").alias("value"),
    )
    daily, daily_duplicates = drop_duplicate_keys(daily, _DAILY_KEY)
    daily_frame = _daily_from_long(daily)
    used = [account for account in accounts.values() if account is not None]
    kept = pl.DataFrame({"_row": loaded_rows}, schema={"_row": pl.Int64})
    return assemble(
        "meta_business_suite_audience",
        "+".join(sorted(account.platform for account in used)),
        parsed,
        kept,
        quarantine,
        {
            "account": account_frame(used),
            "audience": conform(audience, AUDIENCE.columns),
            "account_daily": daily_frame,
        },
        skipped=len(skipped),
        notes=(*notes, *(["in-file duplicates dropped"] if duplicates + daily_duplicates else [])),
    )


AUDIENCE_EXPORT = FormatSpec(
    name="meta_business_suite_audience",
    platform="instagram",
    title="Meta Business Suite audience export (stacked sections: age and gender, cities, ...)",
    columns={"en": {"women": ("Women", "Mujeres"), "men": ("Men", "Hombres")}},
    required=("women", "men"),
    normalize=normalize_audience,
)


# --- Top content formats (Insights > Content overview > a card's export) -----------------------
#
# vsbperoto/vintage-analytics-dashboard `Top content formats.csv` (2025, re-saved by Excel with
# `;`): sections stacked in one file, each a title line (`Views`, `Content interactions`,
# `Published content`), a row of content formats (`Reels`, `Multi-photo`, `Links`, `Photos`,
# `Stories`, `Others`, `Text`, in the order of their size) and one row of totals over the period
# chosen in the UI. The period is not in the file and the totals are per format, not per day or
# post: no canonical table holds them. The export is recognised and its rows skipped with that
# reason, rather than refused as unknown.

_CONTENT_FORMATS = (
    "Reels",
    "Multi-photo",
    "Photos",
    "Links",
    "Stories",
    "Videos",
    "Text",
    "Others",
)


def normalize_top_content_formats(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Skip every row, naming the section and why Kunci has no table for it."""
    cells = [cell.strip() for record in parsed.preamble for cell in record if cell.strip()]
    title = next((cell for cell in cells if not cell.lower().startswith("sep=")), "")
    section = f"'{title}' and the sections under it" if title else "every section"
    platform = ctx.account.platform if ctx.account else "facebook"
    why = (
        f"Top content formats export: {section} hold totals per content format over a period "
        "the file does not state (no dates, no posts); Kunci has no table for them: "
        f"{parsed.rows_read} rows skipped. Export the content table or the daily "
        "charts instead"
    )
    return skip_every_row("meta_business_suite_top_content_formats", platform, parsed, (why,))


TOP_CONTENT_FORMATS = FormatSpec(
    name="meta_business_suite_top_content_formats",
    platform="facebook",
    title="Meta Business Suite Top content formats export (totals per format, no dates)",
    columns={"en": {name.lower(): (name,) for name in _CONTENT_FORMATS}},
    required=("reels", "photos"),
    normalize=normalize_top_content_formats,
    max_columns=len(_CONTENT_FORMATS),
)
