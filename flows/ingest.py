"""Ingest one input into a working database: read, land in the raw zone, normalize, load.

Pure orchestration over `transforms` and `store`; the Prefect tasks in `flows.nightly` call these.
Every outcome, including an input that could not be read, is recorded and returned as a
`LoadOutcome`, so the caller reports one line per input and never sees a traceback for bad input.
"""

import logging
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
from polars.exceptions import PanicException

from flows import raw_zone, store, zones
from flows.settings import Settings
from transforms.context import Account, IngestContext, Normalized
from transforms.errors import InputError
from transforms.formats import FORMATS
from transforms.read import normalize_export, normalize_file

IGNORED_PREFIXES = (".", "~$")  # hidden files, Excel lock files


@dataclass(frozen=True)
class LoadOutcome:
    """One input's result, as `kunci ingest --json` prints it."""

    path: str
    # loaded, quarantined (loaded, but every row went to quarantine), skipped (already loaded),
    # ignored (found in a folder but not read, e.g. a link out of it), failed
    status: str
    format: str | None = None
    platform: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_skipped: int = 0
    error: str | None = None
    load_id: int | None = None
    # API post streams: posts whose lifetime insights this pull read again (`post_refresh_days`)
    posts_refreshed: int = 0
    # API sources billed per read (X): resources this pull read, failed pulls included
    reads_used: int = 0

    @classmethod
    def loaded(
        cls, source: str, format_name: str | None, result: Normalized, load_id: int
    ) -> "LoadOutcome":
        """A loaded input (a file or an API pull) with the row accounting of its result.

        An input whose rows all went to quarantine is recorded like any load, but its status says
        so, with the most frequent reason: exit 0 and "loaded" would hide that nothing arrived.
        """
        emptied = result.rows_loaded == 0 and result.rows_quarantined > 0
        return cls(
            source,
            "quarantined" if emptied else "loaded",
            error=_every_row_quarantined(result) if emptied else None,
            format=format_name,
            platform=result.platform,
            rows_read=result.rows_read,
            rows_loaded=result.rows_loaded,
            rows_quarantined=result.rows_quarantined,
            rows_skipped=result.rows_skipped,
            load_id=load_id,
        )

    def as_dict(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return asdict(self)

    def log(self, logger: logging.Logger | logging.LoggerAdapter[logging.Logger]) -> None:
        """One line in the run's log: a warning naming the error, else the row accounting."""
        if self.status in ("failed", "ignored"):
            logger.warning("%s: %s", self.path, self.error)
            return
        log = logger.warning if self.status == "quarantined" else logger.info
        log(
            "%s: %s (%s rows read, %s loaded, %s quarantined, %s skipped)",
            self.path,
            self.status,
            self.rows_read,
            self.rows_loaded,
            self.rows_quarantined,
            self.rows_skipped,
        )


def _every_row_quarantined(result: Normalized) -> str:
    reasons = result.quarantine.get_column("reason").value_counts(sort=True)
    reason, count = reasons.row(0)
    others = f" ({count} of {result.rows_quarantined} rows)" if reasons.height > 1 else ""
    return f"every row quarantined: {reason}{others}"


@dataclass(frozen=True)
class InputFile:
    """A file to ingest and the account its source binds it to (if any).

    `ignored` says why a file found in a folder is not read (a link leading out of the folder).
    """

    path: Path
    account: Account | None = None
    ignored: str | None = None


def expand(paths: Iterable[Path], account: Account | None = None) -> Iterator[InputFile]:
    """Files under the given paths, sorted; a missing path is yielded so it fails visibly.

    A path the user names is read even when it is a link. Inside a folder, a link (or a file
    under a linked folder) is read only when its target lies inside that folder: an inbox must
    not copy `/etc/passwd` into the raw zone because someone left a link to it there.
    """
    for path in paths:
        if path.is_dir():
            root = path.resolve()
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not p.name.startswith(IGNORED_PREFIXES)
            )
            yield from (_inside(child, root, account) for child in files)
            if not files:
                yield InputFile(path, account)
        else:
            yield InputFile(path, account)


