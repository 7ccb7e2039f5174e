"""Paid media in IDR: Meta Ads Manager (Indonesian interface), Google Ads and TikTok Ads Manager.

Each platform runs an always-on campaign over the period and the `kemerdekaan_2026` campaign over
the campaign window (10-24 August), whose name is also its `utm_campaign`, so ads and web sessions
of the campaign meet in the leads funnel. Exports, as the platforms write them:

- Meta: one ad-level export by day (`Hari`) with Indonesian headers and numbers (`1.234.567,89`);
  the lead campaign's `Hasil` count `Prospek (formulir)` results (its leads), the traffic
  campaign's count link clicks. And an English campaign-level export for the campaign window
  without a day breakdown (a period fact, with the window's own reach).
- Google Ads: a campaign report by day for the period and one without days for August (a period
  fact), each with the title and date-range lines above the header and `Total: …` rows below.
- TikTok Ads: an ad-level report by day with conversions (website registrations) and leads (form
  submissions).

Within a day the numbers nest as the platforms count them: reach ≤ impressions, link clicks ≤ all
clicks ≤ impressions, leads and conversions ≤ link clicks; spend follows the budget and the buzz.
"""

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from demo.common import (
    CAMPAIGN,
    CAMPAIGN_DAYS,
    END,
    MONTHS,
    START,
    Language,
    amount,
    buzz,
    csv_bytes,
    csv_text,
    demo_days,
    grouped,
    is_weekend,
    long_date,
    noise,
    whole,
)

_EVERGREEN_START = date(2026, 7, 6)  # the always-on campaigns start on the first Monday
_GOOGLE_PERIOD = (date(2026, 8, 1), date(2026, 8, 31))


@dataclass(frozen=True)
class Ad:
    """One ad of a campaign: its ad set (ad group), name and share of the campaign's budget."""

    ad_set: str
    name: str
    weight: float
    video: bool


@dataclass(frozen=True)
class Campaign:
    """One campaign: flight, daily budget (IDR) and the rates its delivery converts at."""

    platform: str  # ads platform code: meta, google, tiktok
    name: str
    objective: str  # as the platform labels it (Meta: the result type)
    kind: str  # Google Ads campaign type, TikTok objective
    first: date
    last: date
    budget: float
    cpm: float  # IDR per 1,000 impressions
    ctr: float  # link clicks per impression
    lead_rate: float  # leads per link click (0: the campaign collects none)
    conversion_rate: float  # conversions per link click
    ads: tuple[Ad, ...]


@dataclass(frozen=True)
class AdDay:
    """One ad's delivery on one day, as the platform counts it."""

    campaign: Campaign
    ad: Ad
    day: date
    spend: float
    impressions: int
    reach: int
    clicks: int  # all clicks
    link_clicks: int
    video_views: int
    leads: int
    conversions: int
    conversion_value: float


CAMPAIGNS = (
    Campaign(
        "meta",
        "evergreen_destinasi",
        "Klik tautan",
        "Lalu lintas",
        _EVERGREEN_START,
        END,
        180_000,
        18_000,
        0.011,
        0.0,
        0.0,
        (
            Ad("Minat Wisata 25-44", "Reels Danau Toba", 0.55, True),
            Ad("Minat Wisata 25-44", "Carousel 5 Destinasi", 0.45, False),
        ),
    ),
    Campaign(
        "meta",
        CAMPAIGN,
        "Prospek (formulir)",
        "Prospek",
        *CAMPAIGN_DAYS,
        1_500_000,
        24_000,
        0.013,
        0.09,
        0.0,
        (
            Ad("Jabodetabek 18-44", "Video Semarak Agustusan", 0.4, True),
            Ad("Jabodetabek 18-44", "Formulir Paket Wisata Merdeka", 0.35, False),
            Ad("Indonesia 25-54", "Carousel Merah Putih", 0.25, False),
        ),
    ),
    Campaign(
        "google",
        "Search - Destinasi Nusantara",
        "Conversions",
        "Search",
        START,
        END,
        250_000,
        90_000,
        0.06,
        0.0,
        0.04,
        (Ad("", "", 1.0, False),),
    ),
    Campaign(
        "google",
        CAMPAIGN,
        "Conversions",
        "Demand Gen",
        *CAMPAIGN_DAYS,
        900_000,
        15_000,
        0.009,
        0.0,
        0.03,
        (Ad("", "", 1.0, True),),
    ),
    Campaign(
        "tiktok",
        "evergreen_video_destinasi",
        "Video views",
        "Video views",
        _EVERGREEN_START,
        END,
        120_000,
        8_000,
        0.005,
        0.0,
        0.0,
        (
            Ad("Minat Travel 18-34", "Video Pantai Pink", 0.5, True),
            Ad("Minat Travel 18-34", "Video Kawah Ijen", 0.5, True),
        ),
    ),
    Campaign(
        "tiktok",
        CAMPAIGN,
        "Lead generation",
        "Lead generation",
        *CAMPAIGN_DAYS,
        1_000_000,
        11_000,
        0.008,
        0.07,
        0.02,
        (
            Ad("Gen Z Jawa-Bali", "Tantangan #Kemerdekaan2026", 0.6, True),
            Ad("Gen Z Jawa-Bali", "Upacara di Labuan Bajo", 0.4, True),
        ),
    ),
)


