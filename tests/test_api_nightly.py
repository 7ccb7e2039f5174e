"""`kunci run nightly --config FILE` with all seven API kinds against a fake API on 127.0.0.1.

The nightly runs as a real process (Prefect in ephemeral mode) against the fake Graph, Meta ads,
YouTube, GA4, TikTok, LinkedIn and X APIs served from this test process; then the raw zone is
replayed into a fresh database without network and must give the same canonical rows; then every
file under the data directory, Prefect's home and the run's output is scanned for the tokens.
The same run must fill every objective's metric tables from API data alone, and its requests are
counted per connector (the figures of docs/DECISIONLOG.md).
"""

import os
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from flows.api import runner
from flows.config.settings import load_settings
from flows.load import store
from flows.run import pipeline
from tests.fakeapi import FakeApi, Reply
from tests.fakeapi.workspace import TOKENS, install_all, write_config

pytestmark = pytest.mark.flow

CORE_TABLES = (
    "post",
    "post_metrics",
    "post_daily",
    "account_daily",
    "audience",
    "audience_activity",
    "web_traffic_daily",
)
IG_MEDIA = "/v24.0/17841400000000001/media"
SOCIAL = {"facebook", "instagram", "x", "tiktok", "youtube", "linkedin"}
CONNECTOR_PATHS = (  # the fake server's path prefix of each connector's requests
    ("/ads/", "meta_ads"),
    ("/v24.0/", "meta_graph"),
    ("/youtube/", "youtube_analytics"),  # the Data API: uploads
    ("/v2/reports", "youtube_analytics"),  # the Analytics API
    ("/v1beta/", "ga4"),
    ("/open_api/", "tiktok_business"),
    ("/li/rest/", "linkedin_community"),
    ("/2/", "x_api"),
)
FIRST_RUN_REQUESTS = {
    "meta_graph": 33,
    "meta_ads": 13,
    "youtube_analytics": 11,
    "ga4": 4,
    "tiktok_business": 5,
    "linkedin_community": 8,
    "x_api": 3,
}
Clean = tuple[Path, Path, str, Counter[str]]


@pytest.fixture
def api() -> Iterator[FakeApi]:
    """The three fake APIs on one loopback server, each accepting only its own token."""
    with FakeApi() as fake:
        install_all(fake)
        yield fake


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clean]:
    """One uninterrupted nightly run: its workspace, published database, output and requests."""
    tmp_path = tmp_path_factory.mktemp("clean")
    with FakeApi() as fake:
        install_all(fake)
        config = write_config(tmp_path, fake.base_url)
        db = tmp_path / "data" / "kunci.duckdb"
        run = _nightly(tmp_path, config, db, TOKENS)
        out, err = run.communicate(timeout=300)
        requests = Counter(_connector(r.path) for r in fake.requests)
    assert run.returncode == 0, err[-3000:]
    yield config, db, out + err, requests


def _connector(path: str) -> str:
    return next(kind for prefix, kind in CONNECTOR_PATHS if path.startswith(prefix))


def _env(tmp_path: Path, tokens: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in TOKENS}
    env.update(tokens)
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    env.pop("KUNCI_DB", None)
    return env


def _nightly(
    tmp_path: Path, config: Path, db: Path, tokens: dict[str, str]
) -> subprocess.Popen[str]:
    command = [
        str(Path(sys.executable).parent / "kunci"),
        "run",
        "nightly",
        "--config",
        str(config),
        "--db",
        str(db),
    ]
    return subprocess.Popen(
        command,
        cwd=tmp_path,
        env=_env(tmp_path, tokens),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a scheduler's job would be
    )


def _rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every core table's content without provenance, sorted: what two loads must agree on."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        content = {}
        for table in CORE_TABLES:
            columns = [
                name
                for (name,) in con.execute(
                    "select column_name from duckdb_columns() where schema_name = 'core' "
                    "and table_name = ? and column_name <> 'load_id' order by column_index",
                    [table],
                ).fetchall()
            ]
            content[table] = sorted(
                con.execute(f"select {', '.join(columns)} from core.{table}").fetchall(), key=str
            )
        return content
    finally:
        con.close()


def _scalar(db: Path, sql: str) -> object:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(sql).fetchone()
        assert row is not None
        return row[0]
    finally:
        con.close()


def _assert_no_token(roots: list[Path], texts: list[str]) -> None:
    for token in TOKENS.values():
        for text in texts:
            assert token not in text
        for root in roots:
            for path in root.rglob("*"):
                if path.is_file():
                    assert token.encode() not in path.read_bytes(), path


