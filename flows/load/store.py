"""The canonical store in DuckDB: schema versions, upserts by natural key, the load ledger.

Every write of one input happens in one transaction: the ledger row, the upserts into `core` and the
quarantine rows commit together or not at all, so a failure never leaves part of a file in `core`.
"""

import contextlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from flows.config.settings import SQL_DIR
from transforms.canonical.schemas import TABLES
from transforms.context import Account, Normalized

_DDL_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


# The ledger note of an export that met rows an API load wrote: it may have filled their NULLs
# while the rows keep the API's load_id (their owner), so `flows.build.models` cannot see the change
# by load_id and rebuilds instead.
KEPT_FROM_API = "kept from the API (export filled only NULLs)"


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a database file (creating its folder when writing)."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only)


def connect_writer(path: Path, memory_limit: str, spill: Path) -> duckdb.DuckDBPyConnection:
    """Open a working file for a writing run: memory capped, spilling to `spill`.

    DuckDB's default limit is 80% of the machine's memory, which a build over ten million
    snapshots fills (3.3 GB measured); capped, it spills its hash tables to `spill` instead. Set
    on the connection, not as `connect` configuration, so that a second connection to the same
    file in this process (DuckDB shares one instance per file) never differs in configuration.
    """
    con = connect(path)
    con.execute(f"set memory_limit = {sql_string(memory_limit)}")
    con.execute(f"set temp_directory = {sql_string(str(spill))}")
    return con


def abandon(con: duckdb.DuckDBPyConnection) -> None:
    """Drop what an interrupted block left on a connection kept for later work.

    An unread result would refuse the next statement, and an open transaction would fold the
    next input's writes into the interrupted one's.
    """
    con.abort()
    with contextlib.suppress(duckdb.TransactionException):  # no transaction was open
        con.rollback()


def sql_string(text: str) -> str:
    """`text` as a single-quoted SQL literal.

    For statements that take no parameters: `SET`, `COMMENT ON`, `read_parquet`'s list of files.
    """
    return "'" + text.replace("'", "''") + "'"


def apply_schema(con: duckdb.DuckDBPyConnection, ddl_dir: Path = SQL_DIR / "core") -> int:
    """Apply the DDL files the database has not had yet; return the highest version.

    Files are `NNN_name.sql`, applied in order, each in its own transaction with its version row,
    so applying twice (or to an up-to-date file) changes nothing. A file is applied when its own
    version is missing, not only when it is newer, so one that landed late is never skipped.
    """
    files = sorted(p for p in ddl_dir.iterdir() if _DDL_NAME.match(p.name))
    applied: set[int] = set()
    if table_exists(con, "ops", "schema_version"):
        applied = {
            int(v) for (v,) in con.execute("select version from ops.schema_version").fetchall()
        }
    for path in files:
        version = int(path.name[:3])
        if version in applied:
            continue
        con.begin()
        con.execute(path.read_text(encoding="utf-8"))
        con.execute(
            "insert into ops.schema_version (version, file) values (?, ?)", [version, path.name]
        )
        con.commit()
        applied.add(version)
    return max(applied, default=0)


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    """Whether `schema.table` exists: a file written by an older version may lack it."""
    row = con.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])


def loaded_load_id(
    con: duckdb.DuckDBPyConnection, digest: str, bound_account: str | None = None
) -> int | None:
    """The load that already loaded these bytes for the same account binding, if any.

    Then the input is skipped. The binding counts because an export that does not name its
    account (a one-day chart) can be byte-identical for two accounts.
    """
    row = con.execute(
        "select min(load_id) from ops.load where sha256 = ? and status = 'loaded' "
        "and bound_account is not distinct from ?",
        [digest, bound_account],
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def loaded_inputs(con: duckdb.DuckDBPyConnection) -> frozenset[tuple[str, str | None]]:
    """Every (sha256, bound account) already loaded: read once, before staging workers start.

    A worker skips an input found here, as `loaded_load_id` would have had it skipped.
    """
    rows = con.execute(
        "select distinct sha256, bound_account from ops.load "
        "where status = 'loaded' and sha256 is not null"
    ).fetchall()
    return frozenset((str(digest), bound) for digest, bound in rows)


def upsert_accounts(con: duckdb.DuckDBPyConnection, accounts: tuple[Account, ...]) -> None:
    """Declare configured accounts in one statement; the configuration wins over exports.

    The rows go in as parameters, not as a registered frame: DuckDB reads a polars frame through
    pyarrow, whose import alone costs a small command more than the insert.
    """
    if not accounts:
        return
    spec = TABLES["account"]
    columns = list(spec.columns)
    rows = {  # one row per key (an upsert may not touch a row twice): a repeated entry, last wins
        tuple(getattr(a, name) for name in spec.key): [getattr(a, name) for name in columns]
        for a in accounts
    }
    row = _placeholders(len(columns))
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns[2:])
    con.execute(
        f"insert into core.account ({', '.join(columns)}) values {', '.join([row] * len(rows))} "
        f"on conflict (platform, account_id) do update set {updates}",
        [value for values in rows.values() for value in values],
    )


