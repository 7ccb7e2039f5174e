"""YouTube Studio and LinkedIn Page analytics exports: inline exports and real files read in place.

Real-file sums are computed here with `csv` / `xlrd`, independently of the parsers, and compared
with the canonical frames.
"""

import csv
from datetime import date, datetime
from typing import Any

import polars as pl
import pytest
import xlrd
from polars.testing import assert_frame_equal

from tests.conftest import REALDATA, needs_realdata, normalize_counted, reasons, xlsx
from transforms.context import Account, IngestContext, Normalized
from transforms.errors import InputError

AS_OF = date(2026, 8, 5)
YOUTUBE = Account("youtube", "UCchannel")
LINKEDIN = Account("linkedin", "12345")


def _normalize(
    data: bytes | str, account: Account | None = YOUTUBE, source_name: str = "Table data.csv"
) -> Normalized:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    ctx = IngestContext(source_name=source_name, as_of=AS_OF, account=account)
    return normalize_counted(raw, ctx)


# --- YouTube Studio: Table data by video -----------------------------------------------------

TABLE = (
    "Content,Video title,Video publish time,Duration,Views,Watch time (hours),Subscribers,"
    "Subscribers gained,Impressions,Impressions click-through rate (%)\n"
    "Total,,,,1500,3.5,-1,,900,2.1\n"
    'UWQNrpakgcA,First,"Aug 28, 2025",9,1200,2.5,3,4,800,3.51\n'
    " -i5vAKwX_bY,Second,2025-09-04,7,300,1,-4,0,,1.03\n"
)


def test_table_data_by_video_maps_posts_and_one_snapshot() -> None:
    result = _normalize(TABLE)

    assert (result.format, result.rows_read, result.rows_loaded, result.rows_skipped) == (
        "youtube_studio_table_content",
        3,
        2,
        1,
    )
    assert result.tables["post"].rows() == [
        (
            "youtube",
            "UWQNrpakgcA",
            "UCchannel",
            date(2025, 8, 28),
            "video",
            "First",
            "https://www.youtube.com/watch?v=UWQNrpakgcA",
        ),
        (
            "youtube",
            "-i5vAKwX_bY",
            "UCchannel",
            date(2025, 9, 4),
            "video",
            "Second",
            "https://www.youtube.com/watch?v=-i5vAKwX_bY",
        ),
    ]
    assert "published_at" not in result.tables["post"].columns
    expected = pl.DataFrame(
        {
            "platform": ["youtube", "youtube"],
            "post_id": ["UWQNrpakgcA", "-i5vAKwX_bY"],
            "as_of_date": [AS_OF, AS_OF],
            "impressions": [800, None],
            "video_views": [1200, 300],
            "watch_time_seconds": [9000.0, 3600.0],
            "follows": [4, 0],
        },
        schema_overrides={"impressions": pl.Int64, "video_views": pl.Int64, "follows": pl.Int64},
    )
    assert_frame_equal(result.tables["post_metrics"], expected)
    assert result.notes == (
        "snapshot date is the ingest date (the file name states no date range)",
        "not used (Kunci has no column for them): 'Subscribers', "
        "'Impressions click-through rate (%)', 'Duration'",
    )


def test_table_data_total_row_that_exceeds_the_videos_is_noted() -> None:
    text = "Content,Video title,Views\nTotal,,1000\nUWQNrpakgcA,First,600\nbCDnDtsTHAk,B,300\n"
    result = _normalize(text, source_name="Table data 2025-06-13_2026-06-12.csv")

    assert result.tables["post_metrics"]["as_of_date"].to_list() == [date(2026, 6, 12)] * 2
    assert result.notes[1] == (
        "Total row: 1000 views; the 2 listed videos sum to 900 (the rest is on videos the "
        "export does not list)"
    )


def test_table_data_quarantines_broken_ids_and_values() -> None:
    text = (
        "Content,Video title,Video publish time,Views,Watch time (hours)\n"
        'UWQNrpakgcA,Fine,"Aug 28, 2025",10,0.5\n'
        "#NAME?,Excel ate the id,2025-09-04,5,0.1\n"
        "bCDnDtsTHAk,Bad number,2025-09-04,1.2k,0\n"
        "mx7T928-TGs,Bad date,28/08/2025,3,0\n"
        "UWQNrpakgcA,Duplicate,2025-08-28,11,0.5\n"
    )
    result = _normalize(text)

    assert reasons(result) == [
        (3, "column 'Content': '#NAME?' is not a YouTube video id"),
        (4, "column 'Views': '1.2k' is not a whole number"),
        (5, "column 'Video publish time': '28/08/2025' is not a date"),
    ]
    assert (result.rows_loaded, result.rows_skipped) == (1, 1)
    assert result.tables["post_metrics"].select("post_id", "video_views").rows() == [
        ("UWQNrpakgcA", 11)
    ]