def ad_days(rng: random.Random, campaigns: Sequence[Campaign] = CAMPAIGNS) -> list[AdDay]:
    """Every ad's delivery on every day of its campaign's flight."""
    return [
        _deliver(rng, campaign, ad, day)
        for campaign in campaigns
        for day in demo_days(campaign.first, campaign.last)
        for ad in campaign.ads
    ]


def _deliver(rng: random.Random, campaign: Campaign, ad: Ad, day: date) -> AdDay:
    """One ad-day: spend from the budget, impressions from the CPM, the rest nested in them.

    The campaign's budget rises with the buzz around Independence Day and its audience clicks
    more then; weekends lift the always-on social campaigns.
    """
    lift = buzz(day)
    weekend = 1.1 if is_weekend(day) and campaign.platform != "google" else 1.0
    spend = round(
        campaign.budget * ad.weight * weekend * (0.75 + 0.25 * lift) * noise(rng, 0.12), 2
    )
    impressions = whole(spend / campaign.cpm * 1000 * noise(rng, 0.1))
    link_clicks = min(
        whole(impressions * campaign.ctr * (0.8 + 0.2 * lift) * noise(rng, 0.2)), impressions
    )
    clicks = (
        link_clicks if campaign.platform == "google" else whole(link_clicks * rng.uniform(1.4, 2.1))
    )
    leads = whole(link_clicks * campaign.lead_rate * noise(rng, 0.25))
    conversions = whole(link_clicks * campaign.conversion_rate * noise(rng, 0.3))
    return AdDay(
        campaign=campaign,
        ad=ad,
        day=day,
        spend=spend,
        impressions=impressions,
        reach=whole(impressions / rng.uniform(1.1, 1.5)),
        clicks=min(clicks, impressions),
        link_clicks=link_clicks,
        video_views=whole(impressions * rng.uniform(0.25, 0.4)) if ad.video else 0,
        leads=min(leads, link_clicks),
        conversions=min(conversions, link_clicks),
        conversion_value=round(min(conversions, link_clicks) * rng.uniform(120_000, 180_000), 2),
    )


def paid_clicks(days: Sequence[AdDay]) -> dict[tuple[date, str, str], int]:
    """Link clicks per day, GA4 source / medium and campaign: what the landing page receives.

    The ads' links carry `utm_source` / `utm_medium` / `utm_campaign` (Google's auto-tagging
    reports `google / cpc` and the campaign name), so GA4 sees each campaign under its name.
    """
    sources = {
        "meta": "facebook / paid_social",
        "google": "google / cpc",
        "tiktok": "tiktok / paid_social",
    }
    found: dict[tuple[date, str, str], int] = {}
    for row in days:
        key = (row.day, sources[row.campaign.platform], row.campaign.name)
        found[key] = found.get(key, 0) + row.link_clicks
    return found


