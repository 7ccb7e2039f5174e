"""YouTube Analytics API (and YouTube Data API) responses mapped to the canonical tables.

The connector (`flows.api.youtube_analytics`) marks each envelope's request in `item["request"]`;
the mapping reads only the envelopes, so a replay from the raw zone gives the same rows.

Streams and mapping (DECISIONLOG, YouTube Analytics API; the same columns as YouTube Studio
exports, so a channel's series stays continuous when it moves from exports to the API):

- `channel_daily` — `reports.query` by `day` -> `core.account_daily`: `views` -> `video_views`
  (never `views`, which the metric layer reads as Meta's replacement for impressions);
  `engagedViews` -> `engaged_views` (views as counted before YouTube counted every start of a
  Short, from 31 Mar 2025, and of every format, from late Aug 2026, as a view);
  `subscribersGained` / `subscribersLost` -> `followers_gained` / `followers_lost`;
  `engagements` = likes + comments + shares (NULL only when all three are missing). Channel
  watch time (`estimatedMinutesWatched`) has no column in `core.account_daily` and stays in the
  raw zone.
- `videos` — uploads published in the window (Data API uploads playlist) -> `core.post`
  (`content_type` from the views by `creatorContentType`: SHORTS short, LIVE_STREAM live,
  VIDEO_ON_DEMAND video, STORY story, the type with the most views where a video has several,
  video where the answer is missing; `text` = title;
  `published_at` = `videoPublishedAt`, `published_date` its local date); lifetime totals by
  `video` -> one `core.post_metrics` snapshot, as of the window's end or the fetch date
  (account timezone) whichever is earlier: `views` -> `video_views`, `engagedViews` ->
  `engaged_views`, `estimatedMinutesWatched`
  x 60 -> `watch_time_seconds`, `likes` -> `reactions`, `comments`, `shares`,
  `subscribersGained` -> `follows`; each video's daily rows -> `core.post_daily` (same columns).
  Rows dated before the video's publish date with every metric 0 are skipped and counted, as
  in Studio's chart data: the video did not exist, a 0 there is not a measurement. Listed
  uploads outside the window are skipped and counted. Maturing videos (`refresh` requests, the
  same report for uploads published before the window within `post_refresh_days`) give one more
  snapshot each, as of the same date; a listed upload among them gets its `core.post` row too.
- `audience` — `ageGroup,gender` `viewerPercentage` -> `core.audience` measure `views`,
  dimension `gender_age` (`Female|25-34 years`) plus `age` and `gender` summed from it, `share`
  = percentage / 100, `value` NULL (YouTube gives shares only); `country` `views` -> dimension
  `country`, `value` = views, `share` NULL. Age and gender buckets take Studio's labels
  (`age25-34` -> `25-34 years`, `age65-` -> `65+ years`, `female` -> `Female`, `user_specified`
  -> `User-specified`), so API and export snapshots of one channel line up; countries stay ISO
  3166 codes as the API gives them (`ZZ` = unknown), where Studio writes country names.
  As-of date: the run's date, or the fetch date (account timezone) when that is earlier.

`day` values are YouTube's own (Pacific) dates, stored as given.
"""

from collections.abc import Callable, Sequence
from datetime import date
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
from transforms.canonical.accounts import account_frame
from transforms.canonical.schemas import ACCOUNT_DAILY, AUDIENCE, POST, POST_DAILY, POST_METRICS
from transforms.canonical.typed import (
    conform,
    drop_duplicate_keys,
    require,
    skip_rows,
    split_quarantine,
)
from transforms.context import Account, Normalized

