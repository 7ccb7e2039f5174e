"""The run sequences (nightly, ad-hoc ingest), written once and run by either of two executors.

A run is a sequence of steps: initialise the working file, record the run as running, ingest each
input, pull the APIs, build, record the outcome, publish, then write the report. Each step is a
plain function taking its resources as arguments (the run's `pipeline.Working`), with its policy
(timeout, I/O retries) declared beside it as a `Step`. The sequence hands each step to an
executor: `flows.run.nightly` runs it as a Prefect task inside a Prefect flow (a tracked run: on a
Prefect server, with deployments, schedules, run history and the summary artifact);
`flows.run.orchestration` runs it in this process with the same timeout and retries (a local
command: no server to start, no Prefect to import). Either way one input never stops the others: an
input whose step crashed or timed out comes back as an error, recorded as that input's failed ledger
row (its transaction rolled back), like a bad input. The run publishes what loaded and ends failed
when anything failed, with one paragraph naming what failed and what was still published.

Retries and timeouts: loading and building are local and deterministic, so another attempt helps
only against an I/O error of the disk or the database file (retried twice); a bad file fails the
same way every time and is never retried. Timeouts bound each input, the build and the report, so
one pathological file cannot hold the night's run.
"""

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import duckdb

from flows import console
from flows.build import models
from flows.config.settings import Settings, load_settings
from flows.load import inputs, stage_run
from flows.load.inputs import InputFile
from flows.load.outcomes import LoadOutcome
from flows.run import pipeline, runs
from flows.run.pipeline import Working
from flows.run.runs import RunSummary

BUILD_TIMEOUT_SECONDS = 60 * 60
REPORT_TIMEOUT_SECONDS = 10 * 60
API_TIMEOUT_SECONDS = 4 * 60 * 60  # a throttled first pull of a large account takes hours
IO_RETRY_DELAYS_SECONDS: tuple[float, ...] = (5, 30)

LOGGER = logging.getLogger("kunci")
LOGGER.addHandler(logging.NullHandler())  # silent unless `--verbose` gives it a handler


def run_logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    """Prefect's run logger inside a Prefect run (its lines reach the server), else Kunci's."""
    if "prefect" in sys.modules:  # a local run never imports Prefect, so never asks it
        from prefect import get_run_logger
        from prefect.context import FlowRunContext, TaskRunContext

        if TaskRunContext.get() or FlowRunContext.get():
            return get_run_logger()
    return LOGGER


def transient(error: BaseException | None) -> bool:
    """Worth another attempt: an I/O error may pass; a timeout or a defect would only repeat."""
    return isinstance(error, OSError | duckdb.IOException) and not isinstance(error, TimeoutError)


@dataclass(frozen=True)
class Step:
    """One step of a run and its policy; `run_name` names a run of it from its arguments."""

    action: Callable[..., Any]
    run_name: str | None = None
    timeout_seconds: float | None = None
    retry_delays: tuple[float, ...] = ()  # retried only when the error is `transient`

    @property
    def name(self) -> str:
        """The step's name (its function's), as Prefect shows its task runs."""
        return self.action.__name__


@dataclass(frozen=True)
class Result:
    """What running a step gave: its value, or the error it ended with (after any retries)."""

    value: Any = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        """True when the step returned."""
        return self.error is None


class Executor(Protocol):
    """Runs the steps of one run: as Prefect tasks (tracked) or in this process (local)."""

    def run(self, step: Step, **arguments: Any) -> Result:
        """Run `step` with its timeout and retries; never raise for the step's own failure."""
        ...

    def new_summary(self, db: Path, flow: str, parameters: dict[str, Any]) -> RunSummary:
        """The run's identity: the Prefect flow run when tracked, else a fresh one."""
        ...

    def leave_summary(self, summary: RunSummary) -> str | None:
        """Leave the summary where this executor keeps runs; return a problem, if any."""
        ...


def initialise(working: Working, settings: Settings) -> int:
    """Apply the schema and declare configured accounts in the working file."""
    return pipeline.with_working(working, lambda con: pipeline.initialise(con, settings))


