"""Many workspaces on one process work pool: `kunci deploy --pool` and two real Prefect workers.

The slow test starts a real Prefect server on 127.0.0.1 (its own PREFECT_HOME in tmp), deploys
two workspaces with `kunci deploy`, starts two process workers, runs both nightlies at once and
checks that both ran side by side and both DuckDB files were published. The fast test checks the
deployments `kunci deploy` would register, without a server.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
import requests

from flows.config.settings import REPO_ROOT
from flows.run import deploy
from tests.conftest import DEMO_CONFIG

X_EXPORTS = DEMO_CONFIG.parent / "inbox" / "x" / "content"
PREFECT = Path(sys.executable).parent / "prefect"


def _workspace(root: Path, name: str) -> Path:
    """A small workspace: one X account and the demo's X content exports."""
    config = root / "kunci.toml"
    root.mkdir(parents=True)
    config.write_text(
        f'[workspace]\nname = "{name}"\ntimezone = "Asia/Jakarta"\nas_of = "2026-10-08"\n\n'
        '[[accounts]]\nplatform = "x"\naccount_id = "wisatanusantara"\n'
        'handle = "wisatanusantara"\n\n'
        f'[[sources]]\nkind = "exports"\npath = "{X_EXPORTS}"\naccount = "x:wisatanusantara"\n',
        encoding="utf-8",
    )
    return config


def _demo_workspace(root: Path, name: str) -> Path:
    """A copy of the demo workspace (its 39 exports) under another name.

    Its nightly lasts long enough (several seconds under a flow run) that two runs picked up by
    two workers polling each second overlap: the X exports alone took about 2 s, and two such
    runs started 2.6 s apart did not.
    """
    shutil.copytree(DEMO_CONFIG.parent, root)
    config = root / "kunci.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace('name = "Dinas Pariwisata Nusantara (demo)"', f'name = "{name}"', 1),
        encoding="utf-8",
    )
    return config


def test_each_workspace_gets_its_own_deployments_with_absolute_paths(tmp_path: Path) -> None:
    a = deploy.workspace(_workspace(tmp_path / "a", "Brand A"))
    b = deploy.workspace(_workspace(tmp_path / "b", "Brand B"), tmp_path / "b.duckdb")
    built = {d.name: d for d in deploy.deployments([a, b], "kunci-pool")}
    assert sorted(built) == [
        "backfill-brand-a",
        "backfill-brand-b",
        "nightly-brand-a",
        "nightly-brand-b",
    ]
    nightly = built["nightly-brand-b"]
    assert nightly.parameters == {"db": str(tmp_path / "b.duckdb"), "config": str(b.config)}
    assert built["nightly-brand-a"].parameters["db"] == str(
        tmp_path / "a" / "data" / "kunci.duckdb"
    )
    assert nightly.work_pool_name == "kunci-pool" and nightly.concurrency_limit == 1
    assert nightly.job_variables["working_dir"] == str(REPO_ROOT)
    assert nightly.schedules and "brand-b" in nightly.tags
    with pytest.raises(Exception, match="two workspaces are named brand-a"):
        deploy.deployments([a, a], "kunci-pool")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("wb")
    return subprocess.Popen(
        args, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def prefect_server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A Prefect server on 127.0.0.1 and the environment that points clients at it."""
    api = f"http://127.0.0.1:{_free_port()}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PYTHONPATH": str(REPO_ROOT),
        # workers look for runs every second (default 10 s): a nightly of these workspaces takes
        # a few seconds, so two runs picked up at polls 10 s apart would never overlap
        "PREFECT_WORKER_QUERY_SECONDS": "1",
    }
    port = api.rsplit(":", 1)[1].split("/")[0]
    server = _start(
        [str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", port],
        env,
        tmp_path / "server.log",
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, (tmp_path / "server.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the Prefect server did not start"
            try:
                if requests.get(f"{api}/health", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        yield api, env
    finally:
        _stop(server)


def _run_deployment(api: str, name: str) -> str:
    deployment = requests.get(f"{api}/deployments/name/{name}", timeout=10)
    deployment.raise_for_status()
    url = f"{api}/deployments/{deployment.json()['id']}/create_flow_run"
    for _attempt in range(10):  # the server's SQLite answers 503 while another write holds it
        run = requests.post(url, json={}, timeout=30)
        if run.status_code != 503:
            break
        time.sleep(1)
    run.raise_for_status()
    return str(run.json()["id"])


def _wait_final(api: str, run_ids: list[str], timeout: float) -> dict[str, dict[str, object]]:
    deadline = time.monotonic() + timeout
    while True:
        runs = {i: requests.get(f"{api}/flow_runs/{i}", timeout=10).json() for i in run_ids}
        if all(r["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED") for r in runs.values()):
            return runs
        assert time.monotonic() < deadline, {i: r["state"]["type"] for i, r in runs.items()}
        time.sleep(1)


@pytest.mark.slow
def test_two_workspaces_run_at_once_on_two_workers_of_one_pool(
    tmp_path: Path, prefect_server: tuple[str, dict[str, str]]
) -> None:
    api, env = prefect_server
    configs = [_demo_workspace(tmp_path / name, f"Brand {name.upper()}") for name in ("a", "b")]
    deployed = subprocess.run(
        [
            sys.executable,
            "-m",
            "flows.cli.commands",
            "deploy",
            "--pool",
            "kunci-test",
            *map(str, configs),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
    )
    assert deployed.returncode == 0, deployed.stderr[-3000:]
    assert "kunci-nightly/nightly-brand-a" in deployed.stdout
    workers = [
        _start(
            [
                str(PREFECT),
                "worker",
                "start",
                "--pool",
                "kunci-test",
                "--limit",
                "1",
                "--name",
                name,
            ],
            env,
            tmp_path / f"{name}.log",
        )
        for name in ("worker-1", "worker-2")
    ]
    try:
        run_ids = [_run_deployment(api, f"kunci-nightly/nightly-brand-{n}") for n in ("a", "b")]
        runs = _wait_final(api, run_ids, timeout=300)
    finally:
        for worker in workers:
            _stop(worker)
    logs = "".join((tmp_path / f"worker-{n}.log").read_text()[-2000:] for n in (1, 2))
    assert [r["state"]["type"] for r in runs.values()] == ["COMPLETED", "COMPLETED"], logs
    first, second = (
        (datetime.fromisoformat(str(r["start_time"])), datetime.fromisoformat(str(r["end_time"])))
        for r in runs.values()
    )
    overlap = f"the two runs did not overlap: {first}, {second}\n{logs}"
    assert first[0] < second[1] and second[0] < first[1], overlap
    for config in configs:
        con = duckdb.connect(str(config.parent / "data" / "kunci.duckdb"), read_only=True)
        try:
            loaded = con.execute("select count(*) from ops.load where status = 'loaded'").fetchone()
            posts = con.execute("select count(*) from core.post").fetchone()
        finally:
            con.close()
        assert loaded == (39,) and posts is not None and posts[0] > 0