def test_youtube_export_needs_the_channel() -> None:
    with pytest.raises(InputError, match=r"pass --account youtube:<id>$"):
        _normalize(TABLE, account=None)


# --- YouTube Studio: Chart data --------------------------------------------------------------

CHART = (
    "Date,Content,Video title,Video publish time,Duration,Views\n"
    '2025-09-27,2imBUt8eZaI,Clip,"Sep 29, 2025",5,0\n'
    '2025-09-28,2imBUt8eZaI,Clip,"Sep 29, 2025",5,1380\n'
    '2025-09-29,2imBUt8eZaI,Clip,"Sep 29, 2025",5,1260\n'
    '2025-09-30,2imBUt8eZaI,Clip,"Sep 29, 2025",5,0\n'
    '2025-09-30,2imBUt8eZaI,Clip,"Sep 29, 2025",5,7\n'
    '2025-09-30,UWQNrpakgcA,Other,"Aug 28, 2025",9,\n'
)


def test_chart_data_fills_post_daily_and_skips_days_before_publish() -> None:
    result = _normalize(CHART, source_name="Chart data.csv")

    assert (result.format, result.rows_read, result.rows_loaded, result.rows_skipped) == (
        "youtube_studio_chart",
        6,
        4,
        2,
    )
    assert result.notes == (
        "1 rows dated before their video was published skipped",
        "not used (Kunci has no column for them): 'Duration'",
    )
    assert result.tables["post_daily"].rows() == [
        ("youtube", "2imBUt8eZaI", date(2025, 9, 28), 1380),
        ("youtube", "2imBUt8eZaI", date(2025, 9, 29), 1260),
        ("youtube", "2imBUt8eZaI", date(2025, 9, 30), 7),
        ("youtube", "UWQNrpakgcA", date(2025, 9, 30), None),
    ]
    assert result.tables["post_daily"].columns == ["platform", "post_id", "date", "video_views"]
    assert result.tables["post"].select("post_id", "published_date", "text").rows() == [
        ("2imBUt8eZaI", date(2025, 9, 29), "Clip"),
        ("UWQNrpakgcA", date(2025, 8, 28), "Other"),
    ]


# --- YouTube Studio: Totals and Table data by date -------------------------------------------


def test_totals_resaved_day_first_fill_video_views() -> None:
    result = _normalize("Date,Views\r\n12-06-2025,5\r\n13-06-2025,0\r\n", source_name="Totals.csv")

    assert result.format == "youtube_studio_daily"
    assert result.tables["account_daily"].rows() == [
        ("youtube", "UCchannel", date(2025, 6, 12), 5),
        ("youtube", "UCchannel", date(2025, 6, 13), 0),
    ]
    assert result.tables["account_daily"].columns == [
        "platform",
        "account_id",
        "date",
        "video_views",
    ]


def test_totals_resaved_month_first_are_read_month_first() -> None:
    result = _normalize("Date,Views\n06/12/2025,5\n06/13/2025,8\n")

    assert result.tables["account_daily"]["date"].to_list() == [
        date(2025, 6, 12),
        date(2025, 6, 13),
    ]


def test_totals_whose_day_month_order_never_settles_are_quarantined() -> None:
    result = _normalize("Date,Views\n05-06-2025,5\n06-05-2025,8\n2025-06-07,1\n06-06-2025,2\n")

    assert reasons(result) == [
        (
            2,
            "column 'Date': '05-06-2025' is not a date in one day/month order (the file's "
            "numeric dates never settle DD-MM vs MM-DD); no date",
        ),
        (
            3,
            "column 'Date': '06-05-2025' is not a date in one day/month order (the file's "
            "numeric dates never settle DD-MM vs MM-DD); no date",
        ),
    ]
    assert result.tables["account_daily"]["date"].to_list() == [
        date(2025, 6, 7),
        date(2025, 6, 6),
    ]