@dataclass(frozen=True)
class LedgerEntry:
    """What the ledger records about one input, whatever its outcome."""

    source: str
    started_at: datetime
    sha256: str | None = None
    raw_path: str | None = None
    bound_account: str | None = None


def record_load(
    con: duckdb.DuckDBPyConnection, entry: LedgerEntry, result: Normalized, origin: str = "export"
) -> int:
    """Write one normalized input: ledger row, upserts and quarantine in one transaction.

    `origin` is `export` or `api`: where both give the same key, the API's values win (an export
    only fills what the API left NULL), and the ledger notes say how many rows each choice touched.
    """
    con.begin()
    try:
        load_id = insert_ledger(
            con,
            entry,
            status="loaded",
            format_name=result.format,
            platform=result.platform,
            counts=(
                result.rows_read,
                result.rows_loaded,
                result.rows_quarantined,
                result.rows_skipped,
            ),
            notes="; ".join(result.notes) or None,
            origin=origin,
        )
        rival = rival_origin(con, origin)
        choices = [
            choice
            for table, frame in result.tables.items()
            if frame.height
            for choice in [_upsert(con, table, frame, load_id, origin, rival)]
            if choice
        ]
        if choices:
            notes = "; ".join([*result.notes, *choices])
            con.execute("update ops.load set notes = ? where load_id = ?", [notes, load_id])
        if result.quarantine.height:
            quarantine = result.quarantine.with_columns(pl.lit(load_id).alias("load_id"))
            if "sheet" not in quarantine.columns:  # API responses have no sheets
                quarantine = quarantine.with_columns(pl.lit("").alias("sheet"))
            con.register("quarantine_rows", quarantine)
            con.execute(
                "insert into ops.quarantine (load_id, sheet, row_number, reason, raw) "
                "select load_id, sheet, row_number, reason, raw::json from quarantine_rows"
            )
            con.unregister("quarantine_rows")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return load_id


def record_failure(
    con: duckdb.DuckDBPyConnection,
    entry: LedgerEntry,
    error: str,
    format_name: str | None = None,
    origin: str = "export",
) -> int:
    """Record an input that could not be read at all (nothing of it reaches `core`)."""
    con.begin()
    load_id = insert_ledger(
        con,
        entry,
        status="failed",
        format_name=format_name,
        error=error,
        counts=None,
        origin=origin,
    )
    con.commit()
    return load_id


@dataclass(frozen=True)
class LedgerRow:
    """One ledger row to insert: the input's entry and what became of it."""

    entry: LedgerEntry
    status: str
    counts: tuple[int, int, int, int] | None
    format_name: str | None = None
    platform: str | None = None
    error: str | None = None
    notes: str | None = None
    origin: str = "export"

    def values(self) -> list[object]:
        """The row's values in the order of `_LEDGER_COLUMNS`, finished now."""
        read, loaded, quarantined, skipped = self.counts or (None, None, None, None)
        entry = self.entry
        return [
            entry.source,
            entry.sha256,
            entry.raw_path,
            self.format_name,
            self.platform,
            read,
            loaded,
            quarantined,
            skipped,
            self.status,
            self.error,
            self.notes,
            entry.started_at,
            datetime.now(UTC),
            self.origin,
            entry.bound_account,
        ]


_LEDGER_COLUMNS = (
    "source, sha256, raw_path, format, platform, rows_read, rows_loaded, rows_quarantined, "
    "rows_skipped, status, error, notes, started_at, finished_at, origin, bound_account"
)


def _placeholders(count: int) -> str:
    return "(" + ", ".join(["?"] * count) + ")"


_LEDGER_VALUES = _placeholders(_LEDGER_COLUMNS.count(",") + 1)


def insert_ledger(
    con: duckdb.DuckDBPyConnection,
    entry: LedgerEntry,
    *,
    status: str,
    counts: tuple[int, int, int, int] | None,
    format_name: str | None = None,
    platform: str | None = None,
    error: str | None = None,
    notes: str | None = None,
    origin: str = "export",
) -> int:
    """Insert one ledger row; return its load_id (assigned in insertion order)."""
    ledger = LedgerRow(entry, status, counts, format_name, platform, error, notes, origin)
    row = con.execute(
        f"insert into ops.load ({_LEDGER_COLUMNS}) values {_LEDGER_VALUES} returning load_id",
        ledger.values(),
    ).fetchone()
    if row is None:
        raise RuntimeError("ops.load insert returned no load_id")
    return int(row[0])


def insert_ledger_rows(con: duckdb.DuckDBPyConnection, rows: list[LedgerRow]) -> list[int]:
    """Insert many ledger rows in one statement; their load_ids, in the order of `rows`.

    One statement instead of one per input (a statement costs more than a small input's rows).
    The ids are drawn from the ledger's sequence first, as `insert_ledger`'s default draws them
    (a rolled-back batch uses them up either way), and given explicitly: row n gets the n-th
    smallest, the id inserting the rows one by one would give it, whatever order the insert takes.
    """
    if not rows:
        return []
    drawn = con.execute("select nextval('ops.load_id_seq') from range(?)", [len(rows)]).fetchall()
    load_ids = sorted(int(value) for (value,) in drawn)
    con.execute(
        f"insert into ops.load (load_id, {_LEDGER_COLUMNS}) values "
        + ", ".join([_placeholders(_LEDGER_COLUMNS.count(",") + 2)] * len(rows)),
        [
            value
            for load_id, row in zip(load_ids, rows, strict=True)
            for value in (load_id, *row.values())
        ],
    )
    return load_ids


