"""GA4 Data API connector: one `runReport` per window, paged by `limit` / `offset`.

`POST {base_url}/v1beta/properties/<number>:runReport` with the token as `Authorization:
Bearer`. The `traffic` stream asks for `date, sessionSource, sessionMedium, sessionCampaignName`
with sessions, engaged sessions, key events, revenue, users, views and one `keyEvents:<event>`
metric per lead event (`options.lead_events`, default `["generate_lead"]`). Rows are ordered by
every dimension so that pages do not overlap; the offset advances by the rows received until it
reaches `rowCount`. `options.page_size` sets `limit` (default 10000; GA4 allows 250000).
"""

from typing import Any

from flows.api.classify import google_error
from flows.api.client import ApiClient
from flows.api.rawlog import RawLog
from flows.api.refusals import ask_for_metrics
from flows.api.streams import Stream
from flows.config.settings import ApiSource
from transforms.api import ga4 as mapping
from transforms.api.envelope import Envelope, Window

STREAMS = (Stream("traffic", "properties"),)
# the report asks for what the mapping (transforms.api.ga4) reads
DIMENSIONS = tuple(mapping.DIMENSIONS)
METRICS = tuple(mapping.MEASURES)
DEFAULT_LEAD_EVENTS = ("generate_lead",)
DEFAULT_PAGE_SIZE = 10000


def client_for(source: ApiSource, token: str, rawlog: RawLog | None, **kw: Any) -> ApiClient:
    """A bearer-token client that sorts answers with Google's error classifier."""
    return ApiClient(
        source=source, token=token, rawlog=rawlog, auth="bearer", classify=google_error, **kw
    )


def report_path(account_id: str) -> str:
    """The `runReport` path of a property given as `properties/<number>` or `<number>`."""
    return f"/v1beta/properties/{account_id.removeprefix('properties/')}:runReport"


def _body(window: Window, metrics: list[str], limit: int, offset: int) -> dict[str, Any]:
    return {
        "dateRanges": [{"startDate": window.start.isoformat(), "endDate": window.end.isoformat()}],
        "dimensions": [{"name": name} for name in DIMENSIONS],
        "metrics": [{"name": name} for name in metrics],
        "orderBys": [{"dimension": {"dimensionName": name}} for name in DIMENSIONS],
        "limit": limit,
        "offset": offset,
    }


def pull(
    client: ApiClient, source: ApiSource, stream: Stream, account_id: str, window: Window
) -> list[Envelope]:
    """Every page of the property's traffic report for the window (refusals included)."""
    if stream.name != "traffic":
        raise ValueError(f"GA4 has no stream '{stream.name}'")
    leads = source.options.get("lead_events", DEFAULT_LEAD_EVENTS)
    metrics = (*METRICS, *(f"{mapping.LEAD_PREFIX}{event}" for event in leads))
    limit = int(source.options.get("page_size", DEFAULT_PAGE_SIZE))
    kept: list[Envelope] = []
    offset = page = 0
    while True:

        def send(asked: list[str], offset: int = offset, page: int = page) -> Envelope:
            body = _body(window, asked, limit, offset)
            return client.post(
                report_path(account_id),
                body,
                stream=stream.name,
                account_id=account_id,
                window=window,
                page=page,
            )

        envelope = ask_for_metrics(client, stream.name, metrics, send, kept)
        if envelope is None:
            return kept
        kept.append(envelope)
        data = envelope.data()
        offset += len(data.get("rows") or [])
        if not data.get("rows") or offset >= int(data.get("rowCount", 0)):
            return kept
        page += 1
