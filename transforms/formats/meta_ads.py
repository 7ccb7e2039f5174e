"""Meta Ads Manager exports (Facebook and Instagram ads), English and Indonesian headers.

One row per campaign, ad set or ad with `Reporting starts` / `Reporting ends`; with the `Day`
breakdown (`Hari`) every row is one date (`core.ad_daily`), and so is a range of one day.
Otherwise the row aggregates its range (`core.ad_period`). The spend header names the currency:
`Amount spent (INR)`, `Jumlah yang dibelanjakan (IDR)`. Indonesian headers come with Indonesian
numbers (`1.234.567,89`).

Mapping (see `ads` for account, ids, currency and dates): spend = Amount spent; impressions,
reach; clicks = Clicks (all); link_clicks = Link clicks; video_views = 3-second video plays
(`Video plays at 100%` are completions, not views, and are not stored); leads = Leads;
conversions = Purchases; conversion_value = Purchases conversion value; result_type = Result type.
`Results` count whatever the row's result type is, so they feed a canonical column only by type,
and only where the export lacks that column: lead types (`Leads`, `On-Facebook leads`,
`Website leads`, `Prospek`, form submissions such as `form_submit`) → leads; purchase, conversion
and app-install types → conversions; `Link clicks` → link_clicks. Results of other types
(`Messaging conversations started`, `Reach`, ...) stay in `results` with their `result_type`
only. Rates and costs per result (CTR, CPC, cost per result, frequency) are
derived by the metric layer and not stored; link clicks are not recovered as spend / CPC because
both are rounded, so the quotient is an estimate, not a count.
"""

import polars as pl

from transforms.context import IngestContext, Normalized, ParsedInput
from transforms.detect import FormatSpec
from transforms.formats.ads import (
    MEASURES,
    finish,
    refuse_breakdowns,
    skip_summaries,
    with_currencies,
)
from transforms.typed import DECIMAL, date_field, parse_fields

_LEAD = r"lead|prospek|form[ _]?submi|formulir"
_CONVERSION = r"purchase|pembelian|conversion|konversi|install|pemasangan"
_LINK_CLICKS = r"^(link clicks|klik tautan)$"
_DATE = date_field("%Y-%m-%d", "%Y/%m/%d")


def _from_results(frame: pl.DataFrame) -> pl.DataFrame:
    """Feed leads, conversions or link clicks from `Results` by result type (see the docstring)."""
    if not {"results", "result_type"} <= set(frame.columns):
        return frame
    kind = pl.col("result_type").str.to_lowercase()
    lead = kind.str.contains(_LEAD)
    by_type = {
        "leads": (lead, pl.Float64),
        "conversions": (~lead & kind.str.contains(_CONVERSION), pl.Float64),
        "link_clicks": (kind.str.contains(_LINK_CLICKS), pl.Int64),
    }
    derived = frame.select(
        [
            pl.when(matches).then(pl.col("results").cast(dtype)).alias(name)
            for name, (matches, dtype) in by_type.items()
            if name not in frame.columns
        ]
    )
    # A column no row's result type feeds is not provided by this export: leave it out.
    return frame.hstack([column for column in derived if column.null_count() < column.len()])


def normalize_ads(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map Ads Manager rows to daily or reporting-range ad facts."""
    refuse_breakdowns(parsed)
    frame = parse_fields(
        parsed,
        {
            **MEASURES,
            "results": DECIMAL,
            "date": _DATE,
            "date_start": _DATE,
            "date_end": _DATE,
        },
    )
    frame, summaries = skip_summaries(frame)
    return finish(
        parsed,
        ctx,
        _from_results(frame),
        format_name="meta_ads_manager",
        platform="meta",
        missing_dates=f"no date: '{parsed.headers['date_start']}' or "
        f"'{parsed.headers['date_end']}' is empty",
        skipped=summaries,
    )


ADS_MANAGER = FormatSpec(
    name="meta_ads_manager",
    platform="meta",
    title="Meta Ads Manager export (campaigns, ad sets or ads, with Reporting starts/ends)",
    columns={
        "en": {
            "account_id": ("Account ID",),
            "campaign_id": ("Campaign ID",),
            "campaign_name": ("Campaign name",),
            "ad_set_id": ("Ad set ID",),
            "ad_set_name": ("Ad set name",),
            "ad_id": ("Ad ID",),
            "ad_name": ("Ad name", "Ads"),
            "objective": ("Objective",),
            "result_type": ("Result type",),
            "results": ("Results",),
            "currency": ("Currency",),
            "date": ("Day",),
            "date_start": ("Reporting starts",),
            "date_end": ("Reporting ends",),
            "spend": with_currencies("Amount spent"),
            "impressions": ("Impressions",),
            "reach": ("Reach",),
            "clicks": ("Clicks (all)",),
            "link_clicks": ("Link clicks",),
            "video_views": ("3-second video plays",),
            "leads": ("Leads",),
            "conversions": ("Purchases",),
            "conversion_value": ("Purchases conversion value", "Purchase conversion value"),
            "breakdown": (
                "Age",
                "Gender",
                "Platform",
                "Placement",
                "Device platform",
                "Impression device",
                "Region",
                "Country",
                "DMA region",
                "Time of day (ad account time zone)",
                "Time of day (viewer's time zone)",
                "Week",
                "Month",
            ),
        },
        "id": {
            "account_id": ("ID akun",),
            "campaign_id": ("ID kampanye",),
            "campaign_name": ("Nama kampanye",),
            "ad_set_id": ("ID set iklan",),
            "ad_set_name": ("Nama set iklan",),
            "ad_id": ("ID iklan",),
            "ad_name": ("Nama iklan", "Iklan"),
            "objective": ("Tujuan",),
            "result_type": ("Jenis hasil",),
            "results": ("Hasil",),
            "currency": ("Mata uang",),
            "date": ("Hari",),
            "date_start": ("Awal pelaporan",),
            "date_end": ("Akhir pelaporan",),
            "spend": with_currencies("Jumlah yang dibelanjakan"),
            "impressions": ("Impresi",),
            "reach": ("Jangkauan",),
            "clicks": ("Klik (semua)",),
            "link_clicks": ("Klik tautan",),
            "leads": ("Prospek",),
            "conversions": ("Pembelian",),
            "conversion_value": ("Nilai konversi pembelian",),
            "breakdown": (
                "Usia",
                "Jenis kelamin",
                "Platform",
                "Penempatan",
                "Wilayah",
                "Negara",
                "Minggu",
                "Bulan",
            ),
        },
    },
    required=("spend", "date_start", "date_end"),
    normalize=normalize_ads,
)
