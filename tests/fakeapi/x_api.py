"""Fake X API v2 for connector tests: one user's follower count and owned posts.

`install(fake, XWorld(...))` serves under `/2` (point a source's `base_url` at
`fake.base_url + "/2"`), in the shapes of the public reference (docs.x.com, X API v2):

- `GET /2/users/<id>?user.fields=public_metrics` → `{"data": {"id", "name", "username",
  "public_metrics": {"followers_count", ...}}}`; an unknown id → 200 with only `errors`
  (`"title": "Not Found Error"`, type `.../problems/resource-not-found`), as X answers.
- `GET /2/users/<id>/tweets` with `tweet.fields`, `expansions=attachments.media_keys`,
  `media.fields`, `exclude`, `start_time`/`end_time` (inclusive, whole seconds), `max_results`
  (5..100, else 400 "Invalid Request") and `pagination_token` → newest first, `{"data": [...],
  "includes": {"media": [...]}, "meta": {"result_count", "newest_id", "oldest_id",
  "next_token"}}`; no posts → `{"meta": {"result_count": 0}}` without `data`.
  `non_public_metrics` / `organic_metrics` asked over a post older than 30 days (by the real
  clock) are left out of that post and answered as "Field Authorization Error" entries in
  `errors`, as X does. A post in `missing_media` has its media left out of `includes` with a
  "Not Found Error" partial error beside `data`.
- Every answer carries `x-rate-limit-limit/-remaining/-reset`. A wrong bearer token → 401
  `{"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}`.

The world: `count` posts, post k (0 = newest) created `2 + 13 k` hours before `now`, ids
descending with age; post k has like_count 10 + k % 9, reply_count 1 + k % 4, retweet_count
k % 5, quote_count k % 3, bookmark_count k % 6, impression_count 500 + 37 k; non-public
url_link_clicks 3 + k % 7, user_profile_clicks 2 + k % 5; organic impressions 100 below the
total for posts in `promoted`. Media: k % 7 == 0 a video (view_count 40 + k), else k % 11 == 0
two photos, else k % 5 == 0 one photo, else none.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakeapi.server import FakeApi, Reply, Request

USER_ID = "1489207156302848000"
USERNAME = "wisatanusantara"
PRIVATE_DAYS = 30
PROBLEMS = "https://api.twitter.com/2/problems"


@dataclass
class XWorld:
    """What the fake X API knows; tests may change it between runs."""

    token: str
    user_id: str = USER_ID
    followers: int = 12840
    count: int = 100
    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    promoted: frozenset[int] = frozenset({3})
    missing_media: frozenset[int] = frozenset()
    remaining: int = 899

    def created(self, k: int) -> datetime:
        return self.now - timedelta(hours=2 + 13 * k)

    def post_id(self, k: int) -> str:
        return str(1866000000000000000 + (self.count - k) * 4096)

    def media(self, k: int) -> list[dict[str, Any]]:
        if k % 7 == 0:
            return [
                {"media_key": f"7_{k}", "type": "video", "public_metrics": {"view_count": 40 + k}}
            ]
        if k % 11 == 0:
            return [
                {"media_key": f"3_{k}a", "type": "photo"},
                {"media_key": f"3_{k}b", "type": "photo"},
            ]
        if k % 5 == 0:
            return [{"media_key": f"3_{k}", "type": "photo"}]
        return []

    def young(self, k: int) -> bool:
        return datetime.now(UTC) - self.created(k) < timedelta(days=PRIVATE_DAYS)

    def post(self, k: int, fields: set[str]) -> dict[str, Any]:
        """Post k with the asked fields a post of its age is served with."""
        impressions = 500 + 37 * k
        post: dict[str, Any] = {
            "id": self.post_id(k),
            "text": f"Kabar wisata #{k}",
            "edit_history_tweet_ids": [self.post_id(k)],
        }
        if "created_at" in fields:
            post["created_at"] = self.created(k).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        media = self.media(k)
        if media and "attachments" in fields:
            post["attachments"] = {"media_keys": [m["media_key"] for m in media]}
        if "public_metrics" in fields:
            post["public_metrics"] = {
                "retweet_count": k % 5,
                "reply_count": 1 + k % 4,
                "like_count": 10 + k % 9,
                "quote_count": k % 3,
                "bookmark_count": k % 6,
                "impression_count": impressions,
            }
        if self.young(k) and "non_public_metrics" in fields:
            post["non_public_metrics"] = {
                "impression_count": impressions,
                "url_link_clicks": 3 + k % 7,
                "user_profile_clicks": 2 + k % 5,
            }
        if self.young(k) and "organic_metrics" in fields:
            organic = impressions - 100 if k in self.promoted else impressions
            post["organic_metrics"] = {
                "impression_count": organic,
                "like_count": 10 + k % 9,
                "reply_count": 1 + k % 4,
                "retweet_count": k % 5,
                "url_link_clicks": 3 + k % 7,
                "user_profile_clicks": 2 + k % 5,
            }
        return post


def install(fake: FakeApi, world: XWorld) -> None:
    """Serve the world's user and posts under `/2`."""
    fake.route("GET", "/2/users/{user_id}/tweets", lambda r: _tweets(world, r))
    fake.route("GET", "/2/users/{user_id}", lambda r: _user(world, r))


