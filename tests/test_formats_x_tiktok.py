"""Legacy Twitter Analytics and TikTok Studio exports: inline exports and real files read in place.

Real-file sums are computed here with `csv`, independently of the parsers (counts such as
`1938.0` converted by hand), and compared with the canonical frames.
"""

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import REALDATA, needs_realdata, normalize_counted, reasons, xlsx
from transforms.context import Account, IngestContext, Normalized
from transforms.errors import InputError
from transforms.values.calendar_names import INTERFACE_LOCALES, calendar_names

AS_OF = date(2026, 8, 5)
X = Account("x", "ropensci", handle="ropensci")
TIKTOK = Account("tiktok", "bosszy27", handle="bosszy27")
TWEPOCH_MS = 1_288_834_974_657


def _normalize(
    data: bytes | str,
    source_name: str = "export.csv",
    account: Account | None = None,
    as_of: date = AS_OF,
    accounts: tuple[Account, ...] = (),
) -> Normalized:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    ctx = IngestContext(source_name=source_name, as_of=as_of, account=account, accounts=accounts)
    return normalize_counted(raw, ctx)


def _csv_rows(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


def _count(cell: str) -> int:
    """The test's own reading of a legacy count: `1938.0` → 1938."""
    whole, _, fraction = cell.partition(".")
    assert fraction in ("", "0"), cell
    return int(whole)


def _tweet_id(instant: datetime, sequence: int = 0) -> str:
    """A snowflake tweet id created at `instant` (what Twitter encodes in every id)."""
    millis = int(instant.timestamp() * 1000) - TWEPOCH_MS
    return str((millis << 22) + sequence)


# --- legacy tweet activity export: real files ---------------------------------------------------

_ROPENSCI = {
    "tweet_activity_metrics_rOpenSci_20161201_20170101_en.csv": date(2016, 12, 31),
    "tweet_activity_metrics_rOpenSci_20211201_20220101_en.csv": date(2021, 12, 31),
}

# canonical column → the export's columns whose organic values it adds up
_TWEET_MAPPING = {
    "impressions": ("impressions",),
    "reactions": ("likes",),
    "comments": ("replies",),
    "shares": ("retweets",),
    "link_clicks": ("url clicks",),
    "clicks": ("url clicks", "hashtag clicks", "permalink clicks", "detail expands"),
    "profile_visits": ("user profile clicks",),
    "follows": ("follows",),
}


@needs_realdata
@pytest.mark.parametrize(("name", "as_of"), list(_ROPENSCI.items()))
def test_ropensci_tweet_exports_sum_to_their_columns(name: str, as_of: date) -> None:
    path = REALDATA / "twitter" / name
    rows = _csv_rows(path)
    result = _normalize(path.read_bytes(), name)

    assert (result.format, result.platform) == ("x_tweet_activity", "x")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (
        len(rows),
        len(rows),
        0,
    )
    assert result.rows_skipped == 0
    metrics = result.tables["post_metrics"]
    for column, headers in _TWEET_MAPPING.items():
        expected = sum(_count(row[h]) for row in rows for h in headers)
        assert metrics[column].sum() == expected, column
    # not in this export: absent columns load as NULL, never 0
    assert not {"views", "reach", "saves", "video_views"} & set(metrics.columns)
    assert metrics["post_id"].to_list() == [row["Tweet id"] for row in rows]
    assert metrics["as_of_date"].unique().to_list() == [as_of]
    posts = result.tables["post"]
    assert posts["account_id"].unique().to_list() == ["ropensci"]
    assert posts["is_paid"].to_list() == [False] * len(rows)
    assert result.tables["account"].select("account_id", "handle").rows() == [
        ("ropensci", "ropensci")
    ]
    times = [datetime.strptime(row["time"], "%Y-%m-%d %H:%M %z") for row in rows]
    assert posts["published_at"].to_list() == times
    assert result.notes[0] == (
        f"snapshot date {as_of}: the file name's period ends {name.split('_')[5]} (exclusive), "
        "so the counts are as of its last day, never after the ingest date"
    )
    assert result.notes[1].startswith("columns not used by Kunci: 'engagements', 'engagement rate'")


@needs_realdata
def test_ropensci_2016_figures_and_text() -> None:
    name = "tweet_activity_metrics_rOpenSci_20161201_20170101_en.csv"
    result = _normalize((REALDATA / "twitter" / name).read_bytes(), name)
    metrics = result.tables["post_metrics"]

    assert metrics.select(pl.col("impressions", "reactions", "shares").sum()).row(0) == (
        110_828,
        221,
        145,
    )
    posts = result.tables["post"].filter(pl.col("post_id") == "812341199767863296")
    assert posts.select("text", "published_date").row(0) == (
        "New ver. #rstats stplanr https://t.co/kwP5IBNhNa - release notes "
        "https://t.co/NT8YTPMBxv including a new vignette, new fxn, & more",
        date(2016, 12, 23),
    )
    # 18:50 UTC on Dec 23 is 01:50 on Dec 24 in Jakarta, the account's (default) timezone
    late = result.tables["post"].filter(pl.col("post_id") == "812369747765362688")
    assert late["published_date"].to_list() == [date(2016, 12, 24)]


@needs_realdata
def test_ropensci_2021_keeps_19_digit_ids_and_multiline_text() -> None:
    name = "tweet_activity_metrics_rOpenSci_20211201_20220101_en.csv"
    result = _normalize((REALDATA / "twitter" / name).read_bytes(), name)

    posts = result.tables["post"]
    assert posts.schema["post_id"] == pl.String
    assert posts["post_id"].str.contains(r"^\d{19}$").all()
    assert posts["text"].str.contains("\n").sum() == 13
    assert not posts["text"].str.contains("&amp;").any()


@needs_realdata
def test_excel_mangled_tweet_export_is_quarantined_row_by_row() -> None:
    name = "tweet_activity_metrics_USCTrials_excel_mangled.csv"
    path = REALDATA / "twitter" / name
    rows = _csv_rows(path, encoding="cp1252")
    result = _normalize(path.read_bytes(), name)

    assert result.format == "x_tweet_activity"
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (103, 0, 103)
    assert len(rows) == 103
    destroyed = (
        "column 'Tweet id' holds a number in scientific notation (a spreadsheet program rounded "
        "the ID): the ID is lost, re-export without opening the file in a spreadsheet"
    )
    not_a_link = "column 'Tweet permalink' is not a link to a tweet"
    quarantined = result.quarantine["reason"].to_list()
    assert quarantined.count(destroyed) == 3
    assert quarantined.count(f"{destroyed}; {not_a_link}") == 100
    assert result.quarantine["row_number"].n_unique() == 103
    assert result.tables["post"].height == 0
    assert result.tables["post_metrics"].height == 0
    assert result.tables["account"].height == 0
    assert result.notes == (
        "snapshot date is the ingest date (the file name states no date range)",
        "columns not used by Kunci: 'engagements', 'engagement rate'",
    )


# --- legacy tweet activity export: inline ---------------------------------------------------------

_TWEET_HEADER = (
    '"Tweet id","Tweet permalink","Tweet text","time","impressions","engagements",'
    '"engagement rate","retweets","replies","likes","user profile clicks","url clicks",'
    '"hashtag clicks","detail expands","permalink clicks","app opens","app installs","follows",'
    '"email tweet","dial phone","media views","media engagements","promoted impressions",'
    '"promoted engagements","promoted engagement rate","promoted retweets","promoted replies",'
    '"promoted likes","promoted user profile clicks","promoted url clicks",'
    '"promoted hashtag clicks","promoted detail expands","promoted permalink clicks",'
    '"promoted app opens","promoted app installs","promoted follows","promoted email tweet",'
    '"promoted dial phone","promoted media views","promoted media engagements"\n'
)


def _tweet_row(
    tweet_id: str,
    time: str,
    organic: tuple[str, ...] = ("100.0", "9.0", "0.09", "1.0", "2.0", "3.0", "4.0", "5.0"),
    rest: tuple[str, ...] = ("6.0", "7.0", "8.0", "0", "0", "1", "0", "0", "12", "12"),
    promoted: tuple[str, ...] = ("-",) * 18,
    handle: str = "rOpenSci",
    text: str = "Hello &amp; welcome",
) -> str:
    cells = (
        tweet_id,
        f"https://twitter.com/{handle}/status/{tweet_id}",
        text,
        time,
        *organic,
        *rest,
        *promoted,
    )
    return ",".join(f'"{cell}"' for cell in cells) + "\n"


def test_tweet_export_adds_promoted_to_organic_counts() -> None:
    first = _tweet_id(datetime(2016, 12, 23, 18, 50, 15, tzinfo=UTC))
    second = _tweet_id(datetime(2016, 12, 24, 9, 0, 2, tzinfo=UTC))
    promoted = ("1000", "50", "0.05", "10", "0", "20", "3", "30", "1", "2", "4", "0", "0", "7")
    text = (
        _TWEET_HEADER
        + _tweet_row(first, "2016-12-23 18:50 +0000")
        + _tweet_row(second, "2016-12-24 09:00 +0000", promoted=(*promoted, "0", "0", "0", "0"))
    )
    result = _normalize(text, "tweet_activity_metrics_rOpenSci_20161201_20170101_en.csv")

    metrics = result.tables["post_metrics"].drop("platform", "as_of_date")
    assert metrics.select(
        "post_id",
        "impressions",
        "shares",
        "comments",
        "reactions",
        "profile_visits",
        "link_clicks",
        "clicks",
        "follows",
    ).rows() == [
        (first, 100, 1, 2, 3, 4, 5, 5 + 6 + 8 + 7, 1),
        (second, 1100, 11, 2, 23, 7, 35, (5 + 6 + 8 + 7) + (30 + 1 + 4 + 2), 8),
    ]
    assert result.tables["post"]["is_paid"].to_list() == [False, True]
    assert result.tables["post"]["text"].to_list() == ["Hello & welcome"] * 2


def test_tweet_export_old_layout_with_favorites_leaves_missing_columns_null() -> None:
    tweet = _tweet_id(datetime(2016, 7, 9, 3, 21, 0, tzinfo=UTC))
    text = (
        "Tweet id,Tweet permalink,Tweet text,time,impressions,engagements,engagement rate,"
        "retweets,replies,favorites,user profile clicks,url clicks,hashtag clicks\n"
        f"{tweet},https://twitter.com/USCTrials/status/{tweet},Hi,2016-07-09 03:21 +0000,"
        "424,3,0.007075472,1,0,2,0,1,\n"
    )
    result = _normalize(text)

    row = result.tables["post_metrics"].row(0, named=True)
    assert (row["impressions"], row["reactions"], row["shares"], row["link_clicks"]) == (
        424,
        2,
        1,
        1,
    )
    # hashtag clicks is empty and detail expands / permalink clicks / follows are absent
    assert row["clicks"] == 1
    assert row["follows"] is None
    assert result.tables["post"]["is_paid"].to_list() == [None]
    assert result.tables["account"]["account_id"].to_list() == ["usctrials"]


def test_tweet_time_without_offset_is_local_time_and_must_match_the_id() -> None:
    # 10:00 in Los Angeles on 2016-07-09 is 17:00 UTC; the id encodes 17:00:30 UTC.
    tweet = _tweet_id(datetime(2016, 7, 9, 17, 0, 30, tzinfo=UTC))
    edited = _tweet_id(datetime(2015, 9, 30, 18, 42, 11, tzinfo=UTC))
    account = Account("x", "usctrials", handle="usctrials", timezone="America/Los_Angeles")
    text = (
        _TWEET_HEADER
        + _tweet_row(tweet, "2016-07-09 10:00", handle="USCTrials")
        + _tweet_row(edited, "2016-06-20 21:56:23", handle="USCTrials")
    )
    result = _normalize(text, accounts=(account,))

    posts = result.tables["post"]
    assert posts.select("post_id", "published_at", "published_date").rows() == [
        (tweet, datetime(2016, 7, 9, 17, 0, tzinfo=UTC), date(2016, 7, 9))
    ]
    assert reasons(result) == [
        (3, "column 'time' does not match the time encoded in the tweet id (the row was edited)")
    ]


def test_tweet_export_rejects_bad_links_ids_and_counts_and_skips_duplicates() -> None:
    good = _tweet_id(datetime(2021, 12, 28, 16, 45, 10, tzinfo=UTC))
    other = _tweet_id(datetime(2021, 12, 28, 16, 45, 20, tzinfo=UTC))
    mislinked = _tweet_row(good, "2021-12-28 16:45 +0000").replace(
        f"/status/{good}", f"/status/{other}"
    )
    text = (
        _TWEET_HEADER
        + _tweet_row(good, "2021-12-28 16:45 +0000")
        + mislinked
        + _tweet_row(good, "2021-12-28 16:45 +0000", organic=("12a", *("1.0",) * 7))
        + _tweet_row("1.47587E+18", "2021-12-28 16:45 +0000")
        + _tweet_row(good, "2021-12-28 16:45 +0000", organic=("150.0", *("1.0",) * 7))
        + _tweet_row(other, "")
    )
    result = _normalize(text)

    assert reasons(result) == [
        (3, "column 'Tweet permalink' links to another tweet than column 'Tweet id'"),
        (4, "column 'impressions': '12a' is not a whole number"),
        (
            5,
            "column 'Tweet id' holds a number in scientific notation (a spreadsheet program "
            "rounded the ID): the ID is lost, re-export without opening the file in a "
            "spreadsheet; column 'Tweet permalink' is not a link to a tweet",
        ),
        (7, "no time in column 'time'"),
    ]
    assert result.rows_skipped == 1  # the same tweet twice: the last row wins
    assert result.tables["post_metrics"].select("post_id", "impressions").rows() == [(good, 150)]


def test_tweet_snapshot_date_is_capped_by_the_ingest_date() -> None:
    tweet = _tweet_id(datetime(2026, 7, 1, 8, 0, 1, tzinfo=UTC))
    text = _TWEET_HEADER + _tweet_row(tweet, "2026-07-01 08:00 +0000")

    result = _normalize(text, "tweet_activity_metrics_rOpenSci_20260701_20260901_en.csv")

    assert result.tables["post_metrics"]["as_of_date"].to_list() == [AS_OF]
    assert result.notes[0] == (
        f"snapshot date {AS_OF}: the file name's period ends 20260901 (exclusive), so the "
        "counts are as of its last day, never after the ingest date"
    )


def test_tweet_text_unescapes_only_twitters_entities() -> None:
    tweet = _tweet_id(datetime(2016, 12, 1, 18, 0, 5, tzinfo=UTC))
    text = _TWEET_HEADER + _tweet_row(
        tweet, "2016-12-01 18:00 +0000", text="a &lt;b&gt; &amp;lt; &quot;c&quot;"
    )

    result = _normalize(text)

    assert result.tables["post"]["text"].to_list() == ["a <b> &lt; &quot;c&quot;"]


# --- legacy daily tweet activity export ---------------------------------------------------------

_DAILY_HEADER = (
    '"Date","Tweets published","impressions","engagements","engagement rate","retweets",'
    '"replies","likes","user profile clicks","url clicks","hashtag clicks","detail expands",'
    '"permalink clicks","app opens","app installs","follows","email tweet","dial phone",'
    '"media views","media engagements","promoted impressions","promoted engagements",'
    '"promoted engagement rate","promoted retweets","promoted replies","promoted likes",'
    '"promoted user profile clicks","promoted url clicks","promoted hashtag clicks",'
    '"promoted detail expands","promoted permalink clicks","promoted app opens",'
    '"promoted app installs","promoted follows","promoted email tweet","promoted dial phone",'
    '"promoted media views","promoted media engagements"\n'
)


def _daily_row(day: str, values: tuple[str, ...], promoted: tuple[str, ...]) -> str:
    return ",".join(f'"{cell}"' for cell in (day, *values, *promoted)) + "\n"


def test_daily_tweet_export_maps_account_days() -> None:
    organic = ("3", "1500.0", "30.0", "0.02", "4.0", "1.0", "9.0", "5.0", "7.0", "2.0", "3.0")
    tail = ("1.0", "0", "0", "2", "0", "0", "11", "11")
    promoted = ("200", "10", "0.05", "1", "0", "3", "2", "4", "0", "0", "0", "0", "0", "1")
    text = (
        _DAILY_HEADER
        + _daily_row("2016-12-01", (*organic, *tail), ("-",) * 18)
        + _daily_row("12/02/2016", (*organic, *tail), (*promoted, "0", "0", "0", "0"))
        + _daily_row("Dec 3", (*organic, *tail), ("-",) * 18)
    )
    result = _normalize(text, account=X)

    assert result.format == "x_daily_tweet_activity"
    daily = result.tables["account_daily"]
    assert daily.select(
        "account_id",
        "date",
        "posts_published",
        "impressions",
        "engagements",
        "profile_visits",
        "followers_gained",
    ).rows() == [
        ("ropensci", date(2016, 12, 1), 3, 1500, 30, 5, 2),
        ("ropensci", date(2016, 12, 2), 3, 1700, 40, 7, 3),
    ]
    for column in ("website_clicks", "video_views", "followers_lost", "followers_total"):
        assert column not in daily.columns or daily[column].null_count() == 2
    assert reasons(result) == [(4, "column 'Date': 'Dec 3' is not a date; no date")]


def test_daily_tweet_export_without_account_is_refused() -> None:
    text = _DAILY_HEADER + _daily_row("2016-12-01", ("1",) * 19, ("-",) * 18)
    with pytest.raises(InputError, match=r"pass --account x:<id>$"):
        _normalize(text)


# --- TikTok Overview ------------------------------------------------------------------------------


@needs_realdata
def test_tiktok_overview_real_file_sums_to_its_columns() -> None:
    path = REALDATA / "tiktok" / "tiktok_overview_BossZY27.csv"
    rows = _csv_rows(path, encoding="utf-8-sig")
    result = _normalize(path.read_bytes(), path.name, account=TIKTOK, as_of=date(2025, 5, 1))

    assert (result.format, result.platform) == ("tiktok_overview", "tiktok")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (7, 7, 0)
    daily = result.tables["account_daily"]
    assert daily["date"].to_list() == [date(2025, 4, day) for day in range(12, 19)]
    assert daily["account_id"].unique().to_list() == ["bosszy27"]
    sums = {
        "video_views": sum(int(row["Video Views"]) for row in rows),
        "profile_visits": sum(int(row["Profile Views"]) for row in rows),
        "engagements": sum(int(row[h]) for row in rows for h in ("Likes", "Comments", "Shares")),
    }
    assert sums == {"video_views": 7919, "profile_visits": 35, "engagements": 56}
    assert {column: daily[column].sum() for column in sums} == sums
    assert "views" not in daily.columns and "impressions" not in daily.columns
    assert result.notes == (
        "month names of 'Date' read as Indonesian (English read the same dates)",
        "year 2025 of 'Date' dates written without one: the run of days ends 2025-04-18, the "
        "latest such day on or before the as-of date 2025-05-01 (workspace as_of or ingest "
        "date), and each earlier row is the day before the next",
    )


_OVERVIEW_HEADER = '"Date","Video Views","Profile Views","Likes","Comments","Shares"\n'


def test_tiktok_overview_across_new_year_gets_two_years() -> None:
    text = _OVERVIEW_HEADER + (
        '"December 30","10","1","1","0","0"\n'
        '"December 31","20","2","2","1","1"\n'
        '"January 1","30","3","undefined","undefined","undefined"\n'
        '"January 2","undefined","4","4","-1","0"\n'
    )
    result = _normalize(text, account=TIKTOK, as_of=date(2026, 1, 10))

    assert result.tables["account_daily"].select(
        "date", "video_views", "profile_visits", "engagements"
    ).rows() == [
        (date(2025, 12, 30), 10, 1, 1),
        (date(2025, 12, 31), 20, 2, 4),
        (date(2026, 1, 1), 30, 3, None),
        (date(2026, 1, 2), None, 4, 3),
    ]
    assert result.notes == (
        "month names of 'Date' read as English",
        "year 2025, 2026 of 'Date' dates written without one: the run of days ends 2026-01-02, "
        "the latest such day on or before the as-of date 2026-01-10 (workspace as_of or ingest "
        "date), and each earlier row is the day before the next",
    )


def test_tiktok_overview_year_from_file_name_and_period_check() -> None:
    text = _OVERVIEW_HEADER + (
        '"Dec 28","10","1","1","0","0"\n"Jan 3","20","2","2","1","1"\n"Jan 4","5","0","0","0","0"\n'
    )
    result = _normalize(
        text, "Overview_2024-12-28_2025-01-03.csv", account=TIKTOK, as_of=date(2026, 6, 1)
    )

    assert result.tables["account_daily"]["date"].to_list() == [
        date(2024, 12, 28),
        date(2025, 1, 3),
    ]
    assert reasons(result) == [
        (4, "date outside the period 2024-12-28 to 2025-01-03 in the file name")
    ]
    assert result.notes == (
        "month names of 'Date' read as English",
        "year 2024, 2025 of 'Date' dates written without one taken from the file name's end "
        "date 2025-01-03",
    )


def test_tiktok_overview_indonesian_headers_months_and_iso_dates() -> None:
    text = (
        '"Tanggal","Tayangan video","Tayangan profil","Suka","Komentar","Dibagikan"\n'
        '"29 Des","1.591","7","10","1","0"\n'
        '"30 Des","5","0","0","0","0"\n'
        '"31 Des","6","0","0","0","0"\n'
        '"2026-01-01","7","0","0","0","0"\n'
        '"2 Jan","8","1","0","0","0"\n'
        '"12 Mars","9","0","0","0","0"\n'
    )
    result = _normalize(text, account=TIKTOK, as_of=date(2026, 2, 1))

    assert result.tables["account_daily"].select("date", "video_views").rows() == [
        (date(2025, 12, 29), 1591),
        (date(2025, 12, 30), 5),
        (date(2025, 12, 31), 6),
        (date(2026, 1, 1), 7),
        (date(2026, 1, 2), 8),
    ]
    assert reasons(result) == [
        (7, "column 'Tanggal': '12 Mars' is not a date; no date in 'Tanggal'")
    ]
    assert result.notes[0] == "month names of 'Tanggal' read as Indonesian"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("29 Feb", date(2024, 2, 29)),  # the last leap year is two years back
        ("8 Juli 2025", date(2025, 7, 8)),  # a stated year wins
        ("8 Juli", date(2025, 7, 8)),
        ("12 Mei", date(2025, 5, 12)),
        ("17 Agu", date(2025, 8, 17)),
        ("1 Okt", date(2025, 10, 1)),
        ("25 Des", date(2025, 12, 25)),
        ("Nop 3", date(2025, 11, 3)),  # TikTok's Indonesian spellings
        ("12 Sept", date(2025, 9, 12)),
        ("1 Peb", date(2025, 2, 1)),
        ("Agus. 9", date(2025, 8, 9)),
        ("9 Agt", date(2025, 8, 9)),
        ("April 12", date(2025, 4, 12)),
        ("28 May", date(2025, 5, 28)),
        ("8 de marzo", date(2025, 3, 8)),  # Spanish
        ("8 de mar. de 2024", date(2024, 3, 8)),
        ("8 de março", date(2025, 3, 8)),  # Portuguese
        ("8 de mar.", date(2025, 3, 8)),
        ("8 mars", date(2025, 3, 8)),  # French
        ("1 janv.", date(2026, 1, 1)),
        ("8. März", date(2025, 3, 8)),  # German
        ("8 thg 3", date(2025, 3, 8)),  # Vietnamese
        ("8 tháng 12", date(2025, 12, 8)),
        ("28 апреля", date(2025, 4, 28)),  # Russian, genitive as TikTok writes it
        ("3月8日", date(2025, 3, 8)),  # Japanese / Chinese
        ("3월 8일", date(2025, 3, 8)),  # Korean
        ("8 ม.ค.", date(2026, 1, 8)),  # Thai
        ("8 Mart", date(2025, 3, 8)),  # Turkish
    ],
)
def test_tiktok_overview_dates_in_interface_languages(cell: str, expected: date) -> None:
    text = _OVERVIEW_HEADER + f'"{cell}","1","0","0","0","0"\n'
    result = _normalize(text, account=TIKTOK, as_of=date(2026, 1, 10))

    assert result.tables["account_daily"]["date"].to_list() == [expected]


