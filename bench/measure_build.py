"""Measurement 2: the metric build over generated history, against one scan-aggregate.

The build runs on every thread the connection has, as `build_metrics` runs it (exact DECIMAL
sums keep its tables identical whatever the threads), and so does the main baseline.
"""

import os
import re
import time
from datetime import date
from pathlib import Path
from typing import Any, cast

import duckdb

from bench.timing import (
    Result,
    Stages,
    discard_database,
    elapsed,
    rss_mb,
)


def history_setup(params: Result) -> Result:
    """A database with the workspace's accounts, generated history and a first build."""
    from bench.history import History, fill
    from flows.build import models
    from flows.config.settings import load_settings
    from flows.load import store
    from flows.run import pipeline

    db = Path(params["db"])
    discard_database(db)
    settings = load_settings(params["config"])
    history = History(
        params["accounts"],
        date.fromisoformat(params["first"]),
        date.fromisoformat(params["last"]),
        params["posts"],
        params["snapshots"],
    )
    start = time.perf_counter()
    con = store.connect(db)
    try:
        pipeline.initialise(con, settings)
        tables = fill(con, history)
        filled = elapsed(start)
        start = time.perf_counter()
        models.build_metrics(con, settings.targets)
        con.execute("checkpoint")
    finally:
        con.close()
    return {
        "tables": tables,
        "fill_seconds": filled,
        "first_build_seconds": elapsed(start),
        "megabytes": round(db.stat().st_size / 1e6, 1),
    }


# The relation a statement creates, else the first it names: a model's query also names the
# macros and relations it reads, and the docs script names a macro first (`model.refresh_from`).
_CREATED = re.compile(r"\bcreate (?:or replace )?(?:table|view) ((?:model|metrics)\.\w+)")
_NAMED = re.compile(r"\b(model|metrics)\.(\w+)")


def _stage_of(query: str) -> str:
    """The relation a statement creates, the docs, else the first relation it names, or "other"."""
    if query.startswith("comment on"):
        return "docs (comment on)"
    if created := _CREATED.search(query):
        return created.group(1)
    named = _NAMED.search(query)
    return named.group(0) if named else "other"


class TimedConnection:
    """A DuckDB connection that times each statement by the model or table it creates."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        """Wrap `con`."""
        self.con, self.stages = con, Stages()

    def execute(self, query: str, *args: Any) -> duckdb.DuckDBPyConnection:
        """Run and time one statement."""
        start = time.perf_counter()
        result = self.con.execute(query, *args)
        self.stages.add(_stage_of(query), time.perf_counter() - start)
        return result

    def commit(self) -> None:
        """Commit and time it: writing the build's tables out is part of its cost."""
        start = time.perf_counter()
        self.con.commit()
        self.stages.add("commit", time.perf_counter() - start)

    def __getattr__(self, name: str) -> Any:
        """Everything else is the connection's."""
        return getattr(self.con, name)


def rebuild(params: Result) -> Result:
    """`build_metrics` over the history against one scan-aggregate of `core.post_metrics`."""
    from flows.build import models

    con = duckdb.connect(params["db"])
    repeat, threads = params["repeat"], os.cpu_count() or 1
    builds, timed = [], TimedConnection(con)
    for _ in range(repeat):
        timed = TimedConnection(con)
        start = time.perf_counter()
        models.build_metrics(cast(duckdb.DuckDBPyConnection, timed))
        builds.append(elapsed(start))
    slowest = sorted(timed.stages.rounded().items(), key=lambda kv: -kv[1])[:8]
    result: Result = {
        "build_seconds": builds,
        "build_stages_seconds": dict(slowest),
        "snapshots": int((con.execute(_COUNT).fetchone() or (0,))[0]),
        "threads": threads,
    }
    result["write_floor_seconds"] = [_write_floor(con) for _ in range(repeat)]
    for label, query, setting, runs in (
        ("scan_aggregate_by_post", SCAN_AGGREGATE_BY_POST, threads, repeat),
        ("scan_aggregate_by_post_1_thread", SCAN_AGGREGATE_BY_POST, 1, 1),
        ("scan_aggregate_by_platform", SCAN_AGGREGATE_BY_PLATFORM, threads, 1),
    ):
        con.execute(f"set threads = {setting}")
        result[f"{label}_seconds"] = [_time(con, query) for _ in range(runs)]
    con.execute(f"set threads = {threads}")
    result["rss_mb"] = rss_mb()
    con.close()
    return result


def _write_floor(con: duckdb.DuckDBPyConnection) -> float:
    """Seconds to write the build's tables again: each copied whole, in one transaction, committed.

    What any build that materializes these tables pays before computing anything: a floor
    under the build that a cleverer query cannot lower (it moves only with what is materialized).
    """
    tables = [
        f"{schema}.{name}"
        for schema, name in con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where schema_name in ('model', 'metrics') and not temporary order by all"
        ).fetchall()
    ]
    start = time.perf_counter()
    con.begin()
    con.execute("create schema bench_floor")
    for table in tables:
        con.execute(f"create table bench_floor.{table.replace('.', '__')} as from {table}")
    con.commit()
    seconds = elapsed(start)
    con.execute("drop schema bench_floor cascade")
    con.execute("checkpoint")
    return seconds


_COUNT = "select count(*) from core.post_metrics"
# The least work any metric build must do: one pass over every snapshot, grouped by post, keeping
# the latest date and each measure (a scan and a hash aggregate, materialized like a build's).
SCAN_AGGREGATE_BY_POST = """
create or replace temp table bench_latest as
select platform, post_id, max(as_of_date) as as_of_date, max(impressions), max(reach), max(views),
    max(reactions), max(comments), max(shares), max(saves), max(clicks), max(link_clicks),
    max(video_views), max(profile_visits), max(follows)
from core.post_metrics
group by platform, post_id
"""
SCAN_AGGREGATE_BY_PLATFORM = """
create or replace temp table bench_totals as
select platform, count(*), max(as_of_date), sum(impressions), sum(reach), sum(views),
    sum(reactions), sum(comments), sum(shares), sum(saves), sum(clicks), sum(link_clicks),
    sum(video_views), sum(profile_visits), sum(follows)
from core.post_metrics
group by platform
"""


def _time(con: duckdb.DuckDBPyConnection, query: str) -> float:
    start = time.perf_counter()
    con.execute(query)
    return elapsed(start)