PRODUCT = "YouTube API"
WATCH_URL = "https://www.youtube.com/watch?v="
_TYPES: dict[str, pl.DataType] = {
    "INTEGER": pl.Int64(),
    "FLOAT": pl.Float64(),
    "STRING": pl.String(),
}
_GENDERS = {"female": "Female", "male": "Male", "user_specified": "User-specified"}
_COUNT = pl.Int64()
# YouTube gives percentages with a few decimals; rounding the fractions to 9 digits keeps them
# all and drops the float noise of dividing and summing (0.22999999999999998 for 23 %)
_SHARE_DIGITS = 9
# the metrics of the daily and lifetime reports, which the connector asks for as read here (the
# channel's and the lifetime reports add subscribers)
VIDEO_METRICS = ("views", "engagedViews", "estimatedMinutesWatched", "likes", "comments", "shares")
# creatorContentType -> core.post.content_type; a video whose views come under several types
# takes the type with the most views (UNSPECIFIED and unknown types: video)
CONTENT_TYPES = {"SHORTS": "short", "LIVE_STREAM": "live", "VIDEO_ON_DEMAND": "video"}
CONTENT_TYPES |= {"STORY": "story"}


def _answers(envelopes: Sequence[Envelope], request: str) -> list[Envelope]:
    """The successful envelopes of one request kind (`item["request"]`)."""
    return [e for e in envelopes if e.ok and e.item.get("request") == request]


def _result_table(
    envelope: Envelope, columns: dict[str, pl.DataType], first_row: int
) -> pl.DataFrame:
    """A `youtubeAnalytics#resultTable` as a frame; `columns` are added as NULL when absent.

    The API omits `rows` when it has no data, and a metric dropped as invalid is missing from
    `columnHeaders`, so absent columns are expected and stay NULL.
    """
    with documented_shape(PRODUCT, envelope):
        return _read_result_table(envelope, columns, first_row)


def _read_result_table(
    envelope: Envelope, columns: dict[str, pl.DataType], first_row: int
) -> pl.DataFrame:
    data = envelope.data()
    headers = [h["name"] for h in data.get("columnHeaders", [])]
    types = {
        h["name"]: _TYPES.get(h.get("dataType", ""), pl.String())
        for h in data.get("columnHeaders", [])
    }
    rows = data.get("rows") or []
    cells = {name: [row[i] for row in rows] for i, name in enumerate(headers)}
    frame = typed_frame(cells, types, first_row)
    return frame.with_columns(
        pl.lit(None, dtype).alias(name) for name, dtype in columns.items() if name not in headers
    )


def _stack(
    envelopes: Sequence[Envelope],
    columns: dict[str, pl.DataType],
    first_row: int,
    context: Callable[[Envelope], list[pl.Expr]] = lambda _: [],
) -> pl.DataFrame:
    """Rows of several result tables, numbered on from `first_row`, with per-envelope context."""
    frames: list[pl.DataFrame] = []
    for envelope in envelopes:
        start = first_row + sum(f.height for f in frames)
        frames.append(_result_table(envelope, columns, start).with_columns(context(envelope)))
    empty = typed_frame({name: [] for name in columns}, columns, first_row)
    return pl.concat([empty, *frames], how="diagonal_relaxed")


def _dated(frame: pl.DataFrame) -> pl.DataFrame:
    """Parse `day` (YYYY-MM-DD) into `date`; a row without one goes to quarantine."""
    frame = frame.with_columns(pl.col("day").str.to_date("%Y-%m-%d", strict=False).alias("date"))
    return require(frame, pl.col("date").is_not_null(), "no readable 'day'")


def normalize(stream: str, envelopes: Sequence[Envelope], account: Account) -> Normalized:
    """Map one stream pull's envelopes to canonical frames (see the module docstring)."""
    mappings = {"channel_daily": _channel_daily, "videos": _videos, "audience": _audience}
    if stream not in mappings:
        raise ValueError(f"YouTube Analytics has no stream '{stream}'")
    return mappings[stream](envelopes, account)


