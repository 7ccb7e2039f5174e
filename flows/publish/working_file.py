"""Publishing: build in a working file, then atomically replace what analysts open.

A read-only DuckDB session holds a lock that blocks every writer of that file, so no run ever writes
the published file. Each run makes a working copy of it (`prepare_working_copy`: without copying
the whole file where it can), writes there, checkpoints, closes, and `os.replace`s the working file
over the published path: analysts keep reading the old file until they reconnect, and a failed run
leaves the published file untouched. A lock file keeps two writing runs from racing: the second
waits, with a bound, for the first. What the copy wrote is written to disk in the background while
the run works on it (`written_back`), so the checkpoint waits only for the run's own writes.
"""

import fcntl
import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from flows.publish import previous_generation


class DatabaseBusy(Exception):
    """Another run holds the writer lock past the wait: nothing is wrong with the input.

    Not an `InputError`: the same command succeeds once the other run is done, so a caller (a
    scheduler, a retrying script) must be able to tell "wait and retry" from "fix the input".
    The message is one line naming the run that holds the database.
    """


def working_path(published: Path) -> Path:
    """The working file next to the published one (same filesystem, so the rename is atomic)."""
    return published.with_name(f"{published.name}.building")


def spill_path(work: Path) -> Path:
    """Where DuckDB spills what exceeds its memory limit: a folder beside the working file.

    On the data disk rather than the system's temporary folder, and named after the working file
    (DuckDB's own default name), so publishing or discarding the working file removes it.
    """
    return work.with_name(f"{work.name}.tmp")


LOCK_POLL_SECONDS = 0.1


@contextmanager
def writer_lock(published: Path, wait_seconds: float = 0) -> Iterator[None]:
    """Hold an exclusive lock for the whole run; a second writer waits, then raises DatabaseBusy.

    The holder writes who it is (pid, command, start time) into the lock file, so a writer that
    gave up can say which run holds the database. The lock is the kernel's (`flock`): a killed
    run releases it with its last file descriptor, and a stale description is never read, since
    it is read only while someone holds the lock.
    """
    published.parent.mkdir(parents=True, exist_ok=True)
    lock_path = published.with_name(f"{published.name}.lock")
    with lock_path.open("a+") as handle:
        _acquire(handle, published, wait_seconds)
        try:
            _describe_holder(handle)
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def _acquire(handle: IO[str], published: Path, wait_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise DatabaseBusy(
                    f"{published}: {_holder(handle)} is writing this database "
                    f"(waited {wait_seconds:g} s; try again later or give --lock-wait SECONDS)"
                ) from None
            time.sleep(LOCK_POLL_SECONDS)


def _describe_holder(handle: IO[str]) -> None:
    handle.truncate(0)
    command = " ".join(["kunci" if sys.argv[0].endswith("kunci") else sys.argv[0], *sys.argv[1:]])
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    handle.write(json.dumps({"pid": os.getpid(), "command": command, "started": started}))
    handle.flush()


def _holder(handle: IO[str]) -> str:
    """Which run holds the lock, as its holder described itself."""
    handle.seek(0)
    try:
        holder = json.loads(handle.read())
        pid, command, started = holder["pid"], holder["command"], holder["started"]
    except (ValueError, KeyError, TypeError):  # the holder has not written yet
        return "another kunci run"
    return f"another kunci run (pid {pid}, `{command}`, started {started})"


def check_unlocked(published: Path, wait_seconds: float = 0) -> None:
    """Wait (bounded) while another run holds the writer lock; DatabaseBusy if it still does."""
    with writer_lock(published, wait_seconds):
        pass


def prepare_working_copy(published: Path) -> Path:
    """Start a run: a fresh working file holding the published content (or nothing, at first).

    The cheapest way that applies: a reflink where the file system shares blocks, else the
    generation kept by the last publish brought up to date (`previous_generation`), else a copy.
    """
    work = working_path(published)
    discard(work)
    if published.exists() and not (
        reflink(published, work) or previous_generation.bring_up_to_date(published, work)
    ):
        shutil.copyfile(published, work)
    return work


_FICLONE = 0x40049409  # linux/fs.h: _IOW(0x94, 9, int), "share the blocks of that file"


def reflink(source: Path, target: Path) -> bool:
    """Make `target` a copy of `source` sharing its blocks; False where the file system cannot.

    On XFS, Btrfs, bcachefs, ZFS 2.2 and APFS-like copy-on-write file systems the working copy is a
    reflink: made at once whatever the file's size, nothing to write back, and the run's writes
    go to new blocks, so the published file never changes. Copying the file was what grew with
    history in a nightly (a 1 GB file: 0.5 s to copy and more than 1 s for the kernel to write
    it back while the run waits). Elsewhere (ext4, or a system without the Linux ioctl) no
    `target` is left behind.
    """
    with source.open("rb") as src, target.open("wb") as dst:
        try:
            fcntl.ioctl(dst.fileno(), _FICLONE, src.fileno())
            return True
        except OSError:  # EOPNOTSUPP, EXDEV, ENOTTY, EINVAL: no shared blocks here
            pass
    target.unlink()
    return False


@contextmanager
def written_back(work: Path) -> Iterator[None]:
    """Write the fresh working copy to disk in a thread while the run works on it.

    The copy leaves the whole file in the page cache, not yet on disk, and the checkpoint before
    publishing syncs the file: it waited for the copy's writeback, which grows with the history
    (1.5 to 2 s for an 850 MB file on the loaded test machine, against 0.1 s for a 30 MB one).
    Synced from the start, the writeback overlaps ingesting and building (the run's commits do
    not sync, `pipeline.working_database`, or the first would wait for it), and the checkpoint's
    own sync, with this one joined, covers everything before the rename.
    Hold this around the run's connection: closing any descriptor of a file drops the process's
    POSIX locks on it, DuckDB's writer lock (`fcntl` F_SETLK) included, so the thread's
    descriptor is closed only after the connection is. A failed sync fails the run: a later
    sync may not report the same lost write again.
    """
    if not work.exists():  # the first run: DuckDB creates the file, nothing was copied
        yield
        return
    failed: list[OSError] = []

    def sync(descriptor: int) -> None:
        try:
            os.fsync(descriptor)
        except OSError as exc:
            failed.append(exc)

    descriptor = os.open(work, os.O_RDONLY)
    thread = threading.Thread(target=sync, args=(descriptor,), name="kunci-writeback", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()
        os.close(descriptor)
    if failed:
        raise OSError(f"{work}: writing the working copy to disk failed: {failed[0]}")


def publish(work: Path, published: Path, keep_previous: bool) -> None:
    """Replace the published file with the finished, checkpointed working file.

    The spill folder goes first: it belongs to the run, never to what analysts open. The replaced
    file is kept as the next run's head start (`previous_generation.keep`), unless
    `keep_previous` is false (`[database] keep_previous`): then a file kept earlier is removed,
    and every run copies.
    """
    wal = work.with_name(f"{work.name}.wal")
    if wal.exists():
        raise RuntimeError(f"{work}: refusing to publish with a pending write-ahead log")
    shutil.rmtree(spill_path(work), ignore_errors=True)
    if keep_previous:
        previous_generation.keep(published)
    else:
        previous_generation.forget(published)
    work.replace(published)


def discard(work: Path) -> None:
    """Remove a working file, its WAL and its spill folder left by a failed or killed run."""
    for leftover in (work, work.with_name(f"{work.name}.wal")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(spill_path(work), ignore_errors=True)
