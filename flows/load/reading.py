"""Read one input and normalize it in the workspace's context: no database.

The steps `flows.load.ingest.ingest_file` (which then loads the result) and a staging worker
(`flows.load.staging`, which writes it as Parquet) share. Apart so that a worker process, which
never opens a database, does not import DuckDB to start (a tenth of a second of each start).
"""

from datetime import date
from pathlib import Path

from polars.exceptions import PanicException

from flows.config.settings import Settings, today_in
from flows.load.inputs import InputFile
from transforms.context import IngestContext, Normalized
from transforms.errors import InputError
from transforms.formats import FORMATS
from transforms.normalize import normalize_export, normalize_file


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