def _channel_daily(envelopes: Sequence[Envelope], account: Account) -> Normalized:
    columns = {"day": pl.String(), **dict.fromkeys(VIDEO_METRICS, _COUNT)}
    columns |= {"subscribersGained": _COUNT, "subscribersLost": _COUNT}
    frame = _dated(_stack([e for e in envelopes if e.ok], columns, 1))
    kept, quarantine = split_quarantine(frame)
    daily = kept.with_columns(
        pl.lit("youtube").alias("platform"),
        pl.lit(account.account_id).alias("account_id"),
        pl.col("views").alias("video_views"),
        pl.col("engagedViews").alias("engaged_views"),
        pl.col("subscribersGained").alias("followers_gained"),
        pl.col("subscribersLost").alias("followers_lost"),
        sum_or_null(pl.col("likes"), pl.col("comments"), pl.col("shares")).alias("engagements"),
    ).drop("views")  # YouTube's views are video views, not the canonical `views`
    errors, notes = error_outcomes(PRODUCT, envelopes, frame.height + 1)
    return result(
        "youtube_analytics:channel_daily",
        "youtube",
        {
            "account": account_frame([account]),
            "account_daily": conform(daily, ACCOUNT_DAILY.columns),
        },
        rows_read=frame.height + errors.height,
        loaded=kept.height,
        quarantine=[quarantine, errors],
        skipped=0,
        notes=notes,
    )


def _items(envelope: Envelope) -> list[dict[str, Any]]:
    """The `items` of a Data API list answer."""
    with documented_shape(PRODUCT, envelope):
        items = envelope.data().get("items", [])
        if not all(isinstance(item, dict) for item in items):
            raise TypeError("an item is not an object")
        return list(items)


def _uploads(envelopes: Sequence[Envelope], timezone: str) -> pl.DataFrame:
    """The uploads playlist items: video id, title and publish time (UTC) and local date."""
    items = [item for e in envelopes for item in _items(e)]
    details = [item.get("contentDetails", {}) for item in items]
    cells = {
        "video_id": [d.get("videoId") for d in details],
        "title": [item.get("snippet", {}).get("title") for item in items],
        "published": [d.get("videoPublishedAt") for d in details],
    }
    frame = typed_frame(cells, {}, 1).with_columns(
        pl.col("published")
        .str.to_datetime("%Y-%m-%dT%H:%M:%S%.fZ", time_zone="UTC", strict=False)
        .alias("published_at")
    )
    return frame.with_columns(
        pl.col("published_at").dt.convert_time_zone(timezone).dt.date().alias("published_date")
    )


def _requested(envelopes: Sequence[Envelope]) -> set[str]:
    """The videos the connector asked lifetime totals for: the window's and the refreshed."""
    return {
        video
        for e in envelopes
        if e.item.get("request") in ("lifetime", "refresh")
        for video in e.item.get("videos", "").split(",")
        if video
    }


def snapshot_date(envelope: Envelope, timezone: str) -> date:
    """As-of date of lifetime totals: the window's end, or the fetch date if that is earlier."""
    fetched = envelope.fetched_on(timezone)
    return min(envelope.window.end, fetched) if envelope.window else fetched


def _post_measures(frame: pl.DataFrame) -> pl.DataFrame:
    """Rename the video metrics a frame has to canonical post measures."""
    return frame.with_columns(
        pl.lit("youtube").alias("platform"),
        pl.col("views").alias("video_views"),
        pl.col("engagedViews").alias("engaged_views"),
        (pl.col("estimatedMinutesWatched") * 60).cast(pl.Float64).alias("watch_time_seconds"),
        pl.col("likes").alias("reactions"),
    ).drop("views")  # YouTube's views are video views, not the canonical `views`


