"""What can go wrong with an API request, sorted by what the caller must do about it.

Messages are one line and never contain a token: the client scrubs them before raising.
"""

from transforms.api.envelope import Envelope


class ApiError(Exception):
    """A request failed for good (retries exhausted, or an error retrying cannot fix).

    The stream it served fails for this run; other streams and sources go on.
    """

    def __init__(self, message: str, envelope: Envelope | None = None) -> None:
        super().__init__(message)
        self.envelope = envelope


class TokenError(ApiError):
    """The token is expired, revoked or invalid (Meta code 190, HTTP 401): its source fails."""


class ItemError(ApiError):
    """One item has no data to give (media posted before a business conversion, too few viewers).

    Recorded and skipped: the caller keeps the envelope so the mapping quarantines that item.
    """


class InvalidMetricError(ApiError):
    """The API refused metrics by name (deprecated or unknown): drop them, record, ask again."""

    def __init__(self, message: str, metrics: tuple[str, ...], envelope: Envelope | None = None):
        super().__init__(message, envelope)
        self.metrics = metrics
