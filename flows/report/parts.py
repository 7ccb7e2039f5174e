"""HTML pieces every section uses: headline cards, chart figures, tables, the scorecard, no-data.

Every piece of text that can come from data (account and campaign names, buckets, currencies) goes
through `esc`, and so does every label, so nothing in the tables can inject markup.
"""

from collections.abc import Sequence

from flows.report import fmt
from flows.report.data import Row
from flows.report.labels import LOWER_IS_BETTER, NEUTRAL
from flows.report.svg import esc
from flows.report.view import View

ARROWS = {1: "\u25b2", -1: "\u25bc", 0: "\u25c6"}
STATUSES = ("met", "at_risk", "missed", "no_data")


def card(
    view: View, objective: str, metric: str, pair: tuple[Row | None, Row | None], before: str
) -> str:
    """A headline figure: value of the latest period, change against and value of the one before.

    `pair` holds the total rows of the headline period and of the period before; `before` names
    that earlier period.
    """
    current, previous = pair
    now = None if current is None else current.get(metric)
    then = None if previous is None else previous.get(metric)
    currency = _currency(current) or _currency(previous)
    change = view.change(objective, metric, now, then)
    direction = fmt.sign(now, then) if change is not None else 0
    shown = view.value(objective, metric, now, currency)
    change_title = view.labels.text("change_title", period=before)
    earlier = view.labels.text(
        "previously", value=view.value(objective, metric, then, currency), period=before
    )
    return (
        f'<div class="card" data-metric="{esc(metric)}">'
        f'<div class="card-label" title="{esc(view.describe(objective, metric))}">'
        f"{esc(view.labels.metric(metric, objective))}</div>"
        f'<div class="card-value{_long(shown)}">{esc(shown)}</div>'
        f'<div class="card-change {_tone(metric, direction)}" title="{esc(change_title)}">'
        f'<span aria-hidden="true">{ARROWS[direction]}</span> '
        f"{esc(change if change is not None else fmt.missing(view.lang))}</div>"
        f'<div class="card-previous">{esc(earlier)}</div></div>'
    )


def _long(shown: str) -> str:
    """A smaller type for values that would wrap in a card (IDR 16,743,969)."""
    return " small" if len(shown) > 10 else ""


def _currency(row: Row | None) -> str | None:
    return None if row is None else row.get("currency")


def _tone(metric: str, direction: int) -> str:
    if direction == 0 or metric in NEUTRAL:
        return "flat"
    good = direction < 0 if metric in LOWER_IS_BETTER else direction > 0
    return "good" if good else "bad"


def fact(label: str, value: str, note: str, tone: str = "flat") -> str:
    """A headline card that states a fact rather than a period figure (peak hour, best type)."""
    return (
        f'<div class="card"><div class="card-label">{esc(label)}</div>'
        f'<div class="card-value small">{esc(value)}</div>'
        f'<div class="card-change {tone}">{esc(note)}</div></div>'
    )


def figure(caption: str, svg: str, legend: Sequence[tuple[str, str]] = (), note: str = "") -> str:
    """A chart with its caption, colour legend and footnote."""
    keys = "".join(
        f'<li><span class="swatch" style="background:{colour}"></span>{esc(name)}</li>'
        for name, colour in legend
    )
    return (
        f'<figure class="chart-box"><figcaption>{esc(caption)}</figcaption>{svg}'
        + (f'<ul class="legend">{keys}</ul>' if keys else "")
        + (f'<p class="note">{esc(note)}</p>' if note else "")
        + "</figure>"
    )


def table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], css: str = "", text_columns: int = 1
) -> str:
    """A scrollable table: `text_columns` leading text columns, then numbers (right-aligned).

    Cells are HTML already escaped by the caller (some hold a badge or a tag).
    """

    def kind(index: int) -> str:
        return ' class="t"' if index < text_columns else ""

    head = "".join(f'<th scope="col"{kind(i)}>{esc(h)}</th>' for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f"<td{kind(i)}>{cell}</td>" for i, cell in enumerate(row)) + "</tr>"
        for row in rows
    )
    cls = f' class="{css}"' if css else ""
    return (
        f'<div class="table-wrap"><table{cls}><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def no_data(title: str, detail: str) -> str:
    """The panel shown instead of figures that do not exist (never a zero)."""
    return (
        f'<div class="nodata" role="note"><strong>{esc(title)}</strong><p>{esc(detail)}</p></div>'
    )


def retired(title: str, detail: str) -> str:
    """The panel shown where a platform stopped giving a measure that nothing replaces.

    Not a no-data panel: loading more cannot fill it, so it says since when and why.
    """
    return (
        f'<div class="retired" role="note"><strong>{esc(title)}</strong><p>{esc(detail)}</p></div>'
    )


def badge(view: View, status: str) -> str:
    """A scorecard status as a coloured word (the word carries the meaning, not the colour)."""
    return f'<span class="badge status-{esc(status)}">{esc(view.labels.status(status))}</span>'


def target_period(row: Row, lang: str) -> str:
    """A target's period: a month by name, a quarter as Q3 2026, a year as is."""
    period = str(row["period"])
    if "-Q" in period:
        year, quarter = period.split("-Q")
        return f"Q{quarter} {year}"
    if "-" in period:
        return fmt.month(row["period_start"], lang)
    return period


def scorecard(view: View, objective: str, rows: Sequence[Row]) -> str:
    """The objective's targets with actual, target, attainment and status."""
    labels = view.labels
    mine = [r for r in rows if r["objective"] == objective]
    if not mine:
        return f'<p class="note">{esc(labels.text("no_targets"))}</p>'
    body = [
        [
            f'<span title="{esc(view.describe(objective, r["metric"]))}">'
            f"{esc(labels.metric(r['metric'], objective))}</span>",
            esc(view.scope(r["scope"])),
            esc(target_period(r, view.lang)),
            esc(view.value(objective, r["metric"], r["actual"], r["currency"])),
            esc(view.value(objective, r["metric"], r["target"], r["currency"])),
            esc(fmt.percent(r["attainment"], view.lang, 0)),
            badge(view, r["status"]),
        ]
        for r in mine
    ]
    headers = [labels.text(k) for k in ("metric", "scope", "period", "actual", "target")]
    headers += [labels.text("attainment"), labels.text("status")]
    return table(headers, body, "scorecard", text_columns=3)