def problem(title: str, detail: str, status: int, kind: str = "about:blank") -> dict[str, Any]:
    """An RFC 7807 problem as X answers a failed request."""
    return {"title": title, "detail": detail, "type": kind, "status": status}


def rate_headers(world: XWorld, remaining: int | None = None) -> dict[str, str]:
    """X's rate-limit headers: 900 a 15-minute window."""
    reset = int(datetime.now(UTC).timestamp()) + 900
    left = world.remaining if remaining is None else remaining
    return {
        "x-rate-limit-limit": "900",
        "x-rate-limit-remaining": str(left),
        "x-rate-limit-reset": str(reset),
    }


def _denied(world: XWorld, request: Request) -> Reply | None:
    if request.headers.get("authorization") != f"Bearer {world.token}":
        return Reply.json(problem("Unauthorized", "Unauthorized", 401), status=401)
    return None


def _not_found(user_id: str) -> dict[str, Any]:
    return {
        "errors": [
            {
                "value": user_id,
                "detail": f"Could not find user with id: [{user_id}].",
                "title": "Not Found Error",
                "resource_type": "user",
                "parameter": "id",
                "resource_id": user_id,
                "type": f"{PROBLEMS}/resource-not-found",
            }
        ]
    }


def _user(world: XWorld, request: Request) -> Reply:
    denied = _denied(world, request)
    if denied is not None:
        return denied
    user_id = request.path_params["user_id"]
    if user_id != world.user_id:
        return Reply.json(_not_found(user_id), headers=rate_headers(world))
    data: dict[str, Any] = {"id": world.user_id, "name": "Wisata Nusantara", "username": USERNAME}
    if "public_metrics" in request.query.get("user.fields", "").split(","):
        data["public_metrics"] = {
            "followers_count": world.followers,
            "following_count": 310,
            "tweet_count": world.count,
            "listed_count": 12,
            "like_count": 950,
        }
    return Reply.json({"data": data}, headers=rate_headers(world))


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def _tweets(world: XWorld, request: Request) -> Reply:
    denied = _denied(world, request)
    if denied is not None:
        return denied
    user_id = request.path_params["user_id"]
    if user_id != world.user_id:
        return Reply.json(_not_found(user_id), headers=rate_headers(world))
    query = request.query
    size = int(query.get("max_results", "10"))
    if not 5 <= size <= 100:
        detail = f"The `max_results` query parameter value [{size}] is not between 5 and 100"
        invalid = {
            "errors": [{"parameters": {"max_results": [str(size)]}, "message": detail}],
            **problem(
                "Invalid Request",
                "One or more parameters to your request was invalid.",
                400,
                f"{PROBLEMS}/invalid-request",
            ),
        }
        return Reply.json(invalid, status=400)
    start, end = _instant(query.get("start_time")), _instant(query.get("end_time"))
    fields = set(query.get("tweet.fields", "").split(","))
    chosen = [
        k
        for k in range(world.count)
        if (start is None or world.created(k) >= start) and (end is None or world.created(k) <= end)
    ]
    offset = int(query.get("pagination_token", "pg0")[2:])
    page = chosen[offset : offset + size]
    if not page:
        return Reply.json({"meta": {"result_count": 0}}, headers=rate_headers(world))
    posts = [world.post(k, fields) for k in page]
    media = [m for k in page if k not in world.missing_media for m in world.media(k)]
    errors = [
        _field_error(world, k, name)
        for k in page
        for name in ("non_public_metrics", "organic_metrics")
        if name in fields and not world.young(k)
    ]
    errors += [_media_error(world, k) for k in page if k in world.missing_media and world.media(k)]
    meta: dict[str, Any] = {
        "result_count": len(page),
        "newest_id": posts[0]["id"],
        "oldest_id": posts[-1]["id"],
    }
    if offset + size < len(chosen):
        meta["next_token"] = f"pg{offset + size}"
    body: dict[str, Any] = {"data": posts, "meta": meta}
    if media:
        body["includes"] = {"media": media}
    if errors:
        body["errors"] = errors
    return Reply.json(body, headers=rate_headers(world))


def _field_error(world: XWorld, k: int, name: str) -> dict[str, Any]:
    post_id = world.post_id(k)
    return {
        "resource_type": "tweet",
        "field": f"{name}.impression_count",
        "parameter": "tweet.fields",
        "resource_id": post_id,
        "title": "Field Authorization Error",
        "section": "data",
        "detail": f"Sorry, you are not authorized to access '{name}.impression_count' on the "
        f"Tweet with id: [{post_id}].",
        "value": post_id,
        "type": f"{PROBLEMS}/not-authorized-for-field",
    }


def _media_error(world: XWorld, k: int) -> dict[str, Any]:
    key = world.media(k)[0]["media_key"]
    return {
        "value": key,
        "detail": f"Could not find media with media_key: [{key}].",
        "title": "Not Found Error",
        "resource_type": "media",
        "parameter": "attachments.media_keys",
        "resource_id": key,
        "type": f"{PROBLEMS}/resource-not-found",
    }
