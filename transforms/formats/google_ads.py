"""Google Ads UI report downloads (campaign, ad group and ad reports), CSV or XLSX.

The download puts the report title on line 1 and its date range on line 2
(`"July 8, 2025 - July 31, 2025"`) above the header; `--` stands for "not applicable"; counts
carry thousands separators (`"25,881"`); the currency is a `Currency code` column; `Total: …`
rows (account, campaign types, "All but removed ads") follow the data. Total rows are skipped and
counted, never loaded; the `Total: Account` row is compared with the sum of the data rows and a
difference is noted (a report filtered to "all but removed" ads sums to less than the account).
With a `Day` column the rows are daily (`core.ad_daily`); otherwise they aggregate the title's
range (`core.ad_period`), or `--period` when the title states none.

Mapping: spend = Cost; impressions = Impr.; clicks = Clicks; video_views = Views / TrueView views;
conversions = Conversions (not `All conv.` nor the "Platform Comparable" columns, which count
differently); conversion_value = Conv. value. `Interactions` are not clicks (they include video
views and engagements), so a report without `Clicks` has NULL clicks. `Campaign type` is not an
objective and is not stored. Campaign and ad group are named, not numbered, unless the report adds
`Campaign ID` / `Ad group ID` / `Ad ID`; an ad without an id or name (responsive search ads) is
named by its first headline, so ad_id = `Ad group / Headline 1`. A search keyword report has no
ads: each keyword stands in the ad's place, ad_id = `Ad group / Keyword` (the keyword as written,
whose `[exact]` / `"phrase"` marks keep its match types apart).

Layouts (real downloads, see the DECISIONLOG): "CSV" is UTF-8 with commas, "CSV for Excel" is
UTF-16 with tabs, both named `.csv`. The date line is in the interface's date style (`July 8, 2025
- July 31, 2025`, UK `27 January 2026 - 23 February 2026`) or `All time`, which states no dates:
such a report is quarantined asking for `--period`, saying it covers all time. `Total:` labels may
sit in the first cell or, in keyword reports, in the third ('Total: AI Max expanded matches'). A
column name may repeat (`Currency code` twice): the first is read. Amounts may carry the currency's
mark (`US$1.92`, `£9,380.00`, `₹25,881`): the mark is dropped and names the row's currency when the
report has no `Currency code` column (a bare `$` names none); a mark contradicting the currency
column quarantines the row.

The `Total: Account` check: the data rows must add up to the report's own total (its first `Total:`
row: `Total: Campaigns`, `Total: All but removed ads`, `Total: Keywords in your account`); the
account total is larger whenever the account holds what the report does not list (removed items,
or campaign types without keywords or ad groups such as Performance Max), which is noted as such.

An asset report (`Asset type`: sitelinks, callouts, images) is recognised and its rows skipped: an
asset is credited with the clicks and cost of every ad it served with, so its rows overlap.

Spanish downloads (`Informe de campaña`, evidence: a public reader of real es-PE downloads) name
the columns `Campaña`, `Coste`/`Costo`, `Impr.`, `Clics`, `Conversiones`, `Código de moneda`,
`Día`, the account total `Total: Cuenta`, and the range in Spanish words (`1 de julio de 2026 -
20 de septiembre de 2026`, read with the month names of the cells' own language). Their numbers
follow the region: `8651,95` / `1.247` (Spain, Peru) or `8,651.95` (Mexico); the style is taken
from the file's own cost cells, so a cost is never read a thousand times off.

Overview page card downloads (`Time series`, `Devices`, ...) carry account totals by day or device
without campaigns: recognised (`google_ads_overview`), their rows skipped with that reason, since
beside a campaign report the same spend would count twice.
"""

import re
from dataclasses import replace
from datetime import date, datetime

import polars as pl

from transforms.canonical.typed import REASON, date_field, flag, parse_fields
from transforms.context import RAW, IngestContext, Normalized, ParsedInput
from transforms.errors import InputError
from transforms.format_spec import FormatSpec
from transforms.formats.ads import (
    MEASURES,
    finish,
    refuse_breakdowns,
    summary_rows,
    text,
    with_currencies,
)
from transforms.formats.skipped import skip_every_row
from transforms.values.dates import read_named_dates

