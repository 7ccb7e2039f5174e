"""Prefect flows: the nightly run and ad-hoc ingestion, thin wiring over `ingest` and `pipeline`.

Tasks only read, call one function and write; nothing here looks at columns. Inputs are staged
in parallel (`flows.staging`: one tracked task each) and loaded by one writer, because DuckDB has
one writer per file, all through the run's one connection to its working file
(`pipeline.working_database`), each in its own ledger row. One input never stops the others: a bad
input becomes a failed ledger row, and so does an input whose staging crashed or timed out. The run
publishes what loaded, then the nightly run writes the report and its summary artifact, and ends
Failed (a Prefect `Failed` state carrying `RunFailed`) when anything failed, with one paragraph
naming what failed and what was still published.

Retries and timeouts: loading and building are local and deterministic, so another attempt helps
only against an I/O error of the disk or the database file (retried twice); a bad file fails the
same way every time and is never retried. Timeouts bound each input, the build and the report, so
one pathological file cannot hold the night's run. The artifact goes to the Prefect API over the
network and is retried.
"""

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
from prefect import Task, flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun
from prefect.runtime import flow_run
from prefect.states import Failed

from flows import console, ingest, pipeline, runs, staging
from flows.api import runner
from flows.ingest import InputFile, LoadOutcome
from flows.runs import RunFailed, RunSummary
from flows.settings import Settings, load_settings

__all__ = ["RunFailed", "RunSummary", "ingest_flow", "nightly_flow"]

BUILD_TIMEOUT_SECONDS = 60 * 60
REPORT_TIMEOUT_SECONDS = 10 * 60
API_TIMEOUT_SECONDS = 4 * 60 * 60  # a throttled first pull of a large account takes hours
IO_RETRY_DELAYS_SECONDS: list[float] = [5, 30]
ARTIFACT_KEY = "kunci-nightly-summary"


def io_error(task: Task[..., Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Retry condition: an I/O error may pass; a timeout or a defect would only repeat."""
    error = state.result(raise_on_failure=False)
    transient = isinstance(error, OSError | duckdb.IOException)
    return transient and not isinstance(error, TimeoutError)


@task(cache_policy=NO_CACHE)
def initialise_task(work: Path, settings: Settings) -> int:
    """Apply the schema and declare configured accounts in the working file."""
    return pipeline.with_working(work, lambda con: pipeline.initialise(con, settings))


@task(cache_policy=NO_CACHE, timeout_seconds=API_TIMEOUT_SECONDS)
def api_task(work: Path, settings: Settings) -> list[LoadOutcome]:
    """Pull every configured API source into the working file (lookback included)."""
    logger = get_run_logger()
    raw = pipeline.raw_root(work)
    return pipeline.with_working(
        work,
        lambda con: runner.load_sources(
            con, settings, raw, progress=lambda outcome: outcome.log(logger)
        ),
    )


@task(cache_policy=NO_CACHE)
def begin_task(work: Path, summary: RunSummary) -> runs.Baseline:
    """Record the run as running; return what the previous build left, for the deltas."""
    return pipeline.with_working(work, lambda con: runs.begin(con, summary))


@task(
    cache_policy=NO_CACHE,
    timeout_seconds=BUILD_TIMEOUT_SECONDS,
    retries=len(IO_RETRY_DELAYS_SECONDS),
    retry_delay_seconds=IO_RETRY_DELAYS_SECONDS,
    retry_condition_fn=io_error,
)
def build_task(work: Path, settings: Settings) -> tuple[dict[str, int], bool]:
    """Rebuild the metric tables in the working file unless nothing changed since the last build."""
    tables, rebuilt = pipeline.with_working(work, lambda con: pipeline.refresh(con, settings))
    if not rebuilt:
        get_run_logger().info("nothing new since the last build: metric tables kept as they are")
    return tables, rebuilt


@task(cache_policy=NO_CACHE)
def finish_task(work: Path, summary: RunSummary) -> tuple[int | None, list[str]]:
    """Record the run's outcome in the file about to be published; return build id, headlines."""
    return pipeline.with_working(work, lambda con: runs.finish(con, summary))


@task(cache_policy=NO_CACHE, timeout_seconds=REPORT_TIMEOUT_SECONDS)
def report_task(published: Path) -> str:
    """Write the HTML report next to the published file; return its path."""
    from flows.report import write_report  # the report's dependencies load only when it runs

    return str(write_report(published))


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5])
def artifact_task(summary: RunSummary) -> None:
    """Leave the run's summary in Prefect (loads, rows, quarantine, failures, metric deltas)."""
    create_markdown_artifact(
        markdown=runs.markdown(summary),
        key=ARTIFACT_KEY,
        description=f"{summary.flow} {summary.status}: {summary.db}",
    )


