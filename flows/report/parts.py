"""The pieces the templates lay out: cards, figures, tables, panels, as plain words and numbers.

Builders here choose what a piece says; `templates/parts.html.j2` writes its markup and escapes
every value, so nothing in the tables (account and campaign names, buckets, currencies) can inject
markup. A chart arrives as `Markup`: `charts.py` escapes every text it places in the SVG.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from markupsafe import Markup

from flows.report import fmt
from flows.report.labels import LOWER_IS_BETTER, NEUTRAL
from flows.report.rows import Row
from flows.report.view import View

ARROWS = {1: "\u25b2", -1: "\u25bc", 0: "\u25c6"}
STATUSES = ("met", "at_risk", "missed", "no_data")


@dataclass(frozen=True)
class Card:
    """A headline figure: value of the period, change against the one before, earlier value."""

    metric: str
    label: str
    description: str
    value: str
    tone: str  # good, bad or flat
    arrow: str
    change: str
    change_title: str
    previous: str

    @property
    def small(self) -> bool:
        """A smaller type for values that would wrap in a card (IDR 16,743,969)."""
        return len(self.value) > 10


@dataclass(frozen=True)
class Fact:
    """A card that states a fact rather than a period figure (peak hour, best content type)."""

    label: str
    value: str
    note: str
    tone: str = "flat"


@dataclass(frozen=True)
class Figure:
    """A chart with its caption, colour legend (name, colour) and footnote."""

    kind: ClassVar[str] = "figure"
    caption: str
    svg: Markup
    legend: Sequence[tuple[str, str]] = ()
    note: str = ""


@dataclass(frozen=True)
class Panel:
    """A note in place of figures: `nodata` (loading more can fill it) or `retired` (it cannot)."""

    kind: str
    title: str
    detail: str


@dataclass(frozen=True)
class Cell:
    """A table cell: text, with a tooltip, a tag (competitor) or as a status badge."""

    text: str
    title: str | None = None
    tag: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class Table:
    """A scrollable table: `text_columns` leading text columns, then numbers (right-aligned)."""

    kind: ClassVar[str] = "table"
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    css: str = ""
    text_columns: int = 1


def card(
    view: View, objective: str, metric: str, pair: tuple[Row | None, Row | None], before: str
) -> Card:
    """The card of `metric`; `pair` holds the total rows of the period and of the one before."""
    current, previous = pair
    now = None if current is None else current.get(metric)
    then = None if previous is None else previous.get(metric)
    currency = _currency(current) or _currency(previous)
    change = view.change(objective, metric, now, then)
    direction = fmt.sign(now, then) if change is not None else 0
    return Card(
        metric=metric,
        label=view.labels.metric(metric, objective),
        description=view.describe(objective, metric),
        value=view.value(objective, metric, now, currency),
        tone=_tone(metric, direction),
        arrow=ARROWS[direction],
        change=change if change is not None else fmt.missing(view.lang),
        change_title=view.labels.text("change_title", period=before),
        previous=view.labels.text(
            "previously", value=view.value(objective, metric, then, currency), period=before
        ),
    )


def _currency(row: Row | None) -> str | None:
    return None if row is None else row.get("currency")


def _tone(metric: str, direction: int) -> str:
    if direction == 0 or metric in NEUTRAL:
        return "flat"
    good = direction < 0 if metric in LOWER_IS_BETTER else direction > 0
    return "good" if good else "bad"


def no_data(title: str, detail: str) -> Panel:
    """The panel shown instead of figures that do not exist (never a zero)."""
    return Panel("nodata", title, detail)


def retired(title: str, detail: str) -> Panel:
    """The panel where a platform stopped giving a measure nothing replaces: says since when."""
    return Panel("retired", title, detail)


def badge(view: View, status: str) -> Cell:
    """A scorecard status as a coloured word (the word carries the meaning, not the colour)."""
    return Cell(view.labels.status(status), status=status)


def target_period(row: Row, lang: str) -> str:
    """A target's period: a month by name, a quarter as Q3 2026, a year as is."""
    period = str(row["period"])
    if "-Q" in period:
        year, quarter = period.split("-Q")
        return f"Q{quarter} {year}"
    if "-" in period:
        return fmt.month(row["period_start"], lang)
    return period


def scorecard(view: View, objective: str, rows: Sequence[Row]) -> Table | None:
    """The objective's targets with actual, target, attainment and status (None: no targets)."""
    labels = view.labels
    mine = [r for r in rows if r["objective"] == objective]
    if not mine:
        return None
    body = [
        [
            Cell(
                labels.metric(r["metric"], objective), title=view.describe(objective, r["metric"])
            ),
            Cell(view.scope(r["scope"])),
            Cell(target_period(r, view.lang)),
            Cell(view.value(objective, r["metric"], r["actual"], r["currency"])),
            Cell(view.value(objective, r["metric"], r["target"], r["currency"])),
            Cell(fmt.percent(r["attainment"], view.lang, 0)),
            badge(view, r["status"]),
        ]
        for r in mine
    ]
    headers = [labels.text(k) for k in ("metric", "scope", "period", "actual", "target")]
    headers += [labels.text("attainment"), labels.text("status")]
    return Table(headers, body, "scorecard", text_columns=3)