def test_tiktok_overview_spanish_interface_loads_every_row() -> None:
    # The file: a Spanish interface writes "8 de marzo"; every row was quarantined.
    days = ("8 de marzo", "9 de marzo", "10 de marzo", "11 de marzo")
    text = _OVERVIEW_HEADER + "".join(
        f'"{day}","{n}","1","1","0","0"\n' for n, day in enumerate(days)
    )
    result = _normalize(text, account=TIKTOK, as_of=date(2026, 3, 20))

    assert (result.rows_loaded, result.rows_quarantined) == (4, 0)
    assert result.tables["account_daily"]["date"].to_list() == [
        date(2026, 3, day) for day in range(8, 12)
    ]
    assert result.notes[0] == "month names of 'Date' read as Spanish"


def test_tiktok_overview_month_name_of_two_languages_is_not_guessed() -> None:
    # `lip` is July in Polish and June in Croatian; `lis` November and October.
    text = _OVERVIEW_HEADER + '"8 lip","1","0","0","0","0"\n"9 lip","2","0","0","0","0"\n'
    result = _normalize(text, account=TIKTOK, as_of=date(2026, 1, 10))

    assert result.rows_loaded == 0
    assert reasons(result)[0] == (
        2,
        "'8 lip' is July 8 in Polish but June 8 in Croatian: the export's language cannot be "
        "told from its dates; no date in 'Date'",
    )


