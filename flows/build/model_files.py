"""The declared metric models: the `sql/model/*.sql` files, their header docs and refresh rules.

Both the full build (`flows/build/models.py`) and the incremental one (`flows/build/increment.py`)
read the model files; they live here so neither of the two imports the other for them.

Each `sql/model/<name>.sql` defines one view and documents it in its header (`-- grain:`,
`-- column <name>: <text>`, optionally `-- materialize: metrics.<table>`). A period table documents
its columns once: `-- columns of <model> except <column>` takes that model's column docs, in their
order, at that place in the header (`-- columns of <model>` takes all of them; a `-- column`
line after it rewrites one doc in its place). `-- refresh:
<column>` (or `<column> by <grain>`) says which of its rows an incremental build recomputes from a
date; a `<name>.refresh.sql` file next to it replaces that with a script of its own.

An intermediate (`int_*`, not materialized) is kept as a table of its view's rows, unless its header
says `-- keep: view`: then it stays a plain view, computed whenever it is read. That suits a cheap
per-row projection of kept tables (the `int_*_metrics` models apply the formula macros to each
row of a periods table; `int_account_periods` is the rows of `int_base_daily` and
`int_account_rollups`): writing its rows would cost more than reading them again, and an
incremental build has nothing of it to update.
"""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flows.config.settings import SQL_DIR

MODEL_DIR = SQL_DIR / "model"
FORMULAS = SQL_DIR / "formulas.sql"
_COLUMN = re.compile(r"^-- column (\w+): (.+)$")
_COLUMNS_OF = re.compile(r"^-- columns of (\w+)(?: except (\w+))?$")
_MACRO = re.compile(r"^-- macro (\w+): (.+)$")
_REFRESH = re.compile(r"^-- refresh: (\w+)(?: by (week|month|grain))?$")
_KEEP_VIEW = "-- keep: view"


@dataclass(frozen=True)
class Refresh:
    """Which rows an incremental build recomputes: `column` from a date or its period's start.

    The period is a week or month, or `grain`: the row's own grain column (day ... year).
    """

    column: str
    period: str | None

    def condition(self, start: date) -> str:
        """SQL selecting the rows at or after `start` (a Python date, so safe to inline)."""
        bound = f"date '{start.isoformat()}'"
        if self.period:
            unit = "grain" if self.period == "grain" else f"'{self.period}'"
            bound = f"date_trunc({unit}, {bound})::date"
        return f"{self.column} >= {bound}"


@dataclass(frozen=True)
class Model:
    """One view file with its documentation and how an incremental build updates it."""

    name: str
    sql: str
    grain: str
    columns: dict[str, str]
    materialize: str | None
    refresh: Refresh | None = None
    script: str | None = None
    # `-- keep: view`: an intermediate left a plain view, never written as a table.
    view_only: bool = False


def parse_model(path: Path) -> Model:
    """Read a model file and its header docs; refuse a file that documents no grain.

    Also refuse a `-- keep: view` model that is materialized or declares a refresh: a view has no
    rows of its own to materialize or update.
    """
    sql = path.read_text(encoding="utf-8")
    grain = ""
    materialize = None
    refresh = None
    view_only = False
    columns: dict[str, str] = {}
    for line in sql.splitlines():
        if "--" not in line:  # every header line is a comment; most lines are the query's
            continue
        if line.startswith("-- grain: "):
            grain = line.removeprefix("-- grain: ").strip()
        elif match := _REFRESH.match(line):
            refresh = Refresh(match.group(1), match.group(2))
        elif line.strip() == _KEEP_VIEW:
            view_only = True
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
    script_path = path.with_name(f"{path.stem}.refresh.sql")
    script = script_path.read_text(encoding="utf-8") if script_path.exists() else None
    if view_only and (materialize or refresh or script):
        raise ValueError(f"{path.name}: '{_KEEP_VIEW}' with a materialize, refresh or script")
    return Model(path.stem, sql, grain, columns, materialize, refresh, script, view_only)


def _view_statement(name: str) -> str:
    return f"create or replace view model.{name} as"


def model_query(model: Model) -> str:
    """The model's select statement (its view's body)."""
    return model.sql.split(_view_statement(model.name), 1)[1].strip().rstrip(";")


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