def test_table_data_by_date_skips_total_and_maps_subscribers() -> None:
    text = (
        "Date,Views,Watch time (hours),Subscribers,Subscribers gained,Subscribers lost,"
        "Impressions\n"
        "Total,30,1.5,1,3,2,400\n"
        "2025-06-13,10,0.5,-1,0,1,\n"
        "2025-06-14,20,1,2,3,1,400\n"
    )
    result = _normalize(text)

    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (3, 2, 1)
    expected = pl.DataFrame(
        {
            "platform": ["youtube", "youtube"],
            "account_id": ["UCchannel", "UCchannel"],
            "date": [date(2025, 6, 13), date(2025, 6, 14)],
            "followers_gained": [0, 3],
            "followers_lost": [1, 1],
            "impressions": [None, 400],
            "video_views": [10, 20],
        },
        schema_overrides={"impressions": pl.Int64},
    )
    assert_frame_equal(result.tables["account_daily"], expected)


@pytest.mark.parametrize(
    ("text", "account", "expected"),
    [
        (
            "sep=,\nInstagram reach\nDate,Primary\n2025-06-13,5\n",
            Account("instagram", "1"),
            "meta_business_suite_insight",
        ),
        ("Date,Views\n2025-06-13,5\n", YOUTUBE, "youtube_studio_daily"),
        (
            "Date,Content,Video title,Views\n2025-06-13,UWQNrpakgcA,A,5\n",
            YOUTUBE,
            "youtube_studio_chart",
        ),
        ("Content,Video title,Views\nUWQNrpakgcA,A,5\n", YOUTUBE, "youtube_studio_table_content"),
    ],
)
def test_similar_headers_go_to_their_own_format(text: str, account: Account, expected: str) -> None:
    assert _normalize(text, account).format == expected


# --- YouTube Studio: audience tables ---------------------------------------------------------


def test_viewer_age_gives_shares_only() -> None:
    text = (
        "Viewer age,Views (%),Average view duration,Average percentage viewed (%),"
        "Watch time (hours) (%)\n"
        "age18-24,62.5,0:00:41,71.2,60.1\n"
        "age25-34,37.5,0:00:38,70.0,39.9\n"
    )
    result = _normalize(text)

    assert result.format == "youtube_studio_audience_age"
    expected = pl.DataFrame(
        {
            "platform": ["youtube", "youtube"],
            "account_id": ["UCchannel", "UCchannel"],
            "as_of_date": [AS_OF, AS_OF],
            "measure": ["views", "views"],
            "dimension": ["age", "age"],
            "bucket": ["age18-24", "age25-34"],
            "value": [None, None],
            "share": [0.625, 0.375],
        },
        schema_overrides={"value": pl.Float64},
    )
    assert_frame_equal(result.tables["audience"], expected)
    assert result.notes[-1] == (
        "not used (Kunci has no column for them): 'Average view duration', "
        "'Average percentage viewed (%)', 'Watch time (hours) (%)'"
    )


def test_viewer_gender_and_geography_skip_total() -> None:
    gender = _normalize("Viewer gender,Views (%)\nfemale,40\nmale,60\n")
    geography = _normalize(
        "Geography,Views,Watch time (hours),Average view duration\n"
        "Total,50,1,0:00:10\nIN,45,0.9,0:00:11\nUS,5,0.1,0:00:08\n"
    )

    assert gender.tables["audience"].select("dimension", "bucket", "share").rows() == [
        ("gender", "female", 0.4),
        ("gender", "male", 0.6),
    ]
    assert (geography.format, geography.rows_skipped) == ("youtube_studio_audience_country", 1)
    assert geography.tables["audience"].select("dimension", "bucket", "value").rows() == [
        ("country", "IN", 45.0),
        ("country", "US", 5.0),
    ]
    assert geography.tables["audience"]["share"].null_count() == 2


# --- LinkedIn Page analytics -----------------------------------------------------------------

VISITOR_HEADER = [
    "Date",
    "Overview page views (total)",
    "Overview unique visitors (total)",
    "Total page views (total)",
    "Total unique visitors (total)",
]


