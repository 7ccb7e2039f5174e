"""Facebook exports: legacy Page Insights (post, video, page level; CSV and XLS) and MBS content.

Real files are read in place from the shared `realdata` folder and checked against sums computed
here with `csv` and `xml.etree`, independently of the parser; inline exports pin every quirk.
"""

import csv
import io
from datetime import UTC, date, datetime
from typing import Any
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.conftest import REALDATA, needs_realdata, normalize_counted
from transforms.context import Account, IngestContext, Normalized
from transforms.errors import InputError
from transforms.formats.facebook_insights import (
    PAGE_BREAKDOWN,
    POST_BREAKDOWN,
    snapshot_as_of,
)

FACEBOOK = REALDATA / "facebook"
AS_OF = date(2026, 8, 5)
UTC_TYPE = pl.Datetime("us", "UTC")
PAGE_ID = "518995791497187"
PACIFIC = ZoneInfo("America/Los_Angeles")


def _ctx(source_name: str = "export.csv", **fields: Any) -> IngestContext:
    return IngestContext(source_name=source_name, as_of=AS_OF, **fields)


def _normalize(data: bytes | str, source_name: str = "export.csv", **fields: Any) -> Normalized:
    """Normalize an export and check that every row read is accounted for."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return normalize_counted(raw, _ctx(source_name, **fields))


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def _spreadsheet_ml(sheets: dict[str, list[list[str]]]) -> bytes:
    """An XML Spreadsheet 2003 workbook; cells that look like ISO timestamps are DateTime."""
    ns = "urn:schemas-microsoft-com:office:spreadsheet"
    parts = [f'<?xml version="1.0"?>\n<Workbook xmlns="{ns}" xmlns:ss="{ns}">']
    for name, rows in sheets.items():
        parts.append(f'<Worksheet ss:Name="{name}"><Table>')
        for row in rows:
            parts.append("<Row>")
            for cell in row:
                kind = "DateTime" if cell[:4].isdigit() and "T" in cell else "String"
                parts.append(f'<Cell><Data ss:Type="{kind}">{cell}</Data></Cell>')
            parts.append("</Row>")
        parts.append("</Table></Worksheet>")
    parts.append("</Workbook>")
    return "".join(parts).encode("utf-8")


# --- snapshot date -------------------------------------------------------------------------------


def test_snapshot_date_is_the_day_before_an_exclusive_range_end() -> None:
    name = "Facebook Insights Data Export (Post Level) - VIC - 2015-08-19 - 2016-02-15.csv"
    as_of, note = snapshot_as_of(_ctx(name))
    assert as_of == date(2016, 2, 14)
    assert note.startswith("snapshot date is the day before the file name's end date")


def test_snapshot_date_of_a_single_date_name_is_that_date() -> None:
    assert snapshot_as_of(_ctx("Facebook Insights Data Export - LOK - 2017-07-27.xls")) == (
        date(2017, 7, 27),
        "snapshot date taken from the file name's end date",
    )


def test_snapshot_date_without_a_date_in_the_name_is_the_ingest_date() -> None:
    assert snapshot_as_of(_ctx("posts.csv"))[0] == AS_OF


# --- post level, inline --------------------------------------------------------------------------

_POST_HEADER = (
    '"Post ID",Permalink,"Post Message",Type,Countries,Languages,Posted,"Audience Targeting",'
    '"Lifetime Post Total Reach","Lifetime Post Total Impressions",'
    '"Lifetime Post Paid Impressions","Lifetime Post Consumptions",'
    '"Lifetime Post Stories by action type - comment",'
    '"Lifetime Post Stories by action type - like",'
    '"Lifetime Post Stories by action type - share",'
    '"Lifetime Post Consumptions by type - link clicks",'
    '"Lifetime Organic Video Views","Lifetime Organic Video Views","Lifetime Paid Video Views"\n'
    ',,,,,,,,"Lifetime: reach (Unique Users)","Lifetime: impressions (Total Count)",,,,,,,'
    '"Lifetime: organic views (Total Count)","Lifetime: organic views (Unique Users)",\n'
)
_POST_NAME = "Facebook Insights Data Export (Post Level) - Page - 2015-11-01 - 2016-07-05.csv"
_STOCKHOLM = Account("facebook", "111", timezone="Europe/Stockholm")


def test_post_level_export() -> None:
    """Posted is Pacific time; empty breakdowns of a post with insights are 0, else NULL."""
    text = _POST_HEADER + (
        "111_201,https://www.facebook.com/111/posts/201,Hello,Photo,,,"
        "07/01/2016 11:30:00 PM, ,100,150,0,12,,5,,,,,\n"
        "111_202,https://www.facebook.com/111/posts/202,Clip,Video,,,"
        "12/01/2015 09:00:00 AM, ,1000,2000,40,30,2,20,3,4,300,250,50\n"
        "111_203,https://www.facebook.com/111/posts/203,Page was mentioned in a post.,,,,"
        "01/26/2016 08:11:42 AM, ,,,,,,,,,,,\n"
    )
    result = _normalize("\ufeff" + text, _POST_NAME, accounts=(_STOCKHOLM,))

    assert (result.format, result.platform) == ("facebook_insights_posts", "facebook")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (4, 3, 0)
    assert (
        result.notes[1] == "'Posted' read as Pacific time (PST/PDT), as Facebook Insights writes it"
    )
    ids = ["111_201", "111_202", "111_203"]
    assert_frame_equal(
        result.tables["post"],
        pl.DataFrame(
            {
                "platform": ["facebook"] * 3,
                "post_id": ids,
                "account_id": ["111"] * 3,
                # 23:30 PDT is 06:30 UTC the next day; 09:00 and 08:11 PST are UTC-8.
                "published_at": [
                    _utc(2016, 7, 2, 6, 30),
                    _utc(2015, 12, 1, 17, 0),
                    _utc(2016, 1, 26, 16, 11, 42),
                ],
                "published_date": [date(2016, 7, 2), date(2015, 12, 1), date(2016, 1, 26)],
                "content_type": ["photo", "video", None],
                "text": ["Hello", "Clip", "Page was mentioned in a post."],
                "permalink": [f"https://www.facebook.com/111/posts/{i}" for i in (201, 202, 203)],
                "is_paid": [False, True, None],
            },
            schema_overrides={"published_at": UTC_TYPE},
        ),
    )
    assert_frame_equal(
        result.tables["post_metrics"],
        pl.DataFrame(
            {
                "platform": ["facebook"] * 3,
                "post_id": ids,
                "as_of_date": [date(2016, 7, 4)] * 3,
                "impressions": [150, 2000, None],
                "reach": [100, 1000, None],
                "reactions": [5, 20, None],
                "comments": [0, 2, None],
                "shares": [0, 3, None],
                "clicks": [12, 30, None],
                "link_clicks": [0, 4, None],
                # The first 'Lifetime Organic Video Views' is the total count (300), not 250.
                "video_views": [None, 350, None],
            }
        ),
    )
    assert result.tables["account"].select("account_id", "timezone").rows() == [
        ("111", "Europe/Stockholm")
    ]


def test_post_level_row_accounting_and_quarantine_reasons() -> None:
    row = "{id},https://www.facebook.com/p,Msg,Photo,,,{posted}, ,100,{impressions},0,1,,,,,,,\n"
    text = _POST_HEADER + "".join(
        [
            row.format(id="111_201", posted="07/01/2016 11:30:00 PM", impressions="150"),
            row.format(id="5.18996E+14", posted="07/01/2016 11:30:00 PM", impressions="150"),
            row.format(id="111_204", posted="07/02/2016 10:00:00 AM", impressions="12x"),
            row.format(id="111_205", posted="yesterday", impressions="10"),
            "\n",
            row.format(id="111_201", posted="07/01/2016 11:30:00 PM", impressions="160"),
        ]
    )
    result = _normalize(text, _POST_NAME, account=_STOCKHOLM)

    assert (
        result.rows_read,
        result.rows_loaded,
        result.rows_quarantined,
        result.rows_skipped,
    ) == (7, 1, 3, 3)
    assert result.quarantine.select("row_number", "reason").rows() == [
        (
            4,
            "column 'Post ID' is not a Facebook post id (<page id>_<post id>; a spreadsheet "
            "program may have rounded it)",
        ),
        (5, "column 'Lifetime Post Total Impressions': '12x' is not a whole number"),
        (6, "column 'Posted': 'yesterday' is not a date and time; no publish time"),
    ]
    # The last of the duplicated rows is kept.
    assert result.tables["post_metrics"].select("post_id", "impressions").rows() == [
        ("111_201", 160)
    ]


def test_video_posts_export_sums_clicks_by_type() -> None:
    text = (
        '"Post ID",Permalink,"Post Message",Type,Countries,Languages,Posted,"Audience Targeting",'
        '"Content Tags","Lifetime Post Total Impressions","Lifetime Total Video Views",'
        '"Lifetime Post Total Reach","Lifetime Post Consumptions by type - link clicks",'
        '"Lifetime Post Consumptions by type - other clicks",'
        '"Lifetime Post Consumptions by type - video play",'
        '"Lifetime Post Stories by action type - like"\n'
        ",,,,,,,,,Lifetime: impressions,Lifetime: views,Lifetime: reach,Lifetime: clicks,,,\n"
        "111_301,https://www.facebook.com/111/videos/301,VR,Video,,,09/24/2015 04:36:55 AM, , ,"
        "786,117,366,,45,7,6\n"
    )
    result = _normalize(text, account=_STOCKHOLM)

    assert result.format == "facebook_insights_posts"
    assert result.tables["post_metrics"].drop("as_of_date").row(0, named=True) == {
        "platform": "facebook",
        "post_id": "111_301",
        "impressions": 786,
        "reach": 366,
        "reactions": 6,
        "clicks": 52,
        "link_clicks": 0,
        "video_views": 117,
    }
    # 04:36 PDT (UTC-7) is 13:36 in Stockholm (CEST).
    assert result.tables["post"]["published_at"].to_list() == [_utc(2015, 9, 24, 11, 36, 55)]


def test_post_level_xls_merges_breakdown_sheets_into_key_metrics() -> None:
    fixed = ["Permalink", "Post Message", "Type", "Countries", "Languages", "Posted"]
    post = ["https://www.facebook.com/111/videos/401", "Clip", "Video", "", "", "x"]
    key_metrics = [
        [
            "Post ID",
            *fixed,
            "Audience Targeting",
            "post_impressions_unique:lifetime",
            "post_impressions:lifetime",
            "post_impressions_paid:lifetime",
            "post_consumptions:lifetime",
            "post_video_views_organic:lifetime",
            "post_video_views_paid:lifetime",
        ],
        ["", "", "", "", "", "", "", "", "Lifetime: reach", "Lifetime: impressions"],
        [
            "111_401",
            *post[:5],
            "2017-07-22T05:30:00.000",
            " ",
            *("221231", "319665", "141389", "14454", "32199", "59669"),
        ],
    ]
    stories = [
        ["Description", "Post ID", *fixed, "Audience Targeting", "share", "like", "comment"],
        ["Lifetime: stories", "111_401", *post, " ", "576", "2506", ""],
    ]
    consumptions = [
        [
            "Description",
            "Post ID",
            *fixed,
            "Audience Targeting",
            *("video play", "other clicks", "photo view", "link clicks"),
        ],
        ["Lifetime: clicks", "111_401", *post, " ", "6936", "7240", "38", "240"],
    ]
    book = _spreadsheet_ml(
        {
            "Key Metrics": key_metrics,
            "Lifetime Talking About This(...": stories,
            "Lifetime Post Stories by act...": stories,
            "Lifetime Post Consumptions b...": consumptions,
        }
    )
    result = _normalize(book, "Facebook Insights Data Export (Post Level) - LOK - 2017-07-27.xls")

    assert result.format == "facebook_insights_posts+facebook_insights_post_breakdown"
    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (6, 3, 3)
    assert result.notes[-1] == (
        "sheet 'Lifetime Talking About This(...' is not a known export (2 rows skipped)"
    )
    assert result.tables["post_metrics"].row(0, named=True) == {
        "platform": "facebook",
        "post_id": "111_401",
        "as_of_date": date(2017, 7, 27),
        "impressions": 319665,
        "reach": 221231,
        "clicks": 14454,
        "video_views": 32199 + 59669,
        "reactions": 2506,
        "comments": 0,
        "shares": 576,
        "link_clicks": 240,
    }
    assert result.tables["post"].select("published_at", "is_paid").row(0) == (
        _utc(2017, 7, 22, 12, 30),
        True,
    )


@pytest.mark.parametrize(
    ("sheet", "accepted"),
    [
        ("Lifetime Post Stories by act...", True),
        ("Lifetime Post Consumptions b...", True),
        ("Lifetime Talking About This(...", False),
        ("Lifetime Post Consumers by type", False),
        ("", False),
    ],
)
def test_post_breakdown_sheets_are_chosen_by_truncated_name(sheet: str, accepted: bool) -> None:
    assert POST_BREAKDOWN.accepts_sheet(sheet) is accepted


# --- page level, inline --------------------------------------------------------------------------

_PAGE_CSV = (
    "Date,Lifetime Total Likes,Daily New Likes,Daily Unlikes,Daily Page Engaged Users,"
    "Weekly Page Engaged Users,Daily Total Reach,Daily Total Impressions,"
    "Daily Logged-in Page Views,Daily Logged-in Page Views,Daily Total Video Views,"
    "page_website_clicks_logged_in_count:day,Lifetime Likes by Gender and Age - F.18-24,"
    "Lifetime Likes by Gender and Age - M.18-24,Lifetime Likes by Gender and Age - M.25-34,"
    "Lifetime Likes by Country - ID,"
    '"Lifetime Likes by City - Bandung, West Java, Indonesia",'
    "Daily Liked and online - 0,Daily Liked and online - 23\r\n"
    ",Lifetime: likes,Daily: new likes,,,,,,Daily: views (Total Count),"
    "Daily: views (Unique Users),,,,,,,,,\r\n"
    "3/7/2016,100,5,1,20,70,300,900,12,8,4,1,10,20,30,{country},25,40,50\r\n"
    "3/8/2016,104,0,0,0,60,0,0,0,0,0,0,,,,,,,\r\n"
    "3/9/2016,106,3,1,10,50,200,600,,,2,0,11,21,31,63,,,\r\n"
    "3/10/2016,106,0,0,0,40,0,0,0,0,0,0,,,,,,,\r\n"
)
_JAKARTA = Account("facebook", "111", timezone="Asia/Jakarta")


def test_page_level_daily_export() -> None:
    """Daily columns only; the first of two same-named columns; a trailing all-zero day skipped."""
    result = _normalize(_PAGE_CSV.format(country="60"), account=_JAKARTA)

    assert (result.format, result.rows_read, result.rows_loaded, result.rows_skipped) == (
        "facebook_insights_page",
        5,
        3,
        2,
    )
    assert result.notes == (
        "daily rows keep Facebook's day (a Pacific-time day)",
        "1 day(s) after 2016-03-09 skipped: every daily metric is 0 (not yet computed when the "
        "file was exported)",
        "1 row(s) describing the columns skipped",
        "columns not used by Kunci: 'Weekly Page Engaged Users', 'Daily Logged-in Page Views (2)'",
    )
    assert_frame_equal(
        result.tables["account_daily"],
        pl.DataFrame(
            {
                "platform": ["facebook"] * 3,
                "account_id": ["111"] * 3,
                "date": [date(2016, 3, 7), date(2016, 3, 8), date(2016, 3, 9)],
                "followers_total": [100, 104, 106],
                "followers_gained": [5, 0, 3],
                "followers_lost": [1, 0, 1],
                "impressions": [900, 0, 600],
                "reach": [300, 0, 200],
                "engagements": [20, 0, 10],
                "profile_visits": [12, 0, None],
                "website_clicks": [1, 0, 0],
                "video_views": [4, 0, 2],
            }
        ),
    )


def test_page_level_demographics_become_audience_rows() -> None:
    result = _normalize(_PAGE_CSV.format(country="60"), account=_JAKARTA)

    audience = result.tables["audience"].sort("as_of_date", "dimension", "bucket")
    march_7 = audience.filter(pl.col("as_of_date") == date(2016, 3, 7))
    assert march_7.select("measure", "dimension", "bucket", "value").rows() == [
        ("followers", "age", "18-24", 30.0),
        ("followers", "age", "25-34", 30.0),
        ("followers", "city", "Bandung, West Java, Indonesia", 25.0),
        ("followers", "country", "ID", 60.0),
        ("followers", "gender", "female", 10.0),
        ("followers", "gender", "male", 50.0),
        ("followers", "gender_age", "female|18-24", 10.0),
        ("followers", "gender_age", "male|18-24", 20.0),
        ("followers", "gender_age", "male|25-34", 30.0),
    ]
    # 3/8 has no demographic values: no rows, not zeros. 3/9 has no city value.
    assert audience.group_by("as_of_date").len().sort("as_of_date").rows() == [
        (date(2016, 3, 7), 9),
        (date(2016, 3, 9), 8),
    ]
    assert audience["platform"].unique().to_list() == ["facebook"]
    assert audience["account_id"].unique().to_list() == ["111"]


def test_page_level_fans_online_hours_move_from_pacific_to_the_account_timezone() -> None:
    result = _normalize(_PAGE_CSV.format(country="60"), account=_JAKARTA)

    # 3/7/2016 00:00 PST = 08:00 UTC = 15:00 WIB on Monday; 23:00 PST = 14:00 WIB on Tuesday.
    assert_frame_equal(
        result.tables["audience_activity"],
        pl.DataFrame(
            {
                "platform": ["facebook", "facebook"],
                "account_id": ["111", "111"],
                "as_of_date": [date(2016, 3, 7), date(2016, 3, 8)],
                "day_of_week": [1, 2],
                "hour": [15, 14],
                "online_followers": [40, 50],
            },
            schema_overrides={"day_of_week": pl.Int32, "hour": pl.Int32},
        ),
    )


def test_page_level_bad_breakdown_cell_quarantines_its_day() -> None:
    result = _normalize(_PAGE_CSV.format(country="abc"), account=_JAKARTA)

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (5, 2, 1)
    assert result.quarantine.select("row_number", "reason").rows() == [
        (3, "column 'Lifetime Likes by Country - ID': 'abc' is not a whole number")
    ]
    assert result.tables["audience"]["as_of_date"].unique().to_list() == [date(2016, 3, 9)]
    assert result.tables["audience_activity"].height == 0


def test_page_level_export_needs_an_account() -> None:
    with pytest.raises(InputError, match=r"pass --account facebook:<id>$"):
        _normalize(_PAGE_CSV.format(country="60"))


def test_page_level_xls_key_metrics_and_breakdown_sheets() -> None:
    book = _spreadsheet_ml(
        {
            "Key Metrics": [
                [
                    "Date",
                    "page_fans:lifetime",
                    "page_fan_adds_unique:day",
                    "page_fan_removes_unique:day",
                    "page_impressions_unique:day",
                    "page_impressions:day",
                    "page_impressions:days_28",
                ],
                ["", "Lifetime: likes", "Daily: new likes", "", "", "", ""],
                ["2017-06-09T00:00:00.000", "41883", "195", "7", "135833", "158285", "1005427"],
            ],
            "Daily Like Source": [
                ["Description", "Date", "api"],
                ["Daily: likes by source", "2017-06-09T00:00:00.000", "3"],
            ],
            "Lifetime Likes by Gender and...": [
                ["Description", "Date", "F.13-17", "M.18-24"],
                ["Lifetime: likes by age and gender", "2017-06-09T00:00:00.000", "5", "7"],
                ["", "2017-06-10T00:00:00.000", "", ""],
            ],
            "Daily Liked and Online": [
                ["Description", "Date", "0", "1"],
                ["Daily: online in PST/PDT", "2017-06-09T00:00:00.000", "100", "90"],
            ],
        }
    )
    ho_chi_minh = Account("facebook", "155", timezone="Asia/Ho_Chi_Minh")
    result = _normalize(
        book, "Facebook Insights Data Export - LOK - 2017-07-05.xls", account=ho_chi_minh
    )

    assert result.format == "facebook_insights_page+facebook_insights_page_breakdown"
    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (7, 3, 4)
    assert result.tables["account_daily"].drop("platform", "account_id").rows() == [
        (date(2017, 6, 9), 41883, 195, 7, 158285, 135833)
    ]
    audience = result.tables["audience"].sort("dimension", "bucket")
    assert audience.select("as_of_date", "measure", "dimension", "bucket", "value").rows() == [
        (date(2017, 6, 9), "followers", "age", "13-17", 5.0),
        (date(2017, 6, 9), "followers", "age", "18-24", 7.0),
        (date(2017, 6, 9), "followers", "gender", "female", 5.0),
        (date(2017, 6, 9), "followers", "gender", "male", 7.0),
        (date(2017, 6, 9), "followers", "gender_age", "female|13-17", 5.0),
        (date(2017, 6, 9), "followers", "gender_age", "male|18-24", 7.0),
    ]
    # 00:00 PDT = 07:00 UTC = 14:00 in Ho Chi Minh City, a Friday.
    assert result.tables["audience_activity"].drop("platform", "account_id").rows() == [
        (date(2017, 6, 9), 5, 14, 100),
        (date(2017, 6, 9), 5, 15, 90),
    ]
    assert "sheet 'Lifetime Likes by Gender and...': 1 date(s) without values skipped" in (
        result.notes
    )


@pytest.mark.parametrize(
    ("sheet", "accepted"),
    [
        ("Lifetime Likes by Gender and...", True),
        ("Lifetime Likes By Country", True),
        ("Daily Reach Demographics", True),
        ("28 Days Reach Demographics", False),
        ("Daily Demographics People Ta...", False),
        ("Key Metrics", False),
    ],
)
def test_page_breakdown_sheets_are_chosen_by_name(sheet: str, accepted: bool) -> None:
    assert PAGE_BREAKDOWN.accepts_sheet(sheet) is accepted


# --- Meta Business Suite, Facebook content export -----------------------------------------------

_MBS_FB_HEADER = [
    "Post ID",
    "Page ID",
    "Page name",
    "Title",
    "Description",
    "Duration (sec)",
    "Publish time",
    "Caption type",
    "Permalink",
    "Is crosspost",
    "Is share",
    "Post type",
    "Languages",
    "Custom labels",
    "Funded content status",
    "Data comment",
    "Date",
    "Views",
    "Reach",
    "Reactions, Comments and Shares",
    "Reactions",
    "Comments",
    "Shares",
    "Total clicks",
    "Link clicks",
    "Other Clicks",
    "Matched Audience Targeting Consumption (Photo Click)",
    "Negative feedback from users: Hide all",
    "Seconds viewed",
]
_MBS_FB_ROWS = [
    [
        *("122158000000000001", "61571000000001", "Dinas Pariwisata", "", "Halo Jakarta", "0"),
        *("07/02/2026 19:25", "", "https://www.facebook.com/61571000000001/posts/1", "No", "No"),
        *("Photos", "", "", "", "", "Lifetime", "1,234", "900", "55", "50", "3", "2", "40", "12"),
        *("28", "0", "0", ""),
    ],
    [
        *("122158000000000002", "61571000000001", "Dinas Pariwisata", "Reel title", "", "27"),
        *("07/03/2026 08:00", "", "https://www.facebook.com/reel/2", "No", "No", "Reels", "", ""),
        *("", "", "Lifetime", "5000", "4000", "110", "100", "6", "4", "70", "0", "70", "0", "1"),
        "812.5",
    ],
]


def _mbs_csv(rows: list[list[str]], delimiter: str = ",", sep_line: bool = True) -> bytes:
    buffer = io.StringIO()
    if sep_line:
        buffer.write(f"sep={delimiter}\n")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows([_MBS_FB_HEADER, *rows])
    return buffer.getvalue().encode("utf-16")  # with a byte-order mark, little-endian here


@pytest.mark.parametrize(("delimiter", "sep_line"), [(",", True), ("\t", False)])
def test_mbs_facebook_content(delimiter: str, sep_line: bool) -> None:
    data = _mbs_csv(_MBS_FB_ROWS, delimiter, sep_line)
    assert data.startswith(b"\xff\xfe")
    result = _normalize(data, "Jul-01-2026_Jul-31-2026_61571000000001.csv")

    assert (result.format, result.platform) == ("meta_business_suite_facebook_content", "facebook")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 2, 0)
    ids = ["61571000000001_122158000000000001", "61571000000001_122158000000000002"]
    assert_frame_equal(
        result.tables["post"],
        pl.DataFrame(
            {
                "platform": ["facebook", "facebook"],
                "post_id": ids,
                "account_id": ["61571000000001", "61571000000001"],
                "published_at": [_utc(2026, 7, 2, 12, 25), _utc(2026, 7, 3, 1, 0)],
                "published_date": [date(2026, 7, 2), date(2026, 7, 3)],
                "content_type": ["photo", "reel"],
                "text": ["Halo Jakarta", "Reel title"],
                "permalink": [
                    "https://www.facebook.com/61571000000001/posts/1",
                    "https://www.facebook.com/reel/2",
                ],
            },
            schema_overrides={"published_at": UTC_TYPE},
        ),
    )
    assert_frame_equal(
        result.tables["post_metrics"],
        pl.DataFrame(
            {
                "platform": ["facebook", "facebook"],
                "post_id": ids,
                "as_of_date": [date(2026, 7, 31), date(2026, 7, 31)],
                "reach": [900, 4000],
                "views": [1234, 5000],
                "reactions": [50, 100],
                "comments": [3, 6],
                "shares": [2, 4],
                "clicks": [40, 70],
                "link_clicks": [12, 0],
                "watch_time_seconds": [None, 812.5],
            }
        ),
    )
    assert result.tables["account"].select("account_id", "account_name").rows() == [
        ("61571000000001", "Dinas Pariwisata")
    ]


def test_mbs_facebook_content_rounded_ids_are_quarantined() -> None:
    rounded = [["1.22158E+17", "6.1571E+13", *_MBS_FB_ROWS[0][2:]]]
    result = _normalize(_mbs_csv(rounded))

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (1, 0, 1)
    reason = result.quarantine["reason"][0]
    assert reason.startswith("column 'Post ID' is not a numeric id")
    assert "; column 'Page ID' is not a numeric id" in reason


# --- real exports (read in place) ----------------------------------------------------------------


def _csv_rows(name: str) -> tuple[list[str], list[str], list[list[str]]]:
    """Header, description row and data rows of a legacy export, read with `csv` only."""
    with (FACEBOOK / name).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1], rows[2:]


def _column(header: list[str], rows: list[list[str]], name: str, nth: int = 0) -> list[str]:
    position = [i for i, cell in enumerate(header) if cell == name][nth]
    return [row[position] for row in rows]


def _total(cells: list[str]) -> int:
    return sum(int(cell) for cell in cells if cell.strip())


def _xml_sheets(name: str) -> dict[str, list[list[str]]]:
    """Sheets of an XML Spreadsheet 2003 file, read with `xml.etree` only."""
    ns = "{urn:schemas-microsoft-com:office:spreadsheet}"
    root = ElementTree.fromstring((FACEBOOK / name).read_bytes().decode("utf-8", "replace"))
    sheets = {}
    for sheet in root.iter(f"{ns}Worksheet"):
        rows = []
        for row in sheet.iter(f"{ns}Row"):
            cells: list[str] = []
            for cell in row.iter(f"{ns}Cell"):
                if (index := cell.get(f"{ns}Index")) is not None:
                    cells += [""] * (int(index) - 1 - len(cells))
                data = cell.find(f"{ns}Data")
                cells.append("" if data is None else "".join(data.itertext()))
            rows.append(cells)
        sheets[sheet.get(f"{ns}Name", "")] = rows
    return sheets


def _real(name: str, account: Account | None = None) -> Normalized:
    ctx = IngestContext(source_name=name, as_of=date(2025, 3, 1), account=account)
    return normalize_counted((FACEBOOK / name).read_bytes(), ctx)


def _sum(frame: pl.DataFrame, column: str) -> int:
    return int(frame[column].sum())


_VIC_POSTS = "fb_insights_post_level_VIC_2015-08-19_2016-02-15.csv"
_VIC_VIDEOS = "fb_insights_video_posts_VIC_2015-08-19_2016-02-15.csv"
_VIC_PAGE = "fb_insights_page_level_VIC_2015-08-19_2016-02-15.csv"
_LOK_POSTS = "fb_insights_post_level_LOK_2017-07-27_spreadsheetml.xls"
_LOK_PAGE = "fb_insights_page_level_LOK_2017-07-05_spreadsheetml.xls"
_STORIES = "Lifetime Post Stories by action type - "


@needs_realdata
def test_real_vic_post_level_sums_equal_the_file() -> None:
    header, descriptions, rows = _csv_rows(_VIC_POSTS)
    stockholm = Account("facebook", PAGE_ID, timezone="Europe/Stockholm")
    result = _real(_VIC_POSTS, stockholm)

    assert (result.format, result.rows_read, result.rows_loaded, result.rows_skipped) == (
        "facebook_insights_posts",
        171,
        170,
        1,
    )
    metrics = result.tables["post_metrics"]
    assert metrics["as_of_date"].unique().to_list() == [date(2016, 2, 14)]
    assert metrics["post_id"].to_list() == _column(header, rows, "Post ID")
    expected = {
        "impressions": _total(_column(header, rows, "Lifetime Post Total Impressions")),
        "reach": _total(_column(header, rows, "Lifetime Post Total Reach")),
        "reactions": _total(_column(header, rows, _STORIES + "like")),
        "comments": _total(_column(header, rows, _STORIES + "comment")),
        "shares": _total(_column(header, rows, _STORIES + "share")),
        "clicks": _total(_column(header, rows, "Lifetime Post Consumptions")),
        "link_clicks": _total(
            _column(header, rows, "Lifetime Post Consumptions by type - link clicks")
        ),
        "video_views": _total(_column(header, rows, "Lifetime Organic Video Views"))
        + _total(_column(header, rows, "Lifetime Paid Video Views")),
    }
    assert {name: _sum(metrics, name) for name in expected} == expected
    assert expected == {
        "impressions": 291_369,
        "reach": 122_585,
        "reactions": 2_806,
        "comments": 157,
        "shares": 329,
        "clicks": 30_067,
        "link_clicks": 836,
        "video_views": 14_233,
    }
    # The first of the repeated video-view columns is the total count, as the mapping assumes.
    organic = header.index("Lifetime Organic Video Views")
    assert descriptions[organic].endswith("(Total Count)")
    # The post without insights (a mention) has NULL metrics, not zeros.
    assert metrics.filter(pl.col("impressions").is_null())["comments"].to_list() == [None]
    assert metrics["comments"].null_count() == 1

    posts = result.tables["post"]
    first = posts.row(0, named=True)  # "02/14/2016 12:40:16 AM" PST
    assert (first["published_at"], first["published_date"]) == (
        _utc(2016, 2, 14, 8, 40, 16),
        date(2016, 2, 14),
    )
    assert posts["content_type"].value_counts(sort=True).rows() == [
        ("photo", 103),
        ("link", 39),
        ("video", 24),
        ("text", 3),
        (None, 1),
    ]
    assert posts["is_paid"].sum() == 0
    assert result.tables["account"]["account_id"].to_list() == [PAGE_ID]


@needs_realdata
def test_real_vic_video_posts_sums_equal_the_file() -> None:
    header, _descriptions, rows = _csv_rows(_VIC_VIDEOS)
    result = _real(_VIC_VIDEOS)

    assert (result.format, result.rows_read, result.rows_loaded) == (
        "facebook_insights_posts",
        22,
        21,
    )
    metrics = result.tables["post_metrics"]
    clicks = [
        _total(_column(header, rows, f"Lifetime Post Consumptions by type - {kind}"))
        for kind in ("link clicks", "other clicks", "photo view", "video play")
    ]
    expected = {
        "impressions": _total(_column(header, rows, "Lifetime Post Total Impressions")),
        "reach": _total(_column(header, rows, "Lifetime Post Total Reach")),
        "video_views": _total(_column(header, rows, "Lifetime Total Video Views")),
        "reactions": _total(_column(header, rows, _STORIES + "like")),
        "comments": _total(_column(header, rows, _STORIES + "comment")),
        "shares": _total(_column(header, rows, _STORIES + "share")),
        "link_clicks": clicks[0],
        "clicks": sum(clicks),
    }
    assert {name: _sum(metrics, name) for name in expected} == expected
    assert expected["video_views"] == 14_230


@needs_realdata
def test_real_vic_video_posts_agree_with_the_post_level_export() -> None:
    videos = _real(_VIC_VIDEOS).tables["post_metrics"]
    posts = _real(_VIC_POSTS).tables["post_metrics"]
    shared = [c for c in videos.columns if c != "as_of_date"]
    joined = videos.select(shared).join(posts.select(shared), on=["platform", "post_id"])

    assert joined.height == 21
    for column in shared[2:]:
        assert joined[column].to_list() == joined[f"{column}_right"].to_list(), column


@needs_realdata
def test_real_vic_page_level_equals_the_file() -> None:
    header, descriptions, rows = _csv_rows(_VIC_PAGE)
    stockholm = Account("facebook", PAGE_ID, timezone="Europe/Stockholm")
    result = _real(_VIC_PAGE, stockholm)

    assert (result.format, result.rows_read, result.rows_loaded, result.rows_skipped) == (
        "facebook_insights_page",
        181,
        180,
        1,
    )
    daily = result.tables["account_daily"]
    dates = [datetime.strptime(d, "%m/%d/%Y").date() for d in _column(header, rows, "Date")]
    assert daily["date"].to_list() == dates
    assert daily["followers_total"].to_list() == [
        int(v) for v in _column(header, rows, "Lifetime Total Likes")
    ]
    columns = {
        "followers_gained": "Daily New Likes",
        "followers_lost": "Daily Unlikes",
        "engagements": "Daily Page Engaged Users",
        "reach": "Daily Total Reach",
        "impressions": "Daily Total Impressions",
        "profile_visits": "Daily Logged-in Page Views",
        "video_views": "Daily Total Video Views",
        "website_clicks": "page_website_clicks_logged_in_count:day",
    }
    for canonical, name in columns.items():
        cells = _column(header, rows, name)
        assert _sum(daily, canonical) == _total(cells), canonical
        assert daily[canonical].null_count() == cells.count(""), canonical
    assert descriptions[header.index("Daily Logged-in Page Views")].endswith("(Total Count)")
    assert _sum(daily, "impressions") == 448_471

    audience = result.tables["audience"]
    for prefix, dimension in [
        ("Lifetime Likes by Gender and Age - ", "gender_age"),
        ("Lifetime Likes by Country - ", "country"),
        ("Lifetime Likes by City - ", "city"),
        ("Lifetime Likes by Language - ", "locale"),
    ]:
        raw = sum(_total(_column(header, rows, n)) for n in header if n.startswith(prefix))
        assert audience.filter(pl.col("dimension") == dimension)["value"].sum() == raw, dimension
    by_dimension = audience.group_by("dimension").agg(pl.col("value").sum())
    totals = dict(by_dimension.iter_rows())
    assert totals["gender"] == totals["age"] == totals["gender_age"]

    # Hours are Pacific; in Stockholm 2015-10-25 02:00-03:00 happens twice, so one of the
    # 178 * 24 hours meets another local hour and the later one is kept.
    stockholm_hours: dict[tuple[date, int], int] = {}
    for name in (n for n in header if n.startswith("Daily Liked and online - ")):
        hour = int(name.rsplit(" - ", 1)[1])
        for day, cell in zip(dates, _column(header, rows, name), strict=True):
            if cell.strip():
                pacific = datetime(day.year, day.month, day.day, hour, tzinfo=PACIFIC)
                local = pacific.astimezone(ZoneInfo("Europe/Stockholm"))
                stockholm_hours[(local.date(), local.hour)] = int(cell)
    activity = result.tables["audience_activity"]
    assert activity.height == len(stockholm_hours) == 178 * 24 - 1
    assert _sum(activity, "online_followers") == sum(stockholm_hours.values())
    assert "1 fans-online hour(s) fell on a clock change" in result.notes[1]


@needs_realdata
def test_real_lok_post_level_xls_sums_equal_the_file() -> None:
    sheets = _xml_sheets(_LOK_POSTS)
    key = sheets["Key Metrics"]
    header, rows = key[0], key[2:]
    stories = sheets["Lifetime Post Stories by act..."]
    clicks = sheets["Lifetime Post Consumptions b..."]
    result = _real(_LOK_POSTS)

    assert result.format == "facebook_insights_posts+facebook_insights_post_breakdown"
    # 7 posts in each of three sheets; four unknown sheets of 8 records each and the
    # description row of Key Metrics are skipped.
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (54, 21, 0)
    metrics = result.tables["post_metrics"]
    assert metrics.height == 7
    assert metrics["as_of_date"].unique().to_list() == [date(2017, 7, 27)]
    expected = {
        "impressions": _total(_column(header, rows, "post_impressions:lifetime")),
        "reach": _total(_column(header, rows, "post_impressions_unique:lifetime")),
        "clicks": _total(_column(header, rows, "post_consumptions:lifetime")),
        "video_views": _total(_column(header, rows, "post_video_views_organic:lifetime"))
        + _total(_column(header, rows, "post_video_views_paid:lifetime")),
        "reactions": _total(_column(stories[0], stories[1:], "like")),
        "comments": _total(_column(stories[0], stories[1:], "comment")),
        "shares": _total(_column(stories[0], stories[1:], "share")),
        "link_clicks": _total(_column(clicks[0], clicks[1:], "link clicks")),
    }
    assert {name: _sum(metrics, name) for name in expected} == expected
    assert expected["impressions"] == 2_642_563
    posts = result.tables["post"]
    assert posts["post_id"].to_list() == _column(header, rows, "Post ID")
    assert posts["is_paid"].sum() == 4
    # "2017-07-22T05:30:00.000" is Pacific daylight time: 12:30 UTC.
    assert posts["published_at"][0] == _utc(2017, 7, 22, 12, 30)


@needs_realdata
def test_real_lok_page_level_xls_equals_the_file() -> None:
    sheets = _xml_sheets(_LOK_PAGE)
    key = sheets["Key Metrics"]
    header, rows = key[0], key[2:]
    ho_chi_minh = Account("facebook", "1553363564876294", timezone="Asia/Ho_Chi_Minh")
    result = _real(_LOK_PAGE, ho_chi_minh)

    assert result.format == "facebook_insights_page+facebook_insights_page_breakdown"
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (1096, 182, 0)
    assert "1 day(s) after 2017-07-05 skipped: every daily metric is 0 (not yet computed when " in (
        " ".join(result.notes)
    )
    daily = result.tables["account_daily"]
    kept = [row for row in rows if row[0][:10] != "2017-07-06"]
    assert daily["date"].cast(pl.String).to_list() == [row[0][:10] for row in kept]
    assert daily["followers_total"].to_list() == [
        int(v) for v in _column(header, kept, "page_fans:lifetime")
    ]
    columns = {
        "followers_gained": "page_fan_adds_unique:day",
        "followers_lost": "page_fan_removes_unique:day",
        "engagements": "page_engaged_users:day",
        "reach": "page_impressions_unique:day",
        "impressions": "page_impressions:day",
        "profile_visits": "page_views_logged_in_total:day",
        "video_views": "page_video_views:day",
    }
    for canonical, name in columns.items():
        assert _sum(daily, canonical) == _total(_column(header, rows, name)), canonical
    assert _sum(daily, "impressions") == 6_383_997

    audience = result.tables["audience"]
    for sheet, measure, dimension in [
        ("Lifetime Likes by Gender and...", "followers", "gender_age"),
        ("Lifetime Likes By Country", "followers", "country"),
        ("Lifetime Likes by City", "followers", "city"),
        ("Lifetime Likes by Language", "followers", "locale"),
        ("Daily Reach Demographics", "reach", "gender_age"),
    ]:
        table = sheets[sheet]
        raw = sum(_total(_column(table[0], table[1:], n)) for n in table[0][2:])
        part = audience.filter((pl.col("measure") == measure) & (pl.col("dimension") == dimension))
        assert part["value"].sum() == raw, sheet
    assert "Đà Lạt, Lâm Đồng Province, Vietnam" in audience["bucket"].to_list()

    online = sheets["Daily Liked and Online"]
    activity = result.tables["audience_activity"]
    assert activity.height == 25 * 24
    raw_online = sum(_total(_column(online[0], online[1:], n)) for n in online[0][2:])
    assert _sum(activity, "online_followers") == raw_online
