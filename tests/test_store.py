"""The store on real DuckDB files: schema versions, idempotent loads, accounting, atomicity."""

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
from polars.exceptions import PanicException

from flows.config.settings import REPO_ROOT as REPO
from flows.config.settings import SQL_DIR, Settings
from flows.load import reading, store
from flows.load.ingest import ingest_file
from flows.load.inputs import InputFile
from transforms.context import Account

X = Account("x", "wisatanusantara", handle="wisatanusantara", brand="Wisata Nusantara")
SETTINGS = Settings("test", "Asia/Jakarta", (X,), (), None, as_of=date(2026, 10, 8))

CONTENT = (
    "Post id,Date,Post text,Link,Impressions,Likes,Engagements,Bookmarks,Share,New follows,"
    "Replies,Reposts,Profile visits,Detail expands,Url clicks,Hashtag clicks,Permalink clicks\r\n"
    "1900000000000000002,Tue Sep 01 2026,Halo,https://x.com/wisatanusantara/status/1900000000000000002,"
    "100,5,9,1,0,0,2,1,0,0,1,0,0\r\n"
    "1900000000000000001,Mon Aug 31 2026,Pagi,https://x.com/wisatanusantara/status/1900000000000000001,"
    "12x,3,4,0,0,0,1,0,0,0,0,0,0\r\n"
    "1900000000000000002,Tue Sep 01 2026,Halo,https://x.com/wisatanusantara/status/1900000000000000002,"
    "100,5,9,1,0,0,2,1,0,0,1,0,0\r\n"
    "\r\n"
)


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = store.connect(tmp_path / "k.duckdb")
    store.apply_schema(connection)
    store.upsert_accounts(connection, SETTINGS.accounts)
    return connection


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"select count(*) from {table}").fetchone()
    assert row is not None
    return int(row[0])


def test_schema_applies_once_and_records_its_version(tmp_path: Path) -> None:
    latest = len(list((REPO / "sql" / "core").glob("[0-9][0-9][0-9]_*.sql")))
    con = store.connect(tmp_path / "k.duckdb")
    assert store.apply_schema(con) == latest
    assert store.apply_schema(con) == latest
    assert _count(con, "ops.schema_version") == latest


