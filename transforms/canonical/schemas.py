"""Canonical tables as polars schemas, with their natural keys.

These mirror the DuckDB DDL in `sql/core/`; a test asserts the two agree column for column, so a
format module can never produce a column the store does not have.
"""

from dataclasses import dataclass

import polars as pl

UTC = pl.Datetime("us", "UTC")


@dataclass(frozen=True)
class CanonicalTable:
    """A core table: its natural key and every column's polars type."""

    name: str
    key: tuple[str, ...]
    columns: dict[str, pl.DataType]


_COUNT = pl.Int64()
_AMOUNT = pl.Float64()

ACCOUNT = CanonicalTable(
    "account",
    ("platform", "account_id"),
    {
        "platform": pl.String(),
        "account_id": pl.String(),
        "account_name": pl.String(),
        "handle": pl.String(),
        "timezone": pl.String(),
        "currency": pl.String(),
        "is_own": pl.Boolean(),
        "brand": pl.String(),
    },
)

POST = CanonicalTable(
    "post",
    ("platform", "post_id"),
    {
        "platform": pl.String(),
        "post_id": pl.String(),
        "account_id": pl.String(),
        "published_at": UTC,
        "published_date": pl.Date(),
        "content_type": pl.String(),
        "text": pl.String(),
        "permalink": pl.String(),
        "is_paid": pl.Boolean(),
        "campaign": pl.String(),
    },
)

POST_METRICS = CanonicalTable(
    "post_metrics",
    ("platform", "post_id", "as_of_date"),
    {
        "platform": pl.String(),
        "post_id": pl.String(),
        "as_of_date": pl.Date(),
        **{
            name: _COUNT
            for name in (
                "impressions",
                "reach",
                "views",
                "engaged_views",
                "reactions",
                "comments",
                "shares",
                "saves",
                "clicks",
                "link_clicks",
                "video_views",
            )
        },
        "watch_time_seconds": _AMOUNT,
        "profile_visits": _COUNT,
        "follows": _COUNT,
    },
)

ACCOUNT_DAILY = CanonicalTable(
    "account_daily",
    ("platform", "account_id", "date"),
    {
        "platform": pl.String(),
        "account_id": pl.String(),
        "date": pl.Date(),
        **{
            name: _COUNT
            for name in (
                "followers_total",
                "followers_gained",
                "followers_lost",
                "impressions",
                "reach",
                "views",
                "engaged_views",
                "engagements",
                "profile_visits",
                "website_clicks",
                "video_views",
                "posts_published",
            )
        },
    },
)

WEB_TRAFFIC_DAILY = CanonicalTable(
    "web_traffic_daily",
    ("property_id", "date", "source", "medium", "campaign"),
    {
        "property_id": pl.String(),
        "date": pl.Date(),
        "source": pl.String(),
        "medium": pl.String(),
        "campaign": pl.String(),
        "platform": pl.String(),
        "sessions": _COUNT,
        "engaged_sessions": _COUNT,
        "bounces": _COUNT,
        "conversions": _AMOUNT,
        "leads": _AMOUNT,
        "revenue": _AMOUNT,
        "users": _COUNT,
        "pageviews": _COUNT,
    },
)

WEB_TRAFFIC_PERIOD = CanonicalTable(
    "web_traffic_period",
    ("property_id", "date_start", "date_end", "source", "medium", "campaign"),
    {
        "property_id": pl.String(),
        "date_start": pl.Date(),
        "date_end": pl.Date(),
        **{k: v for k, v in WEB_TRAFFIC_DAILY.columns.items() if k not in ("property_id", "date")},
    },
)

MENTION = CanonicalTable(
    "mention",
    ("platform", "mention_id"),
    {
        "platform": pl.String(),
        "mention_id": pl.String(),
        "published_at": UTC,
        "date": pl.Date(),
        "author": pl.String(),
        "author_followers": _COUNT,
        "text": pl.String(),
        "sentiment": pl.String(),
        "brand": pl.String(),
        "is_own_brand": pl.Boolean(),
        "url": pl.String(),
    },
)

POST_DAILY = CanonicalTable(
    "post_daily",
    ("platform", "post_id", "date"),
    {
        "platform": pl.String(),
        "post_id": pl.String(),
        "date": pl.Date(),
        "impressions": _COUNT,
        "views": _COUNT,
        "engaged_views": _COUNT,
        "video_views": _COUNT,
        "watch_time_seconds": _AMOUNT,
        "reactions": _COUNT,
        "comments": _COUNT,
        "shares": _COUNT,
        "clicks": _COUNT,
    },
)

AUDIENCE = CanonicalTable(
    "audience",
    ("platform", "account_id", "as_of_date", "measure", "dimension", "bucket"),
    {
        "platform": pl.String(),
        "account_id": pl.String(),
        "as_of_date": pl.Date(),
        "measure": pl.String(),
        "dimension": pl.String(),
        "bucket": pl.String(),
        "value": _AMOUNT,
        "share": _AMOUNT,
    },
)

AUDIENCE_ACTIVITY = CanonicalTable(
    "audience_activity",
    ("platform", "account_id", "as_of_date", "day_of_week", "hour"),
    {
        "platform": pl.String(),
        "account_id": pl.String(),
        "as_of_date": pl.Date(),
        "day_of_week": pl.Int32(),
        "hour": pl.Int32(),
        "online_followers": _COUNT,
    },
)

_AD_MEASURES: dict[str, pl.DataType] = {
    "campaign_name": pl.String(),
    "ad_set_name": pl.String(),
    "ad_name": pl.String(),
    "objective": pl.String(),
    "result_type": pl.String(),
    "results": _AMOUNT,
    "currency": pl.String(),
    "spend": _AMOUNT,
    "impressions": _COUNT,
    "reach": _COUNT,
    "clicks": _COUNT,
    "link_clicks": _COUNT,
    "video_views": _COUNT,
    "conversions": _AMOUNT,
    "conversion_value": _AMOUNT,
    "leads": _AMOUNT,
}

AD_DAILY = CanonicalTable(
    "ad_daily",
    ("platform", "ad_account_id", "campaign_id", "ad_id", "date"),
    {
        "platform": pl.String(),
        "ad_account_id": pl.String(),
        "campaign_id": pl.String(),
        "ad_id": pl.String(),
        "date": pl.Date(),
        **_AD_MEASURES,
    },
)

AD_PERIOD = CanonicalTable(
    "ad_period",
    ("platform", "ad_account_id", "campaign_id", "ad_id", "date_start", "date_end"),
    {
        "platform": pl.String(),
        "ad_account_id": pl.String(),
        "campaign_id": pl.String(),
        "ad_id": pl.String(),
        "date_start": pl.Date(),
        "date_end": pl.Date(),
        **_AD_MEASURES,
    },
)

TABLES: dict[str, CanonicalTable] = {
    table.name: table
    for table in (
        ACCOUNT,
        POST,
        POST_METRICS,
        ACCOUNT_DAILY,
        WEB_TRAFFIC_DAILY,
        WEB_TRAFFIC_PERIOD,
        MENTION,
        POST_DAILY,
        AUDIENCE,
        AUDIENCE_ACTIVITY,
        AD_DAILY,
        AD_PERIOD,
    )
}
