"""X API v2 answers → the canonical rows of the X analytics exports (`x_analytics`).

The same rows and metrics as the exports give, so API and export data of one account meet.

`normalize(stream, envelopes, account)` reads the envelopes of one pull (`flows.api.x_api`):

- `followers`: the user's `public_metrics.followers_count` → `core.account_daily`
  followers_total, dated the run's local date (the pull's one-day window; followers at the end
  of that date, as near as a nightly run gets).
- `posts`: each post of `data` → `core.post` (published_at = created_at, published_date its
  local date, text, permalink `https://x.com/<handle>/status/<id>` (`/i/status/` without a
  configured handle), content_type from the attached media: none text, one photo photo, a
  video or GIF video, several media carousel; is_paid when `organic_metrics.impression_count`
  is below the total (the post was promoted), NULL when unknown) and a lifetime
  `core.post_metrics` snapshot as of the fetch's local date:
  impressions = public_metrics.impression_count (non_public's where public has none),
  reactions = like_count, comments = reply_count, shares = retweet_count + quote_count,
  saves = bookmark_count, link_clicks = non_public_metrics.url_link_clicks,
  profile_visits = non_public_metrics.user_profile_clicks, video_views = the attached videos'
  view_count. X serves non_public metrics only for posts younger than 30 days: an older
  post's link_clicks and profile_visits are NULL, never 0. The export's Share (share menu),
  clicks (URL + hashtag + permalink + detail expands) and New follows have no API field: NULL.

A post whose local date is outside the pull's window (the connector lists it in any timezone)
is skipped, unless its page read maturing posts (`refresh_since`) and it is not older than that;
a post listed twice keeps its first (newest) answer. Each entry of `errors` beside `data` (a
partial error) and each error answer kept for one item is a quarantine row.
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from transforms.api.envelope import Envelope
from transforms.api.google import result
from transforms.api.refusals import one_line
from transforms.canonical.accounts import account_frame
from transforms.canonical.schemas import ACCOUNT_DAILY, POST, POST_METRICS
from transforms.canonical.typed import QUARANTINE, conform
from transforms.context import Account, Normalized
from transforms.errors import InputError

KIND = "x_api"
PLATFORM = "x"
# Envelope.item keys the connector writes
REQUEST = "request"  # "user" or "posts"
METRICS = "metrics"  # PRIVATE when the request asked non_public/organic metrics, else PUBLIC
PRIVATE, PUBLIC = "private", "public"
REFRESH_SINCE = "refresh_since"  # ISO date: the page re-reads maturing posts published since then
BUDGET = "budget"  # why the pull stopped early (the run's read budget)
_MEDIA_TYPES = {"photo": "photo", "video": "video", "animated_gif": "video"}


@dataclass
class _Batch:
    """Rows read so far and where each went: kept, quarantined or skipped (with why)."""

    account: Account
    read: int = 0
    quarantine: list[tuple[int, str, str]] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def point(self) -> int:
        self.read += 1
        return self.read

    def refuse(self, reason: str, raw: Any) -> None:
        row = self.point()
        self.quarantine.append((row, reason, json.dumps(raw, sort_keys=True, default=str)))

    def skip(self, why: str) -> None:
        self.point()
        self.skipped[why] = self.skipped.get(why, 0) + 1

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(ZoneInfo(self.account.timezone)).date()

    def finish(self, stream: str, tables: dict[str, pl.DataFrame], loaded: int) -> Normalized:
        skipped = sum(self.skipped.values())
        notes = [*self.notes, *(f"skipped {n}: {why}" for why, n in sorted(self.skipped.items()))]
        return result(
            f"{KIND}:{stream}",
            PLATFORM,
            {"account": account_frame([self.account]), **tables},
            rows_read=self.read,
            loaded=loaded,
            quarantine=[pl.DataFrame(self.quarantine, schema=QUARANTINE, orient="row")],
            skipped=skipped,
            notes=notes,
        )


def normalize(stream: str, envelopes: Sequence[Envelope], account: Account) -> Normalized:
    """Map one pull of `followers` or `posts` (see the module docstring)."""
    if account.platform != PLATFORM:
        raise InputError(f"{KIND}: maps X accounts, not {account.platform}:{account.account_id}")
    batch = _Batch(account)
    answered = []
    for envelope in envelopes:
        if envelope.item.get(BUDGET):
            batch.note(envelope.item[BUDGET])
        body = envelope.json_object()
        if not envelope.ok or ("data" not in body and _partial_errors(envelope)):
            batch.refuse(_error_reason(envelope), _error_raw(envelope))
            continue
        for error in _partial_errors(envelope):
            batch.refuse(f"X API partial error: {_problem(error)}", error)
        if "data" in body:  # an empty page has no `data`, only `meta.result_count` 0
            answered.append(envelope)
    if stream == "followers":
        return _followers(batch, answered)
    if stream == "posts":
        return _posts(batch, answered)
    raise InputError(f"{KIND}: unknown stream '{stream}' (known: followers, posts)")


def _problem(error: dict[str, Any]) -> str:
    """A problem's title, detail and the resource it names, on one line."""
    title = error.get("title") or "error"
    detail = error.get("detail") or error.get("message") or ""
    resource = " ".join(str(error[k]) for k in ("resource_type", "resource_id") if error.get(k))
    where = f" ({resource})" if resource else ""
    return one_line(f"{title}: {detail}{where}")


