"""YouTube Analytics API connector: which reports to ask for a channel, and how.

Reports come from `reports.query` (`{base_url}/v2/reports`, `ids=channel==<id>`); the list of
uploads comes from the YouTube Data API on another host (`options.data_base_url`, default
`https://www.googleapis.com`), read through a second client because the client refuses URLs on
other hosts than its source's. Both send the token as `Authorization: Bearer`.

- `channel_daily` (windowed): the channel by `day`.
- `videos` (windowed by publish date): the channel's uploads playlist (`channels.list` ->
  `contentDetails.relatedPlaylists.uploads`, then `playlistItems.list`, newest first, paged by
  `pageToken` until a page ends before the window) gives each upload's `videoPublishedAt`.
  Uploads whose UTC publish date lies in the window get their lifetime totals (`dimensions=video`,
  `filters=video==a,b,...`, 50 per request, from YouTube's first day to the window's end) and
  their daily rows (`dimensions=day`, `filters=video==<id>`, from the day before the publish
  date, since YouTube's days are Pacific, to the window's end). The connector does not know
  the account's timezone, so it windows by UTC date; the mapping stores local dates. Each
  chunk of uploads also gets its views by `video,creatorContentType` from the day before the
  earliest publish date: which uploads are Shorts, videos on demand or live streams.
  `engagedViews` (views as YouTube counted them before its 2025 Shorts change) is asked beside
  `views` in every report of videos and of the channel.
  In a nightly run's latest window (`refresh`), the uploads published from `Refresh.since` on
  (default 28 days back) that the window does not cover, those `core.post` holds and those the
  uploads pages listed anyway, get their lifetime totals again: the same per-video report,
  50 ids a request, marked `item["request"] = "refresh"`; no daily rows (one request a video).
  Refreshed uploads the listing gave get their `core.post` row again, so their chunk asks their
  content types too (else a Short would be rewritten as a video).
- `audience` (not windowed): `ageGroup,gender` shares and `country` views over the
  `options.audience_days` (default 28) days ending on the run's date.

Every envelope carries `item["request"]` (`channel_daily`, `channel`, `uploads`, `lifetime`,
`content_type`, `daily`, `gender_age`, `country`) so the mapping knows what it reads.
"""

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flows.api.classify import google_error
from flows.api.client import ApiClient
from flows.api.errors import ApiError, TokenError
from flows.api.rawlog import RawLog
from flows.api.refusals import ask_for_metrics
from flows.api.streams import Refresh, Stream
from flows.config.settings import ApiSource
from transforms.api.envelope import REFRESH, Envelope, Window
from transforms.api.youtube_analytics import VIDEO_METRICS

STREAMS = (
    Stream("channel_daily", "channels"),
    Stream("videos", "channels", refresh=True),
    Stream("audience", "channels", windowed=False),
)
REPORTS = "/v2/reports"
DATA_BASE_URL = "https://www.googleapis.com"
YOUTUBE_FIRST_DAY = date(2005, 2, 14)  # no report data can predate YouTube
CHANNEL_METRICS = (*VIDEO_METRICS, "subscribersGained", "subscribersLost")
LIFETIME_METRICS = (*VIDEO_METRICS, "subscribersGained")
VIDEOS_PER_REQUEST = 50
UPLOADS_PER_PAGE = 50  # the Data API's maximum
DEFAULT_AUDIENCE_DAYS = 28


