"""The API runner's planning and the store's API-over-export precedence, on real DuckDB files."""

from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import duckdb
import polars as pl
import pytest

from flows.api import runner
from flows.api.runner import windows
from flows.api.streams import Stream
from flows.config.settings import ApiSource
from flows.load import store
from transforms.api.envelope import Window
from transforms.canonical.schemas import ACCOUNT_DAILY, POST
from transforms.canonical.typed import conform
from transforms.context import Account, Normalized

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


def test_a_pull_the_database_refuses_fails_alone_and_the_next_pull_loads(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = conform(
        pl.DataFrame(
            {
                "platform": ["facebook"],
                "post_id": ["1_2"],
                "account_id": ["1"],
                "content_type": ["bogus"],  # core.post's check refuses it inside the transaction
            }
        ),
        POST.columns,
    )
    good = _daily(1, 100, 10)
    answers = iter([Normalized("test", "facebook", {"post": bad}, good.quarantine, 1, 1), good])
    monkeypatch.setattr(
        runner, "mapping", lambda kind: SimpleNamespace(normalize=lambda *a: next(answers))
    )
    plans = [
        runner.Plan(SOURCE, Stream(name, "pages"), "1", Account("facebook", "1"), Window(d, d))
        for name, d in (("page_posts", date(2026, 10, 1)), ("page_insights", date(2026, 10, 2)))
    ]
    refused, loaded = (runner.load(con, runner.Pulled(plan)) for plan in plans)
    assert refused.status == "failed"
    assert refused.error is not None and "CHECK constraint failed" in refused.error
    assert loaded.status == "loaded"  # never "Current transaction is aborted"
    assert _row(con) == (100, 10, loaded.load_id)
    assert con.execute("select count(*) from core.post").fetchone() == (0,)
