"""TikTok Ads Manager report exports (campaigns, ad groups or ads), CSV or XLSX.

With the `By Day` dimension (`Date`) each row is one date (`core.ad_daily`). Without it the rows
aggregate the report's range, which the file does not state inside: it comes from `--period`,
else from two dates in the file name (recorded in the notes), else the rows are quarantined.

Mapping: spend = Cost; impressions; reach; clicks = Clicks (all) (older exports: Clicks);
link_clicks = Clicks (destination) (clicks to the landing page, TikTok's counterpart of Meta's
link clicks); video_views = Video views (plays; the 2-/6-second and percentage views are not
stored); conversions = Conversions (the optimisation event), else Complete payment / Purchases;
conversion_value = Total complete payment value / Complete payment value / Purchase value
(`Total complete payment` alone is not mapped: exports disagree on whether it counts or sums);
leads = Leads / Form submissions; objective = Objective; result_type = Result type. Rates and
costs per result (CTR, CPC, CPM, CPA) are not stored.

GMV Max creative reports (TikTok Shop; English and Bahasa Indonesia interface, the latter from a
real export) list one row per creative of a product: campaign_id = Campaign ID (`ID Campaign`);
ad_set_id = Product ID (`ID produk`, GMV Max has no ad groups: the product stands in their place);
ad_id = Video ID (`ID video`), and a product-card row (`Kartu produk`, video `N/A`) is identified
by its product id; ad_name = Video title (`Judul video`); spend = Cost (`Biaya`); impressions =
Product ad impressions (`Impresi iklan produk`); clicks = Product ad clicks (`Jumlah klik iklan
produk`); conversions = SKU orders (`Pesanan SKU`); conversion_value = Gross revenue (`Pendapatan
kotor`); currency = Currency (`Mata uang`). Status (`Ditayangkan`, `Dalam antrean`, ...),
authorisation type, post time, ROI, rates and view rates are not stored. Every cell of that
download is an Excel text formula (`="…"`), unwrapped when the file is read
(`transforms.container.delimited.unwrap_text_formulas`), so 19-digit ids stay text.

Numbers: TikTok Ads Manager writes numbers with a decimal point in every interface language
(`161074.000` Rupiah in the Indonesian export), so they are read that way whatever the header
language; reading `14.000` Indonesian-style would make 14 Rupiah fourteen thousand.
"""

from dataclasses import replace
from datetime import date

from transforms.canonical.typed import date_field, parse_fields
from transforms.context import IngestContext, Normalized, ParsedInput
from transforms.format_spec import FormatSpec
from transforms.formats.ads import (
    MEASURES,
    finish,
    refuse_breakdowns,
    skip_summaries,
    with_currencies,
)
from transforms.values.dates import dates_in_name


def _period(ctx: IngestContext) -> tuple[tuple[date, date] | None, tuple[str, ...]]:
    """`--period`, else the first and last date in the file name (noted), else none."""
    if ctx.period is not None:
        return ctx.period, ()
    found = dates_in_name(ctx.source_name)
    if len(found) < 2:
        return None, ()
    first, last = min(found), max(found)
    return (first, last), (f"date range {first} - {last} taken from the file name",)


def normalize_report(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map report rows to daily (`By Day`) or period ad facts."""
    refuse_breakdowns(parsed)
    parsed = replace(parsed, locale="en")  # numbers use a decimal point in every UI language
    frame = parse_fields(parsed, {**MEASURES, "date": date_field("%Y-%m-%d", "%Y/%m/%d")})
    frame, summaries = skip_summaries(frame)
    daily = "date" in frame.columns
    period, notes = (None, ()) if daily else _period(ctx)
    return finish(
        parsed,
        ctx,
        frame,
        format_name="tiktok_ads_report",
        platform="tiktok",
        missing_dates="no date"
        if daily
        else "the export states no reporting period (no By Day column, no dates in the file name): "
        "pass --period",
        period=period,
        skipped=summaries,
        notes=notes,
    )


REPORT = FormatSpec(
    name="tiktok_ads_report",
    platform="tiktok",
    title="TikTok Ads Manager report export (campaigns, ad groups or ads)",
    columns={
        "en": {
            "account_id": ("Advertiser ID", "Account ID"),
            "campaign_id": ("Campaign ID",),
            "campaign_name": ("Campaign name",),
            "ad_set_id": ("Ad group ID", "Product ID"),
            "ad_set_name": ("Ad group name",),
            "ad_id": ("Ad ID", "Video ID"),
            "ad_name": ("Ad name", "Video title"),
            "objective": ("Objective", "Advertising objective"),
            "result_type": ("Result type",),
            "currency": ("Currency",),
            "date": ("By Day", "Date", "Day"),
            "spend": with_currencies("Cost", "Total cost"),
            "impressions": ("Impressions", "Impression", "Product ad impressions"),
            "reach": ("Reach",),
            "clicks": ("Clicks (all)", "Clicks", "Click", "Product ad clicks"),
            "link_clicks": ("Clicks (destination)",),
            "video_views": ("Video views",),
            "conversions": ("Conversions", "Complete payment", "Purchases", "SKU orders"),
            "conversion_value": (
                "Total complete payment value",
                "Complete payment value",
                "Purchase value",
                "Gross revenue",
            ),
            "leads": ("Leads", "Form submissions"),
            "breakdown": (
                "Age",
                "Gender",
                "Placement",
                "Country/Region",
                "Location",
                "Operating system",
                "Device",
                "Language",
                "By Hour",
                "By Week",
                "By Month",
            ),
        },
        # GMV Max creative report, Bahasa Indonesia interface (a real export, INDONESIAN_UI.md §4)
        "id": {
            "campaign_id": ("ID Campaign", "ID kampanye"),
            "campaign_name": ("Nama kampanye",),
            "ad_set_id": ("ID produk",),
            "ad_id": ("ID video",),
            "ad_name": ("Judul video",),
            "currency": ("Mata uang",),
            "spend": with_currencies("Biaya"),
            "impressions": ("Impresi iklan produk",),
            "clicks": ("Jumlah klik iklan produk",),
            "conversions": ("Pesanan SKU",),
            "conversion_value": ("Pendapatan kotor",),
        },
    },
    # Impressions are in every export but in many other platforms' too: as a required column they
    # would make every unknown export with impressions look "closest" to this one.
    required=("campaign_name", "spend"),
    normalize=normalize_report,
)
