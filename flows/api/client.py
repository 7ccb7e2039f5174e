"""The one HTTP client every API connector uses: auth, retries, throttling, recording, scrubbing.

Why one client: the behaviour that makes a connector trustworthy (backoff with jitter, honouring
`Retry-After` and Meta's usage headers, never letting a token reach a log or the raw zone, keeping
every answer for replay) is the same for every API, so it is written and tested once. Connectors
decide which requests to make; the kind-specific reading of error bodies is a `classify` function
(`flows.api.classify.meta_error` / `google_error`).

Every attempt's answer is recorded before it is interpreted, so the raw zone holds the 500s, 429s
and error bodies too. Failed attempts without an answer (timeouts, dropped connections) are logged.
"""

import hashlib
import hmac
import json
import logging
import math
import os
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit, urlunsplit

import requests

from flows.api.classify import RetryLater
from flows.api.errors import ApiError, InvalidMetricError
from flows.api.rawlog import RawLog
from flows.config.settings import ApiSource
from transforms.api.envelope import Envelope, Window
from transforms.api.refusals import named_metrics

LOG = logging.getLogger("kunci.api")
REDACTED = "<redacted>"
AUTH_PARAMS = frozenset({"access_token", "appsecret_proof"})
# Meta's rate-limit usage headers: percentages of the limit used, per app, page or business, and
# the ads insights throttle (`{"app_id_util_pct": .., "acc_id_util_pct": ..}`) of the Marketing API.
USAGE_HEADERS = (
    "x-app-usage",
    "x-page-usage",
    "x-business-use-case-usage",
    "x-fb-ads-insights-throttle",
)
USAGE_KEYS = ("call_count", "total_cputime", "total_time", "app_id_util_pct", "acc_id_util_pct")
# Credentials some answers carry in plain sight: paging links (`...?access_token=...`) and page
# lists (`"access_token": "..."`); whatever the value, it is a secret.
_CREDENTIAL_IN_URL = re.compile(r"\b((?:access_token|appsecret_proof)(?:=|%3D))[^&\"'\s\\<>]+")
_CREDENTIAL_IN_JSON = re.compile(r'("(?:access_token|appsecret_proof)"\s*:\s*")[^"]+(")')
_RETRYABLE = (requests.Timeout, requests.ConnectionError, requests.exceptions.ChunkedEncodingError)

# urllib3 logs request lines, query string included, at DEBUG: they must not carry a token.
URLLIB3_LOGGERS = ("urllib3.connectionpool", "urllib3.util.retry")

Auth = Literal["query", "bearer", "access-token"]
Classifier = Callable[[int, Any], ApiError | None]


def user_agent() -> str:
    """`kunci/<version>`, so API owners can tell our traffic apart."""
    try:
        return f"kunci/{version('kunci')}"
    except PackageNotFoundError:
        return "kunci/0"


