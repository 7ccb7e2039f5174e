"""The measurements, each run by `bench.run` in a process of its own (so its memory is its own).

`python -m bench.workers NAME PARAMS_JSON` runs one and prints its result as one JSON line. Kunci's
steps are called in-process, exactly as the flows call them (`flows.pipeline`, `flows.ingest`,
`flows.models`, `flows.runs`, `flows.publish`), without Prefect; `bench.run` times the Prefect
runs separately. Stage timings wrap the flows' own functions for the duration of a run.
"""

import json
import os
import re
import resource
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, TypeVar, cast

import duckdb

T = TypeVar("T")
Result = dict[str, Any]


def _seconds(start: float) -> float:
    return round(time.perf_counter() - start, 3)


def rss_mb() -> int:
    """Peak resident memory of this process so far, in MB (Linux reports kB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def median(values: list[float]) -> float:
    """Median, rounded to milliseconds."""
    return round(statistics.median(values), 3)


class Stages:
    """Seconds spent in named functions: wraps module attributes while a block runs."""

    def __init__(self) -> None:
        """Start with nothing timed."""
        self.seconds: dict[str, float] = {}

    @contextmanager
    def wrapping(self, module: object, name: str, label: str) -> Iterator[None]:
        """Time every call of `module.name` under `label` while the block runs."""
        original = getattr(module, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.add(label, time.perf_counter() - start)

        setattr(module, name, timed)
        try:
            yield
        finally:
            setattr(module, name, original)

    def add(self, label: str, seconds: float) -> None:
        """Count `seconds` under `label`."""
        self.seconds[label] = self.seconds.get(label, 0.0) + seconds

    def rounded(self) -> dict[str, float]:
        """The stages, in milliseconds precision."""
        return {label: round(s, 3) for label, s in self.seconds.items()}


def _discard_database(db: Path) -> None:
    for path in (db, db.with_name(db.name + ".wal"), db.parent / "raw", db.parent / "report.html"):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


# --- 1. ingest -----------------------------------------------------------------------------------


def ingest_kunci(params: Result) -> Result:
    """Exports → `core` as a run loads them: one connection, load and checkpoint per input.

    With `one_connection`, the prototype: every input through one connection, one checkpoint.
    """
    from flows import ingest, store
    from flows.settings import load_settings

    root, db = Path(params["root"]), Path(params["db"])
    settings = load_settings(str(root / "kunci.toml"))
    items = ingest.inbox(settings)
    load = _load_one_connection if params.get("one_connection") else _load_per_input
    seconds, stages, outcomes = [], Stages(), []
    for _ in range(params["repeat"]):
        _discard_database(db)
        stages = Stages()
        start = time.perf_counter()
        with (
            stages.wrapping(ingest, "ingest_file", "ingest_file"),
            stages.wrapping(ingest, "normalize_export", INGEST_STAGES[0]),
            stages.wrapping(store, "record_load", INGEST_STAGES[1]),
        ):
            outcomes = load(db, items, settings)
        seconds.append(_seconds(start))
        _check_loaded(outcomes)
    return {
        "seconds": seconds,
        "files": len(items),
        "rows": sum(o.rows_read for o in outcomes),
        "stages_seconds": _ingest_stages(stages, seconds[-1]),
        "rss_mb": rss_mb(),
    }


INGEST_STAGES = (
    "normalize (transforms)",
    "store (ledger, upserts, quarantine)",
    "rest of ingest_file (read, sha256, raw zone, ledger lookup)",
    "connect and checkpoint per input, initialise",
)


def _ingest_stages(stages: Stages, total: float) -> dict[str, float]:
    """The stages of `INGEST_STAGES`: what `ingest_file` spends, then what surrounds it."""
    found = stages.rounded()
    inside = found.pop("ingest_file")
    found[INGEST_STAGES[2]] = round(inside - found[INGEST_STAGES[0]] - found[INGEST_STAGES[1]], 3)
    found[INGEST_STAGES[3]] = round(total - inside, 3)
    return found


def _load_per_input(db: Path, items: list[Any], settings: Any) -> list[Any]:
    from flows import pipeline

    pipeline.with_working(db, lambda con: pipeline.initialise(con, settings))
    return [load_input(db, item, settings) for item in items]


def _load_one_connection(db: Path, items: list[Any], settings: Any) -> list[Any]:
    from flows import ingest, pipeline

    def load_all(con: duckdb.DuckDBPyConnection) -> list[Any]:
        pipeline.initialise(con, settings)
        raw = pipeline.raw_root(db)
        return [ingest.ingest_file(con, item, settings, raw) for item in items]

    return pipeline.with_working(db, load_all)


def load_input(work: Path, item: Any, settings: Any) -> Any:
    """One input into the working file, as `flows.nightly.ingest_task` loads it."""
    from flows import ingest, pipeline

    raw = pipeline.raw_root(work)
    return pipeline.with_working(work, lambda con: ingest.ingest_file(con, item, settings, raw))


def _check_loaded(outcomes: list[Any]) -> None:
    """Every input loaded and its rows add up, or the measurement is void."""
    for outcome in outcomes:
        counted = outcome.rows_loaded + outcome.rows_quarantined + outcome.rows_skipped
        if outcome.status != "loaded" or counted != outcome.rows_read:
            raise SystemExit(f"{outcome.path}: {outcome.status} {outcome.error or ''}")


def ingest_duckdb(params: Result) -> Result:
    """DuckDB's bare `read_csv` of the same files, one by one, into an in-memory table."""
    files = sorted(p for p in (Path(params["root"]) / "inbox").rglob("*") if p.is_file())
    con = duckdb.connect()
    seconds, rows = [], 0
    for _ in range(params["repeat"]):
        start = time.perf_counter()
        rows = 0
        for path in files:
            con.execute(
                "create or replace table export as select * from read_csv(?, all_varchar = true)",
                [str(path)],
            )
            rows += int((con.execute("select count(*) from export").fetchone() or (0,))[0])
        seconds.append(_seconds(start))
    return {"seconds": seconds, "files": len(files), "lines": rows, "rss_mb": rss_mb()}


