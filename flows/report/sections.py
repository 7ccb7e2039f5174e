"""The sections of the five objectives with period tables: headline, trends, scorecard, detail.

What each section shows is declared in `layout.py`; the pieces are the same for all five and
`templates/objective.html.j2` lays them out. Leads adds the campaign funnel (`funnel.py`); insights
has its own section (`insights.py`).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from flows.report import charts, fmt, parts
from flows.report.funnel import Funnel
from flows.report.layout import CHARTS, DETAIL, HEADLINES, Chart
from flows.report.parts import Card, Cell, Figure, Panel, Table
from flows.report.periods import Window, period_end, span
from flows.report.rows import ObjectiveRows, Row
from flows.report.svg import colour
from flows.report.view import View


@dataclass(frozen=True)
class Section:
    """One periodic objective's body; `missing` replaces everything but targets and funnel.

    `figures` is None where no period falls in the trend range (no chart block at all).
    """

    objective: str
    scorecard: Table | None
    funnel: Funnel | None = None
    missing: Panel | None = None
    comparison: str = ""
    cards: Sequence[Card] = ()
    headline_missing: Panel | None = None
    figures: Sequence[Figure] | None = None
    detail_heading: str = ""
    detail: Table | Panel | None = None
    exports: Table | None = None


def section(
    view: View,
    objective: str,
    rows: ObjectiveRows,
    scorecard: Sequence[Row],
    funnel: Funnel | None = None,
) -> Section:
    """Headline, trends, scorecard, detail and exports of one objective, or a no-data panel."""
    labels, window = view.labels, view.window
    targets = parts.scorecard(view, objective, scorecard)
    if window is None or not rows.trend:
        missing = parts.no_data(labels.text("no_data_title"), labels.hint(objective))
        return Section(objective, targets, funnel, missing)
    cards, headline_missing = _headline(view, window, objective, rows)
    detail_heading, detail = _detail(view, objective, rows, window.current)
    return Section(
        objective,
        targets,
        funnel,
        comparison=view.comparison(window),
        cards=cards,
        headline_missing=headline_missing,
        figures=_trend_charts(view, window, objective, rows),
        detail_heading=detail_heading,
        detail=detail,
        exports=_exports(view, objective, rows),
    )


def _headline(
    view: View, window: Window, objective: str, rows: ObjectiveRows
) -> tuple[list[Card], Panel | None]:
    """Cards of the headline period against the one before, and a note if it has no total."""
    totals = {r["period_start"]: r for r in rows.trend if r["level"] == "total"}
    pair = (totals.get(window.current), totals.get(window.previous))
    before = view.period(window.previous)
    cards = [parts.card(view, objective, m, pair, before) for m in HEADLINES[objective]]
    if pair[0] is not None:
        return cards, None
    detail = view.labels.text("no_data_period", period=view.period(window.current))
    return cards, parts.no_data(view.labels.text("no_data_title"), detail)


def _trend_charts(
    view: View, window: Window, objective: str, rows: ObjectiveRows
) -> list[Figure] | None:
    """Every chart declared for the objective that has at least one value."""
    starts = sorted({r["period_start"] for r in rows.trend if r["level"] == "total"})
    starts = [s for s in starts if s >= window.start_of_trend()]
    if not starts:
        return None
    periods = span(starts[0], starts[-1], window.grain)
    note = ""
    if period_end(periods[-1], window.grain) > window.through:
        note = view.labels.text("partial_note", date=fmt.day(window.through, view.lang))
    ticks = [fmt.tick(p, window.grain, view.lang) for p in periods]
    return [
        figure
        for chart in CHARTS[objective]
        for figure in _chart_figures(view, objective, rows, chart, periods, ticks, note)
    ]


def _chart_figures(
    view: View,
    objective: str,
    rows: ObjectiveRows,
    chart: Chart,
    periods: list[date],
    ticks: list[str],
    note: str,
) -> list[Figure]:
    level = "platform_currency" if chart.by_currency else "platform"
    charted = [r for r in rows.trend if r["level"] == level and r.get(chart.metric) is not None]
    groups = sorted({r.get("currency") for r in charted} if chart.by_currency else {None}, key=str)
    figures = []
    for currency in groups:
        mine = [r for r in charted if not chart.by_currency or r.get("currency") == currency]
        series = _series(view, mine, chart.metric, periods)
        if series:
            figures.append(_figure(view, objective, chart, currency, ticks, series, note))
    return figures


def _series(view: View, rows: list[Row], metric: str, periods: list[date]) -> list[charts.Series]:
    platforms = sorted({r["platform"] for r in rows})
    series = []
    for index, platform in enumerate(platforms):
        by_period = {r["period_start"]: r[metric] for r in rows if r["platform"] == platform}
        values = [by_period.get(p) for p in periods]
        series.append(
            charts.Series(view.labels.platform(platform), colour(platform, index), values)
        )
    return series


def _figure(
    view: View,
    objective: str,
    chart: Chart,
    currency: str | None,
    ticks: list[str],
    series: list[charts.Series],
    note: str,
) -> Figure:
    caption = view.labels.text("by_platform", metric=view.labels.metric(chart.metric, objective))
    if chart.by_currency and currency:
        caption += f" ({currency})"
    value = view.formatter(objective, chart.metric, currency)
    draw = charts.line_chart if chart.kind == "line" else charts.stacked_bars
    svg = draw(caption, ticks, series, view.axis(objective, chart.metric), value)
    return Figure(caption, Markup(svg), [(s.name, s.colour) for s in series], note)


def _detail(
    view: View, objective: str, rows: ObjectiveRows, start: date
) -> tuple[str, Table | Panel]:
    """The metric table's own rows of the headline period, under their heading."""
    labels = view.labels
    heading = labels.text("breakdown", period=view.period(start))
    if not rows.detail:
        detail_text = labels.text("no_data_period", period=view.period(start))
        return heading, parts.no_data(labels.text("no_data_title"), detail_text)
    metrics = DETAIL[objective]
    headers = [labels.text(_row_heading(objective))]
    headers += [labels.metric(m, objective) for m in metrics]
    body = [
        [_row_label(view, objective, r)]
        + [Cell(view.value(objective, m, r.get(m), r.get("currency"))) for m in metrics]
        for r in rows.detail
    ]
    return heading, Table(headers, body)


