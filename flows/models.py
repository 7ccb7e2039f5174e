"""The metric layer runner: formulas, declared views, their documentation, the materialized tables.

The formula macros of `sql/formulas.sql` are created first (one macro per metric formula, so a
formula is written once), then the views in the order `sql/model/ORDER` declares, documented, and
the metric tables analysts query are materialized from them, with the catalog and the targets.
During the build each intermediate (`int_*`, not materialized) is created as a table, so it is
computed once rather than once per metric table reading it, then replaced by its declared view.

Each `sql/model/<name>.sql` defines one view and documents it in its header (`-- grain:`,
`-- column <name>: <text>`, optionally `-- materialize: metrics.<table>`). The header is the single
source of the docs: it becomes `COMMENT ON` for the view, its columns and the materialized table.
A period table documents its columns once: `-- columns of <model> except <column>` (in
`community_weekly`: `-- columns of community_daily except date`) takes that model's column docs,
in their order, at that place in the header.

Every build is recorded in `ops.build` with what it was built from (the last load and a
fingerprint of the SQL, catalog, targets and accounts), so a run with nothing new can skip it.
"""

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from flows.settings import SQL_DIR
from flows.targets import Target

MODEL_DIR = SQL_DIR / "model"
FORMULAS = SQL_DIR / "formulas.sql"
CATALOG = SQL_DIR / "seeds" / "metric_catalog.csv"
_COLUMN = re.compile(r"^-- column (\w+): (.+)$")
_COLUMNS_OF = re.compile(r"^-- columns of (\w+) except (\w+)$")
_MACRO = re.compile(r"^-- macro (\w+): (.+)$")


@dataclass(frozen=True)
class Model:
    """One view file with its documentation."""

    name: str
    sql: str
    grain: str
    columns: dict[str, str]
    materialize: str | None


def parse_model(path: Path) -> Model:
    """Read a model file and its header docs; refuse a file that documents no grain."""
    sql = path.read_text(encoding="utf-8")
    grain = ""
    materialize = None
    columns: dict[str, str] = {}
    for line in sql.splitlines():
        if line.startswith("-- grain: "):
            grain = line.removeprefix("-- grain: ").strip()
        elif line.startswith("-- materialize: "):
            materialize = line.removeprefix("-- materialize: ").strip()
        elif match := _COLUMN.match(line):
            columns[match.group(1)] = match.group(2).strip()
        elif match := _COLUMNS_OF.match(line):
            source, left_out = match.groups()
            inherited = parse_model(path.with_name(f"{source}.sql")).columns
            columns.update((c, text) for c, text in inherited.items() if c != left_out)
    if not grain:
        raise ValueError(f"{path.name}: no '-- grain:' line")
    if sql.count(_view_statement(path.stem)) != 1:
        raise ValueError(f"{path.name}: no single '{_view_statement(path.stem)}'")
    return Model(path.stem, sql, grain, columns, materialize)


def _view_statement(name: str) -> str:
    return f"create or replace view model.{name} as"


