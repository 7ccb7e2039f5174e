"""GA4 Data API `runReport` responses mapped to `core.web_traffic_daily`.

The connector (`flows.api.ga4`) asks for `date, sessionSource, sessionMedium,
sessionCampaignName` and pages by `limit`/`offset`; every page is one envelope.

Mapping (DECISIONLOG, GA4 Data API; the same columns as the GA4 export,
`transforms.formats.ga4_exports`): `sessions`, `engagedSessions` -> `engaged_sessions`, `keyEvents`
-> `conversions`, `totalRevenue` -> `revenue`, `totalUsers` -> `users`, `screenPageViews` ->
`pageviews`; `leads` = the sum of the `keyEvents:<event>` metrics of the configured lead events
(NULL when none was returned); `bounces` stays NULL (GA4 has no bounce count; the metric layer
derives the rate from engaged sessions). `property_id` is the account id, `properties/<number>` as
the runner and the GA4 export of a configured `web` account store it; `platform` comes from the
source (`platform_from_source`).
Dimension values are kept as GA4 writes them, `(direct)`, `(none)` and `(not set)` included; an
empty one becomes `(not set)`, as in the export. `date` is the property's own date, as given.

Rows repeating a key (a page boundary shifted while paging) keep the last and count as skipped.
The response metadata becomes notes: rows rolled into `(other)` (`dataLossFromOtherRow`),
sampling, thresholding, and the currency of `revenue` (the table has no currency column).
"""

from collections.abc import Sequence
from typing import Any

import polars as pl

from transforms.api.envelope import Envelope
from transforms.api.google import (
    documented_shape,
    error_outcomes,
    result,
    sum_or_null,
    typed_frame,
)
from transforms.canonical.platforms import platform_from_source
from transforms.canonical.schemas import WEB_TRAFFIC_DAILY
from transforms.canonical.typed import conform, drop_duplicate_keys, require, split_quarantine
from transforms.context import Account, Normalized
from transforms.formats.ga4_exports import NOT_SET

PRODUCT = "GA4 Data API"
DIMENSIONS = {
    "date": "date",
    "sessionSource": "source",
    "sessionMedium": "medium",
    "sessionCampaignName": "campaign",
}
MEASURES = {
    "sessions": "sessions",
    "engagedSessions": "engaged_sessions",
    "keyEvents": "conversions",
    "totalRevenue": "revenue",
    "totalUsers": "users",
    "screenPageViews": "pageviews",
}
LEAD_PREFIX = "keyEvents:"
_KEY = ["property_id", "date", "source", "medium", "campaign"]


def _report(envelope: Envelope, first_row: int) -> pl.DataFrame:
    """One `runReport` page as a frame: dimensions as text, metrics typed by their header."""
    with documented_shape(PRODUCT, envelope):
        return _read_report(envelope, first_row)


def _read_report(envelope: Envelope, first_row: int) -> pl.DataFrame:
    data = envelope.data()
    dimensions = [h["name"] for h in data.get("dimensionHeaders", [])]
    metrics = [h["name"] for h in data.get("metricHeaders", [])]
    types: dict[str, pl.DataType] = {
        h["name"]: pl.Int64() if h.get("type") == "TYPE_INTEGER" else pl.Float64()
        for h in data.get("metricHeaders", [])
    }
    rows = data.get("rows") or []
    cells: dict[str, list[Any]] = {
        name: [row["dimensionValues"][i].get("value") for row in rows]
        for i, name in enumerate(dimensions)
    }
    cells |= {
        name: [row["metricValues"][i].get("value") for row in rows]
        for i, name in enumerate(metrics)
    }
    return typed_frame(cells, types, first_row)


def _pages(envelopes: Sequence[Envelope]) -> pl.DataFrame:
    """Every page's rows, numbered on across pages, with every canonical column present."""
    frames: list[pl.DataFrame] = []
    for envelope in envelopes:
        frames.append(_report(envelope, 1 + sum(f.height for f in frames)))
    empty = typed_frame({name: [] for name in DIMENSIONS}, {}, 1)
    frame = pl.concat([empty, *frames], how="diagonal_relaxed")
    return frame.with_columns(
        pl.lit(None, pl.Float64).alias(name) for name in MEASURES if name not in frame.columns
    )


def _dimension(name: str) -> pl.Expr:
    """A dimension as GA4 writes it; an empty value is `(not set)`, as in the export."""
    text = pl.col(name).str.strip_chars()
    return pl.when(text.fill_null("") == "").then(pl.lit(NOT_SET)).otherwise(text)


def _metadata_notes(envelopes: Sequence[Envelope]) -> list[str]:
    """What the report's metadata says about its completeness, and the revenue's currency."""
    notes = []
    for envelope in envelopes:
        metadata = envelope.data().get("metadata", {})
        if metadata.get("dataLossFromOtherRow"):
            notes.append(
                "GA4 rolled some rows into '(other)' (dataLossFromOtherRow): the split by "
                "source / medium / campaign is incomplete"
            )
        for sample in metadata.get("samplingMetadatas", []):
            notes.append(
                f"GA4 sampled the report: {sample.get('samplesReadCount')} of "
                f"{sample.get('samplingSpaceSize')} events read"
            )
        if metadata.get("subjectToThresholding"):
            notes.append("GA4 applied thresholding: rows under its minimum counts are withheld")
        if metadata.get("currencyCode"):
            notes.append(f"revenue in {metadata['currencyCode']} (the property's currency)")
    return notes


def normalize(stream: str, envelopes: Sequence[Envelope], account: Account) -> Normalized:
    """Map one `traffic` pull's pages to `core.web_traffic_daily` (see the module docstring)."""
    if stream != "traffic":
        raise ValueError(f"GA4 has no stream '{stream}'")
    pages = [e for e in envelopes if e.ok]
    frame = _pages(pages)
    leads = [pl.col(name) for name in frame.columns if name.startswith(LEAD_PREFIX)]
    frame = frame.with_columns(
        pl.col("date").str.to_date("%Y%m%d", strict=False).alias("date"),
        *[_dimension(name).alias(out) for name, out in DIMENSIONS.items() if name != "date"],
        *[pl.col(name).alias(out) for name, out in MEASURES.items()],
        (sum_or_null(*leads) if leads else pl.lit(None, pl.Float64)).alias("leads"),
        pl.lit(account.account_id).alias("property_id"),
    )
    frame = require(frame, pl.col("date").is_not_null(), "no readable 'date' (YYYYMMDD)")
    kept, quarantine = split_quarantine(frame)
    kept, repeated = drop_duplicate_keys(kept, _KEY)
    traffic = kept.with_columns(platform_from_source("source"))
    errors, notes = error_outcomes(PRODUCT, envelopes, frame.height + 1)
    return result(
        "ga4:traffic",
        "web",
        {"web_traffic_daily": conform(traffic, WEB_TRAFFIC_DAILY.columns)},
        rows_read=frame.height + errors.height,
        loaded=kept.height,
        quarantine=[quarantine, errors],
        skipped=repeated,
        notes=(
            *notes,
            *_metadata_notes(pages),
            *([f"{repeated} rows repeating a key across pages skipped"] if repeated else []),
        ),
    )
