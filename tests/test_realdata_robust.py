"""Real X exports of every layout, and damaged real exports refused or quarantined in one line.

The expected figures are computed here from the files with Python's `csv` module, never through
the code under test. The damaged inputs are small reproducers of the crashes a mutation sweep of
the realdata folder found (`python -m tests.mutations`), plus a seeded sample of that sweep.
"""

import csv
import io
import random
import time
import zipfile
from collections.abc import Callable
from datetime import date, datetime

import openpyxl
import pytest

from tests.conftest import REALDATA, normalize_counted, reasons, skip_module_without_realdata
from tests.mutations import mutate, outcome, realdata_files
from transforms.container.book import read_book
from transforms.container.workbooks import MAX_CELLS
from transforms.context import Account, IngestContext, Normalized
from transforms.errors import InputError

skip_module_without_realdata()

INGESTED = date(2026, 9, 1)
X_2026 = "twitter/x_account_analytics_content_hestys_2026-07-06_2026-08-02.csv"
X_2025 = "twitter/x_account_analytics_content_2024-11-21_2025-02-19.csv"
X_OVERVIEW = "twitter/x_account_overview_analytics_FGSC.csv"


def _normalize_bytes(data: bytes, name: str, account: Account | None = None) -> Normalized:
    ctx = IngestContext(source_name=name, as_of=INGESTED, account=account)
    return normalize_counted(data, ctx)


def _normalize(relative: str, account: Account | None = None) -> Normalized:
    path = REALDATA / relative
    return _normalize_bytes(path.read_bytes(), path.name, account)


def _csv_rows(relative: str) -> list[dict[str, str]]:
    with (REALDATA / relative).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _sum(rows: list[dict[str, str]], *columns: str) -> int:
    return sum(int(row[column]) for row in rows for column in columns)


# --- X content export, 2026 layout ---------------------------------------------------------------


def test_x_content_2026_layout_loads_every_post_with_its_totals() -> None:
    rows = _csv_rows(X_2026)
    result = _normalize(X_2026)

    assert result.format == "x_account_content"
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (len(rows), 201, 0)
    metrics = result.tables["post_metrics"].sort("post_id")
    posts = result.tables["post"].sort("post_id")
    assert sorted(row["Post id"] for row in rows) == metrics["post_id"].to_list()
    assert metrics["post_id"].str.contains(r"^\d{19}$").all()
    assert metrics["as_of_date"].unique().to_list() == [date(2026, 8, 2)]  # the name's end date
    expected = {
        "impressions": _sum(rows, "Impressions"),
        "reactions": _sum(rows, "Likes"),
        "comments": _sum(rows, "Replies"),
        "shares": _sum(rows, "Reposts", "Shares"),
        "saves": _sum(rows, "Bookmarks"),
        "link_clicks": _sum(rows, "URL Clicks"),
        "clicks": _sum(rows, "URL Clicks", "Hashtag Clicks", "Permalink Clicks", "Detail Expands"),
        "profile_visits": _sum(rows, "Profile visits"),
        "follows": _sum(rows, "New follows"),
    }
    assert {name: metrics[name].sum() for name in expected} == expected
    assert all(metrics[name].null_count() == 0 for name in expected)
    published = sorted(
        datetime.strptime(row["Date"], "%a, %b %d, %Y").date() for row in rows
    )  # "Sat, Aug 1, 2026"
    assert sorted(posts["published_date"].to_list()) == published
    assert (published[0], published[-1]) == (date(2026, 7, 8), date(2026, 8, 1))
    assert posts["account_id"].unique().to_list() == ["hestysinvest"]
    assert posts["permalink"].to_list() == sorted(
        (row["Post Link"] for row in rows), key=lambda link: link.rsplit("/", 1)[1]
    )
    assert any("'Engagements'" in note for note in result.notes)


