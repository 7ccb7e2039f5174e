"""Stage many inputs in parallel, each bounded by a timeout (`[runner]` in `kunci.toml`).

Kinds:
- `processes` (default): worker processes, each a fresh interpreter (a forked polars can
  deadlock) fed one input at a time through a pipe. An input that overruns the timeout has its
  process killed and replaced and is recorded failed; a worker that dies (a segfault, the OOM
  killer, a native reader's abort) fails its input alone. A thread cannot be stopped in the middle
  of a polars call; a process can. A worker's stderr is kept off the terminal
  (`flows.load.worker_stderr`): relayed after each input it staged, logged when it dies, its
  first meaningful line then in its input's one-line reason.
- `threads`: threads of this process; no isolation, a hung parse runs on (for trusted inputs),
  except workbooks read by native code, which go to one worker process (`workbook_pool`).
- `dask`: batches of inputs on a `dask.distributed` cluster (`dask_address`, else a local one of
  `workers` processes), each input timed in its worker: `flows.load.stage_dask`.

Under a Prefect flow run every input is a Prefect task (tracked on the Prefect server) submitted to
a task runner: Prefect's `ThreadPoolTaskRunner`, whose threads feed the worker processes, or
prefect-dask's `DaskTaskRunner`. Outside one, a `ThreadPoolExecutor` feeds the worker processes and
a dask `Client` sends batches to the cluster directly. One input of a `kunci` command is staged in
the command's own process whatever the kind (starting a worker costs more than staging a small
export), bounded by `flows.load.stage_watch`, unless it is a workbook calamine reads: that can
abort its process, so it goes to a pool of one worker process whatever the kind, as the
workbooks among many inputs do under `threads`.
"""

import contextlib
import ctypes
import multiprocessing
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection

from flows.load import staging
from flows.load.staging import Loaded, StageJob
from flows.load.worker_stderr import WorkerStderr

Progress = Callable[[StageJob], None]
"""Told of each job once it is staged (its manifest written), in the order they finish."""
_STOP_GRACE_SECONDS = 5.0
_START_SECONDS = 300.0  # a worker's imports, on a machine busy with other work
_READY = "ready"
_TAKEN = "taken"
POLARS_THREADS = "POLARS_MAX_THREADS"


def in_threads(
    jobs: list[StageJob], workers: int, stage: Callable[[StageJob], str], progress: Progress
) -> None:
    """Run `stage` on every job from `workers` threads (which may feed worker processes)."""
    with ThreadPoolExecutor(workers, thread_name_prefix="kunci-stage") as threads:
        futures = {threads.submit(stage, job): job for job in jobs}
        for future in as_completed(futures):
            future.result()
            progress(futures[future])


@dataclass(frozen=True)
class Workbooks:
    """The workbooks among a run's inputs that native code reads, and the process staging them."""

    pool: "WorkerPool"
    stems: frozenset[str]

    def pool_for(self, job: StageJob) -> "WorkerPool | None":
        """The worker process for `job` if it is one of them (its first bytes read once)."""
        return self.pool if job.stem in self.stems else None


@contextlib.contextmanager
def workbook_pool(jobs: list[StageJob], loaded: Loaded) -> Iterator[Workbooks | None]:
    """One worker process for the workbooks among `jobs` that native code reads, if any.

    For a runner that stages in this process (threads): calamine can abort the process it runs
    in (`staging.read_natively`), which must be a worker's, not the run's. None: no such input.
    """
    stems = frozenset(job.stem for job in jobs if staging.read_natively(job.item))
    if not stems:
        yield None
        return
    with WorkerPool(1, loaded) as pool:
        yield Workbooks(pool, stems)


