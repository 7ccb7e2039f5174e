"""Local runs: no Prefect, the same semantics, and the faults a command must survive.

With no Prefect API configured a command runs its steps in its own process
(`flows.run.orchestration`): these tests run `kunci` as a child process, as people do, and check
what it imports, what it prints, what a SIGKILL leaves, and what two commands at once do. The same
run under Prefect gives the same tables (tests/test_flow.py compares the two on the demo).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.config.settings import Settings, load_settings
from flows.run import orchestration
from flows.run.jobs import Step
from flows.run.runs import RunFailed
from tests.conftest import DEMO_CONFIG, REPO
from tests.test_crash import OVERVIEW, _digest, _x_config
from tests.test_staging import crash, hang, parser_format

CONTENT = DEMO_CONFIG.parent / "inbox/x/content/account_analytics_content_2026-08-01_2026-08-31.csv"


def _env(tmp_path: Path) -> dict[str, str]:
    """A child's environment: this checkout, a fresh Prefect home, no Prefect API."""
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "KUNCI_DB")}
    # the demo workspace names the X account the exports below belong to
    return {
        **env,
        "PYTHONPATH": str(REPO),
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "KUNCI_CONFIG": str(DEMO_CONFIG),
    }


def _kunci(tmp_path: Path, *args: str, prelude: str = "") -> subprocess.Popen[str]:
    """`kunci ARGS` in a child (its own session); `prelude` runs first, e.g. to slow a step."""
    code = (
        f"{prelude}\nimport sys\nfrom flows.cli import commands\n"
        "sys.exit(commands.main(sys.argv[1:]))"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=_env(tmp_path),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


SAY_IF_PREFECT_WAS_IMPORTED = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('prefect imported:', 'prefect' in sys.modules, file=sys.stderr))"
)


def test_a_local_ingest_imports_no_prefect_and_shows_only_its_summary(tmp_path: Path) -> None:
    db = tmp_path / "data" / "kunci.duckdb"
    args = ["ingest", str(OVERVIEW), "--config", str(DEMO_CONFIG), "--db", str(db)]

    out, err = _kunci(tmp_path, *args, prelude=SAY_IF_PREFECT_WAS_IMPORTED).communicate(timeout=120)

    assert err == "prefect imported: False\n"  # no Prefect log, no server, no progress bar
    assert out.splitlines()[:2] == [
        "1 inputs: 1 loaded, 0 skipped (already loaded), 0 failed",
        "rows: 90 read = 90 loaded + 0 quarantined + 0 skipped",
    ]
    assert out.splitlines()[-1] == f"published {db}"
    assert not (tmp_path / "prefect-home").exists()


def test_an_ingest_into_a_new_database_loads_no_module_it_does_not_use(tmp_path: Path) -> None:
    """Whatever a command imports, it pays for at every start (issue 17: within 5x of the floor).

    Nobody watches a terminal here, so no progress bar (rich); no frame goes to DuckDB through
    pyarrow; no Prefect. The staging folder of the run is gone when it exits.
    """
    db = tmp_path / "data" / "kunci.duckdb"
    say = (
        "import atexit, sys\natexit.register(lambda: print(sorted(m for m in "
        "('prefect', 'pyarrow', 'rich') if m in sys.modules), file=sys.stderr))"
    )
    out, err = _kunci(tmp_path, "ingest", str(CONTENT), "--db", str(db), prelude=say).communicate(
        timeout=120
    )
    assert err == "[]\n"
    assert out.splitlines()[0] == "1 inputs: 1 loaded, 0 skipped (already loaded), 0 failed"
    assert sorted(p.name for p in db.parent.iterdir()) == [
        "kunci.duckdb",
        "kunci.duckdb.lock",
        "raw",
    ]


def test_verbose_shows_the_run_log(tmp_path: Path) -> None:
    db = tmp_path / "kunci.duckdb"
    args = ["ingest", str(OVERVIEW), str(tmp_path / "nope.csv"), "--db", str(db), "--verbose"]

    run = _kunci(tmp_path, *args, "--config", str(DEMO_CONFIG))
    out, err = run.communicate(timeout=120)

    assert run.returncode == 1
    lines = err.splitlines()
    assert any(f"INFO    | {OVERVIEW}: loaded (90 rows read, 90 loaded" in x for x in lines), err
    assert any(f"WARNING | {tmp_path / 'nope.csv'}: no such file or directory" in x for x in lines)
    assert any(f"INFO    | published {db}: 2 inputs, 1 failed" in x for x in lines)
    assert f"  FAILED {tmp_path / 'nope.csv'}: no such file or directory" in out.splitlines()
    assert "Traceback" not in err


def _session_processes(session: int) -> list[int]:
    """Processes still alive (not zombies) in a session."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended while we looked
        if int(fields[3]) == session and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive


HANG_IN_INGEST = """
import time
from flows.load import staging
def hang(*args, **kwargs):
    print("loading", flush=True)
    time.sleep(600)
