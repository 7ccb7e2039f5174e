"""Legacy Twitter Analytics exports (analytics.twitter.com, until 2023): tweets and days.

`tweet_activity_metrics_<handle>_<start>_<end>_<lang>.csv` holds one row per tweet with lifetime
counts; `daily_tweet_activity_metrics_…csv` one row per day. Both quote every field, may write
counts as floats (`1938.0`), and repeat each measure as a `promoted …` column that is `-` unless
the tweet was promoted. The unprefixed columns count organic activity only (Twitter split organic
and promoted metrics, as its API's `organic_metrics` / `promoted_metrics` do), so every canonical
count is organic + promoted; `-` is NULL and a sum is NULL only when both parts are.

Tweet export → `core.post` + `core.post_metrics` (DECISIONLOG, as the current X content export):
reactions = likes (`favorites` in older files), comments = replies, shares = retweets,
link_clicks = url clicks, clicks = url + hashtag + permalink clicks + detail expands,
profile_visits = user profile clicks, follows = follows, impressions = impressions; is_paid =
any `promoted …` value present (NULL when the file has no promoted columns). `media views`
count photo and GIF views as well as video plays, so they do not feed `video_views`; engagement
counts and rates are derived, not stored. `time` is UTC (`2016-12-23 18:50 +0000`);
`published_date` is the account's local date. A time without an offset (a hand-edited file) is
read in the account's timezone like any naive timestamp, and must then still agree with the
tweet id, which encodes its creation instant (Twitter's snowflake ids): a row whose time and id
disagree by a minute or more has been edited and is quarantined.

The account comes from the permalink's handle. The snapshot date is the last day of the period
in the file name: `_20161201_20170101_` is a monthly download whose end date is exclusive (the
1st of the next month), so metrics are as of 2016-12-31 (never after the ingest date).

Japanese downloads (`…_ja.csv`) name the same columns in Japanese (`ツイートID`, `時間`,
`インプレッション`, promoted `プロモの…`); the daily one keeps `Tweets published` in English beside
`日付`. Numbers and times are written as in English files.

Daily export → `core.account_daily` of the account named with `--account`: posts_published =
Tweets published, impressions, engagements, profile_visits = user profile clicks,
followers_gained = follows. `follows` counts only follows made from a tweet and the export has no
unfollows, so followers_lost and followers_total stay NULL. `url clicks` are clicks on links
inside tweets (post link_clicks), not clicks on the profile's website, so website_clicks is NULL.
"""

import re
from dataclasses import replace
from datetime import date, datetime, timedelta

import polars as pl

from transforms.canonical.accounts import account_frame, accounts_by_handle, hinted_account
from transforms.canonical.measures import total
from transforms.canonical.schemas import POST, POST_METRICS
from transforms.canonical.typed import (
    COUNT,
    REASON,
    FieldType,
    assemble,
    conform,
    date_field,
    drop_duplicate_keys,
    parse_fields,
    require,
    split_quarantine,
)
from transforms.context import IngestContext, Normalized, ParsedInput
from transforms.format_spec import FormatSpec
from transforms.formats.daily import finish_daily
from transforms.formats.x_analytics import with_absent
from transforms.values.dates import local_date, localize, snapshot_date