def test_x_content_2025_layout_totals_still_read() -> None:
    rows = _csv_rows(X_2025)
    metrics = _normalize(X_2025).tables["post_metrics"]

    assert metrics.height == len(rows) == 141
    assert metrics["shares"].sum() == _sum(rows, "Reposts", "Share")
    assert metrics["clicks"].sum() == _sum(
        rows, "Url clicks", "Hashtag clicks", "Permalink clicks", "Detail expands"
    )


def test_x_overview_totals_and_unused_columns_named() -> None:
    rows = _csv_rows(X_OVERVIEW)
    result = _normalize(X_OVERVIEW, Account("x", "fgsc"))

    daily = result.tables["account_daily"]
    assert daily.height == len(rows) == 50
    assert daily["impressions"].sum() == _sum(rows, "Impressions")
    assert daily["engagements"].sum() == _sum(rows, "Engagements")
    assert daily["followers_gained"].sum() == _sum(rows, "New follows")
    assert daily["followers_lost"].sum() == _sum(rows, "Unfollows")
    assert daily["posts_published"].sum() == _sum(rows, "Create Post")
    assert daily["video_views"].sum() == _sum(rows, "Video views")
    (note,) = [note for note in result.notes if "not used" in note]
    for column in ("Likes", "Bookmarks", "Shares", "Replies", "Reposts", "Media views"):
        assert f"'{column}'" in note


_HEADER_2026 = (
    "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,"
    "New follows,Replies,Reposts,Profile visits,Detail Expands,URL Clicks,Hashtag Clicks,"
    "Permalink Clicks"
)


def test_x_content_2026_inline_quoted_thousands_and_dates() -> None:
    data = (
        _HEADER_2026 + "\n"
        '2074000000000000001,"Tue, Jul 14, 2026",hi,https://x.com/kanta/status/2074000000000000001,'
        '"122,978",12,300,0,0,0,0,0,129,200,66,0,0\n'
        '2074000000000000002,"Sat, Feb 30, 2026",bad,https://x.com/kanta/status/2074000000000000002,'
        "5,0,0,0,0,0,0,0,0,0,0,0,0\n"
    ).encode()
    result = _normalize_bytes(data, "account_analytics_content_2026-04-27_2026-07-25.csv")

    assert result.tables["post_metrics"].select("impressions", "clicks").rows() == [(122978, 266)]
    assert result.tables["post"]["published_date"].to_list() == [date(2026, 7, 14)]
    ((row, reason),) = reasons(result)
    assert (row, reason.split(";")[0]) == (3, "column 'Date': 'Sat, Feb 30, 2026' is not a date")


def test_x_content_without_an_optional_column_reads_it_as_null() -> None:
    """A trimmed export without `Bookmarks`: saves NULL (not 0, not an internal error)."""
    header = _HEADER_2026.replace(",Bookmarks", "")
    data = (
        header + "\n"
        '2074000000000000001,"Tue, Jul 14, 2026",hi,https://x.com/kanta/status/2074000000000000001,'
        "10,1,2,0,0,0,0,0,0,0,0,0\n"
    ).encode()
    metrics = _normalize_bytes(data, "account_analytics_content.csv").tables["post_metrics"]

    assert metrics.select("saves", "reactions", "impressions").rows() == [(None, 1, 10)]


def test_x_content_without_post_text_loads_with_null_text() -> None:
    header = _HEADER_2026.replace(",Post text", "")
    data = (
        header + "\n"
        '2074000000000000001,"Tue, Jul 14, 2026",https://x.com/kanta/status/2074000000000000001,'
        "10,1,2,0,0,0,0,0,0,0,0,0,0\n"
    ).encode()
    result = _normalize_bytes(data, "account_analytics_content.csv")

    assert result.tables["post"].select("post_id", "text").rows() == [("2074000000000000001", None)]


# --- damaged workbooks: one line in the file's own terms, fast --------------------------------

LINKEDIN_XLS = "linkedin/linkedin_page_NPLF_2020Q2_visitors_updates.xls"
FB_SPREADSHEET_ML = "facebook/fb_insights_post_level_LOK_2017-07-27_spreadsheetml.xls"