def _videos(envelopes: Sequence[Envelope], account: Account) -> Normalized:
    uploads = _uploads(_answers(envelopes, "uploads"), account.timezone)
    listed, outside = skip_rows(uploads, ~pl.col("video_id").is_in(_requested(envelopes)))
    listed, repeated = drop_duplicate_keys(listed, ["video_id"])
    listed = require(listed, pl.col("published_at").is_not_null(), "no readable videoPublishedAt")
    posts, post_errors = split_quarantine(listed)
    metrics = {"video": pl.String(), **dict.fromkeys(VIDEO_METRICS, _COUNT)}
    lifetime = _stack(
        [*_answers(envelopes, "lifetime"), *_answers(envelopes, "refresh")],
        metrics | {"subscribersGained": _COUNT},
        uploads.height + 1,
        lambda e: [pl.lit(snapshot_date(e, account.timezone)).alias("as_of_date")],
    )
    snapshots, snapshot_errors = split_quarantine(
        require(lifetime, pl.col("video").is_not_null(), "no video id")
    )
    daily, daily_errors, before = _daily(
        _answers(envelopes, "daily"), posts, uploads.height + lifetime.height + 1
    )
    read = uploads.height + lifetime.height + daily.height + before + daily_errors.height
    kinds = _stack(
        _answers(envelopes, "content_type"),
        {"video": pl.String(), "creatorContentType": pl.String(), "views": _COUNT},
        read + 1,
    )
    kinds, kind_errors = split_quarantine(
        require(kinds, pl.col("video").is_not_null(), "no video id")
    )
    posts = _typed_posts(posts, kinds)
    read += kinds.height + kind_errors.height
    errors, notes = error_outcomes(PRODUCT, envelopes, read + 1)
    return result(
        "youtube_analytics:videos",
        "youtube",
        {
            "account": account_frame([account]),
            "post": conform(_posts(posts, account), POST.columns),
            "post_metrics": conform(
                _post_measures(snapshots).with_columns(
                    pl.col("video").alias("post_id"),
                    pl.col("subscribersGained").alias("follows"),
                ),
                POST_METRICS.columns,
            ),
            "post_daily": conform(_post_measures(daily), POST_DAILY.columns),
        },
        rows_read=read + errors.height,
        loaded=posts.height + snapshots.height + daily.height + kinds.height,
        quarantine=[post_errors, snapshot_errors, daily_errors, kind_errors, errors],
        skipped=outside + repeated + before,
        notes=(
            *notes,
            f"{outside} listed uploads outside the publish-date window skipped",
            f"{before} daily rows dated before their video was published skipped",
        ),
    )


def _typed_posts(posts: pl.DataFrame, kinds: pl.DataFrame) -> pl.DataFrame:
    """Each post's content type from its views by `creatorContentType` (video without any).

    A video can gather views under several types (a live stream watched later on demand): the
    type with the most views wins, ties in the order short, live, video, story.
    """
    order = list(CONTENT_TYPES.values())
    chosen = (
        kinds.with_columns(
            pl.col("creatorContentType")
            .replace_strict(CONTENT_TYPES, default="video")
            .alias("content_type"),
            pl.col("views").fill_null(0),
        )
        .with_columns(
            pl.col("content_type").replace_strict(order, list(range(len(order)))).alias("_order")
        )
        .sort(["video", "views", "_order"], descending=[False, True, False])
        .unique(subset=["video"], keep="first", maintain_order=True)
        .select(pl.col("video").alias("video_id"), "content_type")
    )
    return posts.join(chosen, on="video_id", how="left").with_columns(
        pl.col("content_type").fill_null("video")
    )


def _posts(posts: pl.DataFrame, account: Account) -> pl.DataFrame:
    return posts.with_columns(
        pl.lit("youtube").alias("platform"),
        pl.col("video_id").alias("post_id"),
        pl.lit(account.account_id).alias("account_id"),
        pl.col("title").alias("text"),
        (pl.lit(WATCH_URL) + pl.col("video_id")).alias("permalink"),
    )


