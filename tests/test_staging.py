"""Stage, then load: parallel staging gives exactly what loading inputs one by one gives.

The reference is `flows.load.ingest.ingest_file` per input (the one-by-one path every other test
uses); staging runs in real worker processes, threads and a real `dask.distributed` cluster on
loopback. Hangs, crashes and dying workers come from formats whose parser sleeps, raises or exits,
run in those real workers (the format travels to them with the settings, as a declared one does).
"""

import csv
import os
import pickle
import signal
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows import zones
from flows.build import models
from flows.config.settings import RunnerConfig, Settings, load_settings
from flows.load import ingest, inputs, stage_dask, stage_pool, stage_run, staged_load, staging
from flows.load.inputs import InputFile
from flows.load.outcomes import LoadOutcome
from flows.publish import working_file
from flows.run import pipeline
from tests.conftest import (
    DEMO_CONFIG,
    S3_KEY,
    S3_KEY_ENV,
    S3_SECRET,
    S3_SECRET_ENV,
    database_rows,
)
from transforms.context import IngestContext, Normalized, ParsedInput
from transforms.errors import InputError
from transforms.format_spec import FormatSpec

DEMO_INBOX = DEMO_CONFIG.parent / "inbox"
IDS = {"load_id", "started_at", "finished_at", "built_at", "applied_at"}


