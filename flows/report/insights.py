"""The insights section: audience demographics, access-time heatmap, content-type preference.

Everything is per own account, because audiences, hours and content of different platforms are
not added up: the report shows each account's latest breakdown as the platform states it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from markupsafe import Markup

from flows.report import charts, fmt, parts
from flows.report.parts import Cell, Fact, Figure, Panel, Table
from flows.report.rows import ReportData, Row
from flows.report.view import View
from transforms.api.meta_graph import PAGE_ONLINE_RETIRED

DIMENSIONS = ("gender", "age", "country")
TOP_COUNTRIES = 8
# Platforms that stopped giving followers online with nothing in its place, and since when: an
# own account of theirs without hours gets this said instead of an empty heatmap (Meta retired
# page_fans_online for every Graph API version on 15 Nov 2025).
ACTIVITY_RETIRED = {"facebook": PAGE_ONLINE_RETIRED}


@dataclass(frozen=True)
class Content:
    """Content types of one month: engagement-rate charts and a table, or a no-data panel."""

    heading: str
    missing: Panel | None
    figures: Sequence[Figure] = ()
    table: Table | None = None


@dataclass(frozen=True)
class Insights:
    """The insights section: fact cards and three groups of charts, or a no-data panel."""

    missing: Panel | None
    cards: Sequence[Fact] = ()
    demographics: Sequence[Figure] = ()
    heatmaps: Sequence[Figure | Panel] = ()
    content: Content | None = None


def _account_key(row: Row) -> tuple[str, str]:
    return row["platform"], row["account_id"]


def demographics(view: View, rows: Sequence[Row]) -> list[Figure]:
    """One bar chart per account, measure and dimension (gender, age, top countries)."""
    figures = []
    ordered = sorted(
        rows,
        key=lambda r: (
            r["platform"],
            r["account_id"],
            r["measure"],
            DIMENSIONS.index(r["dimension"]),
        ),
    )
    for (platform, account_id, measure, dimension), group in groupby(
        ordered, key=lambda r: (r["platform"], r["account_id"], r["measure"], r["dimension"])
    ):
        buckets = list(group)
        if dimension == "age":
            buckets.sort(key=lambda r: str(r["bucket"]))
        if dimension == "country":
            buckets = buckets[:TOP_COUNTRIES]
        figures.append(_demographic_figure(view, platform, account_id, measure, dimension, buckets))
    return figures


def _demographic_figure(
    view: View, platform: str, account_id: str, measure: str, dimension: str, rows: list[Row]
) -> Figure:
    labels = view.labels
    heading = labels.text(dimension, n=str(TOP_COUNTRIES))
    caption = f"{view.account(platform, account_id)} · {heading}"
    bars = [
        charts.Bar(
            labels.bucket(dimension, r["bucket"]),
            r["share"],
            view.value("insights", "audience_share", r["share"])
            + ("" if r["value"] is None else f" · {fmt.count(r['value'], view.lang)}"),
        )
        for r in rows
    ]
    note = labels.text(
        "as_of", measure=labels.measure(measure), date=fmt.day(rows[0]["as_of_date"], view.lang)
    )
    return Figure(caption, Markup(charts.hbars(caption, bars)), note=note)


def _peak(rows: list[Row]) -> Row:
    return max(rows, key=lambda r: (r["online_followers"] or 0, -r["day_of_week"], -r["hour"]))


def heatmaps(
    view: View, rows: Sequence[Row], own: Sequence[tuple[str, str]] = ()
) -> tuple[list[Figure | Panel], list[Fact]]:
    """A weekday × hour heatmap per account, and a peak-time card per account.

    An own account (`own`: platform, account id) of a platform in ACTIVITY_RETIRED without any
    hour gets a panel saying since when the platform no longer gives them, never a blank chart.
    """
    labels = view.labels
    figures: list[Figure | Panel] = []
    cards: list[Fact] = []
    shown: set[tuple[str, str]] = set()
    for (platform, account_id), group in groupby(rows, key=_account_key):
        hours = [r for r in group if r["online_followers"] is not None]
        if not hours:
            continue
        shown.add((platform, account_id))
        observed = {(r["day_of_week"], r["hour"]): r for r in hours}
        cells = {
            (day, hour): _cell(view, observed.get((day, hour)), day, hour)
            for day in range(1, 8)
            for hour in range(24)
        }
        peak = _peak(hours)
        peak_count = view.value("insights", "online_followers", peak["online_followers"])
        when = labels.clock(peak["day_of_week"], peak["hour"])
        name = view.account(platform, account_id)
        caption = f"{labels.text('access_time')} · {name}"
        svg = charts.heatmap(caption, [labels.day(d) for d in range(1, 8)], cells)
        ramp = charts.heat_legend(labels.text("fewer"), labels.text("more"))
        note = labels.text("peak", when=when, value=peak_count)
        figures.append(
            Figure(caption, Markup(svg + ramp), note=f"{note}. {labels.text('heatmap_note')}")
        )
        cards.append(
            Fact(
                f"{labels.text('peak_time')} · {name}",
                when,
                f"{peak_count} · {labels.metric('online_followers')}",
            )
        )
    for platform, account_id in own:
        since = ACTIVITY_RETIRED.get(platform)
        if since is None or (platform, account_id) in shown:
            continue
        caption = f"{labels.text('access_time')} · {view.account(platform, account_id)}"
        detail = labels.text("activity_retired", date=fmt.day(since, view.lang))
        figures.append(parts.retired(caption, detail))
    return figures, cards


def _cell(view: View, row: Row | None, day: int, hour: int) -> tuple[float | None, str]:
    """A heatmap cell's value and tooltip ('Sat 20:00 — 5,518.5 (1.4%)'; n/a where unobserved)."""
    when = view.labels.clock(day, hour)
    if row is None:
        return None, f"{when} — {fmt.missing(view.lang)}"
    online = view.value("insights", "online_followers", row["online_followers"])
    share = view.value("insights", "share_of_week", row["share_of_week"])
    return float(row["online_followers"]), f"{when} — {online} ({share})"