_RANGE = re.compile(r"^(.+?)\s+[-–]\s+(.+)$")
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d")
_ALL_TIME = "all time"
_ACCOUNT_TOTAL = "Total: Account"
_ACCOUNT_TOTALS = (_ACCOUNT_TOTAL, "Total: Cuenta")  # English, Spanish
_TOTAL_LABEL = r"^\s*Total:"
# Currency marks Google Ads writes before amounts, by the currency they name (`$` names none).
_MARKS = {
    "US$": "USD",
    "CA$": "CAD",
    "A$": "AUD",
    "NZ$": "NZD",
    "S$": "SGD",
    "HK$": "HKD",
    "MX$": "MXN",
    "R$": "BRL",
    "£": "GBP",
    "€": "EUR",
    "₹": "INR",
    "Rp": "IDR",
    "RM": "MYR",
    "₱": "PHP",
    "฿": "THB",
    "₫": "VND",
    "¥": "JPY",
    "₩": "KRW",
    "$": "",
}
_MARK = "|".join(re.escape(mark) for mark in sorted(_MARKS, key=len, reverse=True))
_MONEY = ("spend", "conversion_value")
# Measures checked against the account total, with the rounding each data row may carry.
_CHECKED = {"spend": 0.005, "impressions": 0.0, "clicks": 0.0, "conversions": 0.005}


def _parse_date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _all_time(parsed: ParsedInput) -> bool:
    """Whether the date line says `All time` (a report over the account's whole life)."""
    return any(
        ",".join(record).strip().strip(",").lower() == _ALL_TIME for record in parsed.preamble
    )


def _report_range(parsed: ParsedInput) -> tuple[date, date] | None:
    """The date range the title lines state (`July 8, 2025 - July 31, 2025`), if any.

    Other interface languages write the months in their own words (Spanish `1 de julio de 2026
    - 20 de septiembre de 2026`): those are read with the month names of the language the
    cells themselves are in (`transforms.values.dates.read_named_dates`).
    """
    for record in parsed.preamble:
        text = ",".join(record).strip().strip(",")
        match = _RANGE.match(text)
        start, end = (match.group(1), match.group(2)) if match else (text, text)
        first, last = _parse_date(start), _parse_date(end)
        if first is None or last is None:
            first, last = _named_dates(start, end)
        if first is not None and last is not None:
            return first, last
    return None


def _named_dates(start: str, end: str) -> tuple[date | None, date | None]:
    read = read_named_dates([start, end])
    parts = [read.read.get(cell.strip()) for cell in (start, end)]
    if read.ambiguous or any(part is None or part.year is None for part in parts):
        return None, None
    first, last = (date(p.year, p.month, p.day) for p in parts if p is not None and p.year)
    return first, last


def _period(
    parsed: ParsedInput, ctx: IngestContext
) -> tuple[tuple[date, date] | None, tuple[str, ...]]:
    """The report's own range wins over `--period`, which only fills in a missing range."""
    stated = _report_range(parsed)
    if stated is None:
        if ctx.period is None:
            return None, ()
        return ctx.period, ("date range from --period (the report states none)",)
    if ctx.period is not None and ctx.period != stated:
        return stated, (f"--period ignored: the report states {stated[0]} - {stated[1]}",)
    return stated, ()


def _summaries(frame: pl.DataFrame) -> pl.Expr:
    """`Total: …` rows, whether the label is in the first cell or (keyword reports) the third."""
    labelled = pl.any_horizontal(
        cell.str.contains(_TOTAL_LABEL).fill_null(False) for cell in _leading_cells(frame)
    )
    return summary_rows().fill_null(False) | labelled


def _label(summaries: pl.DataFrame) -> pl.Series:
    labels = [cell.str.strip_chars() for cell in _leading_cells(summaries)]
    return summaries.select(
        pl.coalesce(pl.when(label.str.contains(_TOTAL_LABEL)).then(label) for label in labels)
    ).to_series()


def _leading_cells(frame: pl.DataFrame) -> list[pl.Expr]:
    """The first three cells of each original record: a `Total:` label may sit in any."""
    return [pl.col(RAW).struct.field(name) for name in frame.get_column(RAW).struct.fields[:3]]


def _differences(parsed: ParsedInput, data: pl.DataFrame, total: dict[str, object]) -> list[str]:
    differences = []
    for name, rounding in _CHECKED.items():
        stated = total.get(name)
        if name not in data.columns or not isinstance(stated, int | float):
            continue
        summed = data[name].sum()
        if abs(stated - float(summed)) > rounding * (data.height + 1) + 1e-9:
            differences.append(f"{parsed.headers[name]} {stated} vs {round(summed, 2)}")
    return differences