def _row_heading(objective: str) -> str:
    return {"traffic": "platform", "conversion": "campaign", "leads": "campaign"}.get(
        objective, "account"
    )


def _row_label(view: View, objective: str, row: Row) -> Cell:
    platform = view.labels.platform(row["platform"])
    if objective == "traffic":
        return Cell(platform)
    if objective == "conversion":
        return Cell(f"{platform} · {row['campaign_name'] or row['campaign_id']}")
    if objective == "leads":
        return Cell(f"{platform} · {row['campaign']}")
    competitor = view.labels.text("competitor") if row.get("is_own") is False else None
    return Cell(view.account(row["platform"], row["account_id"]), tag=competitor)


_EXPORT_KEYS = frozenset({"platform", "campaign_name", "currency", "date_start", "date_end"})


def _exports(view: View, objective: str, rows: ObjectiveRows) -> Table | None:
    """Aggregated exports of the objective, each over its own stated range."""
    if not rows.exports:
        return None
    labels = view.labels
    metrics = [k for k in rows.exports[0] if k not in _EXPORT_KEYS]
    first = "campaign" if objective == "conversion" else "platform"
    headers = [labels.text(first), labels.text("range")]
    headers += [labels.metric(m, objective) for m in metrics]
    body = [
        [
            Cell(_export_label(view, r)),
            Cell(f"{fmt.day(r['date_start'], view.lang)} – {fmt.day(r['date_end'], view.lang)}"),
        ]
        + [Cell(view.value(objective, m, r[m], r.get("currency"))) for m in metrics]
        for r in rows.exports
    ]
    return Table(headers, body, text_columns=2)


def _export_label(view: View, row: Row) -> str:
    platform = view.labels.platform(row["platform"])
    name = row.get("campaign_name")
    return f"{platform} · {name}" if name else platform
