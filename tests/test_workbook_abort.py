"""A workbook whose reader aborts the process fails alone, even as the one input of a command.

calamine (Rust) aborts the process it runs in on some damaged workbooks: one byte changed in a real
LinkedIn `.xls` has it allocate 343 GB. The damaged copy is made here, in the test's folder, from
the real-data export (never copied into the repository); the real `kunci` entry point of the venv
ingests it alone, as a user would.
"""

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows import zones
from flows.config.settings import RunnerConfig, load_settings
from flows.load import stage_pool, stage_tasks, staging
from flows.load.inputs import InputFile
from tests.conftest import DEMO_CONFIG, REALDATA, needs_realdata
from tests.test_staging import _contents, _run

REPO = Path(__file__).resolve().parents[1]
KUNCI = Path(sys.executable).with_name("kunci")
LINKEDIN_XLS = REALDATA / "linkedin" / "linkedin_page_NPLF_2020Q2_visitors_updates.xls"
ABORTING_BYTE = (56859, 0x00, 0x53)  # 0-based offset, byte there, byte that makes calamine abort
LINKEDIN_XLSX = (
    DEMO_CONFIG.parent
    / "inbox/linkedin/dinas-pariwisata-nusantara_content_2026-07-03_2026-09-30.xlsx"
)
X_CONTENT = (
    DEMO_CONFIG.parent / "inbox/x/content/account_analytics_content_2026-07-03_2026-07-31.csv"
)


