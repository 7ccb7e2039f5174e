"""LinkedIn Page analytics: the visitors, content (updates) and followers workbooks, as `.xlsx`.

One workbook per analytics tab, with LinkedIn's sheets: `Visitor metrics` and the visitors'
demographics; `Update metrics (aggregated)` and `Update Engagement`, each under a one-line
description; `New followers` and the followers' demographics. Metric dates are text
(`07/03/2026`), an update's `Created date` is an Excel serial number, empty values are empty
cells, and the page posts only organic updates (sponsored columns are 0).

Daily update metrics are what the updates gained that day plus older updates' trickle; the
demographic counts add up to the period's page views and to the page's followers.
"""

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from demo.common import (
    DESTINATIONS,
    END,
    START,
    Cell,
    buzz,
    demo_days,
    grown_counts,
    in_campaign,
    is_weekend,
    local_at,
    noise,
    split_whole,
    utc_ms,
    whole,
    xlsx_bytes,
)

_EXCEL_EPOCH = date(1899, 12, 30)
_POSTED_BY = "Ratna Kusumawati"
_TITLES = (
    "Dinas Pariwisata Nusantara membuka pendaftaran Duta Wisata 2026. Mari berkontribusi "
    "memajukan pariwisata {place}!",
    "Laporan kunjungan wisatawan kuartal ini: {place} tumbuh berkat kolaborasi dengan pelaku "
    "UMKM setempat.",
    "Lowongan: analis data pariwisata untuk program desa wisata {place}. Lamar sebelum akhir "
    "bulan.",
    "Terima kasih para mitra industri yang hadir di forum investasi pariwisata {place}.",
)
_CAMPAIGN_TITLES = (
    "Dirgahayu Republik Indonesia ke-81! Semangat kemerdekaan untuk pariwisata {place} yang "
    "berkelanjutan. #Kemerdekaan2026",
)
_VISITOR_SHEETS: dict[str, dict[str, float]] = {
    "Location": {
        "Greater Jakarta Area, Indonesia": 46.0,
        "Surabaya, East Java, Indonesia": 9.0,
        "Bandung, West Java, Indonesia": 8.0,
        "Denpasar, Bali, Indonesia": 6.0,
        "Yogyakarta, Indonesia": 5.0,
        "Medan, North Sumatra, Indonesia": 4.0,
        "Makassar, South Sulawesi, Indonesia": 3.0,
        "Singapore, Singapore": 2.0,
    },
    "Job function": {
        "Business Development": 18.0,
        "Marketing": 16.0,
        "Administrative": 12.0,
        "Media and Communication": 11.0,
        "Operations": 9.0,
        "Education": 7.0,
        "Community and Social Services": 6.0,
        "Research": 4.0,
    },
    "Seniority": {
        "Entry": 31.0,
        "Senior": 27.0,
        "Manager": 14.0,
        "Director": 6.0,
        "Owner": 5.0,
        "Training": 4.0,
        "VP": 2.0,
        "CXO": 1.0,
    },
    "Industry": {
        "Travel Arrangements": 19.0,
        "Government Administration": 15.0,
        "Hospitality": 13.0,
        "Higher Education": 9.0,
        "Marketing Services": 7.0,
        "Food and Beverage Services": 5.0,
        "Airlines and Aviation": 4.0,
        "Non-profit Organizations": 3.0,
    },
    "Company size": {
        "1": 3.0,
        "2-10": 12.0,
        "11-50": 19.0,
        "51-200": 17.0,
        "201-500": 11.0,
        "501-1000": 8.0,
        "1001-5000": 11.0,
        "10001+": 9.0,
    },
}
_UPDATES_NOTE = (
    "Aggregated engagement metrics for your organic and sponsored updates over time. Date "
    "indicates when your updates were viewed by LinkedIn members. Data is delayed by up to 2 "
    "days. All dates and times are in UTC."
)
_ENGAGEMENT_NOTE = (
    "Engagement metrics for individual updates. Created date indicates when your update was "
    "created. All dates and times are in UTC."
)


@dataclass(frozen=True)
class Update:
    """One organic update of the page with its final (long-run) lifetime numbers."""

    activity_id: str
    published: datetime  # local time; LinkedIn reports the UTC date only
    title: str
    video: bool
    impressions: int
    video_views: int
    clicks: int
    likes: int
    comments: int
    shares: int
    follows: int

    def at(self, day: date) -> dict[str, int]:
        """Lifetime numbers as of the end of `day` (0 before the update existed)."""
        names = (
            "impressions",
            "video_views",
            "clicks",
            "likes",
            "comments",
            "shares",
            "follows",
        )
        return grown_counts(self, names, day)


