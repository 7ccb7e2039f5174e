"""X API v2 connector: the owned posts and the follower count of each configured user id.

Streams (ids key `users`: numeric user ids; a user-context OAuth 2.0 token of the account,
sent as `Authorization: Bearer`, because X serves non-public metrics only to the post's owner):

- `followers` (once a run): `GET /2/users/<id>?user.fields=public_metrics`; the mapping keeps
  `followers_count` as the day's `followers_total`.
- `posts` (windowed by publish time, `refresh`): `GET /2/users/<id>/tweets` with
  `exclude=retweets` (a repost is someone else's post), `expansions=attachments.media_keys` and
  `media.fields=type,public_metrics` (content type, video views), `max_results` up to 100 and
  `start_time`/`end_time`, paged by `meta.next_token` → `pagination_token`.

X serves `non_public_metrics` and `organic_metrics` only for posts created within the last 30
days; asking them over older posts gets "Field Authorization Error" entries instead. So the
listing's time span is split at `PRIVATE_DAYS` (29: a day's margin, so no post ages past 30 days
during the run) before now: the younger part asks them, the older part asks public fields only,
and the mapping leaves the private counts of older posts NULL, never 0.

The connector does not know the account's timezone, so it lists the UTC span the window's local
dates cover in any timezone (from UTC+14 to UTC-12; every post read is paid, so no wider); the
mapping keeps exactly the posts of the window's local dates. Maturing posts
(`Refresh`): the listing also reaches back to `Refresh.since` (`post_refresh_days`): one timeline
read per post costs what a lookup by id costs, and the timeline also finds the posts the
database does not hold yet. Pages of that extra span carry the ids they listed as
`item["refresh"]`.

Reads are paid per resource returned (posts, users): `read_budget` (default
`DEFAULT_READ_BUDGET`) caps what one run of the source reads. The newest posts are read first, a
page never asks more than what is left, and when less than a page's minimum (5) is left the pull
stops, keeps what it read and says so (`item["budget"]` on its last answer, a warning in the log);
a pull with nothing left to read fails with the reason. `client.reads` counts what was read.

Rate limits: X answers 429 with `x-rate-limit-reset` (epoch seconds) and sends
`x-rate-limit-remaining` on every answer; the client waits until the reset (capped) before the
retry, and before the next request when none remain. Errors are RFC 7807 problems
(`{"title", "detail", "type", "status"}`): 401 fails the source (TokenError), a 200 with only
`errors` (a suspended or unknown user) is one item's error, kept for the mapping to quarantine;
`errors` beside `data` are partial errors the mapping quarantines one by one.
"""

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flows.api.classify import RetryLater
from flows.api.client import ApiClient
from flows.api.errors import ApiError, ItemError, TokenError
from flows.api.rawlog import RawLog
from flows.api.streams import Refresh, Stream
from flows.config.settings import ApiSource
from transforms.api.envelope import REFRESH, Envelope, Window
from transforms.api.refusals import one_line
from transforms.api.x_api import BUDGET, METRICS, PRIVATE, PUBLIC, REFRESH_SINCE, REQUEST
from transforms.errors import InputError

LOG = logging.getLogger("kunci.api")
STREAMS = (
    Stream("followers", "users", windowed=False),
    Stream("posts", "users", refresh=True),
)
DEFAULT_READ_BUDGET = 500  # resources (posts and users) one run of a source may read
DEFAULT_PAGE_SIZE = 100  # X's most per page of a user's posts
MIN_PAGE = 5  # X's least `max_results`
PRIVATE_DAYS = 29  # non_public/organic metrics are served for 30 days; a day's margin
# A local date runs from UTC+14 (its earliest start) to UTC-12 (its latest end)
EARLIEST_OFFSET = timedelta(hours=14)
LATEST_OFFSET = timedelta(hours=12)
PUBLIC_FIELDS = "created_at,text,attachments,public_metrics"
PRIVATE_FIELDS = f"{PUBLIC_FIELDS},non_public_metrics,organic_metrics"
MEDIA_FIELDS = "type,public_metrics"
USAGE_CAPPED = "https://api.twitter.com/2/problems/usage-capped"


def x_error(status: int, data: Any) -> ApiError | None:
    """Sort an X API v2 answer (RFC 7807 problems); None when it carries data or nothing wrong.

    A 200 with `errors` beside `data` is a partial answer (the mapping quarantines the errors);
    a 200 with `errors` alone is one item's error (a suspended or unknown user).
    """
    body = data if isinstance(data, dict) else {}
    detail = _problem(body) or f"HTTP {status}"
    if status == 401:
        return TokenError(f"token rejected: {detail}")
    if status == 429:
        return RetryLater(f"rate limited: {detail}", throttle=False)
    if status >= 400:
        if body.get("type") == USAGE_CAPPED:
            return ApiError(f"usage cap reached (no reads until the cap resets): {detail}")
        return ApiError(detail)
    if "data" not in body and body.get("errors"):
        return ItemError(f"no data for this item: {detail}")
    return None