def _daily(
    envelopes: Sequence[Envelope], posts: pl.DataFrame, first_row: int
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Each video's daily rows (the video from the request's item), without pre-publish zeros.

    Returns the rows to load, the quarantine and how many pre-publish rows were skipped.
    """
    frame = _stack(
        envelopes,
        {"day": pl.String(), **dict.fromkeys(VIDEO_METRICS, _COUNT)},
        first_row,
        lambda e: [pl.lit(e.item.get("video_id")).alias("post_id")],
    )
    if "post_id" not in frame.columns:  # no video published in the window: nothing was asked
        frame = frame.with_columns(pl.lit(None, pl.String()).alias("post_id"))
    frame = _dated(frame).join(
        posts.select(pl.col("video_id").alias("post_id"), "published_date"),
        on="post_id",
        how="left",
    )
    kept, quarantine = split_quarantine(frame)
    empty = pl.all_horizontal(pl.col(name).fill_null(0) == 0 for name in VIDEO_METRICS)
    kept, before = skip_rows(kept, (pl.col("date") < pl.col("published_date")) & empty)
    return kept, quarantine, before


def _age_label(column: str) -> pl.Expr:
    """`age25-34` -> `25-34 years`, `age65-` -> `65+ years` (Studio's labels); others as given."""
    return (
        pl.col(column)
        .str.replace(r"^age(\d+)-$", "${1}+ years")
        .str.replace(r"^age(\d+)-(\d+)$", "${1}-${2} years")
    )


def _audience(envelopes: Sequence[Envelope], account: Account) -> Normalized:
    def as_of(envelope: Envelope) -> list[pl.Expr]:
        return [pl.lit(snapshot_date(envelope, account.timezone)).alias("as_of_date")]

    shares = _stack(
        _answers(envelopes, "gender_age"),
        {"ageGroup": pl.String(), "gender": pl.String(), "viewerPercentage": pl.Float64()},
        1,
        as_of,
    )
    shares = require(
        shares,
        pl.col("ageGroup").is_not_null() & pl.col("gender").is_not_null(),
        "no ageGroup or gender",
    )
    countries = _stack(
        _answers(envelopes, "country"),
        {"country": pl.String(), "views": _COUNT},
        shares.height + 1,
        as_of,
    )
    countries = require(countries, pl.col("country").is_not_null(), "no country")
    pairs, pair_errors = split_quarantine(shares)
    places, place_errors = split_quarantine(countries)
    read = shares.height + countries.height
    errors, notes = error_outcomes(PRODUCT, envelopes, read + 1)
    frame = pl.concat([*_gender_age(pairs), _countries(places)], how="diagonal_relaxed")
    audience = frame.with_columns(
        pl.lit("youtube").alias("platform"),
        pl.lit(account.account_id).alias("account_id"),
        pl.lit("views").alias("measure"),
    )
    return result(
        "youtube_analytics:audience",
        "youtube",
        {"account": account_frame([account]), "audience": conform(audience, AUDIENCE.columns)},
        rows_read=read + errors.height,
        loaded=pairs.height + places.height,
        quarantine=[pair_errors, place_errors, errors],
        skipped=0,
        notes=(*notes, *_periods(envelopes)),
    )


def _gender_age(pairs: pl.DataFrame) -> list[pl.DataFrame]:
    """`gender|age` shares, and the age and gender shares summed from them."""
    labelled = pairs.with_columns(
        _age_label("ageGroup").alias("age"),
        pl.col("gender").replace(_GENDERS).alias("gender"),
        (pl.col("viewerPercentage") / 100).round(_SHARE_DIGITS).alias("share"),
    )
    combined = labelled.with_columns(
        pl.lit("gender_age").alias("dimension"), pl.format("{}|{}", "gender", "age").alias("bucket")
    )
    parts = [
        labelled.group_by("as_of_date", part, maintain_order=True)
        .agg(pl.col("share").sum().round(_SHARE_DIGITS))
        .with_columns(pl.lit(part).alias("dimension"), pl.col(part).alias("bucket"))
        for part in ("age", "gender")
    ]
    columns = ["as_of_date", "dimension", "bucket", "share"]
    return [frame.select(columns) for frame in (combined, *parts)]


def _countries(places: pl.DataFrame) -> pl.DataFrame:
    return places.select(
        "as_of_date",
        pl.lit("country").alias("dimension"),
        pl.col("country").alias("bucket"),
        pl.col("views").cast(pl.Float64).alias("value"),
    )


def _periods(envelopes: Sequence[Envelope]) -> list[str]:
    """Say which period of views each audience breakdown covers (YouTube's own dates)."""
    return [
        f"{e.item['request']} audience over {e.params.get('startDate')}..{e.params.get('endDate')}"
        for e in envelopes
        if e.ok and e.item.get("request") in ("gender_age", "country")
    ]
