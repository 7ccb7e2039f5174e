"""Backfills: re-pull, or replay from the raw zone, a date range of the API sources, chunk by chunk.

Each chunk is one working copy, published when it succeeds, so an interrupted backfill keeps what it
finished: rerun it with the same parameters and it skips the published chunks
(`ops.backfill_chunk`) and resumes at the first unfinished one. Once every chunk is published, the
same backfill run again starts over (re-pulled days replace, never duplicate, what is there).
Within a chunk, sources pull in parallel within each API's concurrency limit (`flows.api.runner`);
loads stay serial, because a DuckDB file has one writer.

The chunk loop is written once, here, and handed to an executor of `flows.run.jobs`, as the nightly
run is: `flows.run.backfill` runs each chunk as a Prefect task of the `kunci-backfill` flow (the
`backfill` deployment, a tracked run); `flows.run.orchestration` runs it in this process when no
Prefect API is configured. So this module imports no Prefect: a local backfill starts no server.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from flows import console
from flows.api import runner
from flows.build import models
from flows.config.settings import DEFAULT_CHUNK_DAYS, Settings, load_settings
from flows.load import store
from flows.load.outcomes import LoadOutcome
from flows.run import jobs, pipeline
from flows.run.jobs import Executor, Step
from transforms.api.envelope import Window
from transforms.errors import InputError


@dataclass(frozen=True)
class ChunkResult:
    """What one chunk did; `done_before` when an earlier run of the same backfill published it."""

    start: date
    end: date
    outcomes: list[LoadOutcome] = field(default_factory=list)
    done_before: bool = False
    rebuilt: bool = False

    @property
    def failed(self) -> list[LoadOutcome]:
        """Pulls of the chunk that failed."""
        return [o for o in self.outcomes if o.status == "failed"]


@dataclass
class BackfillSummary:
    """A backfill's chunks, for the command line and `--json`."""

    db: str
    parameters: dict[str, object]
    chunks: list[ChunkResult] = field(default_factory=list)

    @property
    def failed(self) -> list[LoadOutcome]:
        """Every failed pull of the backfill."""
        return [o for chunk in self.chunks for o in chunk.failed]

    def as_dict(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return {
            "db": self.db,
            "parameters": self.parameters,
            "chunks": [
                {
                    "start": c.start.isoformat(),
                    "end": c.end.isoformat(),
                    "done_before": c.done_before,
                    "rebuilt": c.rebuilt,
                    "inputs": [asdict(o) for o in c.outcomes],
                }
                for c in self.chunks
            ],
            "failed": len(self.failed),
        }


class BackfillFailed(Exception):
    """A backfill whose chunk crashed; the chunks before it stay published, `summary` lists them.

    The message names the chunk, its error and what was published, so nobody reads "unchanged"
    of a database that holds the earlier chunks. Its arguments are (message, summary) so that it
    pickles (a tracked backfill's flow run fails with it).
    """

    def __init__(self, message: str, summary: BackfillSummary) -> None:
        super().__init__(message, summary)
        self.message = message
        self.summary = summary

    def __str__(self) -> str:
        return self.message


def crash_message(summary: BackfillSummary, chunk: Window, error: BaseException) -> str:
    """One line: which chunk crashed and why, what stays published, where a rerun resumes."""
    published = summary.chunks  # a chunk is in the summary once it is published
    kept = (
        f"published before it in {summary.db}: {published[0].start}..{published[-1].end} "
        f"({len(published)} chunk{'s' if len(published) > 1 else ''})"
        if published
        else f"nothing of it was published, {summary.db} is unchanged"
    )
    return (
        f"backfill chunk {chunk} failed ({type(error).__name__}: {error}); {kept}; "
        f"rerun the same backfill to resume at {chunk.start}"
    )


def backfill_key(parameters: dict[str, object]) -> str:
    """Identity of a backfill: the same parameters resume the same backfill."""
    text = json.dumps(parameters, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def published_chunks(db: Path, key: str) -> set[date]:
    """Start dates of the chunks of this backfill already published (read-only look)."""
    if not db.exists():
        return set()
    con = store.connect(db, read_only=True)
    try:
        if not store.table_exists(con, "ops", "backfill_chunk"):
            return set()
        rows = con.execute(
            "select chunk_start from ops.backfill_chunk where backfill_key = ? and failed = 0",
            [key],
        ).fetchall()
    finally:
        con.close()
    return {row[0] for row in rows}


def _record_chunk(
    con: duckdb.DuckDBPyConnection,
    key: str,
    parameters: dict[str, object],
    chunk: Window,
    outcomes: list[LoadOutcome],
) -> None:
    failed = sum(o.status == "failed" for o in outcomes)
    con.execute(
        "insert or replace into ops.backfill_chunk (backfill_key, chunk_start, chunk_end, "
        "parameters, loads, failed, finished_at) values (?, ?, ?, ?, ?, ?, ?)",
        [
            key,
            chunk.start,
            chunk.end,
            json.dumps(parameters, sort_keys=True, default=str),
            len(outcomes) - failed,
            failed,
            datetime.now(UTC),
        ],
    )


def check(
    settings: Settings, start: date, end: date, sources: list[str] | None, chunk_days: int
) -> None:
    """Refuse a backfill that cannot run, in one line (the command line checks before starting)."""
    if end < start:
        raise InputError(f"backfill end {end} is before its start {start}")
    if chunk_days < 1:
        raise InputError(f"--chunk-days (chunk_days) must be at least 1, not {chunk_days}")
    unknown = sorted(set(sources or ()) - {s.name for s in settings.api_sources})
    if unknown:
        known = ", ".join(s.name for s in settings.api_sources) or "none configured"
        raise InputError(f"unknown API source {', '.join(unknown)} (known: {known})")


def load_chunk(
    db: Path,
    settings: Settings,
    chunk: Window,
    parameters: dict[str, object],
    sources: list[str] | None,
    accounts: list[str] | None,
    replay: bool,
) -> ChunkResult:
    """Pull (or replay) one chunk for every selected source, rebuild, and publish it."""
    logger = jobs.run_logger()

    def work(con: duckdb.DuckDBPyConnection) -> tuple[list[LoadOutcome], bool]:
        pipeline.initialise(con, settings)
        outcomes = runner.load_sources(
            con,
            settings,
            pipeline.raw_root(db, settings),
            replay=replay,
            requested=chunk,
            sources=sources,
            accounts=accounts,
            progress=lambda outcome: outcome.log(logger),
        )
        _tables, done = models.refresh_metrics(con, settings.targets)
        _record_chunk(con, backfill_key(parameters), parameters, chunk, outcomes)
        return outcomes, done != "kept"

    with pipeline.working_database(
        db, settings.memory_limit, settings.lock_wait_seconds, settings.keep_previous
    ) as working:
        outcomes, rebuilt = pipeline.with_working(working, work)
    return ChunkResult(chunk.start, chunk.end, outcomes, rebuilt=rebuilt)


# No timeout and no retry, as before the executors: a chunk of re-pulls may take hours, and the
# pulls retry their own HTTP errors. A chunk that crashed ends the backfill; a rerun resumes it.
CHUNK = Step(load_chunk, run_name="backfill {chunk}")


def backfill(
    executor: Executor,
    db: str,
    start: date,
    end: date,
    source: list[str] | None = None,
    account: list[str] | None = None,
    replay: bool = False,
    config: str | None = None,
    chunk_days: int = DEFAULT_CHUNK_DAYS,
) -> BackfillSummary:
    """Re-pull or replay start..end chunk by chunk; resumable, one publish per chunk.

    A chunk whose step crashed (the database busy past the lock wait, a defect) raises
    `BackfillFailed` here, naming the chunks published before it, and the Prefect flow run fails
    with it.
    """
    settings = load_settings(config)
    check(settings, start, end, source, chunk_days)
    parameters: dict[str, object] = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "source": sorted(source or []),
        "account": sorted(account or []),
        "replay": replay,
        "chunk_days": chunk_days,
    }
    key = backfill_key(parameters)
    path = Path(db)
    summary = BackfillSummary(db=db, parameters=parameters)
    plan = Window(start, end).split(chunk_days)
    done = published_chunks(path, key)
    if done >= {chunk.start for chunk in plan}:
        done = set()  # the last run of this backfill finished: run it again from the start
    logger = jobs.run_logger()
    with console.progress("backfill", total=len(plan)) as advance:
        for number, chunk in enumerate(plan, start=1):
            if chunk.start in done:
                logger.info("[%d/%d] %s published by an earlier run", number, len(plan), chunk)
                summary.chunks.append(ChunkResult(chunk.start, chunk.end, done_before=True))
            else:
                ran = executor.run(
                    CHUNK,
                    db=path,
                    settings=settings,
                    chunk=chunk,
                    parameters=parameters,
                    sources=source,
                    accounts=account,
                    replay=replay,
                )
                if ran.error is not None:
                    message = crash_message(summary, chunk, ran.error)
                    raise BackfillFailed(message, summary) from ran.error
                result: ChunkResult = ran.value
                logger.info(
                    "[%d/%d] %s: %d pulls, %d failed",
                    number,
                    len(plan),
                    chunk,
                    len(result.outcomes),
                    len(result.failed),
                )
                summary.chunks.append(result)
            advance(str(chunk))
    return summary
