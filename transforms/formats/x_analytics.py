"""X (Twitter) analytics exports: the post-level content export and the daily account overview.

The 2024+ exports (`account_analytics_content_*.csv`, `account_overview_analytics*.csv`) write dates
without a time or timezone (`Mon Feb 17 2025`, `Tue, Feb 18, 2025`); they are local dates of the
account. The content export names its account only inside each post's link; the overview does not
name it at all, so it needs `--account` (or the source's account in `kunci.toml`).

Canonical mapping (DECISIONLOG): reactions = Likes, comments = Replies, shares = Reposts + Share,
saves = Bookmarks, link_clicks = Url clicks, clicks = Url + Hashtag + Permalink clicks + Detail
expands, follows = New follows.
"""

import polars as pl

from transforms.accounts import account_frame, accounts_by_handle, hinted_account
from transforms.context import IngestContext, Normalized, ParsedInput
from transforms.dates import snapshot_date
from transforms.detect import FormatSpec
from transforms.formats.daily import finish_daily
from transforms.measures import total
from transforms.schemas import POST, POST_METRICS
from transforms.typed import (
    COUNT,
    assemble,
    conform,
    date_field,
    drop_duplicate_keys,
    parse_fields,
    require,
    split_quarantine,
)

_CONTENT_COUNTS = (
    "impressions",
    "likes",
    "engagements",
    "bookmarks",
    "share",
    "new_follows",
    "replies",
    "reposts",
    "profile_visits",
    "detail_expands",
    "url_clicks",
    "hashtag_clicks",
    "permalink_clicks",
)
_HANDLE = r"^https?://(?:www\.)?(?:x|twitter)\.com/([^/]+)/status/"


def normalize_content(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map the content export to `core.post` and a lifetime `core.post_metrics` snapshot."""
    as_of, note = snapshot_date(ctx.source_name, ctx.as_of)
    frame = parse_fields(
        parsed,
        {**dict.fromkeys(_CONTENT_COUNTS, COUNT), "date": date_field("%a %b %d %Y", "%Y-%m-%d")},
    )
    frame = frame.with_columns(pl.col("link").str.extract(_HANDLE, 1).alias("handle"))
    frame = require(frame, pl.col("post_id").str.contains(r"^\d+$"), "post id is not a number")
    frame = require(frame, pl.col("date").is_not_null(), "no date")
    kept, quarantine = split_quarantine(frame)
    kept, duplicates = drop_duplicate_keys(kept, ["post_id"])

    kept, accounts = accounts_by_handle(kept, ctx, "x")
    posts = kept.with_columns(
        pl.lit("x").alias("platform"),
        pl.col("date").alias("published_date"),
        pl.col("post_text").alias("text"),
        pl.col("link").alias("permalink"),
    )
    snapshots = posts.with_columns(
        pl.lit(as_of).alias("as_of_date"),
        pl.col("likes").alias("reactions"),
        pl.col("replies").alias("comments"),
        total("reposts", "share").alias("shares"),
        pl.col("bookmarks").alias("saves"),
        pl.col("url_clicks").alias("link_clicks"),
        total("url_clicks", "hashtag_clicks", "permalink_clicks", "detail_expands").alias("clicks"),
        pl.col("new_follows").alias("follows"),
    )
    return assemble(
        "x_account_content",
        "x",
        parsed,
        kept,
        quarantine,
        {
            "account": account_frame(accounts),
            "post": conform(posts, POST.columns),
            "post_metrics": conform(snapshots, POST_METRICS.columns),
        },
        skipped=duplicates,
        notes=(note,),
    )


CONTENT = FormatSpec(
    name="x_account_content",
    platform="x",
    title="X account analytics content export (post level)",
    columns={
        "en": {
            "post_id": ("Post id",),
            "date": ("Date",),
            "post_text": ("Post text",),
            "link": ("Link",),
            "impressions": ("Impressions",),
            "likes": ("Likes",),
            "engagements": ("Engagements",),
            "bookmarks": ("Bookmarks",),
            "share": ("Share", "Shares"),
            "new_follows": ("New follows",),
            "replies": ("Replies",),
            "reposts": ("Reposts",),
            "profile_visits": ("Profile visits",),
            "detail_expands": ("Detail expands",),
            "url_clicks": ("Url clicks", "URL clicks"),
            "hashtag_clicks": ("Hashtag clicks",),
            "permalink_clicks": ("Permalink clicks",),
        }
    },
    required=("post_id", "date", "link", "impressions"),
    normalize=normalize_content,
)

_OVERVIEW_COUNTS = (
    "impressions",
    "likes",
    "engagements",
    "bookmarks",
    "shares",
    "new_follows",
    "unfollows",
    "replies",
    "reposts",
    "profile_visits",
    "create_post",
    "video_views",
    "media_views",
)


def normalize_overview(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map the daily overview to `core.account_daily` (follower totals are not in this export)."""
    account = hinted_account(ctx, "x")
    frame = parse_fields(
        parsed,
        {
            **dict.fromkeys(_OVERVIEW_COUNTS, COUNT),
            "date": date_field("%a, %b %d, %Y", "%b %d, %Y", "%Y-%m-%d"),
        },
    )
    frame = require(frame, pl.col("date").is_not_null(), "no date")
    return finish_daily(
        "x_account_overview",
        parsed,
        frame,
        account,
        [
            pl.col("new_follows").alias("followers_gained"),
            pl.col("unfollows").alias("followers_lost"),
            pl.col("create_post").alias("posts_published"),
        ],
    )


OVERVIEW = FormatSpec(
    name="x_account_overview",
    platform="x",
    title="X account analytics overview export (daily)",
    columns={
        "en": {
            "date": ("Date",),
            "impressions": ("Impressions",),
            "likes": ("Likes",),
            "engagements": ("Engagements",),
            "bookmarks": ("Bookmarks",),
            "shares": ("Shares",),
            "new_follows": ("New follows",),
            "unfollows": ("Unfollows",),
            "replies": ("Replies",),
            "reposts": ("Reposts",),
            "profile_visits": ("Profile visits",),
            "create_post": ("Create Post",),
            "video_views": ("Video views",),
            "media_views": ("Media views",),
        }
    },
    required=("date", "impressions", "new_follows", "unfollows", "create_post"),
    normalize=normalize_overview,
)
