"""Pull the configured API sources into a working database: plan windows, fetch, load.

Fetching (network and raw zone, no database) runs in one thread per source, at most
`KIND_CONCURRENCY` sources of one API at a time, so a slow or throttled API does not hold up the
others. Loading runs in the calling thread, one transaction per completed pull, because a DuckDB
file has one writer. The incremental state advances only after a pull is loaded, so a run killed
mid-paging resumes from the last loaded window, and upserts by natural key make the re-pulled days
replace, never duplicate, what was there.
"""

import hashlib
import importlib
import json
import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Protocol

import duckdb
from polars.exceptions import PanicException

from flows import zones
from flows.api.client import ApiClient
from flows.api.errors import ApiError, TokenError
from flows.api.rawlog import RawLog
from flows.api.streams import Refresh, RefreshPost, Stream
from flows.config.settings import ApiSource, Settings, account_id_for, today_in
from flows.load import store
from flows.load.outcomes import LoadOutcome
from transforms.api.envelope import REFRESH, Envelope, Window
from transforms.context import Account, Normalized
from transforms.errors import InputError

LOG = logging.getLogger("kunci.api")
PLATFORM_OF_IDS = {
    "pages": "facebook",
    "instagram_accounts": "instagram",
    "channels": "youtube",
    "properties": "web",
    "ad_accounts": "meta",
    "business_ids": "tiktok",
    "users": "x",
    "organizations": "linkedin",
}
KIND_CONCURRENCY = {
    "meta_graph": 2,
    "youtube_analytics": 2,
    "ga4": 2,
    "meta_ads": 2,
    "tiktok_business": 2,
    "x_api": 1,
    "linkedin_community": 2,
}


class Connector(Protocol):
    """A connector module (`flows.api.<kind>`): its streams and how to pull one of them."""

    STREAMS: tuple[Stream, ...]

    def client_for(self, source: ApiSource, token: str, rawlog: RawLog | None) -> ApiClient:
        """An authenticated client for the source."""

    def pull(
        self, client: ApiClient, source: ApiSource, stream: Stream, account_id: str, window: Window
    ) -> list[Envelope]:
        """Every envelope the stream's mapping needs for one account and window."""


class RefreshingConnector(Protocol):
    """A connector with `refresh` streams: its pull also takes the posts to read again."""

    def pull(
        self,
        client: ApiClient,
        source: ApiSource,
        stream: Stream,
        account_id: str,
        window: Window,
        refresh: Refresh | None = None,
    ) -> list[Envelope]:
        """Every envelope the stream's mapping needs, the refreshed posts' insights included."""


class Mapping(Protocol):
    """A mapping module (`transforms.api.<kind>`): envelopes to canonical frames."""

    def normalize(self, stream: str, envelopes: Sequence[Envelope], account: Account) -> Normalized:
        """The canonical frames of one pull."""


def connector(kind: str) -> Connector:
    """The connector module of an API kind (one module per kind in `flows.api`)."""
    module: Connector = importlib.import_module(f"flows.api.{kind}")
    return module


def refreshing(kind: str) -> RefreshingConnector:
    """The connector module of an API kind whose streams include `refresh` streams."""
    module: RefreshingConnector = importlib.import_module(f"flows.api.{kind}")
    return module


def mapping(kind: str) -> Mapping:
    """The mapping module of an API kind (one module per kind in `transforms.api`)."""
    module: Mapping = importlib.import_module(f"transforms.api.{kind}")
    return module


@dataclass(frozen=True)
class Plan:
    """One stream of one account over one window: the unit fetched, loaded and checkpointed."""

    source: ApiSource
    stream: Stream
    account_id: str
    account: Account
    window: Window
    refresh: Refresh | None = None  # posts to read again beside the window (latest window only)
    note: str | None = None  # said on the load (where a short-history API's first pull began)

    @property
    def ledger_source(self) -> str:
        """How `ops.load.source` names the pull (never with credentials)."""
        return f"api://{self.source.name}/{self.stream.name}/{self.account_id}/{self.window}"

    @property
    def format_name(self) -> str:
        """How `ops.load.format` names what was pulled."""
        return f"{self.source.kind}:{self.stream.name}"