def updates(rng: random.Random) -> list[Update]:
    """Two updates a week, on working-day mornings; the activity id encodes the time."""
    found: list[Update] = []
    for day in demo_days():
        festive = day == date(2026, 8, 17)
        if not festive and (day.weekday() not in (1, 3) or rng.random() < 0.1):
            continue
        published = local_at(day, rng.choice((8, 9, 10)), rng.randrange(60))
        title = rng.choice(_CAMPAIGN_TITLES if in_campaign(day) else _TITLES)
        video = rng.random() < 0.2
        impressions = 1450 * noise(rng, 0.45) * buzz(day)
        clicks = impressions * rng.uniform(0.01, 0.03)
        found.append(
            Update(
                activity_id=str((utc_ms(published) << 22) | rng.getrandbits(22)),
                published=published,
                title=title.format(place=rng.choice(DESTINATIONS)),
                video=video,
                impressions=whole(impressions),
                video_views=whole(impressions * rng.uniform(0.15, 0.3)) if video else 0,
                clicks=whole(clicks),
                likes=whole(impressions * rng.uniform(0.015, 0.04)),
                comments=whole(impressions * rng.uniform(0.0, 0.004)),
                shares=whole(impressions * rng.uniform(0.0, 0.003)),
                follows=whole(clicks * rng.uniform(0.0, 0.1)),
            )
        )
    return found


def _text_date(day: date) -> str:
    return f"{day.month:02d}/{day.day:02d}/{day.year}"


def _rate(part: int, whole_count: int) -> float:
    return round(part / whole_count, 9) if whole_count else 0.0


def visitors_book(rng: random.Random) -> bytes:
    """The visitors workbook: daily page views by page and device, then five demographics."""
    header: list[Cell] = ["Date"]
    for page in ("Overview", "Life", "Jobs", "Total"):
        for measure in ("page views", "unique visitors"):
            header += [f"{page} {measure} ({device})" for device in ("desktop", "mobile", "total")]
    rows: list[list[Cell]] = [header]
    total_views = 0
    for day in demo_days():
        weekday = 0.45 if is_weekend(day) else 1.0
        pages = {
            "Overview": 62 * weekday * buzz(day) * noise(rng, 0.25),
            "Life": 9 * weekday * noise(rng, 0.4),
            "Jobs": 14 * weekday * noise(rng, 0.4),
        }
        row: list[Cell] = [_text_date(day)]
        totals = [0] * 6
        for views in pages.values():
            desktop = whole(views * rng.uniform(0.55, 0.7))
            mobile = whole(views) - desktop
            unique_desktop = whole(desktop * rng.uniform(0.6, 0.8))
            unique_mobile = whole(mobile * rng.uniform(0.6, 0.8))
            values = [desktop, mobile, desktop + mobile]
            values += [unique_desktop, unique_mobile, unique_desktop + unique_mobile]
            row += values
            totals = [t + v for t, v in zip(totals, values, strict=True)]
        total_views += totals[2]
        rows.append([*row, *totals])
    sheets: list[tuple[str, Sequence[Sequence[Cell]]]] = [("Visitor metrics", rows)]
    sheets += _demographics("Total views", whole(total_views * 0.8), rng)
    return xlsx_bytes(sheets)


def _demographics(
    measure: str, total: int, rng: random.Random
) -> list[tuple[str, Sequence[Sequence[Cell]]]]:
    """One sheet per demographic: buckets, most first, whose counts add up to `total`."""
    sheets: list[tuple[str, Sequence[Sequence[Cell]]]] = []
    for sheet, shares in _VISITOR_SHEETS.items():
        weights = [share * noise(rng, 0.08) for share in shares.values()]
        counts = split_whole(total, weights)
        ordered = sorted(zip(shares, counts, strict=True), key=lambda item: -item[1])
        table: list[list[Cell]] = [[sheet, measure]]
        table += [[name, count] for name, count in ordered]
        sheets.append((sheet, table))
    return sheets


