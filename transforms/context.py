"""What a transform needs to know beyond the file itself, and what it returns."""

from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl

from transforms.values.numbers import Locale

ROW = "_row"
"""The record's number in the file, 1-based as a spreadsheet shows it."""
RAW = "_raw"
"""The original record of a row: a struct of its cells keyed by the file's own column names."""


@dataclass(frozen=True)
class Account:
    """A configured (or discovered) account; exports rarely say everything about their account."""

    platform: str
    account_id: str
    handle: str | None = None
    account_name: str | None = None
    timezone: str = "Asia/Jakarta"
    currency: str | None = None
    is_own: bool = True
    brand: str | None = None


@dataclass(frozen=True)
class IngestContext:
    """Everything outside the bytes that a format may need to read an export correctly.

    `account` is the account the user named for this input (`--account`, or the source entry in
    `kunci.toml`); `accounts` are all configured accounts, used to resolve ids and handles found in
    files; `as_of` is the snapshot date for lifetime metrics when the export does not state one
    (the workspace's `as_of`, else the ingest date); `ingested_on` is the real date of the ingest,
    the last date an export can hold (None: unknown, no such check). `posts_from_api` holds
    (platform, account id, API source name) of the accounts whose posts an API source loads under
    other ids than the exports (LinkedIn): an export's post rows of such an account are skipped.
    """

    source_name: str
    as_of: date
    default_timezone: str = "Asia/Jakarta"
    account: Account | None = None
    accounts: tuple[Account, ...] = ()
    period: tuple[date, date] | None = None
    ingested_on: date | None = None
    posts_from_api: tuple[tuple[str, str, str], ...] = ()

    def posts_api_source(self, account: Account) -> str | None:
        """The API source that loads `account`'s posts, if one does (see `posts_from_api`)."""
        for platform, account_id, source in self.posts_from_api:
            if (platform, account_id) == (account.platform, account.account_id):
                return source
        return None

    @property
    def latest_plausible(self) -> date | None:
        """The last date a value of an export can have: its ingest date (one day of time zones)."""
        if self.ingested_on is None:
            return None
        return max(self.as_of, self.ingested_on) + timedelta(days=1)


@dataclass(frozen=True)
class ParsedInput:
    """An export's data rows as strings, with matched columns renamed to canonical field names.

    `frame` has `_row` (the file row number, 1-based as a spreadsheet shows it), `_raw` (the
    original record: a struct of its cells keyed by the file's column names, views of the same
    strings as the fields, encoded as JSON only for quarantined rows) and one String column per
    matched field. `headers` maps each field back to the export's own column name, for
    messages. `preamble` holds the records above the header (titles, date ranges, `#` comments).
    `sheet` is the worksheet name ('' for CSV). `unused` names the header's columns that the
    format does not read.
    `rows_described` counts the rows under the header that describe the columns (legacy Facebook
    Insights); they are read and skipped, so they are part of `rows_read` and `rows_blank`.
    `platform` and `latest_date` bound the dates a value can plausibly have (see `typed`).
    `rows_set_aside` counts rows of further tables stacked below this one (read, not loaded:
    skipped), which `notes` name.
    """

    frame: pl.DataFrame
    headers: dict[str, str]
    locale: Locale
    preamble: tuple[tuple[str, ...], ...]
    rows_read: int
    rows_blank: int
    sheet: str = ""
    unused: tuple[str, ...] = ()
    rows_described: int = 0
    platform: str = ""
    latest_date: date | None = None
    rows_set_aside: int = 0
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Normalized:
    """The canonical frames of one input, plus its quarantine and row accounting."""

    format: str
    platform: str
    tables: dict[str, pl.DataFrame]
    quarantine: pl.DataFrame
    rows_read: int
    rows_skipped: int
    notes: tuple[str, ...] = field(default=())

    @property
    def rows_quarantined(self) -> int:
        """Rows sent to quarantine with a reason."""
        return self.quarantine.height

    @property
    def rows_loaded(self) -> int:
        """Rows that reached a canonical table (one input row may feed several tables)."""
        return self.rows_read - self.rows_quarantined - self.rows_skipped