# ---------------------------------------------------------------------------------------------
# Meta Ads Manager, Indonesian interface
# ---------------------------------------------------------------------------------------------

_META_HEADER = (
    "Awal pelaporan",
    "Akhir pelaporan",
    "Nama kampanye",
    "Nama set iklan",
    "Nama iklan",
    "Hari",
    "Jenis hasil",
    "Hasil",
    "Biaya per hasil",
    "Jumlah yang dibelanjakan (IDR)",
    "Impresi",
    "Jangkauan",
    "Frekuensi",
    "Klik (semua)",
    "Klik tautan",
    "CTR (rasio klik tayang tautan)",
    "CPC (biaya per klik tautan) (IDR)",
)


def meta_ads_csv(days: Sequence[AdDay]) -> bytes:
    """Build the Indonesian Ads Manager export: one row per ad and day, newest day first.

    With the `Hari` breakdown each row's reporting range is its own day. `Hasil` counts the
    campaign's result type: leads for the lead campaign, link clicks for the traffic campaign.
    Amounts and rates use Indonesian decimals; counts group thousands with dots.
    """
    language: Language = "id"
    rows: list[tuple[str, ...]] = [_META_HEADER]
    chosen = [d for d in days if d.campaign.platform == "meta"]
    for row in sorted(chosen, key=lambda d: (-d.day.toordinal(), d.campaign.name, d.ad.name)):
        results = row.leads if row.campaign.lead_rate else row.link_clicks
        day = row.day.isoformat()
        rows.append(
            (
                day,
                day,
                row.campaign.name,
                row.ad.ad_set,
                row.ad.name,
                day,
                row.campaign.objective,
                grouped(results, language),
                amount(row.spend / results, language) if results else "",
                amount(row.spend, language),
                grouped(row.impressions, language),
                grouped(row.reach, language),
                amount(row.impressions / row.reach, language, 6) if row.reach else "",
                grouped(row.clicks, language),
                grouped(row.link_clicks, language),
                _ratio(row.link_clicks * 100, row.impressions, language),
                _ratio(row.spend, row.link_clicks, language),
            )
        )
    return csv_bytes(rows)


_META_CAMPAIGN_HEADER = (
    "Campaign name",
    "Reporting starts",
    "Reporting ends",
    "Result type",
    "Results",
    "Cost per result",
    "Amount spent (IDR)",
    "Impressions",
    "Reach",
    "Frequency",
    "Clicks (all)",
    "Link clicks",
    "CTR (link click-through rate)",
    "CPC (cost per link click) (IDR)",
)
_META_RESULT_TYPES = {"Klik tautan": "Link clicks", "Prospek (formulir)": "On-Facebook leads"}


def meta_campaigns_csv(rng: random.Random, days: Sequence[AdDay], first: date, last: date) -> bytes:
    """Build an English Ads Manager export at campaign level for `first`..`last`, no breakdown.

    Each row aggregates the range (a period fact). Its reach is the people reached over the
    whole range, which the daily reach cannot give (the same people come back day after day):
    here it is drawn below the sum of the days' reach and above the largest day's.
    """
    rows: list[tuple[str, ...]] = [_META_CAMPAIGN_HEADER]
    chosen = [d for d in days if d.campaign.platform == "meta" and first <= d.day <= last]
    for campaign in sorted(dict.fromkeys(d.campaign for d in chosen), key=lambda c: c.name):
        mine = [d for d in chosen if d.campaign == campaign]
        spend = round(sum(d.spend for d in mine), 2)
        impressions = sum(d.impressions for d in mine)
        daily_reach = [sum(d.reach for d in mine if d.day == day) for day in demo_days(first, last)]
        reach = max(max(daily_reach), whole(sum(daily_reach) * rng.uniform(0.4, 0.55)))
        link_clicks = sum(d.link_clicks for d in mine)
        results = sum(d.leads for d in mine) if campaign.lead_rate else link_clicks
        rows.append(
            (
                campaign.name,
                first.isoformat(),
                last.isoformat(),
                _META_RESULT_TYPES[campaign.objective],
                str(results),
                f"{spend / results:.6f}" if results else "",
                f"{spend:.2f}",
                str(impressions),
                str(reach),
                f"{impressions / reach:.6f}",
                str(sum(d.clicks for d in mine)),
                str(link_clicks),
                f"{100 * link_clicks / impressions:.6f}" if impressions else "",
                f"{spend / link_clicks:.6f}" if link_clicks else "",
            )
        )
    return csv_bytes(rows)


