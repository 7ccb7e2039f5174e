"""LinkedIn Community Management API connector: a LinkedIn Page's statistics and posts.

Versioned REST API (`https://api.linkedin.com/rest`): every request carries `Authorization:
Bearer`, `LinkedIn-Version: <YYYYMM>` (option `linkedin_version`, default `DEFAULT_VERSION`) and
`X-Restli-Protocol-Version: 2.0.0`. Rest.li 2.0 reads structure from the query text itself
(`timeIntervals=(timeRange:(start:..,end:..),timeGranularityType:DAY)`, `shares=List(..)`), so
parentheses, colons and commas are sent as they are and only the leaves (URNs) are
percent-encoded; `RestliSession` sends the query exactly as built here.

Streams (the configured `organizations`, numeric ids or `urn:li:organization:<id>`):

- `share_statistics` (windowed): `organizationalEntityShareStatistics?q=organizationalEntity`
  with DAY `timeIntervals`. LinkedIn serves only the rolling last 12 months: a window reaching
  further back is cut to what it serves (`item["served_from"]`, noted by the mapping), a window
  wholly older is not asked.
- `follower_statistics` (windowed): `organizationalEntityFollowerStatistics` with DAY
  `timeIntervals`: organic and paid follower gains per day.
- `page_statistics` (windowed): `organizationPageStatistics?q=organization` with DAY
  `timeIntervals`: page views per day.
- `follower_demographics` (once a run): the same follower statistics without `timeIntervals`
  (lifetime follower counts by function, seniority, industry, country, geo and company size)
  and `networkSizes/<urn>?edgeType=COMPANY_FOLLOWED_BY_MEMBER` (the follower total).
- `posts` (windowed by publish time, `refresh`): `/posts?q=author&sortBy=CREATED`, newest
  first, paged with `start`/`count` until a page reaches posts older than the window (or the
  refresh period); then the lifetime share statistics of the window's posts, and in a run's
  latest window of the posts published from `Refresh.since` on (stored in `core.post` or
  listed), `STATS_BATCH` posts a request (`shares=List(..)` / `ugcPosts=List(..)`). LinkedIn
  fails a list when one post in it fails (deleted, not the organization's), so a failed batch
  is asked again one post at a time and only the failing post's answer is kept, for the mapping
  to quarantine. An export's post id (`urn:li:activity:..`) is not a share or ugcPost URN and
  cannot be asked.

Errors (`linkedin_error`): LinkedIn answers `{"status", "serviceErrorCode", "code", "message"}`.
401 (65600 invalid, 65601 revoked, 65602 expired) ends the source; 429 is retried by the
client; LinkedIn's limits are per day (application and member, reset at midnight UTC) and
come with no Retry-After, so once a pull ends on 429 the client remembers it and the source's
later pulls fail at once instead of spending the day's remaining calls on retries.
"""

import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote

import requests

from flows.api.classify import RetryLater
from flows.api.client import ApiClient
from flows.api.errors import ApiError, ItemError, TokenError
from flows.api.rawlog import RawLog
from flows.api.streams import Refresh, Stream
from flows.config.settings import ApiSource
from transforms.api.envelope import REFRESH, Envelope, Window
from transforms.api.refusals import one_line

LOG = logging.getLogger("kunci.api")
STREAMS = (
    Stream("share_statistics", "organizations"),
    Stream("follower_statistics", "organizations"),
    Stream("page_statistics", "organizations"),
    Stream("follower_demographics", "organizations", windowed=False),
    Stream("posts", "organizations", refresh=True),
)
DEFAULT_VERSION = "202607"  # the latest Marketing version the versioning page listed (Jul 2026)
RESTLI_PROTOCOL = "2.0.0"
DEFAULT_PAGE_SIZE = 100  # the most posts one `/posts` page gives
STATS_BATCH = 20  # posts per share-statistics request: keeps the URL far below its limits
SHARE_HISTORY_DAYS = 365  # organizationalEntityShareStatistics: the rolling last 12 months
ORGANIZATION = "urn:li:organization:"
_VERSION = re.compile(r"\d{6}(\.\d{2})?")  # 202607, or a patch such as 202508.02
_POST_KINDS = {"urn:li:share:": "shares", "urn:li:ugcPost:": "ugcPosts"}


