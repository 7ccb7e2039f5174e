"""One module per export format family; `FORMATS` is the registry detection searches."""

from transforms.detect import FormatSpec
from transforms.formats import (
    ga4,
    linkedin,
    listening,
    meta_business_suite,
    tiktok,
    universal_analytics,
    x_analytics,
    x_legacy,
    youtube_studio,
)

FORMATS: tuple[FormatSpec, ...] = (
    meta_business_suite.CONTENT,
    meta_business_suite.INSIGHT,
    x_analytics.CONTENT,
    x_analytics.OVERVIEW,
    x_legacy.TWEETS,
    x_legacy.DAILY,
    tiktok.OVERVIEW,
    tiktok.CONTENT,
    tiktok.FOLLOWER_HISTORY,
    tiktok.FOLLOWER_ACTIVITY,
    tiktok.FOLLOWER_GENDER,
    tiktok.FOLLOWER_TERRITORIES,
    ga4.TRAFFIC,
    universal_analytics.TRAFFIC,
    listening.MENTIONS,
    youtube_studio.TABLE_CONTENT,
    youtube_studio.CHART,
    youtube_studio.DAILY,
    youtube_studio.AUDIENCE_AGE,
    youtube_studio.AUDIENCE_GENDER,
    youtube_studio.AUDIENCE_COUNTRY,
    linkedin.VISITORS,
    linkedin.UPDATE_METRICS,
    linkedin.UPDATES,
    linkedin.NEW_FOLLOWERS,
    linkedin.VISITOR_DEMOGRAPHICS,
    linkedin.FOLLOWER_DEMOGRAPHICS,
)
