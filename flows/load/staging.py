"""Stage, then load: inputs normalized in parallel into a staging zone, loaded by one writer.

Staging one input (`stage_input`) is a pure function of the input, the settings, its stem in the
staging zone and the raw zone: read the bytes, hash them, skip them when already loaded, land them
in the raw zone, normalize, and write the canonical frames as one Parquet file with a JSON
manifest beside it (`<stem>.parquet`, `<stem>.json`). It touches no database and no module
state, so any worker can run it: a thread, a worker process, a Dask worker on another machine.
The writer (`flows.load.staged_load`) then loads the staged inputs in input order, each accepted
or refused alone in `ops.load`, exactly as `flows.load.ingest.ingest_file` would have.

The staging zone is a local folder (`staging/` beside the database) or a URL (`[zones] staging`,
`flows.zones`). All its I/O goes through the end of this module: workers write there with
`_write_frames` and `_write_manifest`, the writer reads through a `StagingArea`, which also clears
what a run leaves. A worker opens the zone itself, its credentials read from its own environment
by the variable names the zone carries, so a job pickles to a process or a Dask worker secret-free.
"""

import io
import json
import shutil
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from flows import zones
from flows.config.settings import Settings
from flows.load import raw_zone
from flows.load.inputs import InputFile
from flows.load.outcomes import LoadOutcome
from flows.load.reading import bound_account, normalize_input, read_bytes
from transforms.canonical.schemas import TABLES
from transforms.container import workbooks
from transforms.errors import InputError

QUARANTINE = "quarantine"
PART = "part"
"""The column of an input's Parquet file naming the frame (table or quarantine) of each row."""
NOTHING_LOADED = "nothing of it was loaded"

Loaded = Collection[tuple[str, str | None]]  # (sha256, bound account) of every loaded input


@dataclass(frozen=True)
class StageJob:
    """Everything a worker needs to stage one input (picklable: no connection, no module state)."""

    item: InputFile
    settings: Settings
    period: tuple[date, date] | None
    raw_root: zones.Zone
    staging: zones.Zone
    stem: str  # this input's files without their extension, relative to the staging zone

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
    stem: str = ""  # relative to the staging zone

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


def stage_safely(job: StageJob, loaded: Loaded) -> str:
    """`stage_input`, with a defect in a parser failing this input alone; returns its stem."""
    started = datetime.now(UTC)
    try:
        return stage_input(job, loaded)
    except Exception as exc:
        return record_crash(job, started, f"internal error ({type(exc).__name__}: {exc})")


def read_natively(item: InputFile) -> bool:
    """Whether the input is read by native code that can abort its process (a workbook).

    One read of its first bytes (`transforms.container.workbooks.read_natively`); what is not a
    readable regular file is not (staging refuses it in one line; a FIFO would block the read).
    """
    if item.ignored or not item.path.is_file():
        return False
    try:
        with item.path.open("rb") as file:
            return workbooks.read_natively(file.read(workbooks.SIGNATURE_BYTES))
    except OSError:
        return False


def record_crash(job: StageJob, started: datetime, reason: str) -> str:
    """Stage an input whose staging crashed, hung or died: failed, nothing of it loaded.

    As a crashed task was recorded before staging existed: the source alone, no digest.
    """
    staged = Staged(
        str(job.item.path),
        "failed",
        started,
        error=f"{reason}; {NOTHING_LOADED}",
        stem=job.stem,
    )
    _write_manifest(job.staging, staged)
    return job.stem


def stage_input(job: StageJob, loaded: Loaded) -> str:
    """Stage one input as `job.stem` in the staging zone (frames, manifest); returns the stem.

    Never raises for bad input: an unreadable or unrecognised file is staged as failed, with
    the one-line error `ingest_file` would record.
    """
    item = job.item
    staged = Staged(str(item.path), "failed", datetime.now(UTC), bound_account(item), stem=job.stem)
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
    parts = []
    for table, frame in result.tables.items():
        if frame.height:  # as `store.record_load`: an empty frame writes nothing
            columns = [c for c in frame.columns if c in TABLES[table].columns]
            parts.append(_part(table, frame, columns))
            tables[table] = columns
    quarantine = result.quarantine
    if quarantine.height:
        if "sheet" not in quarantine.columns:
            quarantine = quarantine.with_columns(pl.lit("").alias("sheet"))
        parts.append(_part(QUARANTINE, quarantine, QUARANTINE_COLUMNS))
    if parts:
        _write_frames(job.staging, job.stem, parts)
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


QUARANTINE_COLUMNS = ["sheet", "row_number", "reason", "raw"]


def part_column(name: str, column: str) -> str:
    """The name of `column` of the frame `name` in an input's Parquet file."""
    return f"{name}.{column}"


