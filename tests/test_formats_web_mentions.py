"""Web analytics (Universal Analytics, GA4 reports and explorations) and listening-tool mentions.

The real UA custom report is read in place from the shared `realdata` folder; its expected sums are
computed here with `csv`, independently of the parser, and also pinned as literal figures.
"""

import csv
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.conftest import REALDATA, needs_realdata, normalize_counted, reasons
from transforms.context import Account, IngestContext, Normalized
from transforms.errors import InputError

UA_FILE = (
    REALDATA / "google_analytics" / "ua_custom_report_bbva_blog_page_source_country_device.csv"
)
AS_OF = date(2026, 3, 1)
WEB = Account("web", "bbva-blog")
YEAR_2019 = (date(2019, 1, 1), date(2019, 12, 31))


def _normalize_bytes(data: bytes, source_name: str = "export.csv", **fields: Any) -> Normalized:
    ctx = IngestContext(source_name=source_name, as_of=AS_OF, **fields)
    return normalize_counted(data, ctx)


def _normalize(text: str, **fields: Any) -> Normalized:
    return _normalize_bytes(text.encode("utf-8"), **fields)


# --- Universal Analytics: the real custom report -------------------------------------------------


def _ua_rows() -> list[dict[str, str]]:
    with UA_FILE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _count(text: str) -> int:
    return int(text.replace(",", ""))


@needs_realdata
def test_ua_custom_report_sums_equal_the_files_columns() -> None:
    rows = _ua_rows()
    sessions = Counter[str]()
    pageviews = Counter[str]()
    bounces = Counter[str]()
    for row in rows:
        sessions[row["Source"]] += _count(row["Sessions"])
        pageviews[row["Source"]] += _count(row["Page Views"])
        rate = float(row["Bounce Rate"].rstrip("%")) / 100
        bounces[row["Source"]] += round(rate * _count(row["Sessions"]))

    result = _normalize_bytes(UA_FILE.read_bytes(), UA_FILE.name, account=WEB, period=YEAR_2019)

    assert (result.format, result.platform) == ("ua_traffic", "web")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined, result.rows_skipped) == (
        len(rows),
        len(rows),
        0,
        0,
    )
    assert result.rows_read == 17_243
    table = result.tables["web_traffic_period"]
    assert table.height == len(sessions) == 304
    assert dict(table.select("source", "sessions").rows()) == dict(sessions)
    assert dict(table.select("source", "pageviews").rows()) == dict(pageviews)
    assert dict(table.select("source", "bounces").rows()) == dict(bounces)
    totals = table.select("sessions", "pageviews", "bounces").sum().row(0)
    assert totals == (sum(sessions.values()), sum(pageviews.values()), sum(bounces.values()))
    assert totals == (56_001, 112_871, 40_090)
    assert table["users"].null_count() == 304  # users are not additive across pages
    assert table.select(
        "property_id", "date_start", "date_end", "medium", "campaign"
    ).unique().rows() == [("bbva-blog", date(2019, 1, 1), date(2019, 12, 31), "", "")]
    assert result.notes == (
        "date range from --period",
        "17243 rows summed into 304 rows of the table's grain; users left NULL (not additive "
        "across the export's other dimensions)",
        "columns not used by Kunci: 'Page', 'Page Title', 'Country', 'Device Category', "
        "'Avg. Time on Page', 'Unique Page Views'",
    )


@needs_realdata
def test_ua_custom_report_platforms_come_from_the_source() -> None:
    result = _normalize_bytes(UA_FILE.read_bytes(), UA_FILE.name, account=WEB, period=YEAR_2019)
    platforms = dict(result.tables["web_traffic_period"].select("source", "platform").rows())

    assert {
        s: platforms[s] for s in ("t.co", "twitter", "lnkd.in", "linkedin", "linkedin.com")
    } == {
        "t.co": "x",
        "twitter": "x",
        "lnkd.in": "linkedin",
        "linkedin": "linkedin",
        "linkedin.com": "linkedin",
    }
    assert (platforms["m.facebook.com"], platforms["google"], platforms["(direct)"]) == (
        "facebook",
        None,
        None,
    )


@needs_realdata
def test_ua_custom_report_without_a_period_quarantines_every_row() -> None:
    result = _normalize_bytes(UA_FILE.read_bytes(), UA_FILE.name, account=WEB)

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (17_243, 0, 17_243)
    assert result.quarantine["reason"].unique().to_list() == [
        "aggregate export without a date range: pass --period"
    ]
    assert result.quarantine["row_number"].to_list()[:2] == [2, 3]


