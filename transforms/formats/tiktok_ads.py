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
"""

from datetime import date

from transforms.context import IngestContext, Normalized, ParsedInput
from transforms.dates import dates_in_name
from transforms.detect import FormatSpec
from transforms.formats.ads import (
    MEASURES,
    finish,
    refuse_breakdowns,
    skip_summaries,
    with_currencies,
)
from transforms.typed import date_field, parse_fields


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
        else "export without a date range (no By Day column): pass --period",
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
            "ad_set_id": ("Ad group ID",),
            "ad_set_name": ("Ad group name",),
            "ad_id": ("Ad ID",),
            "ad_name": ("Ad name",),
            "objective": ("Objective", "Advertising objective"),
            "result_type": ("Result type",),
            "currency": ("Currency",),
            "date": ("By Day", "Date", "Day"),
            "spend": with_currencies("Cost", "Total cost"),
            "impressions": ("Impressions", "Impression"),
            "reach": ("Reach",),
            "clicks": ("Clicks (all)", "Clicks", "Click"),
            "link_clicks": ("Clicks (destination)",),
            "video_views": ("Video views",),
            "conversions": ("Conversions", "Complete payment", "Purchases"),
            "conversion_value": (
                "Total complete payment value",
                "Complete payment value",
                "Purchase value",
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
    },
    # Impressions are in every export but in many other platforms' too: as a required column they
    # would make every unknown export with impressions look "closest" to this one.
    required=("campaign_name", "spend"),
    normalize=normalize_report,
)
