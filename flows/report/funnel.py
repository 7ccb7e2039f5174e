"""The campaign funnel of the leads objective, over each campaign's whole life.

Reach → engagements → clicks → sessions → leads → conversions, from `metrics.funnel_campaign`.

Step rates are the table's own `*_step_rate` columns; a step the sources do not give (reach is NULL
unless one row states the whole campaign's reach) is shown as missing, without a bar.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from flows.report import charts, fmt, parts
from flows.report.parts import Cell, Figure, Panel, Table
from flows.report.rows import Row
from flows.report.view import View

STEPS = ("reach", "engagements", "clicks", "sessions", "leads", "conversions")
CHARTED = 6  # campaigns drawn as funnels; the table lists every campaign


@dataclass(frozen=True)
class Funnel:
    """Funnels of the biggest campaigns and a table of every campaign, or a no-data panel."""

    missing: Panel | None
    figures: Sequence[Figure] = ()
    table: Table | None = None


def _steps(view: View, row: Row) -> list[tuple[str, float | None, str, str]]:
    steps = []
    for index, step in enumerate(STEPS):
        metric = f"funnel_{step}"
        rate = row.get(f"{step}_step_rate") if index else None
        rate_text = (
            view.labels.text("step_rate", rate=fmt.percent(rate, view.lang))
            if rate is not None
            else ""
        )
        value = row[step]
        steps.append(
            (view.labels.metric(metric), value, view.value("leads", metric, value), rate_text)
        )
    return steps


def _caption(view: View, row: Row) -> tuple[str, str]:
    name = f"{view.labels.platform(row['platform'])} · {row['campaign']}"
    note = view.labels.text(
        "spend_impressions",
        spend=view.value("leads", "funnel_spend", row["spend"], row["currency"]),
        impressions=view.value("leads", "funnel_impressions", row["impressions"]),
        first=fmt.day(row["first_date"], view.lang),
        last=fmt.day(row["last_date"], view.lang),
    )
    return name, note


def _drawn(row: Row) -> bool:
    return sum(row[step] is not None for step in STEPS) >= 2


def funnel(view: View, rows: Sequence[Row]) -> Funnel:
    """Funnels of the biggest campaigns and a table of every campaign."""
    labels = view.labels
    if not rows:
        return Funnel(parts.no_data(labels.text("no_data_title"), labels.hint("leads")))
    figures = []
    for row in [r for r in rows if _drawn(r)][:CHARTED]:
        name, note = _caption(view, row)
        svg = Markup(charts.funnel(name, _steps(view, row)))
        figures.append(Figure(name, svg, note=note))
    metrics = ["funnel_spend", "funnel_impressions"] + [f"funnel_{s}" for s in STEPS]
    body = [
        [Cell(f"{labels.platform(r['platform'])} · {r['campaign']}")]
        + [
            Cell(view.value("leads", m, r[m.removeprefix("funnel_")], r["currency"]))
            for m in metrics
        ]
        for r in rows
    ]
    headers = [labels.text("campaign")] + [labels.metric(m) for m in metrics]
    return Funnel(None, figures, Table(headers, body))