def content_book(rng: random.Random, posted: Sequence[Update]) -> bytes:
    """The content workbook: daily update metrics, then one row per update (newest first)."""
    kinds = ("Impressions", "Unique impressions", "Clicks", "Reactions", "Comments", "Shares")
    header: list[Cell] = ["Date"]
    for kind in kinds:
        sources = (
            ("organic",) if kind == "Unique impressions" else ("organic", "sponsored", "total")
        )
        header += [f"{kind} ({source})" for source in sources]
    header += [f"Engagement rate ({source})" for source in ("organic", "sponsored", "total")]
    aggregated: list[list[Cell]] = [[_UPDATES_NOTE], header]
    for day in demo_days():
        gains = {
            name: sum(u.at(day)[name] - u.at(day - timedelta(days=1))[name] for u in posted)
            for name in ("impressions", "clicks", "likes", "comments", "shares")
        }
        trickle = 120 * (0.5 if is_weekend(day) else 1.0) * noise(rng, 0.3)
        counts = {
            "Impressions": gains["impressions"] + whole(trickle),
            "Clicks": gains["clicks"] + whole(trickle * 0.015),
            "Reactions": gains["likes"] + whole(trickle * 0.02),
            "Comments": gains["comments"],
            "Shares": gains["shares"],
        }
        unique = whole(counts["Impressions"] * rng.uniform(0.62, 0.78))
        engaged = sum(counts[name] for name in ("Clicks", "Reactions", "Comments", "Shares"))
        rate = _rate(engaged, counts["Impressions"])
        row: list[Cell] = [_text_date(day)]
        for kind in kinds:
            if kind == "Unique impressions":
                row.append(unique)
            else:
                row += [counts[kind], 0, counts[kind]]
        aggregated.append([*row, rate, 0, rate])
    engagement: list[list[Cell]] = [[_ENGAGEMENT_NOTE], _engagement_header()]
    for update in sorted(posted, key=lambda u: u.published, reverse=True):
        n = update.at(END)
        engaged = n["clicks"] + n["likes"] + n["comments"] + n["shares"]
        engagement.append(
            [
                update.title,
                f"https://www.linkedin.com/feed/update/urn:li:activity:{update.activity_id}",
                "Organic",
                None,
                _POSTED_BY,
                (update.published.date() - _EXCEL_EPOCH).days,
                None,
                None,
                "All followers",
                n["impressions"],
                n["video_views"] if update.video else None,
                n["clicks"],
                _rate(n["clicks"], n["impressions"]),
                n["likes"],
                n["comments"],
                n["shares"],
                n["follows"],
                _rate(engaged, n["impressions"]),
            ]
        )
    return xlsx_bytes(
        [("Update metrics (aggregated)", aggregated), ("Update Engagement", engagement)]
    )


def _engagement_header() -> list[Cell]:
    return [
        "Update title",
        "Update link",
        "Update type",
        "Campaign name",
        "Posted by",
        "Created date",
        "Campaign start date",
        "Campaign end date",
        "Audience",
        "Impressions",
        "Video views",
        "Clicks",
        "Click through rate (CTR)",
        "Likes",
        "Comments",
        "Shares",
        "Follows",
        "Engagement rate",
    ]


def followers_book(rng: random.Random, posted: Sequence[Update]) -> bytes:
    """The followers workbook: daily new followers, then the followers' demographics.

    Organic new followers include the follows the day's updates brought; the export gives no
    unfollows nor a follower total, so the demographics' total is the page's follower count.
    """
    rows: list[list[Cell]] = [
        [
            "Date",
            "Sponsored followers",
            "Organic followers",
            "Auto-invited followers",
            "Total followers",
        ]
    ]
    followers = 12_380
    for day in demo_days():
        from_updates = sum(
            u.at(day)["follows"] - u.at(day - timedelta(days=1))["follows"] for u in posted
        )
        organic = from_updates + whole(7 * (0.5 if is_weekend(day) else 1.0) * noise(rng, 0.4))
        invited = whole(rng.uniform(0, 2.4))
        followers += organic + invited
        rows.append([_text_date(day), 0, organic, invited, organic + invited])
    sheets: list[tuple[str, Sequence[Sequence[Cell]]]] = [("New followers", rows)]
    return xlsx_bytes(sheets + _demographics("Total followers", followers, rng))


def files(family: Callable[[str], random.Random]) -> dict[str, bytes]:
    """The three LinkedIn workbooks, by path in the workspace."""
    rng = family("linkedin")
    posted = updates(rng)
    stem = f"dinas-pariwisata-nusantara_{{}}_{START.isoformat()}_{END.isoformat()}.xlsx"
    return {
        f"inbox/linkedin/{stem.format('visitors')}": visitors_book(rng),
        f"inbox/linkedin/{stem.format('content')}": content_book(rng, posted),
        f"inbox/linkedin/{stem.format('followers')}": followers_book(rng, posted),
    }
