"""Staging on Dask in batches: each input timed and refused alone, an overrun parse stopped.

Real `dask.distributed` clusters on loopback: one Kunci starts itself (no `dask_address`), whose
worker holding an overrun parse it restarts, and one started here, at an address, which Kunci
leaves alone. The hung parse writes the pid of its worker process, so the test can see whether
that process still lives when the refusal is reported.
"""

import json
import os
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows import zones
from flows.config.settings import RunnerConfig, Settings, load_settings
from flows.load import inputs, stage_dask, staging
from flows.load.inputs import InputFile
from tests.conftest import DEMO_CONFIG
from tests.test_staging import _run, crash, die, parser_format
from transforms.context import IngestContext, Normalized, ParsedInput

PID_FOLDER_ENV = "KUNCI_TEST_HUNG_PIDS"
TIMEOUT = 10  # a good input stays well within it on a loaded machine
LOST = "nothing of it was loaded"


def hang_and_say_where(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """A parse that never ends, after writing the pid of the process it runs in."""
    folder = Path(os.environ[PID_FOLDER_ENV])
    (folder / f"{os.getpid()}.pid").write_text("", encoding="utf-8")
    time.sleep(120)
    raise AssertionError("the worker should have been restarted or closed")


def say_thread_then_fail(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """A parse that writes which thread ran it, then fails (a manifest, quickly)."""
    (Path(os.environ[PID_FOLDER_ENV]) / f"{threading.get_native_id()}.thread").touch()
    raise KeyError("impressions")


def pause_and_say_thread(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """A parse that writes which thread ran it, then takes 3 s to fail."""
    (Path(os.environ[PID_FOLDER_ENV]) / f"{threading.get_native_id()}.thread").touch()
    time.sleep(3)
    raise KeyError("impressions")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: tuple[str, ...]
) -> tuple[Settings, list[InputFile], Path]:
    """The demo's content and overview exports after inputs of the test formats `names`.

    The environment names the pid folder before any worker starts, so the workers inherit it.
    """
    pids = tmp_path / "pids"
    pids.mkdir()
    monkeypatch.setenv(PID_FOLDER_ENV, str(pids))
    parsers = {
        "hang": hang_and_say_where,
        "crash": crash,
        "die": die,
        "quick": say_thread_then_fail,
        "slow": pause_and_say_thread,
    }
    settings = load_settings(str(DEMO_CONFIG))
    settings = replace(settings, formats=tuple(parser_format(n, parsers[n]) for n in names))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in names:
        (inbox / f"{name}.csv").write_text(f"{name} key,{name} value\na,1\n", encoding="utf-8")
    good = [i for i in inputs.inbox(settings) if i.path.parent.name in ("content", "overview")]
    return settings, [*inputs.expand([inbox]), *good], pids


def test_on_its_own_cluster_a_hung_parse_is_refused_and_its_worker_restarted_others_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, items, pids = _workspace(tmp_path, monkeypatch, ("crash", "die", "hang"))
    hung_alive_when_refused = []

    def progress(name: str) -> None:
        if name == "hang.csv":
            hung_alive_when_refused.extend(_alive(int(p.stem)) for p in pids.glob("*.pid"))

    db = tmp_path / "data/k.duckdb"
    started = time.monotonic()
    outcomes = _run(db, settings, items, RunnerConfig("dask", 2, timeout_seconds=TIMEOUT), progress)

    assert time.monotonic() - started < 110  # the run did not wait for the 120 s parse
    by_name = {Path(o.path).name: (o.status, o.error) for o in outcomes}
    assert by_name.pop("crash.csv") == (
        "failed",
        f"internal error (KeyError: 'impressions'); {LOST}",
    )
    assert by_name.pop("die.csv") == (
        "failed",
        f"internal error (the Dask worker died staging it); {LOST}",
    )
    assert by_name.pop("hang.csv") == ("failed", f"timed out after {TIMEOUT} s; {LOST}")
    assert len(by_name) == len(items) - 3 == 9
    assert set(by_name.values()) == {("loaded", None)}
    assert hung_alive_when_refused == [False]  # one hung parse, its process gone before refusal
    con = duckdb.connect(str(db), read_only=True)
    ledger = con.execute("select status, count(*) from ops.load group by all order by 1").fetchall()
    con.close()
    assert ledger == [("failed", 3), ("loaded", 9)]


def test_on_a_cluster_at_an_address_a_hung_parse_is_refused_and_left_running_as_it_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distributed import LocalCluster

    settings, items, pids = _workspace(tmp_path, monkeypatch, ("hang",))
    with LocalCluster(**stage_dask.local_cluster_options(2)) as cluster:
        runner = RunnerConfig("dask", 2, cluster.scheduler_address, TIMEOUT)
        outcomes = _run(tmp_path / "data/k.duckdb", settings, items, runner)
        [pid] = [int(p.stem) for p in pids.glob("*.pid")]
        workers = set(cluster.scheduler_info["workers"])
        assert _alive(pid)  # Kunci did not start this cluster: the parse runs on until it ends

    [hung] = [o for o in outcomes if Path(o.path).name == "hang.csv"]
    [worker] = [w for w in workers if w in (hung.error or "")]
    assert hung.error == (
        f"timed out after {TIMEOUT} s (still running on the Dask worker {worker}, which Kunci "
        f"did not start); {LOST}"
    )
    assert [o.status for o in outcomes if o is not hung] == ["loaded"] * (len(items) - 1)


def _jobs(tmp_path: Path, settings: Settings, names: list[str]) -> list[staging.StageJob]:
    """A job per test input named `<format><n>.csv`, each with its own stem in the staging zone."""
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    jobs = []
    for n, name in enumerate(names):
        kind = name.rstrip("0123456789")
        path = inbox / f"{name}.csv"
        path.write_text(f"{kind} key,{kind} value\na,1\n", encoding="utf-8")
        [item] = inputs.expand([path])
        raw, staged = zones.Zone(str(tmp_path / "raw")), zones.Zone(str(tmp_path / "staging"))
        jobs.append(staging.StageJob(item, settings, None, raw, staged, f"{n:06d}"))
    return jobs


def _has_manifest(job: staging.StageJob) -> bool:
    return staging.manifest_name(job.stem) in job.staging.list()


def _stagers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "kunci-stage"]


def test_a_batch_stages_its_inputs_in_one_thread_and_starts_none_after_one_that_overruns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, _items, seen = _workspace(tmp_path, monkeypatch, ("quick", "slow"))
    jobs = _jobs(tmp_path, settings, ["quick1", "quick2", "slow1", "quick3"])

    assert stage_dask.stage_batch(jobs, frozenset(), timeout=1.0) == 2  # slow1 overran

    assert [_has_manifest(job) for job in jobs] == [True, True, False, False]
    [thread] = {int(p.stem) for p in seen.glob("*.thread")}  # quick1, quick2, slow1 alike
    assert thread != threading.get_native_id()
    deadline = time.monotonic() + 30
    while _stagers() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _stagers()  # the thread ended once the overrun parse returned, and took no more
    assert _has_manifest(jobs[2]) and not _has_manifest(jobs[3])
    failed = json.loads((tmp_path / "staging" / staging.manifest_name("000000")).read_bytes())
    assert (failed["status"], failed["error"]) == (
        "failed",
        f"internal error (KeyError: 'impressions'); {LOST}",
    )


def test_a_failure_a_batch_cannot_record_is_raised_by_the_batch_not_taken_for_a_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, _items, _seen = _workspace(tmp_path, monkeypatch, ("quick",))
    jobs = _jobs(tmp_path, settings, ["quick1", "quick2"])

    def unwritable(*_args: object) -> str:
        raise OSError("No space left on device")

    monkeypatch.setattr(staging, "record_crash", unwritable)
    started = time.monotonic()
    with pytest.raises(OSError, match="No space left on device"):
        stage_dask.stage_batch(jobs, frozenset(), timeout=60.0)
    assert time.monotonic() - started < 30


@pytest.mark.parametrize(("workers", "first"), [(1, 25), (2, 25), (8, 13)])
def test_batches_take_every_input_once_in_order_shrinking_to_single_inputs(
    workers: int, first: int
) -> None:
    jobs: list[Any] = list(range(400))
    sizes = [len(batch) for batch in stage_dask.batches(jobs, workers)]
    assert [job for batch in stage_dask.batches(jobs, workers) for job in batch] == jobs
    assert sizes[0] == first and sizes[-1] == 1  # 400 / (4 x workers), 25 at most
    assert sizes == sorted(sizes, reverse=True)
    assert len(sizes) < 400 / 2  # far fewer tasks than inputs
    assert list(stage_dask.batches(jobs[:3], 4)) == [[0], [1], [2]]


def test_the_local_cluster_gives_polars_in_each_worker_one_share_of_the_cores_and_no_profiler(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dask
    import polars as pl
    from distributed import Client, LocalCluster

    monkeypatch.delenv("POLARS_MAX_THREADS", raising=False)
    with (
        LocalCluster(**stage_dask.local_cluster_options(2)) as cluster,
        Client(cluster) as client,
    ):
        pools = client.run(pl.thread_pool_size)
        profiling = client.run(dask.config.get, "distributed.worker.profile.enabled")

    assert list(pools.values()) == [max(1, (os.cpu_count() or 1) // 2)] * 2
    assert list(profiling.values()) == [False, False]
    assert stage_dask.local_cluster_options(1)["env"] == {
        "POLARS_MAX_THREADS": str(os.cpu_count() or 1)
    }
    monkeypatch.setenv("POLARS_MAX_THREADS", "3")  # set for the run: the workers inherit it
    assert "env" not in stage_dask.local_cluster_options(2)
