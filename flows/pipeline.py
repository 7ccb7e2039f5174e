"""Run-level steps shared by the flows and the command line: working copy, build, publish.

Every writing command follows the same life cycle: take the writer lock, copy the published file to
a working file, open it once (memory capped, spilling beside it), write there, checkpoint, close,
and atomically replace the published file. Anything that raises in between leaves the published
file as it was.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb

from flows import models, publish, store, zones
from flows.settings import DEFAULT_MEMORY_LIMIT, Settings

T = TypeVar("T")


def raw_root(published: Path, settings: Settings | None = None) -> zones.Zone:
    """The raw zone: `[zones] raw`, else the folder next to the published database (`data/raw`).

    The working copy lies beside the published file, so `raw_root` of either names the same zone.
    """
    return (settings.zones if settings else zones.ZonesConfig()).raw_for(published)


@contextmanager
def working_database(published: Path, memory_limit: str = DEFAULT_MEMORY_LIMIT) -> Iterator[Path]:
    """Yield a prepared working file under the writer lock; publish it if the block succeeds.

    One connection to the working file is held for the whole block: every `open_working` of it
    (each task of a run) uses that connection, and the file is checkpointed once, before it is
    published. Opening the file and checkpointing it around every input cost more than loading
    a small export. Each input still writes in its own transaction (`store.record_load`), so a
    bad or interrupted input leaves nothing behind; a failed run discards the whole file anyway.
    """
    with publish.writer_lock(published):
        work = publish.prepare_working_copy(published)
        try:
            with _holding(work, memory_limit):
                yield work
        except BaseException:
            publish.discard(work)
            raise
        publish.publish(work, published)


_HELD: dict[Path, duckdb.DuckDBPyConnection] = {}


@contextmanager
def _holding(work: Path, memory_limit: str) -> Iterator[None]:
    """Hold a connection to `work` while the block runs; checkpoint and close it on success."""
    con = store.connect_writer(work, memory_limit, publish.spill_path(work))
    _HELD[work.resolve()] = con
    try:
        yield
        con.execute("checkpoint")
    finally:
        del _HELD[work.resolve()]
        con.close()


@contextmanager
def open_working(work: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the working file: the run's held one, else one checkpointed on success.

    On the held connection, a block that raises leaves no open transaction and no unread result
    behind (an interrupted input's writes are rolled back), so the next task starts clean.
    """
    held = _HELD.get(work.resolve())
    if held is None:
        con = store.connect_writer(work, DEFAULT_MEMORY_LIMIT, publish.spill_path(work))
        try:
            yield con
            con.execute("checkpoint")
        finally:
            con.close()
        return
    try:
        yield held
        held.complete()
    except BaseException:
        store.abandon(held)
        raise


def with_working(work: Path, action: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Run `action` on a connection to the working file (the unit a Prefect task wraps)."""
    with open_working(work) as con:
        return action(con)


def initialise(con: duckdb.DuckDBPyConnection, settings: Settings) -> int:
    """Apply the schema and declare the configured accounts; return the schema version."""
    version = store.apply_schema(con)
    store.upsert_accounts(con, settings.accounts)
    return version


def build(con: duckdb.DuckDBPyConnection, settings: Settings) -> dict[str, int]:
    """Rebuild every metric table from `core` and the configured targets; return row counts."""
    return models.build_metrics(con, settings.targets)


def refresh(con: duckdb.DuckDBPyConnection, settings: Settings) -> tuple[dict[str, int], bool]:
    """Bring the metric tables up to date: kept when nothing changed, else updated or rebuilt.

    Returns the row counts per table and whether anything was recomputed (`ops.build` keeps the
    last counts).
    """
    tables, done = models.refresh_metrics(con, settings.targets)
    return tables, done != "kept"