def _damaged(relative: str, seed: int, flip: bool) -> bytes:
    """The realdata file cut short, or with a few bytes overwritten (the sweep's mutations)."""
    data = bytearray((REALDATA / relative).read_bytes())
    rng = random.Random(seed)
    if not flip:
        return bytes(data[: rng.randrange(1, len(data))])
    for _ in range(rng.randint(1, 8)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


@pytest.mark.parametrize(("seed", "flip"), [(0, False), (3, True)])
def test_damaged_legacy_xls_is_refused_as_a_damaged_workbook(seed: int, flip: bool) -> None:
    """The reader's own errors were reported as 'internal error (KeyError: 45071)' and the like."""
    with pytest.raises(InputError) as refused:
        read_book(_damaged(LINKEDIN_XLS, seed, flip))
    assert str(refused.value) == (
        "damaged workbook: the legacy Excel (.xls) workbook cannot be read past its damage "
        "(calamine: CalamineError Cannot detect file format); re-export it"
    )


@pytest.mark.parametrize("length", [85258, 84935])
def test_legacy_xls_that_makes_calamine_panic_is_refused_as_a_damaged_workbook(length: int) -> None:
    """Cut short there, calamine's Rust code panics; pyo3 raised that past `except Exception`."""
    data = (REALDATA / LINKEDIN_XLS).read_bytes()[:length]
    with pytest.raises(InputError) as refused:
        read_book(data)
    assert str(refused.value).startswith(
        "damaged workbook: the legacy Excel (.xls) workbook cannot be read past its damage "
        "(calamine: PanicException "
    )
    assert "\n" not in str(refused.value)


def test_xlsx_with_a_broken_sheet_part_is_refused_as_a_damaged_workbook() -> None:
    source = zipfile.ZipFile(
        io.BytesIO((REALDATA / "google_ads/gads_ad_asset_report_GBP_2024_excel.xlsx").read_bytes())
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            body = source.read(name)
            target.writestr(name, body[: len(body) // 2] if "worksheets/sheet" in name else body)

    with pytest.raises(InputError, match=r"^damaged workbook: the XLSX workbook cannot be read"):
        read_book(out.getvalue())


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda data: data[:200] + data[213:],
            "damaged workbook: the XLSX workbook cannot be read past its damage (zip: ValueError "
            "negative seek value -13); re-export it",
        ),
        (
            lambda data: data[:200] + b"\r\n" + data[200:],
            "file is a zip archive but not a readable Excel workbook (Bad magic number for file "
            "header); unzip it or re-export as XLSX or CSV",
        ),
    ],
    ids=["13 bytes lost", "2 bytes inserted"],
)
def test_real_xlsx_with_bytes_lost_or_inserted_is_refused_in_one_line(
    damage: Callable[[bytes], bytes], message: str
) -> None:
    """The mutation sweep's m0 of this file raised `ValueError: negative seek value -13`.

    Bytes lost before the central directory move the members it points to, so zipfile seeks
    before the start of the file for the first one (a worksheet, read for its extent).
    """
    data = (
        REALDATA / "google_analytics/ua_all_web_site_data_pages_2022-07_excel.xlsx"
    ).read_bytes()
    with pytest.raises(InputError) as refused:
        _normalize_bytes(damage(data), "ua_pages.xlsx")
    assert str(refused.value) == message


def _spreadsheet_ml(rows: str) -> bytes:
    return (
        '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        f'<Worksheet ss:Name="Key Metrics"><Table>{rows}</Table></Worksheet></Workbook>'
    ).encode()


_HEADER_ROW = '<Row><Cell><Data ss:Type="String">Date</Data></Cell></Row>'


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            '<Row><Cell ss:Index="1000000000"><Data ss:Type="Number">5</Data></Cell></Row>',
            "damaged workbook: sheet 'Key Metrics' row 2: cell 1 has ss:Index=\"1000000000\" "
            "(must be a whole number from 1 to 16,384)",
        ),
        (
            '<Row ss:Index="1000000000"><Cell><Data ss:Type="Number">5</Data></Cell></Row>',
            "damaged workbook: sheet 'Key Metrics' row 2 has ss:Index=\"1000000000\" "
            "(must be a whole number from 2 to 1,048,576)",
        ),
        (
            '<Row><Cell ss:MergeAcross="1000000000"><Data ss:Type="Number">5</Data></Cell></Row>',
            "damaged workbook: sheet 'Key Metrics' row 2 has ss:MergeAcross=\"1000000000\" "
            "(must be a whole number below 16,384)",
        ),
        (
            '<Row><Cell ss:Index="1.5"><Data ss:Type="Number">5</Data></Cell></Row>',
            "damaged workbook: sheet 'Key Metrics' row 2: cell 1 has ss:Index=\"1.5\" "
            "(must be a whole number from 1 to 16,384)",
        ),
        (
            '<Row ss:Index="500000"><Cell ss:Index="16000"><Data ss:Type="Number">5</Data></Cell>'
            "</Row>",
            "sheet 'Key Metrics' is too large to be an export: 500,000 rows x 16,000 columns "
            f"(at most 1,048,576 rows, 16,384 columns and {MAX_CELLS:,} cells)",
        ),
    ],
)
def test_spreadsheet_ml_absurd_index_is_refused_within_seconds(row: str, message: str) -> None:
    started = time.perf_counter()
    with pytest.raises(InputError) as refused:
        read_book(_spreadsheet_ml(_HEADER_ROW + row))
    assert time.perf_counter() - started < 2
    assert str(refused.value) == message