class YouTubeClient(ApiClient):
    """The Analytics client, with `data_api`: a sibling client on the Data API's host."""

    def __init__(self, *, data_api: ApiClient, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_api = data_api

    def close(self) -> None:
        """Release both clients' connections."""
        self.data_api.close()
        super().close()


def client_for(source: ApiSource, token: str, rawlog: RawLog | None, **kw: Any) -> YouTubeClient:
    """A bearer-token client for the Analytics API, with its Data API sibling."""
    data_url = str(source.options.get("data_base_url", DATA_BASE_URL)).rstrip("/")
    common: dict[str, Any] = {
        "token": token,
        "rawlog": rawlog,
        "auth": "bearer",
        "classify": google_error,
        **kw,
    }
    data_api = ApiClient(source=replace(source, base_url=data_url), **common)
    return YouTubeClient(source=source, data_api=data_api, **common)


def pull(
    client: ApiClient,
    source: ApiSource,
    stream: Stream,
    account_id: str,
    window: Window,
    refresh: Refresh | None = None,
) -> list[Envelope]:
    """Every envelope the stream's mapping needs for one channel and window (and refresh)."""
    pulls: dict[str, Callable[[_Asker, ApiSource], list[Envelope]]] = {
        "channel_daily": _channel_daily,
        "videos": _videos,
        "audience": _audience,
    }
    if stream.name not in pulls:
        raise ValueError(f"YouTube Analytics has no stream '{stream.name}'")
    return pulls[stream.name](_Asker(client, stream.name, account_id, window, refresh), source)


class _Asker:
    """Sends one pull's requests with the same stream, channel and window, keeping envelopes."""

    def __init__(
        self,
        client: ApiClient,
        stream: str,
        account_id: str,
        window: Window,
        refresh: Refresh | None = None,
    ) -> None:
        self.client = client
        self.refresh = refresh
        self.stream = stream
        self.account_id = account_id
        self.window = window
        self.kept: list[Envelope] = []

    def report(
        self, request: str, metrics: tuple[str, ...], params: dict[str, Any], **item: str
    ) -> Envelope | None:
        """One `reports.query` for this channel; None when every metric was refused."""

        def send(asked: list[str]) -> Envelope:
            query = {"ids": f"channel=={self.account_id}", **params, "metrics": ",".join(asked)}
            return self.client.get(REPORTS, query, **self._context(request, item))

        envelope = ask_for_metrics(self.client, request, metrics, send, self.kept)
        if envelope is not None:
            self.kept.append(envelope)
        return envelope

    def data(self, path: str, params: dict[str, Any], request: str, page: int = 0) -> Envelope:
        """One YouTube Data API request (through the Data API client)."""
        if not isinstance(self.client, YouTubeClient):
            raise TypeError("the videos stream needs the client from youtube_analytics.client_for")
        envelope = self.client.data_api.get(path, params, **self._context(request, {}), page=page)
        self.kept.append(envelope)
        return envelope

    def _context(self, request: str, item: dict[str, str]) -> dict[str, Any]:
        return {
            "stream": self.stream,
            "account_id": self.account_id,
            "window": self.window,
            "item": {"request": request, **item},
        }


def _channel_daily(ask: _Asker, source: ApiSource) -> list[Envelope]:
    window = ask.window
    params = {"startDate": window.start, "endDate": window.end, "dimensions": "day", "sort": "day"}
    ask.report("channel_daily", CHANNEL_METRICS, params)
    return ask.kept


def _videos(ask: _Asker, source: ApiSource) -> list[Envelope]:
    published = dict(_uploads(ask))
    chosen = [v for v, day in published.items() if ask.window.start <= day <= ask.window.end]
    _lifetime(ask, "lifetime", chosen, published)
    for video in chosen:
        params = {
            "startDate": published[video] - timedelta(days=1),
            "endDate": ask.window.end,
            "dimensions": "day",
            "filters": f"video=={video}",
            "sort": "day",
        }
        ask.report("daily", VIDEO_METRICS, params, video_id=video)
    if ask.refresh is not None:
        since = ask.refresh.since
        listed = [v for v, day in published.items() if since <= day <= ask.window.end]
        stored = [post.post_id for post in ask.refresh.posts]
        again = [v for v in dict.fromkeys([*listed, *stored]) if v not in set(chosen)]
        _lifetime(ask, "refresh", again, published)
    return ask.kept


def _lifetime(ask: _Asker, request: str, videos: list[str], published: dict[str, date]) -> None:
    """Lifetime totals of the videos up to the window's end, `VIDEOS_PER_REQUEST` a request.

    Each chunk's listed uploads (those with a publish date: the ones that get a `core.post` row)
    also get their views by `creatorContentType`, from the day before the earliest of them.
    """
    for start in range(0, len(videos), VIDEOS_PER_REQUEST):
        chunk = videos[start : start + VIDEOS_PER_REQUEST]
        params = {
            "startDate": YOUTUBE_FIRST_DAY,
            "endDate": ask.window.end,
            "dimensions": "video",
            "filters": f"video=={','.join(chunk)}",
            "sort": "-views",
            "maxResults": len(chunk),
        }
        marks = {REFRESH: ",".join(chunk)} if request == "refresh" else {}
        ask.report(request, LIFETIME_METRICS, params, videos=",".join(chunk), **marks)
        listed = [v for v in chunk if v in published]
        if listed:
            _content_types(ask, listed, min(published[v] for v in listed))


def _content_types(ask: _Asker, videos: list[str], first: date) -> None:
    """The uploads' views by `creatorContentType`; a refusal is kept, never fails the stream."""
    kinds = {
        "startDate": first - timedelta(days=1),
        "endDate": ask.window.end,
        "dimensions": "video,creatorContentType",
        "filters": f"video=={','.join(videos)}",
    }
    try:
        ask.report("content_type", ("views",), kinds, videos=",".join(videos))
    except TokenError:
        raise
    except ApiError as error:  # the formats are extra: their refusal must not cost the videos
        if error.envelope is None:
            raise
        ask.kept.append(error.envelope)


def _uploads(ask: _Asker) -> Iterator[tuple[str, date]]:
    """(video id, UTC publish date) of the channel's uploads, newest first, down to the window.

    The uploads playlist lists newest first, so paging stops after the first page whose last
    upload was published before the window; uploads without a publish time (deleted, private
    to others) are passed over.
    """
    query = {"part": "contentDetails", "id": ask.account_id}
    channel = ask.data("/youtube/v3/channels", query, "channel")
    items = channel.data().get("items") or [{}]
    playlist = items[0].get("contentDetails", {}).get("relatedPlaylists", {}).get("uploads")
    if not playlist:
        raise ApiError(f"channel {ask.account_id}: the Data API lists no uploads playlist", channel)
    params: dict[str, Any] = {
        "part": "snippet,contentDetails,status",
        "playlistId": playlist,
        "maxResults": UPLOADS_PER_PAGE,
    }
    page = 0
    while True:
        data = ask.data("/youtube/v3/playlistItems", params, "uploads", page).data()
        days = []
        for item in data.get("items", []):
            details = item.get("contentDetails", {})
            if details.get("videoPublishedAt") and details.get("videoId"):
                day = _utc_date(details["videoPublishedAt"])
                days.append(day)
                yield details["videoId"], day
        token = data.get("nextPageToken")
        if not token or (days and days[-1] < ask.window.start):
            return
        params = {**params, "pageToken": token}
        page += 1


def _utc_date(timestamp: str) -> date:
    """The UTC date of an RFC 3339 timestamp (`2026-10-02T03:00:00Z`)."""
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).astimezone(UTC).date()


def _audience(ask: _Asker, source: ApiSource) -> list[Envelope]:
    days = int(source.options.get("audience_days", DEFAULT_AUDIENCE_DAYS))
    period = {"startDate": ask.window.end - timedelta(days=days - 1), "endDate": ask.window.end}
    ask.report(
        "gender_age",
        ("viewerPercentage",),
        {**period, "dimensions": "ageGroup,gender", "sort": "gender,ageGroup"},
    )
    ask.report("country", ("views",), {**period, "dimensions": "country", "sort": "-views"})
    return ask.kept