def _problem(body: Mapping[str, Any]) -> str:
    """A problem's title and detail, else its first error's, on one line."""
    first = body.get("errors")
    entry = first[0] if isinstance(first, list) and first and isinstance(first[0], dict) else {}
    title = body.get("title") or entry.get("title") or ""
    detail = body.get("detail") or entry.get("detail") or entry.get("message") or ""
    return one_line(f"{title}: {detail}" if title and detail else str(title or detail))


class XClient(ApiClient):
    """The shared client with X's rate-limit headers and the run's read budget.

    `budget` is what the source may read this run; `reads` (the base client's) what it has read.
    """

    def __init__(self, *, budget: int, **kw: Any) -> None:
        super().__init__(**kw)
        self.budget = budget

    @property
    def reads_left(self) -> int:
        """Resources this run may still read."""
        return max(self.budget - self.reads, 0)

    def _retry_after(self, headers: Mapping[str, str]) -> float | None:
        """`Retry-After` if given, else the wait until `x-rate-limit-reset` (capped)."""
        given = super()._retry_after(headers)
        return given if given is not None else self._until_reset(headers)

    def _note_usage(self, headers: Mapping[str, str]) -> None:
        """Owe a pause until the window resets when X says no request remains in it."""
        if headers.get("x-rate-limit-remaining", "").strip() != "0":
            return
        pause = self._until_reset(headers)
        if pause:
            LOG.info("%s: no request left in the rate window, pausing %.1fs", self.name, pause)
            self._due = max(self._due, pause)

    def _until_reset(self, headers: Mapping[str, str]) -> float | None:
        try:
            reset = float(headers.get("x-rate-limit-reset", ""))
        except ValueError:
            return None
        return min(max(reset - time.time(), 0.0), self._policy.max_retry_after)

    @property
    def name(self) -> str:
        """The source's name, for log lines."""
        return self._source.name


@dataclass(frozen=True)
class Options:
    """The kind's option keys: `read_budget` (resources a run reads), `page_size` (5..100)."""

    read_budget: int = DEFAULT_READ_BUDGET
    page_size: int = DEFAULT_PAGE_SIZE


def options(source: ApiSource) -> Options:
    """The source's X options; InputError naming the key when one is not a whole number."""
    values = {}
    for key, default, least, most in (
        ("read_budget", DEFAULT_READ_BUDGET, 0, None),
        ("page_size", DEFAULT_PAGE_SIZE, MIN_PAGE, DEFAULT_PAGE_SIZE),
    ):
        value = source.options.get(key, default)
        bad = isinstance(value, bool) or not isinstance(value, int) or value < least
        if bad or (most is not None and value > most):
            span = f"{least}..{most}" if most is not None else f"at least {least}"
            raise InputError(f"source '{source.name}': '{key}' must be a whole number {span}")
        values[key] = value
    return Options(**values)


def client_for(source: ApiSource, token: str, rawlog: RawLog | None, **kw: Any) -> XClient:
    """The X client: bearer token, X's problems sorted, the run's read budget."""
    try:
        budget = options(source).read_budget
    except InputError:
        budget = 0  # `pull` fails with the reason before any request
    return XClient(
        source=source,
        token=token,
        rawlog=rawlog,
        auth="bearer",
        classify=x_error,
        budget=budget,
        **kw,
    )


def pull(
    client: ApiClient,
    source: ApiSource,
    stream: Stream,
    account_id: str,
    window: Window,
    refresh: Refresh | None = None,
) -> list[Envelope]:
    """Every envelope the mapping needs for one user and window, newest posts first."""
    if not isinstance(client, XClient):
        raise ApiError(f"source '{source.name}': the X connector reads through its XClient")
    try:
        page_size = options(source).page_size
    except InputError as exc:
        raise ApiError(str(exc)) from None
    call = _Call(client, stream.name, account_id, window, page_size)
    if stream.name == "followers":
        return call.followers()
    if stream.name == "posts":
        return call.posts(refresh)
    raise ValueError(f"X has no stream '{stream.name}'")


@dataclass(frozen=True)
class _Span:
    """One listing request series: [start, end) in UTC (end None: until now), which fields."""

    start: datetime
    end: datetime | None
    private: bool
    refresh_since: date | None  # set on the span that reads maturing posts again