def test_tiktok_yearless_run_with_leap_day_and_broken_rows() -> None:
    text = _OVERVIEW_HEADER + (
        '"Feb 27","1","0","0","0","0"\n'
        '"Feb 28","2","0","0","0","0"\n'
        '"Feb 29","3","0","0","0","0"\n'
        '"Feb 28","4","0","0","0","0"\n'  # listed again, apart from its place
        '"Mar 1","5","0","0","0","0"\n'
        '"Jul 4","6","0","0","0","0"\n'  # out of the run
        '"Mar 2","7","0","0","0","0"\n'
    )
    result = _normalize(text, account=TIKTOK, as_of=date(2026, 1, 10))

    assert result.tables["account_daily"].select("date", "video_views").rows() == [
        (date(2024, 2, 27), 1),
        (date(2024, 2, 28), 2),
        (date(2024, 2, 29), 3),
        (date(2024, 3, 1), 5),
        (date(2024, 3, 2), 7),
    ]
    assert [row for row, _ in reasons(result)] == [5, 7]
    assert "'Feb 28' in 'Date' is listed again" in reasons(result)[0][1]
    assert reasons(result)[1] == (
        7,
        "'Jul 4' in 'Date' is out of the run of consecutive days the other rows form, so the "
        "year of this date written without one cannot be told; no date in 'Date'",
    )


