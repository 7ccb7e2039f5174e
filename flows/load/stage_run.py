"""Stage, then load: the inputs of a run normalized in parallel, loaded by its one writer.

`flows.load.staging` stages one input (frames and manifest in the staging zone),
`flows.load.stage_pool` runs many in worker processes or threads, `flows.load.stage_dask` in
batches on Dask, `flows.load.stage_tasks` makes each a tracked Prefect task inside a flow run,
`flows.load.stage_watch` bounds the one input a `kunci` command stages in its own process, and
`flows.load.staged_load` loads the manifests in batches. This module puts them in that order;
none of them imports it. The writer does not wait for the last input: it loads the staged inputs
in input order while the workers stage the ones after them (`_Finished`).
"""

import contextlib
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from flows import zones
from flows.config.settings import RunnerConfig, Settings
from flows.load import stage_pool, stage_watch, staged_load, staging, store
from flows.load.inputs import InputFile
from flows.load.outcomes import LoadOutcome
from flows.load.stage_pool import Progress
from flows.load.staging import Loaded, Staged, StageJob, StagingArea


def stage_and_load(
    con: duckdb.DuckDBPyConnection,
    work: Path,
    items: list[InputFile],
    settings: Settings,
    period: tuple[date, date] | None,
    runner: RunnerConfig,
    raw: zones.Zone,
    progress: Callable[[str], None] | None = None,
) -> list[LoadOutcome]:
    """Stage every input in parallel and load them with `con`; outcomes in input order.

    Runs under the writer lock, so what an earlier, killed run left in the staging zone is
    removed first: staged files are never read by another run. The writer loads in a thread of
    its own as soon as the next inputs in input order are staged, so loading overlaps staging
    instead of following it; `con` is used by that thread alone until it is done.
    """
    if not items:
        return []
    area = staging.staging_area(work, settings)
    area.clear()
    run = f"{area.prefix}/{uuid.uuid4().hex}"
    jobs = [
        staging.StageJob(item, settings, period, raw, area.zone, f"{run}/{number:06d}")
        for number, item in enumerate(items)
    ]
    loaded = store.loaded_inputs(con)
    finished = _Finished(jobs)
    shown = progress or _ignore

    def staged(job: StageJob) -> None:
        finished.add(job)
        shown(job.name)

    with (
        _writer_threads(con, _cores_left(runner, len(jobs))),
        ThreadPoolExecutor(1, thread_name_prefix="kunci-load") as writer,
    ):
        loading = writer.submit(staged_load.load_staged, con, finished.in_order(area), area)
        try:
            stage_all(jobs, loaded, runner, staged)
        except BaseException:
            finished.abandon()  # the writer stops at the next input it would wait for
            raise
    outcomes = loading.result()
    area.clear()
    return outcomes


def _cores_left(runner: RunnerConfig, inputs: int) -> int | None:
    """The cores that staging `inputs` leaves this machine's writer (None: it takes none here).

    A single input is staged before it is loaded, and a Dask cluster at an address stages on
    its own machines: neither competes with the writer.
    """
    if inputs < 2 or (runner.kind == "dask" and runner.dask_address):
        return None
    return max(1, len(stage_pool.available_cpus()) - runner.worker_count(inputs))


@contextlib.contextmanager
def _writer_threads(con: duckdb.DuckDBPyConnection, cores: int | None) -> Iterator[None]:
    """DuckDB's threads while the writer loads beside staging: the `cores` left, if fewer.

    Workers staging on every core leave the writer none of its own. With DuckDB's threads on
    every core as well, its small parallel statements waited for threads that the workers'
    processes held: one thread loaded 400 small exports in about 4 % less time (10 alternating
    rounds on two cores), with less CPU for the writer and for the workers. The setting is put
    back once the writer has loaded every staged input, before the run's build; a failure to
    put it back does not hide the error that ended the loading.
    """
    row = con.execute("select current_setting('threads')").fetchone()
    before = int(row[0]) if row else 0
    if cores is None or cores >= before:
        yield
        return
    con.execute(f"set threads = {cores}")
    try:
        yield
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute(f"set threads = {before}")
        raise
    con.execute(f"set threads = {before}")


def _ignore(_name: str) -> None:
    """No progress to show."""


class _Abandoned(Exception):
    """Staging ended with an error: the writer stops waiting for the inputs still to come."""