def test_real_spreadsheet_ml_with_absurd_index_is_refused_alone() -> None:
    data = (
        (REALDATA / FB_SPREADSHEET_ML)
        .read_bytes()
        .replace(b'<Cell ss:StyleID="s25">', b'<Cell ss:Index="1000000000" ss:StyleID="s25">', 1)
    )
    started = time.perf_counter()
    with pytest.raises(InputError, match=r'^damaged workbook: .* ss:Index="1000000000"'):
        _normalize_bytes(data, "fb.xls", Account("facebook", "lok"))
    assert time.perf_counter() - started < 5


def test_spreadsheet_ml_impossible_date_quarantines_its_row() -> None:
    """`datetime.fromisoformat` raised 'day is out of range for month' for the whole file."""
    data = (REALDATA / FB_SPREADSHEET_ML).read_bytes()
    damaged = data.replace(b"2017-07-15T05:30:00.000", b"2017-02-30T05:30:00.000", 1)
    intact = _normalize_bytes(data, "fb.xls", Account("facebook", "lok"))
    result = _normalize_bytes(damaged, "fb.xls", Account("facebook", "lok"))

    assert (intact.rows_quarantined, result.rows_read) == (0, intact.rows_read)
    assert result.quarantine.select("sheet", "row_number").rows() == [("Key Metrics", 4)]
    assert result.quarantine["reason"][0].startswith(
        "column 'Posted': '2017-02-30T05:30:00.000' is not a date and time"
    )


def test_xlsx_with_a_far_away_cell_is_refused_within_seconds() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Date", "Views"])
    sheet.cell(5_000, 16_384).value = 1  # 82 million cells once padded
    buffer = io.BytesIO()
    book.save(buffer)

    started = time.perf_counter()
    with pytest.raises(InputError, match=r"^sheet 'Sheet' is too large to be an export: "):
        read_book(buffer.getvalue())
    assert time.perf_counter() - started < 5


# --- a seeded sample of the mutation sweep ----------------------------------------------------

_SMALL = [
    path for path in realdata_files(REALDATA) if path.stat().st_size < 50_000
]  # the sweep itself (`python -m tests.mutations`) covers every file


@pytest.mark.parametrize("case", range(100))
def test_mutated_real_export_is_read_or_refused_in_one_line(case: int) -> None:
    mutated = mutate(_SMALL[case % len(_SMALL)], 1000 + case // len(_SMALL))
    result = outcome(mutated)
    assert not result.startswith("CRASH"), f"{mutated.label}: {result}"
    assert "\n" not in result