def test_linkedin_visitors_workbook() -> None:
    data = xlsx(
        {
            "Visitor metrics": [
                VISITOR_HEADER,
                ["04/01/2020", 1, 1, 3, 2],
                [datetime(2020, 4, 2), 0, 0, 0, 0],
                ["04/03/2020", 2, 1, "", 1],
            ],
            "Location": [["Location", "Total views"], ["Greater Jakarta Area", 4]],
            "Job function": [["Job function", "Total views"], ["Education", 6], ["Sales", 0]],
            "Notes": [["Location", "Total views"], ["kept out", 1]],
        }
    )
    result = _normalize(data, LINKEDIN, "visitors.xlsx")

    assert result.tables["account_daily"].rows() == [
        ("linkedin", "12345", date(2020, 4, 1), 3),
        ("linkedin", "12345", date(2020, 4, 2), 0),
        ("linkedin", "12345", date(2020, 4, 3), None),
    ]
    assert result.tables["account_daily"].columns == [
        "platform",
        "account_id",
        "date",
        "profile_visits",
    ]
    assert result.tables["audience"].rows() == [
        ("linkedin", "12345", AS_OF, "visitors", "city", "Greater Jakarta Area", 4.0),
        ("linkedin", "12345", AS_OF, "visitors", "job_function", "Education", 6.0),
        ("linkedin", "12345", AS_OF, "visitors", "job_function", "Sales", 0.0),
    ]
    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (8, 6, 2)
    assert result.notes[-1] == "sheet 'Notes' is not a known export (2 rows skipped)"


DESCRIPTION = "Aggregated engagement metrics for your organic and sponsored updates over time."
UPDATE_HEADER = [
    "Date",
    "Impressions (organic)",
    "Impressions (sponsored)",
    "Impressions (total)",
    "Unique impressions (organic)",
    "Clicks (total)",
    "Reactions (total)",
    "Comments (total)",
    "Shares (total)",
    "Engagement rate (total)",
]
POST_HEADER = [
    "Update title",
    "Update link",
    "Update type",
    "Campaign name",
    "Created date",
    "Impressions",
    "Video views",
    "Clicks",
    "Click through rate (CTR)",
    "Likes",
    "Comments",
    "Shares",
    "Follows",
    "Engagement rate",
]


AD_METRICS = [50, 7, 2, 0.04, 1, 1, 0, 3, 0.1]


def test_linkedin_updates_workbook() -> None:
    link = "https://www.linkedin.com/feed/update/urn:li:activity:6682292579746279424"
    data = xlsx(
        {
            "Update metrics (aggregated)": [
                [DESCRIPTION],
                UPDATE_HEADER,
                ["06/29/2020", 20, 0, 20, 11, 1, 2, 0, 1, 0.2],
                ["06/30/2020", 30, 10, 40, 13, 3, 2, 0, 2, 0.175],
                ["06/31/2020", 1, 0, 1, 1, 0, 0, 0, 0, 0],
            ],
            "Update Engagement": [
                ["Engagement metrics for individual updates."],
                POST_HEADER,
                ["Board feature", link, "Organic", "", 44008, 98, "", 1, 0.01, 2, 0, 0, "", 0.03],
                ["Ad", "https://lnkd.in/x", "Sponsored", "Spring", "2020-06-25", *AD_METRICS],
                ["No link", "", "Organic", "", 44000, 5, "", 0, 0, 0, 0, 0, "", 0],
            ],
        }
    )
    result = _normalize(data, LINKEDIN, "updates.xlsx")

    assert reasons(result) == [
        (5, "column 'Date': '06/31/2020' is not a date; no date"),
        (5, "no update link"),
    ]
    assert result.tables["account_daily"].rows() == [
        ("linkedin", "12345", date(2020, 6, 29), 20, 11, 4),
        ("linkedin", "12345", date(2020, 6, 30), 40, None, 7),
    ]
    assert result.tables["post"].rows() == [
        (
            "linkedin",
            "urn:li:activity:6682292579746279424",
            "12345",
            date(2020, 6, 26),
            "Board feature",
            link,
            False,
            None,
        ),
        (
            "linkedin",
            "https://lnkd.in/x",
            "12345",
            date(2020, 6, 25),
            "Ad",
            "https://lnkd.in/x",
            True,
            "Spring",
        ),
    ]
    metrics = result.tables["post_metrics"].drop("platform", "as_of_date")
    assert metrics.to_dicts() == [
        {
            "post_id": "urn:li:activity:6682292579746279424",
            "impressions": 98,
            "reactions": 2,
            "comments": 0,
            "shares": 0,
            "clicks": 1,
            "video_views": None,
            "follows": None,
        },
        {
            "post_id": "https://lnkd.in/x",
            "impressions": 50,
            "reactions": 1,
            "comments": 1,
            "shares": 0,
            "clicks": 2,
            "video_views": 7,
            "follows": 3,
        },
    ]


