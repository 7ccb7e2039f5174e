"""LinkedIn Community Management API answers → the canonical rows the LinkedIn Page exports give.

`normalize(stream, envelopes, account)` reads the envelopes of one pull (see
`flows.api.linkedin_community`). The mapping follows `transforms.formats.linkedin`, so a page's
API days and export days are the same rows (DECISIONLOG, "LinkedIn Community Management API"):

- `share_statistics` → `core.account_daily`: impressions = impressionCount, reach =
  uniqueImpressionsCount, engagements = clickCount + likeCount + commentCount + shareCount (the
  export's clicks + reactions + comments + shares). LinkedIn serves organic statistics only here.
- `follower_statistics` → followers_gained = organicFollowerGain + paidFollowerGain.
- `page_statistics` → profile_visits = views.allPageViews.pageViews (every page tab, desktop
  and mobile: the export's `Total page views (total)`).
- `follower_demographics` → `core.audience` (measure followers): function → job_function,
  seniority, industry, geo country → country, geo (markets such as a metro area) → city, staff
  count range → company_size (`SIZE_11_TO_50` → `11-50`, as the export writes it); value =
  followerCounts.organicFollowerCount, which LinkedIn documents as organic and paid together
  for demographics. Function, seniority, industry and geo buckets stay LinkedIn's URNs
  (`urn:li:function:8`): naming them takes the standardized-data lookups, which are not made.
  The snapshot date is the day the answer was fetched (the account's timezone). networkSizes'
  firstDegreeSize → `core.account_daily.followers_total` of that day.
- `posts` → `core.post` (post_id = the share/ugcPost URN, published_at = publishedAt,
  text = commentary, content_type from `content`, is_paid for a post outside the feed
  (`distribution.feedDistribution` NONE: a sponsored-only post), permalink
  `https://www.linkedin.com/feed/update/<urn>/`) and one `core.post_metrics` snapshot per post
  and fetch date from its lifetime share statistics: impressions, reach = unique impressions,
  clicks, reactions = likeCount, comments, shares.

Daily rows are LinkedIn's UTC days (`timeRange.start`); an element that is not one day, or a
count that is not a whole number, is quarantined; a day outside the pull's window, a day or
post served twice, a post that is not PUBLISHED and a post published outside the window (and
not refreshed) are skipped with a reason.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from transforms.api.envelope import REFRESH, Envelope, Window
from transforms.api.google import result, sum_or_null, typed_frame
from transforms.api.refusals import one_line
from transforms.canonical.accounts import account_frame
from transforms.canonical.schemas import ACCOUNT_DAILY, AUDIENCE, POST, POST_METRICS
from transforms.canonical.typed import (
    QUARANTINE,
    conform,
    drop_duplicate_keys,
    require,
    split_quarantine,
)
from transforms.context import Account, Normalized
from transforms.errors import InputError

PLATFORM = "linkedin"
DAY_MS = 86_400_000
# stream -> cell -> path in an element
_DAILY_CELLS: dict[str, dict[str, tuple[str, ...]]] = {
    "share_statistics": {
        name: ("totalShareStatistics", name)
        for name in (
            "impressionCount",
            "uniqueImpressionsCount",
            "clickCount",
            "likeCount",
            "commentCount",
            "shareCount",
        )
    },
    "follower_statistics": {
        "organicFollowerGain": ("followerGains", "organicFollowerGain"),
        "paidFollowerGain": ("followerGains", "paidFollowerGain"),
    },
    "page_statistics": {
        "pageViews": ("totalPageStatistics", "views", "allPageViews", "pageViews"),
    },
}
_DAILY_MEASURES: dict[str, dict[str, pl.Expr]] = {
    "share_statistics": {
        "impressions": pl.col("impressionCount"),
        "reach": pl.col("uniqueImpressionsCount"),
        "engagements": sum_or_null(
            pl.col("clickCount"), pl.col("likeCount"), pl.col("commentCount"), pl.col("shareCount")
        ),
    },
    "follower_statistics": {
        "followers_gained": sum_or_null(pl.col("organicFollowerGain"), pl.col("paidFollowerGain"))
    },
    "page_statistics": {"profile_visits": pl.col("pageViews")},
}
# lifetime facet -> (the bucket's field, canonical dimension)
FACETS = {
    "followerCountsByFunction": ("function", "job_function"),
    "followerCountsBySeniority": ("seniority", "seniority"),
    "followerCountsByIndustry": ("industry", "industry"),
    "followerCountsByGeoCountry": ("geo", "country"),
    "followerCountsByGeo": ("geo", "city"),
    "followerCountsByStaffCountRange": ("staffCountRange", "company_size"),
}
_POST_COUNTS = {
    "impressions": "impressionCount",
    "reach": "uniqueImpressionsCount",
    "clicks": "clickCount",
    "reactions": "likeCount",
    "comments": "commentCount",
    "shares": "shareCount",
}
_CONTENT_TYPES = {
    "urn:li:image": "photo",
    "urn:li:video": "video",
    "urn:li:document": "carousel",  # the export's Document, as transforms.formats.linkedin maps it
}


def normalize(stream: str, envelopes: Sequence[Envelope], account: Account) -> Normalized:
    """Map one pull to canonical frames (see the module docstring)."""
    if stream in _DAILY_CELLS:
        return _daily(stream, envelopes, account)
    if stream == "follower_demographics":
        return _demographics(envelopes, account)
    if stream == "posts":
        return _posts(envelopes, account)
    raise ValueError(f"LinkedIn has no stream '{stream}'")


def _body(envelope: Envelope) -> dict[str, Any]:
    try:
        body = envelope.data()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise InputError(f"LinkedIn: GET {envelope.url} did not answer a JSON object")
    return body


def _elements(envelope: Envelope) -> list[Any]:
    elements = _body(envelope).get("elements")
    if not isinstance(elements, list):
        raise InputError(f"LinkedIn: GET {envelope.url} has no 'elements' list")
    return elements


def _at(record: Any, path: Sequence[str]) -> Any:
    for key in path:
        record = record.get(key) if isinstance(record, dict) else None
    return record


def _utc_day(value: Any) -> date | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return datetime.fromtimestamp(value / 1000, tz=UTC).date()


def _owned(frame: pl.DataFrame, account: Account) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(PLATFORM).alias("platform"), pl.lit(account.account_id).alias("account_id")
    )


def _in_windows(column: str, windows: set[Window]) -> pl.Expr:
    return pl.any_horizontal(
        pl.lit(not windows), *(pl.col(column).is_between(w.start, w.end) for w in windows)
    )


def _daily(stream: str, envelopes: Sequence[Envelope], account: Account) -> Normalized:
    """Daily statistics → `core.account_daily`, the stream's measures only."""
    paths = _DAILY_CELLS[stream]
    cells: dict[str, list[Any]] = {"start": [], "end": [], **{name: [] for name in paths}}
    pages = [e for e in envelopes if e.ok and e.item.get("request") == "daily"]
    for envelope in pages:
        for element in _elements(envelope):
            cells["start"].append(_at(element, ("timeRange", "start")))
            cells["end"].append(_at(element, ("timeRange", "end")))
            for name, path in paths.items():
                cells[name].append(_at(element, path))
    types: dict[str, pl.DataType] = {name: pl.Int64() for name in cells}
    frame = typed_frame(cells, types, 1).with_columns(
        (pl.col("start") * 1000).cast(pl.Datetime("us", "UTC")).dt.date().alias("date")
    )
    frame = require(frame, pl.col("date").is_not_null(), "no timeRange.start")
    frame = require(
        frame, pl.col("end") - pl.col("start") == DAY_MS, "timeRange is not one day (DAY)"
    )
    kept, quarantine = split_quarantine(frame)
    windows = {e.window for e in pages if e.window is not None}
    outside = kept.height
    kept = kept.filter(_in_windows("date", windows))
    outside -= kept.height
    kept, repeated = drop_duplicate_keys(kept, ["date"])
    measures = [expr.alias(name) for name, expr in _DAILY_MEASURES[stream].items()]
    daily = _owned(kept.with_columns(measures), account)
    served = sorted({e.item["served_from"] for e in pages if e.item.get("served_from")})
    notes = [
        f"LinkedIn serves share statistics for the last 12 months only: days before {day} "
        "were not asked (the Page exports hold them)"
        for day in served
    ]
    return result(
        f"linkedin_community:{stream}",
        PLATFORM,
        {
            "account": account_frame([account]),
            "account_daily": conform(daily, ACCOUNT_DAILY.columns),
        },
        rows_read=frame.height,
        loaded=kept.height,
        quarantine=[quarantine],
        skipped=outside + repeated,
        notes=(
            *notes,
            *([f"skipped {outside}: a day outside the pull's window"] * bool(outside)),
            *([f"skipped {repeated}: a day served twice"] * bool(repeated)),
        ),
    )