class WorkerPool:
    """Worker processes staging one input at a time; `stage` may be called from many threads."""

    def __init__(self, size: int, loaded: Loaded) -> None:
        """Prepare `size` workers, each given the loaded inputs once (started on entry)."""
        self._size = size
        self._loaded = frozenset(loaded)
        self._idle: queue.SimpleQueue[_Worker | None] = queue.SimpleQueue()  # None: start one
        self._workers: set[_Worker] = set()
        self._free_cpus: queue.SimpleQueue[int | None] = queue.SimpleQueue()  # `worker_cpus`
        for cpu in worker_cpus(size):
            self._free_cpus.put(cpu)
        self._lock = threading.Lock()

    def __enter__(self) -> "WorkerPool":
        for _ in range(self._size):
            self._idle.put(self._start())
        return self

    def __exit__(self, *_exc: object) -> None:
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            worker.stop()

    def _start(self) -> "_Worker":
        worker = _Worker(self._loaded, polars_threads(self._size), self._free_cpus.get_nowait())
        with self._lock:
            self._workers.add(worker)
        return worker

    def _retire(self, worker: "_Worker", job: StageJob) -> str | None:
        """Kill `worker`; its replacement starts when an input needs it (the last may not).

        Returns the first meaningful line of what it wrote staging `job`, all of which is logged.
        """
        worker.kill()
        last_words = worker.stderr.last_words(str(job.item.path))
        worker.stderr.close()
        with self._lock:
            self._workers.discard(worker)
        self._free_cpus.put(worker.cpu)  # for its replacement
        self._idle.put(None)
        return last_words

    def stage(self, job: StageJob, timeout: float) -> str:
        """Stage one job in an idle worker; kill the worker when the job overruns `timeout`."""
        worker = self._idle.get() or self._start()
        started = datetime.now(UTC)
        try:
            worker.wait_ready()
            worker.connection.send(job)
            worker.wait_taken()
            if worker.connection.poll(timeout):
                stem: str = worker.connection.recv()
                worker.stderr.relay()
                self._idle.put(worker)
                return stem
            reason = f"timed out after {timeout:g} s"
            self._retire(worker, job)  # what a hung parse wrote is logged, and no reason
        except (EOFError, OSError):
            code = worker.exit_code()
            reason = died(job, code, self._retire(worker, job))
        return staging.record_crash(job, started, reason)


def died(job: StageJob, code: int | None, message: str | None) -> str:
    """Why `job` failed when its worker process ended with `code`, in words a user can act on.

    A signal is what native code ends a process with: calamine aborts (SIGABRT) on some damaged
    workbooks, a defect segfaults, the kernel kills (SIGKILL) when memory runs out. Only the
    first is the file's fault for sure, and the user can do something about it: re-export it.
    `message` is the first meaningful line the process wrote as it ended (Rust's "memory
    allocation of N bytes failed"), if it wrote one.
    """
    said = f": {message}" if message else ""
    if code is None or code >= 0:
        return f"internal error (the worker process ended with exit code {code}{said})"
    name = signal.Signals(-code).name
    if -code == signal.SIGKILL:
        return (
            f"the process normalizing it was killed (signal {name}: by the system when memory "
            f"runs out, or by a user{said})"
        )
    if staging.read_natively(job.item):
        return (
            f"the workbook reader crashed on it (its process was killed by signal {name}{said}): "
            "the file is probably damaged; re-export it"
        )
    return f"internal error (the process normalizing it crashed: killed by signal {name}{said})"


