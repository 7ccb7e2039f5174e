"""Meta Graph API connector: the requests behind each stream of a Page or an Instagram account.

The client (`flows.api.client`) does HTTP, retries, throttling and recording; this module decides
what to ask and keeps every envelope the mapping (`transforms.api.meta_graph`) needs, error
answers of skipped items and refused metrics included. Streams:

- `page_insights` (pages, windowed): `/{page}/insights?period=day` with the page metrics the
  mapping stores, since/until at Pacific midnights (Facebook's days), at most 90 days a request.
- `page_audience` (pages, once a run): page_fans_online for the 7 days ending on the window's
  end (while Meta served it: until 15 Nov 2025), and the lifetime followers by country and city
  (page_follows_country / city; page_fans_country / city while they were served).
- `page_posts` (pages, windowed by publish time): `/{page}/published_posts` paged, then each
  post's lifetime `/{post}/insights`; a Reel (permalink `/reel/<video id>`) has no `/insights`
  edge and is read through `/{video id}/video_insights`.
- `ig_user_insights` (instagram_accounts, windowed): reach, follower_count (and impressions on
  versions before v22.0 until 21 Apr 2025) as daily series, at most 30 days a request; views,
  profile_views, website_clicks and total_interactions as `total_value`, which is a total over
  since..until, so asked one Pacific day at a time to be a day's value.
- `ig_audience` (instagram_accounts, once a run): the account's followers_count,
  online_followers for the 7 days ending on the window's end, follower_demographics by age,
  gender, city and country (one breakdown a request).
- `ig_media` (instagram_accounts, windowed by media timestamp): `/{ig-user}/media` and
  `/{ig-user}/stories`, newest first, paged until a page reaches media older than the window;
  each media's insights with the metrics its product type supports (feed, reels, story).

Every request leaves out the metrics Meta retired for the configured API version (the base URL's
`/vNN.N`) or, by the request's date, for every version (`transforms.api.meta_graph.RETIREMENTS`).
An unexpected error of one item (code 100 for one post) is kept for the mapping to quarantine
that item; the stream goes on (`_item_failure`).

Maturing posts (`refresh`, the latest window of a nightly run): `page_posts` and `ig_media` also
read again the lifetime insights of the posts published from `Refresh.since` on (default 28 days
back) that their window does not cover: those `core.post` holds and those the listing gave
anyway. They are asked 50 at a time with a multi-id read (`GET /?ids=a,b,...`) and field
expansion (`fields=<own counts>,insights.metric(...).period(lifetime)`, the served metrics only),
one request per product type, so the counts on the post itself (comments, reactions, likes) are
refreshed with them. Meta fails a multi-id read when one id fails (deleted, posted before the
business conversion), so a failed batch is asked again one id at a time and only the failing id
is quarantined. Facebook Reels (no post `/insights`) get their own counts in a batch of their
post ids (own fields only) and their insights in a batch of their video ids (from the permalink
`/reel/<video id>`) with `video_insights.metric(...)` expanded. Stories (insights live 24 hours)
are not refreshed.

The connector does not know the account's timezone, so publish times are compared with the
window widened by a day on each side (every UTC offset fits); the mapping keeps exactly the posts
of the window's local dates. A refused metric is dropped and the request repeated without it
(`flows.api.refusals`, as for Google's APIs); `client.dropped_metrics` remembers it per request
family for the rest of the run. When Meta refuses without naming the metric, the family's
metrics are asked one at a time.
"""

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from flows.api.classify import META_PERMISSION_CODE, meta_error
from flows.api.client import ApiClient
from flows.api.errors import ApiError, InvalidMetricError, ItemError, TokenError
from flows.api.rawlog import RawLog
from flows.api.refusals import ask_for_metrics
from flows.api.streams import Refresh, Stream
from flows.config.settings import ApiSource
from transforms.api.envelope import REFRESH, Envelope, Window
from transforms.api.meta_graph import (
    PACIFIC,
    PAGE_AUDIENCE,
    PAGE_DAILY,
    POST_INSIGHTS,
    REEL_INSIGHTS,
    REEL_POST,
    REEL_VIDEOS,
    served,
)