@dataclass(frozen=True)
class Pulled:
    """A fetched plan: its envelopes and manifest, or why it failed."""

    plan: Plan
    envelopes: tuple[Envelope, ...] = ()
    manifest: str | None = None
    error: str | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    reads: int = 0  # resources the pull read where the API bills per read (`ApiClient.reads`)


def _account(settings: Settings, ids_key: str, account_id: str) -> Account:
    return settings.account(f"{PLATFORM_OF_IDS[ids_key]}:{account_id}")


def _today(settings: Settings, account: Account) -> date:
    return settings.as_of or today_in(account.timezone)


def last_pulled(
    con: duckdb.DuckDBPyConnection, source: str, stream: str, account_id: str
) -> date | None:
    """The last date of the latest loaded window of a stream, if it was ever pulled."""
    row = con.execute(
        "select last_date from ops.api_state where source = ? and stream = ? and account_id = ?",
        [source, stream, account_id],
    ).fetchone()
    return row[0] if row else None


def windows(
    source: ApiSource, last: date | None, today: date, requested: Window | None
) -> list[Window]:
    """The windows to pull, oldest first, each at most `window_days` long.

    A requested window (a backfill) is taken as given, up to today. Otherwise a first pull starts
    at `start_date` (or `history_days` back) and a later one `lookback_days` before the last
    pulled date, because recent posts' metrics keep maturing.
    """
    if requested is not None:
        start, end = requested.start, min(requested.end, today)
    elif last is None:
        start = source.start_date or today - timedelta(days=source.history_days - 1)
        end = today
    else:
        start, end = min(last, today) - timedelta(days=source.lookback_days), today
    return Window(start, end).split(source.window_days)


def within_history(
    stream: Stream, spans: list[Window], today: date
) -> tuple[list[Window], str | None]:
    """The windows cut to what the API still serves, and a note when they reach its limit.

    An API that keeps `history_limit_days` of a stream (TikTok's account metrics: 60) answers
    nothing, or an error, for older days: a first pull (or a backfill) starts at its first day
    instead, takes what is there, and says so; the days before come only from exports. A
    backfill entirely before that day pulls nothing and says so in the log.
    """
    limit = stream.history_limit_days
    if limit is None or not spans or spans[0].start > today - timedelta(days=limit - 1):
        return spans, None
    earliest = today - timedelta(days=limit - 1)
    asked = spans[0].start
    kept = [Window(max(span.start, earliest), span.end) for span in spans if span.end >= earliest]
    if not kept:
        LOG.warning(
            "'%s' is served for %d days only (from %s): nothing to pull for %s..%s",
            stream.name,
            limit,
            earliest,
            spans[0].start,
            spans[-1].end,
        )
    reach = f"asked from {asked}, pulled" if asked < earliest else "pulled"
    note = (
        f"the API keeps {limit} days of '{stream.name}': {reach} from {earliest}, its first day; "
        "earlier days come only from exports"
    )
    return kept, note


def refresh_since(source: ApiSource, today: date) -> date:
    """First publish date of the posts read again: `post_refresh_days` back, not before history.

    A post published before the source's configured history (`start_date`, else `history_days`
    back) is never read for the first time by a pull, so it is not read again either.
    """
    history = source.start_date or today - timedelta(days=source.history_days - 1)
    return max(today - timedelta(days=source.post_refresh_days), history)


