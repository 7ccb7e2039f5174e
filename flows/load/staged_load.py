"""The one writer: staged inputs into DuckDB in input order, many inputs per statement.

Each input keeps its own ledger row, load_id and outcome, exactly as `store.record_load` writes
them one by one; a batch only reads the Parquet of many inputs at once (`read_parquet` over their
files) and upserts each table in one `merge`, where the inputs' rows for one key are first folded
as the one-by-one upserts would fold them (the newest input's row; for accounts, the first value
known of each attribute). The fast path holds when no API load exists (an export's rows then
simply replace what they meet) and no input repeats a key within itself. Otherwise, or when a
batch fails (a violated check), the batch is rolled back and its inputs are loaded one by one
with `store.record_load`, so the input at fault fails alone with the error it would have had.

The staged Parquet is read from the run's `StagingArea`: in place from a local staging zone, and
from a URL zone after fetching the files of one batch into a local folder (DuckDB reads files).
An input's file holds all its frames, each its own rows (`staging.PART`), so a batch reads its
files once, into `staged_frames`, and each table takes its rows from there.
"""

from collections.abc import Iterable, Iterator

import duckdb
import polars as pl

from flows.load import store
from flows.load.outcomes import LoadOutcome
from flows.load.staging import (
    NOTHING_LOADED,
    PART,
    QUARANTINE,
    QUARANTINE_COLUMNS,
    Staged,
    StagingArea,
    part_column,
)
from transforms.canonical.schemas import TABLES
from transforms.context import Normalized

BATCH_INPUTS = 256  # inputs per transaction: enough to amortize a statement, few enough to retry
BATCH_WHILE_STAGING = 64
"""Inputs that make a batch once no more are staged yet: the writer loads them while the workers
stage the next ones (a batch of 64 small inputs loads as fast per input as one of 256)."""

Key = tuple[str | None, str | None]  # (sha256, bound account)


class _OneByOne(Exception):
    """The batch cannot be folded into one statement per table: load its inputs one by one."""


def load_staged(
    con: duckdb.DuckDBPyConnection, arriving: Iterable[list[Staged]], area: StagingArea
) -> list[LoadOutcome]:
    """Record every staged input in `ops.load` (and its rows in `core`); outcomes in input order.

    `arriving` gives the manifests in input order, a few at a time as the workers stage them:
    a batch is loaded once `BATCH_WHILE_STAGING` inputs wait and no more have arrived, so the
    writer works while the workers stage. Batches change no result, only how many statements
    load the same rows. Ledger rows are written in input order, so load_ids are those a
    one-by-one run would give. An input whose bytes an earlier input of this run loaded is
    skipped, as it would have been.
    """
    outcomes: dict[int, LoadOutcome] = {}
    pending: list[tuple[int, Staged]] = []
    loaded_now: dict[Key, int] = {}
    manifests = _numbered(arriving)

    def flush() -> None:
        batch = [staged for _, staged in pending]
        for (index, staged), outcome in zip(pending, _load_batch(con, batch, area), strict=True):
            outcomes[index] = outcome
            if outcome.status != "failed" and outcome.load_id is not None:
                loaded_now.setdefault(_key(staged), outcome.load_id)
        area.discard([staged.stem for staged in batch])
        pending.clear()

    for index, staged, last_arrived in manifests:
        key = _key(staged)
        if staged.status == "staged" and key in {_key(s) for _, s in pending}:
            flush()
        if staged.status in ("staged", "skipped") and key in loaded_now:
            flush()
            outcomes[index] = LoadOutcome(staged.source, "skipped", load_id=loaded_now[key])
            area.discard([staged.stem])
        elif staged.status == "staged":
            pending.append((index, staged))
            if len(pending) >= BATCH_INPUTS or (
                last_arrived and len(pending) >= BATCH_WHILE_STAGING
            ):
                flush()
        else:
            flush()
            outcomes[index] = _record_unloaded(con, staged)
            area.discard([staged.stem])
    flush()
    return [outcomes[index] for index in range(len(outcomes))]


def _numbered(arriving: Iterable[list[Staged]]) -> Iterator[tuple[int, Staged, bool]]:
    """Each manifest with its input number, and whether it is the last of those arrived."""
    index = 0
    for group in arriving:
        for position, staged in enumerate(group):
            yield index, staged, position == len(group) - 1
            index += 1


def _key(staged: Staged) -> Key:
    return staged.sha256, staged.bound_account


def _entry(staged: Staged) -> store.LedgerEntry:
    return store.LedgerEntry(
        staged.source, staged.started_at, staged.sha256, staged.raw_path, staged.bound_account
    )


