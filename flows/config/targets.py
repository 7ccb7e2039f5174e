"""Scorecard targets: the `[[targets]]` tables of `kunci.toml`, validated into typed rows.

A target names an objective, one of its metrics (a column of the objective's daily table, as the
metric catalog lists it), a scope (`all`, a platform, or `platform:account_id`), a period
(`YYYY-MM`, `YYYY-Qn` or `YYYY`), the target value and whether higher or lower is better. The build
writes them to `metrics.target`; `model.scorecard` compares them with the actuals in SQL.
"""

import csv
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from transforms.errors import InputError

OBJECTIVES = ("awareness", "traffic", "community", "conversion", "leads")
DIRECTIONS = ("higher", "lower")
_KEYS = ("objective", "metric", "scope", "period", "target", "direction")
_PERIOD = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4]))?$")
_SCOPE = re.compile(r"^(all|[a-z]+|[a-z]+:\S+)$")


@dataclass(frozen=True)
class Target:
    """One configured target, with its period resolved to a grain and dates."""

    objective: str
    metric: str
    scope: str
    period: str
    grain: str
    period_start: date
    period_end: date
    target: float
    direction: str


def targetable_metrics(catalog: Path) -> dict[str, frozenset[str]]:
    """Metrics a target may name per objective: catalog rows of the objective's daily table."""
    with catalog.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        objective: frozenset(r["metric"] for r in rows if r["table"] == f"{objective}_daily")
        for objective in OBJECTIVES
    }


def period_bounds(period: str) -> tuple[str, date, date] | None:
    """Grain, first and last date of `YYYY-MM`, `YYYY-Qn` or `YYYY`; None when malformed."""
    match = _PERIOD.match(period)
    if not match:
        return None
    year, month, quarter = match.groups()
    if month:
        grain, start, months = "month", date(int(year), int(month), 1), 1
    elif quarter:
        grain, start, months = "quarter", date(int(year), 3 * int(quarter) - 2, 1), 3
    else:
        grain, start, months = "year", date(int(year), 1, 1), 12
    following = start.month - 1 + months
    end = date(start.year + following // 12, following % 12 + 1, 1) - timedelta(days=1)
    return grain, start, end


def parse_targets(path: Path, entries: object, catalog: Path) -> tuple[Target, ...]:
    """Validate `[[targets]]` entries; raise InputError with a one-line reason naming the entry."""
    if not isinstance(entries, list):
        raise InputError(f"{path}: 'targets' must be [[targets]] tables")
    known = targetable_metrics(catalog)
    targets: list[Target] = []
    seen: set[tuple[str, str, str, str]] = set()
    for index, entry in enumerate(entries):
        target = _target(f"{path}: targets[{index}]", entry, known)
        key = (target.objective, target.metric, target.scope, target.period)
        if key in seen:
            raise InputError(f"{path}: targets[{index}] repeats {'/'.join(key)}")
        seen.add(key)
        targets.append(target)
    return tuple(targets)


def _target(where: str, entry: object, known: Mapping[str, frozenset[str]]) -> Target:
    if not isinstance(entry, dict):
        raise InputError(f"{where} is not a table")
    unknown = sorted(set(entry) - set(_KEYS))
    if unknown:
        raise InputError(f"{where} has unknown key '{unknown[0]}' (known: {', '.join(_KEYS)})")
    for key in ("objective", "metric", "period", "target", "direction"):
        if key not in entry:
            raise InputError(f"{where} has no '{key}'")
    objective, metric = str(entry["objective"]), str(entry["metric"])
    if objective not in known:
        raise InputError(
            f"{where} has objective '{objective}'; targets take one of {', '.join(OBJECTIVES)}"
        )
    if metric not in known[objective]:
        raise InputError(
            f"{where}: '{metric}' is not a {objective} metric (see `kunci metrics`, "
            f"table {objective}_daily)"
        )
    scope = str(entry.get("scope", "all"))
    if not _SCOPE.match(scope):
        raise InputError(
            f"{where} has scope '{scope}'; use all, a platform, or platform:account_id"
        )
    period = str(entry["period"])
    bounds = period_bounds(period)
    if bounds is None:
        raise InputError(f"{where} has period '{period}'; use YYYY-MM, YYYY-Qn or YYYY")
    value = entry["target"]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"{where} has target {value!r}; a number is required")
    if value <= 0:
        raise InputError(f"{where} has target {value!r}; it must be greater than 0")
    direction = str(entry["direction"])
    if direction not in DIRECTIONS:
        raise InputError(f"{where} has direction '{direction}'; use higher or lower")
    grain, start, end = bounds
    return Target(objective, metric, scope, period, grain, start, end, float(value), direction)
