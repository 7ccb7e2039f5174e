"""What each periodic objective's section shows: headline cards, trend charts, detail columns.

Declared once here and read by both steps: the query fetches exactly these columns, the render lays
them out the same way for all five objectives.
"""

from dataclasses import dataclass

# Per objective: the headline cards (totals of own accounts) and the detail table's columns.
HEADLINES = {
    "awareness": [
        "impressions",
        "video_views",
        "followers_total",
        "net_follower_growth",
        "mentions",
        "share_of_voice",
    ],
    "traffic": [
        "sessions",
        "bounce_rate",
        "link_clicks",
        "ctr",
        "profile_visits",
        "website_clicks",
    ],
    "community": [
        "engagements",
        "engagement_rate",
        "amplification_rate",
        "conversations",
        "comment_score",
        "posts",
    ],
    "conversion": [
        "spend",
        "clicks",
        "conversions",
        "cpc",
        "cpm",
        "ctr",
        "conversion_rate",
        "cost_per_conversion",
        "roas",
    ],
    "leads": ["leads", "ad_leads", "web_leads", "cost_per_lead", "lead_rate", "sessions"],
}
DETAIL = {
    "awareness": [
        "impressions",
        "video_views",
        "followers_total",
        "net_follower_growth",
        "audience_growth_rate",
        "mentions",
        "share_of_voice",
    ],
    "traffic": [
        "link_clicks",
        "post_impressions",
        "ctr",
        "profile_visits",
        "website_clicks",
        "sessions",
        "bounce_rate",
    ],
    "community": [
        "posts",
        "engagements",
        "engagement_rate",
        "amplification_rate",
        "audience_growth_rate",
        "conversations",
        "comment_score",
        "clicks_per_post",
    ],
    "conversion": [
        "spend",
        "clicks",
        "conversions",
        "cpc",
        "ctr",
        "conversion_rate",
        "cost_per_conversion",
        "roas",
    ],
    "leads": [
        "spend",
        "clicks",
        "ad_leads",
        "web_leads",
        "leads",
        "cost_per_lead",
        "lead_rate",
        "sessions",
    ],
}


@dataclass(frozen=True)
class Chart:
    """A trend chart of one metric by platform; money charts are drawn once per currency."""

    kind: str  # line or bars
    metric: str
    by_currency: bool = False


CHARTS = {
    "awareness": (
        Chart("line", "impressions"),
        Chart("line", "followers_total"),
        Chart("line", "share_of_voice"),
    ),
    "traffic": (Chart("bars", "sessions"), Chart("line", "bounce_rate")),
    "community": (Chart("bars", "engagements"), Chart("line", "engagement_rate")),
    "conversion": (
        Chart("bars", "spend", by_currency=True),
        Chart("bars", "conversions"),
        Chart("line", "roas"),
    ),
    "leads": (Chart("bars", "leads"), Chart("line", "lead_rate")),
}


def trend_metrics(objective: str) -> list[str]:
    """The metrics the objective's trend rows must hold: its headline cards' and its charts'."""
    headline = HEADLINES[objective]
    return headline + [c.metric for c in CHARTS[objective] if c.metric not in headline]