def _record_unloaded(con: duckdb.DuckDBPyConnection, staged: Staged) -> LoadOutcome:
    """An input with nothing to load: skipped (bytes loaded before this run), ignored or failed."""
    if staged.status == "skipped" and staged.sha256:
        previous = store.loaded_load_id(con, staged.sha256, staged.bound_account)
        return LoadOutcome(staged.source, "skipped", load_id=previous)
    if staged.status == "ignored":
        return LoadOutcome(staged.source, "ignored", error=staged.error)
    error = staged.error or "staging failed"
    load_id = store.record_failure(con, _entry(staged), error)
    return LoadOutcome(staged.source, "failed", error=error, load_id=load_id)


def _load_batch(
    con: duckdb.DuckDBPyConnection, batch: list[Staged], area: StagingArea
) -> list[LoadOutcome]:
    if not batch:
        return []
    if store.rival_origin(con, "export") is None:
        try:
            return _load_together(con, batch, area)
        except (_OneByOne, duckdb.Error):
            pass  # rolled back: one by one, the input at fault fails alone
    return [_load_one(con, staged, area) for staged in batch]


def _load_one(con: duckdb.DuckDBPyConnection, staged: Staged, area: StagingArea) -> LoadOutcome:
    """One staged input through `store.record_load`, as `ingest_file` loads it."""
    wanted = staged.tables | ({QUARANTINE: QUARANTINE_COLUMNS} if staged.quarantine else {})
    frames = area.read_frames(staged.stem, wanted) if wanted else {}
    result = Normalized(
        format=staged.format or "",
        platform=staged.platform or "",
        tables={table: frames[table] for table in staged.tables},
        quarantine=frames.get(QUARANTINE, _NO_QUARANTINE),
        rows_read=staged.rows_read,
        rows_skipped=staged.rows_skipped,
        notes=staged.notes,
    )
    try:
        load_id = store.record_load(con, _entry(staged), result)
    except Exception as exc:  # a defect or a violated check: this input fails alone
        error = f"internal error ({type(exc).__name__}: {exc}); {NOTHING_LOADED}"
        entry = store.LedgerEntry(staged.source, staged.started_at)
        return LoadOutcome(
            staged.source, "failed", error=error, load_id=store.record_failure(con, entry, error)
        )
    return staged.outcome_of(load_id)


_NO_QUARANTINE = pl.DataFrame(
    schema={"sheet": pl.String, "row_number": pl.Int64, "reason": pl.String, "raw": pl.String}
)


def _load_together(
    con: duckdb.DuckDBPyConnection, batch: list[Staged], area: StagingArea
) -> list[LoadOutcome]:
    """The batch in one transaction: ledger rows, one `merge` per table, one quarantine insert."""
    con.begin()
    try:
        load_ids = store.insert_ledger_rows(
            con,
            [
                store.LedgerRow(
                    _entry(staged),
                    "loaded",
                    (
                        staged.rows_read,
                        staged.rows_loaded,
                        staged.rows_quarantined,
                        staged.rows_skipped,
                    ),
                    format_name=staged.format,
                    platform=staged.platform,
                    notes="; ".join(staged.notes) or None,
                )
                for staged in batch
            ],
        )
        framed = [(s, i) for s, i in zip(batch, load_ids, strict=True) if s.tables or s.quarantine]
        if framed:
            _read_frames(con, area, framed)
        try:
            tables = dict.fromkeys(table for staged in batch for table in staged.tables)
            for table in tables:
                members = [(s, i) for s, i in framed if table in s.tables]
                _merge_table(con, table, members)
            quarantined = [(s, i) for s, i in framed if s.quarantine]
            if quarantined:
                con.execute(
                    "insert into ops.quarantine (load_id, sheet, row_number, reason, raw) "
                    "select load_id, sheet, row_number, reason, raw::json from "
                    f"{_frame_rows(QUARANTINE, QUARANTINE_COLUMNS)}"
                )
        finally:
            con.execute("drop table if exists staged_frames")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return [staged.outcome_of(load_id) for staged, load_id in zip(batch, load_ids, strict=True)]


