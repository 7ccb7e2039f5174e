"""LinkedIn's content export as written since 2023: `Metrics` and `All posts` sheets."""

from datetime import date
from typing import Any

from tests.conftest import normalize_counted, xlsx
from transforms.context import Account, IngestContext, Normalized

PAGE = Account("linkedin", "12345")
NOTE = "Aggregated metrics for your page's posts. Data is in UTC."
METRICS: list[list[Any]] = [
    [NOTE],
    [
        "Date", "Impressions (organic)", "Impressions (sponsored)", "Impressions (total)",
        "Unique impressions (organic)", "Clicks (organic)", "Clicks (sponsored)", "Clicks (total)",
        "Reactions (organic)", "Reactions (sponsored)", "Reactions (total)", "Comments (organic)",
        "Comments (sponsored)", "Comments (total)", "Reposts (organic)", "Reposts (sponsored)",
        "Reposts (total)", "Engagement rate (organic)", "Engagement rate (sponsored)",
        "Engagement rate (total)",
    ],
    ["11/01/2025", 120, 0, 120, 90, 7, 0, 7, 5, 0, 5, 1, 0, 1, 2, 0, 2, 0.125, 0, 0.125],
    ["11/02/2025", 80, 40, 120, 60, 3, 1, 4, 2, 1, 3, 0, 0, 0, 0, 0, 0, 0.04, 0.05, 0.058],
]  # fmt: skip
POSTS: list[list[Any]] = [
    ["Post-level metrics for the selected period."],
    [
        "Post title", "Post link", "Post type", "Campaign name", "Posted by", "Created date",
        "Campaign start date", "Campaign end date", "Audience", "Impressions",
        "Views (excluding off-site video views)", "Off-site views", "Clicks",
        "Click through rate (CTR)", "Likes", "Comments", "Reposts", "Follows", "Engagement rate",
        "Content type",
    ],
    [
        "Open house 2025", "https://www.linkedin.com/feed/update/urn:li:activity:7390000000000000001",
        "Organic", "", "Dinas", "11/01/2025", "", "", "All followers", 150, "", "", 9, 0.06, 11,
        2, 1, 0, 0.15, "Image",
    ],
    [
        "Tour video", "https://www.linkedin.com/feed/update/urn:li:ugcPost:7390000000000000002",
        "Sponsored", "Q4 push", "Dinas", "11/02/2025", "11/02/2025", "11/09/2025", "Jakarta",
        900, 310, 12, 20, 0.022, 30, 4, 3, 5, 0.063, "Video",
    ],
]  # fmt: skip


def _load() -> Normalized:
    ctx = IngestContext("content_1762300000000.xlsx", date(2025, 11, 30), account=PAGE)
    return normalize_counted(xlsx({"Metrics": METRICS, "All posts": POSTS}), ctx)


def test_metrics_sheet_fills_account_daily() -> None:
    result = _load()

    daily = result.tables["account_daily"].sort("date")
    assert daily.select("date", "impressions", "reach", "engagements").rows() == [
        (date(2025, 11, 1), 120, 90, 7 + 5 + 1 + 2),
        # sponsored impressions that day: organic unique impressions understate reach, so NULL
        (date(2025, 11, 2), 120, None, 4 + 3 + 0 + 0),
    ]


def test_all_posts_sheet_fills_posts_and_snapshots() -> None:
    result = _load()

    posts = result.tables["post"].sort("post_id")
    assert posts.select(
        "post_id", "published_date", "is_paid", "campaign", "content_type"
    ).rows() == [
        ("urn:li:activity:7390000000000000001", date(2025, 11, 1), False, None, "photo"),
        ("urn:li:ugcPost:7390000000000000002", date(2025, 11, 2), True, "Q4 push", "video"),
    ]
    metrics = result.tables["post_metrics"].sort("post_id")
    assert metrics.select(
        "impressions", "video_views", "clicks", "reactions", "comments", "shares", "follows"
    ).rows() == [(150, None, 9, 11, 2, 1, 0), (900, 310, 20, 30, 4, 3, 5)]
    assert metrics["as_of_date"].unique().to_list() == [date(2025, 11, 30)]
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (4, 4, 0)
    unused = [note for note in result.notes if "not used" in note and "All posts" in note]
    assert unused == [
        "sheet 'All posts': columns not used by Kunci: 'Posted by', 'Campaign start date', "
        "'Campaign end date', 'Audience', 'Off-site views', 'Click through rate (CTR)', "
        "'Engagement rate'"
    ]


def test_a_page_whose_posts_an_api_source_loads_skips_all_posts_and_keeps_its_metrics() -> None:
    ctx = IngestContext(
        "content_1762300000000.xlsx",
        date(2025, 11, 30),
        account=PAGE,
        posts_from_api=(("linkedin", "12345", "linkedin_api"),),
    )
    result = normalize_counted(xlsx({"Metrics": METRICS, "All posts": POSTS}), ctx)

    assert "post" not in result.tables and "post_metrics" not in result.tables
    assert result.tables["account_daily"].height == 2
    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (4, 2, 2)
    assert any(
        note.startswith("sheet 'All posts': 2 post rows skipped")
        and "API source 'linkedin_api'" in note
        for note in result.notes
    )