@needs_realdata
def test_ua_custom_report_without_a_property_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        _normalize_bytes(UA_FILE.read_bytes(), UA_FILE.name, period=YEAR_2019)
    assert str(caught.value) == (
        "Universal Analytics export names no property: pass --account web:<property id>"
    )


# --- Universal Analytics: inline report exports --------------------------------------------------

_UA_PREAMBLE = (
    "# ----------------------------------------\n"
    "# All Web Site Data\n"
    "# Source / Medium\n"
    "# 20190101-20190131\n"
    "# ----------------------------------------\n"
    "\n"
)


def test_ua_report_with_range_line_totals_row_and_revenue() -> None:
    text = (
        _UA_PREAMBLE + "Source / Medium,Users,New Users,Sessions,Bounce Rate,Pages / Session,"
        "Goal Completions,Revenue\n"
        'google / organic,"1,100",900,"1,500",41.27%,2.10,12,"$1,234.56"\n'
        "t.co / referral,80,70,97,0.00%,1.00,0,$0.00\n"
        "lnkd.in / (not set),3,3,3,66.67%,1.00,1,\n"
        ',"1,183",973,"1,600",38.88%,2.03,13,"$1,234.56"\n'
    )
    result = _normalize(text, account=WEB)

    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (4, 3, 1)
    assert_frame_equal(
        result.tables["web_traffic_period"],
        pl.DataFrame(
            {
                "property_id": ["bbva-blog"] * 3,
                "date_start": [date(2019, 1, 1)] * 3,
                "date_end": [date(2019, 1, 31)] * 3,
                "source": ["google", "t.co", "lnkd.in"],
                "medium": ["organic", "referral", "(not set)"],
                "campaign": ["", "", ""],
                "platform": [None, "x", "linkedin"],
                "sessions": [1500, 97, 3],
                "bounces": [619, 0, 2],  # 41.27% of 1,500 = 619.05; 66.67% of 3 = 2.0001
                "conversions": [12.0, 0.0, 1.0],
                "revenue": [1234.56, 0.0, None],
                "users": [1100, 80, 3],  # one row per key: users are kept
            }
        ),
    )
    assert result.notes == (
        "date range from the export's preamble",
        "1 total rows skipped",
        "columns not used by Kunci: 'New Users', 'Pages / Session'",
    )


def test_ua_daily_rows_by_date_and_campaign() -> None:
    text = (
        "Date,Source / Medium,Campaign,Sessions,Bounce Rate,Pageviews\n"
        "20190102,facebook.com / referral,spring,40,50.00%,90\n"
        "20190102,ig / social,(not set),7,14.29%,8\n"
        "20190103,facebook.com / referral,spring,10,10.00%,10\n"
    )
    result = _normalize(text, account=WEB)

    assert_frame_equal(
        result.tables["web_traffic_daily"].select(
            "date", "source", "medium", "campaign", "platform", "sessions", "bounces", "pageviews"
        ),
        pl.DataFrame(
            {
                "date": [date(2019, 1, 2), date(2019, 1, 2), date(2019, 1, 3)],
                "source": ["facebook.com", "ig", "facebook.com"],
                "medium": ["referral", "social", "referral"],
                "campaign": ["spring", "(not set)", "spring"],  # as UA writes it
                "platform": ["facebook", "instagram", "facebook"],
                "sessions": [40, 7, 10],
                "bounces": [20, 1, 1],
                "pageviews": [90, 8, 10],
            }
        ),
    )
    assert result.notes == ()


def test_ua_bounce_rate_no_report_can_hold_is_quarantined_not_a_crash() -> None:
    # found by the fuzz suite: a rate of 6e22 % overflowed the bounces' integer cast
    text = (
        "Date,Source / Medium,Campaign,Sessions,Bounce Rate,Pageviews\n"
        "20190102,facebook.com / referral,spring,40,50.00%,90\n"
        "20190103,ig / social,(not set),7,600000000000000000000000.00%,8\n"
        "20190104,ig / social,(not set),7,-5.00%,8\n"
    )
    result = _normalize(text, account=WEB)

    assert result.tables["web_traffic_daily"]["bounces"].to_list() == [20]
    assert result.rows_quarantined == 2
    reasons = result.quarantine["reason"].to_list()
    assert all("is not a share of sessions (0-100 %)" in r for r in reasons), reasons


