"""Measurements 1 and 4: exports into `core` (Kunci and DuckDB's `read_csv`), and a backfill.

Each runs in a process of its own (`bench.workers`); Kunci's steps are called as the flows call
them, without Prefect.
"""

import time
from pathlib import Path

import duckdb

from bench.timing import (
    Result,
    Stages,
    check_loaded,
    discard_database,
    elapsed,
    load_input,
    load_run,
    rss_mb,
)


def ingest_kunci(params: Result) -> Result:
    """Exports → `core` as a run loads them: one working copy and connection, a load per input.

    `flows.run.jobs.load_and_build` without Prefect: the working copy is opened once (with the
    configured memory limit), each input is one `ingest_file` in its own transaction, and the file
    is checkpointed and published at the end.
    """
    from flows.config.settings import load_settings
    from flows.load import ingest, inputs, reading, store

    root, db = Path(params["root"]), Path(params["db"])
    settings = load_settings(str(root / "kunci.toml"))
    items = inputs.inbox(settings)
    seconds, stages, outcomes = [], Stages(), []
    for _ in range(params["repeat"]):
        discard_database(db)
        stages = Stages()
        start = time.perf_counter()
        with (
            stages.wrapping(ingest, "ingest_file", "ingest_file"),
            stages.wrapping(reading, "normalize_file", INGEST_STAGES[0]),
            stages.wrapping(store, "record_load", INGEST_STAGES[1]),
        ):
            outcomes = load_run(db, items, settings)
        seconds.append(elapsed(start))
        check_loaded(outcomes)
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
    "open, initialise, checkpoint and publish the working copy",
)


def _ingest_stages(stages: Stages, total: float) -> dict[str, float]:
    """The stages of `INGEST_STAGES`: what `ingest_file` spends, then what surrounds it."""
    found = stages.rounded()
    inside = found.pop("ingest_file")
    found[INGEST_STAGES[2]] = round(inside - found[INGEST_STAGES[0]] - found[INGEST_STAGES[1]], 3)
    found[INGEST_STAGES[3]] = round(total - inside, 3)
    return found


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
        seconds.append(elapsed(start))
    return {"seconds": seconds, "files": len(files), "lines": rows, "rss_mb": rss_mb()}


def backfill(params: Result) -> Result:
    """Load millions of rows of exports into one working copy, then build: peak memory.

    As a run does it, with the workspace's settings: DuckDB capped at `memory_limit` (the
    default unless the workspace sets one), spilling beside the working file.
    """
    from flows.build import models
    from flows.config.settings import load_settings
    from flows.load import inputs, store
    from flows.run import pipeline

    root = Path(params["root"])
    db = root / "kunci.duckdb"
    discard_database(db)
    settings = load_settings(str(root / "kunci.toml"))
    items = inputs.inbox(settings)
    marks: Result = {"rss_ready_mb": rss_mb()}
    start = time.perf_counter()
    with pipeline.working_database(db, settings.memory_limit) as work:
        pipeline.with_working(work, lambda con: pipeline.initialise(con, settings))
        outcomes = [load_input(work, item, settings) for item in items]
        marks["ingest_seconds"] = elapsed(start)
        marks["rss_after_ingest_mb"] = rss_mb()
        start = time.perf_counter()
        pipeline.with_working(work, lambda con: models.refresh_metrics(con, settings.targets))
        marks["build_seconds"] = elapsed(start)
    marks["memory_limit"] = settings.memory_limit
    check_loaded(outcomes)
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