STREAMS = (
    Stream("page_insights", "pages"),
    Stream("page_audience", "pages", windowed=False),
    Stream("page_posts", "pages", refresh=True),
    Stream("ig_user_insights", "instagram_accounts"),
    Stream("ig_audience", "instagram_accounts", windowed=False),
    Stream("ig_media", "instagram_accounts", refresh=True),
)

PAGE_ONLINE = ("page_fans_online",)  # retired 15 Nov 2025 with nothing in its place
IG_SERIES = ("reach", "follower_count", "impressions")
IG_DAY_TOTALS = ("views", "profile_views", "website_clicks", "total_interactions")
IG_ONLINE = ("online_followers",)
IG_DEMOGRAPHICS = ("age", "gender", "city", "country")
# Media insights by media_product_type (Meta refuses metrics a product type does not have).
MEDIA_METRICS = {
    "FEED": ("reach", "views", "likes", "comments", "shares", "saved", "profile_visits", "follows"),
    "REELS": (
        "reach",
        "views",
        "likes",
        "comments",
        "shares",
        "saved",
        "ig_reels_video_view_total_time",
    ),
    "STORY": ("reach", "views", "replies", "shares", "follows", "profile_visits"),
}
POST_FIELDS = (
    "id,created_time,message,permalink_url,status_type,attachments{media_type},shares,"
    "comments.summary(true).limit(0),reactions.summary(true).limit(0)"
)
MEDIA_FIELDS = (
    "id,caption,media_type,media_product_type,permalink,timestamp,like_count,comments_count"
)
POST_OWN_FIELDS = "id,shares,comments.summary(true).limit(0),reactions.summary(true).limit(0)"
MEDIA_OWN_FIELDS = "id,like_count,comments_count"
REFRESH_BATCH = 50  # the most ids one multi-id read (`?ids=`) takes
PAGE_LIMIT = 100  # the most items Graph API edges return per page
INSIGHTS_DAYS = 90  # Page insights: at most 90 days between since and until
IG_SERIES_DAYS = 30  # Instagram user insights: at most 30 days between since and until
ONLINE_DAYS = 7  # one week of online hours: each weekday once
_VERSION = re.compile(r"/v(\d+)\.(\d+)(?:/|$)")
_REEL_LINK = re.compile(r"/reel/(\d+)")  # a Reel's permalink carries its video id
REEL_EDGE = "video_insights"


def client_for(source: ApiSource, token: str, rawlog: RawLog | None, **kw: Any) -> ApiClient:
    """The Graph API client: token as `access_token`, Meta's error sorting."""
    return ApiClient(
        source=source, token=token, rawlog=rawlog, auth="query", classify=meta_error, **kw
    )


def pull(
    client: ApiClient,
    source: ApiSource,
    stream: Stream,
    account_id: str,
    window: Window,
    refresh: Refresh | None = None,
) -> list[Envelope]:
    """Every envelope `stream` needs for one account and window, in the order received.

    Item errors and refused metrics are kept and the pull goes on; token and other API errors
    propagate (the runner fails the stream or the source). `source` is part of the connector
    contract; Meta's requests depend only on the stream, account and window. `refresh` (post
    streams) names the maturing posts to read again besides the window's.
    """
    call = _Call(client, stream.name, account_id, window, api_version(source), refresh)
    _PULLS[stream.name](call)
    return call.envelopes


def api_version(source: ApiSource) -> tuple[int, int] | None:
    """The Graph API version the source's base URL names (`.../v24.0` → (24, 0)), else None.

    None (a base URL without a version: Meta's newest) counts as newer than every retirement.
    """
    found = _VERSION.search(urlsplit(source.base_url).path)
    return (int(found.group(1)), int(found.group(2))) if found else None


def request_day() -> date:
    """The day a request is sent (UTC): retirements for every API version apply by this date."""
    return datetime.now(UTC).date()


