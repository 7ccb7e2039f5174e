"""The record of a run: what it loaded, built and published, in `ops.run` and for people.

The record is written into the working file, first as `running` and again just before the file is
published, so the published file always holds the record of the run that published it. A run that
fails before publishing leaves no record in the file (it never touches the published file); its
history is in Prefect. The summary also compares the new build with the previous one (row counts
per metric table, scorecard actuals), which is what the nightly run's Prefect artifact shows.
"""

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb

from flows.load.outcomes import LoadOutcome
from flows.load.store import table_exists

ROW_COUNTS = ("rows_read", "rows_loaded", "rows_quarantined", "rows_skipped")
Scorecard = dict[tuple[str, str, str, str], tuple[float | None, str]]


@dataclass
class Baseline:
    """What the published file held before this run: the last build's counts and the scorecard."""

    tables: dict[str, int] | None = None
    scorecard: Scorecard = field(default_factory=dict)


@dataclass
class RunSummary:
    """What a run did, for the command line, `--json`, `ops.run` and the Prefect artifact.

    `problems` are failures that happen after publishing (the report, the artifact); with the
    failed inputs they make the run end Failed while what loaded stays published.
    """

    db: str
    run_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    flow: str = "kunci"
    parameters: dict[str, Any] = field(default_factory=dict)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    inputs: list[LoadOutcome] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)
    rebuilt: bool = False
    build_id: int | None = None
    published: bool = False
    baseline: Baseline = field(default_factory=Baseline)
    headlines: list[str] = field(default_factory=list)
    report: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[LoadOutcome]:
        """Inputs that could not be read at all."""
        return [o for o in self.inputs if o.status == "failed"]

    def count(self, status: str) -> int:
        """Inputs with this outcome (loaded, quarantined, skipped, failed)."""
        return sum(1 for o in self.inputs if o.status == status)

    def refreshed(self) -> dict[str, int]:
        """Posts whose insights each API source read again (`post_refresh_days`), by source."""
        counts: dict[str, int] = {}
        for outcome in self.inputs:
            if outcome.path.startswith("api://") and outcome.posts_refreshed:
                source = outcome.path.removeprefix("api://").split("/", 1)[0]
                counts[source] = counts.get(source, 0) + outcome.posts_refreshed
        return counts

    def reads(self) -> dict[str, int]:
        """Resources each API source billed per read (X) read in this run, by source."""
        counts: dict[str, int] = {}
        for outcome in self.inputs:
            if outcome.path.startswith("api://") and outcome.reads_used:
                source = outcome.path.removeprefix("api://").split("/", 1)[0]
                counts[source] = counts.get(source, 0) + outcome.reads_used
        return counts

    def rows(self) -> dict[str, int]:
        """Row totals over the inputs this run loaded."""
        return {name: sum(getattr(o, name) for o in self.inputs) for name in ROW_COUNTS}

    @property
    def status(self) -> str:
        """`completed` when every input loaded and every step after publishing succeeded."""
        return "failed" if self.failed or self.problems else "completed"

    def deltas(self) -> list[tuple[str, int | None, int]]:
        """Metric tables whose row count changed since the previous build: (table, before, now)."""
        before = self.baseline.tables or {}
        return [
            (name, before.get(name), rows)
            for name, rows in self.tables.items()
            if before.get(name) != rows
        ]

    def message(self) -> str:
        """One paragraph: what failed and what was still published (empty when completed).

        Only a run that publishes has a summary to give (one that fails earlier raises), so the
        paragraph is written for the published file, also into the record written just before.
        """
        if self.status == "completed":
            return ""
        failures = [f"{o.path}: {o.error}" for o in self.failed] + self.problems
        rows = self.rows()
        return (
            f"{self.flow} run failed: {'; '.join(failures)}. "
            f"Still published to {self.db}: {self.count('loaded')} inputs loaded "
            f"({rows['rows_loaded']} rows, {rows['rows_quarantined']} quarantined), "
            f"{self.count('skipped')} already loaded, "
            f"{len(self.tables)} metric tables {'rebuilt' if self.rebuilt else 'unchanged'}."
        )

    def as_dict(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return {
            "db": self.db,
            "run_id": self.run_id,
            "status": self.status,
            "published": self.published,
            "inputs": [o.as_dict() for o in self.inputs],
            "tables": self.tables,
            "rebuilt": self.rebuilt,
            "failed": len(self.failed),
            "posts_refreshed": self.refreshed(),
            "reads_used": self.reads(),
            "deltas": [{"table": t, "before": b, "rows": n} for t, b, n in self.deltas()],
            "headlines": self.headlines,
            "report": self.report,
            "problems": self.problems,
            "message": self.message(),
        }


class RunFailed(Exception):
    """A run that published what it could, then ended Failed; carries the run's summary.

    Calling the flow raises it; with `return_state=True`, `state.result(raise_on_failure=False)`
    returns it. Its arguments are (message, summary) so that it pickles.
    """

    def __init__(self, message: str, summary: RunSummary) -> None:
        super().__init__(message, summary)
        self.message = message
        self.summary = summary

    def __str__(self) -> str:
        return self.message


def baseline(con: duckdb.DuckDBPyConnection) -> Baseline:
    """The last build's row counts and the scorecard, read before the run changes anything."""
    row = con.execute("select tables from ops.build order by build_id desc limit 1").fetchone()
    tables = {str(k): int(v) for k, v in json.loads(row[0]).items()} if row else None
    return Baseline(tables, scorecard(con))


def scorecard(con: duckdb.DuckDBPyConnection) -> Scorecard:
    """Each target's actual and status (empty before the first build)."""
    if not table_exists(con, "metrics", "scorecard"):
        return {}
    rows = con.execute(
        "select objective, metric, scope, period, actual, status from metrics.scorecard"
    ).fetchall()
    return {(r[0], r[1], r[2], r[3]): (r[4], r[5]) for r in rows}


def headlines(before: Scorecard, after: Scorecard) -> list[str]:
    """Scorecard targets whose actual or status changed, one line each."""
    lines = []
    for key, (actual, status) in sorted(after.items()):
        old_actual, old_status = before.get(key, (None, "new"))
        if (old_actual, old_status) != (actual, status):
            lines.append(
                f"{' '.join(key)}: {_number(old_actual)} → {_number(actual)} "
                f"({old_status} → {status})"
            )
    return lines


def begin(con: duckdb.DuckDBPyConnection, summary: RunSummary) -> Baseline:
    """Record the run as running; return the baseline the run's changes are measured against."""
    write(con, summary, "running")
    return baseline(con)


def finish(con: duckdb.DuckDBPyConnection, summary: RunSummary) -> tuple[int | None, list[str]]:
    """Record the run's outcome in the file about to be published.

    Returns the id of the build the run made (None when it kept the tables) and the scorecard
    lines that changed since the baseline.
    """
    summary.build_id = last_build_id(con) if summary.rebuilt else None
    summary.headlines = headlines(summary.baseline.scorecard, scorecard(con))
    write(con, summary, summary.status)
    return summary.build_id, summary.headlines


def write(con: duckdb.DuckDBPyConnection, summary: RunSummary, status: str) -> None:
    """Insert or replace the run's row; `running` at the start, the outcome before publishing.

    Writing the outcome marks the run published: the file it goes into is the one published next.
    """
    finished = status != "running"
    rows = summary.rows()
    con.execute(
        "insert or replace into ops.run (run_id, flow, parameters, status, inputs, inputs_loaded, "
        "inputs_skipped, inputs_failed, rows_read, rows_loaded, rows_quarantined, rows_skipped, "
        "tables_rebuilt, build_id, published, error, started_at, finished_at) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            summary.run_id,
            summary.flow,
            json.dumps(summary.parameters, sort_keys=True, default=str),
            status,
            len(summary.inputs),
            summary.count("loaded") + summary.count("quarantined"),
            summary.count("skipped"),
            summary.count("failed"),
            *(rows[name] for name in ROW_COUNTS),
            len(summary.tables) if summary.rebuilt else 0,
            summary.build_id,
            finished,
            summary.message() or None,
            summary.started_at,
            datetime.now(UTC) if finished else None,
        ],
    )


