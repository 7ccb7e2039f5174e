"""What became of one input (a file or an API pull): the record every run step reports.

Its own module because every step that reads inputs returns one (one-file ingest, staged loads,
API pulls, backfills) and the run summary, the CLI and the tests read them, none of which needs
the code that ingests a file.
"""

import logging
from dataclasses import asdict, dataclass

from transforms.context import Normalized


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