def organization_urn(account_id: str) -> str:
    """`urn:li:organization:<id>` of a configured or canonical organization id."""
    return account_id if account_id.startswith(ORGANIZATION) else f"{ORGANIZATION}{account_id}"


def leaf(value: str) -> str:
    """A Rest.li 2.0 leaf value: every reserved character percent-encoded."""
    return quote(value, safe="")


def restli_list(values: Sequence[str]) -> str:
    """`List(a,b)` with each element encoded as a leaf."""
    return f"List({','.join(leaf(v) for v in values)})"


def millis(day: date) -> int:
    """Milliseconds since the epoch at 00:00 UTC of `day` (LinkedIn's days are UTC days)."""
    return int(datetime.combine(day, time(), tzinfo=UTC).timestamp() * 1000)


def day_intervals(window: Window) -> str:
    """DAY `timeIntervals` covering the window's days; the end is exclusive."""
    start, end = millis(window.start), millis(window.end + timedelta(days=1))
    return f"(timeRange:(start:{start},end:{end}),timeGranularityType:DAY)"


class RestliSession(requests.Session):
    """A session that sends the LinkedIn headers and the query text exactly as built.

    `requests` would percent-encode `(`, `:` and `,` in parameter values, which Rest.li 2.0
    then reads as literal characters instead of structure.
    """

    def __init__(self, version: str) -> None:
        super().__init__()
        self.headers.update(
            {"LinkedIn-Version": version, "X-Restli-Protocol-Version": RESTLI_PROTOCOL}
        )

    def request(  # type: ignore[override]
        self, method: str, url: str, params: Mapping[str, str] | None = None, **kw: Any
    ) -> requests.Response:
        """Send with the parameters joined as `key=value&...`, values untouched."""
        query = "&".join(f"{key}={value}" for key, value in (params or {}).items())
        return super().request(method, url, params=query or None, **kw)


class LinkedInClient(ApiClient):
    """The REST client; `exhausted` says why the day's rate limit ended this run's pulls."""

    exhausted: str | None = None


def client_for(source: ApiSource, token: str, rawlog: RawLog | None, **kw: Any) -> LinkedInClient:
    """Bearer token, LinkedIn's error sorting, the versioned Rest.li session.

    The options are checked by `pull`, so a bad value fails the source's pulls in one line
    each instead of its thread.
    """
    version = str(source.options.get("linkedin_version", DEFAULT_VERSION))
    return LinkedInClient(
        source=source,
        token=token,
        rawlog=rawlog,
        auth="bearer",
        classify=linkedin_error,
        session=RestliSession(version),
        **kw,
    )


def linkedin_error(status: int, data: Any) -> ApiError | None:
    """Sort a LinkedIn answer; None when it carries no error.

    403 (the member is not an ADMINISTRATOR of the page, or the app lacks a permission) fails
    the stream for this organization; 426 names a sunset `LinkedIn-Version`; 404 is one item
    that is gone.
    """
    if 200 <= status < 300:
        return None
    body = data if isinstance(data, dict) else {}
    code = body.get("serviceErrorCode")
    message = one_line(str(body.get("message", ""))) or f"HTTP {status}"
    detail = f"{message} (serviceErrorCode {code}, {body.get('code') or status})"
    if status == 401:
        return TokenError(f"token rejected: {detail}")
    if status == 429:
        return RetryLater(f"rate limited: {detail}", throttle=False)
    if status == 426:
        return ApiError(
            f"LinkedIn-Version refused, set linkedin_version to a current one: {detail}"
        )
    if status == 403:
        return ApiError(f"permission missing: {detail}")
    if status == 404:
        return ItemError(f"not found: {detail}")
    return ApiError(detail)


