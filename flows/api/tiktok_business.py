"""TikTok API for Business (v1.3) connector: organic business accounts, by `business_id`.

Three streams over the source's `business_ids` (the `business_id` TikTok gives an authorised
account, its open_id); the token goes in the `Access-Token` header:

- `account_daily` (windowed, at most 60 days back: TikTok keeps no older account metrics):
  `GET business/get/` with `start_date`/`end_date` and `fields=["metrics"]`-style field list
  (`ACCOUNT_FIELDS`), at most `REQUEST_DAYS` days a request. One metrics row per day.
- `audience` (once per run): `GET business/get/` with the follower breakdowns (gender, age,
  country, city) as TikTok has them today.
- `videos` (windowed, refresh): `GET business/video/list/` pages (`max_count` 20, `cursor`,
  `has_more`), newest first, each video with its lifetime metrics. The listing is read until a
  page ends with a video created before the earliest day wanted: the window's first day, or the
  maturing-post refresh's first day when that is earlier. Because every listed video carries its
  lifetime metrics, the listing IS the refresh of the posts it covers; a young post the database
  holds (from a Studio export) that the listing no longer shows is asked for by id
  (`filters={"video_ids": [...]}`), one request each, and one TikTok does not answer is
  quarantined by the mapping. TikTok stops counting a video's reach after 7 days without
  activity, so the refresh must run at least weekly: the nightly run does.

Every kept envelope says what it was in `item["request"]`: `metrics`, `audience`, `list`
(with `since`, the earliest publish date the pull keeps) or `video` (a post asked for by id,
its `video_id`). Pages and answers that read a post again carry `REFRESH` (the runner counts
them). Errors (HTTP 200 with a non-zero `code`) are sorted by `flows.api.classify.tiktok_error`.
"""

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flows.api.classify import tiktok_error
from flows.api.client import ApiClient
from flows.api.errors import ApiError, ItemError
from flows.api.rawlog import RawLog
from flows.api.streams import Refresh, Stream
from flows.config.settings import ApiSource
from transforms.api.envelope import REFRESH, Envelope, Window
from transforms.api.tiktok_business import (
    ACCOUNT_FIELDS,
    AUDIENCE_FIELDS,
    HISTORY_DAYS,
    VIDEO_FIELDS,
)

STREAMS = (
    Stream("account_daily", "business_ids", history_limit_days=HISTORY_DAYS),
    Stream("audience", "business_ids", windowed=False),
    Stream("videos", "business_ids", refresh=True),
)
REQUEST_DAYS = 30  # days one `business/get/` request covers (a conservative range)
PAGE_SIZE = 20  # `max_count` of `business/video/list/`: TikTok serves at most 20 a page
ACCOUNT_PATH = "business/get/"
VIDEO_PATH = "business/video/list/"


def client_for(source: ApiSource, token: str, rawlog: RawLog | None, **kw: Any) -> ApiClient:
    """The API for Business client: token as `Access-Token`, TikTok's error sorting."""
    return ApiClient(
        source=source, token=token, rawlog=rawlog, auth="access-token", classify=tiktok_error, **kw
    )


def pull(
    client: ApiClient,
    source: ApiSource,
    stream: Stream,
    account_id: str,
    window: Window,
    refresh: Refresh | None = None,
) -> list[Envelope]:
    """Every envelope the mapping needs for one account, stream and window, in order."""
    call = _Call(client, stream.name, account_id, window)
    if stream.name == "account_daily":
        call.metrics()
    elif stream.name == "audience":
        call.audience()
    elif stream.name == "videos":
        call.videos(refresh)
    else:
        raise ValueError(f"TikTok Business has no stream '{stream.name}'")
    return call.kept


def _fields(names: tuple[str, ...]) -> str:
    return json.dumps(list(names), separators=(",", ":"))


