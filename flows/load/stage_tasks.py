"""Staging under a Prefect flow run: one tracked task per input, submitted to a task runner.

Kept apart from `flows.load.stage_pool` so that a run without Prefect never imports Prefect.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from flows.config.settings import RunnerConfig
from flows.load import staging
from flows.load.stage_pool import Progress, WorkerPool, workbook_pool
from flows.load.staging import Loaded, StageJob


@task(cache_policy=NO_CACHE, task_run_name="stage {job.item.path.name}")
def stage_task(job: StageJob, loaded: Loaded, pool: WorkerPool | None, timeout: float) -> str:
    """Stage one input: in a worker process of `pool` when given, else where the task runs."""
    if pool is None:
        return staging.stage_safely(job, loaded)
    return pool.stage(job, timeout)


def stage_tracked(
    jobs: list[StageJob], loaded: Loaded, runner: RunnerConfig, workers: int, progress: Progress
) -> None:
    """Submit one `stage_task` per job to the configured task runner; record what crashed."""
    threads: TaskRunner[Any] = ThreadPoolTaskRunner(max_workers=workers)
    if runner.kind == "processes":
        with WorkerPool(workers, loaded) as pool:
            _submit(jobs, loaded, lambda _job: pool, runner, threads, progress)
        return
    if runner.kind == "threads":  # a workbook native code reads still goes to a worker
        with workbook_pool(jobs, loaded) as workbooks:
            route = workbooks.pool_for if workbooks else _nowhere
            _submit(jobs, loaded, route, runner, threads, progress)
        return
    _submit(jobs, loaded, _nowhere, runner, _dask_runner(runner, workers), progress)


def _nowhere(_job: StageJob) -> WorkerPool | None:
    """No worker process: the job is staged where its task runs."""
    return None


def _submit(
    jobs: list[StageJob],
    loaded: Loaded,
    route: Callable[[StageJob], WorkerPool | None],
    runner: RunnerConfig,
    task_runner: TaskRunner[Any],
    progress: Progress,
) -> None:
    started = datetime.now(UTC)
    with task_runner:
        futures: dict[PrefectFuture[str], StageJob] = {
            task_runner.submit(*_task_for(job, loaded, route(job), runner)): job for job in jobs
        }
        for future in as_completed(list(futures)):
            job = futures[future]
            future.wait()  # keeps the final state: else `state` asks the server, maybe behind
            state = future.state
            if not state.is_completed():
                staging.record_crash(job, started, _reason(state, runner.timeout_seconds))
            progress(job)


def _task_for(
    job: StageJob, loaded: Loaded, pool: WorkerPool | None, runner: RunnerConfig
) -> tuple[Any, dict[str, Any]]:
    """The task staging `job` and its parameters: in `pool` (when given), or where it runs.

    `pool` is given every job of the processes runner and the natively read workbooks of the
    threads runner. A worker process is killed at the timeout; a thread or a Dask task is
    abandoned by Prefect.
    """
    task = stage_task if pool else stage_task.with_options(timeout_seconds=runner.timeout_seconds)
    return task, {"job": job, "loaded": loaded, "pool": pool, "timeout": runner.timeout_seconds}


def _reason(state: Any, timeout: float) -> str:
    """One line for a staging task that ended without a result."""
    error = state.result(raise_on_failure=False)
    if isinstance(error, TimeoutError):
        return f"timed out after {timeout:g} s"
    return f"internal error ({type(error).__name__}: {error})"


def _dask_runner(runner: RunnerConfig, workers: int) -> TaskRunner[Any]:
    from prefect_dask.task_runners import DaskTaskRunner

    from flows.load import stage_dask

    if runner.dask_address:
        return DaskTaskRunner(address=runner.dask_address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs=stage_dask.local_cluster_options(workers),
    )