def _total_notes(
    parsed: ParsedInput, data: pl.DataFrame, summaries: pl.DataFrame
) -> tuple[str, ...]:
    """Check the data rows against the report's own total, then against `Total: Account`."""
    currencies = data["currency"].n_unique() if "currency" in data.columns else 1
    if summaries.is_empty() or currencies > 1:
        return ()
    labels = _label(summaries).to_list()
    own_label, own = labels[0], summaries.row(0, named=True)
    notes = []
    account_label = next((label for label in labels if label in _ACCOUNT_TOTALS), None)
    if own_label not in _ACCOUNT_TOTALS:
        differences = _differences(parsed, data, own)
        if differences:
            notes.append(
                f"the data rows do not add up to the report's '{own_label}' row ("
                + ", ".join(differences)
                + "): rows were edited or left out"
            )
    if account_label is not None:
        account = summaries.row(labels.index(account_label), named=True)
        differences = _differences(parsed, data, account)
        if differences:
            notes.append(
                f"the '{account_label}' row differs from the sum of the data rows ("
                + ", ".join(differences)
                + "): the account holds what this report does not list (removed items, or "
                "campaigns without this report's rows, such as Performance Max)"
            )
    return tuple(notes)


def _amounts(frame: pl.DataFrame, parsed: ParsedInput) -> pl.DataFrame:
    """Drop currency marks from amounts (`US$1.92`); a mark names the row's currency."""
    money = [name for name in _MONEY if name in frame.columns]
    if not money:
        return frame
    pattern = rf"^\s*(-?)\s*({_MARK})\s*"
    marks = [
        pl.col(name).str.extract(pattern, 2).replace_strict(_MARKS, default=None) for name in money
    ]
    frame = frame.with_columns(
        pl.coalesce(marks).alias("_mark"),
        pl.lit(None, pl.String).alias(REASON),
        *[pl.col(name).str.replace(pattern, "${1}") for name in money],
    )
    if "currency" in frame.columns:
        header = parsed.headers["currency"]
        frame = flag(
            frame,
            (pl.col("_mark") != "")
            & (pl.col("_mark") != pl.col("currency").str.strip_chars().str.to_uppercase()),
            pl.format(
                f"an amount's currency mark names {{}}, column '{header}' says '{{}}'",
                "_mark",
                "currency",
            ),
        )
    else:
        frame = frame.with_columns(pl.col("_mark").replace("", None).alias("currency"))
    return frame.drop("_mark")


_POINT_DECIMALS = r"\d\.\d{2}$"
_COMMA_DECIMALS = r"\d,\d{2}$"


def _number_style(parsed: ParsedInput) -> ParsedInput:
    """The number style of a Spanish download, from its own cost cells.

    Google Ads writes numbers as the interface's region does: `8651,95` and `1.247` (Spain,
    Peru) or `8,651.95` (Mexico). The Spanish headers are matched with the comma-decimal style;
    when every cost with cents is written `15.00`, the file is read in the point-decimal style.
    """
    if parsed.locale != "id" or "spend" not in parsed.frame.columns:
        return parsed
    cost = parsed.frame["spend"].str.strip_chars()
    point = cost.str.contains(_POINT_DECIMALS).sum()
    comma = cost.str.contains(_COMMA_DECIMALS).sum()
    return replace(parsed, locale="en") if point and not comma else parsed


