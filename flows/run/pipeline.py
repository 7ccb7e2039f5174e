"""Run-level steps shared by the flows and the command line: working copy, schema, publish.

Every writing command follows the same life cycle: take the writer lock, copy the published file to
a working file (written to disk in the background while the run works), open it once (memory
capped, spilling beside it), write there, checkpoint, close, and atomically replace the published
file. Anything that raises in between leaves the published file as it was.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb

from flows import zones
from flows.config.defaults import (
    DEFAULT_KEEP_PREVIOUS,
    DEFAULT_LOCK_WAIT_SECONDS,
    DEFAULT_MEMORY_LIMIT,
)
from flows.config.settings import Settings
from flows.load import store
from flows.publish import working_file

T = TypeVar("T")


def raw_root(published: Path, settings: Settings | None = None) -> zones.Zone:
    """The raw zone: `[zones] raw`, else the folder next to the published database (`data/raw`).

    The working copy lies beside the published file, so `raw_root` of either names the same zone.
    """
    return (settings.zones if settings else zones.ZonesConfig()).raw_for(published)


@dataclass(frozen=True)
class Working:
    """A run's working file and the one writer connection to it, handed to every step.

    Steps get it as an argument, never from module state: the run's single writer is the only
    holder of a connection. A step running in another process (a Prefect process or Dask task
    runner) cannot share a DuckDB connection, so such steps only transform and hand their results
    back to the writer, which loads them (`flows.load.staging`).
    """

    path: Path
    con: duckdb.DuckDBPyConnection


@contextmanager
def working_database(
    published: Path,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    lock_wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS,
    keep_previous: bool = DEFAULT_KEEP_PREVIOUS,
) -> Iterator[Working]:
    """Yield the run's working file and connection under the writer lock; publish on success.

    One connection to the working file serves the whole run, and the file is checkpointed once,
    before it is published: opening the file and checkpointing it around every input cost more
    than loading a small export. Each input still writes in its own transaction
    (`store.record_load`), so a bad or interrupted input leaves nothing behind; a failed run
    discards the whole file anyway. A second writer waits up to `lock_wait_seconds` for the lock.
    `keep_previous`: the publish keeps the file it replaces for the next run to start from.
    """
    with working_file.writer_lock(published, lock_wait_seconds):
        work = working_file.prepare_working_copy(published)
        try:
            with working_file.written_back(work):
                con = store.connect_writer(work, memory_limit, working_file.spill_path(work))
                try:
                    # A killed run's working file is discarded, so its commits need not reach
                    # the disk; only the checkpoint before publishing must. Syncing each commit
                    # would also wait for the copy's writeback (`working_file.written_back`).
                    con.execute("set fsync_mode = 'none'")
                    yield Working(work, con)
                    con.execute("set fsync_mode = 'standard'; checkpoint")
                finally:
                    con.close()
        except BaseException:
            working_file.discard(work)
            raise
        working_file.publish(work, published, keep_previous)


@contextmanager
def open_working(working: Working) -> Iterator[duckdb.DuckDBPyConnection]:
    """The run's connection for one unit of work, left clean whatever the unit does.

    A block that raises leaves no open transaction and no unread result behind (an interrupted
    input's writes are rolled back), so the next step starts clean.
    """
    try:
        yield working.con
        working.con.complete()
    except BaseException:
        store.abandon(working.con)
        raise


def with_working(working: Working, action: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Run `action` on the run's connection as one unit (what each step of a run does)."""
    with open_working(working) as con:
        return action(con)


def initialise(con: duckdb.DuckDBPyConnection, settings: Settings) -> int:
    """Apply the schema and declare the configured accounts; return the schema version."""
    version = store.apply_schema(con)
    store.upsert_accounts(con, settings.accounts)
    return version
