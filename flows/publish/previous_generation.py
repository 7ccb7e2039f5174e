"""The file analysts opened before the last publish, kept as the next run's working copy.

Copying the published file was what a nightly paid for history on a file system that cannot share
blocks (ext4): 1 GB at three years, copied in 0.5 to 1 s and written back to disk during the run,
for a night that changes about 1 % of it (45 of 3,796 blocks of 256 KB). So publishing keeps the
replaced file under a second name (`keep`), and the next run brings that file up to date instead
of copying (`bring_up_to_date`): it reads both files, rewrites only the ranges that differ, and
truncates to the published size. The result is the published file byte for byte, whatever state
the kept file was left in (a killed run, a half-patched file): every byte is compared or
rewritten, nothing is assumed from DuckDB's format. DuckDB's own block checksums are no
shortcut: they XOR one hash per 8-byte word, so two blocks holding the same words in another
order (rows a build on two threads wrote in another order) have equal checksums.

The kept file is used only when nothing else has it open. An analyst's read-only session opened
before the last publish still reads it (DuckDB holds a POSIX read lock on it for the session):
then the run copies the published file as before, and leaves the analyst's file alone. A kept
file that is another name of the published file (a run killed between `keep` and the rename
that publishes) is never written either, nor is a symbolic link.

Cost: the kept file stays on disk between runs, the size of the published file again (during a
run there were already two). Bringing it up to date takes 0.12 to 0.13 s for 0.8 GB held in the
page cache here (two threads, each comparing half of the file), where a copy took 0.4 s per GB
and its writeback 1.3 to 1.6 s more; what the cache no longer holds is overwritten rather than
read, so a cold kept file costs what a copy did.
"""

import errno
import fcntl
import itertools
import os
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# Read, compared and rewritten at once. Larger buffers made a process's first pass over a file
# five times slower here (0.6 s for 1 GB against 0.13 s, from 256 KB on), smaller ones cost
# more calls.
_CHUNK = 128 * 1024
_NOWAIT = getattr(os, "RWF_NOWAIT", 0)  # a read of the page cache alone (Linux)
# Threads comparing one contiguous part of the file each: the reads (copies out of the page cache)
# release the GIL, so two took 0.12 s for 0.8 GB where one took 0.19 s; a third gained nothing on
# two cores, as two already share the memory's bandwidth.
_THREADS = 2


def previous_path(published: Path) -> Path:
    """Where the generation before the published one is kept (beside it, same file system)."""
    return published.with_name(f"{published.name}.previous")


def keep(published: Path) -> None:
    """Keep the published file under a second name; the caller then replaces the first name.

    A hard link: nothing is copied, and the file analysts read keeps its content and its
    published name until the caller's rename. The kept file is only a head start for the next
    run, never trusted, so a run killed here (no kept file, or one that is also the published
    file) costs the next run a copy, nothing else.
    """
    if not published.exists():
        return
    kept = previous_path(published)
    kept.unlink(missing_ok=True)
    os.link(published, kept)


def forget(published: Path) -> None:
    """Remove the kept file, if any (`[database] keep_previous = false`): every run then copies."""
    previous_path(published).unlink(missing_ok=True)


def bring_up_to_date(published: Path, target: Path) -> bool:
    """Turn the kept file into a copy of `published` named `target`; False when it cannot be.

    False when there is no kept file, when it is not a plain file with one name (a symbolic or
    hard link, to the published file say), or when a process (this one included) has it open:
    the caller copies instead.
    """
    kept = previous_path(published)
    try:
        status = kept.lstat()
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(status.st_mode) or status.st_nlink != 1 or _open_here(status):
        return False  # a link of any kind could lead the run's writes into the published file
    descriptor = os.open(kept, os.O_RDWR | os.O_NOFOLLOW)
    try:
        try:  # fails while any other process holds a DuckDB session (a POSIX lock) on it
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        source = os.open(published, os.O_RDONLY)
        try:
            _patch(source, descriptor)
        finally:
            os.close(source)
    finally:
        os.close(descriptor)  # releases the lock before DuckDB opens the file
    kept.replace(target)
    return True


def _open_here(status: os.stat_result) -> bool:
    """Whether this process has the file open (a DuckDB session of its own, say).

    Checked before opening it: closing any descriptor of a file drops every POSIX lock this
    process holds on it, so a probe's descriptor would silently unlock such a session. Where
    `/proc` cannot tell (not Linux), the file counts as open.
    """
    descriptors = Path("/proc/self/fd")
    if not descriptors.is_dir():
        return True
    for entry in descriptors.iterdir():
        try:
            found = entry.stat()
        except OSError:  # closed since the listing (the listing's own descriptor among them)
            continue
        if (found.st_dev, found.st_ino) == (status.st_dev, status.st_ino):
            return True
    return False


def _patch(source: int, target: int) -> None:
    """Make `target` equal to `source`, writing only the `_CHUNK`s that differ.

    Only what the page cache holds of `target` is compared (`_cached_read`); the rest is
    overwritten without reading it. Reading a kept file from the disk cost more than copying
    (1.8 s for 1 GB on the test machine, against 0.4 s for the copy, whose writeback overlaps
    the run), so a kept file no longer in memory costs what a copy does, and one still in memory
    (the usual case on a machine that keeps its page cache overnight) costs a comparison. The
    file is cut into `_THREADS` parts of whole chunks, compared at once.
    """
    size = os.fstat(source).st_size
    chunks = -(-size // _CHUNK)
    cuts = [_CHUNK * (chunks * part // _THREADS) for part in range(_THREADS)] + [size]
    with ThreadPoolExecutor(_THREADS) as pool:
        parts = [
            pool.submit(_patch_part, source, target, start, end)
            for start, end in itertools.pairwise(cuts)
        ]
        for part in parts:
            part.result()  # a failed read or write fails the whole patch
    os.ftruncate(target, size)


def _patch_part(source: int, target: int, start: int, end: int) -> None:
    """`_patch` from byte `start` (a chunk's first) up to `end`, with buffers of its own."""
    wanted, found = bytearray(_CHUNK), bytearray(_CHUNK)  # compared whole: no slice copied
    for offset in range(start, end, _CHUNK):
        length = os.preadv(source, [wanted], offset)
        got = _cached_read(target, found, offset)  # less than `length`: what is past it differs
        if got != length or found != wanted:  # past a short tail: at worst a needless write
            _write_all(target, memoryview(wanted)[:length], offset)


def _cached_read(descriptor: int, buffer: bytearray, offset: int) -> int:
    """Read what the page cache holds from `offset` on, without waiting for the disk.

    The count of bytes read: fewer than asked for past the end of the file or where the cache
    stops holding it (`RWF_NOWAIT`, Linux 4.14). Where the flag is unknown, a plain read.
    """
    try:
        return os.preadv(descriptor, [buffer], offset, _NOWAIT)
    except BlockingIOError:  # nothing of it in memory
        return 0
    except OSError as error:
        if error.errno != errno.EOPNOTSUPP:
            raise
        return os.preadv(descriptor, [buffer], offset)


def _write_all(descriptor: int, view: memoryview, offset: int) -> None:
    """`pwrite` until all of `view` is written (a write may be short)."""
    while view:
        written = os.pwrite(descriptor, view, offset)
        view, offset = view[written:], offset + written
