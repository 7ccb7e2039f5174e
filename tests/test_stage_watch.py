"""A parse stuck on the one input of a `kunci` command is bounded by `[runner] timeout_seconds`.

Each test runs the real command in a subprocess of its own session (`python -c` calling
`flows.cli.commands.main`, which restarts itself by its own command line; no process of the session
may outlive it), with a declared format whose parser is stuck: asleep, in a backtracking regex, in
native code that ignores signals (with or without the interpreter lock). The format is added to
the settings the run reads, as `tests/test_crash.py` does.
"""

import ctypes
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from subprocess import PIPE
from typing import Any

import duckdb
import pytest

from flows.config.settings import Settings, load_settings
from flows.publish import previous_generation
from tests.conftest import DEMO_CONFIG
from tests.test_localrun import _session_processes
from tests.test_staging import hang, parser_format
from transforms.context import IngestContext, Normalized, ParsedInput

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 3
X = DEMO_CONFIG.parent / "inbox" / "x"
OVERVIEW = X / "overview" / "account_overview_analytics_2026-07-03_2026-09-30.csv"
CONTENT = X / "content" / "account_analytics_content_2026-08-01_2026-08-31.csv"
WHEN_AND_WHICH = ("load_id", "started_at", "finished_at", "built_at", "applied_at")
COMMAND = """
import os, sys
from flows.cli import commands as cli
from flows.run import jobs
from tests.test_stage_watch import with_stuck_parser
jobs.load_settings = with_stuck_parser(os.environ["KUNCI_TEST_STUCK"])
sys.exit(cli.main())
"""