# --- 2. metric rebuild ----------------------------------------------------------------------------


def history_setup(params: Result) -> Result:
    """A database with the workspace's accounts, generated history and a first build."""
    from bench.history import History, fill
    from flows import models, pipeline, store
    from flows.settings import load_settings

    db = Path(params["db"])
    _discard_database(db)
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
        filled = _seconds(start)
        start = time.perf_counter()
        models.build_metrics(con, settings.targets)
        con.execute("checkpoint")
    finally:
        con.close()
    return {
        "tables": tables,
        "fill_seconds": filled,
        "first_build_seconds": _seconds(start),
        "megabytes": round(db.stat().st_size / 1e6, 1),
    }


class TimedConnection:
    """A DuckDB connection that times each statement by the model or table it names.

    With `threads` set, it ignores the build's `set threads = 1`: the prototype of a parallel build.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, threads: int | None = None) -> None:
        """Wrap `con`."""
        self.con, self.threads, self.stages = con, threads, Stages()

    def execute(self, query: str, *args: Any) -> duckdb.DuckDBPyConnection:
        """Run and time one statement."""
        if self.threads is not None and query.startswith("set threads = 1"):
            query = f"set threads = {self.threads}"
        found = re.search(r"\b(model|metrics)\.(\w+)", query)
        start = time.perf_counter()
        result = self.con.execute(query, *args)
        self.stages.add(found.group(0) if found else "other", time.perf_counter() - start)
        return result

    def __getattr__(self, name: str) -> Any:
        """Everything else is the connection's."""
        return getattr(self.con, name)