def test_linkedin_followers_workbook() -> None:
    data = xlsx(
        {
            "New followers": [
                [
                    "Date",
                    "Sponsored followers",
                    "Organic followers",
                    "Auto-invited followers",
                    "Total followers",
                ],
                ["04/01/2020", 0, 2, 1, 3],
                ["04/02/2020", 0, 0, 0, 0],
                ["04/02/2020", 0, 1, 0, 1],
            ],
            "Seniority": [["Seniority", "Total followers"], ["Entry", 32], ["Senior", "n/a?"]],
            "Company size": [["Company size", "Total followers"], ["11-50", 23]],
        }
    )
    result = _normalize(data, LINKEDIN, "followers_2020-06-30.xlsx")

    assert result.format == "linkedin_new_followers+linkedin_followers_demographics"
    assert result.tables["account_daily"].rows() == [
        ("linkedin", "12345", date(2020, 4, 1), 3),
        ("linkedin", "12345", date(2020, 4, 2), 1),
    ]
    assert result.tables["account_daily"].columns[-1] == "followers_gained"
    assert result.tables["audience"].rows() == [
        ("linkedin", "12345", date(2020, 6, 30), "followers", "seniority", "Entry", 32.0),
        ("linkedin", "12345", date(2020, 6, 30), "followers", "company_size", "11-50", 23.0),
    ]
    assert reasons(result) == [(3, "column 'Total followers': 'n/a?' is not a whole number")]
    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (6, 4, 1)


def test_linkedin_export_needs_the_page() -> None:
    data = xlsx({"Visitor metrics": [VISITOR_HEADER, ["04/01/2020", 1, 1, 3, 2]]})
    with pytest.raises(InputError, match=r"pass --account linkedin:<id>$"):
        _normalize(data, None, "visitors.xlsx")


# --- real files ------------------------------------------------------------------------------


def _csv_rows(relative: str) -> list[dict[str, str]]:
    with (REALDATA / relative).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _real(relative: str, account: Account) -> Normalized:
    path = REALDATA / relative
    return _normalize(path.read_bytes(), account, path.name)


@needs_realdata
def test_real_table_data_sums_match_the_file() -> None:
    rows = _csv_rows("youtube/yt_studio_priyanka_table_data.csv")
    total, videos = rows[0], rows[1:]
    result = _real("youtube/yt_studio_priyanka_table_data.csv", YOUTUBE)

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (443, 442, 0)
    assert result.rows_skipped == 1
    metrics = result.tables["post_metrics"]
    assert metrics["video_views"].sum() == sum(int(r["Views"]) for r in videos) == 153235
    assert metrics["impressions"].sum() == sum(int(r["Impressions"]) for r in videos) == 37715
    assert metrics["watch_time_seconds"].sum() == pytest.approx(
        sum(float(r["Watch time (hours)"]) for r in videos) * 3600, abs=1e-6
    )
    assert "follows" not in metrics.columns  # the file has only the net `Subscribers`
    # Studio's Total row covers videos the table does not list: views differ, subscribers agree.
    assert (int(total["Views"]), int(total["Subscribers"])) == (181588, 97)
    assert sum(int(r["Subscribers"]) for r in videos) == 97
    assert result.notes[1].startswith(
        "Total row: 181588 views; the 442 listed videos sum to 153235"
    )
    posts = result.tables["post"]
    guarded = [r["Content"].strip() for r in videos if r["Content"].startswith(" ")]
    assert len(guarded) == 5
    assert posts.filter(pl.col("post_id").is_in(guarded)).height == 5
    assert posts["post_id"].str.contains(r"^[A-Za-z0-9_-]{11}$").all()
    assert posts.row(0, named=True)["published_date"] == date(2025, 8, 28)
    assert posts["published_date"].null_count() == 0


@needs_realdata
def test_real_chart_data_sums_match_the_file() -> None:
    rows = _csv_rows("youtube/yt_studio_priyanka_chart_data.csv")
    published = {
        r["Content"]: datetime.strptime(r["Video publish time"], "%b %d, %Y").date() for r in rows
    }
    before = [
        r
        for r in rows
        if date.fromisoformat(r["Date"]) < published[r["Content"]] and r["Views"] == "0"
    ]
    result = _real("youtube/yt_studio_priyanka_chart_data.csv", YOUTUBE)

    assert len(before) == 439
    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (1825, 1386, 439)
    daily = result.tables["post_daily"]
    assert daily["video_views"].sum() == sum(int(r["Views"]) for r in rows) == 48473
    assert sorted(result.tables["post"]["post_id"]) == sorted(published)