@dataclass
class _Call:
    """One pull in progress: what to ask and what has come back."""

    client: ApiClient
    stream: str
    account_id: str
    window: Window
    kept: list[Envelope] = field(default_factory=list)

    def get(self, path: str, params: dict[str, str], item: dict[str, str], page: int = 0) -> Any:
        """GET and keep the answer; its `data` object."""
        envelope = self.client.get(
            path,
            {"business_id": self.account_id, **params},
            stream=self.stream,
            account_id=self.account_id,
            window=self.window,
            item=item,
            page=page,
        )
        self.kept.append(envelope)
        data = envelope.data().get("data")
        if not isinstance(data, dict):
            raise ApiError(f"{self.account_id}: GET {path} answered no 'data' object", envelope)
        return data

    def metrics(self) -> None:
        """The daily account metrics, `REQUEST_DAYS` at a time."""
        for span in self.window.split(REQUEST_DAYS):
            params = {
                "start_date": span.start.isoformat(),
                "end_date": span.end.isoformat(),
                "fields": _fields(ACCOUNT_FIELDS),
            }
            self.get(ACCOUNT_PATH, params, {"request": "metrics"})

    def audience(self) -> None:
        """The follower breakdowns as TikTok has them today."""
        self.get(ACCOUNT_PATH, {"fields": _fields(AUDIENCE_FIELDS)}, {"request": "audience"})

    def videos(self, refresh: Refresh | None) -> None:
        """The listing back to the earliest day wanted, then the young posts it did not show."""
        since = min(self.window.start, refresh.since) if refresh else self.window.start
        listed = self._list(since)
        if refresh is None:
            return
        self._mark_refreshed(listed, since)
        missing = [p.post_id for p in refresh.posts if p.post_id not in listed]
        for post_id in missing:
            self._video(post_id)

    def _list(self, since: date) -> dict[str, int]:
        """Page `business/video/list/` until a page ends before `since`; listed id → page."""
        item = {"request": "list", "since": since.isoformat()}
        # a day's margin: the mapping keeps videos by their local publish date
        stop_before = datetime.combine(since - timedelta(days=1), datetime.min.time(), UTC)
        listed: dict[str, int] = {}
        cursors: set[str] = set()
        cursor: str | None = None
        page = 0
        while True:
            params = {"fields": _fields(VIDEO_FIELDS), "max_count": str(PAGE_SIZE)}
            if cursor is not None:
                params["cursor"] = cursor
            data = self.get(VIDEO_PATH, params, item, page)
            videos = [v for v in data.get("videos") or [] if isinstance(v, dict)]
            listed |= {str(v.get("item_id")): page for v in videos if v.get("item_id")}
            if not data.get("has_more") or not videos:
                return listed
            oldest = _created(videos[-1])
            if oldest is not None and oldest < stop_before:
                return listed
            cursor = str(data.get("cursor"))
            if cursor in cursors or data.get("cursor") is None:
                raise ApiError(
                    f"{self.account_id}: video list paging loops or ends without a cursor "
                    f"(page {page + 1})",
                    self.kept[-1],
                )
            cursors.add(cursor)
            page += 1

    def _mark_refreshed(self, listed: dict[str, int], since: date) -> None:
        """Name on each page its videos published from `since` to the window: posts read again.

        Counted by UTC creation date (the connector knows no timezone): the summary's count of
        refreshed posts may differ by a post at the edges from the mapping's local dates.
        """
        first = datetime.combine(since, datetime.min.time(), UTC)
        before = datetime.combine(self.window.start, datetime.min.time(), UTC)
        pages = {e.page: i for i, e in enumerate(self.kept) if e.item.get("request") == "list"}
        for page, index in pages.items():
            envelope = self.kept[index]
            videos = envelope.data()["data"].get("videos") or []
            again = [
                str(v["item_id"])
                for v in videos
                if isinstance(v, dict)
                and listed.get(str(v.get("item_id"))) == page
                and first <= (_created(v) or before) < before
            ]
            if again:
                self.kept[index] = replace(
                    envelope, item={**envelope.item, REFRESH: ",".join(again)}
                )

    def _video(self, post_id: str) -> None:
        """One young post the listing did not show, asked for by id; its error is kept.

        The answer names the post as read again (`REFRESH`) only when it holds the video.
        """
        params = {
            "fields": _fields(VIDEO_FIELDS),
            "filters": json.dumps({"video_ids": [post_id]}, separators=(",", ":")),
        }
        try:
            data = self.get(VIDEO_PATH, params, {"request": "video", "video_id": post_id})
        except ItemError as error:
            if error.envelope is None:
                raise
            self.kept.append(error.envelope)
            return
        videos = data.get("videos") or []
        if any(isinstance(v, dict) and str(v.get("item_id")) == post_id for v in videos):
            answer = self.kept[-1]
            self.kept[-1] = replace(answer, item={**answer.item, REFRESH: post_id})


def _created(video: dict[str, Any]) -> datetime | None:
    """A listed video's creation time (`create_time`, Unix seconds, a number or digits).

    None when unreadable: the mapping quarantines that video, and the listing goes on past it.
    """
    text = str(video.get("create_time", "")).strip()
    return datetime.fromtimestamp(int(text), UTC) if text.isdigit() else None