def rebuild(params: Result) -> Result:
    """`build_metrics` over the history against one scan-aggregate of `core.post_metrics`."""
    from flows import models

    con = duckdb.connect(params["db"])
    repeat, threads = params["repeat"], os.cpu_count() or 1
    builds, timed = [], TimedConnection(con)
    for _ in range(repeat):
        timed = TimedConnection(con)
        start = time.perf_counter()
        models.build_metrics(cast(duckdb.DuckDBPyConnection, timed))
        builds.append(_seconds(start))
    slowest = sorted(timed.stages.rounded().items(), key=lambda kv: -kv[1])[:8]
    result: Result = {
        "build_seconds": builds,
        "build_stages_seconds": dict(slowest),
        "snapshots": int((con.execute(_COUNT).fetchone() or (0,))[0]),
        "threads": threads,
    }
    for label, query, setting, runs in (
        ("scan_aggregate_by_post", SCAN_AGGREGATE_BY_POST, threads, repeat),
        ("scan_aggregate_by_post_1_thread", SCAN_AGGREGATE_BY_POST, 1, 1),
        ("scan_aggregate_by_platform", SCAN_AGGREGATE_BY_PLATFORM, threads, 1),
    ):
        con.execute(f"set threads = {setting}")
        result[f"{label}_seconds"] = [_time(con, query) for _ in range(runs)]
    con.execute(f"set threads = {threads}")
    if params.get("prototypes"):
        parallel = TimedConnection(con, threads)
        start = time.perf_counter()
        models.build_metrics(cast(duckdb.DuckDBPyConnection, parallel))
        result["prototype_build_all_threads_seconds"] = _seconds(start)
        result.update(_post_latest_prototype(con))
        result.update(_report_prototype(con, Path(params["db"])))
    result["rss_mb"] = rss_mb()
    con.close()
    return result


# What the report reads (`flows.report.data.TREND_VIEW`): views over the whole model chain, so
# each of its queries recomputes the metrics from `core`. The build computes them as tables
# anyway; the prototype keeps them as tables and times the report.
REPORT_VIEWS = (
    "int_account_metrics",
    "int_traffic_metrics",
    "int_conversion_metrics",
    "int_leads_metrics",
)


def _report_prototype(con: duckdb.DuckDBPyConnection, db: Path) -> Result:
    """Time the report with the model views it reads materialized as tables."""
    from flows.report import write_report

    start = time.perf_counter()
    for view in REPORT_VIEWS:
        con.execute(
            f"create table model.{view}_kept as from model.{view}; drop view model.{view}; "
            f"alter table model.{view}_kept rename to {view}"
        )
    con.execute("checkpoint")
    materialized = _seconds(start)
    con.close()
    start = time.perf_counter()
    write_report(db, db.with_name("report-prototype.html"))
    return {
        "prototype_report_views_as_tables_materialize_seconds": materialized,
        "prototype_report_views_as_tables_seconds": _seconds(start),
    }


def build_memory_limit(params: Result) -> Result:
    """Prototype: the metric build with DuckDB's memory limit set, so it spills to disk."""
    from flows import models

    con = duckdb.connect(params["db"])
    con.execute(f"set memory_limit = '{params['limit']}'")
    con.execute(f"set temp_directory = '{params['temp']}'")
    start = time.perf_counter()
    models.build_metrics(con)
    seconds = _seconds(start)
    con.close()
    return {"seconds": seconds, "limit": params["limit"], "rss_mb": rss_mb()}


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
    return _seconds(start)


# `int_post_latest` finds each post's latest date, then joins the snapshots back to it (a second
# pass over every snapshot and a join of the two). The latest snapshot's row is one `arg_max` of
# a struct (a struct is never NULL, so a NULL measure stays NULL rather than falling back to an
# older snapshot): one pass. The prototype swaps those two CTEs and checks the rows are the same.
_LATEST_JOINED = re.compile(r"with latest as \(.*?\),\s*snapshots as \(.*?\n\),", re.S)
_LATEST_ONE_PASS = """with latest as (
    select
        platform,
        post_id,
        max(as_of_date) as as_of_date,
        arg_max({
            'impressions': coalesce(impressions, views), 'reach': reach, 'reactions': reactions,
            'comments': comments, 'shares': shares, 'saves': saves, 'clicks': clicks,
            'link_clicks': link_clicks, 'video_views': video_views
        }, as_of_date) as m
    from core.post_metrics
    group by platform, post_id
),

snapshots as (
    select platform, post_id, as_of_date, m.impressions, m.reach, m.reactions, m.comments,
        m.shares, m.saves, m.clicks, m.link_clicks, m.video_views
    from latest
),"""


