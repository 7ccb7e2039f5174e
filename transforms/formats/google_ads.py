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
named by its first headline, so ad_id = `Ad group / Headline 1`.
"""

import re
from datetime import date, datetime

import polars as pl

from transforms.context import IngestContext, Normalized, ParsedInput
from transforms.detect import FormatSpec
from transforms.formats.ads import (
    MEASURES,
    finish,
    first_cell,
    refuse_breakdowns,
    summary_rows,
    text,
    with_currencies,
)
from transforms.typed import date_field, parse_fields

_RANGE = re.compile(r"^(.+?)\s+[-–]\s+(.+)$")
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%Y-%m-%d")
_ACCOUNT_TOTAL = "Total: Account"
# Measures checked against the account total, with the rounding each data row may carry.
_CHECKED = {"spend": 0.005, "impressions": 0.0, "clicks": 0.0, "conversions": 0.005}


def _parse_date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _report_range(parsed: ParsedInput) -> tuple[date, date] | None:
    """The date range the title lines state (`July 8, 2025 - July 31, 2025`), if any."""
    for record in parsed.preamble:
        text = ",".join(record).strip().strip(",")
        match = _RANGE.match(text)
        start, end = (match.group(1), match.group(2)) if match else (text, text)
        first, last = _parse_date(start), _parse_date(end)
        if first is not None and last is not None:
            return first, last
    return None


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


def _total_notes(
    parsed: ParsedInput, data: pl.DataFrame, summaries: pl.DataFrame
) -> tuple[str, ...]:
    """Compare the `Total: Account` row with the sum of the data rows, measure by measure."""
    account = summaries.filter(first_cell() == _ACCOUNT_TOTAL)
    currencies = data["currency"].n_unique() if "currency" in data.columns else 1
    if account.height != 1 or currencies > 1:
        return ()
    differences = []
    for name, rounding in _CHECKED.items():
        if name not in data.columns or account[name][0] is None:
            continue
        stated, summed = account[name][0], data[name].sum()
        if abs(stated - summed) > rounding * (data.height + 1) + 1e-9:
            differences.append(f"{parsed.headers[name]} {stated} vs {round(summed, 2)}")
    if not differences:
        return ()
    return (
        f"the '{_ACCOUNT_TOTAL}' row differs from the sum of the data rows ("
        + ", ".join(differences)
        + "): the report leaves rows out (e.g. removed ads) or rows were edited",
    )


def normalize_report(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map report rows to daily (`Day`) or period ad facts, skipping the `Total:` rows."""
    refuse_breakdowns(parsed)
    frame = parse_fields(parsed, {**MEASURES, "date": date_field("%Y-%m-%d", *_DATE_FORMATS)})
    summary = frame.select(summary_rows().fill_null(False)).to_series()
    data, summaries = frame.filter(~summary), frame.filter(summary)
    notes = _total_notes(parsed, data, summaries)
    if "headline" in data.columns:
        names = [text(name) for name in ("ad_name", "headline") if name in data.columns]
        data = data.with_columns(pl.coalesce(names).alias("ad_name"))
    period, period_notes = (None, ()) if "date" in data.columns else _period(parsed, ctx)
    missing = (
        "no date"
        if "date" in data.columns
        else "the report states no date range above its header: pass --period"
    )
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
    },
    required=("campaign_name", "spend", "impressions"),
    normalize=normalize_report,
)
