"""Run-level steps shared by the flows and the command line: working copy, build, publish.

Every writing command follows the same life cycle: take the writer lock, copy the published file to
a working file, write there, checkpoint, close, and atomically replace the published file. Anything
that raises in between leaves the published file as it was.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb

from flows import models, publish, store
from flows.settings import Settings

T = TypeVar("T")


def raw_root(published: Path) -> Path:
    """The raw zone lives next to the published database (`data/raw` for `data/kunci.duckdb`).

    Its working copy lies beside it too, so `raw_root` of either names the same folder.
    """
    return published.parent / "raw"


@contextmanager
def working_database(published: Path) -> Iterator[Path]:
    """Yield a prepared working file under the writer lock; publish it if the block succeeds."""
    with publish.writer_lock(published):
        work = publish.prepare_working_copy(published)
        try:
            yield work
        except BaseException:
            publish.discard(work)
            raise
        publish.publish(work, published)


@contextmanager
def open_working(work: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Connect to the working file and checkpoint it on success, so it can be published."""
    con = store.connect(work)
    try:
        yield con
        con.execute("checkpoint")
    finally:
        con.close()


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
