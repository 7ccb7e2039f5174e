"""Prefect flows: the nightly run and ad-hoc ingestion as tracked runs, and their entry points.

The sequence of a run is written once, in `flows.run.jobs`; here each of its steps runs as a Prefect
task (its timeout and I/O retries as task options), so a run on a Prefect server shows every
input as a task run, keeps the run's logs and history, and leaves the nightly summary as a
markdown artifact. `prefect.yaml` and `kunci serve` deploy these flows; the command line runs
them only when a Prefect API is configured (`flows.run.orchestration`), else it runs the same
sequence in its own process. The flows end as the sequence says: the nightly run ends Failed (a
Prefect `Failed` state carrying `RunFailed`) when anything failed, after publishing what loaded.

Tasks run one after another on the flow's thread, all through the run's one connection to its
working file (`pipeline.Working`, passed as an argument): DuckDB has one writer per file.
"""

from datetime import date
from functools import cache
from typing import Any

from prefect import Task, flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun
from prefect.runtime import flow_run
from prefect.states import Failed

from flows.run import jobs, runs
from flows.run.jobs import Result, Step
from flows.run.runs import RunFailed, RunSummary

__all__ = ["RunFailed", "RunSummary", "ingest_flow", "nightly_flow"]

ARTIFACT_KEY = "kunci-nightly-summary"


def io_error(task: Task[..., Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Retry condition: an I/O error may pass; a timeout or a defect would only repeat."""
    return jobs.transient(state.result(raise_on_failure=False))


@cache
def as_task(step: Step) -> Task[..., Any]:
    """The Prefect task of a step, its policy as task options (made once per step)."""
    retried = bool(step.retry_delays)
    wrap = task(
        name=step.name,
        task_run_name=step.run_name,
        cache_policy=NO_CACHE,
        timeout_seconds=step.timeout_seconds,
        retries=len(step.retry_delays),
        retry_delay_seconds=list(step.retry_delays) if retried else None,
        retry_condition_fn=io_error if retried else None,
    )
    return wrap(step.action)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5])
def artifact_task(summary: RunSummary) -> None:
    """Leave the run's summary in Prefect (loads, rows, quarantine, failures, metric deltas)."""
    create_markdown_artifact(
        markdown=runs.markdown(summary),
        key=ARTIFACT_KEY,
        description=f"{summary.flow} {summary.status}: {summary.db}",
    )


class PrefectExecutor:
    """Runs each step as a Prefect task of the current flow run."""

    def run(self, step: Step, **arguments: Any) -> Result:
        """Run the step's task; its failed or crashed state becomes the result's error."""
        state = as_task(step)(**arguments, return_state=True)
        if state.is_completed():
            return Result(state.result())
        return Result(error=state.result(raise_on_failure=False))

    def new_summary(self, db: Any, flow: str, parameters: dict[str, Any]) -> RunSummary:
        """The flow run's id, name and parameters."""
        summary = RunSummary(db=str(db), flow=flow, parameters=dict(flow_run.parameters))
        if flow_run.id is not None:
            summary.run_id, summary.flow = str(flow_run.id), str(flow_run.flow_name)
        return summary

    def leave_summary(self, summary: RunSummary) -> str | None:
        """The summary as a markdown artifact of the flow run."""
        artifact = artifact_task(summary, return_state=True)
        if artifact.is_completed():
            return None
        return f"the summary artifact was not created: {artifact.message}"


@flow(name="kunci-nightly", log_prints=False)
def nightly_flow(
    db: str, config: str | None = None, lock_wait_seconds: float | None = None
) -> RunSummary:
    """Ingest new exports, pull every API source (lookback included), rebuild, publish, report.

    Ends Failed when an input, the report or the artifact failed, after publishing what loaded:
    calling it then raises `RunFailed`, whose `summary` is the run's summary.
    """
    summary = jobs.nightly(PrefectExecutor(), db, config, lock_wait_seconds)
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
    lock_wait_seconds: float | None = None,
) -> RunSummary:
    """Ingest ad-hoc exports (files or folders), rebuild metrics, publish."""
    return jobs.ingest_paths(
        PrefectExecutor(), db, paths, account, period, config, lock_wait_seconds
    )