@dataclass
class _Call:
    """One pull in progress."""

    client: XClient
    stream: str
    account_id: str
    window: Window
    page_size: int

    def context(self, item: dict[str, str], page: int = 0) -> dict[str, Any]:
        return {
            "stream": self.stream,
            "account_id": self.account_id,
            "window": self.window,
            "item": item,
            "page": page,
        }

    def spent(self, what: str) -> ApiError:
        used = self.client.reads
        return ApiError(
            f"{self.account_id}: read budget used up ({used} of {self.client.budget} read this "
            f"run) before {what}; raise 'read_budget' or wait for the next run"
        )

    def followers(self) -> list[Envelope]:
        """The user's public metrics: one user read."""
        if self.client.reads_left < 1:
            raise self.spent("the follower count")
        params = {"user.fields": "public_metrics"}
        try:
            envelope = self.client.get(
                f"users/{self.account_id}", params, **self.context({REQUEST: "user"})
            )
        except ItemError as exc:
            return [_kept(exc)]
        self.client.reads += 1
        return [envelope]

    def posts(self, refresh: Refresh | None) -> list[Envelope]:
        """Every page of every span, newest span first, within the read budget."""
        if self.client.reads_left < MIN_PAGE:
            raise self.spent("the posts")
        kept: list[Envelope] = []
        for span in self.spans(refresh, datetime.now(UTC)):
            if not self.listing(span, kept):
                break
        return kept

    def spans(self, refresh: Refresh | None, now: datetime) -> list[_Span]:
        """What to list, newest first: the window's UTC span in any timezone, the refresh span.

        Each is split where X stops serving private metrics (`PRIVATE_DAYS` before now).
        """
        start = _midnight(self.window.start) - EARLIEST_OFFSET
        latest = _midnight(self.window.end + timedelta(days=1)) + LATEST_OFFSET
        end = latest if latest < now else None
        pieces: list[tuple[datetime, datetime | None, date | None]] = [(start, end, None)]
        if refresh is not None and refresh.since < self.window.start:
            pieces.append((_midnight(refresh.since) - EARLIEST_OFFSET, start, refresh.since))
        young = now - timedelta(days=PRIVATE_DAYS)
        spans: list[_Span] = []
        for first, last, since in pieces:
            if last is None or young < last:
                spans.append(_Span(max(first, young), last, True, since))
            if first < young:
                spans.append(
                    _Span(first, young if last is None else min(last, young), False, since)
                )
        return [s for s in spans if s.end is None or s.start < s.end]

    def listing(self, span: _Span, kept: list[Envelope]) -> bool:
        """Page one span into `kept`; False when the budget stopped the pull."""
        params: dict[str, Any] = {
            "tweet.fields": PRIVATE_FIELDS if span.private else PUBLIC_FIELDS,
            "expansions": "attachments.media_keys",
            "media.fields": MEDIA_FIELDS,
            "exclude": "retweets",
            "start_time": _instant(span.start),
        }
        if span.end is not None:
            params["end_time"] = _instant(span.end)
        item = {REQUEST: "posts", METRICS: PRIVATE if span.private else PUBLIC}
        if span.refresh_since is not None:
            item[REFRESH_SINCE] = span.refresh_since.isoformat()
        tokens: set[str] = set()
        page = 0
        while True:
            left = self.client.reads_left
            if left < MIN_PAGE:
                self.stop(kept)
                return False
            params["max_results"] = min(self.page_size, left)
            try:
                envelope = self.client.get(
                    f"users/{self.account_id}/tweets", params, **self.context(item, page)
                )
            except ItemError as exc:
                kept.append(_kept(exc))
                return True
            body = envelope.data()
            posts = body.get("data") if isinstance(body, dict) else None
            listed = [p.get("id") for p in posts or [] if isinstance(p, dict)]
            self.client.reads += len(listed)
            if span.refresh_since is not None:
                ids = ",".join(str(i) for i in listed if i)
                envelope = replace(envelope, item={**envelope.item, REFRESH: ids})
            kept.append(envelope)
            meta = body.get("meta") if isinstance(body, dict) else None
            token = meta.get("next_token") if isinstance(meta, dict) else None
            if not isinstance(token, str) or not token:
                return True
            if token in tokens:
                raise ApiError(f"{self.account_id}: paging loops (next_token {token} repeats)")
            tokens.add(token)
            params["pagination_token"] = token
            page += 1

    def stop(self, kept: list[Envelope]) -> None:
        """Mark the pull as cut short by the budget, on its last answer and in the log."""
        text = (
            f"read budget reached ({self.client.reads} of {self.client.budget} read this run): "
            "older posts of this pull were not read"
        )
        LOG.warning("%s: %s: %s", self.client.name, self.account_id, text)
        if kept:
            kept[-1] = replace(kept[-1], item={**kept[-1].item, BUDGET: text})


def _kept(error: ItemError) -> Envelope:
    """The error answer of one item, for the mapping to quarantine."""
    if error.envelope is None:
        raise error
    return error.envelope


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _instant(moment: datetime) -> str:
    """X's `start_time`/`end_time` form: RFC 3339 in UTC, whole seconds."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
