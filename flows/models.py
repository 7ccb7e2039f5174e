"""The metric layer runner: declared views, their documentation, the materialized tables.

Views are created in the order `sql/model/ORDER` declares, documented, and the metric tables
analysts query are materialized from them.

Each `sql/model/<name>.sql` defines one view and documents it in its header (`-- grain:`,
`-- column <name>: <text>`, optionally `-- materialize: metrics.<table>`). The header is the single
source of the docs: it becomes `COMMENT ON` for the view, its columns and the materialized table.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from flows.settings import SQL_DIR

MODEL_DIR = SQL_DIR / "model"
CATALOG = SQL_DIR / "seeds" / "metric_catalog.csv"
_COLUMN = re.compile(r"^-- column (\w+): (.+)$")


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
    if not grain:
        raise ValueError(f"{path.name}: no '-- grain:' line")
    return Model(path.stem, sql, grain, columns, materialize)


def declared_models(model_dir: Path = MODEL_DIR) -> list[Model]:
    """Models in the order `sql/model/ORDER` declares."""
    order = [
        line.strip()
        for line in (model_dir / "ORDER").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return [parse_model(model_dir / f"{name}.sql") for name in order]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def build_metrics(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """(Re)create every view, materialize the metric tables and the catalog, in one transaction.

    Returns the row count of every materialized table.
    """
    counts: dict[str, int] = {}
    con.begin()
    try:
        con.execute("create schema if not exists model; create schema if not exists metrics")
        for model in declared_models():
            con.execute(model.sql)
            _comment(con, "view", f"model.{model.name}", model)
            if model.materialize:
                columns = ", ".join(model.columns)
                con.execute(
                    f"create or replace table {model.materialize} as "
                    f"select {columns} from model.{model.name}"
                )
                _comment(con, "table", model.materialize, model)
                row = con.execute(f"select count(*) from {model.materialize}").fetchone()
                counts[model.materialize] = int(row[0]) if row else 0
        _load_catalog(con)
        counts["metrics.catalog"] = int(
            (con.execute("select count(*) from metrics.catalog").fetchone() or (0,))[0]
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return counts


def _comment(con: duckdb.DuckDBPyConnection, kind: str, name: str, model: Model) -> None:
    con.execute(f"comment on {kind} {name} is {_quote(model.grain)}")
    for column, text in model.columns.items():
        con.execute(f"comment on column {name}.{column} is {_quote(text)}")


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
