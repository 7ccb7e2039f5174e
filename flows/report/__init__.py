"""The objective report: one self-contained HTML file built from the published metric tables.

Two steps: `query.report_data` reads every row the report shows, once, as plain rows;
`render.render` turns them into the page through Jinja2 templates and never touches DuckDB.
`write_report` opens the published database read-only (so it never waits for, or blocks, a run),
renders the page and replaces the output file atomically, so a reader never sees half a report.
"""

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from flows.load import store
from flows.report.query import report_data
from flows.report.render import render
from transforms.errors import InputError

__all__ = ["render_report", "write_report"]


def render_report(
    con: duckdb.DuckDBPyConnection,
    *,
    period: str = "month",
    lang: str = "en",
    generated_at: datetime | None = None,
) -> str:
    """The report as HTML text, from the metric tables behind `con`.

    `period` is day, week or month (the grain of the headline and the trends); `lang` is en or id.
    `generated_at` (default: now) is the only input that is not read from the tables.
    """
    data = report_data(con, period)
    return render(data, period=period, lang=lang, generated_at=generated_at or datetime.now(UTC))


def write_report(
    published: Path, out: Path | None = None, *, period: str = "month", lang: str = "en"
) -> Path:
    """Write the report of the published database; by default `report.html` beside it."""
    if not published.is_file():
        raise InputError(f"{published}: no published database yet; run `kunci run nightly` first")
    target = out if out is not None else published.parent / "report.html"
    con = store.connect(published, read_only=True)
    try:
        page = render_report(con, period=period, lang=lang)
    finally:
        con.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(target)
    return target
