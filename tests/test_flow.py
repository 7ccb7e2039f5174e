"""The Prefect flows under the test harness, and the CLI end to end on real files."""

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from flows.cli import commands as cli
from flows.run import orchestration
from tests.conftest import DEMO_CONFIG, REPO
from tests.test_crash import _contents

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _query(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_nightly_on_the_demo_publishes_every_table(workdir: Path) -> None:
    from flows.run.nightly import nightly_flow

    summary = nightly_flow(db="data/kunci.duckdb", config=str(DEMO_CONFIG))

    db = workdir / "data" / "kunci.duckdb"
    assert summary.published and summary.failed == []
    assert {o.status for o in summary.inputs} == {"loaded"}
    assert not (workdir / "data" / "kunci.duckdb.building").exists()
    accounts = _query(
        db, "select distinct platform, account_id from metrics.community_daily order by all"
    )
    assert accounts == [
        ("facebook", "104738291650432"),
        ("instagram", "17841400000000001"),
        ("instagram", "17841400000000099"),
        ("linkedin", "81234567"),
        ("tiktok", "6975312468024681357"),
        ("x", "wisatanusantara"),
        ("youtube", "UCk9fW2vNqXr7bTz3LmPa4Hd"),
    ]
    core = {
        table: _query(db, f"select count(*) from core.{table}")[0][0]
        for table in (
            "post",
            "post_metrics",
            "post_daily",
            "account_daily",
            "audience",
            "audience_activity",
            "ad_daily",
            "ad_period",
            "web_traffic_daily",
            "web_traffic_period",
            "mention",
        )
    }
    assert all(core.values()), core
    objectives = (
        "awareness_daily",
        "traffic_daily",
        "community_daily",
        "conversion_daily",
        "leads_daily",
        "insights_audience",
        "insights_activity",
    )
    assert all(_query(db, f"select count(*) > 0 from metrics.{t}") == [(True,)] for t in objectives)
    assert _query(db, "select count(*) > 20 from metrics.catalog") == [(True,)]
    # the demo fills every objective's tables, and its targets all have an actual
    assert [t for t, rows in summary.tables.items() if rows == 0] == []
    assert _query(db, "select count(*) from metrics.scorecard where status <> 'no_data'") == [(10,)]
    ledger = _query(
        db,
        "select count(*), sum(rows_read) = sum(rows_loaded + rows_quarantined + rows_skipped) "
        "from ops.load where status = 'loaded'",
    )
    assert ledger == [(len(summary.inputs), True)]

    # the same run without Prefect (what `kunci run nightly` does with no Prefect API) gives
    # the same tables and ledger, row for row
    local_db = workdir / "local" / "kunci.duckdb"
    local = orchestration.run_nightly(Path("local/kunci.duckdb"), str(DEMO_CONFIG), None)
    assert (local.flow, local.published, local.tables) == (summary.flow, True, summary.tables)
    assert [(o.path, o.status, o.rows_loaded) for o in local.inputs] == [
        (o.path, o.status, o.rows_loaded) for o in summary.inputs
    ]
    assert _contents(local_db) == _contents(db)  # every core, metrics and ops table but ops.run
    runs = "select flow, replace(parameters, 'local/', 'data/'), status, inputs from ops.run"
    assert _query(local_db, runs) == _query(db, runs)

    metrics_before = _query(db, "select * from metrics.community_daily order by all")
    again = nightly_flow(db="data/kunci.duckdb", config=str(DEMO_CONFIG))
    assert {o.status for o in again.inputs} == {"skipped"}
    assert (summary.rebuilt, again.rebuilt) == (True, False)  # nothing new: no rebuild
    assert again.tables == summary.tables
    assert _query(db, "select * from metrics.community_daily order by all") == metrics_before
    assert _query(db, "select count(*) from ops.load") == [(len(summary.inputs),)]


def _ingest(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(["ingest", "--config", str(DEMO_CONFIG), *args])
    return code, capsys.readouterr().out


BAD_INPUTS = {
    "empty.csv": (b"", "file is empty"),
    "truncated.csv": (
        b"Date,Impressions,New follows,Unfollows,Create Post\n"
        b'"Tue, Feb 18, 2025",62,1,0,0\n"Mon, Feb',
        "truncated",
    ),
    "utf16_without_bom.csv": ("Date,Views\n".encode("utf-16-le"), "wrong encoding"),
    "unknown.csv": (b"Foo,Bar\n1,2\n", "unknown format"),
    "nearly_x.csv": (
        b"Post id,Date,Post text,Impressions\n1,Mon Feb 17 2025,hi,3\n",
        "closest is x_account_content",
    ),
}


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_fails_alone_with_one_line(
    workdir: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data, message = BAD_INPUTS[name]
    path = workdir / name
    path.write_bytes(data)

    code, out = _ingest(str(path), capsys=capsys)

    failed = [line for line in out.splitlines() if line.startswith("  FAILED")]
    assert code == 1
    assert len(failed) == 1 and str(path) in failed[0] and message in failed[0]
    db = workdir / "data" / "kunci.duckdb"
    rows = _query(db, f"select status, error from ops.load where source = '{path}'")
    assert len(rows) == 1 and rows[0][0] == "failed" and message in str(rows[0][1])
    core = _query(
        db,
        "select (select count(*) from core.post) + (select count(*) from core.account_daily)",
    )
    assert core == [(0,)]


def test_missing_path_and_mixed_folder(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = workdir / "mixed"
    folder.mkdir()
    (folder / "notes.txt").write_text("meeting notes, not an export\n", encoding="utf-8")
    (folder / "empty.csv").write_bytes(b"")
    good = REPO / "data/demo/inbox/x/overview"
    for item in good.iterdir():
        (folder / item.name).write_bytes(item.read_bytes())
    missing = workdir / "nope.csv"

    code = cli.main(
        [
            "ingest",
            "--json",
            "--config",
            str(DEMO_CONFIG),
            "--account",
            "x:wisatanusantara",
            str(folder),
            str(missing),
        ]
    )
    results = {Path(i["path"]).name: i for i in json.loads(capsys.readouterr().out)["inputs"]}

    assert code == 1
    assert results["nope.csv"]["error"] == "no such file or directory"
    assert results["empty.csv"]["error"] == "file is empty"
    assert results["notes.txt"]["status"] == "failed"
    overview = results["account_overview_analytics_2026-07-03_2026-09-30.csv"]
    assert (overview["status"], overview["rows_loaded"]) == ("loaded", 90)
    assert set(overview) >= {
        "path",
        "format",
        "platform",
        "rows_read",
        "rows_loaded",
        "rows_quarantined",
        "rows_skipped",
        "status",
        "error",
    }


def test_period_flag_is_validated(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["ingest", "x.csv", "--period", "2026-09-30:2026-09-01"]) == 2
    assert capsys.readouterr().err == (
        "kunci ingest: --period '2026-09-30:2026-09-01' is not START:END "
        "(e.g. 2026-07-01:2026-07-31)\n"
    )
    assert not (workdir / "data").exists()  # refused before anything was written


def test_status_and_metrics_read_the_published_file(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["status"]) == 2
    assert "no database yet" in capsys.readouterr().err
    cli.main(["build", "--config", str(DEMO_CONFIG)])
    capsys.readouterr()
    assert cli.main(["metrics", "--json"]) == 0
    metrics = {m["metric"] for m in json.loads(capsys.readouterr().out)}
    assert {"engagement_rate", "amplification_rate", "comment_score"} <= metrics
    assert cli.main(["status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["loads_failed"] == 0


HOLD_READ_ONLY = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("select count(*) from ops.load").fetchone()[0], flush=True)
sys.stdin.read()
"""


def test_read_only_analyst_does_not_block_the_run(workdir: Path) -> None:
    from prefect.settings import PREFECT_API_URL

    kunci = (
        [str(REPO / ".venv/bin/kunci")]
        if (REPO / ".venv/bin/kunci").exists()
        else [sys.executable, "-m", "flows.cli.commands"]
    )
    # the session's Prefect server: no ephemeral server to start for each command
    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
    overview = REPO / "data/demo/inbox/x/overview"
    first = subprocess.run(
        [
            *kunci,
            "ingest",
            str(overview),
            "--account",
            "x:wisatanusantara",
            "--config",
            str(DEMO_CONFIG),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )
    assert first.returncode == 0, first.stderr[-2000:]
    db = workdir / "data" / "kunci.duckdb"

    analyst = subprocess.Popen(
        [sys.executable, "-c", HOLD_READ_ONLY, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert analyst.stdout is not None
        assert analyst.stdout.readline().strip() == "1"
        run = subprocess.run(
            [*kunci, "run", "nightly", "--config", str(DEMO_CONFIG)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env=env,
        )
        assert analyst.poll() is None, "the analyst session must still be open"
    finally:
        analyst.communicate("", timeout=30)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "published" in run.stdout
    loads = _query(db, "select count(*) from ops.load")[0][0]
    assert isinstance(loads, int) and loads > 1


def test_formats_lists_every_registered_format(capsys: pytest.CaptureFixture[str]) -> None:
    from transforms.formats import FORMATS

    assert cli.main(["formats", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [f["format"] for f in listed] == [spec.name for spec in FORMATS]
    content = next(f for f in listed if f["format"] == "meta_business_suite_content")
    assert content["required_columns"]["id"] == [
        "ID Postingan",
        "Waktu penerbitan",  # INDONESIAN_UI.md: level B (E9)
        "Permalink",
        "Jangkauan",
    ]