def _contents(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every core, metrics and ops table, sorted, without wall-clock times and load ids."""
    return database_rows(db, ("core", "metrics", "ops"), IDS)


def _run(
    db: Path,
    settings: Settings,
    items: list[InputFile],
    runner: RunnerConfig | None,
    progress: Callable[[str], None] | None = None,
) -> list[LoadOutcome]:
    """Load `items` into a fresh `db` and build: one by one (`runner` None) or staged."""
    raw = pipeline.raw_root(db)
    with pipeline.working_database(db) as working, pipeline.open_working(working) as con:
        pipeline.initialise(con, settings)
        if runner is None:
            outcomes = [ingest.ingest_file(con, item, settings, raw) for item in items]
        else:
            outcomes = stage_run.stage_and_load(
                con, working.path, items, settings, None, runner, raw, progress
            )
        models.refresh_metrics(con, settings.targets)
    assert not (db.parent / "staging").exists(), "staged files and their folder are removed"
    return outcomes


def test_the_demo_staged_by_two_worker_processes_equals_loading_it_one_by_one(
    tmp_path: Path,
) -> None:
    settings = load_settings(str(DEMO_CONFIG))
    items = inputs.inbox(settings)
    items.append(items[0])  # the same bytes twice in one run: the second is skipped
    one_by_one = _run(tmp_path / "one/k.duckdb", settings, items, None)
    staged = _run(tmp_path / "staged/k.duckdb", settings, items, RunnerConfig("processes", 2))

    assert staged == one_by_one  # outcomes, load ids included
    assert staged[-1].status == "skipped" and staged[-1].load_id == staged[0].load_id
    assert sum(o.rows_read for o in staged) > 1000
    reference = _contents(tmp_path / "one/k.duckdb")
    assert _contents(tmp_path / "staged/k.duckdb") == reference
    assert len(reference["ops.load"]) == len(items) - 1


def test_a_run_leaves_no_staging_folder_but_keeps_what_another_database_staged_beside_it(
    tmp_path: Path,
) -> None:
    """Two databases in one folder share `staging/`; each run clears only its own inputs."""
    settings = load_settings(str(DEMO_CONFIG))
    items = [i for i in inputs.inbox(settings) if i.path.parent.name == "content"][:2]
    db = tmp_path / "k.duckdb"
    theirs = staging.staging_area(working_file.working_path(tmp_path / "other.duckdb"), settings)
    theirs.zone.write(staging.manifest_name(f"{theirs.prefix}/running/000000"), b"{}")
    with pipeline.working_database(db) as working, pipeline.open_working(working) as con:
        pipeline.initialise(con, settings)
        outcomes = stage_run.stage_and_load(
            con,
            working.path,
            items,
            settings,
            None,
            RunnerConfig("threads", 2),
            pipeline.raw_root(db),
        )
    assert [o.status for o in outcomes] == ["loaded", "loaded"]
    assert theirs.zone.list() == [staging.manifest_name(f"{theirs.prefix}/running/000000")]

    theirs.clear()  # the other database's run finishes: nothing is left, not even the folder
    assert not (tmp_path / "staging").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.duckdb", "k.duckdb.lock", "raw"]


def test_a_second_run_skips_what_the_first_loaded_and_loads_a_corrected_export(
    tmp_path: Path,
) -> None:
    settings = load_settings(str(DEMO_CONFIG))
    items = [i for i in inputs.inbox(settings) if i.path.parent.name == "content"][:4]
    db = tmp_path / "data/k.duckdb"
    _run(db, settings, items[:3], RunnerConfig("threads", 2))
    corrected = tmp_path / "late.csv"
    corrected.write_bytes(items[0].path.read_bytes() + b"\n")
    second = [*items, InputFile(corrected, items[0].account)]
    with pipeline.working_database(db) as working, pipeline.open_working(working) as con:
        outcomes = stage_run.stage_and_load(
            con,
            working.path,
            second,
            settings,
            None,
            RunnerConfig("threads", 2),
            pipeline.raw_root(db),
        )
    assert [o.status for o in outcomes] == ["skipped"] * 3 + ["loaded", "loaded"]
    assert [o.load_id for o in outcomes[:3]] == [1, 2, 3]


HANG_SECONDS = 600  # far beyond any timeout and any run of a test on a loaded machine


def hang(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    time.sleep(HANG_SECONDS)
    raise AssertionError("the worker should have been killed")


ALLOCATION_FAILED = "memory allocation of 343597383680 bytes failed"


def crash(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    warnings.warn("a parser's warning", UserWarning, stacklevel=1)  # relayed: nothing is lost
    raise KeyError("impressions")  # a defect in one parser


def die(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    os._exit(3)  # a worker lost to a defect of its own


def abort(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    os.write(2, f"{ALLOCATION_FAILED}\nstack backtrace:\n   0: std::alloc::rust_oom\n".encode())
    os.abort()  # as native code does (a failed allocation in Rust, which says so first)


def oom_kill(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer does
    raise AssertionError("the worker should have been killed")


def parser_format(name: str, normalize: Any) -> FormatSpec:
    """A format of files headed `<name> key,<name> value`, read by `normalize`."""
    return FormatSpec(
        name=name,
        platform="x",
        title=name,
        columns={"en": {"key": (f"{name} key",), "value": (f"{name} value",)}},
        required=("key", "value"),
        normalize=normalize,
    )


def test_a_hung_a_crashing_and_a_dying_parse_fail_alone_in_killed_worker_processes(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    settings = load_settings(str(DEMO_CONFIG))
    settings = replace(
        settings,
        formats=(
            parser_format("hang", hang),
            parser_format("crash", crash),
            parser_format("die", die),
            parser_format("abort", abort),
            parser_format("oom", oom_kill),
        ),
    )
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("hang", "crash", "die", "abort", "oom"):
        (inbox / f"{name}.csv").write_text(f"{name} key,{name} value\na,1\n", encoding="utf-8")
    (inbox / "empty.csv").write_bytes(b"")
    good = next(i for i in inputs.inbox(settings) if i.path.parent.name == "overview")
    items = [*inputs.expand([inbox]), good]
    db = tmp_path / "data/k.duckdb"

    # Room for a healthy input's staging in a new worker on a loaded machine (1.6 s seen at load
    # 7); a worker killed or dead is replaced, and the timeout never counts a worker's start.
    started = time.monotonic()
    outcomes = _run(db, settings, items, RunnerConfig("processes", 2, timeout_seconds=10))

    assert time.monotonic() - started < HANG_SECONDS / 2  # the run did not wait for the hang
    lost = "nothing of it was loaded"
    assert {Path(o.path).name: (o.status, o.error) for o in outcomes} == {
        "crash.csv": ("failed", f"internal error (KeyError: 'impressions'); {lost}"),
        "die.csv": (
            "failed",
            f"internal error (the worker process ended with exit code 3); {lost}",
        ),
        "abort.csv": (
            "failed",
            "internal error (the process normalizing it crashed: killed by signal SIGABRT: "
            f"{ALLOCATION_FAILED}); {lost}",
        ),
        "oom.csv": (
            "failed",
            "the process normalizing it was killed (signal SIGKILL: by the system when memory "
            f"runs out, or by a user); {lost}",
        ),
        "empty.csv": ("failed", "file is empty"),
        "hang.csv": ("failed", f"timed out after 10 s; {lost}"),
        good.path.name: ("loaded", None),
    }
    con = duckdb.connect(str(db), read_only=True)
    ledger = con.execute("select status, count(*) from ops.load group by all order by 1").fetchall()
    con.close()
    assert ledger == [("failed", 6), ("loaded", 1)]
    terminal = capfd.readouterr().err
    assert "UserWarning: a parser's warning" in terminal  # a living worker's stderr, relayed
    assert "memory allocation" not in terminal and "backtrace" not in terminal


def test_the_timeout_counts_the_parse_not_the_import_of_a_plug_in_parser_by_a_new_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests import slow_import_parser

    timeout = 4  # room for a new worker's first parse of a tiny export on a loaded machine
    monkeypatch.setenv(slow_import_parser.IMPORT_SECONDS_ENV, str(2 * timeout))
    settings = replace(
        load_settings(str(DEMO_CONFIG)),
        formats=(parser_format("slow", slow_import_parser.refuse),),
    )
    items = []
    for number in range(2):
        path = tmp_path / f"slow{number}.csv"
        path.write_text(f"slow key,slow value\na,{number}\n", encoding="utf-8")
        items.append(InputFile(path, None))

    outcomes = _run(
        tmp_path / "k.duckdb",
        settings,
        items,
        RunnerConfig("processes", 2, timeout_seconds=timeout),
    )

    reason = "internal error (KeyError: 'parsed after a slow import'); nothing of it was loaded"
    assert [(o.status, o.error) for o in outcomes] == [("failed", reason)] * 2


def test_a_local_dask_cluster_of_two_worker_processes_stages_as_this_process_does(
    tmp_path: Path,
) -> None:
    from distributed import Client, LocalCluster, get_task_stream

    settings = load_settings(str(DEMO_CONFIG))
    items = [i for i in inputs.inbox(settings) if i.path.parent.name in ("content", "overview")]
    local = _run(tmp_path / "local/k.duckdb", settings, items, RunnerConfig("threads", 1))

    with (
        LocalCluster(**stage_dask.local_cluster_options(2)) as cluster,
        Client(cluster) as client,
    ):
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        with get_task_stream(client) as stream:
            on_dask = _run(
                tmp_path / "dask/k.duckdb", settings, items, RunnerConfig("dask", 2, address)
            )
        staged_by = {task["worker"] for task in stream.data if "stage_batch" in task["key"]}
        assert len(staged_by) == 2  # both workers staged batches of inputs

    assert on_dask == local
    assert _contents(tmp_path / "dask/k.duckdb") == _contents(tmp_path / "local/k.duckdb")


def test_inputs_with_other_columns_or_a_failing_batch_load_one_by_one_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(str(DEMO_CONFIG))
    items = [i for i in inputs.inbox(settings) if i.path.parent.name in ("content", "overview")]
    together = _run(tmp_path / "together/k.duckdb", settings, items, RunnerConfig("threads", 2))

    def refuse(con: duckdb.DuckDBPyConnection, batch: list[staging.Staged], area: Any) -> Any:
        raise duckdb.ConstraintException("a violated check")

    monkeypatch.setattr(staged_load, "_load_together", refuse)
    alone = _run(tmp_path / "alone/k.duckdb", settings, items, RunnerConfig("threads", 2))
    assert alone == together
    assert _contents(tmp_path / "alone/k.duckdb") == _contents(tmp_path / "together/k.duckdb")


def test_a_key_two_inputs_of_one_batch_give_takes_the_later_input_s_values(tmp_path: Path) -> None:
    settings = load_settings(str(DEMO_CONFIG))
    source = next(i for i in inputs.inbox(settings) if i.path.parent.match("x/content"))
    lines = source.path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    at = header.index("Impressions")
    items = []
    for version, more in enumerate((0, 1000), start=1):  # the same posts and snapshot date
        rows = list(csv.reader(lines[1:]))
        for row in rows:
            row[at] = str(int(row[at]) + more)
        folder = tmp_path / "inbox" / str(version)
        folder.mkdir(parents=True)
        with (folder / source.path.name).open("w", encoding="utf-8", newline="") as file:
            csv.writer(file).writerows([header, *rows])
        items.append(InputFile(folder / source.path.name, source.account))

    staged = _run(tmp_path / "staged/k.duckdb", settings, items, RunnerConfig("threads", 2))
    alone = _run(tmp_path / "alone/k.duckdb", settings, items, None)
    assert [o.status for o in alone] == ["loaded", "loaded"]

    assert [o.status for o in staged] == ["loaded", "loaded"]
    assert _contents(tmp_path / "staged/k.duckdb") == _contents(tmp_path / "alone/k.duckdb")
    con = duckdb.connect(str(tmp_path / "staged/k.duckdb"), read_only=True)
    loaded = con.execute("select min(impressions), count(*) from core.post_metrics").fetchone()
    con.close()
    records = list(csv.reader(lines[1:]))
    smallest = min(int(row[at]) for row in records)
    assert loaded == (smallest + 1000, len(records))  # every post's figure is the later one


def test_the_runner_table_is_read_and_checked(tmp_path: Path) -> None:
    config = tmp_path / "kunci.toml"
    config.write_text(
        '[runner]\nkind = "dask"\nworkers = 2\ndask_address = "tcp://127.0.0.1:8786"\n'
        "timeout_seconds = 60\n",
        encoding="utf-8",
    )
    assert load_settings(str(config)).runner == RunnerConfig("dask", 2, "tcp://127.0.0.1:8786", 60)
    assert RunnerConfig(workers=8).worker_count(3) == 3
    config.write_text('[runner]\nkind = "fork"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"runner\.kind must be one of processes, threads, dask"):
        load_settings(str(config))
    config.write_text("[runner]\nworkers = -1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"runner\.workers must be a whole number"):
        load_settings(str(config))


def test_raw_and_staging_zones_on_s3_load_what_local_zones_load_and_leave_nothing_staged(
    tmp_path: Path,
    s3_endpoint: str,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Worker processes write the staged Parquet to moto's S3 server, the writer reads it back.

    The workers open the zones with credentials from their own environment, by the names the
    settings carry; what a killed run left staged at the URL is cleared before staging.
    """
    settings = load_settings(str(DEMO_CONFIG))
    items = [i for i in inputs.inbox(settings) if i.path.parent.name in ("content", "overview")]
    items.append(items[0])  # the same bytes twice in one run: the second is skipped
    local = _run(tmp_path / "local/k.duckdb", settings, items, None)  # one by one, local zones

    url = f"s3://kunci/{tmp_path.name}"
    storage = zones.Storage(
        (("endpoint_url", s3_endpoint),), (("key", S3_KEY_ENV), ("secret", S3_SECRET_ENV))
    )
    on_s3 = replace(settings, zones=zones.ZonesConfig(f"{url}/raw", f"{url}/staging", storage))
    db = tmp_path / "s3/k.duckdb"
    area = staging.staging_area(working_file.working_path(db), on_s3)
    assert area.zone.location == f"{url}/staging"
    area.zone.write(staging.manifest_name(f"{area.prefix}/killed-run/000000"), b"{}")
    job = staging.StageJob(items[0], on_s3, None, pipeline.raw_root(db, on_s3), area.zone, "x")
    assert not any(secret in pickle.dumps(job) for secret in (S3_KEY.encode(), S3_SECRET.encode()))

    with pipeline.working_database(db) as working, pipeline.open_working(working) as con:
        pipeline.initialise(con, on_s3)
        outcomes = stage_run.stage_and_load(
            con,
            working.path,
            items,
            on_s3,
            None,
            RunnerConfig("processes", 2),
            pipeline.raw_root(db, on_s3),
        )
        models.refresh_metrics(con, on_s3.targets)

    assert outcomes == local
    assert _contents(db) == _contents(tmp_path / "local/k.duckdb")
    import s3fs  # here: worker processes import this module for its parsers, and s3fs is slow

    bucket = s3fs.S3FileSystem(key=S3_KEY, secret=S3_SECRET, endpoint_url=s3_endpoint)
    bucket.invalidate_cache()
    assert bucket.find(f"{url}/staging") == [], "staged objects are removed once loaded"
    assert not area.scratch.exists() and not (db.parent / "staging").exists()
    raw_objects = bucket.find(f"{url}/raw")
    assert len(raw_objects) == len(items) - 1
    written = [db.read_bytes()] + [bucket.cat_file(path) for path in raw_objects]
    output = capsys.readouterr()
    for secret in (S3_KEY, S3_SECRET):
        assert not any(secret.encode() in blob for blob in written)
        assert not any(secret in text for text in (output.out, output.err, caplog.text))


def _distinct_copies(tmp_path: Path, settings: Settings, count: int) -> list[InputFile]:
    """`count` inputs of one demo content export, each with other bytes (trailing blank lines)."""
    source = next(i for i in inputs.inbox(settings) if i.path.parent.name == "content")
    folder = tmp_path / "inbox"
    folder.mkdir()
    items = []
    for number in range(count):
        path = folder / f"content_{number:03d}.csv"
        path.write_bytes(source.path.read_bytes() + b"\n" * number)
        items.append(InputFile(path, source.account))
    return items


def test_the_writer_loads_staged_inputs_and_removes_their_files_while_later_ones_are_staged(
    tmp_path: Path,
) -> None:
    settings = load_settings(str(DEMO_CONFIG))
    items = _distinct_copies(tmp_path, settings, staged_load.BATCH_WHILE_STAGING + 2)
    db = tmp_path / "data/k.duckdb"
    seen: list[tuple[int, int]] = []  # (inputs loaded, inputs left in the staging zone)
    with pipeline.working_database(db) as working, pipeline.open_working(working) as con:
        pipeline.initialise(con, settings)
        reader = con.cursor()  # its own connection: sees what the writer thread committed
        area = staging.staging_area(working.path, settings)
        batch = staged_load.BATCH_WHILE_STAGING

        def loaded() -> int:
            row = reader.execute("select count(*) from ops.load").fetchone()
            return row[0] if row else 0

        def staged_inputs() -> int:
            """Manifests still in the staging zone (the writer removes inputs meanwhile)."""
            while True:
                try:
                    names = area.zone.list(area.prefix)
                    return sum(name.endswith(staging.manifest_name("")) for name in names)
                except FileNotFoundError:  # a folder went while it was listed
                    continue

        def progress(name: str) -> None:
            if name != items[-1].path.name:
                return
            # the last input is staged, and staging has not returned yet
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and (
                loaded() < batch or staged_inputs() > len(items) - batch
            ):
                time.sleep(0.05)
            seen.append((loaded(), staged_inputs()))

        outcomes = stage_run.stage_and_load(
            con,
            working.path,
            items,
            settings,
            None,
            RunnerConfig("threads", 1),
            pipeline.raw_root(db),
            progress,
        )
        reader.close()
        assert not area.zone.list(area.prefix)
    assert seen and seen[0][0] >= batch and seen[0][1] <= len(items) - batch
    assert [o.status for o in outcomes] == ["loaded"] * len(items)
    assert [o.load_id for o in outcomes] == list(range(1, len(items) + 1))


def test_staging_that_raises_stops_the_writer_and_the_run_sees_its_error(tmp_path: Path) -> None:
    settings = load_settings(str(DEMO_CONFIG))
    items = _distinct_copies(tmp_path, settings, 4)

    def progress(name: str) -> None:
        if name == items[2].path.name:
            raise RuntimeError("the console went away")

    db = tmp_path / "data/k.duckdb"
    with (
        pytest.raises(RuntimeError, match="the console went away"),
        pipeline.working_database(db) as working,
        pipeline.open_working(working) as con,
    ):
        pipeline.initialise(con, settings)
        stage_run.stage_and_load(
            con,
            working.path,
            items,
            settings,
            None,
            RunnerConfig("threads", 1),
            pipeline.raw_root(db),
            progress,
        )
    assert not db.exists()  # the failed run published nothing


def _polars_threads_of_workers(size: int) -> list[str | None]:
    """`POLARS_MAX_THREADS` as each started staging worker process inherited it (Linux)."""
    with stage_pool.WorkerPool(size, frozenset()) as pool:
        for worker in pool._workers:
            worker.wait_ready()  # past its start: its environment is the one it runs with
        pids = [worker.process.pid for worker in pool._workers]
        environments = [Path(f"/proc/{pid}/environ").read_bytes().split(b"\0") for pid in pids]
    found = []
    for environment in environments:
        values = [
            v for k, _, v in (e.partition(b"=") for e in environment) if k == b"POLARS_MAX_THREADS"
        ]
        found.append(values[0].decode() if values else None)
    return found


@pytest.mark.skipif(sys.platform != "linux", reason="reads a process's environment in /proc")
def test_staging_workers_share_the_cores_in_polars(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POLARS_MAX_THREADS", raising=False)
    share = str(max(1, (os.cpu_count() or 1) // 2))
    assert _polars_threads_of_workers(2) == [share, share]
    assert "POLARS_MAX_THREADS" not in os.environ  # the run's own polars is not limited
    monkeypatch.setenv("POLARS_MAX_THREADS", "3")  # set for the run: every worker keeps it
    assert _polars_threads_of_workers(2) == ["3", "3"]


def _cpus_of(process_id: int) -> str:
    """The CPUs a process may run on, as Linux lists them (`0-1`, `3`)."""
    status = Path(f"/proc/{process_id}/status").read_text().splitlines()
    return next(
        line.split(":")[1].strip() for line in status if line.startswith("Cpus_allowed_list")
    )


def _worker_cpus(pool: stage_pool.WorkerPool) -> list[str]:
    """The CPUs each live worker of `pool` may run on, past its start."""
    for worker in pool._workers:
        worker.wait_ready()
    return sorted(_cpus_of(worker.process.pid) for worker in pool._workers)


@pytest.mark.skipif(sys.platform != "linux", reason="reads a process's CPUs in /proc")
def test_staging_workers_with_one_polars_thread_each_keep_to_a_cpu_of_their_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POLARS_MAX_THREADS", raising=False)
    cpus = stage_pool.available_cpus()[:2]  # two workers for two CPUs: one polars thread each
    monkeypatch.setattr(os, "cpu_count", lambda: len(cpus))
    monkeypatch.setattr(stage_pool, "available_cpus", lambda: cpus)
    expected = sorted(str(cpus[k % len(cpus)]) for k in range(2))
    settings = replace(load_settings(str(DEMO_CONFIG)), formats=(parser_format("die", die),))
    (tmp_path / "die.csv").write_text("die key,die value\na,1\n", encoding="utf-8")
    good = next(i for i in inputs.inbox(settings) if i.path.parent.name == "overview")
    area = staging.StagingArea(zones.Zone(str(tmp_path / "staging")), "t", tmp_path / "scratch")

    def job(item: InputFile, number: int) -> staging.StageJob:
        raw = zones.Zone(str(tmp_path / "raw"))
        return staging.StageJob(item, settings, None, raw, area.zone, f"t/{number:02d}")

    with stage_pool.WorkerPool(2, frozenset()) as pool:
        assert _worker_cpus(pool) == expected
        # both workers die and are replaced: each replacement takes the CPU its predecessor had
        for number in range(2):
            pool.stage(job(InputFile(tmp_path / "die.csv"), number), 60)
        for number in range(2, 4):
            pool.stage(job(good, number), 60)
        assert len(pool._workers) == 2 and _worker_cpus(pool) == expected
    statuses = [m.status for m in area.read_manifests([f"t/{n:02d}" for n in range(4)])]
    assert statuses == ["failed", "failed", "staged", "staged"]

    monkeypatch.setenv("POLARS_MAX_THREADS", "3")  # the run's own count: the system places them
    with stage_pool.WorkerPool(2, frozenset()) as pool:
        assert _worker_cpus(pool) == [_cpus_of(os.getpid())] * 2


def test_workers_fewer_than_the_cpus_or_with_several_polars_threads_are_left_unpinned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(stage_pool, "available_cpus", lambda: [0, 1, 2])
    monkeypatch.setenv("POLARS_MAX_THREADS", "1")
    assert stage_pool.worker_cpus(4) == [0, 1, 2, 0]  # more workers than CPUs share them
    assert stage_pool.worker_cpus(2) == [None, None]  # side by side runs would crowd CPUs 0, 1
    monkeypatch.setenv("POLARS_MAX_THREADS", "2")
    assert stage_pool.worker_cpus(3) == [None, None, None]


def test_the_writer_uses_the_cores_the_staging_workers_leave_and_then_all_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stage_pool, "available_cpus", lambda: [0, 1, 2])
    settings = load_settings(str(DEMO_CONFIG))
    items = _distinct_copies(tmp_path, settings, 3)
    db = tmp_path / "data/k.duckdb"
    seen: list[int] = []
    with pipeline.working_database(db) as working, pipeline.open_working(working) as con:
        pipeline.initialise(con, settings)
        con.execute("set threads = 3")
        observer = con.cursor()  # the setting is the database's: any connection of it reads it

        def progress(_name: str) -> None:
            row = observer.execute("select current_setting('threads')").fetchone()
            seen.append(row[0] if row else 0)

        outcomes = stage_run.stage_and_load(
            con,
            working.path,
            items,
            settings,
            None,
            RunnerConfig("threads", 2),
            pipeline.raw_root(db),
            progress,
        )
        after = con.execute("select current_setting('threads')").fetchone()
        observer.close()
    assert [o.status for o in outcomes] == ["loaded"] * 3
    assert seen == [1, 1, 1]  # three cores, two of them staging
    assert after == (3,)