def rival_origin(con: duckdb.DuckDBPyConnection, origin: str) -> str | None:
    """The other origin when some load of it exists, else None: no stored row can be its.

    One query per input spares a join with each core table it writes (every export of a
    workspace without API sources).
    """
    other = "api" if origin == "export" else "export"
    found = con.execute("select 1 from ops.load where origin = ? limit 1", [other]).fetchall()
    return other if found else None


def _upsert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    frame: pl.DataFrame,
    load_id: int,
    origin: str,
    rival: str | None,
) -> str | None:
    """Insert or update by natural key, touching only the columns this input provides.

    Account attributes merge (a file that does not know an account's name keeps the known one).
    Facts from an export take the new value, because a later export of the same key is a
    correction, except that an export never overwrites what an API load wrote: there it only fills
    NULLs. An API load's values win wherever it has one. Returns the ledger note about that
    choice, if it touched any row. `rival` is the other origin, None when no load of it exists.
    """
    spec = TABLES[table]
    columns = [c for c in frame.columns if c in spec.columns]
    staged = frame.select(columns).with_columns(pl.lit(load_id, pl.Int64).alias("load_id"))
    if table == "account":
        _merge(con, table, staged, columns, "keep")
        return None
    if origin == "export" and rival is None:  # no API load exists: nothing to protect
        _merge(con, table, staged, columns, "replace")
        return None
    owned = _keys_owned_by(con, table, staged, rival)
    if origin == "api":
        _merge(con, table, staged, columns, "prefer_new")
        return (
            f"API wins: {owned.height} {table} rows from exports replaced" if owned.height else None
        )
    protected = staged.join(owned, on=list(spec.key), how="semi")
    _merge(con, table, staged.join(owned, on=list(spec.key), how="anti"), columns, "replace")
    _merge(con, table, protected, columns, "keep")
    if not protected.height:
        return None
    return f"API wins: {protected.height} {table} rows {KEPT_FROM_API}"


def _keys_owned_by(
    con: duckdb.DuckDBPyConnection, table: str, staged: pl.DataFrame, origin: str | None
) -> pl.DataFrame:
    """Keys of `staged` whose stored row was last written by a load of the given origin."""
    key = list(TABLES[table].key)
    if origin is None:  # no load of that origin exists
        return staged.select(key).clear()
    con.register("staged_keys", staged.select(key))
    try:
        owned: pl.DataFrame = con.sql(
            f"select {', '.join(f's.{k}' for k in key)} from staged_keys s "
            f"join core.{table} t using ({', '.join(key)}) "
            "join ops.load l on l.load_id = t.load_id where l.origin = ?",
            params=[origin],
        ).pl()
    finally:
        unregister(con, "staged_keys")
    return owned


def _merge(
    con: duckdb.DuckDBPyConnection,
    table: str,
    staged: pl.DataFrame,
    columns: list[str],
    rule: str,
) -> None:
    """Upsert `staged` by natural key; `rule` says which value wins where both exist.

    `replace`: the new row as given (NULLs included); `prefer_new`: new values, stored ones where
    the new is NULL; `keep`: stored values (and their load), new ones only where stored is NULL.
    One `merge` statement: it costs two thirds of `insert … on conflict do update` per input.
    """
    if not staged.height:
        return
    con.register("staged_rows", staged)
    try:
        con.execute(merge_statement(table, "staged_rows", columns, rule))
    finally:
        unregister(con, "staged_rows")


def merge_statement(table: str, source: str, columns: list[str], rule: str) -> str:
    """The `merge` of the rows of `source` (with `load_id`) into `core.<table>` by natural key."""
    spec = TABLES[table]
    names = [*columns, "load_id"]
    templates = {  # `s` is the staged row, `t` the stored one
        "replace": "{c} = s.{c}",
        "prefer_new": "{c} = coalesce(s.{c}, t.{c})",
        "keep": "{c} = coalesce(t.{c}, s.{c})",
    }
    sets = [templates[rule].format(c=c) for c in names if c not in spec.key]
    matches = " and ".join(f"t.{k} = s.{k}" for k in spec.key)
    return (
        f"merge into core.{table} t using {source} s on ({matches}) "
        f"when matched then update set {', '.join(sets)} "
        f"when not matched then insert ({', '.join(names)}) "
        f"values ({', '.join(f's.{c}' for c in names)})"
    )


def unregister(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a registered frame, unless a failed statement aborted the transaction.

    Then DuckDB refuses every statement until the rollback, `unregister` included, and its
    "Current transaction is aborted" would hide the error that aborted it (a violated check).
    The caller rolls back; the next `register` of the name replaces the stale view.
    """
    with contextlib.suppress(duckdb.TransactionException):
        con.unregister(name)
