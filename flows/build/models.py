"""The metric layer runner: formulas, declared views, their documentation, the materialized tables.

The formula macros of `sql/formulas.sql` are created first (one macro per metric formula, so a
formula is written once), then the views in the order `sql/model/ORDER` declares, documented, and
the metric tables analysts query are materialized from them, with the catalog and the targets
(their tables declared and documented in `sql/metrics/`, like every other table in `sql/`).
Each intermediate (`int_*`, not materialized) is kept as a table of its view's rows: the metric
tables and the report read it without recomputing it from `core`, and an incremental build
(`flows/build/increment.py`) updates it in place. One whose header says `-- keep: view` stays a
plain view (a cheap per-row projection of a kept table, cheaper to read again than to write), and
its comment says so.

Each `sql/model/<name>.sql` defines one view and documents it in its header (`-- grain:`,
`-- column <name>: <text>`, optionally `-- materialize: metrics.<table>`). The header is the single
source of the docs: it becomes `COMMENT ON` for the view, its columns and the materialized table.
A period table documents its columns once: `-- columns of <model> except <column>` (in
`community_weekly`: `-- columns of community_daily except date`) takes that model's column docs,
in their order, at that place in the header. `-- refresh: <column>` (or `<column> by <grain>`)
says which of its rows an incremental build recomputes from a date; a `<name>.refresh.sql` file
next to it replaces that with a script of its own.

Every build is recorded in `ops.build` with what it was built from (the last load and a
fingerprint of the SQL, catalog, targets and accounts), so a run with nothing new can skip it, and
a run with new loads only recomputes what they changed.
"""

import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb

from flows.build import increment
from flows.build.model_files import (
    FORMULAS,
    MODEL_DIR,
    Model,
    declared_macros,
    declared_models,
    model_query,
)
from flows.config.settings import SQL_DIR
from flows.config.targets import Target
from flows.load import store

CATALOG = SQL_DIR / "seeds" / "metric_catalog.csv"
# The two metric tables written from configuration and seeds, not from a model view
TARGET_DDL = SQL_DIR / "metrics" / "target.sql"
CATALOG_DDL = SQL_DIR / "metrics" / "catalog.sql"
# DuckDB's rows per row group, the unit its threads split a table scan into.
ROW_GROUP_ROWS = 122_880
# Ends the comment of a `-- keep: view` intermediate: where a table of its rows is expected.
VIEW_ONLY_NOTE = (
    "A view, not a table (`-- keep: view`): its rows are computed from the tables it reads "
    "whenever it is read."
)


def build_metrics(
    con: duckdb.DuckDBPyConnection, targets: Sequence[Target] = (), digest: str | None = None
) -> dict[str, int]:
    """(Re)create formulas, views and tables from all of `core`: the catalog and targets too.

    The `model` schema is recreated (so views no longer declared disappear), and the build is
    recorded in `ops.build` with `digest` (the caller's `fingerprint`, else computed here).
    Returns the row count of every materialized table.

    Two transactions: the intermediates up to the first metric table are committed before it
    (`_commit_intermediates`). Only the whole build is ever published: it runs in a run's
    working file, which a failed run discards (`pipeline.working_database`).
    """
    declared = declared_models()
    with _build_transaction(con):
        con.execute(
            "drop schema if exists model cascade; create schema model; "
            "create schema if not exists metrics"
        )
        con.execute(FORMULAS.read_text(encoding="utf-8"))
        _load_targets(con, targets)
        first_metric = next((m for m in declared if m.materialize), None)
        for model in declared:
            if model is first_metric:
                _commit_intermediates(con)
            _create(con, model)
        _load_catalog(con)
        counts = _record_build(con, digest or fingerprint(con, targets), declared)
        _document(con, declared)
        return counts