def test_nightly_loads_every_api_kind_replays_the_same_rows_and_keeps_tokens_secret(
    clean: Clean, tmp_path: Path
) -> None:
    config, db, output, _requests = clean
    rows = _rows(db)
    platforms = {table: {str(r[0]) for r in content} for table, content in rows.items()}
    assert platforms["post"] == SOCIAL
    assert platforms["account_daily"] == SOCIAL
    assert {"instagram", "youtube", "tiktok", "linkedin"} <= platforms["audience"]
    assert _scalar(db, "select sum(sessions) from core.web_traffic_daily") == 11550
    assert _scalar(db, "select count(*) from core.web_traffic_daily") == 35
    youtube_views = "select sum(video_views) from core.account_daily where platform = 'youtube'"
    assert _scalar(db, youtube_views) == 11925
    assert (
        _scalar(db, "select count(*) from ops.load where origin = 'api' and status = 'failed'") == 0
    )
    assert _scalar(db, "select count(*) from ops.quarantine") == 2  # two media without insights
    assert _scalar(db, "select count(*) from ops.api_state") == 21  # stream x account pairs

    replayed = tmp_path / "replayed" / "kunci.duckdb"
    settings = load_settings(str(config))
    con = store.connect(replayed)
    try:
        pipeline.initialise(con, settings)
        outcomes = runner.load_sources(con, settings, db.parent / "raw", replay=True)
    finally:
        con.close()
    assert outcomes and all(o.status == "loaded" for o in outcomes)
    assert _rows(replayed) == rows

    _assert_no_token([db.parent, db.parent.parent / "prefect"], [output])


def test_an_expired_token_fails_its_source_alone(tmp_path: Path, api: FakeApi) -> None:
    config = write_config(tmp_path, api.base_url)
    db = tmp_path / "data" / "kunci.duckdb"
    tokens = {**TOKENS, "META_TOKEN": "EXPIRED-" + secrets.token_hex(8)}
    run = _nightly(tmp_path, config, db, tokens)
    out, err = run.communicate(timeout=300)
    assert run.returncode == 1, err[-3000:]
    failed = _scalar(
        db, "select count(*) from ops.load where status = 'failed' and source like 'api://meta/%'"
    )
    assert isinstance(failed, int) and failed >= 1
    assert "api://meta/" in out + err
    assert _scalar(db, "select count(*) from core.post where platform = 'instagram'") == 0
    assert _scalar(db, "select sum(sessions) from core.web_traffic_daily") == 11550
    assert _scalar(db, "select count(*) from core.post where platform = 'youtube'") == 3
    assert "Traceback" not in out + err
    _assert_no_token([db.parent, tmp_path / "prefect"], [out, err])


def test_a_run_killed_mid_paging_leaves_nothing_and_the_rerun_equals_a_clean_run(
    tmp_path: Path, api: FakeApi, clean: Clean
) -> None:
    config = write_config(tmp_path, api.base_url)
    db = tmp_path / "data" / "kunci.duckdb"
    api.script("GET", IG_MEDIA, [Reply.delay(120)])
    run = _nightly(tmp_path, config, db, TOKENS)
    deadline = time.monotonic() + 240
    while not any(r.path == IG_MEDIA for r in api.requests):
        assert run.poll() is None, run.communicate()[1][-3000:]
        assert time.monotonic() < deadline
        time.sleep(0.2)
    os.killpg(run.pid, signal.SIGKILL)  # the run and its Prefect server, as a killed job dies
    run.wait(timeout=30)
    assert not db.exists()  # nothing was published, not even part of the run

    rerun = _nightly(tmp_path, config, db, TOKENS)
    _out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err[-3000:]
    assert _rows(db) == _rows(clean[1])


def test_api_data_alone_fills_every_objective_for_all_six_platforms(clean: Clean) -> None:
    _config, db, output, _requests = clean
    assert _scalar(db, "select count(*) from ops.load where origin <> 'api'") == 0
    for table in ("conversion_daily", "leads_daily"):  # Meta ads; GA4 key events
        assert _scalar(db, f"select count(*) from metrics.{table}") != 0, table
    platforms = "select list(distinct platform order by platform) from metrics.{}"
    for table in ("awareness_daily", "community_daily", "traffic_daily", "insights_content"):
        assert _scalar(db, platforms.format(table)) == sorted(SOCIAL), table
    assert _scalar(db, platforms.format("insights_audience")) == sorted(SOCIAL - {"x"})  # X: none
    # only Instagram (online_followers) and TikTok (audience_activity) serve hours of activity
    assert _scalar(db, platforms.format("insights_activity")) == ["instagram", "tiktok"]
    assert _scalar(db, "select count(sessions) from metrics.traffic_daily") != 0  # GA4, by source
    assert "metric tables: awareness_daily" in output


def test_one_nightly_makes_the_recorded_requests_per_connector(clean: Clean) -> None:
    requests = clean[3]
    print("requests of one nightly run, per connector:", dict(sorted(requests.items())))
    assert dict(requests) == FIRST_RUN_REQUESTS
