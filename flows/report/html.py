"""Page assembly: masthead, objective navigation, targets overview, one section per objective.

The page is one self-contained file: the stylesheet is inline, charts are inline SVG, there is no
script, and a Content-Security-Policy forbids loading anything from anywhere, so the report opens
offline and cannot phone home. The only line that changes between two renderings of the same
tables is the generated-at line.
"""

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime

import duckdb

from flows.report import charts, data, fmt, funnel, insights, parts, sections
from flows.report.data import OBJECTIVES, Row
from flows.report.labels import LANGS, Labels
from flows.report.periods import GRAINS, window
from flows.report.style import CSS
from flows.report.svg import esc
from flows.report.view import View
from transforms.errors import InputError

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)
LISTED_ACCOUNTS = 12


def render(
    con: duckdb.DuckDBPyConnection, *, period: str, lang: str, generated_at: datetime | None = None
) -> str:
    """The whole report as one HTML document."""
    if period not in GRAINS:
        raise InputError(f"--period '{period}' is not one of {', '.join(GRAINS)}")
    if lang not in LANGS:
        raise InputError(f"--lang '{lang}' is not one of {', '.join(LANGS)}")
    tables = data.metric_tables(con)
    reach = data.data_range(con, tables)
    headline = window(reach[0], reach[1], period) if reach else None
    accounts = data.accounts(con)
    view = View.build(Labels(lang), headline, data.catalog(con, tables), accounts)
    scorecard = data.scorecard(con, tables)
    body = [_objective(con, tables, view, objective, scorecard) for objective in OBJECTIVES]
    at = (generated_at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{lang}">',
            _head(view),
            "<body>",
            _masthead(view, accounts),
            _navigation(view, scorecard),
            _overview(view, scorecard),
            '<main class="wrap">',
            *body,
            "</main>",
            '<footer class="wrap">',
            f"<p>{esc(view.labels.text('source'))}</p>",
            f'<p class="generated">{esc(view.labels.text("generated", at=at))}</p>',
            "</footer>",
            "</body>",
            "</html>",
            "",
        ]
    )


def _head(view: View) -> str:
    title = f"Kunci · {view.labels.text('title')}"
    if view.window:
        title += f" · {view.period(view.window.current)}"
    return (
        '<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head>"
    )


def _masthead(view: View, accounts: Sequence[Row]) -> str:
    labels = view.labels
    lines = [f'<p class="lede">{esc(labels.text("subtitle"))}</p>']
    if view.window:
        w = view.window
        said = view.comparison(w)
        grain = labels.text("grain", grain=labels.text(f"grain_{w.grain}"))
        through = labels.text("through", date=fmt.day(w.through, view.lang))
        lines.append(
            f'<p class="period"><strong>{esc(said)}</strong> · {esc(through)} · {esc(grain)}</p>'
        )
    own = [view.account(r["platform"], r["account_id"]) for r in accounts if r["is_own"]]
    if own:
        shown = ", ".join(own[:LISTED_ACCOUNTS])
        if len(own) > LISTED_ACCOUNTS:
            shown += f" (+{len(own) - LISTED_ACCOUNTS})"
        lines.append(f'<p class="accounts">{esc(labels.text("own_accounts"))}: {esc(shown)}</p>')
    return (
        '<header class="masthead"><div class="wrap"><p class="brand">Kunci</p>'
        f"<h1>{esc(labels.text('title'))}</h1>{''.join(lines)}</div></header>"
    )


def _chips(view: View, rows: Sequence[Row]) -> str:
    counts = Counter(r["status"] for r in rows)
    return "".join(
        f'<span class="badge status-{s}">{counts[s]} {esc(view.labels.status(s))}</span>'
        for s in parts.STATUSES
        if counts[s]
    )


def _navigation(view: View, scorecard: Sequence[Row]) -> str:
    items = "".join(
        f'<li><a href="#objective-{o}">{esc(view.labels.objective(o))}</a> '
        f"{_chips(view, [r for r in scorecard if r['objective'] == o])}</li>"
        for o in OBJECTIVES
    )
    label = esc(view.labels.text("contents"))
    return f'<nav class="toc wrap" aria-label="{label}"><ol>{items}</ol></nav>'


def _overview(view: View, scorecard: Sequence[Row]) -> str:
    labels = view.labels
    title = labels.text("scorecard_overview")
    if not scorecard:
        inner = f'<p class="note">{esc(labels.text("no_targets"))}</p>'
    else:
        counts = Counter(r["status"] for r in scorecard)
        strip = charts.status_strip(
            title,
            [(s, counts[s], f"{counts[s]} {labels.status(s)}") for s in parts.STATUSES],
        )
        listed = "".join(
            f"<li>{parts.badge(view, s)} {counts[s]}</li>" for s in parts.STATUSES if counts[s]
        )
        inner = f'{strip}<ul class="counts">{listed}</ul>'
    return (
        f'<section class="overview wrap" aria-label="{esc(title)}"><div class="panel">'
        f"<h2>{esc(title)}</h2>{inner}</div></section>"
    )


def _objective(
    con: duckdb.DuckDBPyConnection,
    tables: frozenset[str],
    view: View,
    objective: str,
    scorecard: Sequence[Row],
) -> str:
    if objective == "insights":
        body = _insights(con, tables, view)
    else:
        body = sections.section_body(
            view,
            _objective_data(con, tables, view, objective),
            scorecard,
            _extra(con, tables, view, objective),
        )
    labels = view.labels
    other = "id" if view.lang == "en" else "en"
    chips = _chips(view, [r for r in scorecard if r["objective"] == objective])
    return (
        f'<section id="objective-{objective}" class="objective" '
        f'aria-labelledby="title-{objective}"><header class="objective-head">'
        f'<h2 id="title-{objective}">{esc(labels.objective(objective))}</h2>'
        f'<p class="other-lang" lang="{other}">{esc(labels.other_objective(objective))}</p>'
        f'<div class="chips">{chips}</div></header>{body}</section>'
    )


def _objective_data(
    con: duckdb.DuckDBPyConnection, tables: frozenset[str], view: View, objective: str
) -> sections.ObjectiveData:
    w = view.window
    if w is None:
        return sections.ObjectiveData(objective, [], [], [])
    return sections.ObjectiveData(
        objective,
        data.trend(con, tables, objective, w.grain, sections.trend_metrics(objective)),
        data.breakdown(con, tables, objective, w.grain, w.current, sections.DETAIL[objective]),
        data.period_exports(con, tables, objective),
    )


def _extra(
    con: duckdb.DuckDBPyConnection, tables: frozenset[str], view: View, objective: str
) -> str:
    if objective != "leads":
        return ""
    return funnel.funnel_section(view, data.funnel(con, tables))


def _content_months(
    con: duckdb.DuckDBPyConnection, tables: frozenset[str], view: View
) -> tuple[date, date | None] | None:
    """The content month (latest complete month of the data) and the month before."""
    if view.window is not None:
        months = window(view.window.first, view.window.through, "month")
        return months.current, months.previous
    present = data.content_months(con, tables)
    if not present:
        return None
    return present[0], present[1] if len(present) > 1 else None


def _insights(con: duckdb.DuckDBPyConnection, tables: frozenset[str], view: View) -> str:
    months = _content_months(con, tables, view)
    wanted = [m for m in (months or ()) if m is not None]
    return insights.insights_section(
        view,
        data.audience(con, tables),
        data.activity(con, tables),
        data.content(con, tables, wanted),
        months,
        [(a["platform"], a["account_id"]) for a in data.accounts(con) if a["is_own"]],
    )