def refresh_metrics(
    con: duckdb.DuckDBPyConnection, targets: Sequence[Target] = ()
) -> tuple[dict[str, int], str]:
    """Bring the metric tables up to date, doing no more than the loads since the last build ask.

    Returns the row counts and what was done: `kept` (nothing loaded or changed since the last
    build), `updated` (only what the new loads changed, `flows/build/increment.py`) or `rebuilt`
    (the first build, or the SQL, catalog, targets, accounts or schema changed: everything).
    """
    last = con.execute(
        "select max_load_id, fingerprint, tables from ops.build order by build_id desc limit 1"
    ).fetchone()
    current = fingerprint(con, targets)
    if last is None or last[1] != current:
        return build_metrics(con, targets, current), "rebuilt"
    if last[0] == last_load_id(con):
        return {str(name): int(rows) for name, rows in json.loads(last[2]).items()}, "kept"
    if _filled_api_rows(con, int(last[0] or 0)):
        return build_metrics(con, targets, current), "rebuilt"

    declared = declared_models()
    with _build_transaction(con):
        increment.update(con, declared, after_load=int(last[0] or 0))
        return _record_build(con, current, declared), "updated"


def _commit_intermediates(con: duckdb.DuckDBPyConnection) -> None:
    """Commit the build so far and go on in a new transaction.

    DuckDB writes a table's rows to the file while creating it, on every thread, when what it
    reads is committed; the metric tables, read from intermediates created in the same
    transaction, were instead written at the commit by its checkpoint, on one thread. Committed
    first, the full build at three years took 6.2–6.5 s → 5.8–5.9 s (its final commit 1.3 →
    0.85 s).
    """
    con.commit()
    con.begin()


def _filled_api_rows(con: duckdb.DuckDBPyConnection, after_load: int) -> bool:
    """Whether an export since `after_load` met API rows (changes their load_id cannot show)."""
    row = con.execute(
        "select count(*) from ops.load where load_id > ? and contains(notes, ?)",
        [after_load, store.KEPT_FROM_API],
    ).fetchone()
    return bool(row and row[0])


@contextmanager
def _build_transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run a build in a transaction, on every thread the connection has unless `core` is small.

    Parallel sums of doubles would add in a varying order and differ in the last bits from one
    build of the same `core` to the next; the models sum fractional amounts (money, conversions,
    leads, audience values) as DECIMAL, exact in any order, and every other sum is of integers,
    so the tables are identical whatever the threads and the order rows were stored in.

    DuckDB splits a scan into row groups: where every `core` table fits in one, a second thread
    has nothing to scan and only adds hand-offs to each of the build's statements, so such a
    build runs on one thread. The documentation step runs on one thread with the optimizer off
    (`_document`). The thread count and optimizer the connection had are put back after the
    commit or the rollback, as an aborted transaction refuses even a `SET`.
    """
    restore = _settings_now(con)
    if _core_fits_one_row_group(con):
        con.execute("set threads = 1")
    con.begin()
    try:
        yield
        con.commit()
    except BaseException:
        con.rollback()
        con.execute(restore)
        raise
    con.execute(restore)


def _core_fits_one_row_group(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether every `core` table holds fewer rows than DuckDB's row group (`ROW_GROUP_ROWS`)."""
    row = con.execute(
        "select coalesce(max(estimated_size), 0) from duckdb_tables() where schema_name = 'core'"
    ).fetchone()
    return bool(row and row[0] < ROW_GROUP_ROWS)


def _settings_now(con: duckdb.DuckDBPyConnection) -> str:
    """Statements that set the connection's thread count and optimizer back to what they are."""
    row = con.execute(
        "select current_setting('threads'), "
        "(select value from duckdb_settings() where name = 'enable_optimizer')"
    ).fetchone()
    assert row is not None  # a select without from always returns its row
    optimizer = "enable_optimizer" if row[1] == "true" else "disable_optimizer"
    return f"set threads = {int(row[0])}; pragma {optimizer}"


def _record_build(
    con: duckdb.DuckDBPyConnection, digest: str, declared: Sequence[Model]
) -> dict[str, int]:
    """Record the build in `ops.build` with what it was built from; return its row counts."""
    counts = _row_counts(con, declared)
    con.execute(
        "insert into ops.build (max_load_id, fingerprint, tables) values (?, ?, ?)",
        [last_load_id(con), digest, json.dumps(counts)],
    )
    return counts


def _row_counts(con: duckdb.DuckDBPyConnection, declared: Sequence[Model]) -> dict[str, int]:
    """Rows of every materialized table and of the catalog."""
    tables = [model.materialize for model in declared if model.materialize] + ["metrics.catalog"]
    counts = " union all ".join(f"select '{table}', count(*) from {table}" for table in tables)
    return {str(table): int(rows) for table, rows in con.execute(counts).fetchall()}