def test_tiktok_overview_without_account_is_refused() -> None:
    with pytest.raises(InputError, match=r"pass --account tiktok:<id>$"):
        _normalize(_OVERVIEW_HEADER + '"April 12","1","1","1","1","1"\n')


# --- TikTok Content -----------------------------------------------------------------------------

_CONTENT_HEADER = (
    '"Time","Video title","Video link","Post time","Total likes","Total comments",'
    '"Total shares","Total views"\n'
)
_LINK = "https://www.tiktok.com/@bosszy27/video/"


def test_tiktok_content_maps_videos_and_snapshot_from_time() -> None:
    text = _CONTENT_HEADER + (
        f'"January 3","Hi","{_LINK}7672373276106181908","December 30","5,431","24","461","289568"\n'
        f'"January 3","Yo","{_LINK}7672373276106181909","2 January","undefined","1","2","100"\n'
    )
    result = _normalize(text, "Content.csv", account=TIKTOK, as_of=date(2026, 5, 1))

    assert result.format == "tiktok_content"
    assert result.tables["post"].select(
        "post_id", "account_id", "published_date", "published_at", "content_type", "text"
    ).rows() == [
        ("7672373276106181908", "bosszy27", date(2025, 12, 30), None, "video", "Hi"),
        ("7672373276106181909", "bosszy27", date(2026, 1, 2), None, "video", "Yo"),
    ]
    metrics = result.tables["post_metrics"]
    assert metrics.select(
        "as_of_date", "reactions", "comments", "shares", "video_views"
    ).rows() == [
        (date(2026, 1, 3), 5431, 24, 461, 289568),
        (date(2026, 1, 3), None, 1, 2, 100),
    ]
    assert "views" not in metrics.columns and "impressions" not in metrics.columns
    assert result.notes == (
        "snapshot date from column 'Time'",
        "year 2026 of 'Time' dates written without one taken from the as-of date 2026-05-01 "
        "(workspace as_of or ingest date)",
        "year 2025, 2026 of 'Post time' dates written without one taken from the snapshot date "
        "(the latest year not after it)",
        "month names of 'Time' read as English",
        "month names of 'Post time' read as English",
    )