def _post_latest_prototype(con: duckdb.DuckDBPyConnection) -> Result:
    """Time `model.int_post_latest` as declared and in one pass; the rows must be equal."""
    from flows.models import MODEL_DIR

    declared = (MODEL_DIR / "int_post_latest.sql").read_text(encoding="utf-8")
    body = declared[declared.index("create or replace view model.int_post_latest as") :]
    body = body.removeprefix("create or replace view model.int_post_latest as")
    one_pass, found = _LATEST_JOINED.subn(_LATEST_ONE_PASS, body, count=1)
    if not found:
        return {"prototype_post_latest": "int_post_latest.sql changed: prototype not applicable"}
    times = {
        name: _time(con, f"create or replace temp table pl_{name} as {query}")
        for name, query in (("declared", body), ("one_pass", one_pass))
    }
    differ = con.execute(
        "select count(*) from ((from pl_declared except all from pl_one_pass) "
        "union all (from pl_one_pass except all from pl_declared))"
    ).fetchone()
    return {
        "prototype_post_latest_declared_seconds": times["declared"],
        "prototype_post_latest_one_pass_seconds": times["one_pass"],
        "prototype_post_latest_rows_differing": int(differ[0]) if differ else -1,
    }


# --- 3. nightly -----------------------------------------------------------------------------------


NIGHTLY_STEPS = (
    "copy the published file",
    "initialise",
    "begin (ops.run, baseline)",
    "ingest (every input: connect, load, checkpoint)",
    "· of which normalize (transforms)",
    "· of which store (ledger, upserts)",
    "· · of which keys owned by the API",
    "build (refresh)",
    "finish (ops.run)",
    "publish (rename)",
    "report",
    "total",
)


def nightly(params: Result) -> Result:
    """A nightly run's steps in-process on a copy of `pristine`, `repeat` times."""
    from flows import ingest, store
    from flows.settings import load_settings

    root, pristine = Path(params["root"]), Path(params["pristine"])
    db = root / "kunci.duckdb"
    settings = load_settings(str(root / "kunci.toml"))
    runs = []
    for _ in range(params["repeat"]):
        _discard_database(db)
        shutil.copyfile(pristine, db)
        stages = Stages()
        with (
            stages.wrapping(ingest, "normalize_export", NIGHTLY_STEPS[4]),
            stages.wrapping(store, "record_load", NIGHTLY_STEPS[5]),
            stages.wrapping(store, "_keys_owned_by", NIGHTLY_STEPS[6]),
        ):
            outcomes = _nightly_steps(db, settings, stages)
        _check_loaded(outcomes)
        runs.append(stages.rounded())
    steps = {label: median([run.get(label, 0.0) for run in runs]) for label in NIGHTLY_STEPS}
    result: Result = {
        "seconds": [run["total"] for run in runs],
        "steps_seconds": steps,
        "inputs": len(outcomes),
        "rows": sum(o.rows_read for o in outcomes),
        "megabytes": round(pristine.stat().st_size / 1e6, 1),
        "rss_mb": rss_mb(),
    }
    if params.get("prototypes"):
        result.update(_accounts_prototype(db, settings))
    return result


def _accounts_prototype(db: Path, settings: Any) -> Result:
    """`store.upsert_accounts` (one statement per account) against one statement for all."""
    import polars as pl

    from flows import store
    from transforms.schemas import ACCOUNT

    columns = list(ACCOUNT.columns)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns[2:])
    con = store.connect(db)
    try:
        before = con.execute("select * from core.account order by all").fetchall()
        start = time.perf_counter()
        store.upsert_accounts(con, settings.accounts)
        declared = _seconds(start)
        start = time.perf_counter()
        rows = [{c: getattr(a, c) for c in columns} for a in settings.accounts]
        con.register("configured_accounts", pl.DataFrame(rows, schema=ACCOUNT.columns))
        con.execute(
            f"insert into core.account ({', '.join(columns)}) select {', '.join(columns)} "
            f"from configured_accounts on conflict (platform, account_id) do update set {updates}"
        )
        batched = _seconds(start)
        same = con.execute("select * from core.account order by all").fetchall() == before
    finally:
        con.close()
    return {
        "prototype_accounts": len(settings.accounts),
        "prototype_upsert_accounts_declared_seconds": declared,
        "prototype_upsert_accounts_one_statement_seconds": batched,
        "prototype_upsert_accounts_same_rows": same,
    }


