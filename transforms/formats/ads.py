"""What the ads-manager exports (Meta, Google Ads, TikTok) share: identity, currency and dates.

Each platform module maps its own headers and quirks, then hands `finish` a frame of canonical
field names; `finish` applies the rules that make the three platforms comparable in
`core.ad_daily` / `core.ad_period`:

- **Account.** The `--account` of the ads platform when given (a row whose own account id says
  otherwise is quarantined), else the export's account id column, else `''` (noted).
- **Identity.** campaign_id = the campaign id, else the campaign name. ad_id = the ad id, else the
  ad name qualified by its ad set / ad group name (`Ad set / Ad`), else the ad set / ad group
  (ad-set-level exports: the key has no ad set level), else `''` (campaign-level rows). Names
  are not unique: rows identified by name that share a key are told apart in file order,
  `Ad`, `Ad (2)`, ... (noted), because they are different ads; dropping one would lose spend.
  Records repeated verbatim are skipped as duplicates; ids repeated with different numbers keep
  the last row (skipped), as for every format.
- **Currency.** The row's currency column, else the ISO code in the spend header
  (`Amount spent (IDR)`, `Cost (USD)`), else the configured account's currency. Never converted;
  a row without a currency is quarantined, since an amount without one means nothing.
- **Dates.** A day column makes a daily row; so does a reporting range of one day. Any other
  range is a period row (`core.ad_period`), never split into days.
"""

import re
from datetime import date

import polars as pl

from transforms.canonical.accounts import sole_account
from transforms.canonical.schemas import AD_DAILY, AD_PERIOD
from transforms.canonical.typed import (
    COUNT,
    DECIMAL,
    FieldType,
    assemble,
    conform,
    drop_duplicate_keys,
    flag,
    require,
    skip_rows,
    split_quarantine,
)
from transforms.context import RAW, IngestContext, Normalized, ParsedInput
from transforms.errors import InputError
from transforms.values.numbers import PLACEHOLDERS

# ISO 4217 codes of the currencies ad accounts are billed in; headers carry them: `Cost (USD)`.
_CURRENCY_CODES = """
    AED ARS AUD BDT BGN BHD BOB BRL CAD CHF CLP CNY COP CRC CZK DKK DZD EGP EUR GBP GTQ HKD
    HNL HUF IDR ILS INR ISK JPY KES KRW KWD KZT LKR MAD MOP MXN MYR NGN NIO NOK NZD OMR PEN
    PHP PKR PLN PYG QAR RON RSD RUB SAR SEK SGD THB TRY TWD UAH USD UYU VES VND ZAR
"""

MEASURES: dict[str, FieldType] = {
    "spend": DECIMAL,
    "impressions": COUNT,
    "reach": COUNT,
    "clicks": COUNT,
    "link_clicks": COUNT,
    "video_views": COUNT,
    "conversions": DECIMAL,
    "conversion_value": DECIMAL,
    "leads": DECIMAL,
}

_TEXT_FIELDS = (
    "account_id",
    "campaign_id",
    "campaign_name",
    "ad_set_id",
    "ad_set_name",
    "ad_id",
    "ad_name",
    "objective",
    "result_type",
    "currency",
)

_KEY = ["ad_account_id", "campaign_id", "ad_id", "date", "date_start", "date_end"]
_SCIENTIFIC = r"^\d(\.\d+)?[eE]\+?\d+$"
_ISO_CODE = r"^[A-Z]{3}$"
_HEADER_CODE = re.compile(r"\(([A-Z]{3})\)\s*$")
_SUMMARY = r"(?i)^(total(:.*| of \d.*)?|results from \d.*)$"


def with_currencies(*names: str) -> tuple[str, ...]:
    """Aliases of a money column, bare and with every currency code: `Cost`, `Cost (USD)`, …."""
    return names + tuple(f"{name} ({code})" for name in names for code in _CURRENCY_CODES.split())


def first_cell() -> pl.Expr:
    """The first cell of each original record, where report UIs write `Total: …` labels."""
    return pl.col(RAW).struct[0].str.strip_chars()


def summary_rows() -> pl.Expr:
    """Summary rows a UI writes under the data (`Total`, `Total of 5 ads`, `Results from 9 ads`)."""
    return first_cell().str.contains(_SUMMARY)


def text(name: str) -> pl.Expr:
    """The column's trimmed text, with placeholders (`--`, `-`, empty) as null."""
    value = pl.col(name).str.strip_chars()
    placeholder = value.str.to_lowercase().is_in(PLACEHOLDERS)
    return pl.when(placeholder).then(None).otherwise(value).alias(name)


