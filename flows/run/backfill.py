"""The backfill as a tracked run: the `kunci-backfill` Prefect flow of the `backfill` deployment.

Its chunk loop is `flows.run.backfill_run`, written once; here each chunk runs as a Prefect task of
this flow (`flows.run.nightly.PrefectExecutor`), so a Prefect server shows one task run per chunk
with its log. The command line runs this flow only when a Prefect API is configured
(`flows.run.orchestration`); otherwise it runs the same loop in its own process, without Prefect.
"""

from datetime import date

from prefect import flow

from flows.config.settings import DEFAULT_CHUNK_DAYS
from flows.run import backfill_run
from flows.run.backfill_run import BackfillSummary
from flows.run.nightly import PrefectExecutor


@flow(name="kunci-backfill", log_prints=False)
def backfill_flow(
    db: str,
    start: date,
    end: date,
    source: list[str] | None = None,
    account: list[str] | None = None,
    replay: bool = False,
    config: str | None = None,
    chunk_days: int = DEFAULT_CHUNK_DAYS,
) -> BackfillSummary:
    """Re-pull or replay start..end chunk by chunk; resumable, one publish per chunk."""
    return backfill_run.backfill(
        PrefectExecutor(), db, start, end, source, account, replay, config, chunk_days
    )
