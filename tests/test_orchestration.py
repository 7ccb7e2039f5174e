"""Deployments, serving, run records and the run summary; one test through a real Prefect server."""

import asyncio
import inspect
import json
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
import requests
import yaml  # type: ignore[import-untyped]

from flows.load import store
from flows.load.outcomes import LoadOutcome
from flows.run import runs, serve
from flows.run.nightly import io_error
from tests.conftest import DEMO_CONFIG, REPO
from transforms.errors import InputError

OVERVIEW = DEMO_CONFIG.parent / "inbox/x/overview"


def _declared() -> dict[str, dict[str, Any]]:
    raw = yaml.safe_load(serve.PREFECT_YAML.read_text(encoding="utf-8"))
    return {entry["name"]: entry for entry in raw["deployments"]}


def test_prefect_yaml_is_what_prefect_deploy_accepts() -> None:
    from prefect.cli.deploy._models import PrefectYamlModel, RawScheduleConfig
    from prefect.server.schemas.schedules import CronSchedule

    raw = yaml.safe_load(serve.PREFECT_YAML.read_text(encoding="utf-8"))
    model = PrefectYamlModel.model_validate(raw)  # what `prefect deploy` validates
    assert [d.name for d in model.deployments] == ["nightly", "backfill"]
    assert {d.work_pool.name for d in model.deployments if d.work_pool} == {"kunci"}
    nightly, backfill = _declared()["nightly"], _declared()["backfill"]
    schedules = [RawScheduleConfig.model_validate(s) for s in nightly["schedules"]]
    assert [s.model_dump(exclude_unset=True) for s in schedules] == [
        {"cron": "0 2 * * *", "timezone": "Asia/Jakarta"}
    ]
    assert "schedules" not in backfill  # on demand only
    schedule = CronSchedule(cron="0 2 * * *", timezone="Asia/Jakarta")
    fires = asyncio.run(schedule.get_dates(n=2, start=datetime(2026, 11, 26, 12, tzinfo=UTC)))
    # 02:00 in Jakarta (UTC+7, no daylight saving) is 19:00 UTC the evening before
    assert [f.astimezone(UTC) for f in fires] == [
        datetime(2026, 11, 26, 19, tzinfo=UTC),
        datetime(2026, 11, 27, 19, tzinfo=UTC),
    ]


def test_deployment_entrypoints_are_flows_taking_the_declared_parameters() -> None:
    specs = {spec.name: spec for spec in serve.read_specs()}
    required_at_run_time = {"nightly": set(), "backfill": {"start", "end"}}
    names = {"nightly": "kunci-nightly", "backfill": "kunci-backfill"}
    for name, spec in specs.items():
        flow = spec.load_flow()
        assert flow.name == names[name]
        signature = inspect.signature(flow.fn).parameters
        assert set(spec.parameters) <= set(signature), name
        required = {p for p, v in signature.items() if v.default is inspect.Parameter.empty}
        assert required - set(spec.parameters) == required_at_run_time[name]
        given = {"start": "2026-07-01", "end": "2026-09-30"} if name == "backfill" else {}
        validated = flow.validate_parameters({**spec.parameters, **given})
        assert validated["db"] == "data/kunci.duckdb" and validated["config"] == "kunci.toml"
    assert specs["backfill"].parameters == {
        "db": "data/kunci.duckdb",
        "config": "kunci.toml",
        "source": None,
        "account": None,
        "replay": False,
    }


def test_serving_uses_the_given_database_and_configuration(tmp_path: Path) -> None:
    db = tmp_path / "data" / "kunci.duckdb"

    served = serve.deployments(db, str(DEMO_CONFIG))

    assert [d.name for d in served] == ["nightly", "backfill"]
    nightly = served[0]
    assert nightly.entrypoint == "flows.run.nightly.nightly_flow"  # imported by module, any cwd
    assert nightly.parameters == {"db": str(db.resolve()), "config": str(DEMO_CONFIG.resolve())}
    assert [(s.schedule.cron, s.schedule.timezone) for s in nightly.schedules] == [  # type: ignore[union-attr]
        ("0 2 * * *", "Asia/Jakarta")
    ]
    assert [d.name for d in serve.deployments(db, str(DEMO_CONFIG), ["backfill"])] == ["backfill"]
    with pytest.raises(InputError, match=r"no deployment weekly in .*known: nightly, backfill"):
        serve.deployments(db, None, ["weekly"])


def test_serving_needs_a_prefect_server(tmp_path: Path) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with (
        temporary_settings(restore_defaults={PREFECT_API_URL}),
        pytest.raises(InputError, match="PREFECT_API_URL is not set: start a server"),
    ):
        serve.serve(tmp_path / "kunci.duckdb")


