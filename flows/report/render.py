"""The pure render: `ReportData` rows in, one HTML document out; never touches the database.

Here are the page's masthead, navigation, overview and objective headings; each objective's body
comes from `sections.py`, `funnel.py` or `insights.py`, and `templates/report.html.j2` lays it all
out. The only text that changes between two renderings of the same rows is the generated-at line.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from markupsafe import Markup

from flows.report import charts, fmt, parts
from flows.report.funnel import funnel
from flows.report.insights import Insights, insights
from flows.report.labels import LANGS, Labels
from flows.report.page import ENVIRONMENT, stylesheet
from flows.report.parts import STATUSES, Cell
from flows.report.periods import GRAINS
from flows.report.rows import OBJECTIVES, ReportData, Row
from flows.report.sections import Section, section
from flows.report.view import View
from transforms.errors import InputError

LISTED_ACCOUNTS = 12


@dataclass(frozen=True)
class Objective:
    """An objective's heading (names in both languages, status chips) and its body."""

    id: str
    name: str
    other_name: str
    chips: Sequence[Cell]
    body: Section | Insights


def render(data: ReportData, *, period: str, lang: str, generated_at: datetime) -> str:
    """The whole report as one HTML document; `period` must be the grain `data` was read for."""
    if period not in GRAINS:
        raise InputError(f"--period '{period}' is not one of {', '.join(GRAINS)}")
    if lang not in LANGS:
        raise InputError(f"--lang '{lang}' is not one of {', '.join(LANGS)}")
    if period != data.period:
        raise ValueError(f"rows read for period {data.period!r} cannot render period {period!r}")
    view = View.build(Labels(lang), data.window, list(data.catalog), list(data.accounts))
    at = generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return ENVIRONMENT.get_template("report.html.j2").render(
        lang=lang,
        other_lang="id" if lang == "en" else "en",
        labels=view.labels,
        css=stylesheet(),
        title=_title(view),
        masthead={"period": _period_line(view), "accounts": _own_accounts(view, data.accounts)},
        overview=_overview(view, data.scorecard),
        objectives=[_objective(view, data, objective) for objective in OBJECTIVES],
        generated_at=at,
    )


def _title(view: View) -> str:
    title = f"Kunci · {view.labels.text('title')}"
    if view.window:
        title += f" · {view.period(view.window.current)}"
    return title


def _period_line(view: View) -> tuple[str, str, str] | None:
    """The comparison said in words, the last date with data, and the grain."""
    if view.window is None:
        return None
    labels, w = view.labels, view.window
    through = labels.text("through", date=fmt.day(w.through, view.lang))
    grain = labels.text("grain", grain=labels.text(f"grain_{w.grain}"))
    return view.comparison(w), through, grain


def _own_accounts(view: View, accounts: Sequence[Row]) -> str | None:
    own = [view.account(r["platform"], r["account_id"]) for r in accounts if r["is_own"]]
    if not own:
        return None
    shown = ", ".join(own[:LISTED_ACCOUNTS])
    if len(own) > LISTED_ACCOUNTS:
        shown += f" (+{len(own) - LISTED_ACCOUNTS})"
    return shown


def _chips(view: View, rows: Sequence[Row]) -> list[Cell]:
    counts = Counter(r["status"] for r in rows)
    return [Cell(f"{counts[s]} {view.labels.status(s)}", status=s) for s in STATUSES if counts[s]]


def _overview(view: View, scorecard: Sequence[Row]) -> dict[str, object]:
    """Every target's status: a strip of the shares and the counts (no strip without targets)."""
    title = view.labels.text("scorecard_overview")
    if not scorecard:
        return {"title": title, "strip": None, "counts": []}
    counts = Counter(r["status"] for r in scorecard)
    shares = [(s, counts[s], f"{counts[s]} {view.labels.status(s)}") for s in STATUSES]
    return {
        "title": title,
        "strip": Markup(charts.status_strip(title, shares)),
        "counts": [(parts.badge(view, s), counts[s]) for s in STATUSES if counts[s]],
    }


def _objective(view: View, data: ReportData, objective: str) -> Objective:
    mine = [r for r in data.scorecard if r["objective"] == objective]
    body: Section | Insights
    if objective == "insights":
        body = insights(view, data)
    else:
        extra = funnel(view, data.funnel) if objective == "leads" else None
        body = section(view, objective, data.rows(objective), data.scorecard, extra)
    return Objective(
        objective,
        view.labels.objective(objective),
        view.labels.other_objective(objective),
        _chips(view, mine),
        body,
    )
