"""Stage, then load: inputs normalized in parallel into a staging folder, loaded by one writer.

Staging one input (`stage_input`) is a pure function of the input, the settings, its staging folder
and the raw zone: read the bytes, hash them, skip them when already loaded, land them in the raw
zone, normalize, and write the canonical frames as Parquet with a JSON manifest. It touches no
database and no module state, so any worker can run it: a thread, a worker process, a Dask worker
on another machine. The writer (`flows.staged_load`) then loads the staged inputs in input order,
each accepted or refused alone in `ops.load`, exactly as `flows.ingest.ingest_file` would have.

All staging file I/O goes through the functions at the end of this module (`_write_frame`,
`_write_manifest`, `read_manifest`, `frame_path`, `remove`), so the staging zone can move to an
fsspec URL in one place.
"""

import json
import shutil
from collections.abc import Collection
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl

from flows import raw_zone, zones
from flows.ingest import bound_account, normalize_input, read_bytes
from flows.inputs import InputFile
from flows.outcomes import LoadOutcome
from flows.settings import Settings
from transforms.errors import InputError
from transforms.schemas import TABLES

MANIFEST = "manifest.json"
QUARANTINE = "quarantine"
NOTHING_LOADED = "nothing of it was loaded"

Loaded = Collection[tuple[str, str | None]]  # (sha256, bound account) of every loaded input


@dataclass(frozen=True)
class StageJob:
    """Everything a worker needs to stage one input (picklable: no connection, no module state)."""

    item: InputFile
    settings: Settings
    period: tuple[date, date] | None
    raw_root: zones.Zone
    folder: str  # this input's staging folder

    @property
    def name(self) -> str:
        """The input's file name, for progress and task names."""
        return self.item.path.name


@dataclass(frozen=True)
class Staged:
    """One input's manifest: what the writer records in `ops.load`, and where its frames are.

    `status` is `staged` (frames written), `skipped` (its bytes were already loaded), `failed` or
    `ignored`. For a staged input, `outcome` is `loaded` or `quarantined` (every row went to
    quarantine; `error` then names the most frequent reason), as `LoadOutcome.loaded` says.
    `tables` maps each written table to its columns; `quarantine` is True when a quarantine frame
    was written.
    """

    source: str
    status: str
    started_at: datetime
    bound_account: str | None = None
    sha256: str | None = None
    raw_path: str | None = None
    format: str | None = None
    platform: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_skipped: int = 0
    notes: tuple[str, ...] = ()
    tables: dict[str, list[str]] = field(default_factory=dict)
    quarantine: bool = False
    outcome: str | None = None
    error: str | None = None
    folder: str = ""

    def outcome_of(self, load_id: int) -> LoadOutcome:
        """The `LoadOutcome` of this input once the writer recorded it as `load_id`."""
        return LoadOutcome(
            self.source,
            self.outcome or "loaded",
            format=self.format,
            platform=self.platform,
            rows_read=self.rows_read,
            rows_loaded=self.rows_loaded,
            rows_quarantined=self.rows_quarantined,
            rows_skipped=self.rows_skipped,
            error=self.error,
            load_id=load_id,
        )


def staging_root(work: Path) -> Path:
    """The staging zone lives next to the database, like the raw zone, one folder per file.

    Two databases in one folder hold two writer locks, so neither may clear the other's.
    """
    return work.parent / "staging" / work.name


def loaded_inputs(con: duckdb.DuckDBPyConnection) -> frozenset[tuple[str, str | None]]:
    """Every (sha256, bound account) already loaded: read once, before the workers start."""
    rows = con.execute(
        "select distinct sha256, bound_account from ops.load "
        "where status = 'loaded' and sha256 is not null"
    ).fetchall()
    return frozenset((str(digest), bound) for digest, bound in rows)


def stage_safely(job: StageJob, loaded: Loaded) -> str:
    """`stage_input`, with a defect in a parser failing this input alone; returns its folder."""
    started = datetime.now(UTC)
    try:
        return stage_input(job, loaded)
    except Exception as exc:
        return record_crash(job, started, f"internal error ({type(exc).__name__}: {exc})")


