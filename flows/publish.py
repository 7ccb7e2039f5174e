"""Publishing: build in a working file, then atomically replace what analysts open.

A read-only DuckDB session holds a lock that blocks every writer of that file, so no run ever writes
the published file. Each run copies it to a working file, writes there, checkpoints, closes, and
`os.replace`s the working file over the published path: analysts keep reading the old file until
they reconnect, and a failed run leaves the published file untouched. A lock file keeps two writing
runs from racing.
"""

import fcntl
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from transforms.errors import InputError


def working_path(published: Path) -> Path:
    """The working file next to the published one (same filesystem, so the rename is atomic)."""
    return published.with_name(f"{published.name}.building")


def spill_path(work: Path) -> Path:
    """Where DuckDB spills what exceeds its memory limit: a folder beside the working file.

    On the data disk rather than the system's temporary folder, and named after the working file
    (DuckDB's own default name), so publishing or discarding the working file removes it.
    """
    return work.with_name(f"{work.name}.tmp")


@contextmanager
def writer_lock(published: Path) -> Iterator[None]:
    """Hold an exclusive lock for the whole run; a second writer fails fast with a clear reason."""
    published.parent.mkdir(parents=True, exist_ok=True)
    lock_path = published.with_name(f"{published.name}.lock")
    with lock_path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(
                f"{published}: another kunci run is writing this database; try again later"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def check_unlocked(published: Path) -> None:
    """Fail in one line now when another run holds the writer lock (the run takes it later)."""
    with writer_lock(published):
        pass


def prepare_working_copy(published: Path) -> Path:
    """Start a run: a fresh working file holding the published content (or nothing, at first)."""
    work = working_path(published)
    discard(work)
    if published.exists():
        shutil.copyfile(published, work)
    return work


def publish(work: Path, published: Path) -> None:
    """Replace the published file with the finished, checkpointed working file.

    The spill folder goes first: it belongs to the run, never to what analysts open.
    """
    wal = work.with_name(f"{work.name}.wal")
    if wal.exists():
        raise RuntimeError(f"{work}: refusing to publish with a pending write-ahead log")
    shutil.rmtree(spill_path(work), ignore_errors=True)
    work.replace(published)


def discard(work: Path) -> None:
    """Remove a working file, its WAL and its spill folder left by a failed or killed run."""
    for leftover in (work, work.with_name(f"{work.name}.wal")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(spill_path(work), ignore_errors=True)
