"""TikTok Studio and Business Center exports from realdata, read in place (never copied).

Every expected figure is computed here from the file itself (the `csv` module, openpyxl), not by
the code under test: totals per column, exact first and last dates, NULL counts where the file
writes `NAN`, `--` or nothing. The module is skipped where the realdata folder is absent.
"""

import csv
import io
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import polars as pl

from tests.conftest import REALDATA, normalize_counted, skip_module_without_realdata
from transforms.context import Account, IngestContext, Normalized

skip_module_without_realdata()

TIKTOK = REALDATA / "tiktok"
ACCOUNT = Account("tiktok", "brand", handle="brand", timezone="Europe/Sofia")
_MISSING = ("NAN", "--", "")


def _normalize(path: Path, as_of: date, account: Account | None = ACCOUNT) -> Normalized:
    ctx = IngestContext(source_name=path.name, as_of=as_of, account=account)
    return normalize_counted(path.read_bytes(), ctx)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _total(rows: list[dict[str, str]], column: str) -> int:
    return sum(int(row[column]) for row in rows if row[column].strip() not in _MISSING)


def _missing(rows: list[dict[str, str]], column: str) -> int:
    return sum(row[column].strip() in _MISSING for row in rows)


def _slashed(text: str) -> date:
    return datetime.strptime(text, "%Y/%m/%d").date()


def _sums(frame: pl.DataFrame, columns: list[str]) -> dict[str, int]:
    return {column: frame[column].sum() for column in columns}


# --- Studio Overview ------------------------------------------------------------------------------


def test_studio_overview_csv_yearless_dates_and_totals() -> None:
    path = TIKTOK / "tiktok_overview_BossZY27.csv"
    rows = _csv(path)
    result = _normalize(path, date(2025, 5, 1))

    assert result.format == "tiktok_overview"
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (7, 7, 0)
    daily = result.tables["account_daily"]
    assert daily["date"].to_list() == [date(2025, 4, 12) + timedelta(n) for n in range(7)]
    expected = {
        "video_views": _total(rows, "Video Views"),
        "profile_visits": _total(rows, "Profile Views"),
        "engagements": sum(_total(rows, h) for h in ("Likes", "Comments", "Shares")),
    }
    assert expected == {"video_views": 7919, "profile_visits": 35, "engagements": 56}
    assert _sums(daily, list(expected)) == expected


def _sheetjs_rows() -> list[tuple[str, ...]]:
    book = openpyxl.load_workbook(TIKTOK / "tiktok_overview_kreyeziz_sheetjs_2024_yearless.xlsx")
    return [
        tuple(str(cell) for cell in row) for row in book.worksheets[0].iter_rows(values_only=True)
    ]


def test_studio_overview_sheetjs_workbook_year_from_the_as_of_date() -> None:
    path = TIKTOK / "tiktok_overview_kreyeziz_sheetjs_2024_yearless.xlsx"
    header, *rows = _sheetjs_rows()
    column = {name: index for index, name in enumerate(header)}
    result = _normalize(path, date(2024, 8, 28))  # a workspace as_of in late August 2024

    assert result.format == "tiktok_overview"
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (60, 60, 0)
    daily = result.tables["account_daily"]
    assert rows[0][0] == "June 24" and rows[-1][0] == "August 22"
    assert daily["date"].to_list() == [date(2024, 6, 24) + timedelta(n) for n in range(60)]

    def total(*names: str) -> int:
        return sum(int(row[column[name]]) for row in rows for name in names)

    expected = {
        "video_views": total("Video Views"),
        "profile_visits": total("Profile Views"),
        "engagements": total("Likes", "Comments", "Shares"),
    }
    assert _sums(daily, list(expected)) == expected
    assert daily["video_views"].null_count() == 0


def test_studio_overview_sheetjs_workbook_ingested_later_takes_the_latest_year() -> None:
    # No date in the file name and no as_of: the run ends on the latest August 22 before today.
    path = TIKTOK / "tiktok_overview_kreyeziz_sheetjs_2024_yearless.xlsx"
    result = _normalize(path, date(2026, 1, 15))

    daily = result.tables["account_daily"]
    assert daily["date"].to_list() == [date(2025, 6, 24) + timedelta(n) for n in range(60)]
    assert any("the run of days ends 2025-08-22" in note for note in result.notes)


# --- Business Center ------------------------------------------------------------------------------


def test_business_overview_slashed_dates_nan_and_every_column() -> None:
    path = TIKTOK / "tiktok_business_overview_vintage_2025_nan.csv"
    rows = _csv(path)
    result = _normalize(path, date(2026, 1, 15))

    assert result.format == "tiktok_overview"
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (62, 62, 0)
    daily = result.tables["account_daily"].sort("date")
    assert daily["date"].to_list() == [_slashed(row["Date"]) for row in rows]
    assert (daily["date"].min(), daily["date"].max()) == (date(2025, 10, 31), date(2025, 12, 31))
    expected = {
        "video_views": _total(rows, "Video views"),
        "reach": _total(rows, "Reached audience"),
        "profile_visits": _total(rows, "Profile views"),
        "engagements": sum(_total(rows, h) for h in ("Likes", "Shares", "Comments")),
        "followers_gained": _total(rows, "New followers"),
        "followers_lost": _total(rows, "Lost followers"),
    }
    assert _sums(daily, list(expected)) == expected
    # 'NAN' = not available: NULL, never 0
    assert daily["reach"].null_count() == _missing(rows, "Reached audience") == 1
    assert daily.filter(pl.col("date") == date(2025, 10, 31))["reach"].to_list() == [None]
    for column in ("followers_gained", "followers_lost", "video_views", "profile_visits"):
        assert daily[column].null_count() == 0
    # net growth is gained - lost in the file, and is not loaded twice
    assert all(
        int(row["Net growth"]) == int(row["New followers"]) - int(row["Lost followers"])
        for row in rows
    )
    assert "followers_total" not in daily.columns and "website_clicks" not in daily.columns
    unused = [note for note in result.notes if "not used" in note]
    assert [note.split("'")[1] for note in unused] == [
        "Phone number clicks",
        "Leads submission",
        "Net growth",
    ]