def staff_count_range(value: str) -> str:
    """`SIZE_11_TO_50` → `11-50`, `SIZE_10001_OR_MORE` → `10001+`, `SIZE_1` → `1`."""
    text = value.removeprefix("SIZE_")
    if text.endswith("_OR_MORE"):
        return text.removesuffix("_OR_MORE") + "+"
    return text.replace("_TO_", "-")


@dataclass
class _Rows:
    """Records read so far: row numbers, skips with their reasons."""

    read: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def next(self) -> int:
        self.read += 1
        return self.read

    def skip(self, reason: str, count: int = 1) -> None:
        self.read += count
        self.skipped[reason] = self.skipped.get(reason, 0) + count

    def notes(self) -> list[str]:
        return [f"skipped {n}: {reason}" for reason, n in self.skipped.items()]


def _demographics(envelopes: Sequence[Envelope], account: Account) -> Normalized:
    """Lifetime follower facets → `core.audience`; the network size → followers_total."""
    rows = _Rows()
    cells: dict[str, list[Any]] = {
        "_n": [],
        "as_of_date": [],
        "dimension": [],
        "bucket": [],
        "value": [],
    }
    totals: dict[str, list[Any]] = {"_n": [], "date": [], "followers_total": []}
    for envelope in (e for e in envelopes if e.ok):
        as_of = envelope.fetched_on(account.timezone)
        if envelope.item.get("request") == "network_size":
            totals["_n"].append(rows.next())
            totals["date"].append(as_of)
            totals["followers_total"].append(_body(envelope).get("firstDegreeSize"))
            continue
        for element in _elements(envelope):
            for facet, entries in element.items() if isinstance(element, dict) else []:
                if not isinstance(entries, list):
                    continue  # organizationalEntity
                if facet not in FACETS:
                    rows.skip(f"facet {facet} has no canonical dimension", len(entries))
                    continue
                label, dimension = FACETS[facet]
                for entry in entries:
                    bucket = _at(entry, (label,))
                    if isinstance(bucket, str) and dimension == "company_size":
                        bucket = staff_count_range(bucket)
                    cells["_n"].append(rows.next())
                    cells["as_of_date"].append(as_of)
                    cells["dimension"].append(dimension)
                    cells["bucket"].append(bucket)
                    cells["value"].append(_at(entry, ("followerCounts", "organicFollowerCount")))
    frame = _typed(cells, {"value": pl.Int64()}, {"as_of_date": pl.Date()})
    frame = require(frame, pl.col("bucket").is_not_null(), "a facet entry without its bucket")
    frame = require(frame, pl.col("value").is_not_null(), "no organicFollowerCount")
    kept, quarantine = split_quarantine(frame)
    kept, repeated = drop_duplicate_keys(kept, ["as_of_date", "dimension", "bucket"])
    rows.skipped["a bucket served twice"] = repeated
    audience = _owned(kept.with_columns(pl.lit("followers").alias("measure")), account)
    total = _typed(totals, {"followers_total": pl.Int64()}, {"date": pl.Date()})
    total = require(total, pl.col("followers_total").is_not_null(), "no firstDegreeSize")
    total_kept, total_bad = split_quarantine(total)
    skipped = sum(rows.skipped.values())
    return result(
        "linkedin_community:follower_demographics",
        PLATFORM,
        {
            "account": account_frame([account]),
            "audience": conform(audience, AUDIENCE.columns),
            "account_daily": conform(_owned(total_kept, account), ACCOUNT_DAILY.columns),
        },
        rows_read=rows.read,
        loaded=kept.height + total_kept.height,
        quarantine=[quarantine, total_bad],
        skipped=skipped,
        notes=[n for n in rows.notes() if not n.startswith("skipped 0:")],
    )