def record_crash(job: StageJob, started: datetime, reason: str) -> str:
    """Stage an input whose staging crashed, hung or died: failed, nothing of it loaded.

    As a crashed task was recorded before staging existed: the source alone, no digest.
    """
    staged = Staged(str(job.item.path), "failed", started, error=f"{reason}; {NOTHING_LOADED}")
    _write_manifest(job.folder, staged)
    return job.folder


def stage_input(job: StageJob, loaded: Loaded) -> str:
    """Stage one input into `job.folder` (frames and manifest); returns the folder.

    Never raises for bad input: an unreadable or unrecognised file is staged as failed, with
    the one-line error `ingest_file` would record.
    """
    item = job.item
    staged = Staged(
        str(item.path), "failed", datetime.now(UTC), bound_account(item), folder=job.folder
    )
    if item.ignored:
        return _finish(job, replace(staged, status="ignored", error=item.ignored))
    try:
        data = read_bytes(item.path)
    except InputError as exc:
        return _finish(job, replace(staged, error=str(exc)))
    digest = raw_zone.sha256_of(data)
    staged = replace(staged, sha256=digest)
    if (digest, staged.bound_account) in loaded:
        return _finish(job, replace(staged, status="skipped"))
    relative = raw_zone.land(job.raw_root, data, digest, item.path.suffix)
    staged = replace(staged, raw_path=str(relative))
    landed = raw_zone.to_normalize(job.raw_root, relative, data)
    del data  # a local landed copy is read by `normalize_file`, which frees it once it is split
    try:
        result = normalize_input(landed, item, job.settings, job.period)
    except InputError as exc:
        return _finish(job, replace(staged, error=str(exc)))
    outcome = LoadOutcome.loaded(staged.source, result.format, result, 0)
    tables = {}
    for table, frame in result.tables.items():
        if frame.height:  # as `store.record_load`: an empty frame writes nothing
            columns = [c for c in frame.columns if c in TABLES[table].columns]
            _write_frame(job.folder, table, frame.select(columns))
            tables[table] = columns
    quarantine = result.quarantine
    if quarantine.height:
        if "sheet" not in quarantine.columns:
            quarantine = quarantine.with_columns(pl.lit("").alias("sheet"))
        _write_frame(job.folder, QUARANTINE, quarantine.select(_QUARANTINE_COLUMNS))
    staged = replace(
        staged,
        status="staged",
        format=result.format,
        platform=result.platform,
        rows_read=result.rows_read,
        rows_loaded=result.rows_loaded,
        rows_quarantined=result.rows_quarantined,
        rows_skipped=result.rows_skipped,
        notes=result.notes,
        tables=tables,
        quarantine=bool(quarantine.height),
        outcome=outcome.status,
        error=outcome.error,
    )
    return _finish(job, staged)


_QUARANTINE_COLUMNS = ["sheet", "row_number", "reason", "raw"]


def _finish(job: StageJob, staged: Staged) -> str:
    _write_manifest(job.folder, staged)
    return job.folder


# --- the staging zone's files: the only functions that touch them ------------------------------


def frame_path(folder: str, name: str) -> str:
    """Where the Parquet file of one canonical table (or the quarantine) of an input lies."""
    return str(Path(folder) / f"{name}.parquet")


def _write_frame(folder: str, name: str, frame: pl.DataFrame) -> None:
    Path(folder).mkdir(parents=True, exist_ok=True)
    frame.write_parquet(frame_path(folder, name), compression="lz4", statistics=False)


def _write_manifest(folder: str, staged: Staged) -> None:
    """Write the manifest last, atomically: a folder with a manifest is complete."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    body = asdict(staged) | {"started_at": staged.started_at.isoformat(), "folder": folder}
    partial = Path(folder) / f".{MANIFEST}.partial"
    partial.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    partial.replace(Path(folder) / MANIFEST)


def read_manifest(folder: str) -> Staged:
    """The manifest a worker wrote for one input."""
    body = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    body["started_at"] = datetime.fromisoformat(body["started_at"])
    body["notes"] = tuple(body["notes"])
    return Staged(**body)


def read_frame(folder: str, name: str) -> pl.DataFrame:
    """One staged frame, as the worker wrote it."""
    return pl.read_parquet(frame_path(folder, name))


def remove(folder: str) -> None:
    """Remove a staging folder and everything in it (nothing when it does not exist)."""
    shutil.rmtree(folder, ignore_errors=True)
