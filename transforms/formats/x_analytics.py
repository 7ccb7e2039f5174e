"""X (Twitter) analytics exports: the post-level content export and the daily account overview.

The 2024+ exports (`account_analytics_content_*.csv`, `account_overview_analytics*.csv`) write dates
without a time or timezone; they are local dates of the account. The content export names its
account only inside each post's link; the overview does not name it at all, so it needs `--account`
(or the source's account in `kunci.toml`).

Two layouts of the content export are read (headers are matched case-insensitively):
- 2024-25: `Link`, `Share`, `Detail expands`, `Url clicks`; Date `Mon Feb 17 2025`.
- 2026: `Post Link`, `Shares`, `Detail Expands`, `URL Clicks`; Date `"Sat, Aug 1, 2026"` (the
  overview's date form), 19-digit post ids.
The overview has kept one layout from 2024 to 2026 (Date `"Tue, Feb 18, 2025"`).
The snapshot date of the content export's lifetime counts is the end date of its file name,
written with dashes or, in late-2024 downloads, without (`_20241114_20250212.csv`).

Canonical mapping (DECISIONLOG):
- content -> post_metrics: impressions = Impressions, reactions = Likes, comments = Replies,
  shares = Reposts + Share(s), saves = Bookmarks, link_clicks = Url clicks, clicks = Url + Hashtag
  + Permalink clicks + Detail expands, profile_visits = Profile visits, follows = New follows.
  `Engagements` is not used (Kunci's engagements are reactions + comments + shares + saves).
- overview -> account_daily: impressions, engagements, profile_visits, video_views = Video views,
  followers_gained = New follows, followers_lost = Unfollows, posts_published = Create Post. Likes,
  Bookmarks, Shares, Replies, Reposts and Media views have no daily account column: not used.
A measure column the file lacks is NULL (a damaged or trimmed export), never 0; only the columns
in `required` refuse the file.
"""

import re
from collections.abc import Sequence
from datetime import date, datetime

import polars as pl

from transforms.canonical.accounts import account_frame, accounts_by_handle, hinted_account
from transforms.canonical.measures import total
from transforms.canonical.schemas import POST, POST_METRICS
from transforms.canonical.typed import (
    COUNT,
    Frame,
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
from transforms.values.dates import dates_in_name, snapshot_date

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
_CONTENT_UNUSED = ("engagements",)
_HANDLE = r"^https?://(?:www\.)?(?:x|twitter)\.com/([^/]+)/status/"


def normalize_content(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map the content export to `core.post` and a lifetime `core.post_metrics` snapshot."""
    as_of, note = content_snapshot_date(ctx.source_name, ctx.as_of)
    frame = parse_fields(
        parsed,
        {
            **dict.fromkeys(_CONTENT_COUNTS, COUNT),
            "date": date_field("%a %b %d %Y", "%a, %b %d, %Y", "%b %d, %Y", "%Y-%m-%d"),
        },
    )
    checked = with_absent(frame.lazy(), _CONTENT_COUNTS)
    if "post_text" not in frame.columns:
        checked = checked.with_columns(pl.lit(None, pl.String).alias("post_text"))
    checked = checked.with_columns(pl.col("link").str.extract(_HANDLE, 1).alias("handle"))
    checked = require(checked, pl.col("post_id").str.contains(r"^\d+$"), "post id is not a number")
    checked = require(checked, pl.col("date").is_not_null(), "no date")
    kept, quarantine = split_quarantine(checked.collect(engine="in-memory"))
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
        notes=(note, *not_used(parsed, _CONTENT_UNUSED)),
    )


_COMPACT_RANGE = re.compile(r"(?<!\d)(\d{8})_(\d{8})(?!\d)")


def content_snapshot_date(source_name: str, fallback: date) -> tuple[date, str]:
    """The as-of date: the end date the file name states, dashed or not.

    X names the content export `account_analytics_content_2024-11-21_2025-02-19.csv`, and wrote
    it earlier without dashes (`account_analytics_content_20241114_20250212.csv`, ds1/post-pilot
    tests/); both ends are inclusive days (the compact form is not the legacy export's exclusive
    month end).
    """
    found = _COMPACT_RANGE.search(source_name)
    if dates_in_name(source_name) or found is None:
        return snapshot_date(source_name, fallback)
    try:
        end = datetime.strptime(found.group(2), "%Y%m%d").date()
    except ValueError:
        return snapshot_date(source_name, fallback)
    return min(end, fallback), "snapshot date taken from the file name's end date"


def with_absent(frame: Frame, counts: Sequence[str]) -> Frame:
    """Add the count columns the file lacks as NULL: a trimmed export did not provide them."""
    present = frame.collect_schema().names()
    missing = [name for name in counts if name not in present]
    return frame.with_columns(pl.lit(None, pl.Int64).alias(name) for name in missing)


def not_used(parsed: ParsedInput, names: tuple[str, ...]) -> tuple[str, ...]:
    """A note naming the matched columns that have no canonical column (nothing lost silently)."""
    present = [parsed.headers[name] for name in names if name in parsed.headers]
    if not present:
        return ()
    listed = ", ".join(f"'{name}'" for name in present)
    return (f"columns not used (no canonical column): {listed}",)


CONTENT = FormatSpec(
    name="x_account_content",
    platform="x",
    title="X account analytics content export (post level)",
    columns={
        "en": {
            "post_id": ("Post id",),
            "date": ("Date",),
            "post_text": ("Post text",),
            "link": ("Link", "Post Link"),
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
_OVERVIEW_UNUSED = ("likes", "bookmarks", "shares", "replies", "reposts", "media_views")


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
    frame = with_absent(frame, _OVERVIEW_COUNTS)
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
        notes=not_used(parsed, _OVERVIEW_UNUSED),
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
