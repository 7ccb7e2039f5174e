"""What every section needs to write a value: the language, the window, units and names.

A metric's unit comes from `metrics.catalog` (count, fraction, currency, seconds), so a value is
formatted the way the catalog defines it: fractions as percentages (ROAS as a multiple), money
with its currency code, counts with the language's digit grouping.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flows.report import fmt
from flows.report.labels import Labels
from flows.report.periods import Window
from flows.report.rows import Row
from flows.report.svg import Formatter

MULTIPLES = frozenset({"roas"})  # fractions read as "times", not as percentages


@dataclass(frozen=True)
class View:
    """Language, headline window and the catalog's units and descriptions."""

    labels: Labels
    window: Window | None
    units: dict[tuple[str, str], str] = field(default_factory=dict)
    descriptions: dict[tuple[str, str], str] = field(default_factory=dict)
    names: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def build(
        cls, labels: Labels, window: Window | None, catalog: list[Row], accounts: list[Row]
    ) -> "View":
        """A view over the catalog's rows and the declared accounts."""
        key = f"description_{labels.lang}"
        return cls(
            labels,
            window,
            {(r["objective"], r["metric"]): r["unit"] for r in catalog},
            {(r["objective"], r["metric"]): r[key] or "" for r in catalog},
            {
                (r["platform"], r["account_id"]): r["account_name"] or r["handle"] or ""
                for r in accounts
            },
        )

    @property
    def lang(self) -> str:
        """The report language."""
        return self.labels.lang

    def unit(self, objective: str, metric: str) -> str:
        """The catalog's unit of a metric (count where the catalog does not list it)."""
        return self.units.get((objective, metric), "count")

    def describe(self, objective: str, metric: str) -> str:
        """The catalog's description of a metric, in the report language."""
        return self.descriptions.get((objective, metric), "")

    def value(
        self, objective: str, metric: str, value: float | None, currency: str | None = None
    ) -> str:
        """A metric value formatted by its unit."""
        return self.formatter(objective, metric, currency)(value)

    def formatter(
        self, objective: str, metric: str, currency: str | None = None
    ) -> Callable[[float | None], str]:
        """The formatting function of a metric."""
        unit, lang = self.unit(objective, metric), self.lang
        if metric in MULTIPLES:
            return lambda v: fmt.multiple(v, lang)
        if unit == "fraction":
            return lambda v: fmt.percent(v, lang)
        if unit == "currency":
            return lambda v: fmt.money(v, currency, lang)
        return lambda v: fmt.count(v, lang)

    def axis(self, objective: str, metric: str) -> Formatter:
        """Short labels for a chart axis of the metric."""
        unit, lang = self.unit(objective, metric), self.lang
        if metric in MULTIPLES:
            return lambda v: fmt.number(v, lang, 1) + "\u00d7"
        if unit == "fraction":
            return lambda v: fmt.compact(round(v * 100, 9), lang) + "%"
        return lambda v: fmt.compact(v, lang)

    def change(
        self, objective: str, metric: str, current: float | None, previous: float | None
    ) -> str | None:
        """The change against the previous period: points for rates, percent for the rest."""
        if self.unit(objective, metric) == "fraction" and metric not in MULTIPLES:
            return fmt.change_points(current, previous, self.lang)
        return fmt.change_percent(current, previous, self.lang)

    def account(self, platform: str, account_id: str) -> str:
        """An account as people know it: 'Instagram · Wisata Nusantara'."""
        name = self.names.get((platform, account_id)) or account_id
        return f"{self.labels.platform(platform)} · {name}"

    def scope(self, scope: str) -> str:
        """A scorecard scope: all, a platform, or platform:account."""
        if scope == "all":
            return self.labels.text("all_scope")
        platform, _, account_id = scope.partition(":")
        return self.account(platform, account_id) if account_id else self.labels.platform(scope)

    def comparison(self, window: Window) -> str:
        """'September 2026 compared with August 2026', or the partial period it covers so far."""
        current = self.period(window.current)
        if not window.complete:
            return self.labels.text("partial", current=current)
        return self.labels.text("comparing", current=current, previous=self.period(window.previous))

    def period(self, start: date) -> str:
        """A period of the report's grain."""
        grain = self.window.grain if self.window else "month"
        return fmt.period(start, grain, self.lang)
