"""Staging on a `dask.distributed` cluster (`[runner] kind = "dask"`): inputs in timed batches.

Imported only when that kind is configured (Dask is the optional `dask` extra).

Why batches: every Dask task costs the scheduler and the client a few milliseconds, on the same
cores as the workers of a local cluster. With one task per small export (about 12 ms of
normalizing) that overhead ate the second worker's gain. So consecutive inputs go in one task:
at most `_MAX_BATCH` inputs, so that the writer, which loads in input order, soon has a finished
batch to load, and fewer as fewer are left (`batches`), so that the workers finish together.

A batch does not lessen what each input gets alone:
- Each job of a batch runs `staging.stage_safely`, which records its own failure. A batch
  returns only once each of its jobs has a manifest, and progress is reported per input.
- `[runner] timeout_seconds` still bounds each input, as it does for worker processes. The
  batch stages its jobs one after another in a daemon thread of the worker and waits for each
  at most the timeout.
  A job that overruns ends its batch. The client refuses that input as timed out and sends the
  inputs after it as a new batch, ahead of the queue.
- A thread cannot be stopped, so the overrun parse goes on in its worker. On the local cluster
  Kunci started, the client restarts that worker through its nanny before it records the
  refusal. So nothing of the parse runs on after the run, and no late manifest can replace the
  refusal. A cluster at `dask_address` is shared and not Kunci's to restart: its worker is left
  running the parse (one of its threads is busy until the parse ends), and the refusal says so.
  Should that parse end before the writer reads the refusal, its manifest replaces it and the
  input loads from its own complete frames; ending later, it leaves files in the staging zone,
  which the next run clears.
- A batch whose worker dies is retried by the scheduler, which gives up with `KilledWorker`.
  Its inputs are then sent again, one per task, so that only the input that kills its worker is
  refused. On the local cluster a worker is given a task only when its thread is free, so a task
  waiting on a worker is never blamed for that worker's death; a cluster at `dask_address` keeps
  its own `worker-saturation`.
- Native code that holds the interpreter lock keeps the worker from timing its job. The client
  then bounds the batch once it is the oldest one out: one timeout per input of the batch, one
  more, and the time a worker takes to be replaced. Past that, every input of the batch is
  refused as timed out (which one hung cannot be told), and its worker is restarted as above.
- The client fetches each batch's result (a count) as soon as it finishes, so that a worker
  restarted or lost holds no finished batch. A batch running on a restarted worker is run again
  elsewhere: staging an input twice writes the same files, and no input of it was reported yet.
"""

import contextlib
import math
import os
import queue
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import dask
from distributed import Client, Future, KilledWorker, LocalCluster, wait

from flows.config.settings import RunnerConfig
from flows.load import stage_pool, staging
from flows.load.stage_pool import Progress
from flows.load.staging import Loaded, StageJob

_BATCHES_PER_WORKER = 4
_MAX_BATCH = 25
_RESTART_SECONDS = 120.0  # a worker's imports, on a machine busy with other work
_FIRST = 1  # the priority of inputs sent again: before the batches still queued


def stage_on_dask(
    jobs: list[StageJob], loaded: Loaded, runner: RunnerConfig, workers: int, progress: Progress
) -> None:
    """Stage the jobs in batches on the configured cluster, else on a local one of `workers`."""
    with dask_client(runner, workers) as client:
        _BatchedStaging(client, loaded, runner, progress).run(jobs)


def stage_batch(jobs: list[StageJob], loaded: Loaded, timeout: float) -> int:
    """Stage the jobs in order on this worker; how many were staged before one overran `timeout`.

    Returns `len(jobs)` when none overran. Otherwise it returns the position of the job that
    overran, whose thread runs on. The jobs after that one are not started.

    One thread stages the batch's jobs one after another, each awaited at most `timeout`,
    rather than a thread per job: starting one per input cost the two workers 0.4 to 2.1 s
    of CPU more for 400 small exports (of about 12 s), in two comparisons under load.
    """
    todo: queue.SimpleQueue[StageJob | None] = queue.SimpleQueue()
    done: queue.SimpleQueue[BaseException | None] = queue.SimpleQueue()
    stager = threading.Thread(
        target=_stage_each, args=(todo, done, loaded), name="kunci-stage", daemon=True
    )
    stager.start()
    try:
        for position, job in enumerate(jobs):
            todo.put(job)
            try:
                unrecorded = done.get(timeout=timeout)
            except queue.Empty:
                return position
            if unrecorded is not None:
                raise unrecorded
        return len(jobs)
    finally:
        todo.put(None)  # the thread ends: now, or once the job that overran returns