def _inside(child: Path, root: Path, account: Account | None) -> InputFile:
    target = child.resolve()
    if target.is_relative_to(root):
        return InputFile(child, account)
    return InputFile(child, account, ignored=f"a link to {target}, outside the folder: not read")


def inbox(settings: Settings) -> list[InputFile]:
    """Every file of every configured export source (a file listed by two sources counts once)."""
    seen: dict[Path, InputFile] = {}
    for source in settings.sources:
        for item in expand([source.path], source.account):
            seen.setdefault(item.path.resolve(), item)
    return list(seen.values())


def today_in(timezone: str) -> date:
    """The local date in the workspace timezone (the default snapshot date)."""
    return datetime.now(ZoneInfo(timezone)).date()


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    item: InputFile,
    settings: Settings,
    raw_root: zones.Zone | Path,
    period: tuple[date, date] | None = None,
) -> LoadOutcome:
    """Load one file into the database behind `con`; never raises for bad input.

    The one-input path (tests, backfill): a run stages its inputs in parallel and loads them in
    batches (`flows.staging`), through the same `read_bytes` and `normalize_input`.
    """
    started = datetime.now(UTC)
    source = str(item.path)
    if item.ignored:
        return LoadOutcome(source, "ignored", error=item.ignored)
    bound = bound_account(item)
    entry = store.LedgerEntry(source=source, started_at=started, bound_account=bound)
    try:
        data = read_bytes(item.path)
    except InputError as exc:
        return _failed(con, entry, str(exc))
    digest = raw_zone.sha256_of(data)
    previous = store.loaded_load_id(con, digest, bound)
    if previous is not None:
        return LoadOutcome(source, "skipped", load_id=previous)
    relative = raw_zone.land(raw_root, data, digest, item.path.suffix)
    landed = raw_zone.to_normalize(raw_root, relative, data)
    del data  # a local landed copy is read by `normalize_file`, which frees it once it is split
    entry = store.LedgerEntry(source, started, digest, str(relative), bound)
    try:
        result = normalize_input(landed, item, settings, period)
    except InputError as exc:
        return _failed(con, entry, str(exc))
    load_id = store.record_load(con, entry, result)
    return LoadOutcome.loaded(source, result.format, result, load_id)


def bound_account(item: InputFile) -> str | None:
    """The account binding the ledger records (`platform:account_id`), if the source names one."""
    return f"{item.account.platform}:{item.account.account_id}" if item.account else None


def normalize_input(
    data: bytes | Path, item: InputFile, settings: Settings, period: tuple[date, date] | None
) -> Normalized:
    """Normalize one file in the workspace's context; raises InputError for bad input.

    `data` is the file's bytes or its landed copy (`raw_zone.to_normalize`).

    A polars panic becomes an InputError too: an engine defect on this file's data fails this
    input alone, in one line (a panic is a BaseException and would otherwise end the run).
    """
    ctx = IngestContext(
        source_name=item.path.name,
        as_of=settings.as_of or today_in(settings.timezone),
        ingested_on=today_in(settings.timezone),
        default_timezone=settings.timezone,
        account=item.account,
        accounts=settings.accounts,
        period=period,
        posts_from_api=settings.posts_from_api(),
    )
    try:
        if isinstance(data, Path):
            return normalize_file(data, ctx, FORMATS + settings.formats)
        return normalize_export(data, ctx, FORMATS + settings.formats)
    except PanicException as exc:
        error = f"internal error in the polars engine while parsing ({exc}); please report it"
        raise InputError(error) from None


def _failed(con: duckdb.DuckDBPyConnection, entry: store.LedgerEntry, error: str) -> LoadOutcome:
    """Record a failed input in the ledger and report it."""
    load_id = store.record_failure(con, entry, error)
    return LoadOutcome(entry.source, "failed", error=error, load_id=load_id)


def read_bytes(path: Path) -> bytes:
    """The bytes of an input file; InputError (one line) when it is missing or unreadable."""
    if not path.exists():
        raise InputError("no such file or directory")
    if path.is_dir():
        raise InputError("folder holds no files to ingest")
    if not path.is_file():
        raise InputError("not a regular file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}") from None