def test_tiktok_content_ids_times_and_accounts() -> None:
    text = (
        '"Video title","Video link","Video ID","Post time","Total likes","Total comments",'
        '"Total shares","Total views"\n'
        f'"a","{_LINK}7001","7001","2025-04-12 09:30:00","1","0","0","10"\n'
        f'"b","https://www.tiktok.com/@other/video/7002","7002","2025-04-13","1","0","0","20"\n'
        f'"c","{_LINK}7003","7999","2025-04-13","1","0","0","30"\n'
        '"d","","7.00E+18","2025-04-13","1","0","0","40"\n'
        '"e","","7005","2025-04-14","1","0","0","50"\n'
        f'"f","{_LINK}7006","","","1","0","0","60"\n'
        f'"g","{_LINK}7007","7.00E+18","2025-04-15","1","0","0","70"\n'
    )
    result = _normalize(text, "Content_2025-04-01_2025-04-20.csv", account=TIKTOK)

    assert result.tables["post"].select(
        "post_id", "account_id", "published_at", "published_date"
    ).rows() == [
        ("7001", "bosszy27", datetime(2025, 4, 12, 2, 30, tzinfo=UTC), date(2025, 4, 12)),
        ("7002", "other", None, date(2025, 4, 13)),
        ("7005", "bosszy27", None, date(2025, 4, 14)),
        ("7007", "bosszy27", None, date(2025, 4, 15)),  # the link keeps the id Excel destroyed
    ]
    assert result.tables["post_metrics"]["as_of_date"].unique().to_list() == [date(2025, 4, 20)]
    assert sorted(result.tables["account"]["account_id"].to_list()) == ["bosszy27", "other"]
    assert reasons(result) == [
        (4, "column 'Video ID' does not match the video in 'Video link'"),
        (
            5,
            "column 'Video ID' holds a number in scientific notation (a spreadsheet program "
            "rounded the ID): the ID is lost",
        ),
        (7, "no date in 'Post time'"),
    ]
    assert result.notes == ("snapshot date taken from the file name's end date",)


