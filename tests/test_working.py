"""A writing run's working copy: one capped connection for the run, spills beside it, cleaned up.

Inputs share the run's connection, so these tests check that each still fails alone: a bad input,
an input interrupted inside its transaction, and one that left a result unread.
"""

import os
import time
from pathlib import Path

import duckdb
import pytest

from flows.config.settings import load_settings
from flows.load import ingest, outcomes, store
from flows.load.inputs import InputFile
from flows.publish import working_file
from flows.run import pipeline
from tests.test_store import CONTENT, SETTINGS
from transforms.errors import InputError

NAME = "account_analytics_content_2026-08-31_2026-09-02.csv"


def _export(folder: Path, name: str = NAME, text: str = CONTENT) -> InputFile:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return InputFile(path)


def _load(work: pipeline.Working, item: InputFile) -> outcomes.LoadOutcome:
    raw = pipeline.raw_root(work.path)
    return pipeline.with_working(work, lambda con: ingest.ingest_file(con, item, SETTINGS, raw))


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = store.connect(db, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _setting(con: duckdb.DuckDBPyConnection, name: str) -> object:
    row = con.execute("select current_setting(?)", [name]).fetchone()
    assert row is not None
    return row[0]


def test_writing_runs_cap_memory_and_spill_beside_the_working_file(tmp_path: Path) -> None:
    db = tmp_path / "data" / "kunci.duckdb"
    with pipeline.working_database(db, "256MB") as work:
        first = pipeline.with_working(work, lambda con: con)
        assert _setting(first, "memory_limit") == "244.1 MiB"  # DuckDB shows MB as MiB
        assert _setting(first, "temp_directory") == str(tmp_path / "data/kunci.duckdb.building.tmp")
        assert pipeline.with_working(work, lambda con: con) is first  # one connection per run
    assert sorted(p.name for p in db.parent.iterdir()) == ["kunci.duckdb", "kunci.duckdb.lock"]


def test_the_spill_folder_never_outlives_the_run(tmp_path: Path) -> None:
    db = tmp_path / "kunci.duckdb"
    with pipeline.working_database(db) as work:
        assert _setting(work.con, "memory_limit") == "953.6 MiB"  # the default, 1GB
        spill = working_file.spill_path(work.path)
        spill.mkdir()  # as DuckDB makes it when a build exceeds the limit
        (spill / "duckdb_temp_storage-0.tmp").write_bytes(b"spilled")
    assert not spill.exists() and db.is_file()

    with pytest.raises(KeyError), pipeline.working_database(db) as work:
        working_file.spill_path(work.path).mkdir()
        raise KeyError("a defect")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kunci.duckdb", "kunci.duckdb.lock"]

    working_file.spill_path(working_file.working_path(db)).mkdir()  # left by a killed run
    assert working_file.prepare_working_copy(db) == working_file.working_path(db)
    assert not working_file.spill_path(working_file.working_path(db)).exists()


def _interrupted(con: duckdb.DuckDBPyConnection) -> None:
    """A task stopped inside its own transaction, a result half read: nothing of it may stay."""
    con.begin()
    con.execute("update core.post set text = 'interrupted'")
    con.execute("select * from range(5)").fetchone()
    raise KeyError("impressions")


def test_inputs_of_one_run_fail_alone_on_its_one_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "data" / "kunci.duckdb"
    good = _export(tmp_path / "a")
    bad = _export(tmp_path / "b", "bad.csv", "")
    crashing = _export(tmp_path / "c", text=CONTENT.replace("0000000002", "0000000003"))
    later = _export(tmp_path / "d", text=CONTENT.replace("Halo", "Halo lagi"))
    real_upsert = store._upsert

    def upsert_then_fail(con: duckdb.DuckDBPyConnection, table: str, *args: object) -> None:
        real_upsert(con, table, *args)  # type: ignore[arg-type]
        if table == "post":
            raise TimeoutError("interrupted in its transaction")

    with pipeline.working_database(db) as work:
        pipeline.with_working(work, lambda con: pipeline.initialise(con, SETTINGS))
        assert _load(work, good).status == "loaded"
        assert (_load(work, bad).status, _load(work, bad).error) == ("failed", "file is empty")
        monkeypatch.setattr(store, "_upsert", upsert_then_fail)
        with pytest.raises(TimeoutError):
            _load(work, crashing)
        monkeypatch.undo()
        with pytest.raises(KeyError):
            pipeline.with_working(work, _interrupted)
        assert _load(work, later).status == "loaded"

    ledger = _rows(db, "select source, status from ops.load order by load_id")
    assert [(Path(str(s)).parent.name, st) for s, st in ledger] == [
        ("a", "loaded"),
        ("b", "failed"),
        ("b", "failed"),
        ("d", "loaded"),
    ]
    assert _rows(db, "select post_id, text from core.post") == [  # no post ...03: rolled back
        ("1900000000000000002", "Halo lagi")
    ]


def test_a_second_run_over_the_same_inputs_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "kunci.duckdb"
    items = [_export(tmp_path / "a"), _export(tmp_path / "b", "same.csv")]
    tables = ("core.post", "core.post_metrics", "core.account", "ops.quarantine")

    def run() -> list[tuple[str, int | None]]:
        with pipeline.working_database(db) as work:
            pipeline.with_working(work, lambda con: pipeline.initialise(con, SETTINGS))
            return [(o.status, o.load_id) for o in (_load(work, item) for item in items)]

    assert run() == [("loaded", 1), ("skipped", 1)]
    before = {t: _rows(db, f"select * from {t} order by all") for t in tables}
    assert run() == [("skipped", 1), ("skipped", 1)]
    assert {t: _rows(db, f"select * from {t} order by all") for t in tables} == before
    assert _rows(db, "select count(*) from ops.load") == [(1,)]


def test_a_second_writer_waits_then_names_the_run_holding_the_database(tmp_path: Path) -> None:
    db = tmp_path / "kunci.duckdb"
    with working_file.writer_lock(db):
        started = time.monotonic()
        with (
            pytest.raises(working_file.DatabaseBusy) as raised,
            pipeline.working_database(db, "256MB", 0.5),
        ):
            pass
        assert time.monotonic() - started >= 0.5
    message = str(raised.value)
    assert message.startswith(f"{db}: another kunci run (pid {os.getpid()}, `")
    assert "started 20" in message and message.endswith(
        "is writing this database (waited 0.5 s; try again later or give --lock-wait SECONDS)"
    )
    assert "\n" not in message
    with pipeline.working_database(db, "256MB", 0.5):  # released: the next writer goes ahead
        pass


def test_keep_previous_is_read_from_the_database_table(tmp_path: Path) -> None:
    config = tmp_path / "kunci.toml"
    config.write_text("[workspace]\nname = 'w'\n", encoding="utf-8")
    assert load_settings(str(config)).keep_previous
    config.write_text("[database]\nkeep_previous = false\n", encoding="utf-8")
    assert not load_settings(str(config)).keep_previous


def test_memory_limit_is_read_from_the_database_table(tmp_path: Path) -> None:
    config = tmp_path / "kunci.toml"
    config.write_text("[workspace]\nname = 'w'\n", encoding="utf-8")
    assert load_settings(str(config)).memory_limit == "1GB"
    config.write_text("[database]\nmemory_limit = ' 1.5GiB '\n", encoding="utf-8")
    assert load_settings(str(config)).memory_limit == "1.5GiB"
    assert load_settings(str(config)).lock_wait_seconds == 120
    config.write_text("[database]\nlock_wait_seconds = 5\n", encoding="utf-8")
    assert load_settings(str(config)).lock_wait_seconds == 5
    config.write_text("[database]\nlock_wait_seconds = 'soon'\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"database\.lock_wait_seconds must be a number"):
        load_settings(str(config))
    for value in ("'80%'", "1024", "'lots'"):
        config.write_text(f"[database]\nmemory_limit = {value}\n", encoding="utf-8")
        with pytest.raises(InputError) as raised:
            load_settings(str(config))
        shown = value.strip("'") if value.startswith("'") else int(value)
        assert str(raised.value) == (
            f'{config}: database.memory_limit must be a size such as "1GB" or "512MB", '
            f"got {shown!r}"
        )


def _reflink_folder(tmp_path: Path) -> Path | None:
    """A folder where files can share blocks: `KUNCI_TEST_REFLINK_DIR` (e.g. on XFS), else tmp."""
    given = os.environ.get("KUNCI_TEST_REFLINK_DIR")
    for folder in ([Path(given) / tmp_path.name] if given else []) + [tmp_path]:
        folder.mkdir(exist_ok=True)
        probe, clone = folder / "probe", folder / "probe-clone"
        probe.write_bytes(b"x" * 4096)
        try:
            if working_file.reflink(probe, clone):
                return folder
        finally:
            probe.unlink()
            clone.unlink(missing_ok=True)
    return None


def _published_database(folder: Path) -> Path:
    db = folder / "kunci.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create table t as select range as n from range(100000)")
    con.close()
    return db


def test_the_working_copy_is_the_published_file_byte_for_byte(tmp_path: Path) -> None:
    db = _published_database(tmp_path)

    work = working_file.prepare_working_copy(db)

    assert work.read_bytes() == db.read_bytes()


def test_a_reflinked_working_copy_leaves_the_published_file_unchanged(tmp_path: Path) -> None:
    folder = _reflink_folder(tmp_path)
    if folder is None:
        pytest.skip(
            "no copy-on-write file system here (tmp is not XFS/Btrfs); set KUNCI_TEST_REFLINK_DIR "
            "to a folder on one to test the reflinked working copy"
        )
    db = _published_database(folder)
    before = db.read_bytes()
    work = working_file.prepare_working_copy(db)
    assert working_file.reflink(db, folder / "again.duckdb")
    (folder / "again.duckdb").unlink()

    con = duckdb.connect(str(work))
    con.execute("update t set n = n + 1; checkpoint")
    con.close()

    assert db.read_bytes() == before
    reader = duckdb.connect(str(db), read_only=True)
    assert reader.execute("select sum(n) from t").fetchone() == (sum(range(100000)),)
    reader.close()
    working_file.discard(work)
