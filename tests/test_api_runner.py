"""The API runner's planning and the store's API-over-export precedence, on real DuckDB files."""

from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from flows import store
from flows.api.runner import windows
from flows.settings import ApiSource
from transforms.api.envelope import Window
from transforms.context import Normalized
from transforms.schemas import ACCOUNT_DAILY
from transforms.typed import conform

SOURCE = ApiSource("meta", "meta_graph", "META_TOKEN", "http://127.0.0.1:1", {"pages": ("1",)})
TODAY = date(2026, 10, 8)


def test_first_pull_starts_history_days_back_in_windows_of_at_most_window_days() -> None:
    source = ApiSource(**{**SOURCE.__dict__, "history_days": 100, "window_days": 40})
    assert windows(source, None, TODAY, None) == [
        Window(date(2026, 7, 1), date(2026, 8, 9)),
        Window(date(2026, 8, 10), date(2026, 9, 18)),
        Window(date(2026, 9, 19), date(2026, 10, 8)),
    ]


def test_later_pull_starts_lookback_days_before_the_last_pulled_date() -> None:
    assert windows(SOURCE, date(2026, 10, 7), TODAY, None) == [Window(date(2026, 9, 30), TODAY)]


def test_start_date_wins_over_history_and_a_requested_window_stops_at_today() -> None:
    source = ApiSource(**{**SOURCE.__dict__, "start_date": date(2026, 10, 1)})
    assert windows(source, None, TODAY, None) == [Window(date(2026, 10, 1), TODAY)]
    requested = Window(date(2026, 10, 5), date(2026, 12, 31))
    assert windows(SOURCE, date(2026, 10, 7), TODAY, requested) == [
        Window(date(2026, 10, 5), TODAY)
    ]


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = store.connect(tmp_path / "k.duckdb")
    store.apply_schema(connection)
    return connection


def _daily(day: int, reach: int | None, followers: int | None) -> Normalized:
    frame = pl.DataFrame(
        {
            "platform": ["facebook"],
            "account_id": ["1"],
            "date": [date(2026, 10, day)],
            "reach": [reach],
            "followers_total": [followers],
        }
    )
    table = conform(frame, ACCOUNT_DAILY.columns).select(frame.columns)
    empty = pl.DataFrame(
        schema={"sheet": pl.String, "row_number": pl.Int64, "reason": pl.String, "raw": pl.String}
    )
    return Normalized("test", "facebook", {"account_daily": table}, empty, 1, 0)


def _load(con: duckdb.DuckDBPyConnection, result: Normalized, origin: str, name: str) -> int:
    entry = store.LedgerEntry(name, datetime(2026, 10, 8), name, None)
    return store.record_load(con, entry, result, origin=origin)


def _row(con: duckdb.DuckDBPyConnection) -> tuple[object, ...]:
    row = con.execute(
        "select reach, followers_total, load_id from core.account_daily where date = '2026-10-01'"
    ).fetchone()
    assert row is not None
    return tuple(row)


def test_api_replaces_an_export_and_says_so(con: duckdb.DuckDBPyConnection) -> None:
    _load(con, _daily(1, 10, 500), "export", "export-a")
    api = _load(con, _daily(1, 12, None), "api", "api-a")
    assert _row(con) == (12, 500, api)
    note = con.execute("select notes from ops.load where load_id = ?", [api]).fetchone()
    assert note == ("API wins: 1 account_daily rows from exports replaced",)


def test_a_later_export_only_fills_what_the_api_left_null(con: duckdb.DuckDBPyConnection) -> None:
    api = _load(con, _daily(1, 12, None), "api", "api-a")
    export = _load(con, _daily(1, 10, 500), "export", "export-a")
    assert _row(con) == (12, 500, api)
    note = con.execute("select notes from ops.load where load_id = ?", [export]).fetchone()
    assert note == ("API wins: 1 account_daily rows kept from the API (export filled only NULLs)",)


def test_exports_of_days_the_api_never_gave_load_normally(con: duckdb.DuckDBPyConnection) -> None:
    _load(con, _daily(2, 12, None), "api", "api-a")
    export = _load(con, _daily(1, 10, 500), "export", "export-a")
    assert _row(con) == (10, 500, export)
    note = con.execute("select notes from ops.load where load_id = ?", [export]).fetchone()
    assert note == (None,)
