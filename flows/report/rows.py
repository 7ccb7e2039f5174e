"""The report's input: plain rows read once from the published tables, nothing else.

`query.report_data` fills a `ReportData` from DuckDB; `render.render` reads only this, so the page
can be rendered (and tested) from rows written inline, without a database.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flows.report.periods import Window

Row = dict[str, Any]
OBJECTIVES = ("awareness", "traffic", "community", "conversion", "insights", "leads")
# Objectives with daily/weekly/monthly tables: the headline window is taken from their daily tables.
PERIODIC = ("awareness", "traffic", "community", "conversion", "leads")


@dataclass(frozen=True)
class ObjectiveRows:
    """One periodic objective: trend rows (totals and per platform), detail rows, period exports."""

    trend: Sequence[Row] = ()
    detail: Sequence[Row] = ()
    exports: Sequence[Row] = ()


@dataclass(frozen=True)
class ReportData:
    """Every row the report shows, for one period grain.

    `window` is the headline period (None when the daily tables hold no rows); `content_months`
    the month of the content-type section and the month before it.
    """

    period: str
    window: Window | None = None
    accounts: Sequence[Row] = ()
    catalog: Sequence[Row] = ()
    scorecard: Sequence[Row] = ()
    objectives: Mapping[str, ObjectiveRows] = field(default_factory=dict)
    funnel: Sequence[Row] = ()
    audience: Sequence[Row] = ()
    activity: Sequence[Row] = ()
    content: Sequence[Row] = ()
    content_months: tuple[date, date | None] | None = None

    def rows(self, objective: str) -> ObjectiveRows:
        """The objective's rows (none where the tables hold none)."""
        return self.objectives.get(objective, ObjectiveRows())

    def own_accounts(self) -> list[tuple[str, str]]:
        """Own accounts as (platform, account id)."""
        return [(a["platform"], a["account_id"]) for a in self.accounts if a["is_own"]]