class CredentialFilter(logging.Filter):
    """Redacts `access_token=`/`appsecret_proof=` values in records of loggers we do not own."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message without credentials; never drop the record."""
        message = record.getMessage()
        scrubbed = _CREDENTIAL_IN_URL.sub(rf"\1{REDACTED}", message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, ()
        return True


def guard_library_logs() -> None:
    """Put a `CredentialFilter` on urllib3's loggers (once)."""
    for name in URLLIB3_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, CredentialFilter) for f in logger.filters):
            logger.addFilter(CredentialFilter())


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one request tries; all pauses in seconds."""

    max_attempts: int = 5  # per request, first try included
    base_delay: float = 1.0  # exponential backoff base, full jitter
    max_delay: float = 60.0  # cap of one backoff pause
    throttle_delay: float = 60.0  # base pause after a Meta throttling code
    max_retry_after: float = 300.0  # cap on a server's Retry-After (and on throttle pauses)
    timeout: float = 30.0  # connect and read timeout per attempt
    usage_threshold: float = 75.0  # Meta usage percentage above which the client slows down


@dataclass(frozen=True)
class _Request:
    """One logical request: its target without credentials and what it is for."""

    method: str
    url: str
    params: dict[str, str]
    body: Any
    stream: str
    account_id: str
    window: Window | None
    item: dict[str, str]
    page: int


@dataclass(frozen=True)
class _Retry:
    """An attempt failed in a way a later one may not: why, and how long to wait first."""

    reason: str
    pause: float
    envelope: Envelope | None = None  # the recorded answer, if there was one


class ApiClient:
    """Sends requests for one configured source and returns their answers as `Envelope`s.

    `auth="query"` sends the token as `access_token` (Meta; with `appsecret_proof` when
    `source.options["app_secret_env"]` names a set variable); `auth="bearer"` sends it as
    `Authorization: Bearer` (Google); `auth="access-token"` as an `Access-Token` header (TikTok
    API for Business). `sleep` and `rng` are injectable so tests pause for real
    only as long as they choose; `sleeps` lists every pause taken. `dropped_metrics` is where
    connectors remember, per scope of their choosing, metrics the API refused this run.
    `reads` counts the resources read through the client where the API bills per resource read
    (X); the connectors of such APIs count them, the runner reports them per pull.
    One client serves one thread (its session and pause bookkeeping are not shared safely).
    """

    def __init__(
        self,
        *,
        source: ApiSource,
        token: str,
        rawlog: RawLog | None,
        policy: RetryPolicy = RetryPolicy(),
        auth: Auth,
        classify: Classifier,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self._source = source
        self._token = token
        self._rawlog = rawlog
        self._policy = policy
        self._auth = auth
        self._classify = classify
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._session = session or requests.Session()
        guard_library_logs()
        self._proof = _appsecret_proof(source, token) if auth == "query" else None
        self._secrets = _secret_forms(token, self._proof)
        self._headers = _headers(auth, token)
        self._due = 0.0  # pause owed before the next request (usage headers)
        self.sleeps: list[float] = []
        self.dropped_metrics: dict[str, set[str]] = {}
        self.reads = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the pooled connections."""
        self._session.close()

    def get(
        self,
        url_or_path: str,
        params: Mapping[str, Any],
        *,
        stream: str,
        account_id: str,
        window: Window | None,
        item: Mapping[str, str] | None = None,
        page: int = 0,
    ) -> Envelope:
        """GET a path under the source's base URL (or an absolute URL on the same host)."""
        url, query = self._target(url_or_path, params)
        request = _Request(
            "GET", url, query, None, stream, account_id, window, dict(item or {}), page
        )
        return self._send(request)

    def post(
        self,
        path: str,
        body: Any,
        *,
        stream: str,
        account_id: str,
        window: Window | None,
        item: Mapping[str, str] | None = None,
        page: int = 0,
    ) -> Envelope:
        """POST a JSON body (GA4 `runReport`); read-only calls, so retrying them is safe."""
        url, query = self._target(path, {})
        request = _Request(
            "POST", url, query, body, stream, account_id, window, dict(item or {}), page
        )
        return self._send(request)

    def paged(
        self,
        path: str,
        params: Mapping[str, Any],
        *,
        stream: str,
        account_id: str,
        window: Window | None,
        item: Mapping[str, str] | None = None,
    ) -> Iterator[Envelope]:
        """GET a Meta edge and follow `paging.next` links, numbering pages from 0.

        Stops when an answer has no `next` link or an empty `data` list (insights links run on
        past the data forever). A `next` link that repeats an earlier page is a loop: ApiError.
        """
        url, query = self._target(path, params)
        seen = {_page_key(url, query)}
        page = 0
        while True:
            request = _Request(
                "GET", url, query, None, stream, account_id, window, dict(item or {}), page
            )
            envelope = self._send(request)
            yield envelope
            link = _next_link(envelope)
            if link is None:
                return
            url, query = self._target(link, {})
            if _page_key(url, query) in seen:
                where = self._where("GET", url)
                raise ApiError(f"{where}: paging loops (page {page + 1} repeats a page)", envelope)
            seen.add(_page_key(url, query))
            page += 1

    def _target(self, url_or_path: str, params: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
        """The URL without query or credentials, and the parameters as the text sent."""
        parts = urlsplit(url_or_path)
        if parts.scheme or parts.netloc:
            own = urlsplit(self._source.base_url)
            if (parts.scheme, parts.netloc) != (own.scheme, own.netloc):
                where = self._where("GET", urlunsplit((*parts[:3], "", "")))
                raise ApiError(f"{where}: refusing a link to another host than {own.netloc}")
            url = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        else:
            url = f"{self._source.base_url.rstrip('/')}/{parts.path.lstrip('/')}"
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        query.update({key: _param_text(value) for key, value in params.items()})
        return url, {k: v for k, v in query.items() if k not in AUTH_PARAMS}

    def _send(self, request: _Request) -> Envelope:
        """Try a request until it succeeds, fails for good, or runs out of attempts."""
        self._pause(self._take_due(), "usage headers")
        where = self._where(request.method, request.url)
        last: Envelope | None = None
        reason = ""
        for attempt in range(self._policy.max_attempts):
            outcome = self._attempt(request, attempt)
            if isinstance(outcome, Envelope):
                return outcome
            last = outcome.envelope or last
            reason = outcome.reason
            if attempt + 1 < self._policy.max_attempts:
                LOG.warning(
                    "%s: %s; attempt %d of %d failed, retrying",
                    where,
                    reason,
                    attempt + 1,
                    self._policy.max_attempts,
                )
                self._pause(max(outcome.pause, self._take_due()), reason)
        tries = f"{self._policy.max_attempts} attempt" + (
            "s" if self._policy.max_attempts > 1 else ""
        )
        raise ApiError(self._scrub(f"{where}: failed after {tries}: {reason}"), last)

    def _attempt(self, request: _Request, attempt: int) -> Envelope | _Retry:
        """One try: the answer, or why and when to retry."""
        started = time.monotonic()
        try:
            response = self._session.request(
                request.method,
                request.url,
                params={**request.params, **self._auth_params()},
                json=request.body,
                headers=self._headers,
                timeout=self._policy.timeout,
                allow_redirects=False,
            )
        except _RETRYABLE as exc:
            reason = f"{type(exc).__name__}: {self._scrub(str(exc))}"
            return _Retry(reason, self._backoff(attempt))
        except requests.RequestException as exc:
            where = self._where(request.method, request.url)
            raise ApiError(self._scrub(f"{where}: {type(exc).__name__}: {exc}")) from None
        envelope = self._envelope(request, response)
        LOG.debug(
            "%s -> HTTP %d in %.2fs",
            self._where(request.method, request.url),
            envelope.status,
            time.monotonic() - started,
        )
        if self._rawlog is not None:
            self._rawlog.record(envelope)
        self._note_usage(response.headers)
        retry = self._interpret(request, envelope, response.headers, attempt)
        return envelope if retry is None else replace(retry, envelope=envelope)

    def _interpret(
        self,
        request: _Request,
        envelope: Envelope,
        headers: Mapping[str, str],
        attempt: int,
    ) -> _Retry | None:
        """None for a good answer; a retry for a passing fault; raises for a final error.

        Server faults (5xx, 429, a 2xx that is not JSON) are retried whatever the body says; the
        classifier's reading is added to the reason, and a Meta throttling code in a 429 or 5xx
        still earns the long throttle pause. A server's `Retry-After` is honoured on any retry.
        """
        status = envelope.status
        try:
            data = json.loads(envelope.body)
        except ValueError:
            data = None
            if envelope.ok:
                return _Retry(f"HTTP {status} with malformed JSON", self._backoff(attempt))
        error = self._classify(status, data)
        if status == 429 or status >= 500 or isinstance(error, RetryLater):
            reason = f"HTTP {status}: {error}" if error else f"HTTP {status}"
            retry_after = self._retry_after(headers)
            if isinstance(error, RetryLater) and error.throttle:
                return _Retry(reason, max(self._throttle(attempt), retry_after or 0.0))
            return _Retry(reason, self._backoff(attempt) if retry_after is None else retry_after)
        if error is None and not envelope.ok:
            error = ApiError(f"unexpected HTTP {status}")
        if error is not None:
            raise self._final(error, request, envelope)
        return None

    def _final(self, error: ApiError, request: _Request, envelope: Envelope) -> ApiError:
        """The classifier's error, with where it happened, the answer, and metric names."""
        where = self._where(request.method, request.url)
        error.args = (self._scrub(f"{where}: HTTP {envelope.status}: {error}"),)
        error.envelope = envelope
        if isinstance(error, InvalidMetricError):
            error.metrics = named_metrics(error.metrics, request.params)
        LOG.warning("%s", error)
        return error

    def _envelope(self, request: _Request, response: requests.Response) -> Envelope:
        """The answer as recorded: credentials scrubbed from every part."""
        return Envelope(
            source=self._source.name,
            kind=self._source.kind,
            stream=request.stream,
            account_id=request.account_id,
            window=request.window,
            method=request.method,
            url=self._scrub(request.url),
            params={key: self._scrub(value) for key, value in request.params.items()},
            status=response.status_code,
            body=self._scrub(_text(response)),
            fetched_at=datetime.now(UTC),
            request_body=self._scrub_value(request.body),
            item=request.item,
            page=request.page,
        )

    def _auth_params(self) -> dict[str, str]:
        if self._auth != "query":
            return {}
        params = {"access_token": self._token}
        if self._proof is not None:
            params["appsecret_proof"] = self._proof
        return params

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter: uniform in [0, min(max, base * 2^attempt)]."""
        ceiling = min(self._policy.max_delay, self._policy.base_delay * 2.0**attempt)
        return self._rng.random() * ceiling

    def _throttle(self, attempt: int) -> float:
        """Meta throttling: throttle_delay * 2^attempt (capped), jittered within its upper half."""
        ceiling = min(self._policy.max_retry_after, self._policy.throttle_delay * 2.0**attempt)
        return ceiling * (0.5 + 0.5 * self._rng.random())

    def _retry_after(self, headers: Mapping[str, str]) -> float | None:
        """The server's `Retry-After` (seconds or HTTP date) in seconds, capped; None if absent."""
        value = headers.get("Retry-After", "").strip()
        if not value:
            return None
        seconds = _seconds_after(value)
        if seconds is None:
            LOG.warning("%s: unreadable Retry-After %r ignored", self._source.name, value)
            return None
        return min(max(seconds, 0.0), self._policy.max_retry_after)

    def _note_usage(self, headers: Mapping[str, str]) -> None:
        """Owe a pause before the next request when Meta reports the limits nearly used up."""
        percent, regain_minutes = _usage(headers)
        policy = self._policy
        if regain_minutes > 0:
            pause = min(regain_minutes * 60.0, policy.max_retry_after)
        elif percent >= policy.usage_threshold:
            span = 100 - policy.usage_threshold
            fraction = 1.0 if percent >= 100 else (percent - policy.usage_threshold) / span
            pause = policy.throttle_delay * fraction
        else:
            return
        LOG.info("%s: rate-limit usage at %.0f%%, pausing %.1fs", self._source.name, percent, pause)
        self._due = max(self._due, pause)

    def _take_due(self) -> float:
        due, self._due = self._due, 0.0
        return due

    def _pause(self, seconds: float, why: str) -> None:
        if seconds <= 0:
            return
        LOG.info("%s: pausing %.2fs (%s)", self._source.name, seconds, why)
        self.sleeps.append(seconds)
        self._sleep(seconds)

    def _where(self, method: str, url: str) -> str:
        return self._scrub(f"{self._source.name}: {method} {url}")

    def _scrub(self, text: str) -> str:
        """The text with every form of our credentials, and any credential in a link, redacted."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        text = _CREDENTIAL_IN_URL.sub(rf"\1{REDACTED}", text)
        return _CREDENTIAL_IN_JSON.sub(rf"\1{REDACTED}\2", text)

    def _scrub_value(self, value: Any) -> Any:
        """A JSON value with its strings scrubbed (request bodies)."""
        if isinstance(value, str):
            return self._scrub(value)
        if isinstance(value, list):
            return [self._scrub_value(v) for v in value]
        if isinstance(value, dict):
            return {k: self._scrub_value(v) for k, v in value.items()}
        return value


def _appsecret_proof(source: ApiSource, token: str) -> str | None:
    """HMAC-SHA256 of the token keyed by the app secret, when the source names a set variable."""
    variable = source.options.get("app_secret_env")
    if not variable:
        return None
    secret = os.environ.get(str(variable), "")
    if not secret:
        LOG.warning("%s: app_secret_env %s is not set; no appsecret_proof", source.name, variable)
        return None
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def _seconds_after(value: str) -> float | None:
    """A `Retry-After` value (seconds or HTTP date) as seconds from now; None if unreadable."""
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        when = when if when.tzinfo else when.replace(tzinfo=UTC)  # "-0000" means UTC
        seconds = (when - datetime.now(UTC)).total_seconds()
    return seconds if math.isfinite(seconds) else None


def _headers(auth: Auth, token: str) -> dict[str, str]:
    headers = {"User-Agent": user_agent(), "Accept": "application/json"}
    if auth == "bearer":
        headers["Authorization"] = f"Bearer {token}"
    elif auth == "access-token":
        headers["Access-Token"] = token
    return headers


def _secret_forms(token: str, proof: str | None) -> tuple[str, ...]:
    """Every spelling a credential can take in a URL or JSON text, longest first."""
    forms: set[str] = set()
    for secret in filter(None, (token, proof)):
        escaped = json.dumps(secret)[1:-1]
        forms |= {secret, quote(secret, safe=""), quote_plus(secret), escaped}
        forms.add(escaped.replace("/", "\\/"))
    return tuple(sorted(forms, key=len, reverse=True))


def _param_text(value: Any) -> str:
    """A parameter as the text sent: lists comma-joined, dates ISO, booleans lower case."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(_param_text(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _text(response: requests.Response) -> str:
    """The body as text: the declared charset, else UTF-8 (JSON's encoding)."""
    try:
        return response.content.decode(response.encoding or "utf-8", errors="replace")
    except LookupError:
        return response.content.decode("utf-8", errors="replace")


def _usage(headers: Mapping[str, str]) -> tuple[float, float]:
    """The highest usage percentage and regain time (minutes) in Meta's usage headers."""
    percent = regain = 0.0
    for name in USAGE_HEADERS:
        raw = headers.get(name)
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            LOG.debug("unreadable %s header ignored", name)
            continue
        for entry in _usage_entries(data):
            numbers = [v for k, v in entry.items() if k in USAGE_KEYS and _is_number(v)]
            percent = max([percent, *numbers])
            wait = entry.get("estimated_time_to_regain_access", 0)
            regain = max(regain, wait if _is_number(wait) else 0)
    return percent, regain


def _usage_entries(data: Any) -> list[dict[str, Any]]:
    """`x-app-usage` is one object; `x-business-use-case-usage` maps ids to lists of objects."""
    if not isinstance(data, dict):
        return []
    nested = [e for v in data.values() if isinstance(v, list) for e in v if isinstance(e, dict)]
    return nested or [data]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _next_link(envelope: Envelope) -> str | None:
    """The `paging.next` link to follow, or None at the end."""
    data = envelope.data()
    if not isinstance(data, dict) or data.get("data") == []:
        return None
    paging = data.get("paging")
    link = paging.get("next") if isinstance(paging, dict) else None
    return link if isinstance(link, str) and link else None


def _page_key(url: str, query: Mapping[str, str]) -> tuple[str, tuple[tuple[str, str], ...]]:
    return url, tuple(sorted(query.items()))