def _typed(
    cells: dict[str, list[Any]],
    types: dict[str, pl.DataType],
    given: dict[str, pl.DataType] | None = None,
) -> pl.DataFrame:
    """A typed frame of JSON cells (see `typed_frame`), rows numbered by their `_n` cells.

    Columns in `given` hold values the mapping made itself (dates, flags): taken as they are.
    """
    numbers = cells.pop("_n")
    made = {name: cells.pop(name) for name in (given or {}) if name in cells}
    frame = typed_frame(cells, types, 1).with_columns(pl.Series("_row", numbers, pl.Int64()))
    return frame.with_columns(
        pl.Series(name, values, (given or {})[name]) for name, values in made.items()
    )


def _content_type(record: dict[str, Any]) -> str:
    content = record.get("content")
    if not isinstance(content, dict) or not content:
        return "text"
    if "multiImage" in content or "carousel" in content:
        return "carousel"
    if "article" in content:
        return "link"
    media = _at(content, ("media", "id"))
    if isinstance(media, str):
        return next(
            (kind for prefix, kind in _CONTENT_TYPES.items() if media.startswith(prefix)), "other"
        )
    return "other"


def _posts(envelopes: Sequence[Envelope], account: Account) -> Normalized:
    """Listed posts → `core.post`; their lifetime statistics → `core.post_metrics` snapshots."""
    rows = _Rows()
    zone = ZoneInfo(account.timezone)
    refreshed = {
        post_id for e in envelopes if e.item.get(REFRESH) for post_id in e.item[REFRESH].split(",")
    }
    posts: dict[str, list[Any]] = {
        name: [] for name in ("_n", "post_id", "published_ms", "text", "content_type", "is_paid")
    }
    windows: set[Window] = set()
    for envelope in (e for e in envelopes if e.ok and e.item.get("request") == "posts"):
        if envelope.window is not None:
            windows.add(envelope.window)
        for record in _elements(envelope):
            record = record if isinstance(record, dict) else {}
            state = record.get("lifecycleState")
            if state not in (None, "PUBLISHED"):
                rows.skip(f"a post that is not PUBLISHED ({state})")
                continue
            posts["_n"].append(rows.next())
            posts["post_id"].append(record.get("id"))
            posts["published_ms"].append(record.get("publishedAt", record.get("createdAt")))
            posts["text"].append(record.get("commentary"))
            posts["content_type"].append(_content_type(record))
            feed = _at(record, ("distribution", "feedDistribution"))
            posts["is_paid"].append(None if feed is None else feed == "NONE")
    frame = _typed(posts, {"published_ms": pl.Int64()}, {"is_paid": pl.Boolean()})
    frame = frame.with_columns(
        (pl.col("published_ms") * 1000).cast(pl.Datetime("us", "UTC")).alias("published_at"),
    ).with_columns(
        pl.col("published_at").dt.convert_time_zone(str(zone)).dt.date().alias("published_date"),
        pl.format("https://www.linkedin.com/feed/update/{}/", "post_id").alias("permalink"),
    )
    frame = require(
        frame, pl.col("post_id").str.starts_with("urn:li:"), "a post without its URN id"
    )
    frame = require(frame, pl.col("published_at").is_not_null(), "no publishedAt or createdAt")
    kept, quarantine = split_quarantine(frame)
    wanted = _in_windows("published_date", windows) | pl.col("post_id").is_in(list(refreshed))
    outside = kept.height
    kept = kept.filter(wanted)
    rows.skipped["a post published outside the pull's window"] = outside - kept.height
    kept, repeated = drop_duplicate_keys(kept, ["post_id"])
    rows.skipped["a post listed twice"] = repeated
    metrics, metric_bad, errors = _post_metrics(envelopes, account, rows)
    return result(
        "linkedin_community:posts",
        PLATFORM,
        {
            "account": account_frame([account]),
            "post": conform(_owned(kept, account), POST.columns),
            "post_metrics": conform(
                metrics.with_columns(pl.lit(PLATFORM).alias("platform")), POST_METRICS.columns
            ),
        },
        rows_read=rows.read,
        loaded=kept.height + metrics.height,
        quarantine=[quarantine, metric_bad, errors],
        skipped=sum(rows.skipped.values()),
        notes=[n for n in rows.notes() if not n.startswith("skipped 0:")],
    )