@dataclass
class _Call:
    """One stream pull in progress: where to send requests and what has come back."""

    client: ApiClient
    stream: str
    account_id: str
    window: Window
    version: tuple[int, int] | None = None
    refresh: Refresh | None = None
    envelopes: list[Envelope] = field(default_factory=list)

    def served(self, metrics: Sequence[str]) -> tuple[str, ...]:
        """The metrics the configured API version serves today (retired ones are never asked)."""
        return served(metrics, self.version, request_day())

    def keep(self, envelope: Envelope | None) -> None:
        if envelope is not None:
            self.envelopes.append(envelope)

    def send(self, path: str, params: dict[str, Any], item: dict[str, str] | None) -> Envelope:
        """One GET for this pull's stream, account and window."""
        return self.client.get(
            path,
            params,
            stream=self.stream,
            account_id=self.account_id,
            window=self.window,
            item=item,
        )

    def get(self, path: str, params: dict[str, Any]) -> None:
        """One GET, its answer kept; an item error is kept too and the pull goes on."""
        try:
            self.keep(self.send(path, params, None))
        except ItemError as exc:
            self.keep(exc.envelope)

    def pages(self, path: str, params: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        """The `data` list of each page of a paged edge (each page kept)."""
        for envelope in self.client.paged(
            path, params, stream=self.stream, account_id=self.account_id, window=self.window
        ):
            self.keep(envelope)
            body = envelope.data()
            data = body.get("data") if isinstance(body, dict) else None
            yield (
                [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []
            )

    def insights(
        self,
        node: str,
        metrics: Sequence[str],
        params: dict[str, Any],
        family: str,
        item: dict[str, str] | None = None,
        edge: str = "insights",
    ) -> None:
        """`{node}/{edge}` for the served metrics the API has not refused in this family this run.

        Metrics Meta retired for the configured version (or for every version by today) are
        never asked. When Meta refuses several metrics without naming one, each is asked alone.
        An unexpected error of one item (`_item_failure`) is kept for the mapping to quarantine
        that item, and the pull goes on.
        """
        metrics = self.served(metrics)

        def send(asked: list[str]) -> Envelope:
            return self.send(f"{node}/{edge}", {**params, "metric": ",".join(asked)}, item)

        try:
            self.keep(ask_for_metrics(self.client, family, metrics, send, self.envelopes))
        except InvalidMetricError as error:
            asked = [m for m in metrics if m not in self.client.dropped_metrics[family]]
            if len(asked) < 2:
                if _item_failure(error, item):
                    return  # the refusal is kept already: a note, and this item goes on without
                raise
            for metric in asked:
                self.insights(node, [metric], params, family, item, edge)
        except ApiError as error:
            if not _item_failure(error, item):
                raise
            self.keep(error.envelope)


def _item_failure(error: ApiError, item: dict[str, str] | None) -> bool:
    """Whether an error answer concerns one item alone, so that item is quarantined.

    An item's request (a post's or media's insights) answered 4xx with a Graph API error is that
    item's problem (a post deleted since it was listed, a node without the edge), never the
    stream's: code 100 of one post must not lose the others. Not so: a token error (the source
    stops), Meta's code 10 without "not enough viewers" (a missing permission, a configuration
    fault that quarantining every item would hide), 5xx after the retries (the API is down: the
    stream fails and the next run pulls it again).
    """
    envelope = error.envelope
    if item is None or envelope is None or isinstance(error, TokenError):
        return False
    if not 400 <= envelope.status < 500:
        return False
    try:
        body = envelope.data()
    except ValueError:
        return False
    detail = body.get("error") if isinstance(body, dict) else None
    return isinstance(detail, dict) and detail.get("code") != META_PERMISSION_CODE


def _pacific(day: date) -> int:
    """Epoch seconds of the day's start in Pacific time, where Facebook's days begin."""
    return int(datetime.combine(day, time(0), PACIFIC).timestamp())


def _spans(window: Window, days: int) -> Iterator[tuple[date, date]]:
    """The window cut into inclusive spans of at most `days` days."""
    start = window.start
    while start <= window.end:
        end = min(window.end, start + timedelta(days=days - 1))
        yield start, end
        start = end + timedelta(days=1)


def _bounds(window: Window) -> tuple[datetime, datetime]:
    """UTC instants surely around the window's local days, whatever the account's timezone."""
    lower = datetime.combine(window.start - timedelta(days=1), time(0), UTC)
    return lower, datetime.combine(window.end + timedelta(days=2), time(0), UTC)


def _published(record: dict[str, Any], key: str) -> datetime | None:
    try:
        return datetime.strptime(str(record.get(key)), "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None


def _wanted(record: dict[str, Any], key: str, lower: datetime, upper: datetime) -> bool:
    """Whether a listed post or media has an id and was published within [lower, upper).

    Records without either are left to the mapping, which quarantines them.
    """
    published = _published(record, key)
    return (
        isinstance(record.get("id"), str) and published is not None and lower <= published < upper
    )


def _daily(call: _Call, metrics: Sequence[str], days: int, family: str) -> None:
    """Daily series of the window, in spans the API accepts."""
    for start, end in _spans(call.window, days):
        params = {"period": "day", "since": _pacific(start), "until": _pacific(end + timedelta(1))}
        call.insights(call.account_id, metrics, params, family)


def _online(call: _Call, metrics: Sequence[str], period: str, family: str) -> None:
    """The online-hours metric for the week ending on the window's last day."""
    end = call.window.end + timedelta(days=1)
    params = {
        "period": period,
        "since": _pacific(end - timedelta(ONLINE_DAYS)),
        "until": _pacific(end),
    }
    call.insights(call.account_id, metrics, params, family)


def _page_insights(call: _Call) -> None:
    _daily(call, tuple(PAGE_DAILY), INSIGHTS_DAYS, "page:day")


def _page_audience(call: _Call) -> None:
    """Followers online (while Meta served them) and followers by country and city.

    page_follows_country / city replace page_fans_country / city (retired 15 Nov 2025); while
    the fans metrics are served they stay the only source, so a series does not mix the two.
    """
    _online(call, PAGE_ONLINE, "day", "page:online")
    lifetime = call.served(tuple(PAGE_AUDIENCE))
    if "page_fans_country" in lifetime:
        lifetime = tuple(m for m in lifetime if not m.startswith("page_follows_"))
    call.insights(call.account_id, lifetime, {"period": "lifetime"}, "page:lifetime")


def _page_posts(call: _Call) -> None:
    """Posts published in the (widened) window, each with its lifetime insights."""
    lower, upper = _bounds(call.window)
    params = {
        "fields": POST_FIELDS,
        "since": int(lower.timestamp()),
        "until": int(upper.timestamp()),
        "limit": PAGE_LIMIT,
    }
    read: set[str] = set()
    for records in call.pages(f"{call.account_id}/published_posts", params):
        for record in records:
            if _wanted(record, "created_time", lower, upper):
                item = {"post_id": record["id"]}
                read.add(item["post_id"])
                reel = _REEL_LINK.search(str(record.get("permalink_url") or ""))
                if reel:  # a Reel has no /insights edge: its video's video_insights
                    item["video_id"] = reel.group(1)
                    call.insights(reel.group(1), tuple(REEL_INSIGHTS), {}, "reel", item, REEL_EDGE)
                    continue
                call.insights(
                    item["post_id"], tuple(POST_INSIGHTS), {"period": "lifetime"}, "post", item
                )
    if call.refresh is not None:
        posts: dict[str, str] = {}
        reels: dict[str, str] = {}  # post id -> video id
        for post in call.refresh.posts:
            video = _REEL_LINK.search(post.permalink or "")
            if video:
                reels[post.post_id] = video.group(1)
            elif post.content_type != "reel":  # a Reel without its video id cannot be read
                posts[post.post_id] = "post"
        reels = {post_id: video for post_id, video in reels.items() if post_id not in read}
        posts = {**_without(posts, read), **{post_id: REEL_POST for post_id in reels}}
        _refresh(call, posts, "post_id", POST_OWN_FIELDS)
        _refresh_reels(call, reels)


def _ig_user_insights(call: _Call) -> None:
    _daily(call, IG_SERIES, IG_SERIES_DAYS, "ig:series")
    day = call.window.start
    while day <= call.window.end:
        params = {
            "metric_type": "total_value",
            "period": "day",
            "since": _pacific(day),
            "until": _pacific(day + timedelta(days=1)),
        }
        call.insights(call.account_id, IG_DAY_TOTALS, params, "ig:day_total")
        day += timedelta(days=1)


def _ig_audience(call: _Call) -> None:
    call.get(call.account_id, {"fields": "followers_count"})
    _online(call, IG_ONLINE, "lifetime", "ig:online")
    for breakdown in IG_DEMOGRAPHICS:
        params = {
            "period": "lifetime",
            "metric_type": "total_value",
            "timeframe": "this_month",
            "breakdown": breakdown,
        }
        call.insights(call.account_id, ("follower_demographics",), params, "ig:demographics")


def _ig_media(call: _Call) -> None:
    """Media and current stories, newest first, until a page reaches older media than the window."""
    lower, upper = _bounds(call.window)
    read: set[str] = set()
    listed: dict[str, str] = {}  # media of the refresh period the listing gave: id -> family
    since = _bounds(Window(call.refresh.since, call.window.end))[0] if call.refresh else upper
    for edge in ("media", "stories"):
        params = {"fields": MEDIA_FIELDS, "limit": PAGE_LIMIT}
        for records in call.pages(f"{call.account_id}/{edge}", params):
            for record in records:
                if _wanted(record, "timestamp", lower, upper):
                    read.add(record["id"])
                    _media_insights(call, record)
                elif edge == "media" and _wanted(record, "timestamp", since, upper):
                    listed[record["id"]] = _family(str(record.get("media_product_type") or ""))
            times = [_published(record, "timestamp") for record in records]
            if any(published is not None and published < lower for published in times):
                break
    if call.refresh is not None:
        stored = {
            p.post_id: _family("REELS" if p.content_type == "reel" else "FEED")
            for p in call.refresh.posts
            if p.content_type != "story"
        }
        _refresh(call, _without({**stored, **listed}, read), "media_id", MEDIA_OWN_FIELDS)


def _family(product: str) -> str:
    """The metric family of a media product type (FEED for a type Meta does not say)."""
    return product if product in MEDIA_METRICS else "FEED"


def _without(posts: dict[str, str], read: set[str]) -> dict[str, str]:
    return {post_id: family for post_id, family in posts.items() if post_id not in read}


@dataclass(frozen=True)
class _Ask:
    """What a refresh reads of one family's nodes: own fields and an expanded insights edge.

    `metrics` are the served ones only: a retired metric in a multi-id read would fail the whole
    batch (and then each id) for nothing. No metrics: the own fields alone (a Reel's post).
    """

    scope: str  # refusal scope, shared with the family's window requests
    metrics: tuple[str, ...]
    own: str
    edge: str = "insights"

    def fields(self, asked: Sequence[str]) -> str:
        if not self.metrics:
            return self.own
        period = ".period(lifetime)" if self.edge == "insights" else ""  # video_insights: none
        return f"{self.own},{self.edge}.metric({','.join(asked)}){period}"

    def send(
        self, call: _Call, send: Callable[[list[str]], Envelope], kept: list[Envelope]
    ) -> Envelope | None:
        if not self.metrics:
            return send([])
        return ask_for_metrics(call.client, self.scope, self.metrics, send, kept)

    def probe(self, call: _Call, node: str) -> None:
        """One node's edge asked metric by metric when Meta refused without naming one."""
        params = {"period": "lifetime"} if self.edge == "insights" else {}
        call.insights(node, self.metrics, params, self.scope, edge=self.edge)


def _family_ask(call: _Call, family: str, own: str) -> _Ask:
    """The ask of a refresh family: `post`, a Reel's post (own counts) or a media product type."""
    if family == "post":
        return _Ask("post", call.served(tuple(POST_INSIGHTS)), own)
    if family == REEL_POST:
        return _Ask(REEL_POST, (), own)
    return _Ask(f"media:{family}", call.served(MEDIA_METRICS[family]), own)


class _BatchFailed(Exception):
    """A multi-id read failed for a reason one of its ids may alone explain."""


def _refresh(call: _Call, posts: dict[str, str], item_key: str, own: str) -> None:
    """Read the posts' own counts and lifetime insights again, 50 ids a request per family."""
    families: dict[str, list[str]] = {}
    for post_id, family in posts.items():
        families.setdefault(family, []).append(post_id)
    for family, ids in families.items():
        ask = _family_ask(call, family, own)
        for start in range(0, len(ids), REFRESH_BATCH):
            chunk = ids[start : start + REFRESH_BATCH]
            try:
                _refresh_batch(call, chunk, ask, {REFRESH: ",".join(chunk)})
            except _BatchFailed:
                for post_id in chunk:
                    _refresh_one(call, post_id, ask, {item_key: post_id, REFRESH: post_id})


def _refresh_reels(call: _Call, reels: dict[str, str]) -> None:
    """Facebook Reels' `video_insights` again: `GET /?ids=<video ids>` with the edge expanded.

    A Reel has no post `/insights`; its insights are its video's (the id in its permalink), and
    `video_insights` expands like any edge, so 50 Reels cost one request (their own counts come
    with the posts' refresh, family `reel_post`). The item names the post ids (`refresh`) and
    the video ids in the same order (`reel_videos`) for the mapping. A failed batch is asked
    again one video at a time (`GET /{video id}?fields=video_insights.metric(...)`).
    """
    ask = _Ask("reel", call.served(tuple(REEL_INSIGHTS)), "id", REEL_EDGE)
    posts = list(reels)
    for start in range(0, len(posts), REFRESH_BATCH):
        chunk = posts[start : start + REFRESH_BATCH]
        videos = [reels[post_id] for post_id in chunk]
        item = {REFRESH: ",".join(chunk), REEL_VIDEOS: ",".join(videos)}
        try:
            _refresh_batch(call, videos, ask, item)
        except _BatchFailed:
            for post_id, video in zip(chunk, videos, strict=True):
                one = {"post_id": post_id, "video_id": video, REFRESH: post_id, REEL_VIDEOS: video}
                _refresh_one(call, video, ask, one)


def _refresh_batch(call: _Call, ids: list[str], ask: _Ask, item: dict[str, str]) -> None:
    """`GET /?ids=...` with field expansion; refused metrics are dropped as in any request.

    When Meta refuses without naming a metric, one id is asked metric by metric (which teaches
    the client the refused ones) and the batch is asked again.
    """

    def send(asked: list[str]) -> Envelope:
        params = {"ids": ",".join(ids), "fields": ask.fields(asked)}
        try:
            return call.send("", params, item)
        except (TokenError, InvalidMetricError):
            raise
        except ApiError as exc:  # one id may fail the whole read: ask them one by one
            raise _BatchFailed(str(exc)) from exc

    try:
        call.keep(ask.send(call, send, call.envelopes))
    except InvalidMetricError:
        before = set(call.client.dropped_metrics[ask.scope])
        ask.probe(call, ids[0])
        if call.client.dropped_metrics[ask.scope] == before:
            raise
        call.keep(ask.send(call, send, call.envelopes))


def _refresh_one(call: _Call, node: str, ask: _Ask, item: dict[str, str]) -> None:
    """One node of a failed batch: `GET /{id}` with field expansion; its error is kept."""

    def send(asked: list[str]) -> Envelope:
        return call.send(node, {"fields": ask.fields(asked)}, item)

    try:
        call.keep(ask.send(call, send, call.envelopes))
    except (TokenError, InvalidMetricError):
        raise
    except ApiError as exc:  # a deleted post, a missing permission: this post alone
        if exc.envelope is None:
            raise
        call.keep(exc.envelope)


def _media_insights(call: _Call, record: dict[str, Any]) -> None:
    product = str(record.get("media_product_type") or "")
    family = product if product in MEDIA_METRICS else "FEED"
    item = {
        "media_id": record["id"],
        "media_product_type": product,
        "media_type": str(record.get("media_type") or ""),
    }
    call.insights(item["media_id"], MEDIA_METRICS[family], {}, f"media:{family}", item)


_PULLS: dict[str, Callable[[_Call], None]] = {
    "page_insights": _page_insights,
    "page_audience": _page_audience,
    "page_posts": _page_posts,
    "ig_user_insights": _ig_user_insights,
    "ig_audience": _ig_audience,
    "ig_media": _ig_media,
}