def _partial_errors(envelope: Envelope) -> list[dict[str, Any]]:
    errors = envelope.json_object().get("errors")
    return [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []


def _error_reason(envelope: Envelope) -> str:
    body = envelope.json_object()
    errors = _partial_errors(envelope)
    if body.get("title") or not errors:
        text = _problem(body) if body else envelope.body.strip()[:200]
        return f"X API error (HTTP {envelope.status}): {one_line(text)}"
    return f"X API error: {_problem(errors[0])}"


def _error_raw(envelope: Envelope) -> dict[str, Any]:
    return {"item": envelope.item, "status": envelope.status, "error": envelope.json_object()}


def _count(value: Any) -> int | None:
    """A JSON whole number ≥ 0 (X sends counts as numbers), else None."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def _instant(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


# --- followers --------------------------------------------------------------------------------


def _followers(batch: _Batch, envelopes: Iterable[Envelope]) -> Normalized:
    by_day: dict[date, int] = {}
    for envelope in envelopes:
        user = envelope.json_object()["data"]
        metrics = user.get("public_metrics") if isinstance(user, dict) else None
        count = _count(metrics.get("followers_count")) if isinstance(metrics, dict) else None
        if count is None:
            batch.refuse("user without a readable public_metrics.followers_count", user)
            continue
        window = envelope.window  # the run's local date (its `as_of`), else the fetch's
        day = window.end if window is not None else batch.local_date(envelope.fetched_at)
        if day in by_day:
            batch.skip("an earlier follower count of the same date (the later one kept)")
        else:
            batch.point()
        by_day[day] = count
    frame = pl.DataFrame(
        {"date": list(by_day), "followers_total": list(by_day.values())},
        schema={"date": pl.Date, "followers_total": pl.Int64},
    ).with_columns(
        pl.lit(PLATFORM).alias("platform"), pl.lit(batch.account.account_id).alias("account_id")
    )
    tables = {"account_daily": conform(frame, ACCOUNT_DAILY.columns)}
    return batch.finish("followers", tables, frame.height)


# --- posts ------------------------------------------------------------------------------------


_POST_SCHEMA: dict[str, pl.DataType] = {"_row": pl.Int64(), **POST.columns}
_SNAPSHOT_SCHEMA: dict[str, pl.DataType] = {"_row": pl.Int64(), **POST_METRICS.columns}


def _posts(batch: _Batch, envelopes: Iterable[Envelope]) -> Normalized:
    posts: list[dict[str, Any]] = []
    snapshots: list[dict[str, Any]] = []
    seen: set[str] = set()
    public_only = False
    for envelope in envelopes:
        body = envelope.json_object()
        media = _media(body)
        since = envelope.item.get(REFRESH_SINCE)
        first = date.fromisoformat(since) if since else None
        records = body["data"] if isinstance(body["data"], list) else [body["data"]]
        for record in records:
            if not isinstance(record, dict):
                batch.refuse("a post that is not an object", record)
                continue
            post = _post(batch, envelope, record, media, first, seen)
            if post is None:
                continue
            posts.append(post[0])
            snapshots.append(post[1])
            public_only = public_only or envelope.item.get(METRICS) == PUBLIC
    if public_only:
        batch.note(
            "posts older than 29 days were read with public metrics only (X serves non-public "
            "metrics for 30 days): their link_clicks and profile_visits are left empty"
        )
    post_frame = pl.DataFrame(posts, schema=_POST_SCHEMA)
    snapshot_frame = pl.DataFrame(snapshots, schema=_SNAPSHOT_SCHEMA)
    tables = {
        "post": conform(post_frame, POST.columns),
        "post_metrics": conform(snapshot_frame, POST_METRICS.columns),
    }
    return batch.finish("posts", tables, post_frame.height)


def _media(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """includes.media by media_key."""
    includes = body.get("includes")
    media = includes.get("media") if isinstance(includes, dict) else None
    entries = media if isinstance(media, list) else []
    return {str(m.get("media_key")): m for m in entries if isinstance(m, dict)}


_READ = (  # the metrics a snapshot is made of, as `<object>.<field>`
    "public_metrics.impression_count",
    "public_metrics.like_count",
    "public_metrics.reply_count",
    "public_metrics.retweet_count",
    "public_metrics.quote_count",
    "public_metrics.bookmark_count",
    "non_public_metrics.impression_count",
    "non_public_metrics.url_link_clicks",
    "non_public_metrics.user_profile_clicks",
)


def _post(
    batch: _Batch,
    envelope: Envelope,
    record: dict[str, Any],
    media: dict[str, dict[str, Any]],
    refresh_since: date | None,
    seen: set[str],
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """One post's row and snapshot, or None when it was skipped or quarantined."""
    post_id = record.get("id")
    created = _instant(record.get("created_at"))
    if not isinstance(post_id, str) or not post_id.isdigit() or created is None:
        batch.refuse("a post without a numeric id or a readable created_at", record)
        return None
    day = batch.local_date(created)
    window = envelope.window
    first = window.start if window else day
    if refresh_since is not None:
        first = min(first, refresh_since)
    if window is not None and not first <= day <= window.end:
        batch.skip("a post published outside the pull's window")
        return None
    if post_id in seen:
        batch.skip("a post listed twice")
        return None
    values, bad = _values(record, media)
    if bad:
        batch.refuse(f"post {post_id}: not a count: {', '.join(bad)}", record)
        return None
    seen.add(post_id)
    row = batch.point()
    handle = (batch.account.handle or "").lstrip("@") or "i"
    post = {
        "_row": row,
        "platform": PLATFORM,
        "post_id": post_id,
        "account_id": batch.account.account_id,
        "published_at": created,
        "published_date": day,
        "content_type": _content_type(record, media),
        "text": record.get("text"),
        "permalink": f"https://x.com/{handle}/status/{post_id}",
        "is_paid": _promoted(record),
    }
    snapshot = {
        "_row": row,
        "platform": PLATFORM,
        "post_id": post_id,
        "as_of_date": batch.local_date(envelope.fetched_at),
        **values,
    }
    return post, snapshot


def _metric(record: dict[str, Any], group: str, name: str) -> Any:
    metrics = record.get(group)
    return metrics.get(name) if isinstance(metrics, dict) else None


def _values(
    record: dict[str, Any], media: dict[str, dict[str, Any]]
) -> tuple[dict[str, int | None], list[str]]:
    """The snapshot's counts, and the fields present that are not counts (named as X names them)."""
    read = {path: _metric(record, *path.split(".")) for path in _READ}
    for key in _media_keys(record):
        read[f"media {key} public_metrics.view_count"] = _metric(
            media.get(key, {}), "public_metrics", "view_count"
        )
    bad = [f"{path} {value!r}" for path, value in read.items() if not _absent_or_count(value)]
    got = {path: _count(value) for path, value in read.items()}
    views = [count for path, count in got.items() if path.startswith("media ")]
    impressions = got["public_metrics.impression_count"]
    return {
        "impressions": impressions
        if impressions is not None
        else got["non_public_metrics.impression_count"],
        "reactions": got["public_metrics.like_count"],
        "comments": got["public_metrics.reply_count"],
        "shares": _total(got["public_metrics.retweet_count"], got["public_metrics.quote_count"]),
        "saves": got["public_metrics.bookmark_count"],
        "link_clicks": got["non_public_metrics.url_link_clicks"],
        "profile_visits": got["non_public_metrics.user_profile_clicks"],
        "video_views": _total(*views),
    }, bad


def _absent_or_count(value: Any) -> bool:
    return value is None or _count(value) is not None


def _total(*counts: int | None) -> int | None:
    """The sum of the counts given, None when none is (absent is not 0)."""
    present = [count for count in counts if count is not None]
    return sum(present) if present else None


def _media_keys(record: dict[str, Any]) -> list[str]:
    attachments = record.get("attachments")
    keys = attachments.get("media_keys") if isinstance(attachments, dict) else None
    return [str(k) for k in keys] if isinstance(keys, list) else []


def _content_type(record: dict[str, Any], media: dict[str, dict[str, Any]]) -> str:
    keys = _media_keys(record)
    if not keys:
        return "text"
    if len(keys) > 1:
        return "carousel"
    kind = media.get(keys[0], {}).get("type")
    return _MEDIA_TYPES.get(str(kind), "other")


def _promoted(record: dict[str, Any]) -> bool | None:
    """Whether the post was promoted: its organic impressions fall short of its total."""
    organic = _count(_metric(record, "organic_metrics", "impression_count"))
    total = _count(_metric(record, "non_public_metrics", "impression_count"))
    if organic is None or total is None:
        return None
    return organic < total