def last_build_id(con: duckdb.DuckDBPyConnection) -> int | None:
    """The newest `ops.build` row (the one a rebuild just wrote)."""
    row = con.execute("select max(build_id) from ops.build").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def recent_runs(con: duckdb.DuckDBPyConnection, limit: int = 10) -> list[dict[str, Any]]:
    """The newest runs first, as plain dicts (none in a file written before `ops.run` existed).

    `parameters` is decoded from its JSON, so `--json` output nests it as an object.
    """
    if not table_exists(con, "ops", "run"):
        return []
    cursor = con.execute("select * from ops.run order by started_at desc limit ?", [limit])
    names = [d[0] for d in cursor.description or ()]
    records = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for record in records:
        record["parameters"] = json.loads(record["parameters"])
    return records


def describe(run: dict[str, Any]) -> str:
    """One line per run for `kunci status`."""
    started = run["started_at"].astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    line = (
        f"{started} UTC {run['flow']:<14} {run['status']:<9} "
        f"{run['inputs']} inputs ({run['inputs_loaded']} loaded, {run['inputs_skipped']} skipped, "
        f"{run['inputs_failed']} failed), {run['rows_loaded']} rows loaded, "
        f"{run['rows_quarantined']} quarantined, {run['tables_rebuilt']} tables rebuilt"
    )
    return f"{line}\n    {run['error']}" if run["error"] else line