_PERMALINK = (
    r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/([A-Za-z0-9_]+)/status/(\d+)(?:[/?#]|$)"
)
_SCIENTIFIC = r"^\s*\d(\.\d+)?[eE]\+?\d+\s*$"
_PERIOD_IN_NAME = re.compile(r"_(\d{8})_(\d{8})(?:_|\.|$)")
_TWEPOCH_MS = 1_288_834_974_657  # Twitter's snowflake epoch (2010-11-04)
_SNOWFLAKE_FROM = 10**15  # ids below were issued before or just after snowflake ids began
_NAIVE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S")
_OFFSET_FORMATS = ("%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M:%S %z")

# Organic measures that feed canonical columns, by header; each has a `promoted …` twin.
# English names, then the Japanese ones of the `_ja.csv` downloads (the interface language is the
# file name's suffix). Japanese promoted columns are `プロモの<name>`; the daily export keeps
# `Tweets published` in English beside `日付` (evidence: a public ja->en header table, entry
# 7710117160 of the code index, and three independent Japanese parsers naming the same columns).
_TWEET_MEASURES: dict[str, tuple[str, ...]] = {
    "impressions": ("impressions", "インプレッション"),
    "retweets": ("retweets", "リツイート"),
    "replies": ("replies", "返信"),
    "likes": ("likes", "favorites", "いいね"),
    "user_profile_clicks": ("user profile clicks", "ユーザープロフィールクリック"),
    "url_clicks": ("url clicks", "URLクリック数"),
    "hashtag_clicks": ("hashtag clicks", "ハッシュタグクリック"),
    "detail_expands": ("detail expands", "詳細クリック"),
    "permalink_clicks": ("permalink clicks", "固定リンクのクリック数"),
    "follows": ("follows", "フォローしている"),
}
_DAILY_MEASURES: dict[str, tuple[str, ...]] = {
    "impressions": ("impressions", "インプレッション"),
    "engagements": ("engagements", "エンゲージメント"),
    "user_profile_clicks": ("user profile clicks", "ユーザープロフィールクリック"),
    "follows": ("follows", "フォローしている"),
}


def _promoted(header: str) -> str:
    return f"promoted {header}" if header.isascii() else f"プロモの{header}"


def _with_promoted(measures: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    promoted = {
        f"promoted_{field}": tuple(_promoted(header) for header in headers)
        for field, headers in measures.items()
    }
    return measures | promoted


def _parse_measures(
    parsed: ParsedInput, measures: dict[str, tuple[str, ...]], types: dict[str, FieldType]
) -> pl.DataFrame:
    """Parse the measures and `types`; measures the file lacks become NULL columns.

    A file without a column (the 13-column re-saves) provides no value for it: NULL, never 0.
    """
    fields = list(_with_promoted(measures))
    return with_absent(parse_fields(parsed, {**dict.fromkeys(fields, COUNT), **types}), fields)


def _total(*fields: str) -> pl.Expr:
    """Organic plus promoted parts; NULL only when every part is NULL (METRICS.md)."""
    return total(*(part for name in fields for part in (name, f"promoted_{name}")))


def _tweet_time(column: str, _locale: str) -> pl.Expr:
    """The tweet's time as a naive timestamp: UTC when written with an offset, else as written."""
    text = pl.col(column).cast(pl.String).str.strip_chars()
    attempts = [
        text.str.strptime(pl.Datetime("us", "UTC"), fmt, strict=False).dt.replace_time_zone(None)
        for fmt in _OFFSET_FORMATS
    ] + [text.str.strptime(pl.Datetime("us"), fmt, strict=False) for fmt in _NAIVE_FORMATS]
    return pl.coalesce(attempts).alias(column)


_TWEET_TIME = FieldType("date and time", _tweet_time)


def _snowflake_instant(post_id: str) -> pl.Expr:
    """The creation instant encoded in a snowflake tweet id (NULL for older, sequential ids)."""
    number = pl.col(post_id).cast(pl.UInt64, strict=False)
    millis = (number // 2**22).cast(pl.Int64) + _TWEPOCH_MS
    instant = pl.from_epoch(millis, time_unit="ms").dt.replace_time_zone("UTC")
    return pl.when(number >= _SNOWFLAKE_FROM).then(instant.dt.cast_time_unit("us"))


def _unescape(column: str) -> pl.Expr:
    """Undo the HTML escaping Twitter applies to tweet text (`&amp;`, `&lt;`, `&gt;` only)."""
    text = pl.col(column).str.replace_all("&lt;", "<", literal=True)
    text = text.str.replace_all("&gt;", ">", literal=True)
    return text.str.replace_all("&amp;", "&", literal=True)


def tweet_snapshot_date(source_name: str, fallback: date) -> tuple[date, str]:
    """As-of date of the lifetime counts: the last day of the period the file name states.

    The legacy export names its period `_YYYYMMDD_YYYYMMDD_` with an exclusive end, so the last
    day covered is the day before; names without that period fall back to `snapshot_date`.
    """
    found = _PERIOD_IN_NAME.search(source_name)
    if found is None:
        return snapshot_date(source_name, fallback)
    end = datetime.strptime(found.group(2), "%Y%m%d").date() - timedelta(days=1)
    return min(end, fallback), (
        f"snapshot date {min(end, fallback)}: the file name's period ends {found.group(2)} "
        "(exclusive), so the counts are as of its last day, never after the ingest date"
    )


def _validate_tweets(frame: pl.DataFrame, headers: dict[str, str]) -> pl.DataFrame:
    """Reasons for rows without a usable tweet id, permalink or time."""
    id_header = headers["tweet_id"]
    link_header = headers["permalink"]
    frame = require(
        frame,
        ~pl.col("tweet_id").str.contains(_SCIENTIFIC),
        f"column '{id_header}' holds a number in scientific notation (a spreadsheet program "
        "rounded the ID): the ID is lost, re-export without opening the file in a spreadsheet",
    )
    frame = require(
        frame,
        pl.col("tweet_id").str.contains(r"^\d+$") | pl.col("tweet_id").str.contains(_SCIENTIFIC),
        f"column '{id_header}' is not a tweet id",
    )
    frame = require(
        frame,
        pl.col("permalink").str.contains(_PERMALINK),
        f"column '{link_header}' is not a link to a tweet",
    )
    frame = require(
        frame,
        pl.col("_link_id").is_null()
        | ~pl.col("tweet_id").str.contains(r"^\d+$")
        | (pl.col("_link_id") == pl.col("tweet_id")),
        f"column '{link_header}' links to another tweet than column '{id_header}'",
    )
    return require(frame, pl.col("time").is_not_null(), f"no time in column '{headers['time']}'")


def _publish_instant(kept: pl.DataFrame, time_header: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Add `published_at` and quarantine rows whose time contradicts their tweet id."""
    kept = localize(kept, "time", "_tz", "_local_at").with_columns(
        pl.when(pl.col("_utc"))
        .then(pl.col("time").dt.replace_time_zone("UTC"))
        .otherwise(pl.col("_local_at"))
        .alias("published_at"),
        pl.lit(None, pl.String).alias(REASON),
    )
    encoded = _snowflake_instant("tweet_id")
    kept = require(
        kept,
        encoded.is_null() | ((encoded - pl.col("published_at")).abs() < timedelta(minutes=1)),
        f"column '{time_header}' does not match the time encoded in the tweet id (the row "
        "was edited)",
    )
    return split_quarantine(kept)


def normalize_tweets(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map the tweet activity export to `core.post` and a lifetime `core.post_metrics` snapshot."""
    as_of, note = tweet_snapshot_date(ctx.source_name, ctx.as_of)
    promoted = [f for f in parsed.frame.columns if f.startswith("promoted_")]
    frame = parsed.frame.with_columns(
        pl.col("tweet_id").str.strip_chars(),
        pl.col("permalink").str.extract(_PERMALINK, 1).alias("handle"),
        pl.col("permalink").str.extract(_PERMALINK, 2).alias("_link_id"),
        pl.col("time").str.contains(r"[+-]\d{2}:?\d{2}$").fill_null(False).alias("_utc"),
    )
    frame = _parse_measures(replace(parsed, frame=frame), _TWEET_MEASURES, {"time": _TWEET_TIME})
    kept, quarantine = split_quarantine(_validate_tweets(frame, parsed.headers), keep_record=True)
    kept, accounts = accounts_by_handle(kept, ctx, "x")
    kept, edited = _publish_instant(kept, parsed.headers["time"])
    quarantine = pl.concat([quarantine, edited]).sort("row_number")
    kept, duplicates = drop_duplicate_keys(kept, ["tweet_id"])
    kept = local_date("published_at", "_tz", "published_date", kept)
    posts = kept.with_columns(
        pl.lit("x").alias("platform"),
        pl.col("tweet_id").alias("post_id"),
        _unescape("text").alias("text") if "text" in kept.columns else pl.lit(None, pl.String),
        pl.any_horizontal(pl.col(promoted).is_not_null()).alias("is_paid")
        if promoted
        else pl.lit(None, pl.Boolean).alias("is_paid"),
    )
    snapshots = posts.with_columns(
        pl.lit(as_of).alias("as_of_date"),
        _total("impressions").alias("impressions"),
        _total("likes").alias("reactions"),
        _total("replies").alias("comments"),
        _total("retweets").alias("shares"),
        _total("url_clicks").alias("link_clicks"),
        _total("url_clicks", "hashtag_clicks", "permalink_clicks", "detail_expands").alias(
            "clicks"
        ),
        _total("user_profile_clicks").alias("profile_visits"),
        _total("follows").alias("follows"),
    )
    used = {a.account_id for a in accounts} & set(kept.get_column("account_id").to_list())
    return assemble(
        "x_tweet_activity",
        "x",
        parsed,
        kept,
        quarantine,
        {
            "account": account_frame([a for a in accounts if a.account_id in used]),
            "post": conform(posts, POST.columns),
            "post_metrics": conform(snapshots, POST_METRICS.columns),
        },
        skipped=duplicates,
        notes=(note,),
    )


TWEETS = FormatSpec(
    name="x_tweet_activity",
    platform="x",
    title="Twitter Analytics tweet activity export (legacy, tweet level)",
    columns={
        "en": {
            "tweet_id": ("Tweet id", "ツイートID"),
            "permalink": ("Tweet permalink", "ツイートの固定リンク"),
            "text": ("Tweet text", "ツイート本文"),
            "time": ("time", "時間"),
            **_with_promoted(_TWEET_MEASURES),
        }
    },
    required=("tweet_id", "permalink", "time", "impressions"),
    normalize=normalize_tweets,
)


def normalize_daily(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map the daily tweet activity export to `core.account_daily` of the named account."""
    account = hinted_account(ctx, "x")
    frame = _parse_measures(
        parsed,
        _DAILY_MEASURES,
        {"tweets_published": COUNT, "date": date_field("%Y-%m-%d", "%m/%d/%Y")},
    )
    frame = require(frame, pl.col("date").is_not_null(), "no date")
    return finish_daily(
        "x_daily_tweet_activity",
        parsed,
        frame,
        account,
        [
            pl.col("tweets_published").alias("posts_published"),
            _total("impressions").alias("impressions"),
            _total("engagements").alias("engagements"),
            _total("user_profile_clicks").alias("profile_visits"),
            _total("follows").alias("followers_gained"),
        ],
    )


DAILY = FormatSpec(
    name="x_daily_tweet_activity",
    platform="x",
    title="Twitter Analytics daily tweet activity export (legacy, account daily)",
    columns={
        "en": {
            "date": ("Date", "日付"),
            "tweets_published": ("Tweets published",),
            **_with_promoted(_DAILY_MEASURES),
        }
    },
    required=("date", "tweets_published", "impressions"),
    normalize=normalize_daily,
)