def _ratio(numerator: float, denominator: float, language: Language) -> str:
    return amount(numerator / denominator, language) if denominator else ""


# ---------------------------------------------------------------------------------------------
# Google Ads
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Totals:
    """Summed measures of report rows, as the report's `Total:` rows and data rows show them."""

    spend: float = 0.0
    impressions: int = 0
    clicks: int = 0
    conversions: int = 0
    value: float = 0.0

    def plus(self, row: AdDay) -> "_Totals":
        return _Totals(
            round(self.spend + row.spend, 2),
            self.impressions + row.impressions,
            self.clicks + row.link_clicks,
            self.conversions + row.conversions,
            round(self.value + row.conversion_value, 2),
        )

    def measures(self) -> tuple[str, ...]:
        """The measure columns, in `_GOOGLE_MEASURES` order, as Google writes them."""
        return (
            amount(self.spend, "en"),
            f"{self.impressions:,}",
            f"{self.clicks:,}",
            f"{self.clicks / self.impressions:.2%}" if self.impressions else "--",
            amount(self.spend / self.clicks, "en") if self.clicks else "0.00",
            amount(self.conversions, "en"),
            amount(self.value, "en"),
            amount(self.spend / self.conversions, "en") if self.conversions else "0.00",
            f"{self.conversions / self.clicks:.2%}" if self.clicks else "0.00%",
        )


def _summed(rows: Sequence[AdDay]) -> _Totals:
    totals = _Totals()
    for row in rows:
        totals = totals.plus(row)
    return totals


_GOOGLE_MEASURES = (
    "Cost",
    "Impr.",
    "Clicks",
    "CTR",
    "Avg. CPC",
    "Conversions",
    "Conv. value",
    "Cost / conv.",
    "Conv. rate",
)


def _google_totals(rows: Sequence[AdDay], lead: int, width: int) -> list[tuple[str, ...]]:
    """The `Total:` rows Google writes under a report: account, campaigns, each campaign type.

    `lead` is the number of text columns before `Currency code` in the row; the label sits in
    the first, `--` marks what does not apply.
    """
    pad = ("",) * (lead - 1)
    lines = [
        ("Total: Account", *pad, "IDR", *_summed(rows).measures()),
        ("Total: Campaigns", *(" --",) * (lead - 1), "IDR", *_summed(rows).measures()),
    ]
    for kind in dict.fromkeys(row.campaign.kind for row in rows):
        typed = [row for row in rows if row.campaign.kind == kind]
        label = (f"Total: {kind}", *pad[:-1], kind) if lead > 1 else (f"Total: {kind}",)
        lines.append((*label, "IDR", *_summed(typed).measures()))
    assert all(len(line) == width for line in lines)
    return lines


def google_daily_csv(days: Sequence[AdDay]) -> bytes:
    """Build the Google Ads campaign report by day: title, date range, header, rows, totals."""
    chosen = [d for d in days if d.campaign.platform == "google"]
    header = ("Day", "Campaign", "Campaign type", "Currency code", *_GOOGLE_MEASURES)
    rows: list[tuple[str, ...]] = [
        ("Campaign report",),
        (f"{long_date(START)} - {long_date(END)}",),
    ]
    rows.append(header)
    for row in sorted(chosen, key=lambda d: (d.day, d.campaign.name)):
        rows.append(
            (
                row.day.isoformat(),
                row.campaign.name,
                row.campaign.kind,
                "IDR",
                *_summed([row]).measures(),
            )
        )
    rows += _google_totals(chosen, 3, len(header))
    return csv_text(rows).encode()


