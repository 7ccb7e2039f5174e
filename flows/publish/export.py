"""`kunci export`: one table to Parquet or CSV, or every metric table as hive-partitioned Parquet.

The export reads through a read-only connection, so it never waits for the nightly run and never
blocks an analyst. DuckDB itself writes the file (`COPY ... TO`), streaming, with the table's types:
Parquet keeps dates, timestamps and doubles as they are; CSV is UTF-8 with a header row.

A CSV is usually opened in a spreadsheet, and a text cell such as `=HYPERLINK(...)` from a post
caption or a campaign name would run there as a formula. Text cells that start with a character a
spreadsheet treats as a formula (OWASP's CSV injection list) get a leading single quote; numbers
are never touched, so a negative number stays a number.
"""

import difflib
import json
import secrets
import shutil
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from flows import zones
from transforms.errors import InputError

FORMATS = {"parquet": "(format parquet)", "csv": "(format csv, header true)"}
EXPORTABLE_SCHEMAS = ("metrics", "core")  # bare names are metric tables
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP CSV injection: formula triggers
# The column --since/--until filter on: the first of these a table has. A period table is
# filtered on the first day of its range.
DATE_COLUMNS = (
    "date",
    "week_start",
    "month_start",
    "month",
    "published_date",
    "as_of_date",
    "date_start",
    "period_start",
    "first_date",
)


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote, for the command line and `--json`."""

    path: str
    table: str
    format: str
    rows: int
    date_column: str | None

    def as_dict(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return asdict(self)


def format_for(out: Path | None, requested: str | None) -> str:
    """The file format: as requested, else from the output's suffix, else Parquet."""
    if requested is not None:
        return requested
    suffix = out.suffix.lower().lstrip(".") if out is not None else ""
    return suffix if suffix in FORMATS else "parquet"


def export_table(
    con: duckdb.DuckDBPyConnection,
    name: str,
    fmt: str,
    out: Path | None = None,
    since: date | None = None,
    until: date | None = None,
) -> ExportResult:
    """Write table `name` (optionally only rows dated since/until, inclusive) to `out`.

    The default output is `<table>.<format>` in the working directory. The file appears whole or
    not at all: DuckDB writes a sibling `.partial` file that replaces `out` once complete.
    """
    schema, table = resolve_table(con, name)
    columns = _columns(con, schema, table)
    dated = next((c for c in DATE_COLUMNS if c in columns), None)
    if (since or until) and dated is None:
        raise InputError(f"--since/--until: {schema}.{table} has no date column")
    target = out if out is not None else Path(f"{table}.{fmt}")
    if not target.parent.is_dir():
        raise InputError(f"--out {target}: folder {target.parent} does not exist")
    query = _select(schema, table, columns, fmt, dated, since, until)
    rows = _copy(con, query, fmt, target)
    return ExportResult(str(target), f"{schema}.{table}", fmt, rows, dated)


def resolve_table(con: duckdb.DuckDBPyConnection, name: str) -> tuple[str, str]:
    """Schema and table of `name` (`awareness_daily`, `metrics.awareness_daily`, `core.post`).

    An unknown name is a one-line error listing the closest exportable names.
    """
    known = _exportable(con)
    schema, dot, table = name.strip().lower().rpartition(".")
    wanted = (schema if dot else "metrics", table)
    if wanted in known:
        return wanted
    names = sorted({t for _s, t in known})
    close = difflib.get_close_matches(table, names, n=4, cutoff=0.65)
    close += [t for t in names if table and t.startswith(table) and t not in close]
    suggestions = [f"{s}.{t}" for near in close for s, t in known if t == near]
    hint = (
        f"close names: {', '.join(suggestions)}"
        if suggestions
        else f"metric tables: {', '.join(t for s, t in known if s == 'metrics')}"
    )
    raise InputError(f"unknown table '{name}'; {hint}")


def _exportable(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    rows = con.execute(
        "select schema_name, table_name from duckdb_tables() "
        "where database_name = current_database() and list_contains(?, schema_name) "
        "order by schema_name desc, table_name",
        [list(EXPORTABLE_SCHEMAS)],
    ).fetchall()
    return [(str(s), str(t)) for s, t in rows]


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> dict[str, str]:
    """Column name to DuckDB type, in table order."""
    rows = con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where database_name = current_database() and schema_name = ? and table_name = ? "
        "order by column_index",
        [schema, table],
    ).fetchall()
    return {str(c): str(t) for c, t in rows}


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _neutralised(column: str) -> str:
    """SQL for a text column whose formula-like cells get a leading single quote."""
    starts = ", ".join(f"chr({ord(c)})" for c in FORMULA_STARTS)
    ident = _quote(column)
    return f"case when left({ident}, 1) in ({starts}) then '''' || {ident} else {ident} end"


def _select(
    schema: str,
    table: str,
    columns: dict[str, str],
    fmt: str,
    dated: str | None,
    since: date | None,
    until: date | None,
) -> str:
    """The query that reads the table (text cells neutralised for CSV) in its natural order."""
    select = ", ".join(
        f"{_neutralised(c)} as {_quote(c)}" if fmt == "csv" and t == "VARCHAR" else _quote(c)
        for c, t in columns.items()
    )
    # Dates come from date.isoformat(), never from the user's text, so inlining them is safe
    # (COPY takes no prepared parameters).
    where = [
        f"{_quote(dated)} {op} date '{day.isoformat()}'"
        for op, day in ((">=", since), ("<=", until))
        if dated is not None and day is not None
    ]
    condition = f" where {' and '.join(where)}" if where else ""
    return f"select {select} from {_quote(schema)}.{_quote(table)}{condition} order by all"