def refresh_posts(
    con: duckdb.DuckDBPyConnection, platform: str, account_id: str, since: date, today: date
) -> tuple[RefreshPost, ...]:
    """Posts of an account in the working database published within [since, today], newest first.

    Exports' posts count too: an account first known from exports gets its young posts' insights
    from the API as soon as it has an API source. The permalink goes along: a Facebook Reel's
    holds the video id its insights are read through.
    """
    rows = con.execute(
        "select post_id, published_date, content_type, permalink from core.post "
        "where platform = ? and account_id = ? and published_date between ? and ? "
        "order by published_date desc, post_id",
        [platform, account_id, since, today],
    ).fetchall()
    return tuple(RefreshPost(str(post_id), day, kind, link) for post_id, day, kind, link in rows)


def _refresh(
    con: duckdb.DuckDBPyConnection,
    source: ApiSource,
    stream: Stream,
    account: Account,
    today: date,
    requested: Window | None,
) -> Refresh | None:
    """The refresh of a nightly pull of a `refresh` stream; None in a backfill or turned off."""
    if not stream.refresh or requested is not None or source.post_refresh_days <= 0:
        return None
    since = refresh_since(source, today)
    if since > today:
        return None
    return Refresh(since, refresh_posts(con, account.platform, account.account_id, since, today))


def plan_source(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    source: ApiSource,
    requested: Window | None = None,
    accounts: Sequence[str] | None = None,
) -> list[Plan]:
    """Every (stream, account, window) of a source to pull in this run, in pulling order."""
    plans: list[Plan] = []
    for stream in connector(source.kind).STREAMS:
        for raw_id in source.ids.get(stream.ids_key, ()):
            account_id = account_id_for(stream.ids_key, raw_id)
            if accounts and account_id not in accounts and raw_id not in accounts:
                continue
            account = _account(settings, stream.ids_key, account_id)
            today = _today(settings, account)
            note = None
            if not stream.windowed:
                spans = [Window(today, today)]
            else:
                last = last_pulled(con, source.name, stream.name, account_id)
                spans, note = within_history(stream, windows(source, last, today, requested), today)
            refresh = _refresh(con, source, stream, account, today, requested)
            plans.extend(
                Plan(
                    source,
                    stream,
                    account_id,
                    account,
                    span,
                    refresh if span.end == today else None,
                    note if index == 0 else None,
                )
                for index, span in enumerate(spans)
            )
    return plans


def fetch(plans: Sequence[Plan], client: ApiClient, rawlog: RawLog) -> Iterator[Pulled]:
    """Pull each plan in order; land each completed pull's manifest in the raw zone.

    An expired token ends the source (every remaining plan fails with the reason); another API
    error fails that plan and the later windows of the same stream and account, because the
    incremental state cannot advance past a gap.
    """
    gaps: dict[tuple[str, str], str] = {}
    token_error: str | None = None
    for plan in plans:
        started = datetime.now(UTC)
        before = client.reads
        series = (plan.stream.name, plan.account_id)
        if token_error or series in gaps:
            reason = token_error or f"skipped after an earlier window failed: {gaps[series]}"
            yield Pulled(plan, error=reason, started_at=started)
            continue
        try:
            envelopes = _pull(client, plan)
        except TokenError as exc:
            token_error = f"source '{plan.source.name}' stopped: {exc}"
            yield Pulled(plan, error=token_error, started_at=started)
            continue
        except ApiError as exc:
            gaps[series] = str(exc)
            yield Pulled(plan, error=str(exc), started_at=started, reads=client.reads - before)
            continue
        manifest = rawlog.complete(plan.stream.name, plan.account_id, plan.window, envelopes)
        reads = client.reads - before
        yield Pulled(plan, tuple(envelopes), manifest, started_at=started, reads=reads)


def _pull(client: ApiClient, plan: Plan) -> list[Envelope]:
    """One plan's envelopes; a plan with a refresh hands its posts to the connector."""
    source, stream, account_id, window = plan.source, plan.stream, plan.account_id, plan.window
    if plan.refresh is not None:
        return refreshing(source.kind).pull(
            client, source, stream, account_id, window, refresh=plan.refresh
        )
    return connector(source.kind).pull(client, source, stream, account_id, window)


