"""What every measurement shares: timers, peak memory, stage timings and loading one input."""

import resource
import shutil
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

Result = dict[str, Any]


def elapsed(start: float) -> float:
    """Seconds since `start` (a `perf_counter` reading), rounded to milliseconds."""
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


def discard_database(db: Path) -> None:
    """Remove a database file, its WAL, kept generation, raw zone and report: a clean start."""
    siblings = [db.with_name(db.name + suffix) for suffix in (".wal", ".previous")]
    for path in (db, *siblings, db.parent / "raw", db.parent / "report.html"):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def load_input(work: Any, item: Any, settings: Any) -> Any:
    """One input into the working file, as the ingest step (`flows.run.jobs.ingest_input`) loads it.

    Inside `pipeline.working_database` it goes through the run's one connection, as in a run.
    """
    from flows.load import ingest
    from flows.run import pipeline

    raw = pipeline.raw_root(work.path)
    return pipeline.with_working(work, lambda con: ingest.ingest_file(con, item, settings, raw))


def load_run(db: Path, items: list[Any], settings: Any) -> list[Any]:
    """Every input into a fresh working copy of `db`, then publish: a run's ingest, no build."""
    from flows.run import pipeline

    with pipeline.working_database(db, settings.memory_limit) as work:
        pipeline.with_working(work, lambda con: pipeline.initialise(con, settings))
        return [load_input(work, item, settings) for item in items]


def check_loaded(outcomes: list[Any]) -> None:
    """Every input loaded and its rows add up, or the measurement is void."""
    for outcome in outcomes:
        counted = outcome.rows_loaded + outcome.rows_quarantined + outcome.rows_skipped
        if outcome.status != "loaded" or counted != outcome.rows_read:
            raise SystemExit(f"{outcome.path}: {outcome.status} {outcome.error or ''}")
