"""Google Analytics 4: a traffic-acquisition exploration with a Date column, and a report without.

Social referrals follow the campaign, the weekly newsletter its sends, office traffic the working
week; the September report without a Date column is the sum of the daily rows of its days.
"""

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from demo.common import (
    CAMPAIGN,
    END,
    START,
    buzz,
    csv_bytes,
    demo_days,
    in_campaign,
    is_weekend,
    noise,
    whole,
)

GA4_ACCOUNT = "Dinas Pariwisata Nusantara"
GA4_PROPERTY = "wisatanusantara.go.id - GA4"


@dataclass(frozen=True)
class WebRow:
    """One GA4 row: sessions of a day from one source / medium and campaign."""

    day: date
    source_medium: str
    campaign: str
    sessions: int
    engaged: int
    key_events: int
    leads: int  # `generate_lead` key events, part of key_events
    engagement_seconds: float


# source / medium -> (base daily sessions, weekend factor, follows the social buzz)
_WEB_SOURCES: dict[str, tuple[float, float, bool]] = {
    "google / organic": (310, 0.85, False),
    "(direct) / (none)": (140, 0.8, False),
    "bing / organic": (14, 0.8, False),
    "instagram.com / referral": (22, 1.15, True),
    "l.instagram.com / referral": (40, 1.15, True),
    "ig / social": (28, 1.15, True),
    "t.co / referral": (16, 1.05, True),
    "x.com / referral": (7, 1.05, True),
    "facebook.com / referral": (11, 1.1, True),
    "m.facebook.com / referral": (15, 1.1, True),
    "tiktok.com / referral": (9, 1.2, True),
    "youtube.com / referral": (10, 1.1, True),
    "linkedin.com / referral": (7, 0.55, True),
    "lnkd.in / referral": (4, 0.55, True),
    "newsletter / email": (0, 1.0, False),
}
# Share of sessions that send the lead form (`generate_lead`): the campaign's ads land on the
# form, its links in the bio and the newsletter point at it; the always-on ads land on destination
# pages, and other traffic rarely gets to the form.
_LEAD_RATES = {"campaign ad": 0.04, "campaign": 0.02, "ad": 0.008, "other": 0.004}


def web_rows(rng: random.Random, paid: Mapping[tuple[date, str, str], int]) -> list[WebRow]:
    """Daily sessions by source; social referrals follow the campaign, the newsletter its sends.

    The weekly newsletter goes out on Thursdays (sessions that day and the next two); during the
    campaign the Instagram bio link and the newsletter carry `utm_campaign=kemerdekaan_2026`.
    Paid traffic is what the ads' link clicks bring (`paid`: clicks by day, source / medium and
    campaign), less the clicks that leave before the page loads. GA4 leaves out rows with no
    sessions, so they are omitted here too.
    """
    rows: list[WebRow] = []
    for day in demo_days():
        for source_medium, (base, weekend_factor, social) in _WEB_SOURCES.items():
            weekend = weekend_factor if is_weekend(day) else 1.0
            lift = buzz(day) if social else 1.0 + (buzz(day) - 1.0) * 0.3
            campaign = "(not set)"
            if source_medium == "newsletter / email":
                since_send = (day.weekday() - 3) % 7
                base = (120, 45, 18, 0, 0, 0, 4)[since_send]
                campaign = CAMPAIGN if in_campaign(day) else "newsletter_mingguan"
            elif source_medium == "ig / social":
                campaign = CAMPAIGN if in_campaign(day) else "linkinbio"
            sessions = whole(base * weekend * lift * noise(rng, 0.2))
            kind = "campaign" if campaign == CAMPAIGN else "other"
            rows += _row(rng, day, source_medium, campaign, sessions, kind)
        for (paid_day, source_medium, campaign), clicks in paid.items():
            if paid_day == day:
                sessions = whole(clicks * rng.uniform(0.6, 0.8))
                kind = "campaign ad" if campaign == CAMPAIGN else "ad"
                rows += _row(rng, day, source_medium, campaign, sessions, kind)
    return rows


