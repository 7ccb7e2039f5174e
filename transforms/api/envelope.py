"""One API response as the raw zone keeps it: the request (without credentials) and the body.

Connectors produce envelopes and the mappings in `transforms.api` read only envelopes, so a live
pull and a replay from the raw zone go through the same code and give the same canonical rows.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

REFRESH = "refresh"
"""`Envelope.item` key of a maturing-post refresh request: the post ids it read, comma-separated."""


@dataclass(frozen=True)
class Window:
    """An inclusive range of local dates a request covers."""

    start: date
    end: date

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def split(self, days: int) -> list["Window"]:
        """Consecutive windows of at most `days` days covering this one (none if it is empty)."""
        spans, start = [], self.start
        while start <= self.end:
            stop = min(start + timedelta(days=days - 1), self.end)
            spans.append(Window(start, stop))
            start = stop + timedelta(days=1)
        return spans


@dataclass(frozen=True)
class Envelope:
    """A response as returned (token scrubbed), with what it was asked for and why.

    `stream` and `account_id` say which configured stream and account the request served; `item`
    carries per-item context a mapping needs (a media's id and type for its insights request);
    `page` numbers the pages of one paged request from 0. `body` is the response text as returned,
    with every occurrence of the token replaced; `fetched_at` is UTC.
    """

    source: str
    kind: str
    stream: str
    account_id: str
    window: Window | None
    method: str
    url: str
    params: dict[str, Any]
    status: int
    body: str
    fetched_at: datetime
    request_body: Any = None
    item: dict[str, str] = field(default_factory=dict)
    page: int = 0

    def data(self) -> Any:
        """The parsed JSON body (raises ValueError on a malformed body)."""
        return json.loads(self.body)

    def json_object(self) -> dict[str, Any]:
        """The body as a JSON object; empty when it is malformed or not an object.

        For mappings that read named members and count what is missing as missing.
        """
        try:
            data = self.data()
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    @property
    def ok(self) -> bool:
        """Whether the API answered with data (2xx)."""
        return 200 <= self.status < 300

    def fetched_on(self, timezone: str) -> date:
        """The date the response was fetched in a timezone (an account's: snapshot dates)."""
        return self.fetched_at.astimezone(ZoneInfo(timezone)).date()