def markdown(summary: RunSummary) -> str:
    """The run summary as the Prefect markdown artifact shows it (made after publishing)."""
    rows = summary.rows()
    lines = [
        f"# {summary.flow}: {summary.status}",
        "",
        f"Published `{summary.db}`",
        "",
        f"Run `{summary.run_id}`; report: {f'`{summary.report}`' if summary.report else 'none'}",
        "",
    ]
    if summary.status == "failed":
        lines += [f"**{summary.message()}**", ""]
    lines += [
        "## Loads",
        "",
        "| inputs | loaded | skipped | failed | rows read | loaded | quarantined | skipped |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {len(summary.inputs)} | {summary.count('loaded')} | {summary.count('skipped')} "
        f"| {summary.count('failed')} | {rows['rows_read']} | {rows['rows_loaded']} "
        f"| {rows['rows_quarantined']} | {rows['rows_skipped']} |",
        "",
    ]
    refreshed = ", ".join(f"{name} {n}" for name, n in summary.refreshed().items())
    if refreshed:
        lines += [f"Posts whose insights were read again: {refreshed}", ""]
    reads = ", ".join(f"{name} {n}" for name, n in summary.reads().items())
    if reads:
        lines += [f"API reads used (billed per read): {reads}", ""]
    lines += _itemised(
        "Failures", [f"`{o.path}`: {o.error}" for o in summary.failed] + summary.problems
    )
    lines += _itemised(
        "Quarantine",
        [
            f"`{o.path}`: {o.rows_quarantined} of {o.rows_read} rows (see ops.quarantine, "
            f"load_id {o.load_id})"
            for o in summary.inputs
            if o.rows_quarantined
        ],
    )
    lines += _metric_changes(summary)
    return "\n".join(lines).rstrip() + "\n"


def _metric_changes(summary: RunSummary) -> list[str]:
    if not summary.rebuilt:
        return ["## Metrics", "", "Nothing new since the last build: tables kept as they were."]
    deltas = summary.deltas()
    lines = ["## Metrics", ""]
    if deltas:
        lines += ["| table | rows before | rows now | change |", "|---|---:|---:|---:|"]
        lines += [
            f"| {table} | {'-' if before is None else before} | {now} | {now - (before or 0):+d} |"
            for table, before, now in deltas
        ]
        lines.append("")
    lines.append(f"{len(summary.tables) - len(deltas)} tables rebuilt with unchanged row counts.")
    lines.append("")
    return lines + _itemised("Scorecard changes", summary.headlines)


def _itemised(title: str, items: list[str]) -> list[str]:
    return [f"## {title}", "", *(f"- {item}" for item in items), ""] if items else []


def _number(value: float | None) -> str:
    if value is None:
        return "no data"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
