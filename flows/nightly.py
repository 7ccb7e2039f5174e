"""Prefect flows: the nightly run and ad-hoc ingestion, thin wiring over `ingest` and `pipeline`.

Tasks only read, call one function and write; nothing here looks at columns. Inputs are ingested one
after another because DuckDB has one writer per file; a bad input becomes a failed ledger row
and the run goes on, then the run publishes what loaded and reports what failed.
"""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import ingest, pipeline
from flows.ingest import InputFile, LoadOutcome
from flows.settings import Settings, load_settings


@dataclass
class RunSummary:
    """What a run did, for the command line and for `--json`."""

    db: str
    inputs: list[LoadOutcome] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)
    rebuilt: bool = False
    published: bool = False

    @property
    def failed(self) -> list[LoadOutcome]:
        """Inputs that could not be read at all."""
        return [o for o in self.inputs if o.status == "failed"]

    def as_dict(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return {
            "db": self.db,
            "published": self.published,
            "inputs": [o.as_dict() for o in self.inputs],
            "tables": self.tables,
            "rebuilt": self.rebuilt,
            "failed": len(self.failed),
        }


@task(cache_policy=NO_CACHE)
def initialise_task(work: Path, settings: Settings) -> int:
    """Apply the schema and declare configured accounts in the working file."""
    return pipeline.with_working(work, lambda con: pipeline.initialise(con, settings))


@task(cache_policy=NO_CACHE, task_run_name="ingest {item.path.name}")
def ingest_task(
    work: Path, item: InputFile, settings: Settings, period: tuple[date, date] | None
) -> LoadOutcome:
    """Load one input into the working file."""
    raw = pipeline.raw_root(work)
    outcome = pipeline.with_working(
        work, lambda con: ingest.ingest_file(con, item, settings, raw, period)
    )
    logger = get_run_logger()
    if outcome.status == "failed":
        logger.warning("%s: %s", outcome.path, outcome.error)
    else:
        logger.info(
            "%s: %s (%s rows read, %s loaded, %s quarantined, %s skipped)",
            outcome.path,
            outcome.status,
            outcome.rows_read,
            outcome.rows_loaded,
            outcome.rows_quarantined,
            outcome.rows_skipped,
        )
    return outcome


@task(cache_policy=NO_CACHE)
def build_task(work: Path, settings: Settings) -> tuple[dict[str, int], bool]:
    """Rebuild the metric tables in the working file unless nothing changed since the last build."""
    tables, rebuilt = pipeline.with_working(work, lambda con: pipeline.refresh(con, settings))
    if not rebuilt:
        get_run_logger().info("nothing new since the last build: metric tables kept as they are")
    return tables, rebuilt


def _load_and_build(
    db: Path, items: list[InputFile], settings: Settings, period: tuple[date, date] | None
) -> RunSummary:
    summary = RunSummary(db=str(db))
    with pipeline.working_database(db) as work:
        initialise_task(work, settings)
        summary.inputs = [ingest_task(work, item, settings, period) for item in items]
        summary.tables, summary.rebuilt = build_task(work, settings)
    summary.published = True
    get_run_logger().info(
        "published %s: %d inputs, %d failed", db, len(summary.inputs), len(summary.failed)
    )
    return summary


@flow(name="kunci-nightly", log_prints=False)
def nightly_flow(db: str, config: str | None = None) -> RunSummary:
    """Ingest what is new in every configured source, rebuild metrics, publish."""
    settings = load_settings(config)
    return _load_and_build(Path(db), ingest.inbox(settings), settings, None)


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