def refreshed(envelopes: Iterable[Envelope]) -> int:
    """Posts whose insights a pull read again: the ids of its answered refresh requests."""
    return len(
        {
            post_id
            for envelope in envelopes
            if envelope.ok and envelope.item.get(REFRESH)
            for post_id in envelope.item[REFRESH].split(",")
        }
    )


def digest(plan: Plan, envelopes: Iterable[Envelope]) -> str:
    """SHA-256 of what a pull says: its requests and bodies, and the snapshot dates they give.

    Equal responses fetched on another local day give a new digest, because the snapshot date of
    lifetime metrics comes from the fetch date.
    """
    parts = [
        [
            e.method,
            e.url,
            e.params,
            e.request_body,
            e.item,
            e.page,
            e.status,
            e.body,
            str(e.fetched_on(plan.account.timezone)),
        ]
        for e in envelopes
    ]
    text = json.dumps([plan.ledger_source, parts], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load(con: duckdb.DuckDBPyConnection, pulled: Pulled) -> LoadOutcome:
    """Load one pull (or record why it failed) and advance its stream's state.

    The outcome carries the reads the pull used (billed whether or not it loaded).
    """
    return replace(_load(con, pulled), reads_used=pulled.reads)


def _load(con: duckdb.DuckDBPyConnection, pulled: Pulled) -> LoadOutcome:
    plan = pulled.plan
    entry = store.LedgerEntry(source=plan.ledger_source, started_at=pulled.started_at)
    if pulled.error is not None:
        return _failed(con, entry, plan, pulled.error)
    sha = digest(plan, pulled.envelopes)
    previous = store.loaded_load_id(con, sha)
    again = refreshed(pulled.envelopes)
    if previous is not None:
        _advance(con, plan, previous)
        return LoadOutcome(
            plan.ledger_source, "skipped", plan.format_name, load_id=previous, posts_refreshed=again
        )
    entry = store.LedgerEntry(plan.ledger_source, pulled.started_at, sha, pulled.manifest)
    try:
        result = mapping(plan.source.kind).normalize(
            plan.stream.name, pulled.envelopes, plan.account
        )
    except (InputError, ValueError) as exc:
        return _failed(con, entry, plan, f"responses could not be mapped: {exc}")
    except (Exception, PanicException) as exc:
        # A defect in a mapping (or the polars engine) on these responses: fail this pull alone,
        # in one line, and keep loading the others; the raw zone keeps the responses for replay.
        return _failed(con, entry, plan, f"internal error mapping responses ({exc!r})")
    if plan.note is not None:
        result = replace(result, notes=(*result.notes, plan.note))
    try:
        load_id = store.record_load(con, entry, result, origin="api")
    except duckdb.Error as exc:
        # Rows the database refuses (a check a mapping did not expect): record_load rolled its
        # transaction back, so this pull fails alone and the next ones load.
        return _failed(con, entry, plan, f"responses could not be stored ({exc})")
    _advance(con, plan, load_id)
    outcome = LoadOutcome.loaded(plan.ledger_source, plan.format_name, result, load_id)
    return replace(outcome, posts_refreshed=again)


def _failed(
    con: duckdb.DuckDBPyConnection, entry: store.LedgerEntry, plan: Plan, error: str
) -> LoadOutcome:
    """Record a pull that gave nothing to load; its state does not advance."""
    load_id = store.record_failure(con, entry, error, plan.format_name, origin="api")
    return LoadOutcome(plan.ledger_source, "failed", plan.format_name, error=error, load_id=load_id)


def _advance(con: duckdb.DuckDBPyConnection, plan: Plan, load_id: int) -> None:
    con.execute(
        "insert into ops.api_state (source, stream, account_id, last_date, updated_at, load_id) "
        "values (?, ?, ?, ?, ?, ?) on conflict (source, stream, account_id) do update set "
        "last_date = greatest(ops.api_state.last_date, excluded.last_date), "
        "updated_at = excluded.updated_at, load_id = excluded.load_id",
        [
            plan.source.name,
            plan.stream.name,
            plan.account_id,
            plan.window.end,
            datetime.now(UTC),
            load_id,
        ],
    )


@dataclass(frozen=True)
class _Done:
    """End-of-source marker on the results queue."""

    source: str


def load_sources(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    raw_root: zones.Zone | Path,
    *,
    replay: bool = False,
    requested: Window | None = None,
    sources: Sequence[str] | None = None,
    accounts: Sequence[str] | None = None,
    progress: Callable[[LoadOutcome], None] | None = None,
) -> list[LoadOutcome]:
    """Pull (or replay from the raw zone) every selected API source and load it; never raises.

    Live: each source is fetched in its own thread (within `KIND_CONCURRENCY`) while this thread
    loads completed pulls as they arrive; a source whose token is missing or expired fails alone.
    Replay: the raw zone's completed pulls, oldest first, without network; they go through the
    same mappings, so the canonical rows are the same, and pulls already loaded are skipped by
    their digest.
    """
    selected = [s for s in settings.api_sources if not sources or s.name in sources]
    pulls = (
        _replayed(settings, raw_root, selected, requested, accounts)
        if replay
        else _fetched(con, settings, raw_root, selected, requested, accounts)
    )
    return _load_each(con, pulls, progress)


def _load_each(
    con: duckdb.DuckDBPyConnection,
    pulls: Iterable[Pulled],
    progress: Callable[[LoadOutcome], None] | None,
) -> list[LoadOutcome]:
    outcomes = []
    for pulled in pulls:
        outcome = load(con, pulled)
        outcomes.append(outcome)
        if progress is not None:
            progress(outcome)
    return outcomes


def _fetched(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    raw_root: zones.Zone | Path,
    selected: Sequence[ApiSource],
    requested: Window | None,
    accounts: Sequence[str] | None,
) -> Iterator[Pulled]:
    """Completed (or failed) pulls as the source threads deliver them."""
    results: queue.Queue[Pulled | _Done] = queue.Queue()
    limits = {kind: threading.Semaphore(n) for kind, n in KIND_CONCURRENCY.items()}
    jobs = []
    for source in selected:
        plans = plan_source(con, settings, source, requested, accounts)
        try:
            jobs.append((source, plans, source.token()))
        except InputError as exc:
            yield from (Pulled(plan, error=str(exc)) for plan in plans)

    def work(source: ApiSource, plans: list[Plan], token: str) -> None:
        try:
            with limits[source.kind]:
                rawlog = RawLog(raw_root, source.name)
                client = connector(source.kind).client_for(source, token, rawlog)
                for pulled in fetch(plans, client, rawlog):
                    results.put(pulled)
        finally:
            results.put(_Done(source.name))

    with ThreadPoolExecutor(max_workers=max(1, len(jobs)), thread_name_prefix="kunci-api") as pool:
        futures = [pool.submit(work, *job) for job in jobs]
        pending = len(jobs)
        while pending:
            item = results.get()
            if isinstance(item, _Done):
                pending -= 1
            else:
                yield item
        for future in futures:
            future.result()


def _replayed(
    settings: Settings,
    raw_root: zones.Zone | Path,
    selected: Sequence[ApiSource],
    requested: Window | None,
    accounts: Sequence[str] | None,
) -> Iterator[Pulled]:
    """The raw zone's completed pulls of the selected sources, oldest first."""
    start, end = (requested.start, requested.end) if requested else (None, None)
    for source in selected:
        streams = {stream.name: stream for stream in connector(source.kind).STREAMS}
        for kept in RawLog(raw_root, source.name).pulls(start=start, end=end):
            stream = streams.get(kept.stream)
            if stream is None or (accounts and kept.account_id not in accounts):
                continue
            account = _account(settings, stream.ids_key, kept.account_id)
            plan = Plan(source, stream, kept.account_id, account, kept.window)
            yield Pulled(plan, kept.envelopes, kept.manifest)
