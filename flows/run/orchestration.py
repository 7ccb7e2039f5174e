"""Who runs a command's steps: Prefect when a Prefect API is configured, else this process.

A tracked run (`PREFECT_API_URL` in the environment or the active Prefect profile) runs the
Prefect flows of `flows.run.nightly`, so the server holds its history, logs and summary artifact. A
local run needs none of that and must not pay for it: importing Prefect alone takes longer than
loading a small export, and without a server Prefect would start a temporary one per command (a
process that a SIGKILLed command used to leave behind). So a local run executes the same
sequence (`flows.run.jobs`) here, each step with the same timeout and I/O retries, and imports no
Prefect at all: `kunci ingest`, `kunci run nightly` and `kunci run backfill` (its chunk loop,
`flows.run.backfill_run`) never start a temporary Prefect server.
"""

import ctypes
import logging
import os
import signal
import threading
import time
import tomllib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from flows.run import jobs
from flows.run.jobs import Result, Step
from flows.run.runs import RunFailed, RunSummary

if TYPE_CHECKING:
    from flows.run.backfill_run import BackfillSummary


def prefect_api_url() -> str | None:
    """The Prefect API this process would report to, read without importing Prefect.

    The environment first, then the active profile of `$PREFECT_HOME/profiles.toml` (where
    `prefect config set PREFECT_API_URL=...` and `prefect cloud login` write it).
    """
    url = os.environ.get("PREFECT_API_URL")
    if url:
        return url
    home = Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()
    path = Path(os.environ.get("PREFECT_PROFILES_PATH", home / "profiles.toml")).expanduser()
    try:
        profiles = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active", "ephemeral")
    value = profiles.get("profiles", {}).get(active, {}).get("PREFECT_API_URL")
    return str(value) if value else None


def is_tracked() -> bool:
    """True when runs are recorded on a Prefect server (or Prefect Cloud)."""
    return prefect_api_url() is not None


class LocalExecutor:
    """Runs each step in this process, with the step's timeout and I/O retries, as Prefect would."""

    def run(self, step: Step, **arguments: Any) -> Result:
        """Run `step`; an exception becomes the result's error (after retrying an I/O error)."""
        delays = list(step.retry_delays)
        while True:
            try:
                with deadline(step.timeout_seconds):
                    return Result(step.action(**arguments))
            except Exception as exc:
                if delays and jobs.transient(exc):
                    delay = delays.pop(0)
                    jobs.LOGGER.warning("%s: %s; retrying in %g s", step.name, exc, delay)
                    time.sleep(delay)
                    continue
                jobs.LOGGER.error("%s failed", step.name, exc_info=exc)
                return Result(error=exc)

    def new_summary(self, db: Path, flow: str, parameters: dict[str, Any]) -> RunSummary:
        """A fresh run id, under the name the Prefect flow would have."""
        return RunSummary(db=str(db), run_id=str(uuid.uuid4()), flow=flow, parameters=parameters)

    def leave_summary(self, summary: RunSummary) -> str | None:
        """Nothing to do: a local run's summary is in `ops.run` and on the command line."""
        return None


class _Expired(BaseException):
    """Raised into a step at its deadline; a BaseException so the step's own handlers miss it."""


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Interrupt the block with `TimeoutError` after `seconds`, as Prefect's task timeout does.

    On the main thread a timer signal interrupts it (even in `time.sleep`); elsewhere, or when
    the alarm is someone else's, a watcher thread raises into it at its next Python instruction.
    Neither stops native code mid-call (a DuckDB query, a polars collect): the exception lands
    when that call returns.
    """
    if seconds is None:
        yield
        return
    on_main = threading.current_thread() is threading.main_thread()
    if on_main and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None):
        with _alarm(seconds):
            yield
        return
    with _watcher(seconds):
        yield


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        raise TimeoutError(f"timed out after {seconds:g} s") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _watcher(seconds: float) -> Iterator[None]:
    target = threading.get_ident()
    done = threading.Event()

    def watch() -> None:
        if not done.wait(seconds):
            ctypes.pythonapi.PyThreadState_SetAsyncExc(
                ctypes.c_ulong(target), ctypes.py_object(_Expired)
            )

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield
    except _Expired:
        raise TimeoutError(f"timed out after {seconds:g} s") from None
    finally:
        done.set()
        watcher.join()


def show_logs(verbose: bool) -> None:
    """Log lines on stderr only when asked: people get the summary, `--verbose` the log.

    Local runs log to the `kunci` logger; Prefect's console handler reads its level from the
    environment when Prefect is imported, which a tracked run does after this.
    """
    if verbose:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s | %(levelname)-7s | %(message)s"))
        jobs.LOGGER.addHandler(handler)
        jobs.LOGGER.setLevel(logging.INFO)
    else:
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")


def run_nightly(db: Path, config: str | None, lock_wait_seconds: float | None) -> RunSummary:
    """The nightly run, tracked or local; raises `RunFailed` after publishing when it failed."""
    if is_tracked():
        from flows.run.nightly import nightly_flow

        summary: RunSummary = nightly_flow(
            db=str(db), config=config, lock_wait_seconds=lock_wait_seconds
        )
        return summary
    summary = jobs.nightly(LocalExecutor(), str(db), config, lock_wait_seconds)
    if summary.status == "failed":
        jobs.LOGGER.error(summary.message())
        raise RunFailed(summary.message(), summary)
    return summary


def run_ingest(
    db: Path,
    paths: list[str],
    account: str | None,
    period: tuple[date, date] | None,
    config: str | None,
    lock_wait_seconds: float | None,
) -> RunSummary:
    """An ad-hoc ingest, tracked or local; its summary says whether an input failed."""
    arguments: dict[str, Any] = {
        "db": str(db),
        "paths": paths,
        "account": account,
        "period": period,
        "config": config,
        "lock_wait_seconds": lock_wait_seconds,
    }
    if is_tracked():
        from flows.run.nightly import ingest_flow

        tracked: RunSummary = ingest_flow(**arguments)
        return tracked
    return jobs.ingest_paths(LocalExecutor(), **arguments)


def run_backfill(
    db: Path,
    start: date,
    end: date,
    source: list[str] | None,
    account: list[str] | None,
    replay: bool,
    config: str | None,
    chunk_days: int,
) -> "BackfillSummary":
    """A backfill, tracked or local; a chunk that crashed raises, the chunks before it published."""
    arguments: dict[str, Any] = {
        "db": str(db),
        "start": start,
        "end": end,
        "source": source,
        "account": account,
        "replay": replay,
        "config": config,
        "chunk_days": chunk_days,
    }
    if is_tracked():
        from flows.run.backfill import backfill_flow

        tracked: BackfillSummary = backfill_flow(**arguments)
        return tracked
    from flows.run import backfill_run  # the HTTP stack loads only for a backfill

    return backfill_run.backfill(LocalExecutor(), **arguments)