def pull(
    client: ApiClient,
    source: ApiSource,
    stream: Stream,
    account_id: str,
    window: Window,
    refresh: Refresh | None = None,
) -> list[Envelope]:
    """Every envelope `stream` needs for one organization and window, in the order received."""
    if stream.name not in _PULLS:
        raise ValueError(f"LinkedIn has no stream '{stream.name}'")
    if isinstance(client, LinkedInClient) and client.exhausted:
        raise ApiError(f"not asked: {client.exhausted}")
    _check_version(source)
    call = _Call(client, source, stream.name, account_id, window, refresh, page_size(source))
    try:
        _PULLS[stream.name](call)
    except ApiError as error:
        limited = error.envelope is not None and error.envelope.status == 429
        if limited and isinstance(client, LinkedInClient):
            client.exhausted = (
                "LinkedIn's daily rate limit was reached earlier in this run "
                "(limits reset at midnight UTC)"
            )
        raise
    return call.kept


def _check_version(source: ApiSource) -> None:
    version = str(source.options.get("linkedin_version", DEFAULT_VERSION))
    if not _VERSION.fullmatch(version):
        raise ApiError(f"source '{source.name}': linkedin_version must be YYYYMM, got {version!r}")


def page_size(source: ApiSource) -> int:
    """Posts per listing page (`page_size`, 1..100: the most `/posts` gives)."""
    size = source.options.get("page_size", DEFAULT_PAGE_SIZE)
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= DEFAULT_PAGE_SIZE:
        raise ApiError(f"source '{source.name}': page_size must be 1 to 100, got {size!r}")
    return size


@dataclass
class _Call:
    """One pull in progress: what to ask and what has come back."""

    client: ApiClient
    source: ApiSource
    stream: str
    account_id: str
    window: Window
    refresh: Refresh | None
    page_size: int
    kept: list[Envelope] = field(default_factory=list)

    @property
    def urn(self) -> str:
        return organization_urn(self.account_id)

    def get(
        self, path: str, params: dict[str, str], item: dict[str, str], page: int = 0
    ) -> Envelope:
        envelope = self.client.get(
            path,
            params,
            stream=self.stream,
            account_id=self.account_id,
            window=self.window,
            item=item,
            page=page,
        )
        self.kept.append(envelope)
        return envelope


def _statistics(call: _Call, path: str, finder: str, window: Window, item: dict[str, str]) -> None:
    params = {
        "q": finder,
        finder: leaf(call.urn),
        "timeIntervals": day_intervals(window),
    }
    call.get(path, params, item)


def _share_statistics(call: _Call) -> None:
    """Daily share statistics of the days LinkedIn still serves."""
    served_from = datetime.now(UTC).date() - timedelta(days=SHARE_HISTORY_DAYS - 1)
    if call.window.end < served_from:
        LOG.warning(
            "%s: %s share statistics not asked: LinkedIn serves the last 12 months only",
            call.source.name,
            call.window,
        )
        return
    item = {"request": "daily"}
    window = call.window
    if window.start < served_from:
        window = Window(served_from, window.end)
        item["served_from"] = served_from.isoformat()
    _statistics(call, "organizationalEntityShareStatistics", "organizationalEntity", window, item)


def _follower_statistics(call: _Call) -> None:
    _statistics(
        call,
        "organizationalEntityFollowerStatistics",
        "organizationalEntity",
        call.window,
        {"request": "daily"},
    )


def _page_statistics(call: _Call) -> None:
    _statistics(
        call, "organizationPageStatistics", "organization", call.window, {"request": "daily"}
    )


def _follower_demographics(call: _Call) -> None:
    params = {"q": "organizationalEntity", "organizationalEntity": leaf(call.urn)}
    call.get("organizationalEntityFollowerStatistics", params, {"request": "lifetime"})
    call.get(
        f"networkSizes/{leaf(call.urn)}",
        {"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"},
        {"request": "network_size"},
    )