def skip_summaries(frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Drop the summary rows, returning how many (counted as skipped, never summed)."""
    return skip_rows(frame, summary_rows())


def refuse_breakdowns(parsed: ParsedInput) -> None:
    """Refuse exports split by age, placement, week...: one ad per date would span several rows."""
    header = parsed.headers.get("breakdown")
    if header is not None:
        raise InputError(
            f"column '{header}' splits each ad into several rows (a breakdown or time segment): "
            "export without it (by Day is fine)"
        )


def finish(
    parsed: ParsedInput,
    ctx: IngestContext,
    frame: pl.DataFrame,
    *,
    format_name: str,
    platform: str,
    missing_dates: str,
    period: tuple[date, date] | None = None,
    skipped: int = 0,
    notes: tuple[str, ...] = (),
) -> Normalized:
    """Resolve identity, currency and dates of parsed ad rows and split them into the ad tables.

    `frame` holds the parsed measures, the text fields present (ids, names, currency...), and
    `date` (a day column) or `date_start` / `date_end` (per-row reporting range); `period` is the
    range of an export whose rows carry none, and `missing_dates` the quarantine reason of a row
    left without dates.
    """
    frame = frame.with_columns([text(name) for name in _TEXT_FIELDS if name in frame.columns])
    for name in ("account_id", "campaign_id", "ad_set_id", "ad_id"):
        frame = _refuse_scientific(frame, parsed, name)
    frame, account_notes = _account(frame, parsed, ctx, platform)
    frame = _currency(frame, parsed, ctx, platform)
    frame = _dates(frame, period, missing_dates)
    frame = _identity(frame)
    kept, quarantine = split_quarantine(frame, keep_record=True)
    kept, repeated = _drop_repeated_records(kept)
    kept, numbered = _number_namesakes(kept)
    kept, duplicates = drop_duplicate_keys(kept, _KEY)
    kept = kept.with_columns(pl.lit(platform).alias("platform"))
    daily = kept.filter(pl.col("date").is_not_null())
    ranged = kept.filter(pl.col("date").is_null())
    tables = {
        table.name: conform(rows, table.columns)
        for table, rows in ((AD_DAILY, daily), (AD_PERIOD, ranged))
        if rows.height
    }
    if numbered:
        notes += (
            f"rows named like an earlier row of the same campaign and dates, numbered "
            f"'Name (2)', … in file order: {numbered} (export the ID columns to avoid this)",
        )
    return assemble(
        format_name,
        platform,
        parsed,
        kept,
        quarantine,
        tables,
        skipped=skipped + repeated + duplicates,
        notes=notes + account_notes,
    )


def _refuse_scientific(frame: pl.DataFrame, parsed: ParsedInput, name: str) -> pl.DataFrame:
    if name not in frame.columns:
        return frame
    header = parsed.headers.get(name, name)
    return flag(
        frame,
        pl.col(name).str.contains(_SCIENTIFIC),
        pl.format(
            f"column '{header}': '{{}}' is an ID a spreadsheet rounded to scientific notation "
            "(the ID is lost: re-export without opening the file in a spreadsheet)",
            pl.col(name),
        ),
    )


def _account(
    frame: pl.DataFrame, parsed: ParsedInput, ctx: IngestContext, platform: str
) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """Add `ad_account_id`: the hinted account, else the export's account column, else ''."""
    hinted = ctx.account if ctx.account is not None and ctx.account.platform == platform else None
    notes: tuple[str, ...] = ()
    if ctx.account is not None and hinted is None:
        notes = (f"--account {ctx.account.platform}:… is not a {platform} ad account: not used",)
    has_column = "account_id" in frame.columns
    if hinted is not None:
        if has_column:
            header = parsed.headers["account_id"]
            frame = flag(
                frame,
                _bare_id(pl.col("account_id")) != _bare_id(pl.lit(hinted.account_id)),
                pl.format(
                    f"column '{header}': '{{}}' is not the account given with --account "
                    f"({hinted.account_id})",
                    pl.col("account_id"),
                ),
            )
        return frame.with_columns(pl.lit(hinted.account_id).alias("ad_account_id")), notes
    if has_column:
        return frame.with_columns(pl.col("account_id").fill_null("").alias("ad_account_id")), notes
    only = sole_account(ctx, platform)
    if only is not None:  # the workspace's only ad account of the platform; the notes say so
        return frame.with_columns(pl.lit(only.account_id).alias("ad_account_id")), notes
    notes += (
        f"the export names no ad account and no --account {platform}:<id> was given: "
        "ad_account_id is ''",
    )
    return frame.with_columns(pl.lit("").alias("ad_account_id")), notes


def _bare_id(expr: pl.Expr) -> pl.Expr:
    """An account id without Meta's `act_` prefix and Google's dashes, for comparison only."""
    return expr.str.replace(r"^act_", "").str.replace_all("-", "", literal=True)


def _currency(
    frame: pl.DataFrame, parsed: ParsedInput, ctx: IngestContext, platform: str
) -> pl.DataFrame:
    """Set `currency` per row: its own column, the spend header's code, the account's currency."""
    configured = {
        account.account_id: account.currency
        for account in (*ctx.accounts, ctx.account)
        if account is not None and account.platform == platform and account.currency
    }
    spend_header = parsed.headers.get("spend", "")
    match = _HEADER_CODE.search(spend_header)
    in_header = match.group(1) if match else None
    sources = [pl.col("currency").str.to_uppercase()] if "currency" in frame.columns else []
    sources += [
        pl.lit(in_header, pl.String),
        pl.col("ad_account_id").replace_strict(configured, default=None, return_dtype=pl.String),
    ]
    frame = frame.with_columns(pl.coalesce(sources).alias("currency"))
    column = parsed.headers.get("currency", "currency")
    frame = flag(
        frame,
        ~pl.col("currency").str.contains(_ISO_CODE),
        pl.format(f"column '{column}': '{{}}' is not an ISO 4217 currency code", "currency"),
    )
    if in_header is not None:
        frame = flag(
            frame,
            pl.col("currency") != in_header,
            pl.format(
                f"column '{column}': '{{}}' contradicts the currency of '{spend_header}'",
                "currency",
            ),
        )
    return require(
        frame,
        pl.col("currency").is_not_null(),
        "no currency: the export has no currency column or code in the spend header, and the "
        "account has no currency in kunci.toml",
    )


def _dates(frame: pl.DataFrame, period: tuple[date, date] | None, missing: str) -> pl.DataFrame:
    """Set `date` for daily rows and `date_start`/`date_end` for ranges; flag rows with neither."""
    columns = frame.columns
    if period is not None and not {"date", "date_start"} & set(columns):
        frame = frame.with_columns(
            pl.lit(period[0]).alias("date_start"), pl.lit(period[1]).alias("date_end")
        )
        columns = frame.columns
    start = pl.col("date_start") if "date_start" in columns else pl.lit(None, pl.Date)
    end = pl.col("date_end") if "date_end" in columns else pl.lit(None, pl.Date)
    day = pl.col("date") if "date" in columns else pl.lit(None, pl.Date)
    frame = frame.with_columns(
        pl.coalesce(day, pl.when(start == end).then(start)).alias("date"),
        start.alias("date_start"),
        end.alias("date_end"),
    )
    ranged = pl.col("date_start").is_not_null() & pl.col("date_end").is_not_null()
    frame = require(frame, pl.col("date").is_not_null() | ranged, missing)
    return require(
        frame,
        ~(ranged & (pl.col("date_start") > pl.col("date_end"))),
        "reporting range ends before it starts",
    )


def _identity(frame: pl.DataFrame) -> pl.DataFrame:
    """Set campaign_id and ad_id from ids, else names; `_named` marks keys built from names."""

    def column(name: str) -> pl.Expr:
        return pl.col(name) if name in frame.columns else pl.lit(None, pl.String)

    labelled = pl.when(column("ad_name").is_not_null()).then(
        pl.concat_str(
            [column("ad_set_name"), column("ad_name")], separator=" / ", ignore_nulls=True
        )
    )
    ad_id = pl.coalesce(column("ad_id"), labelled, column("ad_set_id"), column("ad_set_name"))
    named = pl.when(ad_id.is_not_null()).then(
        column("ad_id").is_null()
        & (column("ad_set_id").is_null() | column("ad_name").is_not_null())
    )
    frame = frame.with_columns(
        pl.coalesce(column("campaign_id"), column("campaign_name")).alias("campaign_id"),
        ad_id.fill_null("").alias("ad_id"),
        named.fill_null(column("campaign_id").is_null()).alias("_named"),
    )
    return require(frame, pl.col("campaign_id").is_not_null(), "no campaign name or ID")


def _drop_repeated_records(frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Skip records repeated verbatim (a copy-pasted row), keeping the first."""
    unique = frame.unique(subset=[RAW], keep="first", maintain_order=True)
    return unique, frame.height - unique.height


def _number_namesakes(frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Tell apart rows keyed by names that share a key: the 2nd becomes `Name (2)`, and so on."""
    rank = pl.col("_row").rank("ordinal").over(_KEY)
    renamed = pl.col("_named") & (rank > 1)
    suffix = pl.format(" ({})", rank)
    at_ad_level = pl.col("ad_id") != ""
    frame = frame.with_columns(
        pl.when(renamed & at_ad_level)
        .then(pl.concat_str([pl.col("ad_id"), suffix]))
        .otherwise(pl.col("ad_id"))
        .alias("ad_id"),
        pl.when(renamed & ~at_ad_level)
        .then(pl.concat_str([pl.col("campaign_id"), suffix]))
        .otherwise(pl.col("campaign_id"))
        .alias("campaign_id"),
        renamed.alias("_renamed"),
    )
    return frame.drop("_renamed"), int(frame["_renamed"].sum())