def _nightly_steps(db: Path, settings: Any, stages: Stages) -> list[Any]:
    """What `flows.nightly._load_and_build` and `_after_publishing` do, step by step, timed."""
    from flows import ingest, pipeline, publish, runs
    from flows.report import write_report

    def step(label: str, action: Callable[[], T]) -> T:
        start = time.perf_counter()
        value = action()
        stages.add(label, time.perf_counter() - start)
        stages.add(NIGHTLY_STEPS[-1], time.perf_counter() - start)
        return value

    summary = runs.RunSummary(db=str(db))
    with publish.writer_lock(db):
        work = step(NIGHTLY_STEPS[0], lambda: publish.prepare_working_copy(db))
        step(
            NIGHTLY_STEPS[1],
            lambda: pipeline.with_working(work, lambda con: pipeline.initialise(con, settings)),
        )
        summary.baseline = step(
            NIGHTLY_STEPS[2],
            lambda: pipeline.with_working(work, lambda con: runs.begin(con, summary)),
        )
        for item in ingest.inbox(settings):
            summary.inputs.append(
                step(
                    NIGHTLY_STEPS[3],
                    partial(load_input, work, item, settings),
                )
            )
        summary.tables, summary.rebuilt = step(
            NIGHTLY_STEPS[7],
            lambda: pipeline.with_working(work, lambda con: pipeline.refresh(con, settings)),
        )
        step(
            NIGHTLY_STEPS[8],
            lambda: pipeline.with_working(work, lambda con: runs.finish(con, summary)),
        )
        step(NIGHTLY_STEPS[9], lambda: publish.publish(work, db))
    step(NIGHTLY_STEPS[10], lambda: write_report(db))
    if not summary.rebuilt:
        raise SystemExit("the nightly run did not rebuild: its inputs were not new")
    return summary.inputs


# --- 4. backfill ----------------------------------------------------------------------------------


def backfill(params: Result) -> Result:
    """Load millions of rows of exports into one working copy, then build: peak memory."""
    from flows import ingest, pipeline, store
    from flows.settings import load_settings

    root = Path(params["root"])
    db = root / "kunci.duckdb"
    _discard_database(db)
    settings = load_settings(str(root / "kunci.toml"))
    items = ingest.inbox(settings)
    marks: Result = {"rss_ready_mb": rss_mb()}
    start = time.perf_counter()
    with pipeline.working_database(db) as work:
        pipeline.with_working(work, lambda con: pipeline.initialise(con, settings))
        outcomes = [load_input(work, item, settings) for item in items]
        marks["ingest_seconds"] = _seconds(start)
        marks["rss_after_ingest_mb"] = rss_mb()
        start = time.perf_counter()
        pipeline.with_working(work, lambda con: pipeline.refresh(con, settings))
        marks["build_seconds"] = _seconds(start)
    _check_loaded(outcomes)
    con = store.connect(db, read_only=True)
    stored = con.execute("select count(*) from core.post_metrics").fetchone()
    con.close()
    return {
        **marks,
        "rss_after_build_mb": rss_mb(),
        "files": len(items),
        "rows": sum(o.rows_read for o in outcomes),
        "snapshots_stored": int(stored[0]) if stored else 0,
        "megabytes_database": round(db.stat().st_size / 1e6, 1),
    }


WORKERS: dict[str, Callable[[Result], Result]] = {
    "ingest_kunci": ingest_kunci,
    "ingest_duckdb": ingest_duckdb,
    "history_setup": history_setup,
    "rebuild": rebuild,
    "nightly": nightly,
    "backfill": backfill,
    "build_memory_limit": build_memory_limit,
}


def main() -> None:
    """`python -m bench.workers NAME PARAMS_JSON`: run one measurement, print its JSON."""
    name, params = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(WORKERS[name](params)))


if __name__ == "__main__":
    main()