def begin(working: Working, summary: RunSummary) -> runs.Baseline:
    """Record the run as running; return what the previous build left, for the deltas."""
    return pipeline.with_working(working, lambda con: runs.begin(con, summary))


def stage_and_load(
    working: Working,
    items: list[InputFile],
    settings: Settings,
    period: tuple[date, date] | None,
    advance: Callable[[str], None],
) -> list[LoadOutcome]:
    """Stage the inputs in parallel, load them with the run's one writer; outcomes in order.

    Not one step: staging runs each input as its own unit (a Prefect task per input in a tracked
    run, a worker process otherwise), bounded by `[runner] timeout_seconds`; an input that
    crashed or timed out comes back as its failed outcome (`flows.load.staging`).
    """
    raw = pipeline.raw_root(working.path, settings)
    outcomes = stage_run.stage_and_load(
        working.con, working.path, items, settings, period, settings.runner, raw, advance
    )
    logger = run_logger()
    for outcome in outcomes:
        outcome.log(logger)
    return outcomes


def pull_api(working: Working, settings: Settings) -> list[LoadOutcome]:
    """Pull every configured API source into the working file (lookback included)."""
    from flows.api import runner  # the HTTP stack loads only for a run with API sources

    logger = run_logger()
    raw = pipeline.raw_root(working.path, settings)
    return pipeline.with_working(
        working,
        lambda con: runner.load_sources(
            con, settings, raw, progress=lambda outcome: outcome.log(logger)
        ),
    )


def build(working: Working, settings: Settings) -> tuple[dict[str, int], bool]:
    """Rebuild the metric tables in the working file unless nothing changed since the last build."""
    tables, done = pipeline.with_working(
        working, lambda con: models.refresh_metrics(con, settings.targets)
    )
    if done == "kept":
        run_logger().info("nothing new since the last build: metric tables kept as they are")
    return tables, done != "kept"


def finish(working: Working, summary: RunSummary) -> tuple[int | None, list[str]]:
    """Record the run's outcome in the file about to be published; return build id, headlines."""
    return pipeline.with_working(working, lambda con: runs.finish(con, summary))


def report(published: Path) -> str:
    """Write the HTML report next to the published file; return its path."""
    from flows.report import write_report  # the report's dependencies load only when it runs

    return str(write_report(published))


def export_parquet(published: Path, to: str, settings: Settings) -> int:
    """`[publish] parquet`: write the published metric tables as hive-partitioned Parquet."""
    from flows.publish import export

    return len(export.publish_parquet(published, to, settings.zones.storage))


INITIALISE = Step(initialise)
BEGIN = Step(begin)
PULL_API = Step(pull_api, timeout_seconds=API_TIMEOUT_SECONDS)
BUILD = Step(build, timeout_seconds=BUILD_TIMEOUT_SECONDS, retry_delays=IO_RETRY_DELAYS_SECONDS)
FINISH = Step(finish)
REPORT = Step(report, timeout_seconds=REPORT_TIMEOUT_SECONDS)
EXPORT_PARQUET = Step(export_parquet, timeout_seconds=REPORT_TIMEOUT_SECONDS)


def reason(result: Result, step: Step) -> str:
    """One line for a step that ended without a result."""
    if isinstance(result.error, TimeoutError):
        return f"timed out after {step.timeout_seconds:g} s"
    return f"internal error ({type(result.error).__name__}: {result.error})"


def _pull_api(executor: Executor, working: Working, settings: Settings) -> list[LoadOutcome]:
    """Pull every API source; a crash of the step fails the configured sources, not the run."""
    if not settings.api_sources:
        return []
    result = executor.run(PULL_API, working=working, settings=settings)
    if result.ok:
        outcomes: list[LoadOutcome] = result.value
        return outcomes
    why = reason(result, PULL_API)
    return [
        LoadOutcome(f"api://{source.name}", "failed", error=f"{why}; nothing new was pulled")
        for source in settings.api_sources
    ]


