"""The timeout of the one input a `kunci` command stages in its own process.

A run of one input (the common `kunci ingest file.csv`) stages it in the command's process:
starting a worker process costs more than staging a small export, and nothing in a process can
stop a parse stuck in native code (a polars/Rust loop) or in a pathological regex. So the command
watches it: when staging overruns `[runner] timeout_seconds`, the command runs again in the same
process (`execve` of its own command line), told through `KUNCI_OVERRAN` which input overran. The
new image refuses that input without reading it ("timed out after N s", as a killed worker's input
is recorded), then loads, builds and publishes as any run with a failed input would. `execve`
ends every thread of the stuck image at once, closes the writer lock's file (Python opens files
close-on-exec), and leaves the working file for the new run to discard: the published file is
never touched, no process is left behind, the pid stays the one the caller waits for. The input
is tried again by the next command, as a timed-out input of a worker is.

Three watchers cover where a parse can be stuck, each firing only if the previous could not act:
- a timer signal (`SIGALRM`), handled on the main thread: Python code and `re` (which checks for
  signals while it backtracks) hold the interpreter lock, so no other thread would run;
- a timer thread: native code that released the lock (polars, a sleep) never returns to the
  main thread's signal handler, but lets this thread run;
- `faulthandler`, `_GRACE_SECONDS` later: native code holding the lock lets no Python run at all.
  This last resort ends the process (exit status 1) after printing where each thread was stuck.

Only the command itself may restart: `flows.cli.commands` calls `allow_restart` when it runs its own
command line (`sys.orig_argv`); a library caller, a test or a Prefect flow run never does.
"""

import contextlib
import faulthandler
import json
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

OVERRAN_ENV = "KUNCI_OVERRAN"  # {input path: timeout it overran}, for the restarted command only
_GRACE_SECONDS = 10.0


@dataclass(frozen=True)
class _Command:
    argv: list[str]
    overran: dict[str, float]


_command: list[_Command] = []  # this process's own command, once `allow_restart` said so


def allow_restart() -> None:
    """Let this process run its command line again when the input it stages overruns.

    Reads (and removes, so no child inherits it) what an earlier image of this command refused.
    """
    try:
        overran = {str(path): float(t) for path, t in json.loads(os.environ[OVERRAN_ENV]).items()}
    except (KeyError, ValueError, TypeError, AttributeError):
        overran = {}
    os.environ.pop(OVERRAN_ENV, None)
    _command[:] = [_Command(list(sys.orig_argv), overran)]


def can_restart() -> bool:
    """Whether this process is a `kunci` command that may run itself again."""
    return bool(_command)


def overran(path: str) -> float | None:
    """The timeout the input at `path` overran in an earlier image of this command, if it did."""
    return _command[0].overran.get(path) if _command else None


@contextmanager
def watched(path: str, timeout: float) -> Iterator[None]:
    """Run the block; if it overruns `timeout`, run the command again without input `path`."""
    watch = _Watch(path, timeout)
    timer = threading.Timer(timeout, watch.expire)
    timer.daemon = True
    alarm = threading.current_thread() is threading.main_thread() and signal.getsignal(
        signal.SIGALRM
    ) in (signal.SIG_DFL, None)
    previous = signal.signal(signal.SIGALRM, watch.on_alarm) if alarm else None
    if alarm:
        signal.setitimer(signal.ITIMER_REAL, timeout)
    faulthandler.dump_traceback_later(timeout + _GRACE_SECONDS, exit=True)
    timer.start()
    try:
        yield
    finally:
        with watch.lock:
            watch.done = True
        timer.cancel()
        faulthandler.cancel_dump_traceback_later()
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


class _Watch:
    """One watched staging: whichever watcher fires first restarts, unless it already ended."""

    def __init__(self, path: str, timeout: float) -> None:
        self.path, self.timeout = path, timeout
        self.lock = threading.Lock()
        self.done = False

    def on_alarm(self, _signum: int, _frame: FrameType | None) -> None:
        self.expire()

    def expire(self) -> None:
        if not self.lock.acquire(blocking=False):  # the block is ending, or the other watcher
            return
        if self.done:
            self.lock.release()
            return
        _restart(self.path, self.timeout)


def _restart(path: str, timeout: float) -> None:
    """Say so in one line, then replace this process by its own command, refusing `path`."""
    command = _command[0]
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a write interrupted by the signal: reentrant
            stream.flush()
    os.write(
        2,
        f"kunci: {path}: normalizing took longer than {timeout:g} s; running the command "
        "again without it (the file is tried again by the next command)\n".encode(),
    )
    environment = {**os.environ, OVERRAN_ENV: json.dumps({**command.overran, path: timeout})}
    # a timer outlives `execve` (it would kill the new image), and so does the thread's signal mask
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.pthread_sigmask(signal.SIG_SETMASK, ())
    os.execve(sys.executable, command.argv, environment)