def declared_models(model_dir: Path = MODEL_DIR) -> list[Model]:
    """Models in the order `sql/model/ORDER` declares."""
    order = [
        line.strip()
        for line in (model_dir / "ORDER").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return [parse_model(model_dir / f"{name}.sql") for name in order]


def declared_macros(path: Path = FORMULAS) -> dict[str, str]:
    """Formula macros and their docs, from the `-- macro <name>: <text>` lines of formulas.sql."""
    return {
        match.group(1): match.group(2).strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if (match := _MACRO.match(line))
    }


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def build_metrics(con: duckdb.DuckDBPyConnection, targets: Sequence[Target] = ()) -> dict[str, int]:
    """(Re)create formulas and views, materialize the metric tables, catalog and targets.

    One transaction: the `model` schema is recreated (so views no longer declared disappear),
    and the build is recorded in `ops.build`. Returns the row count of every materialized table.
    """
    counts: dict[str, int] = {}
    # Parallel sums of doubles add in a varying order, so one `core` file could give metric
    # tables differing in the last bits; one thread makes rebuilds of the same file identical.
    # (`core` rows stored in another order, by another sequence of loads, can still differ there.)
    threads = con.execute("select current_setting('threads')").fetchone()
    con.execute("set threads = 1")
    con.begin()
    try:
        con.execute(
            "drop schema if exists model cascade; create schema model; "
            "create schema if not exists metrics"
        )
        con.execute(FORMULAS.read_text(encoding="utf-8"))
        for name, text in declared_macros().items():
            con.execute(f"comment on macro model.{name} is {_quote(text)}")
        _load_targets(con, targets)
        declared = declared_models()
        for model in declared:
            # An intermediate is a table while the build runs, so the several metric tables that
            # read it do not each recompute it; it becomes its declared view once they are built.
            _create(con, model, "view" if model.materialize else "table")
            if model.materialize:
                columns = ", ".join(model.columns)
                con.execute(
                    f"create or replace table {model.materialize} as "
                    f"select {columns} from model.{model.name}"
                )
                _comment(con, "table", model.materialize, model)
                row = con.execute(f"select count(*) from {model.materialize}").fetchone()
                counts[model.materialize] = int(row[0]) if row else 0
        intermediates = [model for model in declared if not model.materialize]
        con.execute("; ".join(f"drop table model.{model.name}" for model in intermediates))
        for model in intermediates:
            _create(con, model, "view")
        _load_catalog(con)
        counts["metrics.catalog"] = int(
            (con.execute("select count(*) from metrics.catalog").fetchone() or (0,))[0]
        )
        con.execute(
            "insert into ops.build (max_load_id, fingerprint, tables) values (?, ?, ?)",
            [last_load_id(con), fingerprint(con, targets), json.dumps(counts)],
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    finally:
        con.execute(f"set threads = {int(threads[0]) if threads else 1}")
    return counts


def last_load_id(con: duckdb.DuckDBPyConnection) -> int | None:
    """The highest load that wrote to core (failed loads write nothing and do not count)."""
    row = con.execute("select max(load_id) from ops.load where status = 'loaded'").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def fingerprint(con: duckdb.DuckDBPyConnection, targets: Sequence[Target] = ()) -> str:
    """SHA-256 of what the metric tables depend on besides loads.

    The formulas, model SQL, catalog, targets, configured accounts (ownership, brand, timezone)
    and the schema version: a change to any of them calls for a rebuild.
    """
    digest = hashlib.sha256()
    for path in [FORMULAS, CATALOG, *sorted(MODEL_DIR.iterdir())]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(repr(tuple(targets)).encode())
    for query in (
        "select platform, account_id, timezone, currency, is_own, brand from core.account "
        "order by all",
        "select max(version) from ops.schema_version",
    ):
        digest.update(repr(con.execute(query).fetchall()).encode())
    return digest.hexdigest()


def current_build(
    con: duckdb.DuckDBPyConnection, targets: Sequence[Target] = ()
) -> dict[str, int] | None:
    """The last build's row counts when nothing changed since it, else None (rebuild needed)."""
    row = con.execute(
        "select max_load_id, fingerprint, tables from ops.build order by build_id desc limit 1"
    ).fetchone()
    if row is None or row[0] != last_load_id(con) or row[1] != fingerprint(con, targets):
        return None
    return {str(name): int(rows) for name, rows in json.loads(row[2]).items()}


def _load_targets(con: duckdb.DuckDBPyConnection, targets: Sequence[Target]) -> None:
    con.execute(
        "create or replace table metrics.target (objective varchar, metric varchar, "
        "scope varchar, period varchar, grain varchar, period_start date, period_end date, "
        "target double, direction varchar)"
    )
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
    con.execute(
        "comment on table metrics.target is "
        + _quote(
            "Each row is one scorecard target from kunci.toml ([[targets]]), written by the "
            "build; metrics.scorecard compares it with the actual value."
        )
    )
    for column, text in {
        "objective": "Objective id: awareness, traffic, community, conversion or leads.",
        "metric": "Metric: a column of the objective's daily table (metrics.catalog).",
        "scope": "all, a platform code, or platform:account_id.",
        "period": "Period as configured: YYYY-MM, YYYY-Qn or YYYY.",
        "grain": "month, quarter or year (from the period).",
        "period_start": "First date of the period.",
        "period_end": "Last date of the period.",
        "target": "Target value (rates as fractions, money in the scope's currency).",
        "direction": "higher or lower: which is better.",
    }.items():
        con.execute(f"comment on column metrics.target.{column} is {_quote(text)}")


def _create(con: duckdb.DuckDBPyConnection, model: Model, kind: str) -> None:
    """Create the model as its declared (and documented) view, or as a table of the same name."""
    statement = model.sql
    if kind == "table":
        statement = statement.replace(
            _view_statement(model.name), f"create table model.{model.name} as", 1
        )
    try:
        con.execute(statement)
    except duckdb.Error as exc:
        raise RuntimeError(f"sql/model/{model.name}.sql: {exc}") from exc
    if kind == "view":
        _comment(con, "view", f"model.{model.name}", model)


def _comment(con: duckdb.DuckDBPyConnection, kind: str, name: str, model: Model) -> None:
    statements = [f"comment on {kind} {name} is {_quote(model.grain)}"]
    statements += [
        f"comment on column {name}.{column} is {_quote(text)}"
        for column, text in model.columns.items()
    ]
    con.execute(";\n".join(statements))


def _load_catalog(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "create or replace table metrics.catalog as select * from read_csv(?, header = true, "
        "all_varchar = true, quote = '\"')",
        [str(CATALOG)],
    )
    con.execute(
        "comment on table metrics.catalog is "
        + _quote(
            "Each row is one metric: where it lives (table, column), its formula, unit and "
            "descriptions in English and Indonesian. Mirrors METRICS.md."
        )
    )
    for column, text in {
        "metric": "Metric name (METRICS.md).",
        "objective": "Objective id: awareness, traffic, community, conversion, insights, leads.",
        "table": "Metric table in schema metrics (daily; _weekly and _monthly share the column).",
        "column": "Column holding the metric in that table.",
        "formula": "Formula as METRICS.md states it.",
        "numerator": "Base measure in the numerator (ratios only).",
        "denominator": "Base measure in the denominator (ratios only).",
        "unit": "count, fraction, currency or seconds.",
        "description_en": "What the metric means, in English.",
        "description_id": "Arti metrik, dalam bahasa Indonesia.",
        "caveats": "Platform differences and limits analysts should know.",
    }.items():
        con.execute(f'comment on column metrics.catalog."{column}" is {_quote(text)}')