def _stage_each(
    todo: "queue.SimpleQueue[StageJob | None]",
    done: "queue.SimpleQueue[BaseException | None]",
    loaded: Loaded,
) -> None:
    """Stage each job given until told to stop (None), telling `done` of each in turn.

    A failure that could not even be recorded as the input's own goes back to the batch,
    which raises it, and ends this thread.
    """
    while (job := todo.get()) is not None:
        try:
            _stage_one(job, loaded)
        except BaseException as unrecorded:  # raised by the batch, not lost
            done.put(unrecorded)
            return
        done.put(None)


def _stage_one(job: StageJob, loaded: Loaded) -> None:
    """Stage one job; any failure of it, a `SystemExit` in a parser too, is its own."""
    started = datetime.now(UTC)
    try:
        staging.stage_safely(job, loaded)
    except BaseException as exc:
        staging.record_crash(job, started, f"internal error ({type(exc).__name__}: {exc})")


def batches(jobs: list[StageJob], workers: int) -> Iterator[list[StageJob]]:
    """Consecutive jobs in batches that shrink as fewer are left (guided self-scheduling).

    Each batch takes a `_BATCHES_PER_WORKER`-th of a worker's share of the jobs left, at most
    `_MAX_BATCH` and at least one: large batches while there is much to do (few tasks), single
    inputs at the end (no worker waits long for another finishing a large batch).
    """
    start = 0
    while start < len(jobs):
        share = math.ceil((len(jobs) - start) / (_BATCHES_PER_WORKER * max(1, workers)))
        size = max(1, min(_MAX_BATCH, share))
        yield jobs[start : start + size]
        start += size


class _BatchedStaging:
    """The client's side: batches sent, results fetched as they finish, overruns refused."""

    def __init__(
        self, client: Any, loaded: Loaded, runner: RunnerConfig, progress: Progress
    ) -> None:
        self._client = client
        self._timeout = runner.timeout_seconds
        self._ours = runner.dask_address is None  # a local cluster this run started
        self._progress = progress
        # a task's result, not scattered data: a worker lost (restarted after an overrun,
        # killed by an input) takes scattered data with it, a result is computed again
        self._loaded = client.submit(frozenset, frozenset(loaded), pure=False)
        self._started = datetime.now(UTC)
        self._outstanding: dict[Future[int], list[StageJob]] = {}  # in the order sent

    def run(self, jobs: list[StageJob]) -> None:
        """Stage every job; each ends with a manifest, recorded by its worker or by the client.

        Each result (a count) is fetched as soon as its batch finishes, so a worker restarted
        or lost holds no finished batch that would have to run again. The oldest batch still
        out is bounded by `_bound`, counted from the moment it became the oldest.
        """
        for batch in batches(jobs, sum(self._client.nthreads().values())):
            self._send(batch)
        oldest, deadline = None, 0.0
        while self._outstanding:
            if oldest not in self._outstanding:
                oldest = next(iter(self._outstanding))
                deadline = time.monotonic() + self._bound(self._outstanding[oldest])
            try:
                finished = wait(  # type: ignore[no-untyped-call]
                    list(self._outstanding),
                    timeout=max(0.0, deadline - time.monotonic()),
                    return_when="FIRST_COMPLETED",
                ).done
            except TimeoutError:
                assert oldest is not None
                if oldest.status != "pending":  # it ended as the wait gave up: fetched next turn
                    continue
                batch = self._outstanding.pop(oldest)
                note = self._stop(oldest)
                for job in batch:
                    self._refuse(job, f"timed out after {self._timeout:g} s{note}")
                continue
            counts = {future: _count(future) for future in finished}  # before any restart
            for future, staged in counts.items():
                self._finished(future, self._outstanding.pop(future), staged)

    def _bound(self, batch: list[StageJob]) -> float:
        """How long the client waits for a batch whose worker cannot time its jobs.

        A timeout per input and one more, and the time a worker killed by an input takes to
        be replaced (the scheduler tries the batch on other workers before `KilledWorker`).
        """
        return self._timeout * (len(batch) + 1) + _RESTART_SECONDS

    def _finished(self, future: "Future[int]", batch: list[StageJob], staged: int | None) -> None:
        """Report a finished batch: its staged jobs, then its overrun or its dead worker."""
        if staged is None:  # its worker died each time it ran
            if len(batch) == 1:
                self._refuse(batch[0], "internal error (the Dask worker died staging it)")
            else:
                for job in batch:
                    self._send([job], _FIRST)
            return
        for job in batch[:staged]:
            self._progress(job)
        if staged < len(batch):
            note = self._stop(future)
            self._refuse(batch[staged], f"timed out after {self._timeout:g} s{note}")
            if rest := batch[staged + 1 :]:
                self._send(rest, _FIRST)

    def _send(self, batch: list[StageJob], priority: int = 0) -> None:
        future = self._client.submit(
            stage_batch, batch, self._loaded, self._timeout, pure=False, priority=priority
        )
        self._outstanding[future] = batch

    def _refuse(self, job: StageJob, reason: str) -> None:
        staging.record_crash(job, self._started, reason)
        self._progress(job)

    def _stop(self, future: "Future[int]") -> str:
        """End the overrun parse of `future`'s worker where we may; a note for the refusal.

        The future is released first: otherwise the scheduler would run its batch again once
        its worker is gone.
        """
        worker = self._worker_of(future)
        self._client.cancel([future])
        if worker is None:
            return ""
        if not self._ours:
            return f" (still running on the Dask worker {worker}, which Kunci did not start)"
        restarted = self._client.restart_workers(
            [worker], timeout=_RESTART_SECONDS, raise_for_error=False
        )
        if restarted.get(worker) != "OK":
            return f" (its Dask worker {worker} could not be restarted: {restarted.get(worker)})"
        return ""

    def _worker_of(self, future: "Future[int]") -> str | None:
        """The worker holding `future`'s result, or still running its task."""
        holders = list(self._client.who_has([future]).get(future.key, ()))
        running = [w for w, keys in self._client.processing().items() if future.key in keys]
        return next(iter([*holders, *running]), None)