def _kunci(
    tmp_path: Path, *args: str, rust_backtrace: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The venv's `kunci` on this checkout, in an empty workspace, `RUST_BACKTRACE` as given.

    With it set, Rust writes some 60 lines of backtrace as calamine aborts, into the worker's
    stderr, which Kunci keeps off the terminal as it does the abort's own message.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PREFECT_API_URL", "KUNCI_DB", "KUNCI_CONFIG", "RUST_BACKTRACE")
    }
    env |= {"PYTHONPATH": str(REPO), "PREFECT_HOME": str(tmp_path / "prefect-home")}
    if rust_backtrace is not None:
        env["RUST_BACKTRACE"] = rust_backtrace
    return subprocess.run(
        [str(KUNCI), *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300
    )


def _damaged_copy(folder: Path) -> Path:
    data = bytearray(LINKEDIN_XLS.read_bytes())
    offset, was, damaged = ABORTING_BYTE
    assert data[offset] == was, "the real-data export changed: find the aborting byte again"
    data[offset] = damaged
    path = folder / "visitors_damaged.xls"
    path.write_bytes(bytes(data))
    return path


@needs_realdata
@pytest.mark.parametrize(("kind", "rust_backtrace"), [("processes", None), ("threads", "1")])
def test_a_workbook_that_aborts_its_reader_fails_alone_when_ingested_alone(
    tmp_path: Path, kind: str, rust_backtrace: str | None
) -> None:
    """Whatever the runner's kind: a command's one input is never staged by a pool of it.

    The terminal shows the run's one line, which carries Rust's message: no Rust line of its
    own, no backtrace, even when `RUST_BACKTRACE=1` asks Rust for one.
    """
    damaged = _damaged_copy(tmp_path)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    config = tmp_path / "kunci.toml"
    config.write_text(f'[runner]\nkind = "{kind}"\n', encoding="utf-8")
    db = tmp_path / "data" / "kunci.duckdb"

    run = _kunci(
        tmp_path,
        *("ingest", str(damaged), "--db", str(db), "--config", str(config)),
        rust_backtrace=rust_backtrace,
    )
    other = _kunci(tmp_path, "ingest", str(empty), "--db", str(tmp_path / "other.duckdb"))

    assert other.returncode != 0
    assert run.returncode == other.returncode  # as any run with a failed input
    [allocation] = re.findall(r"memory allocation of \d+ bytes failed", run.stderr)
    reason = (
        f"the workbook reader crashed on it (its process was killed by signal SIGABRT: "
        f"{allocation}): the file is probably damaged; re-export it; nothing of it was loaded"
    )
    assert [line for line in run.stdout.splitlines() if damaged.name in line] == [
        f"  FAILED {damaged}: {reason}"
    ]
    assert run.stdout.splitlines()[-1] == f"published {db}"
    [line] = run.stderr.splitlines()  # the run's one line: Rust's own lines stayed in the worker
    assert line.startswith(f"kunci-ingest run failed: {damaged}: {reason}.")
    assert "Traceback" not in run.stdout + run.stderr
    con = duckdb.connect(str(db), read_only=True)
    try:
        ledger = con.execute("select source, status, error from ops.load").fetchall()
        runs = con.execute("select count(*) from ops.run").fetchall()
    finally:
        con.close()
    assert ledger == [(str(damaged), "failed", reason)]
    assert runs == [(1,)]


@pytest.mark.parametrize("kind", ["threads", "processes"])
def test_one_healthy_workbook_staged_alone_in_a_worker_loads_as_ingesting_it_does(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same outcome, rows and ledger as `ingest_file` in this process gives."""
    settings = load_settings(str(DEMO_CONFIG))
    items = [InputFile(LINKEDIN_XLSX)]

    one_by_one = _run(tmp_path / "one/k.duckdb", settings, items, None)

    def not_here(*_args: object) -> str:
        raise AssertionError("a workbook alone was staged in this process, not in a worker")

    monkeypatch.setattr(staging, "stage_safely", not_here)  # the worker imports its own
    staged = _run(tmp_path / "staged/k.duckdb", settings, items, RunnerConfig(kind, 2))

    assert staged == one_by_one
    assert [(o.status, o.rows_read > 0) for o in staged] == [("loaded", True)]
    assert _contents(tmp_path / "staged/k.duckdb") == _contents(tmp_path / "one/k.duckdb")


@needs_realdata
def test_with_the_threads_runner_an_aborting_workbook_fails_alone_among_other_inputs(
    tmp_path: Path,
) -> None:
    """The threads runner stages in the command's process, except a workbook native code reads.

    That one goes to a worker, which the abort kills; the other input loads and the run publishes.
    """
    damaged = _damaged_copy(tmp_path)
    config = tmp_path / "kunci.toml"
    config.write_text('[runner]\nkind = "threads"\nworkers = 2\n', encoding="utf-8")
    db = tmp_path / "data" / "kunci.duckdb"

    run = _kunci(
        tmp_path, "ingest", str(damaged), str(X_CONTENT), "--db", str(db), "--config", str(config)
    )

    assert "Traceback" not in run.stdout + run.stderr
    assert run.stdout.splitlines()[-1] == f"published {db}"
    [failed] = [line for line in run.stdout.splitlines() if damaged.name in line]
    assert failed.startswith(f"  FAILED {damaged}: the workbook reader crashed on it")
    con = duckdb.connect(str(db), read_only=True)
    try:
        ledger = dict(con.execute("select source, status from ops.load").fetchall())
    finally:
        con.close()
    assert ledger == {str(damaged): "failed", str(X_CONTENT): "loaded"}


def test_the_threads_runner_sends_a_workbook_native_code_reads_to_a_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a flow run too: the workbook's task stages in the worker pool, the CSV's in its thread."""
    settings = load_settings(str(DEMO_CONFIG))
    runner = RunnerConfig("threads", 2)
    zone = zones.at(tmp_path)
    jobs = [
        staging.StageJob(InputFile(path), settings, None, zone, zone, f"run/{n:06d}")
        for n, path in enumerate([LINKEDIN_XLSX, X_CONTENT])
    ]
    with stage_pool.workbook_pool(jobs, frozenset()) as workbooks:
        assert workbooks is not None
        routed = [
            stage_tasks._task_for(job, frozenset(), workbooks.pool_for(job), runner)[1]["pool"]
            for job in jobs
        ]
    assert routed == [workbooks.pool, None]
    with stage_pool.workbook_pool(jobs[1:], frozenset()) as workbooks:
        assert workbooks is None  # no worker started for inputs that need none

    given: list[list[str]] = []

    def submit(jobs: list[staging.StageJob], _loaded: object, route: Any, *_: object) -> None:
        given.append([type(route(job)).__name__ for job in jobs])

    monkeypatch.setattr(stage_tasks, "_submit", submit)
    stage_tasks.stage_tracked(jobs, frozenset(), runner, 2, lambda _job: None)
    stage_tasks.stage_tracked(jobs[1:], frozenset(), runner, 2, lambda _job: None)
    assert given == [["WorkerPool", "NoneType"], ["NoneType"]]