def test_ua_indonesian_headers_and_numbers() -> None:
    text = (
        "Sumber,Negara,Sesi,Rasio Pentalan,Tampilan Halaman,Pengguna\n"
        'google,Indonesia,"1.500","41,27%","2.100","1.100"\n'
        'google,Malaysia,"20","50,00%","30","18"\n'
    )
    result = _normalize(text, account=WEB, period=(date(2019, 1, 1), date(2019, 1, 31)))

    assert result.tables["web_traffic_period"].select(
        "source", "medium", "sessions", "bounces", "pageviews", "users"
    ).rows() == [("google", "", 1520, 629, 2130, None)]
    assert (result.rows_read, result.rows_loaded) == (2, 2)


def test_ua_unreadable_bounce_rate_is_quarantined_with_the_value() -> None:
    text = "Source,Sessions,Bounce Rate\ngoogle,10,abc\nbing,4,25.00%\n"
    result = _normalize(text, account=WEB, period=(date(2019, 1, 1), date(2019, 1, 31)))

    assert reasons(result) == [(2, "column 'Bounce Rate': 'abc' is not a percentage")]
    assert result.tables["web_traffic_period"].select("source", "bounces").rows() == [("bing", 1)]


def test_ua_export_without_a_source_is_refused() -> None:
    with pytest.raises(InputError, match=r"^Universal Analytics export has no 'Source / Medium'"):
        _normalize("Country,Sessions,Bounce Rate\nSpain,10,5.00%\n", account=WEB)


# --- GA4: report and exploration exports --------------------------------------------------------

_EXPLORATION_PREAMBLE = (
    "# ----------------------------------------\n"
    "# Free form 1\n"
    "# Account: Dinas Pariwisata\n"
    "# Property: wisatanusantara.go.id - GA4\n"
    "# ----------------------------------------\n"
    "\n"
    "# Start date: 20260101\n"
    "# End date: 20260131\n"
)


def test_ga4_exploration_with_nth_day_and_grand_total_line() -> None:
    text = (
        _EXPLORATION_PREAMBLE
        + "Nth day,Session source / medium,Sessions,Engaged sessions,Key events,Total users,Views\n"
        ",Grand total,300,160,9,250,700\n"
        "0000,google / organic,200,100,5,170,400\n"
        "0004,l.facebook.com / referral,100,60,4,80,300\n"
    )
    result = _normalize(text)

    assert (result.format, result.rows_read, result.rows_loaded, result.rows_skipped) == (
        "ga4_traffic",
        3,
        2,
        1,
    )
    assert_frame_equal(
        result.tables["web_traffic_daily"],
        pl.DataFrame(
            {
                "property_id": ["wisatanusantara.go.id - GA4"] * 2,
                "date": [date(2026, 1, 1), date(2026, 1, 5)],
                "source": ["google", "l.facebook.com"],
                "medium": ["organic", "referral"],
                "campaign": ["(not set)", "(not set)"],
                "platform": [None, "facebook"],
                "sessions": [200, 100],
                "engaged_sessions": [100, 60],
                "conversions": [5.0, 4.0],
                "users": [170, 80],
                "pageviews": [400, 300],
            }
        ),
    )
    assert result.notes == ("date range from the export's preamble", "1 total rows skipped")


def test_ga4_exploration_totals_row_labelled_in_the_second_column() -> None:
    text = (
        _EXPLORATION_PREAMBLE
        + "Date,Session source / medium,Session campaign,Sessions,Engaged sessions,"
        "Key events (generate_lead),Conversions,Total revenue\n"
        ",Totals,,12,8,3,5,100\n"
        "20260105,ig / social,promo,12,8,3,5,100\n"
    )
    result = _normalize(text)

    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (2, 1, 1)
    assert result.tables["web_traffic_daily"].select(
        "date", "campaign", "platform", "leads", "conversions", "revenue"
    ).rows() == [(date(2026, 1, 5), "promo", "instagram", 3.0, 5.0, 100.0)]


