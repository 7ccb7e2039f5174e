"""Backfills over the fake APIs: identical tables when run twice, replay, resume after a failure.

The flow tests call the Prefect flow; the command tests run `kunci run backfill` as a child
process, as people do, tracked (a Prefect API configured) or local (none: no Prefect imported).
"""

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.run.backfill import backfill_flow
from tests.conftest import REPO
from tests.fakeapi import FakeApi, Reply, Request
from tests.fakeapi.workspace import TOKENS, install_all, write_config
from tests.test_localrun import SAY_IF_PREFECT_WAS_IMPORTED

pytestmark = pytest.mark.flow
START, END = date(2026, 10, 1), date(2026, 11, 23)
GA4_REPORT = "/v1beta/properties/345678901:runReport"


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeApi]:
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)
    with FakeApi() as fake:
        install_all(fake)
        yield fake


def _content(db: Path, schemas: tuple[str, ...] = ("core", "metrics")) -> dict[str, list[str]]:
    """Every table of the schemas, without provenance, as sorted rows: content, not counts."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name in "
            f"({', '.join('?' * len(schemas))}) order by all",
            list(schemas),
        ).fetchall()
        content = {}
        for schema, table in tables:
            columns = [
                name
                for (name,) in con.execute(
                    "select column_name from duckdb_columns() where schema_name = ? "
                    "and table_name = ? and column_name not in ('load_id', 'built_at') "
                    "order by column_index",
                    [schema, table],
                ).fetchall()
            ]
            quoted = ", ".join(f'"{name}"' for name in columns)
            rows = con.execute(f"select {quoted} from {schema}.{table}").fetchall()
            content[f"{schema}.{table}"] = sorted(map(repr, rows))
        return content
    finally:
        con.close()


def test_the_same_backfill_twice_gives_identical_tables_and_replay_gives_the_same_core(
    tmp_path: Path, api: FakeApi, prefect_harness: None
) -> None:
    config = str(write_config(tmp_path, api.base_url))
    db = tmp_path / "data" / "kunci.duckdb"
    first = backfill_flow(str(db), START, END, config=config)
    assert [(c.start, c.end) for c in first.chunks] == [
        (date(2026, 10, 1), date(2026, 10, 30)),
        (date(2026, 10, 31), date(2026, 11, 23)),
    ]
    assert not first.failed
    before = _content(db)
    assert len(before["core.web_traffic_daily"]) == 35
    assert before["metrics.community_daily"]

    second = backfill_flow(str(db), START, END, config=config)
    assert not any(c.done_before for c in second.chunks)  # a finished backfill starts over
    assert _content(db) == before

    db.unlink()  # the database is lost; the raw zone beside it is all that is left
    replayed = backfill_flow(str(db), START, END, replay=True, config=config)
    assert sum(len(c.outcomes) for c in replayed.chunks) == 84  # 2 runs x 42 pulls (21 x 2 chunks)
    assert _content(db) == before


def _backfill_command(
    tmp_path: Path, db: Path, config: str, *options: str, prefect_api: str | None = None
) -> tuple[subprocess.CompletedProcess[str], float]:
    """`kunci run backfill START..END OPTIONS` in a child; tracked iff `prefect_api`; wall time."""
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "KUNCI_DB")}
    env["PYTHONPATH"] = str(REPO)
    if prefect_api:
        env["PREFECT_API_URL"] = prefect_api
    code = (
        f"{SAY_IF_PREFECT_WAS_IMPORTED}\nfrom flows.cli import commands\n"
        "sys.exit(commands.main(sys.argv[1:]))"
    )
    dates = ["--start", START.isoformat(), "--end", END.isoformat()]
    command = ["run", "backfill", *dates, "--config", config, "--db", str(db), *options]
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code, *command],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return done, time.monotonic() - began


def test_a_local_backfill_imports_no_prefect_and_gives_the_tables_of_the_prefect_flow(
    tmp_path: Path, api: FakeApi, prefect_harness: None
) -> None:
    from prefect.settings import PREFECT_API_URL

    config = str(write_config(tmp_path, api.base_url))
    db = tmp_path / "data" / "kunci.duckdb"
    backfill_flow(str(db), START, END, config=config)  # fills the raw zone beside the database
    pulled = _content(db)

    db.unlink()
    server = str(PREFECT_API_URL.value())  # the session's server: no temporary one to start
    tracked, tracked_seconds = _backfill_command(
        tmp_path, db, config, "--replay", "--json", prefect_api=server
    )
    assert tracked.returncode == 0, tracked.stderr[-2000:]
    assert tracked.stderr.endswith("prefect imported: True\n")
    assert _content(db) == pulled

    db.unlink()
    local, local_seconds = _backfill_command(tmp_path, db, config, "--replay", "--json")
    assert local.returncode == 0, local.stderr[-2000:]
    assert local.stderr == "prefect imported: False\n"  # no Prefect log, server or traceback
    assert _content(db) == pulled
    assert json.loads(local.stdout) == json.loads(tracked.stdout)  # chunks, pulls, rows, load ids
    # The same work without importing Prefect or reporting to a server. Shown with `pytest -s`.
    print(f"replay backfill: local {local_seconds:.2f} s, tracked {tracked_seconds:.2f} s")
    assert local_seconds < tracked_seconds


def test_an_interrupted_backfill_resumes_at_its_first_unfinished_chunk(
    tmp_path: Path, api: FakeApi, prefect_harness: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = str(write_config(tmp_path, api.base_url))
    db = tmp_path / "data" / "kunci.duckdb"
    answer = api.answer

    def refuse_second_chunk(request: Request) -> Reply:
        """The property refuses every report of the second chunk until the fault is lifted."""
        if (
            request.path == GA4_REPORT
            and request.json()["dateRanges"][0]["startDate"] >= "2026-10-31"
        ):
            return Reply.json(
                {
                    "error": {
                        "code": 400,
                        "message": "backend refused",
                        "status": "FAILED_PRECONDITION",
                    }
                },
                status=400,
            )
        return answer(request)

    monkeypatch.setattr(api, "answer", refuse_second_chunk)
    broken = backfill_flow(str(db), START, END, source=["ga4"], config=config)
    assert [len(c.failed) for c in broken.chunks] == [0, 1]
    monkeypatch.setattr(api, "answer", answer)

    resumed = backfill_flow(str(db), START, END, source=["ga4"], config=config)
    assert [c.done_before for c in resumed.chunks] == [True, False]
    assert not resumed.failed

    clean = tmp_path / "clean" / "kunci.duckdb"
    backfill_flow(str(clean), START, END, source=["ga4"], config=config)
    assert _content(db, ("core",)) == _content(clean, ("core",))


def test_a_local_backfill_reports_a_failed_pull_in_one_line_and_resumes(
    tmp_path: Path, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = str(write_config(tmp_path, api.base_url))
    db = tmp_path / "data" / "kunci.duckdb"
    answer = api.answer

    def refuse_second_chunk(request: Request) -> Reply:
        if (
            request.path == GA4_REPORT
            and request.json()["dateRanges"][0]["startDate"] >= "2026-10-31"
        ):
            error = {"code": 400, "message": "backend refused", "status": "FAILED_PRECONDITION"}
            return Reply.json({"error": error}, status=400)
        return answer(request)

    monkeypatch.setattr(api, "answer", refuse_second_chunk)
    broken, _seconds = _backfill_command(tmp_path, db, config, "--source", "ga4")
    assert broken.returncode == 1, broken.stderr[-2000:]
    assert broken.stderr == "prefect imported: False\n"
    lines = broken.stdout.splitlines()
    assert lines[0] == "2026-10-01..2026-10-30: 1 pulls, 0 failed"
    assert lines[1] == "2026-10-31..2026-11-23: 1 pulls, 1 failed"
    assert lines[2].startswith("  FAILED api://ga4") and "backend refused" in lines[2]
    assert lines[3:] == [f"published {db}"]
    monkeypatch.setattr(api, "answer", answer)

    resumed, _seconds = _backfill_command(tmp_path, db, config, "--source", "ga4", "--json")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    chunks = json.loads(resumed.stdout)["chunks"]
    assert [c["done_before"] for c in chunks] == [True, False]
    assert json.loads(resumed.stdout)["failed"] == 0


def test_a_backfill_whose_later_chunk_crashed_says_what_it_published_and_what_failed(
    tmp_path: Path,
    api: FakeApi,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A defect in the second chunk's pulls: the first stays published, the command says so."""
    from flows.cli import commands
    from flows.run import backfill_run

    config = str(write_config(tmp_path, api.base_url))
    db = tmp_path / "data" / "kunci.duckdb"
    load_sources = backfill_run.runner.load_sources

    def crash_in_second_chunk(*args: object, **kwargs: Any) -> object:
        if kwargs["requested"].start >= date(2026, 10, 31):
            raise RuntimeError("a defect in the pulls")
        return load_sources(*args, **kwargs)

    monkeypatch.setattr(backfill_run.runner, "load_sources", crash_in_second_chunk)
    dates = ["--start", START.isoformat(), "--end", END.isoformat()]
    command = ["run", "backfill", *dates, "--source", "ga4", "--config", config, "--db", str(db)]
    assert commands.main(command) == commands.EXIT_ERROR
    shown = capsys.readouterr()
    assert shown.out == "2026-10-01..2026-10-30: 1 pulls, 0 failed\n"
    assert shown.err == (
        "kunci run: backfill chunk 2026-10-31..2026-11-23 failed (RuntimeError: a defect in the "
        f"pulls); published before it in {db}: 2026-10-01..2026-10-30 (1 chunk); "
        "rerun the same backfill to resume at 2026-10-31\n"
    )
    con = duckdb.connect(str(db), read_only=True)
    try:
        chunks = con.execute("select chunk_start, chunk_end from ops.backfill_chunk").fetchall()
        last_day = con.execute("select max(date) from core.web_traffic_daily").fetchone()
    finally:
        con.close()
    assert chunks == [(date(2026, 10, 1), date(2026, 10, 30))]
    assert last_day is not None and date(2026, 10, 1) <= last_day[0] <= date(2026, 10, 30)

    assert commands.main([*command, "--json"]) == commands.EXIT_ERROR  # resumes, crashes again
    crashed = json.loads(capsys.readouterr().out)
    assert crashed["status"] == "error" and "published before it" in crashed["error"]
    assert [(c["start"], c["done_before"]) for c in crashed["chunks"]] == [("2026-10-01", True)]

    monkeypatch.setattr(backfill_run.runner, "load_sources", load_sources)
    assert commands.main([*command, "--json"]) == commands.EXIT_OK
    chunks = json.loads(capsys.readouterr().out)["chunks"]
    assert [(c["start"], c["done_before"]) for c in chunks] == [
        ("2026-10-01", True),
        ("2026-10-31", False),
    ]
    assert len(_content(db, ("core",))["core.web_traffic_daily"]) == 35  # as a clean backfill


def test_a_backfill_whose_first_chunk_crashed_says_the_database_is_unchanged(
    tmp_path: Path,
    api: FakeApi,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from flows.cli import commands
    from flows.run import backfill_run

    config = str(write_config(tmp_path, api.base_url))
    db = tmp_path / "data" / "kunci.duckdb"

    def crash(*args: object, **kwargs: object) -> object:
        raise RuntimeError("a defect in the pulls")

    monkeypatch.setattr(backfill_run.runner, "load_sources", crash)
    dates = ["--start", START.isoformat(), "--end", END.isoformat()]
    command = ["run", "backfill", *dates, "--source", "ga4", "--config", config, "--db", str(db)]
    assert commands.main(command) == commands.EXIT_ERROR
    shown = capsys.readouterr()
    assert shown.out == ""
    assert shown.err.startswith("kunci run: backfill chunk 2026-10-01..2026-10-30 failed")
    assert f"nothing of it was published, {db} is unchanged" in shown.err
    assert not db.exists()