# --- TikTok Followers ---------------------------------------------------------------------------


def test_tiktok_follower_history_gives_totals_only() -> None:
    text = (
        "Date,Followers,Difference in followers from previous day\n"
        "December 30,undefined,0\nDecember 31,10,0\nJanuary 1,9,-1\nJanuary 2,x,0\n"
    )
    result = _normalize(text, account=TIKTOK, as_of=date(2026, 1, 5))

    assert result.format == "tiktok_follower_history"
    daily = result.tables["account_daily"]
    assert daily.select("date", "followers_total").rows() == [
        (date(2025, 12, 30), None),
        (date(2025, 12, 31), 10),
        (date(2026, 1, 1), 9),
    ]
    assert set(daily.columns) == {"platform", "account_id", "date", "followers_total"}
    assert reasons(result) == [(5, "column 'Followers': 'x' is not a whole number")]


def test_tiktok_follower_activity_by_weekday_and_hour() -> None:
    text = (
        "Date,Hour,Active followers\n"
        "April 12,0,5\nApril 12,13:00,40\nApril 13,23,7\nApril 13,24,1\n"
    )
    result = _normalize(text, account=TIKTOK, as_of=date(2025, 5, 1))

    assert result.format == "tiktok_follower_activity"
    assert result.tables["audience_activity"].drop("platform").rows() == [
        ("bosszy27", date(2025, 4, 12), 6, 0, 5),
        ("bosszy27", date(2025, 4, 12), 6, 13, 40),
        ("bosszy27", date(2025, 4, 13), 7, 23, 7),
    ]
    assert reasons(result) == [
        (5, "column 'Hour': '24' is not a whole hour (0-23); no hour in 'Hour'")
    ]