def last_load_id(con: duckdb.DuckDBPyConnection) -> int | None:
    """The highest load that wrote to core (failed loads write nothing and do not count)."""
    row = con.execute("select max(load_id) from ops.load where status = 'loaded'").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def fingerprint(con: duckdb.DuckDBPyConnection, targets: Sequence[Target] = ()) -> str:
    """SHA-256 of what the metric tables depend on besides loads.

    The formulas, model SQL, catalog, targets, the DDL of their tables (`sql/metrics/`), configured
    accounts (ownership, brand, timezone) and the schema version: a change to any of them calls for
    a rebuild.
    """
    digest = hashlib.sha256()
    for path in [FORMULAS, CATALOG, TARGET_DDL, CATALOG_DDL, *sorted(MODEL_DIR.iterdir())]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(repr(tuple(targets)).encode())
    for query in (
        "select platform, account_id, timezone, currency, is_own, brand from core.account "
        "order by all",
        "select max(version) from ops.schema_version",
    ):
        digest.update(repr(con.execute(query).fetchall()).encode())
    return digest.hexdigest()


def _load_targets(con: duckdb.DuckDBPyConnection, targets: Sequence[Target]) -> None:
    """Recreate `metrics.target` (DDL and docs in `sql/metrics/target.sql`) with the targets."""
    con.execute(TARGET_DDL.read_text(encoding="utf-8"))
    if targets:
        con.executemany(
            "insert into metrics.target values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [
                    t.objective,
                    t.metric,
                    t.scope,
                    t.period,
                    t.grain,
                    t.period_start,
                    t.period_end,
                    t.target,
                    t.direction,
                ]
                for t in targets
            ],
        )


def _create(con: duckdb.DuckDBPyConnection, model: Model) -> None:
    """Create the model: its view and metric table, or an intermediate (`_document` documents)."""
    if model.materialize or model.view_only:
        statement = model.sql
    else:
        statement = f"create table model.{model.name} as {model_query(model)}"
    try:
        con.execute(statement)
    except duckdb.Error as exc:
        raise RuntimeError(f"sql/model/{model.name}.sql: {exc}") from exc
    if model.materialize:
        con.execute(
            f"create or replace table {model.materialize} as "
            f"select {', '.join(model.columns)} from model.{model.name}"
        )


def _document(con: duckdb.DuckDBPyConnection, declared: Sequence[Model]) -> None:
    """Write the docs of the macros and of every model's relations and columns: `COMMENT ON`.

    About 1,500 statements, each a catalog change that reads no data. DuckDB spends a fixed
    0.3 ms or so on any statement, a third of it planning with every optimizer and handing the
    statement to its worker threads; one script run on one thread with the optimizer off takes
    a third less (0.15 s of a new database's first build). Called inside `_build_transaction`,
    which puts the settings back.
    """
    statements = [
        f"comment on macro model.{name} is {store.sql_string(text)}"
        for name, text in declared_macros().items()
    ]
    for model in declared:
        for kind, name, text in _relations(model):
            statements.append(f"comment on {kind} {name} is {store.sql_string(text)}")
            statements += [
                f"comment on column {name}.{column} is {store.sql_string(doc)}"
                for column, doc in model.columns.items()
            ]
    con.execute("set threads = 1; pragma disable_optimizer")
    con.execute(";\n".join(statements))


def _relations(model: Model) -> list[tuple[str, str, str]]:
    """The relations `_create` made of the model: kind, name and comment of each.

    A materialized model is its view and its metric table; an intermediate its table of rows,
    or its view (`-- keep: view`), whose comment says so.
    """
    if model.materialize:
        return [
            ("view", f"model.{model.name}", model.grain),
            ("table", model.materialize, model.grain),
        ]
    if model.view_only:
        return [("view", f"model.{model.name}", f"{model.grain} {VIEW_ONLY_NOTE}")]
    return [("table", f"model.{model.name}", model.grain)]


def _load_catalog(con: duckdb.DuckDBPyConnection) -> None:
    """Recreate `metrics.catalog` (DDL and docs in `sql/metrics/catalog.sql`) from the seed CSV."""
    con.execute(CATALOG_DDL.read_text(encoding="utf-8"))
    con.execute(
        "insert into metrics.catalog by name select * from read_csv(?, header = true, "
        "all_varchar = true, quote = '\"')",
        [str(CATALOG)],
    )