def _copy(con: duckdb.DuckDBPyConnection, query: str, fmt: str, target: Path) -> int:
    """Run COPY into a partial file, then move it over the target; return the row count."""
    partial = target.with_name(target.name + ".partial")
    literal = str(partial).replace("'", "''")
    con.execute("set TimeZone = 'UTC'")  # timestamps in UTC, as the canonical model stores them
    try:
        row = con.execute(f"copy ({query}) to '{literal}' {FORMATS[fmt]}").fetchone()
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return int(row[0]) if row else 0


PARTITION_KEY = "year_month"  # hive key of dated tables; no metric column has this name
WORKSPACE_FOLDER = "workspace"  # tables of no one objective: catalog, scorecard, target
SUCCESS_MARKER = "_SUCCESS"


def export_all(con: duckdb.DuckDBPyConnection, to: zones.Zone) -> list[ExportResult]:
    """Write every metric table as hive-partitioned Parquet under `to`; return what was written.

    Layout: `<objective>/<table>/year_month=YYYY-MM/data_0.parquet` for a table with a date
    column (`DATE_COLUMNS`: its month of that column; a row without a date goes under
    `year_month=NULL`), `<objective>/<table>/data_0.parquet` for one without; tables of no single
    objective go under `workspace/`. The objective and table are plain folder names, not hive
    keys, because `catalog`, `scorecard` and `target` have columns named `objective` and `table`.

    Every table is first written in full by DuckDB into a private folder, then swapped in with
    `Zone.replace_tree` (locally, renames: a reader sees the old table or the new one, never half
    of one); `_SUCCESS`, written last, lists the tables, their row counts and the time.
    """
    token = secrets.token_hex(6)
    staging = (
        Path(to.url_of(f".partial-{token}"))
        if to.is_local
        else Path(tempfile.mkdtemp(prefix="kunci-export-"))
    )
    results = []
    con.execute("set TimeZone = 'UTC'")
    try:
        for table, objective in _metric_tables(con):
            relative = f"{objective}/{table}"
            folder = staging / objective / table
            folder.mkdir(parents=True)
            rows, dated = _copy_partitioned(con, table, folder)
            to.replace_tree(relative, folder)
            results.append(
                ExportResult(to.url_of(relative), f"metrics.{table}", "parquet", rows, dated)
            )
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    marker = {
        "exported_at": datetime.now(UTC).isoformat(),
        "layout": f"<objective>/<table>/{PARTITION_KEY}=YYYY-MM/*.parquet",
        "tables": {
            r.table: {"path": r.path, "rows": r.rows, "date_column": r.date_column} for r in results
        },
    }
    to.write(SUCCESS_MARKER, json.dumps(marker, indent=2, sort_keys=True).encode("utf-8"))
    return results


def _metric_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Every metric table with its objective folder (from the catalog, else its name's prefix)."""
    tables = [t for s, t in _exportable(con) if s == "metrics"]
    named: dict[str, str] = {}
    if "catalog" in tables:
        rows = con.execute('select distinct "table", objective from metrics.catalog').fetchall()
        named = {str(t): str(o) for t, o in rows}
    objectives = set(named.values())
    return [
        (
            t,
            named.get(t)
            or next((o for o in objectives if t.startswith(f"{o}_")), WORKSPACE_FOLDER),
        )
        for t in tables
    ]


def _copy_partitioned(
    con: duckdb.DuckDBPyConnection, table: str, folder: Path
) -> tuple[int, str | None]:
    """COPY one metric table into `folder`, partitioned by month when it has a date column.

    An empty table is one Parquet file of no rows (a partitioned COPY writes no file at all), so
    a reader still finds the table and its columns.
    """
    columns = _columns(con, "metrics", table)
    dated = next((c for c in DATE_COLUMNS if c in columns), None)
    source = f"select * from metrics.{_quote(table)} order by all"
    (count,) = con.execute(f"select count(*) from metrics.{_quote(table)}").fetchone() or (0,)
    if dated is None or not count:
        _copy_to(con, source, folder / "data_0.parquet", "(format parquet)")
        return int(count), dated
    month = f"strftime({_quote(dated)}, '%Y-%m')"
    source = f"select *, {month} as {PARTITION_KEY} from ({source})"
    return _copy_to(con, source, folder, f"(format parquet, partition_by ({PARTITION_KEY}))"), dated


def _copy_to(con: duckdb.DuckDBPyConnection, source: str, target: Path, options: str) -> int:
    literal = str(target).replace("'", "''")
    row = con.execute(f"copy ({source}) to '{literal}' {options}").fetchone()
    return int(row[0]) if row else 0


def publish_parquet(published: Path, to: str, storage: zones.Storage) -> list[ExportResult]:
    """`[publish] parquet`: export the just-published file's metric tables (read-only)."""
    con = duckdb.connect(str(published), read_only=True)
    try:
        return export_all(con, zones.Zone(to, storage))
    finally:
        con.close()