def test_tiktok_follower_gender_and_territories_are_shares() -> None:
    gender = _normalize(
        "Gender,Distribution\nMale,55%\nFemale,0.44\nOther,1%\nUnknown,120%\n",
        "FollowerGender.csv",
        account=TIKTOK,
    )
    territories = _normalize(
        "Top territories,Distribution\nDE,0.125\nXK,0.055\nOthers,0.82\n",
        "FollowerTopTerritories_2025-04-18.csv",
        account=TIKTOK,
    )

    assert gender.tables["audience"].drop("platform", "account_id").rows() == [
        (AS_OF, "followers", "gender", "male", None, 0.55),
        (AS_OF, "followers", "gender", "female", None, 0.44),
        (AS_OF, "followers", "gender", "other", None, 0.01),
    ]
    assert reasons(gender) == [(5, "column 'Distribution' is not a share between 0 and 100%")]
    assert territories.tables["audience"].select(
        "as_of_date", "dimension", "bucket", "share"
    ).rows() == [
        (date(2025, 4, 18), "country", "DE", 0.125),
        (date(2025, 4, 18), "country", "XK", 0.055),
        (date(2025, 4, 18), "country", "Others", 0.82),
    ]
    assert territories.notes == ("snapshot date taken from the file name's end date",)


# --- TikTok workbook ------------------------------------------------------------------------------


def test_tiktok_workbook_reads_every_sheet_into_one_load() -> None:
    data = xlsx(
        {
            "Overview": [
                ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"],
                [datetime(2025, 4, 12), 1591, 7, 10, 1, 0],
                ["April 13", 1154, 1, 5, 0, 0],
            ],
            "Content": [
                [
                    "Time",
                    "Video title",
                    "Video link",
                    "Post time",
                    "Total likes",
                    "Total comments",
                    "Total shares",
                    "Total views",
                ],
                ["April 13", "Hi", f"{_LINK}7001", "April 12", 10, 1, 0, 1591],
            ],
            "Viewers": [
                ["Date", "Total Viewers", "New Viewers", "Returning Viewers"],
                ["April 12", 8, 5, 3],
            ],
            "FollowerHistory": [
                ["Date", "Followers", "Difference in followers from previous day"],
                ["April 12", 100, 2],
                ["April 13", 103, 3],
            ],
            "FollowerActivity": [["Date", "Hour", "Active followers"], ["April 13", 20, 44]],
            "FollowerGender": [["Gender", "Distribution"], ["Female", 0.6], ["Male", 0.4]],
            "FollowerTopTerritories": [["Top territories", "Distribution"], ["ID", 0.9]],
        }
    )
    result = _normalize(data, "tiktok.xlsx", account=TIKTOK, as_of=date(2025, 4, 14))

    assert result.format == (
        "tiktok_overview+tiktok_content+tiktok_viewers+tiktok_follower_history"
        "+tiktok_follower_activity+tiktok_follower_gender+tiktok_follower_territories"
    )
    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (10, 10, 0)
    daily = result.tables["account_daily"]
    assert daily.select(
        "date", "video_views", "engagements", "followers_total", "reach"
    ).rows() == [
        (date(2025, 4, 12), 1591, 11, 100, 8),
        (date(2025, 4, 13), 1154, 5, 103, None),
    ]
    assert result.tables["post_metrics"].select("post_id", "as_of_date", "video_views").rows() == [
        ("7001", date(2025, 4, 13), 1591)
    ]
    assert result.tables["audience_activity"]["day_of_week"].to_list() == [7]
    assert result.tables["audience"].select("dimension", "bucket", "share").rows() == [
        ("gender", "female", 0.6),
        ("gender", "male", 0.4),
        ("country", "ID", 0.9),
    ]
    assert result.tables["account"]["account_id"].to_list() == ["bosszy27"]


def test_tiktok_overview_of_365_yearless_days_ingested_five_months_later() -> None:
    # A year of days exported on 2025-08-31 and ingested on 2026-01-31: every day exact, the run
    # crossing New Year gets two years (the old rule put most of it a year late).
    first = date(2024, 9, 1)
    days = [first + timedelta(n) for n in range(365)]
    assert days[-1] == date(2025, 8, 31)
    text = _OVERVIEW_HEADER + "".join(
        f'"{day.strftime("%B")} {day.day}","{n}","1","0","0","0"\n' for n, day in enumerate(days)
    )
    result = _normalize(text, account=TIKTOK, as_of=date(2026, 1, 31))

    assert (result.rows_loaded, result.rows_quarantined) == (365, 0)
    daily = result.tables["account_daily"]
    assert daily["date"].to_list() == days
    assert daily["video_views"].to_list() == list(range(365))
    assert result.notes[1] == (
        "year 2024, 2025 of 'Date' dates written without one: the run of days ends 2025-08-31, "
        "the latest such day on or before the as-of date 2026-01-31 (workspace as_of or ingest "
        "date), and each earlier row is the day before the next"
    )