def test_upgrade_keeps_quarantine_rows_of_an_older_database(tmp_path: Path) -> None:
    core = tmp_path / "core"
    core.mkdir()
    for path in sorted((REPO / "sql" / "core").glob("00[12]_*.sql")):
        (core / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    con = store.connect(tmp_path / "k.duckdb")
    assert store.apply_schema(con, core) == 2
    con.execute("insert into ops.quarantine values (7, 3, 'bad value', '{}')")
    assert store.apply_schema(con) > 2
    row = con.execute("select load_id, sheet, row_number, reason from ops.quarantine").fetchone()
    assert row == (7, "", 3, "bad value")


def test_load_accounts_for_every_row(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = _write(tmp_path, "account_analytics_content_2026-08-31_2026-09-02.csv", CONTENT)
    outcome = ingest_file(con, InputFile(path), SETTINGS, tmp_path / "raw")

    assert (outcome.status, outcome.rows_read) == ("loaded", 4)
    assert (outcome.rows_loaded, outcome.rows_quarantined, outcome.rows_skipped) == (1, 1, 2)
    ledger = con.execute(
        "select rows_read, rows_loaded + rows_quarantined + rows_skipped from ops.load"
    ).fetchall()
    assert ledger == [(4, 4)]
    reason = con.execute("select row_number, reason from ops.quarantine").fetchall()
    assert reason == [(3, "column 'Impressions': '12x' is not a whole number")]
    assert con.execute(
        "select post_id, impressions, as_of_date from core.post_metrics"
    ).fetchall() == [("1900000000000000002", 100, date(2026, 9, 2))]


def test_same_file_twice_changes_nothing(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = _write(tmp_path, "account_analytics_content_2026-08-31_2026-09-02.csv", CONTENT)
    first = ingest_file(con, InputFile(path), SETTINGS, tmp_path / "raw")
    tables = ("core.post", "core.post_metrics", "ops.load", "ops.quarantine", "core.account")
    before = {t: con.execute(f"select * from {t} order by all").fetchall() for t in tables}

    copy = _write(tmp_path, "renamed.csv", CONTENT)
    second = ingest_file(con, InputFile(copy), SETTINGS, tmp_path / "raw")

    assert (second.status, second.load_id) == ("skipped", first.load_id)
    assert {t: con.execute(f"select * from {t} order by all").fetchall() for t in tables} == before
    raw_files = [p for p in (tmp_path / "raw").rglob("*") if p.is_file()]
    assert len(raw_files) == 1 and raw_files[0].read_bytes() == CONTENT.encode()


def test_a_later_export_updates_only_the_columns_it_provides(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    followers = _write(
        tmp_path,
        "f.csv",
        'sep=,\n"Instagram followers"\n"Date","Primary"\n"2026-09-01T00:00:00","500"\n',
    )
    reach = _write(
        tmp_path,
        "r.csv",
        'sep=,\n"Instagram reach"\n"Date","Primary"\n"2026-09-01T00:00:00","80"\n',
    )
    ig = InputFile(followers, Account("instagram", "1784"))
    ingest_file(con, ig, SETTINGS, tmp_path / "raw")
    ingest_file(con, InputFile(reach, ig.account), SETTINGS, tmp_path / "raw")
    assert con.execute(
        "select followers_total, reach from core.account_daily where account_id = '1784'"
    ).fetchall() == [(500, 80)]


def test_failed_write_leaves_nothing_partial(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, "account_analytics_content_2026-08-31_2026-09-02.csv", CONTENT)
    real_upsert = store._upsert

    def upsert_then_fail(con: duckdb.DuckDBPyConnection, table: str, *args: object) -> None:
        real_upsert(con, table, *args)  # type: ignore[arg-type]
        if table == "post":
            raise OSError("disk full")

    monkeypatch.setattr(store, "_upsert", upsert_then_fail)
    with pytest.raises(OSError, match="disk full"):
        ingest_file(con, InputFile(path), SETTINGS, tmp_path / "raw")
    assert [_count(con, t) for t in ("core.post", "core.post_metrics", "ops.load")] == [0, 0, 0]


def test_configured_account_attributes_win(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = _write(tmp_path, "account_analytics_content_2026-08-31_2026-09-02.csv", CONTENT)
    ingest_file(con, InputFile(path), SETTINGS, tmp_path / "raw")
    assert con.execute(
        "select account_id, brand, is_own, load_id from core.account"
    ).fetchall() == [("wisatanusantara", "Wisata Nusantara", True, 1)]


def test_an_engine_panic_fails_that_input_alone(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def panic(*_args: object) -> None:
        raise PanicException("assertion failed: i < self.len()")

    path = _write(tmp_path, "account_analytics_content_2026-08-31_2026-09-02.csv", CONTENT)
    monkeypatch.setattr(reading, "normalize_file", panic)
    outcome = ingest_file(con, InputFile(path), SETTINGS, tmp_path / "raw")
    assert outcome.status == "failed"
    assert outcome.error is not None and "polars engine" in outcome.error
    assert "\n" not in outcome.error
    monkeypatch.undo()
    assert _count(con, "core.post") == 0
    assert con.execute("select load_id, status, error from ops.load").fetchall() == [
        (outcome.load_id, "failed", outcome.error)
    ]
    # The next input loads as usual (the same bytes too: a failed load is not "already loaded").
    again = ingest_file(con, InputFile(path), SETTINGS, tmp_path / "raw")
    assert (again.status, again.rows_loaded) == ("loaded", 1)


def test_a_ddl_file_that_lands_late_is_still_applied(tmp_path: Path) -> None:
    ddl = tmp_path / "ddl"
    ddl.mkdir()
    (ddl / "001_ops.sql").write_text((REPO / "sql" / "core" / "001_ops.sql").read_text())
    (ddl / "003_late.sql").write_text("create table ops.third (x integer);")
    con = store.connect(tmp_path / "k.duckdb")
    assert store.apply_schema(con, ddl) == 3
    (ddl / "002_second.sql").write_text("create table ops.second (x integer);")
    assert store.apply_schema(con, ddl) == 3
    versions = con.execute("select version from ops.schema_version order by version").fetchall()
    assert versions == [(1,), (2,), (3,)]
    assert _count(con, "ops.second") == 0


def test_the_same_bytes_bound_to_two_accounts_load_for_each(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = _write(tmp_path, "account_analytics_content_2026-08-31_2026-09-02.csv", CONTENT)
    other = Account("x", "pesonanegeri", handle="pesonanegeri")
    first = ingest_file(con, InputFile(path, X), SETTINGS, tmp_path / "raw")
    second = ingest_file(con, InputFile(path, other), SETTINGS, tmp_path / "raw")
    again = ingest_file(con, InputFile(path, other), SETTINGS, tmp_path / "raw")

    assert (first.status, second.status) == ("loaded", "loaded")
    assert (again.status, again.load_id) == ("skipped", second.load_id)
    bound = con.execute("select bound_account from ops.load order by load_id").fetchall()
    assert bound == [("x:wisatanusantara",), ("x:pesonanegeri",)]


def test_migration_011_lets_a_youtube_short_be_stored_and_keeps_the_posts(tmp_path: Path) -> None:
    """002's check left out `short` (DESIGN.md lists it): 011 rebuilds core.post with it."""
    before = tmp_path / "before"
    before.mkdir()
    for path in (SQL_DIR / "core").glob("0*.sql"):
        if int(path.name[:3]) <= 10:
            (before / path.name).write_bytes(path.read_bytes())
    con = store.connect(tmp_path / "k.duckdb")
    try:
        assert store.apply_schema(con, before) == 10
        row = "insert into core.post (platform, post_id, content_type, load_id) values (?, ?, ?, 1)"
        con.execute(row, ["youtube", "a", "video"])
        with pytest.raises(duckdb.ConstraintException):
            con.execute(row, ["youtube", "b", "short"])
        assert store.apply_schema(con) >= 11
        con.execute(row, ["youtube", "b", "short"])
        with pytest.raises(duckdb.ConstraintException):
            con.execute(row, ["youtube", "c", "shorts"])
        assert con.execute("select post_id, content_type from core.post order by 1").fetchall() == [
            ("a", "video"),
            ("b", "short"),
        ]
        with pytest.raises(duckdb.ConstraintException):
            con.execute(row, ["youtube", "a", "video"])  # the primary key is back
    finally:
        con.close()


def test_ledger_rows_inserted_together_get_the_ids_and_values_of_one_by_one(
    con: duckdb.DuckDBPyConnection,
) -> None:
    started = datetime(2026, 10, 8, 1, 2, 3, tzinfo=UTC)
    rows = [
        store.LedgerRow(
            store.LedgerEntry(f"in/{n}.csv", started, f"{n:064x}", f"aa/{n}.csv", "x:acct"),
            "loaded",
            (n + 3, n + 2, 1, 0),
            format_name="x_analytics_content",
            platform="x",
            notes=f"note {n}" if n % 2 else None,
        )
        for n in range(5)
    ]
    store.record_failure(con, store.LedgerEntry("in/before.csv", started), "unreadable")
    con.begin()
    store.insert_ledger_rows(con, rows[:2])
    con.rollback()  # a rolled-back batch uses up its ids, as inserts one by one do
    con.begin()
    together = store.insert_ledger_rows(con, rows)
    con.commit()
    alone = [
        store.insert_ledger(
            con,
            row.entry,
            status=row.status,
            counts=row.counts,
            format_name=row.format_name,
            platform=row.platform,
            notes=row.notes,
        )
        for row in rows
    ]

    assert together == [4, 5, 6, 7, 8]
    assert alone == [9, 10, 11, 12, 13]
    columns = (
        "source, sha256, raw_path, format, platform, rows_read, rows_loaded, rows_quarantined, "
        "rows_skipped, status, error, notes, started_at, origin, bound_account"
    )
    stored = con.execute(f"select load_id, {columns} from ops.load order by load_id").fetchall()
    assert [row[1:] for row in stored[1:6]] == [row[1:] for row in stored[6:]]
    assert [row[1] for row in stored[1:6]] == [f"in/{n}.csv" for n in range(5)]