def _post_metrics(
    envelopes: Sequence[Envelope], account: Account, rows: _Rows
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Snapshots from the statistics answers, their bad elements, and the per-post errors."""
    cells: dict[str, list[Any]] = {
        name: [] for name in ("_n", "as_of_date", "post_id", *_POST_COUNTS.values())
    }
    errors: list[tuple[int, str, str]] = []
    for envelope in (e for e in envelopes if e.item.get("request") == "post_statistics"):
        if not envelope.ok:
            body = _error_body(envelope)
            reason = (
                f"LinkedIn error {envelope.status} ({body.get('serviceErrorCode')}): "
                + one_line(str(body.get("message", "")))
            )
            raw = json.dumps({"item": envelope.item, "error": body}, sort_keys=True)
            errors.append((rows.next(), reason, raw))
            continue
        as_of = envelope.fetched_on(account.timezone)
        for element in _elements(envelope):
            cells["_n"].append(rows.next())
            cells["as_of_date"].append(as_of)
            cells["post_id"].append(_at(element, ("share",)) or _at(element, ("ugcPost",)))
            for name in _POST_COUNTS.values():
                cells[name].append(_at(element, ("totalShareStatistics", name)))
    counts: dict[str, pl.DataType] = dict.fromkeys(_POST_COUNTS.values(), pl.Int64())
    frame = _typed(cells, counts, {"as_of_date": pl.Date()})
    frame = require(
        frame, pl.col("post_id").is_not_null(), "statistics without their share or ugcPost"
    )
    kept, bad = split_quarantine(frame)
    kept, repeated = drop_duplicate_keys(kept, ["post_id", "as_of_date"])
    rows.skipped["statistics of a post served twice"] = repeated
    snapshots = kept.with_columns(
        pl.col(source).alias(name) for name, source in _POST_COUNTS.items()
    )
    return snapshots, bad, pl.DataFrame(errors, schema=QUARANTINE, orient="row")


def _error_body(envelope: Envelope) -> dict[str, Any]:
    try:
        body = envelope.data()
    except ValueError:
        return {"message": envelope.body.strip()[:200]}
    return body if isinstance(body, dict) else {}
