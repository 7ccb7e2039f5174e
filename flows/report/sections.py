"""The sections of the five objectives with period tables: headline, trends, scorecard, detail.

What each section shows is declared once below (headline metrics, charts, detail columns); the
rendering is the same for all five. Leads adds the campaign funnel (`funnel.py`); insights has its
own section (`insights.py`).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flows.report import charts, fmt, parts
from flows.report.data import Row
from flows.report.periods import Window, period_end, span
from flows.report.svg import colour, esc
from flows.report.view import View

# Per objective: the headline cards (totals of own accounts) and the detail table's columns.
HEADLINES = {
    "awareness": [
        "impressions",
        "video_views",
        "followers_total",
        "net_follower_growth",
        "mentions",
        "share_of_voice",
    ],
    "traffic": [
        "sessions",
        "bounce_rate",
        "link_clicks",
        "ctr",
        "profile_visits",
        "website_clicks",
    ],
    "community": [
        "engagements",
        "engagement_rate",
        "amplification_rate",
        "conversations",
        "comment_score",
        "posts",
    ],
    "conversion": [
        "spend",
        "clicks",
        "conversions",
        "cpc",
        "cpm",
        "ctr",
        "conversion_rate",
        "cost_per_conversion",
        "roas",
    ],
    "leads": ["leads", "ad_leads", "web_leads", "cost_per_lead", "lead_rate", "sessions"],
}
DETAIL = {
    "awareness": [
        "impressions",
        "video_views",
        "followers_total",
        "net_follower_growth",
        "audience_growth_rate",
        "mentions",
        "share_of_voice",
    ],
    "traffic": [
        "link_clicks",
        "post_impressions",
        "ctr",
        "profile_visits",
        "website_clicks",
        "sessions",
        "bounce_rate",
    ],
    "community": [
        "posts",
        "engagements",
        "engagement_rate",
        "amplification_rate",
        "audience_growth_rate",
        "conversations",
        "comment_score",
        "clicks_per_post",
    ],
    "conversion": [
        "spend",
        "clicks",
        "conversions",
        "cpc",
        "ctr",
        "conversion_rate",
        "cost_per_conversion",
        "roas",
    ],
    "leads": [
        "spend",
        "clicks",
        "ad_leads",
        "web_leads",
        "leads",
        "cost_per_lead",
        "lead_rate",
        "sessions",
    ],
}


@dataclass(frozen=True)
class Chart:
    """A trend chart of one metric by platform; money charts are drawn once per currency."""

    kind: str  # line or bars
    metric: str
    by_currency: bool = False


CHARTS = {
    "awareness": (
        Chart("line", "impressions"),
        Chart("line", "followers_total"),
        Chart("line", "share_of_voice"),
    ),
    "traffic": (Chart("bars", "sessions"), Chart("line", "bounce_rate")),
    "community": (Chart("bars", "engagements"), Chart("line", "engagement_rate")),
    "conversion": (
        Chart("bars", "spend", by_currency=True),
        Chart("bars", "conversions"),
        Chart("line", "roas"),
    ),
    "leads": (Chart("bars", "leads"), Chart("line", "lead_rate")),
}


def trend_metrics(objective: str) -> list[str]:
    """The metrics the objective's trend rows must hold: its headline cards' and its charts'."""
    headline = HEADLINES[objective]
    return headline + [c.metric for c in CHARTS[objective] if c.metric not in headline]


@dataclass(frozen=True)
class ObjectiveData:
    """What the tables hold for one objective: trend rows, detail rows, aggregated exports."""

    objective: str
    trend: list[Row]
    detail: list[Row]
    exports: list[Row]


def headline(view: View, window: Window, data: ObjectiveData) -> str:
    """Cards of the headline period against the one before, or a no-data note."""
    totals = {r["period_start"]: r for r in data.trend if r["level"] == "total"}
    pair = (totals.get(window.current), totals.get(window.previous))
    before = view.period(window.previous)
    cards = "".join(
        parts.card(view, data.objective, m, pair, before) for m in HEADLINES[data.objective]
    )
    note = ""
    if pair[0] is None:
        detail = view.labels.text("no_data_period", period=view.period(window.current))
        note = parts.no_data(view.labels.text("no_data_title"), detail)
    return f'<div class="cards">{cards}</div>{note}'


def trend_charts(view: View, window: Window, data: ObjectiveData) -> str:
    """Every chart declared for the objective that has at least one value."""
    starts = sorted({r["period_start"] for r in data.trend if r["level"] == "total"})
    starts = [s for s in starts if s >= window.start_of_trend()]
    if not starts:
        return ""
    periods = span(starts[0], starts[-1], window.grain)
    note = ""
    if period_end(periods[-1], window.grain) > window.through:
        note = view.labels.text("partial_note", date=fmt.day(window.through, view.lang))
    ticks = [fmt.tick(p, window.grain, view.lang) for p in periods]
    figures = [
        figure
        for chart in CHARTS[data.objective]
        for figure in _chart_figures(view, data, chart, periods, ticks, note)
    ]
    return f'<div class="charts">{"".join(figures)}</div>'