def _published(record: dict[str, Any]) -> datetime | None:
    value = record.get("publishedAt", record.get("createdAt"))
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def _bounds(window: Window) -> tuple[datetime, datetime]:
    """The window widened by a day on each side: every timezone's local days fit in it."""
    lower = datetime.combine(window.start - timedelta(days=1), time(), tzinfo=UTC)
    upper = datetime.combine(window.end + timedelta(days=2), time(), tzinfo=UTC)
    return lower, upper


def _listed(call: _Call, lower: datetime) -> Iterator[dict[str, Any]]:
    """The organization's posts, newest first, until a page reaches posts older than `lower`."""
    count = call.page_size
    start, page = 0, 0
    while True:
        params = {
            "q": "author",
            "author": leaf(call.urn),
            "sortBy": "CREATED",
            "start": str(start),
            "count": str(count),
        }
        envelope = call.get("posts", params, {"request": "posts"}, page)
        body = envelope.data()
        if not isinstance(body, dict) or not isinstance(body.get("elements"), list):
            raise ApiError(f"{call.account_id}: a posts page without 'elements'", envelope)
        records = [r for r in body.get("elements", []) if isinstance(r, dict)]
        yield from records
        times = [_published(record) for record in records]
        paging = body.get("paging")
        total = paging.get("total") if isinstance(paging, dict) else None
        start += len(records)
        older = any(t is not None and t < lower for t in times)
        if len(records) < count or older or (isinstance(total, int) and start >= total):
            return
        page += 1


def _posts(call: _Call) -> None:
    """The window's posts with their statistics, and the refresh period's statistics again."""
    lower, upper = _bounds(call.window)
    since = _bounds(Window(call.refresh.since, call.window.end))[0] if call.refresh else upper
    read: list[str] = []
    again: list[str] = []
    for record in _listed(call, min(lower, since)):
        post_id, published = record.get("id"), _published(record)
        if not isinstance(post_id, str) or published is None:
            continue  # the mapping refuses it from the listing page
        if lower <= published < upper:
            read.append(post_id)
        elif since <= published < upper:
            again.append(post_id)
    _post_statistics(call, read, "posts")
    if call.refresh is not None:
        stored = [p.post_id for p in call.refresh.posts]
        wanted = list(dict.fromkeys([*again, *stored]))
        _post_statistics(call, [p for p in wanted if p not in read], REFRESH)


def _post_statistics(call: _Call, posts: Sequence[str], key: str) -> None:
    """Lifetime share statistics of the posts, by URN kind, `STATS_BATCH` a request."""
    for prefix, param in _POST_KINDS.items():
        ids = [p for p in posts if p.startswith(prefix)]
        for start in range(0, len(ids), STATS_BATCH):
            chunk = ids[start : start + STATS_BATCH]
            if len(chunk) == 1:
                _one_post(call, param, chunk[0], key)
                continue
            item = {"request": "post_statistics", key: ",".join(chunk)}
            try:
                _ask_statistics(call, param, chunk, item)
            except ApiError as exc:
                if isinstance(exc, TokenError) or _throttled(exc):
                    raise
                for post_id in chunk:  # one post may fail the whole list: ask them alone
                    _one_post(call, param, post_id, key)


def _throttled(error: ApiError) -> bool:
    return error.envelope is None or error.envelope.status == 429


def _ask_statistics(call: _Call, param: str, ids: Sequence[str], item: dict[str, str]) -> None:
    params = {
        "q": "organizationalEntity",
        "organizationalEntity": leaf(call.urn),
        param: restli_list(ids),
    }
    call.get("organizationalEntityShareStatistics", params, item)


def _one_post(call: _Call, param: str, post_id: str, key: str) -> None:
    """One post's statistics; its error answer is kept for the mapping to quarantine."""
    try:
        _ask_statistics(call, param, [post_id], {"request": "post_statistics", key: post_id})
    except ApiError as exc:
        if isinstance(exc, TokenError) or _throttled(exc):
            raise
        assert exc.envelope is not None
        call.kept.append(exc.envelope)


_PULLS = {
    "share_statistics": _share_statistics,
    "follower_statistics": _follower_statistics,
    "page_statistics": _page_statistics,
    "follower_demographics": _follower_demographics,
    "posts": _posts,
}
