"""Ingest one input into a working database: read, land in the raw zone, normalize, load.

Pure orchestration over `transforms` and `store`; the Prefect tasks in `flows.run.nightly` call
these. Every outcome, including an input that could not be read, is recorded and returned as a
`LoadOutcome` (`flows.load.outcomes`), so the caller reports one line per input and never sees a
traceback for bad input. Which files to ingest is `flows.load.inputs`'s job.
"""

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from flows import zones
from flows.config.settings import Settings
from flows.load import raw_zone, store
from flows.load.inputs import InputFile
from flows.load.outcomes import LoadOutcome
from flows.load.reading import bound_account, normalize_input, read_bytes
from transforms.errors import InputError


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    item: InputFile,
    settings: Settings,
    raw_root: zones.Zone | Path,
    period: tuple[date, date] | None = None,
) -> LoadOutcome:
    """Load one file into the database behind `con`; never raises for bad input.

    The one-input path (tests, backfill): a run stages its inputs in parallel and loads them in
    batches (`flows.load.staging`), through the same `read_bytes` and `normalize_input`
    (`flows.load.reading`).
    """
    started = datetime.now(UTC)
    source = str(item.path)
    if item.ignored:
        return LoadOutcome(source, "ignored", error=item.ignored)
    bound = bound_account(item)
    entry = store.LedgerEntry(source=source, started_at=started, bound_account=bound)
    try:
        data = read_bytes(item.path)
    except InputError as exc:
        return _failed(con, entry, str(exc))
    digest = raw_zone.sha256_of(data)
    previous = store.loaded_load_id(con, digest, bound)
    if previous is not None:
        return LoadOutcome(source, "skipped", load_id=previous)
    relative = raw_zone.land(raw_root, data, digest, item.path.suffix)
    landed = raw_zone.to_normalize(raw_root, relative, data)
    del data  # a local landed copy is read by `normalize_file`, which frees it once it is split
    entry = store.LedgerEntry(source, started, digest, str(relative), bound)
    try:
        result = normalize_input(landed, item, settings, period)
    except InputError as exc:
        return _failed(con, entry, str(exc))
    load_id = store.record_load(con, entry, result)
    return LoadOutcome.loaded(source, result.format, result, load_id)


def _failed(con: duckdb.DuckDBPyConnection, entry: store.LedgerEntry, error: str) -> LoadOutcome:
    """Record a failed input in the ledger and report it."""
    load_id = store.record_failure(con, entry, error)
    return LoadOutcome(entry.source, "failed", error=error, load_id=load_id)
