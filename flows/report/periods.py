"""Report periods: which period the headline figures describe and which one they are compared with.

The headline describes the latest *complete* period (its last day is on or before the last date with
data), compared with the period before it: a month that has only its first week would always look
like a collapse. Only when the data does not yet cover one whole period is the partial one used, and
the report says so.
"""

from dataclasses import dataclass
from datetime import date, timedelta

GRAINS = ("day", "week", "month")
# The metric tables of each grain: suffix of the table and name of its period column.
TABLE_SUFFIX = {"day": "daily", "week": "weekly", "month": "monthly"}
PERIOD_COLUMN = {"day": "date", "week": "week_start", "month": "month_start"}
# How many periods a trend chart shows: three months of days, a year of weeks, two years of months.
TREND_LENGTH = {"day": 92, "week": 53, "month": 24}


@dataclass(frozen=True)
class Window:
    """The headline period, the one it is compared with, and how far the data reaches."""

    grain: str
    first: date  # first date with data
    through: date  # last date with data
    current: date  # first day of the headline period
    previous: date  # first day of the period before it
    complete: bool  # False when the data does not yet cover one whole period

    def start_of_trend(self) -> date:
        """First period a trend chart shows."""
        start = self.current
        for _ in range(TREND_LENGTH[self.grain] - 1):
            start = step_back(start, self.grain)
        return start


def period_start(day: date, grain: str) -> date:
    """First day of the period holding `day` (ISO weeks start on Monday)."""
    if grain == "month":
        return day.replace(day=1)
    if grain == "week":
        return day - timedelta(days=day.weekday())
    return day


def period_end(start: date, grain: str) -> date:
    """Last day of the period starting on `start`."""
    if grain == "month":
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return following - timedelta(days=1)
    if grain == "week":
        return start + timedelta(days=6)
    return start


def step_forward(start: date, grain: str) -> date:
    """First day of the period after the one starting on `start`."""
    return period_end(start, grain) + timedelta(days=1)


def span(first: date, last: date, grain: str) -> list[date]:
    """Every period start from `first` to `last`, gaps included (a chart shows a missing period)."""
    starts = [first]
    while starts[-1] < last:
        starts.append(step_forward(starts[-1], grain))
    return starts


def step_back(start: date, grain: str) -> date:
    """First day of the period before the one starting on `start`."""
    return period_start(start - timedelta(days=1), grain)


def window(first: date, through: date, grain: str) -> Window:
    """The headline window for data from `first` to `through`."""
    latest = period_start(through, grain)
    complete = period_end(latest, grain) <= through
    if not complete and step_back(latest, grain) >= period_start(first, grain):
        latest, complete = step_back(latest, grain), True
    return Window(grain, first, through, latest, step_back(latest, grain), complete)
