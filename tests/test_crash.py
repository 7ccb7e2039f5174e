"""Crash safety and failure semantics of the nightly run: SIGKILL, failing inputs, late data."""

import csv
import hashlib
import io
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

import flows.report
from flows.build import models
from flows.config.settings import Settings, load_settings
from flows.load import ingest, inputs
from flows.load.inputs import InputFile
from flows.run import pipeline
from flows.run.nightly import RunFailed, RunSummary, nightly_flow
from tests.conftest import DEMO_CONFIG, REPO, database_rows
from tests.test_staging import crash, hang, parser_format

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

DEMO_INBOX = DEMO_CONFIG.parent / "inbox"
OVERVIEW = DEMO_INBOX / "x/overview/account_overview_analytics_2026-07-03_2026-09-30.csv"
VOLATILE = {"started_at", "finished_at", "built_at", "applied_at"}  # wall-clock times
ANALYST = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
for line in sys.stdin:
    print(json.dumps(con.execute(line).fetchall()), flush=True)
"""


@pytest.fixture(autouse=True)
def _plain_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about loading and publishing: the report is a one-line file here.

    The real report runs in tests/test_orchestration.py (through a deployment) and its own tests.
    """

    def write_report(published: Path) -> Path:
        target = published.parent / "report.html"
        target.write_text(f"<p>{published.name}</p>", encoding="utf-8")
        return target

    monkeypatch.setattr(flows.report, "write_report", write_report)