def content(
    view: View, rows: Sequence[Row], months: tuple[date, date | None]
) -> tuple[Content, list[Fact]]:
    """Content types of the month: engagement-rate bars, a table with changes, best-type cards."""
    labels = view.labels
    current, previous = months
    heading = labels.text("content", month=fmt.month(current, view.lang))
    now = [r for r in rows if r["month"] == current]
    if not now:
        detail = labels.text("no_data_period", period=fmt.month(current, view.lang))
        return Content(heading, parts.no_data(labels.text("no_data_title"), detail)), []
    before = {
        (r["platform"], r["account_id"], r["content_type"]): r
        for r in rows
        if r["month"] == previous
    }
    figures: list[Figure] = []
    cards: list[Fact] = []
    table_rows: list[list[Cell]] = []
    for (platform, account_id), group in groupby(now, key=_account_key):
        types = list(group)
        name = view.account(platform, account_id)
        table_rows += [_content_row(view, name, r, before) for r in types]
        rated = [r for r in types if r["engagement_rate"] is not None]
        if rated:
            figures.append(_content_figure(view, name, types))
            cards.append(_best_card(view, name, rated[0], before, previous))
    headers = [labels.text("account"), labels.text("content_type")] + [
        labels.metric(m)
        for m in ("content_posts", "content_engagements", "content_engagement_rate")
    ]
    headers += [
        labels.text("change_title", period=fmt.month(previous, view.lang)) if previous else "",
        labels.metric("share_of_engagements"),
    ]
    return Content(heading, None, figures, Table(headers, table_rows, text_columns=2)), cards


def _content_figure(view: View, name: str, types: list[Row]) -> Figure:
    labels = view.labels
    caption = f"{name} · {labels.metric('content_engagement_rate')}"
    bars = [
        charts.Bar(
            labels.content_type(r["content_type"]),
            r["engagement_rate"],
            f"{view.value('insights', 'content_engagement_rate', r['engagement_rate'])} · "
            f"{fmt.count(r['posts'], view.lang)} {labels.metric('content_posts').lower()}",
        )
        for r in types
    ]
    return Figure(caption, Markup(charts.hbars(caption, bars)))


def _content_row(
    view: View, name: str, row: Row, before: dict[tuple[str, str, str | None], Row]
) -> list[Cell]:
    earlier = before.get((row["platform"], row["account_id"], row["content_type"]))
    rate = row["engagement_rate"]
    change = view.change(
        "insights",
        "content_engagement_rate",
        rate,
        None if earlier is None else earlier["engagement_rate"],
    )
    return [
        Cell(name),
        Cell(view.labels.content_type(row["content_type"])),
        Cell(fmt.count(row["posts"], view.lang)),
        Cell(fmt.count(row["engagements"], view.lang)),
        Cell(view.value("insights", "content_engagement_rate", rate)),
        Cell(change or fmt.missing(view.lang)),
        Cell(view.value("insights", "share_of_engagements", row["share_of_engagements"])),
    ]


def _best_card(
    view: View,
    name: str,
    best: Row,
    before: dict[tuple[str, str, str | None], Row],
    previous: date | None,
) -> Fact:
    labels = view.labels
    rate = view.value("insights", "content_engagement_rate", best["engagement_rate"])
    earlier = before.get((best["platform"], best["account_id"], best["content_type"]))
    note = ""
    if earlier is not None and previous is not None:
        then = view.value("insights", "content_engagement_rate", earlier["engagement_rate"])
        note = labels.text("previously", value=then, period=fmt.month(previous, view.lang))
    return Fact(
        f"{labels.text('best_content')} · {name}",
        f"{labels.content_type(best['content_type'])} · {rate}",
        note,
    )


def insights(view: View, data: ReportData) -> Insights:
    """Cards, demographics, heatmaps and content preference, or a no-data panel.

    An own account whose platform retired followers online says so (`heatmaps`).
    """
    if not (data.audience or data.activity or data.content):
        return Insights(
            parts.no_data(view.labels.text("no_data_title"), view.labels.hint("insights"))
        )
    heat_figures, peak_cards = heatmaps(view, data.activity, data.own_accounts())
    months = data.content_months
    block, best_cards = content(view, data.content, months) if months else (None, [])
    return Insights(
        None, peak_cards + best_cards, demographics(view, data.audience), heat_figures, block
    )