def normalize_report(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map report rows to daily (`Day`) or period ad facts, skipping the `Total:` rows."""
    if "asset_type" in parsed.headers:
        return skip_every_row(
            "google_ads_asset_report",
            "google",
            parsed,
            (
                f"Google Ads asset report: {parsed.frame.height} asset rows skipped; an asset is "
                "credited with the clicks and cost of every ad it served with, so asset rows "
                "overlap and are not ad spend (download the Ad or Campaign report)",
            ),
        )
    refuse_breakdowns(parsed)
    parsed = _number_style(parsed)
    frame = _amounts(parsed.frame, parsed)
    reasons = frame[REASON] if REASON in frame.columns else None
    frame = parse_fields(
        replace(parsed, frame=frame.drop(REASON, strict=False)),
        {**MEASURES, "date": date_field("%Y-%m-%d", *_DATE_FORMATS)},
    )
    if reasons is not None:
        merged = pl.concat_str([reasons, frame[REASON]], separator="; ", ignore_nulls=True)
        frame = frame.with_columns(merged.replace("", None).alias(REASON))
    summary = frame.select(_summaries(frame)).to_series()
    data, summaries = frame.filter(~summary), frame.filter(summary)
    notes = _total_notes(parsed, data, summaries)
    label = next((name for name in ("headline", "keyword") if name in data.columns), None)
    if label is not None:
        names = [text(name) for name in ("ad_name", label) if name in data.columns]
        data = data.with_columns(pl.coalesce(names).alias("ad_name"))
    period, period_notes = (None, ()) if "date" in data.columns else _period(parsed, ctx)
    if "date" in data.columns:
        missing = "no date"
    elif _all_time(parsed):
        missing = "the report covers 'All time', which states no dates: pass --period"
    else:
        missing = "the report states no date range above its header: pass --period"
    return finish(
        parsed,
        ctx,
        data,
        format_name="google_ads_report",
        platform="google",
        missing_dates=missing,
        period=period,
        skipped=summaries.height,
        notes=notes + period_notes,
    )


def normalize_overview(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Recognise an Overview card download and skip its rows, saying why (module docstring)."""
    title = next((",".join(r).strip(", ") for r in parsed.preamble if any(r)), None)
    if title is None:
        raise InputError(
            "a table of Cost and Clicks without campaigns and without the Google Ads title and "
            "date lines: not a known export"
        )
    return skip_every_row(
        "google_ads_overview",
        "google",
        parsed,
        (
            f"Google Ads overview card '{title}': {parsed.frame.height} rows of account totals "
            "without campaigns skipped (beside a campaign report they would count twice); "
            "download the Campaigns report (segmented by Day) instead",
        ),
    )


REPORT = FormatSpec(
    name="google_ads_report",
    platform="google",
    title="Google Ads report download (campaign, ad group or ad report; Total rows skipped)",
    columns={
        "en": {
            "account_id": ("Customer ID",),
            "campaign_id": ("Campaign ID",),
            "campaign_name": ("Campaign",),
            "ad_set_id": ("Ad group ID",),
            "ad_set_name": ("Ad group",),
            "ad_id": ("Ad ID",),
            "ad_name": ("Ad name",),
            "headline": ("Headline 1", "Headline", "Long headline"),
            "keyword": ("Keyword", "Search keyword"),
            "asset_type": ("Asset type",),
            "currency": ("Currency code", "Currency"),
            "date": ("Day",),
            "spend": with_currencies("Cost"),
            "impressions": ("Impr.",),
            "clicks": ("Clicks",),
            "video_views": ("Views", "TrueView views", "Video views"),
            "conversions": ("Conversions",),
            "conversion_value": ("Conv. value", "Conversion value"),
            "breakdown": (
                "Device",
                "Network",
                "Network (with search partners)",
                "Top vs. Other",
                "Conversion action",
                "Conversion category",
                "Day of the week",
                "Hour of the day",
                "Week",
                "Month",
                "Quarter",
                "Year",
                "Country/Territory (User location)",
                "Gender",
                "Age",
            ),
        },
        # Spanish, as a public reader of real es-PE downloads names them ("Informe de campaña";
        # `Estado de la campaña,Campaña,Presupuesto,…,Coste,Impr.,CTR,CPC medio,Clics,
        # Conversiones`, `Total: Cuenta`, numbers `1.247`, `8651,95`). Keyed to the
        # comma-decimal number style; `_number_style` switches a point-decimal file.
        "id": {
            "campaign_id": ("ID de campaña",),
            "campaign_name": ("Campaña",),
            "ad_set_id": ("ID del grupo de anuncios",),
            "ad_set_name": ("Grupo de anuncios",),
            "ad_id": ("ID del anuncio",),
            "keyword": ("Palabra clave", "Palabra clave de búsqueda"),
            "currency": ("Código de moneda",),
            "date": ("Día",),
            "spend": with_currencies("Coste", "Costo"),
            "impressions": ("Impr.",),
            "clicks": ("Clics",),
            "conversions": ("Conversiones",),
            "conversion_value": ("Valor de conv.",),
            "breakdown": ("Semana", "Mes", "Trimestre", "Año", "Dispositivo"),
        },
    },
    required=("campaign_name", "spend", "impressions"),
    normalize=normalize_report,
)


OVERVIEW = FormatSpec(
    name="google_ads_overview",
    platform="google",
    title="Google Ads Overview card download (Time series, Devices: account totals, skipped)",
    columns={
        "en": {
            "date": ("Day", "Date"),
            "device": ("Device", "Devices"),
            "spend": with_currencies("Cost"),
            "impressions": ("Impr.", "Impressions"),
            "clicks": ("Clicks",),
            "conversions": ("Conversions",),
        },
    },
    required=("spend", "clicks"),
    normalize=normalize_overview,
)