class _Finished:
    """Which jobs are staged, for the writer reading their manifests in input order."""

    def __init__(self, jobs: list[StageJob]) -> None:
        """Nothing staged yet."""
        self._jobs = jobs
        self._done: set[str] = set()
        self._abandoned = False
        self._changed = threading.Condition()

    def add(self, job: StageJob) -> None:
        """`job` is staged: its manifest is written."""
        with self._changed:
            self._done.add(job.stem)
            self._changed.notify_all()

    def abandon(self) -> None:
        """No more jobs will be staged: a writer waiting for one raises `_Abandoned`."""
        with self._changed:
            self._abandoned = True
            self._changed.notify_all()

    def in_order(self, area: StagingArea) -> Iterator[list[Staged]]:
        """The manifests in input order, as many at a time as are staged in a row (at least one).

        Waits for the next job in input order; the manifests of the staged jobs after it are
        read at once (one fetch from a URL zone).
        """
        start = 0
        while start < len(self._jobs):
            with self._changed:
                while not (self._abandoned or self._jobs[start].stem in self._done):
                    self._changed.wait()
                if self._abandoned:
                    raise _Abandoned
                end = start
                while end < len(self._jobs) and self._jobs[end].stem in self._done:
                    end += 1
            yield area.read_manifests([job.stem for job in self._jobs[start:end]])
            start = end


def stage_all(
    jobs: list[StageJob], loaded: Loaded, runner: RunnerConfig, progress: Progress
) -> None:
    """Stage every job under its stem; each ends with a manifest, whatever happened to it.

    One input is staged in this process when it is a `kunci` command (`flows.load.stage_watch`
    bounds it: a worker would cost more than a small export), and where a library calls this; in a
    Prefect flow run, which cannot be restarted, it goes to a worker as many inputs do. So does a
    workbook read by native code, whatever the caller and the runner's kind: calamine can abort
    the process it runs in (`staging.read_natively`), and then it is a worker that dies and this
    input alone that fails; with the threads runner, the other inputs stay in threads.
    """
    jobs = _refuse_overran(jobs, progress)
    if not jobs:
        return
    in_flow_run = _in_flow_run()
    if len(jobs) == 1 and not in_flow_run:
        [job] = jobs
        if staging.read_natively(job.item):
            with stage_pool.WorkerPool(1, loaded) as pool:
                pool.stage(job, runner.timeout_seconds)
        elif stage_watch.can_restart():
            with stage_watch.watched(str(job.item.path), runner.timeout_seconds):
                staging.stage_safely(job, loaded)
        else:
            staging.stage_safely(job, loaded)
        progress(job)
        return
    workers = runner.worker_count(len(jobs))
    if in_flow_run:
        from flows.load import stage_tasks  # Prefect loads only where a flow run already did

        stage_tasks.stage_tracked(jobs, loaded, runner, workers, progress)
    elif runner.kind == "dask":
        from flows.load import stage_dask  # Dask is an optional extra, loaded where configured

        stage_dask.stage_on_dask(jobs, loaded, runner, workers, progress)
    elif runner.kind == "threads":
        with stage_pool.workbook_pool(jobs, loaded) as workbooks:

            def stage_one(job: StageJob) -> str:
                pool = workbooks.pool_for(job) if workbooks else None
                if pool:
                    return pool.stage(job, runner.timeout_seconds)
                return staging.stage_safely(job, loaded)

            stage_pool.in_threads(jobs, workers, stage_one, progress)
    else:
        with stage_pool.WorkerPool(workers, loaded) as pool:
            stage_pool.in_threads(
                jobs, workers, lambda job: pool.stage(job, runner.timeout_seconds), progress
            )


def _refuse_overran(jobs: list[StageJob], progress: Progress) -> list[StageJob]:
    """Record as timed out, unread, the inputs this command overran before it restarted."""
    started = datetime.now(UTC)
    left = []
    for job in jobs:
        timeout = stage_watch.overran(str(job.item.path))
        if timeout is None:
            left.append(job)
            continue
        staging.record_crash(job, started, f"timed out after {timeout:g} s")
        progress(job)
    return left


def _in_flow_run() -> bool:
    """Whether a Prefect flow run is active (never true when Prefect was not even imported)."""
    if "prefect.context" not in sys.modules:
        return False
    from prefect.context import FlowRunContext

    return FlowRunContext.get() is not None