def _contents(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every core, metrics and ops table, rows sorted, without wall-clock times and run records."""
    return database_rows(db, ("core", "metrics", "ops"), VOLATILE, skip_tables={"run"})


def _same_row(got: tuple[Any, ...], expected: tuple[Any, ...]) -> bool:
    """Equal values; doubles to the last bits of rounding.

    A sum of doubles depends on the order of the rows it adds, and a database that loaded its
    inputs over two runs stores them in another order than one that loaded them in one run, so
    sums can differ in the last bit (1715661.86 and 1715661.8599999999). The same inputs loaded
    the same way give identical tables (builds are single-threaded).
    """
    return len(got) == len(expected) and all(
        a == b or (isinstance(a, float) and isinstance(b, float) and math.isclose(a, b))
        for a, b in zip(got, expected, strict=True)
    )


def _digest(db: Path) -> str:
    return hashlib.sha256(repr(_contents(db)).encode()).hexdigest()


def _query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _publish_directly(db: Path, settings: Settings, items: list[InputFile]) -> None:
    """A published starting point, made by the steps the flow wires but without Prefect."""
    with pipeline.working_database(db) as work, pipeline.open_working(work) as con:
        pipeline.initialise(con, settings)
        for item in items:
            ingest.ingest_file(con, item, settings, pipeline.raw_root(db))
        models.refresh_metrics(con, settings.targets)


def _raw_files(db: Path) -> int:
    return sum(1 for p in Path(pipeline.raw_root(db).location).rglob("*") if p.is_file())


def _wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 180
    while not condition():
        assert process.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline, "the run never reached the point to kill it"
        time.sleep(0.02)


def test_sigkill_while_loading_keeps_the_published_file_and_the_next_run_matches_a_clean_run(
    tmp_path: Path,
) -> None:
    from prefect.settings import PREFECT_API_URL

    settings = load_settings(str(DEMO_CONFIG))
    items = inputs.inbox(settings)
    already = [i for i in items if i.path.parent.name in ("content", "insights")]
    assert 0 < len(already) < len(items) - 10
    db = tmp_path / "killed" / "kunci.duckdb"
    clean = tmp_path / "clean" / "kunci.duckdb"
    _publish_directly(db, settings, already)
    shutil.copytree(db.parent, clean.parent)
    published_bytes = hashlib.sha256(db.read_bytes()).hexdigest()
    published_content = _digest(db)
    raw_before = _raw_files(db)

    analyst = subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert analyst.stdin is not None and analyst.stdout is not None

    def ask(sql: str) -> Any:
        assert analyst.stdin is not None and analyst.stdout is not None
        analyst.stdin.write(sql + "\n")
        analyst.stdin.flush()
        return json.loads(analyst.stdout.readline())

    try:
        assert ask("select count(*) from ops.load") == [[len(already)]]
        env = {
            **os.environ,
            "PREFECT_HOME": str(tmp_path / "prefect"),
            "PREFECT_API_URL": str(PREFECT_API_URL.value()),  # the session's server: no start-up
            "KUNCI_DB": str(db),
        }
        run = subprocess.Popen(
            [str(REPO / ".venv/bin/kunci"), "run", "nightly", "--config", str(DEMO_CONFIG)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        working = db.with_name(f"{db.name}.building")
        # two new inputs landed in the raw zone: the run is loading into its working file
        _wait_for(lambda: working.exists() and _raw_files(db) >= raw_before + 2, run)
        os.kill(run.pid, signal.SIGKILL)
        assert run.wait(timeout=30) == -signal.SIGKILL
        assert working.exists(), "the kill must come while the run is writing"

        assert hashlib.sha256(db.read_bytes()).hexdigest() == published_bytes
        assert _digest(db) == published_content

        after_crash = nightly_flow(db=str(db), config=str(DEMO_CONFIG))
        clean_run = nightly_flow(db=str(clean), config=str(DEMO_CONFIG))

        assert analyst.poll() is None, "the analyst session stays open throughout"
        assert ask("select count(*) from ops.load") == [[len(already)]]  # still its old file
    finally:
        analyst.communicate("", timeout=30)

    assert (after_crash.status, clean_run.status) == ("completed", "completed")
    assert [o.status for o in after_crash.inputs] == [o.status for o in clean_run.inputs]
    assert after_crash.count("loaded") == len(items) - len(already)
    assert not working.exists()
    recovered, reference = _contents(db), _contents(clean)
    assert list(recovered) == list(reference)
    for table, rows in reference.items():
        assert len(recovered[table]) == len(rows), table
        for got, expected in zip(recovered[table], rows, strict=True):
            assert _same_row(got, expected), (table, got, expected)
    runs = _query(db, "select run_id, status, inputs, inputs_loaded, published from ops.run")
    assert runs == [(after_crash.run_id, "completed", len(items), len(items) - len(already), True)]


def _x_config(tmp_path: Path, inbox: Path, targets: str = "") -> Path:
    config = tmp_path / "kunci.toml"
    config.write_text(
        f"""
[workspace]
name = "crash tests"
timezone = "Asia/Jakarta"
as_of = "2026-10-08"

[[accounts]]
platform = "x"
account_id = "wisatanusantara"
handle = "wisatanusantara"
brand = "Wisata Nusantara"

[[sources]]
kind = "exports"
path = "{inbox}"
account = "x:wisatanusantara"
{targets}""",
        encoding="utf-8",
    )
    return config


def test_failing_inputs_fail_the_run_after_the_rest_is_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
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
    state = nightly_flow(db=str(db), config=str(_x_config(tmp_path, inbox)), return_state=True)

    assert time.monotonic() - started < 60
    assert state.is_failed()
    failed = state.result(raise_on_failure=False)
    assert isinstance(failed, RunFailed)
    summary = failed.summary
    errors = {Path(o.path).name: o.error for o in summary.inputs}
    assert errors == {
        "a_overview.csv": None,
        "b_crash.csv": "internal error (KeyError: 'impressions'); nothing of it was loaded",
        "c_empty.csv": "file is empty",
        "d_slow.csv": "timed out after 10 s; nothing of it was loaded",
    }
    failures = "; ".join(f"{inbox / name}: {errors[name]}" for name in sorted(errors)[1:])
    assert state.message == summary.message()
    assert summary.message() == (
        f"kunci-nightly run failed: {failures}. Still published to {db}: 1 inputs loaded "
        "(90 rows, 0 quarantined), 0 already loaded, 23 metric tables rebuilt."
    )
    assert summary.published and summary.report == str(db.parent / "report.html")
    assert _query(db, "select count(*) from core.account_daily") == [(90,)]
    assert _query(db, "select count(*) from core.post") == [(0,)]
    ledger = _query(db, "select source, status, error from ops.load order by load_id")
    assert [(Path(s).name, st, e) for s, st, e in ledger] == [
        (name, "failed" if error else "loaded", error) for name, error in errors.items()
    ]
    record = _query(
        db,
        "select status, inputs, inputs_loaded, inputs_failed, rows_loaded, tables_rebuilt, "
        "published, error from ops.run",
    )
    assert record == [("failed", 4, 1, 3, 90, 23, True, summary.message())]


def test_a_report_failure_fails_the_run_but_never_unpublishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(OVERVIEW, inbox)
    db = tmp_path / "data" / "kunci.duckdb"

    def broken(published: Path) -> Path:
        raise ValueError(f"{published}: the template is missing")

    monkeypatch.setattr(flows.report, "write_report", broken)

    with pytest.raises(RunFailed) as raised:
        nightly_flow(db=str(db), config=str(_x_config(tmp_path, inbox)))

    summary: RunSummary = raised.value.summary
    assert summary.problems == [
        f"the report was not written: internal error (ValueError: {db}: the template is missing)"
    ]
    assert summary.failed == [] and summary.published and summary.report is None
    assert _query(db, "select count(*) from core.account_daily") == [(90,)]
    # the record went into the file before publishing; the report's failure is Prefect's to show
    assert _query(db, "select status, published, error from ops.run") == [("completed", True, None)]


def _late_export(source: Path, target: Path) -> str:
    """Re-export the first post of `source` with higher lifetime metrics; return its id."""
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    post = dict(rows[0])
    for column in ("Views", "Reach", "Likes", "Comments", "Shares", "Saves"):
        post[column] = str(int(post[column]) + 100)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerow(post)
    target.write_text(out.getvalue(), encoding="utf-8")
    return str(post["Post ID"])


def _belongs_to(row: dict[str, Any], day: date) -> bool:
    """Whether a metric row covers the post's publish date (its day, week, month or period)."""
    monday = day - timedelta(days=day.weekday())
    first = day.replace(day=1)
    exact = {"date": day, "week_start": monday, "month_start": first, "month": first}
    if any(row.get(column) == value for column, value in exact.items()):
        return True
    spans = (
        ("date_start", "date_end"),
        ("period_start", "period_end"),
        ("first_date", "last_date"),
    )
    return any(row[start] <= day <= row[end] for start, end in spans if row.get(start))


def _metric_rows(db: Path) -> dict[str, list[dict[str, Any]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = con.execute(
            "select table_name from duckdb_tables() where schema_name = 'metrics' order by 1"
        ).fetchall()
        return {name: con.sql(f"select * from metrics.{name}").pl().to_dicts() for (name,) in names}
    finally:
        con.close()


def test_a_late_re_export_changes_only_its_post_and_its_publish_date(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(DEMO_INBOX / "instagram", inbox)
    config = tmp_path / "kunci.toml"
    config.write_text(
        f"""
[workspace]
timezone = "Asia/Jakarta"
as_of = "2026-10-12"           # "today", days after the first exports

[[accounts]]
platform = "instagram"
account_id = "17841400000000001"
handle = "wisata.nusantara"
brand = "Wisata Nusantara"

[[sources]]
kind = "exports"
path = "{inbox / "content"}"

[[sources]]
kind = "exports"
path = "{inbox / "insights"}"
account = "instagram:17841400000000001"

[[targets]]
objective = "community"
metric = "engagement_rate"
scope = "instagram"
period = "2026-09"
target = 0.08
direction = "higher"

[[targets]]
objective = "community"
metric = "engagement_rate"
scope = "instagram"
period = "2026-08"
target = 0.08
direction = "higher"
""",
        encoding="utf-8",
    )
    db = tmp_path / "data" / "kunci.duckdb"
    _publish_directly(db, load_settings(str(config)), inputs.inbox(load_settings(str(config))))
    before = _metric_rows(db)
    latest_before = _query(db, "select * from model.int_post_latest order by post_id")
    september = inbox / "content/Sep-01-2026_Oct-07-2026_4963843775239898.csv"
    post_id = _late_export(september, inbox / "content/Sep-01-2026_Oct-10-2026_77.csv")

    summary = nightly_flow(db=str(db), config=str(config))

    assert [Path(o.path).name for o in summary.inputs if o.status == "loaded"] == [
        "Sep-01-2026_Oct-10-2026_77.csv"
    ]
    snapshots = _query(
        db,
        "select as_of_date, views, reach from core.post_metrics "
        f"where post_id = '{post_id}' order by as_of_date",
    )
    assert [s[0] for s in snapshots] == [date(2026, 9, 30), date(2026, 10, 7), date(2026, 10, 10)]
    assert snapshots[2][1:] == (snapshots[1][1] + 100, snapshots[1][2] + 100)
    latest_after = _query(db, "select * from model.int_post_latest order by post_id")
    changed = [a for a, b in zip(latest_after, latest_before, strict=True) if a != b]
    assert [row[1] for row in changed] == [post_id]
    published = changed[0][3]
    assert isinstance(published, date) and published.month == 9

    after = _metric_rows(db)
    assert list(after) == list(before)
    differing = set()
    for table, rows in after.items():
        old = [r for r in before[table] if r not in rows]
        new = [r for r in rows if r not in before[table]]
        assert len(old) == len(new), table  # changed in place: no row appears or disappears
        strays = [r for r in old + new if not _belongs_to(r, published)]
        assert strays == [], table
        differing |= {table} if new else set()
    # engagements and impressions of the post's day, its week and its month, the shares of its
    # month's content types, and the September target; nothing of other dates or accounts
    assert differing == {
        f"{objective}_{grain}"
        for objective in ("awareness", "community", "traffic")
        for grain in ("daily", "weekly", "monthly")
    } | {"insights_content", "scorecard"}
    august = [r for r in after["scorecard"] if r["period"] == "2026-08"]
    assert august == [r for r in before["scorecard"] if r["period"] == "2026-08"]
