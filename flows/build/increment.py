"""Incremental metric build: recompute only what the loads since the last build can have changed.

A nightly run adds a day to years of history; rebuilding every metric from all of `core` makes its
cost grow with the history (issue 8). Every core row carries the load that last wrote it, and loads
only insert or rewrite rows, never delete them, so the rows with a `load_id` above the last build's
are exactly what changed. From them:

- `model.int_post_latest` is refreshed for the posts they touch (`<model>.refresh.sql`);
- the first affected date is the earliest date they carry (publication dates of the refreshed
  posts before and after, dates of account, mention, web and ad rows, starts of reported ranges),
  or the day after the calendar's old end when the data now reaches past it;
- every model declaring `-- refresh: <column>` deletes and re-inserts its rows from that date on
  (`<column> by <grain>`: from the start of the period holding it). A model row depends only on
  core rows of its own dates and earlier ones (the previous day's followers), never later ones,
  so the rows before the first affected date are what a full build would give. DuckDB cannot
  push that condition into a CTE a model reads twice (it materializes it), so such a model also
  filters its sources with `model.refresh_from()`, the first affected date during the update and
  '-infinity' otherwise (`int_base_daily` would read all posts of the history each night,
  `int_platform_periods` total the followers of every period);
- the other models (the calendar, ranges, campaigns, audience and the scorecard) are recomputed
  whole: their size follows campaigns and targets, not the number of days;
- a `-- keep: view` intermediate is a view and has no rows to update: the metric tables reading
  it compute its rows from the updated tables, with their own refresh condition.

`tests/test_increment.py` holds an incremental build to a full build of the same `core`.
"""

from collections.abc import Sequence
from datetime import date

import duckdb

from flows.build.model_files import Model, model_query

AFTER_LOAD = "kunci_after_load"
# The first affected date while the refreshed models are recomputed: `model.refresh_from()`.
REFRESH_FROM = "kunci_refresh_from"

# Core tables whose rows carry a date the metric tables are keyed by (beyond posts).
DATED_CORE = (
    ("account_daily", "date"),
    ("mention", "date"),
    ("web_traffic_daily", "date"),
    ("web_traffic_period", "date_start"),
    ("ad_daily", "date"),
    ("ad_period", "date_start"),
)
POST_CORE = ("post", "post_metrics", "post_daily")


def update(
    con: duckdb.DuckDBPyConnection, declared: Sequence[Model], after_load: int
) -> date | None:
    """Bring the model and metric tables up to date with the loads after `after_load`.

    Runs inside the caller's transaction; returns the first affected date (None: no dated row
    changed, so only the whole models were recomputed).
    """
    con.execute(f"set variable {AFTER_LOAD} = ?", [after_load])
    _collect_refreshed_posts(con)
    for model in declared:
        if model.script is not None:
            con.execute(model.script)
    con.execute(
        "insert into changed_post_dates select published_date from model.int_post_latest "
        "semi join refresh_posts using (platform, post_id)"
    )
    start = _first_affected_date(con)
    if start is not None:
        con.execute(f"set variable {REFRESH_FROM} = ?", [start])
    try:
        for model in declared:
            if model.view_only or model.script is not None:
                continue
            if model.refresh is None or start is not None:
                _recompute(con, model, start)
    finally:
        con.execute(f"reset variable {REFRESH_FROM}")
    con.execute("drop table refresh_posts; drop table changed_post_dates")
    return start


def _collect_refreshed_posts(con: duckdb.DuckDBPyConnection) -> None:
    """The posts written since the last build, and their publication dates before the refresh."""
    written = " union ".join(
        f"select platform, post_id from core.{table} where load_id > getvariable('{AFTER_LOAD}')"
        for table in POST_CORE
    )
    con.execute(f"create or replace temp table refresh_posts as {written}")
    con.execute(
        "create or replace temp table changed_post_dates as select published_date "
        "from model.int_post_latest semi join refresh_posts using (platform, post_id)"
    )


def _first_affected_date(con: duckdb.DuckDBPyConnection) -> date | None:
    """The earliest date whose metric rows the changed rows can alter (None: no dated change)."""
    dated = " union all ".join(
        f"select {column} as date from core.{table} where load_id > getvariable('{AFTER_LOAD}')"
        for table, column in DATED_CORE
    )
    row = con.execute(
        f"""
        with changed as (
            select published_date as date from changed_post_dates
            union all {dated}
        ),
        bounds as (select min(date) as first_changed, max(date) as last_changed from changed),
        calendar as (select max(date) as last_date from model.int_calendar)
        select least(
            first_changed,
            case when last_changed > last_date then last_date + 1 end
        )
        from bounds, calendar
        """
    ).fetchone()
    return row[0] if row else None


def _recompute(con: duckdb.DuckDBPyConnection, model: Model, start: date | None) -> None:
    """Replace the model's rows from `start` on (all of them for a model without a refresh rule)."""
    condition = "true" if model.refresh is None or start is None else model.refresh.condition(start)
    target = model.materialize or f"model.{model.name}"
    source = f"model.{model.name}" if model.materialize else f"({model_query(model)})"
    columns = ", ".join(model.columns) if model.materialize else "*"
    con.execute(f"delete from {target} where {condition}")
    con.execute(f"insert into {target} by name select {columns} from {source} where {condition}")