def _value(result: Result) -> Any:
    """A run-level step's value; its failure ends the run before publishing (nothing changes)."""
    if not result.ok:
        raise result.error  # type: ignore[misc]
    return result.value


def load_and_build(
    executor: Executor,
    summary: RunSummary,
    items: list[InputFile],
    settings: Settings,
    period: tuple[date, date] | None,
    lock_wait_seconds: float | None,
    pull_api: bool = False,
) -> RunSummary:
    """The life cycle every publishing run shares: load, build, record the run, publish."""
    db = Path(summary.db)
    wait = settings.lock_wait_seconds if lock_wait_seconds is None else lock_wait_seconds
    with pipeline.working_database(
        db, settings.memory_limit, wait, settings.keep_previous
    ) as working:
        _value(executor.run(INITIALISE, working=working, settings=settings))
        summary.baseline = _value(executor.run(BEGIN, working=working, summary=summary))
        with console.progress("ingest", total=len(items)) as advance:
            summary.inputs += stage_and_load(working, items, settings, period, advance)
        if pull_api:
            summary.inputs += _pull_api(executor, working, settings)
        built = executor.run(BUILD, working=working, settings=settings)
        summary.tables, summary.rebuilt = _value(built)
        done = executor.run(FINISH, working=working, summary=summary)
        summary.build_id, summary.headlines = _value(done)
    summary.published = True
    run_logger().info(
        "published %s: %d inputs, %d failed", db, len(summary.inputs), len(summary.failed)
    )
    if settings.parquet_export:
        exported = executor.run(
            EXPORT_PARQUET, published=db, to=settings.parquet_export, settings=settings
        )
        if not exported.ok:
            why = reason(exported, EXPORT_PARQUET)
            summary.problems.append(f"the Parquet export was not written: {why}")
    return summary


def after_publishing(
    executor: Executor, summary: RunSummary, write_report: bool, leave_summary: bool
) -> None:
    """Write the report, leave the summary; a failure here is reported, the data stays."""
    if write_report:
        result = executor.run(REPORT, published=Path(summary.db))
        if result.ok:
            summary.report = result.value
        else:
            summary.problems.append(f"the report was not written: {reason(result, REPORT)}")
    problem = executor.leave_summary(summary) if leave_summary else None
    if problem:
        summary.problems.append(problem)


def nightly(
    executor: Executor, db: str, config: str | None, lock_wait_seconds: float | None = None
) -> RunSummary:
    """Ingest new exports, pull every API source (lookback included), rebuild, publish, report."""
    parameters = {"db": db, "config": config, "lock_wait_seconds": lock_wait_seconds}
    summary = executor.new_summary(Path(db), "kunci-nightly", parameters)
    settings = load_settings(config)
    items = inputs.inbox(settings)
    load_and_build(executor, summary, items, settings, None, lock_wait_seconds, pull_api=True)
    after_publishing(executor, summary, write_report=True, leave_summary=True)
    return summary


def ingest_paths(
    executor: Executor,
    db: str,
    paths: list[str],
    account: str | None = None,
    period: tuple[date, date] | None = None,
    config: str | None = None,
    lock_wait_seconds: float | None = None,
) -> RunSummary:
    """Ingest ad-hoc exports (files or folders), rebuild, publish; refresh an existing report."""
    parameters = {
        "db": db,
        "paths": paths,
        "account": account,
        "period": period,
        "config": config,
        "lock_wait_seconds": lock_wait_seconds,
    }
    summary = executor.new_summary(Path(db), "kunci-ingest", parameters)
    settings = load_settings(config)
    hint = settings.account(account) if account else None
    items = list(inputs.expand([Path(p) for p in paths], hint))
    load_and_build(executor, summary, items, settings, period, lock_wait_seconds)
    after_publishing(executor, summary, report_exists(Path(db)), leave_summary=False)
    return summary


def report_exists(db: Path) -> bool:
    """A report beside the database is kept current by every command that publishes."""
    return (db.parent / "report.html").is_file()