def _merge_table(
    con: duckdb.DuckDBPyConnection, table: str, members: list[tuple[Staged, int]]
) -> None:
    """Upsert the rows of every member into `core.<table>`: one `merge` per run of inputs.

    The members' rows of this table are taken from `staged_frames` once, into a temporary
    table (`staged_rows`), with the columns any member has. A run is a sequence of
    consecutive inputs providing the same columns: a column an input lacks must stay untouched,
    not become NULL, so inputs with other columns start a new run.
    """
    key = ", ".join(TABLES[table].key)
    columns = list(dict.fromkeys(c for staged, _ in members for c in staged.tables[table]))
    con.execute(f"create or replace temp table staged_rows as {_frame_rows(table, columns)}")
    try:
        repeated = con.execute(
            f"select count(*) from (select 1 from staged_rows "
            f"group by {key}, load_id having count(*) > 1)"
        ).fetchone()
        if repeated and repeated[0]:
            raise _OneByOne(f"{table}: an input repeats a key")
        run = [members[0]]
        for member in members[1:]:
            if member[0].tables[table] != run[0][0].tables[table]:
                _merge_run(con, table, run)
                run = []
            run.append(member)
        _merge_run(con, table, run)
    finally:
        con.execute("drop table if exists staged_rows")


def _merge_run(
    con: duckdb.DuckDBPyConnection, table: str, members: list[tuple[Staged, int]]
) -> None:
    """Merge the rows of one run of `staged_rows` (consecutive members: a load_id range)."""
    columns = members[0][0].tables[table]
    first, last = members[0][1], members[-1][1]
    source = f"(select * from staged_rows where load_id between {first} and {last})"
    con.execute(f"create or replace temp table staged_batch as {_folded(table, columns, source)}")
    try:
        rule = "keep" if table == "account" else "replace"
        con.execute(store.merge_statement(table, "staged_batch", columns, rule))
    finally:
        con.execute("drop table if exists staged_batch")


def _folded(table: str, columns: list[str], source: str) -> str:
    """One row per key: what upserting the inputs one after another would leave.

    Facts: the row of the newest input (`replace`; an input holds a key once, `_merge_table`
    checks). Accounts (`keep`): each attribute's first known value, and the first input's
    load_id. Rows come in the order they were first met. One grouping, not window functions
    over the keys: a run's fold cost 3 ms instead of 5.5 (300 rows, one thread).
    """
    keys = list(TABLES[table].key)
    first_seen = "min({'l': load_id, 'r': file_row_number})"
    if table == "account":
        values = [
            c if c in keys else f"arg_min({c}, load_id) filter (where {c} is not null) as {c}"
            for c in columns
        ]
        return (
            f"select {', '.join(values)}, min(load_id) as load_id from {source} "
            f"group by {', '.join(keys)} order by {first_seen}"
        )
    values = [c for c in columns if c not in keys]
    newest = "{" + ", ".join(f"'{c}': {c}" for c in values) + "}"
    newest_row = f", arg_max({newest}, load_id) as newest" if values else ""
    names = ", ".join(c if c in keys else f"newest.{c} as {c}" for c in columns)
    return (
        f"select {names}, load_id from (select {', '.join(keys)}{newest_row}, "
        f"max(load_id) as load_id, {first_seen} as first_seen from {source} "
        f"group by {', '.join(keys)}) order by first_seen"
    )


def _read_frames(
    con: duckdb.DuckDBPyConnection, area: StagingArea, members: list[tuple[Staged, int]]
) -> None:
    """Read the Parquet files of the members once, into `staged_frames`, with their load_ids.

    Every frame of every member, its columns those any member has (NULL where one lacks them),
    and `file_row_number`, whose order within a file is each frame's own. The files and their
    load ids are literals of the query, not a registered frame: DuckDB reads a polars frame
    through pyarrow, whose import alone costs a small command more than the load.
    """
    with area.frames_files([staged.stem for staged, _ in members]) as paths:
        quoted = [store.sql_string(path) for path in paths]
        files = ", ".join(
            f"({path}, {int(load_id)}::bigint)"
            for path, (_, load_id) in zip(quoted, members, strict=True)
        )
        con.execute(
            "create or replace temp table staged_frames as "
            f"select p.* exclude (filename), f.load_id from read_parquet([{', '.join(quoted)}], "
            "filename = true, file_row_number = true, union_by_name = true) p "
            f"join (values {files}) f(file, load_id) on p.filename = f.file"
        )


def _frame_rows(name: str, columns: list[str]) -> str:
    """A subquery over the rows of one frame (a table or the quarantine) in `staged_frames`."""
    # canonical names, as bare as in every statement of this module; quoted for their dot
    selected = ", ".join(f'"{part_column(name, column)}" as {column}' for column in columns)
    return (
        f"(select {selected}, file_row_number, load_id from staged_frames "
        f"where {PART} = {store.sql_string(name)})"
    )