def _new_summary(db: Path) -> RunSummary:
    """The run's identity: the Prefect flow run when there is one, else a fresh id."""
    summary = RunSummary(db=str(db), parameters=dict(flow_run.parameters))
    if flow_run.id is not None:
        summary.run_id, summary.flow = str(flow_run.id), str(flow_run.flow_name)
    return summary


def _reason(state: State[Any], timeout: float | None) -> str:
    """One line for a task that ended without a result."""
    error = state.result(raise_on_failure=False)
    if isinstance(error, TimeoutError):
        return f"timed out after {timeout:g} s"
    return f"internal error ({type(error).__name__}: {error})"


def _stage_and_load(
    work: Path,
    items: list[InputFile],
    settings: Settings,
    period: tuple[date, date] | None,
    advance: Callable[[str], None],
) -> list[LoadOutcome]:
    """Stage the inputs in parallel (tracked tasks), load them with the run's one writer."""
    outcomes = pipeline.with_working(
        work,
        lambda con: staging.stage_and_load(
            con, work, items, settings, period, settings.runner, advance
        ),
    )
    logger = get_run_logger()
    for outcome in outcomes:
        outcome.log(logger)
    return outcomes


def _pull_api(work: Path, settings: Settings) -> list[LoadOutcome]:
    """Pull every API source; a crash of the step fails the configured sources, not the run."""
    if not settings.api_sources:
        return []
    state = api_task(work, settings, return_state=True)
    if state.is_completed():
        outcomes: list[LoadOutcome] = state.result()
        return outcomes
    reason = _reason(state, api_task.timeout_seconds)
    return [
        LoadOutcome(f"api://{source.name}", "failed", error=f"{reason}; nothing new was pulled")
        for source in settings.api_sources
    ]


def _load_and_build(
    db: Path,
    items: list[InputFile],
    settings: Settings,
    period: tuple[date, date] | None,
    pull_api: bool = False,
) -> RunSummary:
    """The life cycle every publishing flow shares: load, build, record the run, publish."""
    summary = _new_summary(db)
    with pipeline.working_database(db, settings.memory_limit) as work:
        initialise_task(work, settings)
        summary.baseline = begin_task(work, summary)
        with console.progress("ingest", total=len(items)) as advance:
            summary.inputs += _stage_and_load(work, items, settings, period, advance)
        if pull_api:
            summary.inputs += _pull_api(work, settings)
        summary.tables, summary.rebuilt = build_task(work, settings)
        summary.build_id, summary.headlines = finish_task(work, summary)
    summary.published = True
    get_run_logger().info(
        "published %s: %d inputs, %d failed", db, len(summary.inputs), len(summary.failed)
    )
    return summary


def _after_publishing(summary: RunSummary) -> None:
    """Write the report and the artifact; a failure here is reported, the data stays published."""
    report = report_task(Path(summary.db), return_state=True)
    if report.is_completed():
        summary.report = report.result()
    else:
        reason = _reason(report, report_task.timeout_seconds)
        summary.problems.append(f"the report was not written: {reason}")
    artifact = artifact_task(summary, return_state=True)
    if not artifact.is_completed():
        summary.problems.append(f"the summary artifact was not created: {artifact.message}")


@flow(name="kunci-nightly", log_prints=False)
def nightly_flow(db: str, config: str | None = None) -> RunSummary:
    """Ingest new exports, pull every API source (lookback included), rebuild, publish, report.

    Ends Failed when an input, the report or the artifact failed, after publishing what loaded:
    calling it then raises `RunFailed`, whose `summary` is the run's summary.
    """
    settings = load_settings(config)
    summary = _load_and_build(Path(db), ingest.inbox(settings), settings, None, pull_api=True)
    _after_publishing(summary)
    if summary.status == "failed":
        message = summary.message()
        get_run_logger().error(message)
        # Prefect ends a flow run in the state its function returns; mypy cannot express that.
        return Failed(message=message, data=RunFailed(message, summary))  # type: ignore[return-value]
    return summary


@flow(name="kunci-ingest", log_prints=False)
def ingest_flow(
    db: str,
    paths: list[str],
    account: str | None = None,
    period: tuple[date, date] | None = None,
    config: str | None = None,
) -> RunSummary:
    """Ingest ad-hoc exports (files or folders), rebuild metrics, publish."""
    settings = load_settings(config)
    hint = settings.account(account) if account else None
    items = list(ingest.expand([Path(p) for p in paths], hint))
    return _load_and_build(Path(db), items, settings, period)