def test_ga4_extra_dimension_rows_are_summed_and_users_dropped() -> None:
    text = (
        "# Property: p1\n# Start date: 20260101\n# End date: 20260131\n"
        "Session source / medium,Country,Sessions,Engaged sessions,Total users\n"
        "t.co / referral,Indonesia,10,4,9\n"
        "t.co / referral,Malaysia,5,1,5\n"
        "google / organic,Indonesia,7,,6\n"
    )
    result = _normalize(text)

    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (3, 3, 0)
    assert result.tables["web_traffic_period"].select(
        "source", "sessions", "engaged_sessions", "users"
    ).rows() == [("t.co", 15, 5, None), ("google", 7, None, None)]
    assert result.notes[-2:] == (
        "3 rows summed into 2 rows of the table's grain; users left NULL (not additive across "
        "the export's other dimensions)",
        "columns not used by Kunci: 'Country'",
    )


def test_ga4_preamble_range_wins_over_period() -> None:
    text = (
        _EXPLORATION_PREAMBLE
        + "Session source / medium,Sessions,Engaged sessions\nig / social,5,2\n"
    )
    result = _normalize(text, period=(date(2025, 1, 1), date(2025, 1, 31)))

    assert result.tables["web_traffic_period"].select("date_start", "date_end").rows() == [
        (date(2026, 1, 1), date(2026, 1, 31))
    ]
    assert result.notes == ("date range from the export's preamble; --period ignored",)


def test_ga4_nth_day_without_a_start_date_is_quarantined() -> None:
    text = "Nth day,Session source / medium,Sessions,Engaged sessions\n0001,ig / social,5,2\n"
    result = _normalize(text, account=Account("web", "p1"))

    assert reasons(result) == [(2, "'Nth day' needs the start date: pass --period")]


def test_ga4_nth_day_counts_from_the_period_start() -> None:
    text = "Nth day,Session source / medium,Sessions,Engaged sessions\n0031,ig / social,5,2\n"
    result = _normalize(
        text, account=Account("web", "p1"), period=(date(2026, 1, 1), date(2026, 3, 31))
    )

    assert result.tables["web_traffic_daily"]["date"].to_list() == [date(2026, 2, 1)]


# --- listening-tool mentions: Brandwatch and Meltwater column names -----------------------------

_BRANDS = (Account("x", "wn", handle="wisatanusantara", brand="Wisata Nusantara"),)


def test_brandwatch_mentions_below_the_report_preamble() -> None:
    text = (
        "Report:,All Mentions\n"
        "Brand:,Wisata Nusantara\n"
        "From:,2026-09-01\n"
        "\n"
        "Query Id,Query Name,Date,Title,Url,Page Type,Sentiment,Author,Full Text,"
        "Twitter Followers,Resource Id\n"
        "123,Wisata Nusantara,2026-09-30 20:00:07.0,,https://x.com/a/status/1,twitter,positive,"
        'andi,"Bagus sekali","1,200",rid-1\n'
        "123,Wisata Nusantara,2026-09-30 21:00:00.0,Kabar,https://news.example/1,news,neutral,"
        ",Liputan,,rid-2\n"
    )
    result = _normalize(text, accounts=_BRANDS)

    assert (result.format, result.rows_read, result.rows_loaded) == ("listening_mentions", 2, 2)
    assert result.tables["mention"].select(
        "platform", "mention_id", "published_at", "author", "author_followers", "is_own_brand"
    ).rows() == [
        ("x", "rid-1", datetime(2026, 9, 30, 13, 0, 7, tzinfo=UTC), "andi", 1200, True),
        ("news", "rid-2", datetime(2026, 9, 30, 14, 0, tzinfo=UTC), None, None, True),
    ]


def test_meltwater_mentions() -> None:
    text = (
        "Date,Headline,URL,Hit Sentence,Source,Influencer,Reach,Sentiment,Input Name\n"
        "30-Sep-2026 08:00PM,,https://x.com/b/status/2,Ramai,Twitter,@budi,350,Negative,"
        "Pesona Negeri\n"
    )
    result = _normalize(text, accounts=_BRANDS)

    assert result.tables["mention"].select(
        "platform",
        "published_at",
        "author",
        "author_followers",
        "text",
        "sentiment",
        "brand",
        "is_own_brand",
    ).rows() == [
        (
            "x",
            datetime(2026, 9, 30, 13, 0, tzinfo=UTC),
            "@budi",
            350,
            "Ramai",
            "negative",
            "Pesona Negeri",
            False,
        )
    ]