def polars_threads(workers: int) -> int:
    """Threads of polars in each of `workers` staging processes: one share of the cores.

    polars sizes its thread pool to every core of the machine in each process; `workers`
    processes busy at once would then run twice as many threads as there are cores, trading
    places on them between every small polars call (staging 400 small exports took 15 % more
    CPU so). Read once, when polars is imported: a worker must inherit it in its environment.
    """
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def available_cpus() -> list[int]:
    """The CPUs this process may run on (its affinity, which a container's CPU set limits)."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))


def worker_cpus(workers: int) -> list[int | None]:
    """The CPU each of `workers` staging processes is kept on, or None each where none is.

    Where there are as many workers as CPUs or more (the default) and their polars has one
    thread (`polars_threads`), each is kept on one CPU, the workers spread over the CPUs this
    process may use (more workers than CPUs share them in turn). polars hands each query's work
    to its pool thread and waits for it, and staging a small export makes about 25 queries: on
    one CPU the thread is woken where the worker waits (a round trip of two threads took 11 µs
    here), across CPUs through an idle virtual one (85 µs). Staging 400 small exports in one
    process so took 25–30 % less time (7.3 → 5.4 s); with two workers keeping both cores busy,
    a few per cent. Fewer workers than CPUs are left where the system puts them, so that runs
    side by side do not crowd the first CPUs; so are workers with several polars threads, and
    all of them where the system cannot keep a process on a CPU. A worker refused its CPU runs
    where the system puts it.
    """
    threads = os.environ.get(POLARS_THREADS, str(polars_threads(workers)))
    cpus = available_cpus()
    if threads != "1" or workers < len(cpus) or not hasattr(os, "sched_setaffinity"):
        return [None] * workers
    return [cpus[index % len(cpus)] for index in range(workers)]


# A worker's interpreter runs this and nothing else: it imports what staging needs, never the
# parent's `__main__` (multiprocessing's `spawn` would run that again in every worker: a
# benchmark's or a Prefect worker's imports, a second or more of CPU each). The pipe's end is
# inherited as a file descriptor; the parent's `sys.path` comes first through it, so the worker
# finds the modules (and the pickled parsers of a test or a plug-in) where the parent does, then
# the loaded inputs: both read before the imports, so the parent never waits on a full pipe.
# Its CPU (`worker_cpus`), if any, is set before polars starts its threads, which inherit it.
_WORKER_MAIN = (
    "import contextlib, os, sys\n"
    "from multiprocessing.connection import Connection\n"
    "with contextlib.suppress(OSError):\n"
    "    sys.argv[2] and os.sched_setaffinity(0, {int(sys.argv[2])})\n"
    "connection = Connection(int(sys.argv[1])); sys.path[:] = connection.recv()\n"
    "loaded = connection.recv(); from flows.load.stage_pool import serve; serve(connection, loaded)"
)


class _Worker:
    """One worker process and this side of its pipe."""

    def __init__(
        self, loaded: frozenset[tuple[str, str | None]], polars_threads: int, cpu: int | None
    ) -> None:
        """Start the process, on `cpu` if one; its polars gets `polars_threads` unless set."""
        self.cpu = cpu
        self.connection, theirs = multiprocessing.Pipe()
        self.stderr = WorkerStderr()
        environment = {POLARS_THREADS: str(polars_threads)} | dict(os.environ)
        descriptor = theirs.fileno()
        self.process = subprocess.Popen(
            [sys.executable, "-c", _WORKER_MAIN, str(descriptor), "" if cpu is None else str(cpu)],
            pass_fds=(descriptor,),
            env=environment,
            stdin=subprocess.DEVNULL,
            stderr=self.stderr.file,
        )
        theirs.close()  # so that its death reads as end of file here
        self.connection.send(list(sys.path))
        self.connection.send(loaded)
        self._ready = False

    def wait_ready(self) -> None:
        """Wait until the process has imported what staging needs (it says so once).

        The timeout bounds an input's staging, not the start of a worker on a busy machine.
        """
        if not self._ready:
            if not self.connection.poll(_START_SECONDS) or self.connection.recv() != _READY:
                raise OSError("the worker process did not start")
            self._ready = True

    def wait_taken(self) -> None:
        """Wait until the process has unpickled the job it was sent (it says so each time).

        Unpickling imports the modules of the job's parsers (a plug-in's or a test's) the first
        time a worker meets them: seconds on a busy machine, part of a worker's start, not of
        the input's staging, which the timeout bounds from here on.
        """
        if not self.connection.poll(_START_SECONDS) or self.connection.recv() != _TAKEN:
            raise OSError("the worker process did not take its input")

    def exit_code(self) -> int | None:
        """The exit code (minus the signal that killed it), waiting at most the grace period.

        None while the process still runs past it.
        """
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(_STOP_GRACE_SECONDS)
        return self.process.returncode

    def kill(self) -> None:
        """End the process now (a hung parse gives no other way out)."""
        self.process.kill()
        self.exit_code()
        self.connection.close()

    def stop(self) -> None:
        """Ask the process to finish (kill it when it does not within the grace period).

        What it wrote since its last input (at exit) is relayed, as after each input.
        """
        with contextlib.suppress(OSError):
            self.connection.send(None)
        if self.exit_code() is None:
            self.kill()
        else:
            self.connection.close()
        self.stderr.relay()
        self.stderr.close()


def serve(connection: Connection, loaded: frozenset[tuple[str, str | None]]) -> None:
    """A worker's life: stage the jobs it receives until told to stop or its parent is gone."""
    _die_with_parent()
    connection.send(_READY)
    while True:
        try:
            job = connection.recv()
        except EOFError:  # the parent died
            return
        if job is None:
            return
        connection.send(_TAKEN)
        connection.send(staging.stage_safely(job, loaded))


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this worker when its parent dies (a SIGKILLed run).

    Without it a worker busy with a large input would finish it after the run is gone.
    """
    if sys.platform != "linux":
        return
    with contextlib.suppress(OSError):
        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