def google_period_csv(days: Sequence[AdDay], first: date, last: date) -> bytes:
    """Build the Google Ads campaign report without days: one row per campaign for the range."""
    chosen = [d for d in days if d.campaign.platform == "google" and first <= d.day <= last]
    header = (
        "Campaign status",
        "Campaign",
        "Budget",
        "Budget type",
        "Status",
        "Campaign type",
        "Currency code",
        *_GOOGLE_MEASURES,
    )
    rows: list[tuple[str, ...]] = [
        ("Campaign report",),
        (f"{long_date(first)} - {long_date(last)}",),
    ]
    rows.append(header)
    campaigns = dict.fromkeys(d.campaign for d in chosen)
    for campaign in sorted(
        campaigns, key=lambda c: -_summed([d for d in chosen if d.campaign == c]).spend
    ):
        status = "Eligible" if campaign.last >= last else "Ended"
        rows.append(
            (
                "Enabled",
                campaign.name,
                amount(campaign.budget, "en"),
                "Daily",
                status,
                campaign.kind,
                "IDR",
                *_summed([d for d in chosen if d.campaign == campaign]).measures(),
            )
        )
    rows += _google_totals(chosen, 6, len(header))
    return csv_text(rows).encode()


# ---------------------------------------------------------------------------------------------
# TikTok Ads Manager
# ---------------------------------------------------------------------------------------------

_TIKTOK_HEADER = (
    "By Day",
    "Campaign name",
    "Ad group name",
    "Ad name",
    "Objective",
    "Currency",
    "Cost",
    "Impressions",
    "Reach",
    "Clicks (all)",
    "Clicks (destination)",
    "CTR (destination)",
    "CPC (destination)",
    "Video views",
    "Conversions",
    "Cost per conversion",
    "Leads",
)


def tiktok_ads_csv(days: Sequence[AdDay]) -> bytes:
    """Build the TikTok Ads Manager ad report by day: plain numbers, percentages with `%`."""
    rows: list[tuple[str, ...]] = [_TIKTOK_HEADER]
    chosen = [d for d in days if d.campaign.platform == "tiktok"]
    for row in sorted(chosen, key=lambda d: (d.day, d.campaign.name, d.ad.name)):
        rows.append(
            (
                row.day.isoformat(),
                row.campaign.name,
                row.ad.ad_set,
                row.ad.name,
                row.campaign.kind,
                "IDR",
                f"{row.spend:.2f}",
                str(row.impressions),
                str(row.reach),
                str(row.clicks),
                str(row.link_clicks),
                f"{row.link_clicks / row.impressions:.2%}" if row.impressions else "0.00%",
                f"{row.spend / row.link_clicks:.2f}" if row.link_clicks else "0.00",
                str(row.video_views),
                str(row.conversions),
                f"{row.spend / row.conversions:.2f}" if row.conversions else "0.00",
                str(row.leads) if row.campaign.lead_rate else "0",
            )
        )
    return csv_bytes(rows)


def files(family: Callable[[str], random.Random]) -> tuple[dict[str, bytes], list[AdDay]]:
    """The three platforms' ad exports by path, and the deliveries they report (for GA4)."""
    rng = family("ads")
    days = ad_days(rng)
    period = f"{START.isoformat()}_{END.isoformat()}"
    first, last = _GOOGLE_PERIOD
    flight = "-".join(f"{MONTHS[d.month - 1]}-{d.day}-{d.year}" for d in CAMPAIGN_DAYS)
    found = {
        "inbox/ads/meta/Dinas-Pariwisata-Nusantara-Iklan-Jul-3-2026-Sep-30-2026.csv": meta_ads_csv(
            days
        ),
        f"inbox/ads/meta/Wisata-Nusantara-Campaigns-{flight}.csv": meta_campaigns_csv(
            rng, days, *CAMPAIGN_DAYS
        ),
        f"inbox/ads/google/Campaign_report_daily_{period}.csv": google_daily_csv(days),
        f"inbox/ads/google/Campaign_report_{first.isoformat()}_{last.isoformat()}.csv": (
            google_period_csv(days, first, last)
        ),
        f"inbox/ads/tiktok/Wisata_Nusantara_Ads_ad_report_{period}.csv": tiktok_ads_csv(days),
    }
    return found, days