@needs_realdata
def test_real_totals_sum_to_the_table_total_row() -> None:
    rows = _csv_rows("youtube/yt_studio_priyanka_totals.csv")
    result = _real("youtube/yt_studio_priyanka_totals.csv", YOUTUBE)

    assert (result.format, result.rows_read, result.rows_loaded) == (
        "youtube_studio_daily",
        365,
        365,
    )
    daily = result.tables["account_daily"]
    assert daily["video_views"].sum() == sum(int(r["Views"]) for r in rows) == 181588
    assert (daily["date"].min(), daily["date"].max()) == (date(2025, 6, 13), date(2026, 6, 12))
    assert daily.filter(pl.col("date") == date(2025, 6, 13))["video_views"].item() == 1224


def _sheet(book: xlrd.book.Book, name: str, header_row: int) -> list[dict[str, Any]]:
    sheet = book.sheet_by_name(name)
    header = sheet.row_values(header_row)
    return [
        dict(zip(header, sheet.row_values(r), strict=True))
        for r in range(header_row + 1, sheet.nrows)
    ]


@needs_realdata
def test_real_linkedin_workbook_sums_match_the_file() -> None:
    relative = "linkedin/linkedin_page_NPLF_2020Q2_visitors_updates.xls"
    book = xlrd.open_workbook(str(REALDATA / relative))
    visitors = _sheet(book, "Visitor metrics", 0)
    updates = _sheet(book, "Update metrics (aggregated)", 1)
    posts = _sheet(book, "Update Engagement", 1)
    result = _real(relative, LINKEDIN)

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (259, 259, 0)
    daily = result.tables["account_daily"]
    assert daily.height == 91
    assert daily["profile_visits"].sum() == sum(r["Total page views (total)"] for r in visitors)
    assert daily["profile_visits"].sum() == 119
    assert daily["impressions"].sum() == sum(r["Impressions (total)"] for r in updates) == 2147
    engagement_columns = ("Clicks (total)", "Reactions (total)", "Comments (total)")
    engaged = sum(r[c] for r in updates for c in (*engagement_columns, "Shares (total)"))
    assert daily["engagements"].sum() == engaged == 126
    # LinkedIn's own engagement rate is engagements / impressions on every day with impressions.
    rates = {
        datetime.strptime(r["Date"], "%m/%d/%Y").date(): r["Engagement rate (total)"]
        for r in updates
    }
    with_impressions = daily.filter(pl.col("impressions") > 0)
    for day, impressions, engagements in with_impressions.select(
        "date", "impressions", "engagements"
    ).iter_rows():
        assert engagements / impressions == pytest.approx(rates[day], abs=1e-6)
    assert sum(r["Impressions (sponsored)"] for r in updates) == 0
    assert daily["reach"].sum() == sum(r["Unique impressions (organic)"] for r in updates) == 1523

    metrics = result.tables["post_metrics"]
    for column, header in [
        ("impressions", "Impressions"),
        ("clicks", "Clicks"),
        ("reactions", "Likes"),
        ("comments", "Comments"),
        ("shares", "Shares"),
    ]:
        assert metrics[column].sum() == sum(r[header] for r in posts), column
    assert metrics.select("impressions", "clicks", "reactions", "comments", "shares").sum().row(
        0
    ) == (2551, 55, 101, 4, 5)
    assert metrics["video_views"].null_count() == metrics["follows"].null_count() == 10
    first = result.tables["post"].row(0, named=True)
    assert (first["post_id"], first["published_date"]) == (
        "urn:li:activity:6682292579746279424",
        date(2020, 6, 26),
    )

    audience = result.tables["audience"]
    for sheet, dimension in [
        ("Location", "city"),
        ("Job function", "job_function"),
        ("Seniority", "seniority"),
        ("Industry", "industry"),
        ("Company size", "company_size"),
    ]:
        rows = _sheet(book, sheet, 0)
        bucket = audience.filter(pl.col("dimension") == dimension)
        assert bucket.height == len(rows), sheet
        assert bucket["value"].sum() == sum(r["Total views"] for r in rows), sheet
    assert audience.group_by("dimension").agg(pl.col("value").sum()).sort("dimension").rows() == [
        ("city", 96.0),
        ("company_size", 81.0),
        ("industry", 98.0),
        ("job_function", 87.0),
        ("seniority", 92.0),
    ]
    assert audience["measure"].unique().to_list() == ["visitors"]