def _part(name: str, frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """`columns` of one frame, renamed for its input's Parquet file, each row marked with `name`.

    Built of its columns, without a polars query: on a small export each query costs more than
    its work. The frames of one file need new names anyway: their columns would meet otherwise.
    """
    return pl.DataFrame(
        [
            pl.Series(PART, [name], pl.String).new_from_index(0, frame.height),
            *[frame.get_column(column).alias(part_column(name, column)) for column in columns],
        ]
    )


def _finish(job: StageJob, staged: Staged) -> str:
    _write_manifest(job.staging, staged)
    return job.stem


# --- the staging zone's files: the only functions that touch them ------------------------------


def _frames_name(stem: str) -> str:
    """Where the Parquet file of an input's canonical tables and quarantine lies."""
    return f"{stem}.parquet"


def manifest_name(stem: str) -> str:
    """Where an input's manifest lies."""
    return f"{stem}.json"


def _write_frames(zone: zones.Zone, stem: str, parts: list[pl.DataFrame]) -> None:
    """Write an input's frames as one Parquet file: straight to it locally, else through the zone.

    One file per input, not one per frame, and no folder per input: on ext4 each file and folder
    cost about 0.3 ms to create and as much to remove, whatever its size, against about 1 ms
    for a small input's Parquet; its frames are the rows of one `PART` each, their columns
    apart (`part_column`). The file needs no partial name: its input's manifest, written last,
    is what says it is done.
    """
    frame = parts[0] if len(parts) == 1 else pl.concat(parts, how="diagonal")
    relative = _frames_name(stem)
    if zone.is_local:
        zones.write_creating_folders(
            Path(zone.url_of(relative)),
            lambda path: frame.write_parquet(path, compression="lz4", statistics=False),
        )
        return
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="lz4", statistics=False)
    zone.write(relative, buffer.getvalue())


def _write_manifest(zone: zones.Zone, staged: Staged) -> None:
    """Write the manifest last, whole (`Zone.write`): an input with a manifest is complete."""
    body = vars(staged) | {"started_at": staged.started_at.isoformat()}  # no deep copy
    zone.write(manifest_name(staged.stem), json.dumps(body, ensure_ascii=False).encode())


@dataclass(frozen=True)
class StagingArea:
    """What the writer of one database reads and clears in the staging zone.

    Its staged inputs lie under `prefix` (the working file's name: two databases staging into
    one folder hold two writer locks, so neither may clear the other's). DuckDB reads Parquet
    from local files, so the Parquet of a URL zone is fetched into `scratch`, a local folder
    beside the working file, one frame of one batch at a time.
    """

    zone: zones.Zone
    prefix: str
    scratch: Path

    def read_manifests(self, stems: list[str]) -> list[Staged]:
        """The manifests the workers wrote, one per stem (fetched all at once from a URL)."""
        with self._fetched([manifest_name(stem) for stem in stems]) as files:
            return [_manifest(json.loads(path.read_bytes())) for path in files]

    def read_frames(self, stem: str, wanted: dict[str, list[str]]) -> dict[str, pl.DataFrame]:
        """Staged frames of one input (tables or the quarantine) as the worker had them.

        Each with its columns as `wanted` names them; the input's file is read (from a URL,
        fetched) once for all of them.
        """
        relative = _frames_name(stem)
        if self.zone.is_local:
            frames = pl.read_parquet(self.zone.url_of(relative))
        else:
            frames = pl.read_parquet(io.BytesIO(self.zone.read(relative)))
        return {
            name: frames.filter(pl.col(PART) == name).select(
                pl.col(part_column(name, column)).alias(column) for column in columns
            )
            for name, columns in wanted.items()
        }

    @contextmanager
    def frames_files(self, stems: list[str]) -> Iterator[list[str]]:
        """Local Parquet files of many inputs, for DuckDB, while the block runs."""
        with self._fetched([_frames_name(stem) for stem in stems]) as files:
            yield [str(path) for path in files]

    @contextmanager
    def _fetched(self, relatives: list[str]) -> Iterator[Sequence[Path]]:
        try:
            yield self.zone.fetch(relatives, self.scratch)
        finally:
            if not self.zone.is_local:
                shutil.rmtree(self.scratch, ignore_errors=True)

    def discard(self, stems: list[str]) -> None:
        """Remove the staged files of inputs the writer is done with, while the workers go on.

        Each input's files are read once, by the batch that loads it. Removed locally now, they
        no longer wait for the end of the run (1,440 files of 400 small inputs took 0.2 to 0.4 s
        to remove there, after the last load), and a file deleted this young is often never
        written to disk at all; an input without frames (skipped, failed) has its manifest
        alone. A URL zone keeps them for the one bulk delete of `clear`, cheaper than a request
        per input.
        """
        if self.zone.is_local:
            for stem in stems:
                self.zone.remove(_frames_name(stem))
                self.zone.remove(manifest_name(stem))

    def clear(self) -> None:
        """Remove every staged input of this database, and the scratch folder (absent: nothing).

        A local zone's folder goes too once it is empty, so a finished run leaves no empty
        `staging/` behind; another database's staged inputs keep it (and are never touched).
        """
        self.zone.remove(self.prefix)
        self.zone.remove_root_if_empty()
        shutil.rmtree(self.scratch, ignore_errors=True)


def _manifest(body: dict[str, Any]) -> Staged:
    body["started_at"] = datetime.fromisoformat(body["started_at"])
    body["notes"] = tuple(body["notes"])
    return Staged(**body)


def staging_area(work: Path, settings: Settings) -> StagingArea:
    """The staging area of the working file `work`: `[zones] staging`, else `staging/` beside it."""
    zone = settings.zones.staging_for(work)
    return StagingArea(zone, work.name, work.with_name(f"{work.name}.staged"))