def test_business_followers_dashes_are_null_not_zero() -> None:
    path = TIKTOK / "tiktok_business_followers_vintage_2025_dashes_nan.csv"
    rows = _csv(path)
    result = _normalize(path, date(2026, 1, 15))

    assert result.format == "tiktok_business_followers"
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (62, 62, 0)
    daily = result.tables["account_daily"].sort("date")
    assert daily["date"].to_list() == [_slashed(row["Date"]) for row in rows]
    assert daily["date"][0] == date(2025, 10, 31) and daily["date"][-1] == date(2025, 12, 31)
    assert daily["followers_total"].null_count() == _missing(rows, "Total followers") == 62
    assert daily["reach"].null_count() == _missing(rows, "Reached audience") == 1
    assert _sums(daily, ["followers_gained", "reach"]) == {
        "followers_gained": _total(rows, "New followers"),
        "reach": _total(rows, "Reached audience"),
    }
    assert any(note.startswith("column 'Engaged audience' not used") for note in result.notes)


def test_business_followers_and_overview_agree_on_shared_columns() -> None:
    overview = _csv(TIKTOK / "tiktok_business_overview_vintage_2025_nan.csv")
    followers = _csv(TIKTOK / "tiktok_business_followers_vintage_2025_dashes_nan.csv")
    loaded = _normalize(
        TIKTOK / "tiktok_business_followers_vintage_2025_dashes_nan.csv", date(2026, 1, 15)
    ).tables["account_daily"]

    by_date = {_slashed(row["Date"]): row for row in overview}
    for row in followers:
        assert row["New followers"] == by_date[_slashed(row["Date"])]["New followers"]
    assert loaded["followers_gained"].sum() == _total(overview, "New followers")


def test_business_content_videos_times_and_favorites() -> None:
    path = TIKTOK / "tiktok_business_content_vintage_2025.csv"
    rows = _csv(path)
    result = _normalize(path, date(2026, 1, 15), account=None)

    assert result.format == "tiktok_content"
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (51, 51, 0)
    posts, metrics = result.tables["post"], result.tables["post_metrics"]
    ids = [row["Video link"].rstrip("/").split("/video/")[1] for row in rows]
    assert posts["post_id"].to_list() == ids
    assert posts["account_id"].unique().to_list() == ["vintagerest.bg"]
    times = [datetime.strptime(row["Post time"], "%Y/%m/%d %H:%M:%S") for row in rows]
    assert posts["published_date"].to_list() == [moment.date() for moment in times]
    assert (posts["published_date"].min(), posts["published_date"].max()) == (
        date(2025, 10, 31),
        date(2025, 12, 31),
    )
    assert posts["published_at"].null_count() == 0
    assert metrics["as_of_date"].unique().to_list() == [date(2026, 1, 15)]
    expected = {
        "video_views": _total(rows, "Video views"),
        "reactions": _total(rows, "Likes"),
        "comments": _total(rows, "Comments"),
        "shares": _total(rows, "Shares"),
        "saves": _total(rows, "Add to Favorites"),
    }
    assert _sums(metrics, list(expected)) == expected
    first = posts.row(0, named=True)
    assert first["text"] == rows[0]["Video title"]
    assert first["permalink"] == rows[0]["Video link"]


def test_business_content_post_time_is_local_time_of_the_account() -> None:
    path = TIKTOK / "tiktok_business_content_vintage_2025.csv"
    rows = _csv(path)
    result = _normalize(path, date(2026, 1, 15), account=None)

    wall = datetime.strptime(rows[0]["Post time"], "%Y/%m/%d %H:%M:%S")
    zone = ZoneInfo("Asia/Jakarta")  # no timezone configured for the handle: the default
    published = result.tables["post"].row(0, named=True)["published_at"]
    assert published == wall.replace(tzinfo=zone).astimezone(ZoneInfo("UTC"))


def test_every_tiktok_file_is_read() -> None:
    # Nothing of the TikTok folder is refused: each file is a known export.
    paths = sorted(TIKTOK.iterdir())
    assert len(paths) == 5  # the four CSV files of test_rows_are_counted_once and one workbook
    for path in paths:
        result = _normalize(path, date(2026, 1, 15))
        assert result.rows_loaded == result.rows_read, path.name
        assert result.rows_quarantined == 0, path.name


def test_rows_are_counted_once() -> None:
    # csv sanity of the independent reader itself: the files hold exactly these records
    counts = {
        path.name: len(list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))) - 1
        for path in sorted(TIKTOK.glob("*.csv"))
    }
    assert counts == {
        "tiktok_business_content_vintage_2025.csv": 51,
        "tiktok_business_followers_vintage_2025_dashes_nan.csv": 62,
        "tiktok_business_overview_vintage_2025_nan.csv": 62,
        "tiktok_overview_BossZY27.csv": 7,
    }