def test_only_io_errors_are_retried() -> None:
    from prefect.states import Failed

    def retried(error: BaseException) -> bool:
        return io_error(None, None, Failed(data=error))  # type: ignore[arg-type]

    assert retried(OSError(116, "Stale file handle"))
    assert retried(duckdb.IOException("could not write to file"))
    assert not retried(TimeoutError("Task run exceeded timeout of 900 second(s)"))
    assert not retried(KeyError("impressions"))
    assert not retried(duckdb.ConversionException("could not convert"))


def _outcome(path: str, status: str, read: int = 0, quarantined: int = 0) -> LoadOutcome:
    error = "file is empty" if status == "failed" else None
    return LoadOutcome(
        path,
        status,
        rows_read=read,
        rows_loaded=read - quarantined,
        rows_quarantined=quarantined,
        error=error,
        load_id=7,
    )


def _summary(db: Path) -> runs.RunSummary:
    return runs.RunSummary(
        db=str(db),
        run_id="7c0ffee0-0000-4000-8000-000000000001",
        flow="kunci-nightly",
        parameters={"db": str(db), "config": None},
        started_at=datetime(2026, 10, 8, 19, 0, tzinfo=UTC),
        inputs=[
            _outcome("inbox/a.csv", "loaded", read=90, quarantined=2),
            _outcome("inbox/b.csv", "skipped"),
            _outcome("inbox/c.csv", "failed"),
        ],
        tables={"metrics.awareness_daily": 93, "metrics.catalog": 93},
        rebuilt=True,
        baseline=runs.Baseline(tables={"metrics.awareness_daily": 90, "metrics.catalog": 93}),
    )


def test_run_records_in_the_working_file(tmp_path: Path) -> None:
    db = tmp_path / "kunci.duckdb"
    con = store.connect(db)
    assert runs.recent_runs(con) == []  # a file from before ops.run: nothing to show
    store.apply_schema(con)
    summary = _summary(db)
    con.execute(
        "insert into ops.build (max_load_id, fingerprint, tables) values (7, 'f', ?)",
        [json.dumps(summary.baseline.tables)],
    )
    summary.rebuilt = False  # as when nothing changed: the previous build is the baseline

    assert runs.begin(con, summary).tables == summary.baseline.tables
    assert [(r["status"], r["published"], r["finished_at"]) for r in runs.recent_runs(con)] == [
        ("running", False, None)
    ]
    summary.rebuilt = True
    assert runs.finish(con, summary) == (1, [])

    (record,) = runs.recent_runs(con)
    con.close()
    expected = {
        "run_id": summary.run_id,
        "flow": "kunci-nightly",
        "parameters": {"config": None, "db": str(db)},
        "status": "failed",
        "inputs": 3,
        "inputs_loaded": 1,
        "inputs_skipped": 1,
        "inputs_failed": 1,
        "rows_read": 90,
        "rows_loaded": 88,
        "rows_quarantined": 2,
        "rows_skipped": 0,
        "tables_rebuilt": 2,
        "build_id": 1,
        "published": True,
        "error": summary.message(),
    }
    assert {k: record[k] for k in expected} == expected
    assert record["started_at"] == summary.started_at
    assert record["finished_at"] > summary.started_at
    assert summary.message() == (
        "kunci-nightly run failed: inbox/c.csv: file is empty. Still published to "
        f"{db}: 1 inputs loaded (88 rows, 2 quarantined), 1 already loaded, "
        "2 metric tables rebuilt."
    )
    assert runs.describe(record) == (
        "2026-10-08 19:00 UTC kunci-nightly  failed    3 inputs (1 loaded, 1 skipped, 1 failed), "
        "88 rows loaded, 2 quarantined, 2 tables rebuilt\n    " + summary.message()
    )


def test_summary_markdown_shows_loads_failures_quarantine_and_deltas(tmp_path: Path) -> None:
    summary = _summary(tmp_path / "kunci.duckdb")
    summary.report = str(tmp_path / "report.html")
    summary.headlines = runs.headlines(
        {("community", "engagement_rate", "instagram", "2026-09"): (0.0791, "at_risk")},
        {
            ("community", "engagement_rate", "instagram", "2026-09"): (0.0812, "met"),
            ("awareness", "impressions", "all", "2026-Q3"): (3465123.0, "met"),
        },
    )

    text = runs.markdown(summary)

    assert text.splitlines()[:3] == ["# kunci-nightly: failed", "", f"Published `{summary.db}`"]
    for part in (
        "| 3 | 1 | 1 | 1 | 90 | 88 | 2 | 0 |",
        "## Failures\n\n- `inbox/c.csv`: file is empty\n",
        "## Quarantine\n\n- `inbox/a.csv`: 2 of 90 rows (see ops.quarantine, load_id 7)\n",
        "| metrics.awareness_daily | 90 | 93 | +3 |",
        "1 tables rebuilt with unchanged row counts.",
        "- awareness impressions all 2026-Q3: no data → 3,465,123 (new → met)\n"
        "- community engagement_rate instagram 2026-09: 0.0791 → 0.0812 (at_risk → met)\n",
        f"report: `{summary.report}`",
    ):
        assert part in text, part
    summary.rebuilt = False
    assert runs.markdown(summary).endswith(
        "## Metrics\n\nNothing new since the last build: tables kept as they were.\n"
    )