def _chart_figures(
    view: View, data: ObjectiveData, chart: Chart, periods: list[date], ticks: list[str], note: str
) -> list[str]:
    level = "platform_currency" if chart.by_currency else "platform"
    rows = [r for r in data.trend if r["level"] == level and r.get(chart.metric) is not None]
    groups = sorted({r.get("currency") for r in rows} if chart.by_currency else {None}, key=str)
    figures = []
    for currency in groups:
        mine = [r for r in rows if not chart.by_currency or r.get("currency") == currency]
        series = _series(view, mine, chart.metric, periods)
        if series:
            figures.append(_figure(view, data.objective, chart, currency, ticks, series, note))
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
) -> str:
    caption = view.labels.text("by_platform", metric=view.labels.metric(chart.metric, objective))
    if chart.by_currency and currency:
        caption += f" ({currency})"
    value = view.formatter(objective, chart.metric, currency)
    draw = charts.line_chart if chart.kind == "line" else charts.stacked_bars
    svg = draw(caption, ticks, series, view.axis(objective, chart.metric), value)
    legend = [(s.name, s.colour) for s in series]
    return parts.figure(caption, svg, legend, note)


def detail(view: View, data: ObjectiveData, start: date) -> str:
    """The metric table's own rows of the headline period."""
    labels = view.labels
    heading = f"<h3>{esc(labels.text('breakdown', period=view.period(start)))}</h3>"
    if not data.detail:
        detail_text = labels.text("no_data_period", period=view.period(start))
        return heading + parts.no_data(labels.text("no_data_title"), detail_text)
    metrics = DETAIL[data.objective]
    headers = [labels.text(_row_heading(data.objective))]
    headers += [labels.metric(m, data.objective) for m in metrics]
    rows = [
        [_row_label(view, data.objective, r)]
        + [esc(view.value(data.objective, m, r.get(m), r.get("currency"))) for m in metrics]
        for r in data.detail
    ]
    return heading + parts.table(headers, rows)


def _row_heading(objective: str) -> str:
    return {"traffic": "platform", "conversion": "campaign", "leads": "campaign"}.get(
        objective, "account"
    )


def _row_label(view: View, objective: str, row: Row) -> str:
    platform = view.labels.platform(row["platform"])
    if objective == "traffic":
        return esc(platform)
    if objective == "conversion":
        return esc(f"{platform} · {row['campaign_name'] or row['campaign_id']}")
    if objective == "leads":
        return esc(f"{platform} · {row['campaign']}")
    name = esc(view.account(row["platform"], row["account_id"]))
    if row.get("is_own") is False:
        name += f' <span class="tag">{esc(view.labels.text("competitor"))}</span>'
    return name


def exports(view: View, data: ObjectiveData) -> str:
    """Aggregated exports of the objective, each over its own stated range."""
    if not data.exports:
        return ""
    labels = view.labels
    metrics = [k for k in data.exports[0] if k not in _EXPORT_KEYS]
    first = "campaign" if data.objective == "conversion" else "platform"
    headers = [labels.text(first), labels.text("range")]
    headers += [labels.metric(m, data.objective) for m in metrics]
    rows = [
        [
            esc(_export_label(view, r)),
            esc(f"{fmt.day(r['date_start'], view.lang)} – {fmt.day(r['date_end'], view.lang)}"),
        ]
        + [esc(view.value(data.objective, m, r[m], r.get("currency"))) for m in metrics]
        for r in data.exports
    ]
    return f"<h3>{esc(labels.text('period_exports'))}</h3>" + parts.table(
        headers, rows, text_columns=2
    )


_EXPORT_KEYS = frozenset({"platform", "campaign_name", "currency", "date_start", "date_end"})


def _export_label(view: View, row: Row) -> str:
    platform = view.labels.platform(row["platform"])
    name = row.get("campaign_name")
    return f"{platform} · {name}" if name else platform


def section_body(view: View, data: ObjectiveData, scorecard: Sequence[Row], extra: str = "") -> str:
    """Headline, trends, scorecard, detail and extras of one objective, or a no-data panel."""
    labels, window = view.labels, view.window
    targets = f"<h3>{esc(labels.text('scorecard'))}</h3>" + parts.scorecard(
        view, data.objective, scorecard
    )
    if window is None or not data.trend:
        panel = parts.no_data(labels.text("no_data_title"), labels.hint(data.objective))
        return panel + targets + extra
    return (
        f"<h3>{esc(labels.text('headline'))} · {esc(view.comparison(window))}</h3>"
        + headline(view, window, data)
        + f"<h3>{esc(labels.text('trends'))}</h3>"
        + trend_charts(view, window, data)
        + targets
        + detail(view, data, window.current)
        + exports(view, data)
        + extra
    )