def backtrack(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    re.match(r"(a+)+$", "a" * 64 + "b")  # holds the interpreter lock, checks for signals
    raise AssertionError("the command should have been restarted")


def native(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # as a Rust loop never returns
    time.sleep(120)  # the interpreter lock released
    raise AssertionError("the command should have been restarted")


def native_holding_the_lock(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    ctypes.PyDLL(None).sleep(120)  # a C call made with the interpreter lock held
    raise AssertionError("the command should have ended")


STUCK: dict[str, Callable[[ParsedInput, IngestContext], Normalized]] = {
    "sleep": hang,
    "backtrack": backtrack,
    "native": native,
    "native_holding_the_lock": native_holding_the_lock,
}


def with_stuck_parser(name: str) -> Callable[[str | None], Settings]:
    """`load_settings` with a format headed `hang key,hang value` whose parser is stuck."""

    def load(config: str | None = None) -> Settings:
        settings = load_settings(config)
        runner = replace(settings.runner, timeout_seconds=TIMEOUT)
        stuck = parser_format("hang", STUCK[name])
        return replace(settings, formats=(*settings.formats, stuck), runner=runner)

    return load


def kunci(stuck: str, db: Path, *paths: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """`kunci ingest PATHS` (a local run, its own session) with the stuck parser; and its seconds.

    Returns once the command ended and no process of its session is left.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "KUNCI_DB")}
    env |= {"PYTHONPATH": str(REPO), "KUNCI_TEST_STUCK": stuck, "NO_COLOR": "1"}
    command = [sys.executable, "-c", COMMAND, "ingest", *map(str, paths)]
    command += ["--db", str(db), "--config", str(DEMO_CONFIG)]
    started = time.monotonic()
    run = subprocess.Popen(
        command, env=env, stdout=PIPE, stderr=PIPE, text=True, start_new_session=True
    )
    out, err = run.communicate(timeout=300)
    seconds = time.monotonic() - started
    assert _session_processes(run.pid) == [], "a process of the command outlived it"
    return subprocess.CompletedProcess(command, run.returncode, out, err), seconds


def _table_rows(db: Path, schemas: tuple[str, ...]) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of `schemas`, sorted, without load ids (a failed input shifts them) or times."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute(
            "select schema_name || '.' || table_name, list('\"' || column_name || '\"' order by "
            "column_index) from duckdb_columns() "
            f"where schema_name in {schemas} and column_name not in {WHEN_AND_WHICH} "
            "group by 1 order by 1"
        ).fetchall()
        return {
            name: con.execute(f"select {', '.join(columns)} from {name} order by all").fetchall()
            for name, columns in tables
        }
    finally:
        con.close()


def _leftovers(db: Path) -> list[str]:
    """Files a run leaves only while it runs: the working file, its WAL, spill, staged inputs.

    Not the published file, its lock, or the file the last publish replaced, kept for the next
    run's working copy (`previous_generation`).
    """
    kept = {db, db.with_name(f"{db.name}.lock"), previous_generation.previous_path(db)}
    raw = db.parent / "raw"
    return sorted(
        str(p.relative_to(db.parent))
        for p in db.parent.rglob("*")
        if p.is_file() and p not in kept and raw not in p.parents
    )


@pytest.fixture
def hung(tmp_path: Path) -> Path:
    """A published database holding the X overview, and an input that the stuck parser reads."""
    db = tmp_path / "data" / "kunci.duckdb"
    done, _ = kunci("sleep", db, OVERVIEW)
    assert done.returncode == 0, done.stderr
    stuck = tmp_path / "hang.csv"
    stuck.write_text("hang key,hang value\na,1\n", encoding="utf-8")
    return stuck


def test_a_hung_parse_of_the_one_input_fails_it_alone_and_the_run_publishes(
    tmp_path: Path, hung: Path
) -> None:
    db = tmp_path / "data" / "kunci.duckdb"
    core_before = _table_rows(db, ("core", "metrics"))

    done, seconds = kunci("sleep", db, hung)

    assert seconds < TIMEOUT + 30  # two starts of the command on a busy machine
    assert done.returncode == 1
    error = f"timed out after {TIMEOUT} s; nothing of it was loaded"
    assert done.stderr.splitlines() == [
        f"kunci: {hung}: normalizing took longer than {TIMEOUT} s; running the command again "
        "without it (the file is tried again by the next command)",
        f"kunci-ingest run failed: {hung}: {error}. Still published to {db}: 0 inputs loaded "
        "(0 rows, 0 quarantined), 0 already loaded, 23 metric tables unchanged.",
    ]
    assert f"  FAILED {hung}: {error}" in done.stdout.splitlines()
    assert _table_rows(db, ("core", "metrics")) == core_before
    con = duckdb.connect(str(db), read_only=True)
    ledger = con.execute("select source, status, error from ops.load order by load_id").fetchall()
    runs = con.execute("select status, inputs_failed from ops.run order by started_at").fetchall()
    con.close()
    assert ledger == [(str(OVERVIEW), "loaded", None), (str(hung), "failed", error)]
    assert runs == [("completed", 0), ("failed", 1)]
    assert _leftovers(db) == []

    # the next command runs as on a database the stuck input never met
    clean = tmp_path / "clean" / "kunci.duckdb"
    for target in (db, clean):
        if target == clean:
            assert kunci("sleep", clean, OVERVIEW)[0].returncode == 0
        assert kunci("sleep", target, CONTENT)[0].returncode == 0
    assert _table_rows(db, ("core", "metrics")) == _table_rows(clean, ("core", "metrics"))


@pytest.mark.parametrize("stuck", ["backtrack", "native"])
def test_a_parse_stuck_in_a_regex_or_in_native_code_is_bounded_alike(
    tmp_path: Path, hung: Path, stuck: str
) -> None:
    db = tmp_path / "data" / "kunci.duckdb"

    done, seconds = kunci(stuck, db, hung)

    assert seconds < TIMEOUT + 30
    assert done.returncode == 1
    assert done.stderr.splitlines()[0].startswith(f"kunci: {hung}: normalizing took longer")
    assert f"  FAILED {hung}: timed out after {TIMEOUT} s; nothing of it was loaded" in (
        done.stdout.splitlines()
    )
    assert _leftovers(db) == []


def test_native_code_holding_the_interpreter_lock_ends_the_command_leaving_the_file_as_it_was(
    tmp_path: Path, hung: Path
) -> None:
    db = tmp_path / "data" / "kunci.duckdb"
    published = db.read_bytes()

    done, seconds = kunci("native_holding_the_lock", db, hung)

    assert seconds < TIMEOUT + 10 + 20  # the last resort's grace, one start of the command
    assert done.returncode == 1
    assert done.stderr.startswith("Timeout (")  # where each thread was stuck, for the report
    assert "in native_holding_the_lock" in done.stderr
    assert db.read_bytes() == published
    # the lock went with the process, the working file with the next run
    again, _ = kunci("sleep", db, CONTENT)
    assert again.returncode == 0, again.stderr
    assert _leftovers(db) == []


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_a_flow_run_stages_its_one_input_in_a_worker_killed_at_the_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.run.nightly import ingest_flow  # a flow run cannot be restarted: a worker stages it

    monkeypatch.setattr("flows.run.jobs.load_settings", with_stuck_parser("sleep"))
    stuck = tmp_path / "hang.csv"
    stuck.write_text("hang key,hang value\na,1\n", encoding="utf-8")
    db = tmp_path / "data" / "kunci.duckdb"

    started = time.monotonic()
    summary = ingest_flow(db=str(db), paths=[str(stuck)], config=str(DEMO_CONFIG))

    assert time.monotonic() - started < 120  # a worker's start on a busy machine, the timeout
    assert [(o.status, o.error) for o in summary.inputs] == [
        ("failed", f"timed out after {TIMEOUT} s; nothing of it was loaded")
    ]
    assert summary.published