# --- a real Prefect server ---------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(condition: Any, what: str, seconds: float = 120) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if result := condition():
                return result
        except (requests.ConnectionError, LookupError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)


SERVE = """
import sys
from pathlib import Path
from flows.run.serve import serve
serve(Path(sys.argv[1]), sys.argv[2], ["nightly"])
"""


@pytest.mark.flow
def test_nightly_runs_through_its_deployment_on_a_local_server(tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.objects import FlowRun
    from prefect.deployments import run_deployment
    from prefect.exceptions import ObjectNotFound
    from prefect.settings import PREFECT_API_URL, temporary_settings

    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [
            str(REPO / ".venv/bin/prefect"),
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    served: subprocess.Popen[bytes] | None = None
    try:
        _wait(lambda: requests.get(f"{api}/health", timeout=2).ok, "the Prefect server")
        client_env = {**env, "PREFECT_API_URL": api}
        with temporary_settings(updates={PREFECT_API_URL: api}), get_client(sync_client=True) as c:
            c.create_work_pool(WorkPoolCreate(name="kunci", type="process"))
            deploy = subprocess.run(
                [str(REPO / ".venv/bin/prefect"), "--no-prompt", "deploy", "--all"],
                cwd=REPO,
                env=client_env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert deploy.returncode == 0, deploy.stdout[-2000:] + deploy.stderr[-2000:]
            deployed = c.read_deployment_by_name("kunci-backfill/backfill")
            schema = deployed.parameter_openapi_schema
            assert schema is not None and schema["required"] == ["db", "start", "end"]

            inbox = tmp_path / "inbox"
            inbox.mkdir()
            for export in OVERVIEW.iterdir():
                (inbox / export.name).write_bytes(export.read_bytes())
            config = tmp_path / "kunci.toml"
            config.write_text(
                '[workspace]\nas_of = "2026-10-08"\n\n[[accounts]]\nplatform = "x"\n'
                'account_id = "wisatanusantara"\n\n[[sources]]\nkind = "exports"\n'
                f'path = "{inbox}"\naccount = "x:wisatanusantara"\n',
                encoding="utf-8",
            )
            db = tmp_path / "data" / "kunci.duckdb"
            served = subprocess.Popen(
                [sys.executable, "-c", SERVE, str(db), str(config)],
                cwd=tmp_path,
                env=client_env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

            def registered() -> Any:
                try:
                    found = c.read_deployment_by_name("kunci-nightly/nightly")
                except ObjectNotFound:
                    return None
                return found if found.parameters["db"] == str(db) else None

            nightly = _wait(registered, "kunci serve to register the nightly deployment")
            assert [(s.schedule.cron, s.schedule.timezone) for s in nightly.schedules] == [
                ("0 2 * * *", "Asia/Jakarta")
            ]
            run = run_deployment("kunci-nightly/nightly", timeout=240, poll_interval=0.5)

            assert isinstance(run, FlowRun)
            assert run.state is not None and run.state.is_completed(), run.state
            (artifact,) = c.read_artifacts(
                artifact_filter=ArtifactFilter(
                    key=ArtifactFilterKey(any_=["kunci-nightly-summary"])
                )
            )
    finally:
        if served is not None:
            _stop(served)
        _stop(server)
        log.close()

    assert artifact.flow_run_id == run.id
    assert str(artifact.data).startswith(f"# kunci-nightly: completed\n\nPublished `{db}`")
    assert "| 1 | 1 | 0 | 0 | 90 | 90 | 0 | 0 |" in str(artifact.data)
    con = duckdb.connect(str(db), read_only=True)
    try:
        record = con.execute(
            "select run_id, flow, parameters, status, inputs_loaded, published from ops.run"
        ).fetchall()
        days = con.execute("select count(*) from metrics.awareness_daily").fetchone()
    finally:
        con.close()
    parameters = json.dumps({"config": str(config), "db": str(db), "lock_wait_seconds": None})
    assert record == [(str(run.id), "kunci-nightly", parameters, "completed", 1, True)]
    assert days == (90,)
    assert "<html" in (db.parent / "report.html").read_text(encoding="utf-8").lower()
