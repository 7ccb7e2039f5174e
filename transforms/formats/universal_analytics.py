"""Google (Universal) Analytics report exports: traffic by source, before GA4 replaced it in 2023.

UA exports are still what an institution holds for 2019–2023. A report export has a `#` preamble
whose range line reads `# 20190101-20190131`; custom reports handed around often lost it. The
header names the dimensions (`Source / Medium`, or `Source` alone, `Campaign`, `Date` as
`20190101`, and others the table has no place for: `Page`, `Country`, `Device Category`) and the
metrics. With a `Date` column rows are daily (`core.web_traffic_daily`); without one they aggregate
the preamble's range, else `--period`'s, into `core.web_traffic_period` (no range: every row is
quarantined asking for `--period`). The property is the source's `web:` account.

Mapping (decided once, see the DECISIONLOG): sessions = `Sessions`; pageviews = `Pageviews` (custom
reports: `Page Views`); users = `Users`; conversions = `Goal Completions`; revenue = `Revenue` /
`Transaction Revenue` (a currency mark is dropped: the web tables hold no currency). UA gives a
bounce *rate* with two decimals (`32.30%`), so bounces = round(rate × sessions) per row; for rows
under 10,000 sessions that recovers the exact count, since the rate's rounding moves the product
by less than half a bounce. A `Source` without medium leaves medium `''`; an absent campaign is
`''` (a missing key part, never NULL).

Rows sharing a source (the report is split by page, country, device…) are summed to the table's
grain, all of them counting as loaded; users are NULL then (see `ga4_exports.to_grain`). A trailing
totals row (all dimensions empty) is skipped and counted. `Avg. Time on Page`, `Unique Page Views`
and other averages or unique counts have no canonical column and are not read.

Reports without a source (`ua_report`: All Pages, Landing Pages, Events, the `Day Index` series
of an Excel workbook's Dataset sheets) are recognised and their rows skipped, saying why: the
traffic objectives need sessions by source. The Excel (XLSX) export is a `Summary` sheet (view,
report, date range, links) and `Dataset1`, `Dataset2`, ...: the datasets are read, the summary
is named in the notes as not a table of data.
"""

from dataclasses import replace

import polars as pl

from transforms.canonical.typed import COUNT, DECIMAL, PERCENT, date_field, flag, parse_fields
from transforms.context import IngestContext, Normalized, ParsedInput
from transforms.errors import InputError
from transforms.format_spec import FormatSpec
from transforms.formats.ga4_exports import (
    no_source_reason,
    skip_report,
    web_traffic,
    without_totals,
)

# A currency mark before or after an amount: `$1,234.56`, `US$0.00`, `Rp1.234`, `12,00 €`, `EUR 5`.
_CURRENCY_MARK = r"^(?:[A-Z]{1,3}\$|[$€£₹¥]|Rp\.?|RM|[A-Z]{3})\s*|\s*(?:[$€£₹¥]|[A-Z]{3})$"


def _bounces(frame: pl.DataFrame) -> pl.DataFrame:
    """Bounces from the rate; a rate outside 0-100 % is no rate UA writes: quarantined."""
    if "bounce_rate" not in frame.columns:
        return frame
    rate = pl.col("bounce_rate")
    outside = (rate < 0) | (rate > 1)
    reason = pl.format("bounce rate {} is not a share of sessions (0-100 %)", rate)
    frame = flag(frame, outside, reason)
    bounces = (rate * pl.col("sessions")).round(0, mode="half_away_from_zero")
    kept = pl.when(outside).then(None).otherwise(bounces)
    return frame.with_columns(kept.cast(pl.Int64, strict=False).alias("bounces"))


def normalize_traffic(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map UA traffic rows to web-traffic facts at the table's grain, bounces from the rate."""
    if not {"source_medium", "source"} & parsed.headers.keys():
        raise InputError("Universal Analytics export has no 'Source / Medium' or 'Source' column")
    parsed, totals = without_totals(parsed)
    if "revenue" in parsed.frame.columns:
        revenue = pl.col("revenue").str.strip_chars().str.replace_all(_CURRENCY_MARK, "")
        parsed = replace(parsed, frame=parsed.frame.with_columns(revenue.str.strip_chars()))
    frame = parse_fields(
        parsed,
        {
            "date": date_field("%Y%m%d", "%Y-%m-%d"),
            "sessions": COUNT,
            "bounce_rate": PERCENT,
            "users": COUNT,
            "pageviews": COUNT,
            "conversions": DECIMAL,
            "revenue": DECIMAL,
        },
    )
    return web_traffic("ua_traffic", parsed, ctx, _bounces(frame), "", totals)


TRAFFIC = FormatSpec(
    name="ua_traffic",
    platform="web",
    title="Universal Analytics (UA) report export of traffic by source (sessions, bounce rate)",
    columns={
        "en": {
            "date": ("Date",),
            "source_medium": ("Source / Medium", "Source/Medium"),
            "source": ("Source",),
            "medium": ("Medium",),
            "campaign": ("Campaign",),
            "sessions": ("Sessions",),
            "bounce_rate": ("Bounce Rate",),
            "users": ("Users",),
            "pageviews": ("Pageviews", "Page Views"),
            "conversions": ("Goal Completions",),
            "revenue": ("Revenue", "Transaction Revenue"),
        },
        "id": {
            "date": ("Tanggal",),
            "source_medium": ("Sumber / Media", "Sumber/Media"),
            "source": ("Sumber",),
            "medium": ("Media",),
            "campaign": ("Kampanye",),
            "sessions": ("Sesi",),
            "bounce_rate": ("Rasio Pentalan",),
            "users": ("Pengguna",),
            "pageviews": ("Tampilan halaman", "Tampilan Laman"),
            "conversions": ("Penyelesaian Sasaran",),
            "revenue": ("Pendapatan",),
        },
    },
    required=("sessions", "bounce_rate"),
    normalize=normalize_traffic,
)


def normalize_report(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Recognise a UA report without a source (pages, events) and skip its rows, saying why."""
    dataset = parsed.sheet.lower().startswith("dataset")
    if not parsed.preamble and not dataset:
        raise InputError(
            f"a table by '{parsed.headers['dimension']}' without the Universal Analytics '#' "
            "preamble or Dataset sheet: not a known export"
        )
    return skip_report(parsed, "ua_report", no_source_reason(parsed, "Universal Analytics"))


REPORT = FormatSpec(
    name="ua_report",
    platform="web",
    title="Universal Analytics report without a source (pages, events, Day Index: rows skipped)",
    columns={
        "en": {
            "dimension": (
                "Page",
                "Page Title",
                "Landing Page",
                "Exit Page",
                "Day Index",
                "Event Category",
                "Event Action",
                "Event Label",
                "Page path level 1",
            ),
            "metric": (
                "Pageviews",
                "Unique Pageviews",
                "Entrances",
                "Sessions",
                "Users",
                "Total Events",
                "Unique Events",
            ),
        },
    },
    required=("dimension", "metric"),
    normalize=normalize_report,
)