def _count(future: "Future[int]") -> int | None:
    """How many jobs a finished batch staged; None when its worker died each time it ran it."""
    try:
        return future.result()
    except KilledWorker:
        return None


@contextlib.contextmanager
def dask_client(runner: RunnerConfig, workers: int) -> Iterator[Any]:
    """A client of the configured scheduler, else of a local cluster of `workers` processes."""
    if runner.dask_address:
        with Client(runner.dask_address) as client:  # type: ignore[no-untyped-call]
            yield client
        return
    # a task is given to a worker only when it has a free thread: a worker killed by an input
    # then counts against that input's task alone, not against one waiting there for its turn
    with dask.config.set({"distributed.scheduler.worker-saturation": 1.0}):
        cluster = LocalCluster(**local_cluster_options(workers))  # type: ignore[no-untyped-call]
    with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
        yield client


def local_cluster_options(workers: int) -> dict[str, Any]:
    """A local Dask cluster on loopback: one single-threaded process per worker, no dashboard.

    Polars in each worker gets one share of the cores, as in the worker processes
    (`stage_pool.polars_threads`): it would size its pool to every core in each worker (the
    nanny sets `OMP_NUM_THREADS=1` for the same reason). A `POLARS_MAX_THREADS` the run sets is
    inherited instead. A cluster at `dask_address` is configured by whoever runs it (the README
    says how).

    Dask's profiler is off in the workers: without a dashboard nobody reads its samples, and
    taking them (every 10 ms, the staging thread's stack walked under the interpreter lock)
    cost each worker about 3 % of a core, idle or not. The key is dotted so that the nanny
    adds it to the configuration it hands its worker, rather than replacing that section.
    """
    options: dict[str, Any] = {
        "n_workers": workers,
        "threads_per_worker": 1,
        "processes": True,
        "host": "127.0.0.1",
        "dashboard_address": None,
        "config": {"distributed.worker.profile.enabled": False},
    }
    if stage_pool.POLARS_THREADS not in os.environ:
        options["env"] = {stage_pool.POLARS_THREADS: str(stage_pool.polars_threads(workers))}
    return options