staging.normalize_input = hang  # one input is staged in the command's own process
"""


def test_a_sigkilled_ingest_leaves_no_process_and_no_lock(tmp_path: Path) -> None:
    db = tmp_path / "data" / "kunci.duckdb"
    first = _kunci(tmp_path, "ingest", str(OVERVIEW), "--db", str(db))
    assert first.communicate(timeout=120)[0] and first.returncode == 0
    published = _digest(db)

    run = _kunci(tmp_path, "ingest", str(CONTENT), "--db", str(db), prelude=HANG_IN_INGEST)
    assert run.stdout is not None
    assert run.stdout.readline() == "loading\n"  # inside the run, holding the writer lock
    assert db.with_name("kunci.duckdb.building").exists()
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=30)

    deadline = time.monotonic() + 10
    while _session_processes(run.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _session_processes(run.pid) == []
    assert _digest(db) == published
    again = _kunci(tmp_path, "ingest", str(CONTENT), "--db", str(db), "--lock-wait", "0")
    assert again.communicate(timeout=120)[1] == "" and again.returncode == 0
    assert _query(db, "select count(*) from ops.load where status = 'loaded'") == [(2,)]


def test_two_ingests_at_once_both_publish_one_after_the_other(tmp_path: Path) -> None:
    db = tmp_path / "kunci.duckdb"
    both = [
        _kunci(tmp_path, "ingest", str(path), "--db", str(db), "--json")
        for path in (OVERVIEW, CONTENT)
    ]
    results = [run.communicate(timeout=180) for run in both]

    assert [run.returncode for run in both] == [0, 0], results
    assert [err for _out, err in results] == ["", ""]
    loaded = {Path(json.loads(out)["inputs"][0]["path"]).name for out, _err in results}
    assert loaded == {OVERVIEW.name, CONTENT.name}
    assert _query(db, "select count(*) from ops.load where status = 'loaded'") == [(2,)]
    assert _query(db, "select count(*) from ops.run where status = 'completed'") == [(2,)]


def test_a_writer_that_waited_too_long_exits_with_one_line_naming_the_holder(
    tmp_path: Path,
) -> None:
    db = tmp_path / "kunci.duckdb"
    holder = _kunci(tmp_path, "ingest", str(CONTENT), "--db", str(db), prelude=HANG_IN_INGEST)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "loading\n"
        waiting = _kunci(tmp_path, "ingest", str(OVERVIEW), "--db", str(db), "--lock-wait", "1")
        out, err = waiting.communicate(timeout=120)
        json_run = _kunci(
            tmp_path, "ingest", str(OVERVIEW), "--db", str(db), "--lock-wait", "0", "--json"
        )
        printed = json.loads(json_run.communicate(timeout=120)[0])
    finally:
        holder.kill()
        holder.communicate()

    assert (waiting.returncode, out) == (2, "")
    assert err.startswith(f"kunci ingest: {db}: another kunci run (pid {holder.pid}, `-c ingest ")
    assert err.endswith(
        "is writing this database (waited 1 s; try again later or give --lock-wait SECONDS)\n"
    )
    assert err.count("\n") == 1
    assert (json_run.returncode, printed["status"]) == (2, "error")
    assert f"(pid {holder.pid}, " in printed["error"]


def test_failing_inputs_fail_alone_in_a_local_run_as_in_a_prefect_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tests/test_crash.py runs the same inputs through the Prefect flow and expects this."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(OVERVIEW, inbox / "a_overview.csv")
    (inbox / "b_crash.csv").write_text("crash key,crash value\na,1\n", encoding="utf-8")
    (inbox / "c_empty.csv").write_bytes(b"")
    (inbox / "d_slow.csv").write_text("hang key,hang value\na,1\n", encoding="utf-8")

    def load_settings_with_faulty_parsers(config: str | None = None) -> Settings:
        # a parser with a defect and one that hangs, run in the real staging workers
        settings = load_settings(config)
        faulty = (parser_format("crash", crash), parser_format("hang", hang))
        runner = replace(settings.runner, timeout_seconds=10)  # a 90-row export: well within
        return replace(settings, formats=settings.formats + faulty, runner=runner)

    monkeypatch.setattr("flows.run.jobs.load_settings", load_settings_with_faulty_parsers)
    db = tmp_path / "data" / "kunci.duckdb"

    started = time.monotonic()
    with pytest.raises(RunFailed) as raised:
        orchestration.run_nightly(db, str(_x_config(tmp_path, inbox)), None)

    assert time.monotonic() - started < 60
    summary = raised.value.summary
    errors = {Path(o.path).name: o.error for o in summary.inputs}
    assert errors == {
        "a_overview.csv": None,
        "b_crash.csv": "internal error (KeyError: 'impressions'); nothing of it was loaded",
        "c_empty.csv": "file is empty",
        "d_slow.csv": "timed out after 10 s; nothing of it was loaded",
    }
    assert summary.flow == "kunci-nightly" and summary.published
    assert _query(db, "select count(*) from core.account_daily") == [(90,)]
    assert _query(db, "select count(*) from core.post") == [(0,)]
    record = _query(db, "select status, inputs, inputs_failed, published, error from ops.run")
    assert record == [("failed", 4, 3, True, summary.message())]


def test_the_local_executor_retries_io_errors_and_times_out_off_the_main_thread() -> None:
    attempts: list[int] = []

    def flaky(n: int) -> int:
        attempts.append(n)
        if len(attempts) < 3:
            raise OSError(116, "Stale file handle")
        return n * 2

    def defect(n: int) -> int:
        attempts.append(n)
        raise KeyError("impressions")

    executor = orchestration.LocalExecutor()
    assert executor.run(Step(flaky, retry_delays=(0, 0)), n=4).value == 8
    assert attempts == [4, 4, 4]
    attempts.clear()
    failed = executor.run(Step(defect, retry_delays=(0, 0)), n=4)
    assert isinstance(failed.error, KeyError) and attempts == [4]  # a defect is never retried

    results: list[Any] = []

    def slow(seconds: float) -> None:
        until = time.monotonic() + seconds
        while time.monotonic() < until:  # Python code: off the main thread, only it can be
            time.sleep(0.01)  # interrupted (as with Prefect's task timeout there)

    worker = threading.Thread(
        target=lambda: results.append(executor.run(Step(slow, timeout_seconds=0.3), seconds=30))
    )
    started = time.monotonic()
    worker.start()
    worker.join(timeout=30)
    assert isinstance(results[0].error, TimeoutError) and time.monotonic() - started < 10


def test_a_run_is_tracked_when_the_environment_or_the_active_profile_names_an_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    assert not orchestration.is_tracked()
    (tmp_path / "profiles.toml").write_text(
        'active = "team"\n[profiles.local]\n[profiles.team]\n'
        'PREFECT_API_URL = "http://127.0.0.1:4200/api"\n',
        encoding="utf-8",
    )
    assert orchestration.prefect_api_url() == "http://127.0.0.1:4200/api"
    monkeypatch.setenv("PREFECT_PROFILE", "local")
    assert not orchestration.is_tracked()
    monkeypatch.setenv("PREFECT_API_URL", "http://10.0.0.5:4200/api")
    assert orchestration.prefect_api_url() == "http://10.0.0.5:4200/api"


def test_ingest_and_build_refresh_a_report_beside_the_database(tmp_path: Path) -> None:
    db = tmp_path / "kunci.duckdb"
    report = tmp_path / "report.html"
    first = _kunci(tmp_path, "ingest", str(OVERVIEW), "--db", str(db), "--json")
    assert json.loads(first.communicate(timeout=120)[0])["report"] is None
    assert not report.exists()  # no report yet: ingest does not start one

    report.write_text("stale", encoding="utf-8")
    second = _kunci(tmp_path, "ingest", str(CONTENT), "--db", str(db), "--json")
    assert json.loads(second.communicate(timeout=180)[0])["report"] == str(report)
    assert "<html" in report.read_text(encoding="utf-8")

    report.write_text("stale", encoding="utf-8")
    build = _kunci(tmp_path, "build", "--db", str(db))
    assert build.communicate(timeout=180)[0].splitlines()[-1] == f"report {report}"
    assert "<html" in report.read_text(encoding="utf-8")


def test_a_failure_after_publishing_says_the_database_was_published_not_unchanged(
    tmp_path: Path,
) -> None:
    """Printing the summary to a closed pipe fails after the publish; before it, nothing changed."""
    db = tmp_path / "kunci.duckdb"
    after = (
        "from flows.cli import commands\n"
        "def closed(*_args):\n    raise BrokenPipeError(32, 'Broken pipe')\n"
        "commands._print_summary = closed"
    )
    published = _kunci(tmp_path, "ingest", str(OVERVIEW), "--db", str(db), prelude=after)
    _out, err = published.communicate(timeout=120)
    assert published.returncode == 2
    assert err.strip().endswith(
        f"{db} was published before it stopped (rerun the command to finish what remained)"
    )
    assert _query(db, "select status from ops.load") == [("loaded",)]

    before = db.stat()
    crash_in_build = (
        "from flows.build import models\n"
        "def defect(*_args, **_kwargs):\n    raise RuntimeError('a defect in the build')\n"
        "models.refresh_metrics = defect"
    )
    unchanged = _kunci(tmp_path, "ingest", str(CONTENT), "--db", str(db), prelude=crash_in_build)
    _out, err = unchanged.communicate(timeout=120)
    assert unchanged.returncode == 2
    assert err.strip().endswith(
        f"failed (RuntimeError: a defect in the build); {db} is unchanged"
    ), err
    assert (db.stat().st_ino, db.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