def _row(
    rng: random.Random, day: date, source_medium: str, campaign: str, sessions: int, kind: str
) -> list[WebRow]:
    """The GA4 row of these sessions, if any; key events include the lead events."""
    if sessions == 0:
        return []
    engaged = whole(sessions * rng.uniform(0.45, 0.72))
    leads = min(whole(sessions * _LEAD_RATES[kind] * noise(rng, 0.3)), engaged)
    return [
        WebRow(
            day=day,
            source_medium=source_medium,
            campaign=campaign,
            sessions=sessions,
            engaged=engaged,
            key_events=leads + whole(engaged * rng.uniform(0.01, 0.05)),
            leads=leads,
            engagement_seconds=sessions * rng.uniform(35.0, 95.0),
        )
    ]


def _ga4_preamble(title: str, first: date, last: date) -> list[str]:
    return [
        "# ----------------------------------------",
        f"# {title}",
        f"# Account: {GA4_ACCOUNT}",
        f"# Property: {GA4_PROPERTY}",
        "# ----------------------------------------",
        "#",
        f"# Start date: {first:%Y%m%d}",
        f"# End date: {last:%Y%m%d}",
        "",
    ]


def ga4_daily_csv(rows: Sequence[WebRow]) -> bytes:
    """Build a GA4 exploration export with a Date column: a row per day, source, campaign.

    Rows are ordered by date, then by sessions (GA4's default sort within the date).
    """
    body: list[Sequence[str]] = [
        (
            "Date",
            "Session source / medium",
            "Session campaign",
            "Sessions",
            "Engaged sessions",
            "Key events",
            "Key events (generate_lead)",
            "Total revenue",
        )
    ]
    for row in sorted(rows, key=lambda r: (r.day, -r.sessions, r.source_medium)):
        body.append(
            (
                f"{row.day:%Y%m%d}",
                row.source_medium,
                row.campaign,
                str(row.sessions),
                str(row.engaged),
                str(row.key_events),
                str(row.leads),
                "0",
            )
        )
    preamble = "\n".join(_ga4_preamble("Traffic acquisition", START, END)) + "\n"
    return preamble.encode() + csv_bytes(body)


def ga4_period_csv(rows: Sequence[WebRow], first: date, last: date) -> bytes:
    """Build a GA4 report without a Date column: rows aggregate `first`..`last` per source.

    Sessions, engaged sessions and key events add up across days, so the report is the sum of
    the daily rows of the same period (all campaigns together, as the report has no campaign).
    """
    totals: dict[str, list[float]] = {}
    for row in rows:
        if first <= row.day <= last:
            total = totals.setdefault(row.source_medium, [0, 0, 0, 0, 0.0])
            total[0] += row.sessions
            total[1] += row.engaged
            total[2] += row.key_events
            total[3] += row.leads
            total[4] += row.engagement_seconds
    body: list[Sequence[str]] = [
        (
            "Session source / medium",
            "Sessions",
            "Engaged sessions",
            "Engagement rate",
            "Average engagement time per session",
            "Key events",
            "Key events (generate_lead)",
            "Total revenue",
        )
    ]
    for source_medium, (sessions, engaged, key_events, leads, seconds) in sorted(
        totals.items(), key=lambda item: (-item[1][0], item[0])
    ):
        body.append(
            (
                source_medium,
                str(int(sessions)),
                str(int(engaged)),
                f"{engaged / sessions:.4f}",
                f"{seconds / sessions:.2f}",
                str(int(key_events)),
                str(int(leads)),
                "0",
            )
        )
    title = "Traffic acquisition: Session source / medium"
    preamble = "\n".join(_ga4_preamble(title, first, last)) + "\n"
    return preamble.encode() + csv_bytes(body)


def files(
    family: Callable[[str], random.Random], paid: Mapping[tuple[date, str, str], int]
) -> dict[str, bytes]:
    """The GA4 daily exploration and the September report, by path in the workspace."""
    traffic = web_rows(family("web"), paid)
    september = date(2026, 9, 1)
    return {
        f"inbox/web/Traffic_acquisition_daily_{START:%Y%m%d}-{END:%Y%m%d}.csv": ga4_daily_csv(
            traffic
        ),
        f"inbox/web/Traffic_acquisition_Session_source_medium_{september:%Y%m%d}-{END:%Y%m%d}"
        ".csv": ga4_period_csv(traffic, september, END),
    }
