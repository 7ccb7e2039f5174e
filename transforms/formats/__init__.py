"""One module per export format family; `FORMATS` is the registry detection searches."""

from transforms.detect import FormatSpec
from transforms.formats import ga4, listening, meta_business_suite, x_analytics

FORMATS: tuple[FormatSpec, ...] = (
    meta_business_suite.CONTENT,
    meta_business_suite.INSIGHT,
    x_analytics.CONTENT,
    x_analytics.OVERVIEW,
    ga4.TRAFFIC,
    listening.MENTIONS,
)
