"""Measurement 3: a nightly run's steps in-process on a copy of generated history.

The steps are those of `flows.run.jobs.load_and_build` and `after_publishing`, each timed; the
Prefect run itself is timed by `bench.run`. With `prototypes`, also declaring the configured
accounts in one statement.

Each measured run starts as a night does after another night: beside the published file lies the
generation the last publish replaced (`flows.publish.previous_generation`), one night's changes
away from it. An unmeasured first run makes that generation: the history with the night's
exports loaded, which differs from the history by what a night changes. With `first_night`, no
generation is kept and the run copies the whole file, as the first night after an upgrade does.
"""

import os
import shutil
import time
from collections.abc import Callable
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from bench.timing import (
    Result,
    Stages,
    check_loaded,
    discard_database,
    elapsed,
    load_input,
    median,
    rss_mb,
)

T = TypeVar("T")


NIGHTLY_STEPS = (
    "copy and open the published file",
    "initialise",
    "begin (ops.run, baseline)",
    "ingest (every input, each in its own transaction)",
    "· of which normalize (transforms)",
    "· of which store (ledger, upserts)",
    "· · of which keys owned by the API",
    "build (refresh)",
    "finish (ops.run)",
    "publish (checkpoint, close, rename)",
    "report",
    "total",
)


def nightly(params: Result) -> Result:
    """A nightly run's steps in-process on a copy of `pristine`, `repeat` times."""
    from flows.config.settings import load_settings
    from flows.load import reading, store
    from flows.publish import previous_generation

    root, pristine = Path(params["root"]), Path(params["pristine"])
    db = root / "kunci.duckdb"
    settings = load_settings(str(root / "kunci.toml"))
    night_after = None if params.get("first_night") else _night_after(db, pristine, settings)
    runs = []
    for _ in range(params["repeat"]):
        discard_database(db)
        _on_disk(pristine, db)
        if night_after is not None:
            _on_disk(night_after, previous_generation.previous_path(db))
        stages = Stages()
        with (
            stages.wrapping(reading, "normalize_file", NIGHTLY_STEPS[4]),
            stages.wrapping(store, "record_load", NIGHTLY_STEPS[5]),
            stages.wrapping(store, "_keys_owned_by", NIGHTLY_STEPS[6]),
        ):
            outcomes = _nightly_steps(db, settings, stages)
        check_loaded(outcomes)
        runs.append(stages.rounded())
    if night_after is not None:
        night_after.unlink()
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


def _on_disk(source: Path, target: Path) -> None:
    """Copy `source` to `target` and sync it, as the last run's checkpoint leaves a file.

    The run's own copy and checkpoint must not wait for the writeback of this one (850 MB at
    three years).
    """
    shutil.copyfile(source, target)
    with target.open("rb") as copied:
        os.fsync(copied.fileno())


def _night_after(db: Path, pristine: Path, settings: Any) -> Path:
    """The history with the night's exports loaded: an unmeasured run's published file."""
    discard_database(db)
    _on_disk(pristine, db)
    check_loaded(_nightly_steps(db, settings, Stages()))
    kept = db.with_name(f"{db.name}.night-after")
    db.replace(kept)
    return kept


def _accounts_prototype(db: Path, settings: Any) -> Result:
    """`store.upsert_accounts` (one statement per account) against one statement for all."""
    import polars as pl

    from flows.load import store
    from transforms.canonical.schemas import ACCOUNT

    columns = list(ACCOUNT.columns)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns[2:])
    con = store.connect(db)
    try:
        before = con.execute("select * from core.account order by all").fetchall()
        start = time.perf_counter()
        store.upsert_accounts(con, settings.accounts)
        declared = elapsed(start)
        start = time.perf_counter()
        rows = [{c: getattr(a, c) for c in columns} for a in settings.accounts]
        con.register("configured_accounts", pl.DataFrame(rows, schema=ACCOUNT.columns))
        con.execute(
            f"insert into core.account ({', '.join(columns)}) select {', '.join(columns)} "
            f"from configured_accounts on conflict (platform, account_id) do update set {updates}"
        )
        batched = elapsed(start)
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
    """What `flows.run.jobs.load_and_build` and `after_publishing` do, step by step, timed."""
    from flows.build import models
    from flows.load import inputs
    from flows.report import write_report
    from flows.run import pipeline, runs

    def step(label: str, action: Callable[[], T]) -> T:
        start = time.perf_counter()
        value = action()
        stages.add(label, time.perf_counter() - start)
        stages.add(NIGHTLY_STEPS[-1], time.perf_counter() - start)
        return value

    summary = runs.RunSummary(db=str(db))
    with ExitStack() as run:
        work = step(
            NIGHTLY_STEPS[0],
            lambda: run.enter_context(pipeline.working_database(db, settings.memory_limit)),
        )
        step(
            NIGHTLY_STEPS[1],
            lambda: pipeline.with_working(work, lambda con: pipeline.initialise(con, settings)),
        )
        summary.baseline = step(
            NIGHTLY_STEPS[2],
            lambda: pipeline.with_working(work, lambda con: runs.begin(con, summary)),
        )
        for item in inputs.inbox(settings):
            summary.inputs.append(
                step(
                    NIGHTLY_STEPS[3],
                    partial(load_input, work, item, settings),
                )
            )
        summary.tables, done = step(
            NIGHTLY_STEPS[7],
            lambda: pipeline.with_working(
                work, lambda con: models.refresh_metrics(con, settings.targets)
            ),
        )
        summary.rebuilt = done != "kept"
        step(
            NIGHTLY_STEPS[8],
            lambda: pipeline.with_working(work, lambda con: runs.finish(con, summary)),
        )
        step(NIGHTLY_STEPS[9], run.close)
    step(NIGHTLY_STEPS[10], lambda: write_report(db))
    if not summary.rebuilt:
        raise SystemExit("the nightly run did not rebuild: its inputs were not new")
    return summary.inputs