def test_tiktok_yearless_run_newest_first_and_in_indonesian() -> None:
    days = ("2 Januari", "1 Januari", "31 Desember", "30 Desember")
    text = "Date,Followers,Difference in followers from previous day\n" + "".join(
        f"{day},{10 - n},1\n" for n, day in enumerate(days)
    )
    result = _normalize(text, account=TIKTOK, as_of=date(2026, 6, 1))

    assert result.tables["account_daily"].select("date", "followers_total").rows() == [
        (date(2026, 1, 2), 10),
        (date(2026, 1, 1), 9),
        (date(2025, 12, 31), 8),
        (date(2025, 12, 30), 7),
    ]
    assert result.notes[0] == "month names of 'Date' read as Indonesian"


def test_tiktok_follower_activity_by_hour_across_new_year() -> None:
    text = "Date,Hour,Active followers\n" + "".join(
        f"{day},{hour},{hour}\n" for day in ("Dec 31", "Jan 1") for hour in (0, 23)
    )
    result = _normalize(text, account=TIKTOK, as_of=date(2026, 3, 1))

    assert result.tables["audience_activity"]["as_of_date"].to_list() == [
        date(2025, 12, 31),
        date(2025, 12, 31),
        date(2026, 1, 1),
        date(2026, 1, 1),
    ]
    assert result.rows_skipped == 0


def test_tiktok_overview_repeated_day_is_skipped_with_a_note() -> None:
    text = _OVERVIEW_HEADER + (
        '"April 12","1","0","0","0","0"\n"April 13","2","0","0","0","0"\n'
        '"April 13","3","0","0","0","0"\n'
    )
    result = _normalize(text, account=TIKTOK, as_of=date(2025, 5, 1))

    assert (result.rows_loaded, result.rows_skipped) == (2, 1)
    assert result.tables["account_daily"]["video_views"].to_list() == [1, 3]
    assert result.notes[-1] == (
        "1 row(s) repeat a date of 'Date' already listed: the last row of each date is kept, "
        "the others are counted as skipped"
    )


def test_tiktok_business_overview_nan_and_slashed_dates() -> None:
    text = (
        "\ufeffDate,Video views,Reached audience,Profile views,Likes,Shares,Comments,"
        "Phone number clicks ,Leads submission,Net growth,New followers,Lost followers\n"
        "2025/12/31,715,NAN,25,26,4,7,0,0,10,10,0\n"
        "2026/01/01,100,90,5,1,1,1,0,0,-1,1,2\n"
    )
    result = _normalize(text, account=TIKTOK)

    assert result.tables["account_daily"].select(
        "date", "video_views", "reach", "engagements", "followers_gained", "followers_lost"
    ).rows() == [
        (date(2025, 12, 31), 715, None, 37, 10, 0),
        (date(2026, 1, 1), 100, 90, 3, 1, 2),
    ]


def test_tiktok_studio_overview_new_followers_is_net_change_and_not_used() -> None:
    # Newer Studio Overviews add "New followers", the day's net change (it can be negative).
    text = (
        '"Date","Video Views","Profile Views","Likes","Comments","Shares","New followers"\n'
        '"16 July","31185","277","39","64","1","112"\n"17 July","80","0","3","0","0","-4"\n'
    )
    result = _normalize(text, account=TIKTOK, as_of=date(2026, 7, 28))

    daily = result.tables["account_daily"]
    assert "followers_gained" not in daily.columns and "followers_lost" not in daily.columns
    assert result.notes[-1] == (
        "column 'New followers' not used: without 'Lost followers' it is the net change of the "
        "day (it can be negative), which Kunci derives from follower totals"
    )


def test_indonesian_and_english_month_names_mean_one_month_in_every_interface_language() -> None:
    # `read_named_dates` takes Indonesian or English without loading the other languages when
    # one of them reads a whole column: that is safe only while this holds.
    sure = {
        name: month
        for locale in ("id", "en")
        for name, month in calendar_names(locale).months.items()
    }
    clashes = [
        (name, locale)
        for locale in INTERFACE_LOCALES
        for name, month in calendar_names(locale).months.items()
        if sure.get(name, month) != month
    ]
    assert clashes == []
    assert len(INTERFACE_LOCALES) >= 40


def test_tiktok_overview_period_given_for_the_input_places_yearless_days() -> None:
    text = _OVERVIEW_HEADER + '"Dec 31","1","0","0","0","0"\n"Jan 1","2","0","0","0","0"\n'
    ctx = IngestContext(
        source_name="Overview.csv",
        as_of=date(2026, 11, 1),
        account=TIKTOK,
        period=(date(2024, 12, 31), date(2025, 1, 1)),
    )
    result = normalize_counted(text.encode(), ctx)

    assert result.tables["account_daily"]["date"].to_list() == [
        date(2024, 12, 31),
        date(2025, 1, 1),
    ]
    assert result.notes[-1] == (
        "year 2024, 2025 of 'Date' dates written without one taken from the period 2024-12-31 "
        "to 2025-01-01 given for the input"
    )
