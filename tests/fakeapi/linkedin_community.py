"""Fake LinkedIn Community Management API (versioned REST, Rest.li 2.0) for connector tests.

`install(fake, LinkedInWorld())` serves under `/li/rest` (a source's `base_url` is
`fake.base_url + PREFIX`), in the shapes of LinkedIn's public reference:

- every request needs `Authorization: Bearer <token>` (else 401 serviceErrorCode 65600),
  `X-Restli-Protocol-Version: 2.0.0` and a `LinkedIn-Version` in `versions` (else 426).
- `GET organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity=<urn>`
  with `timeIntervals=(timeRange:(start:ms,end:ms),timeGranularityType:DAY)`: one element per
  day with `totalShareStatistics` and `timeRange`; a start before the last 12 months answers
  400. With `shares=List(..)` or `ugcPosts=List(..)` instead: each post's lifetime statistics
  (element with `share` or `ugcPost`); a list holding a post of `refused_posts` answers 403
  "Unpermitted fields present in PARAMETER" (as LinkedIn does for a post it will not read).
- `GET organizationalEntityFollowerStatistics`: with `timeIntervals`, `followerGains` per day;
  without, the lifetime facets (`FACETS` below, an association-type facet among them).
- `GET organizationPageStatistics?q=organization&organization=<urn>&timeIntervals=..`:
  `totalPageStatistics.views.allPageViews.pageViews` per day.
- `GET networkSizes/<urn>?edgeType=COMPANY_FOLLOWED_BY_MEMBER`: `{"firstDegreeSize"}`.
- `GET posts?q=author&author=<urn>&sortBy=CREATED&start=&count=`: newest first, `paging` with
  `start`, `count`, `total` and a `next` link.

The world (day index i from `first_day`): share statistics impressions 500 + 10 i, unique
300 + 5 i, clicks 20 + i % 7, likes 15 + i % 5, comments 3 + i % 3, shares 1 + i % 2; follower
gains organic 4 + i % 3, paid i % 2; page views 40 + i. A post every `post_every` days at 03:00
UTC (alternately a share and a ugcPost, with image, video, article, text content); post n's
lifetime statistics impressions 1000 + 10 n (+ `growth`), unique 700 + 5 n, clicks 30 + n,
likes 20 + n, comments 4 + n % 3, shares 2 + n % 2.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import unquote

from tests.fakeapi.server import FakeApi, Reply, Request

PREFIX = "/li/rest"
ORGANIZATION = "10203040"
ORG_URN = f"urn:li:organization:{ORGANIZATION}"
_INTERVALS = re.compile(
    r"^\(timeRange:\(start:(\d+),end:(\d+)\),timeGranularityType:(DAY|MONTH)\)$"
)
_LIST = re.compile(r"^List\((.*)\)$")
DAY_MS = 86_400_000
CONTENTS: tuple[dict[str, Any] | None, ...] = (
    {"media": {"id": "urn:li:image:C4D22AQ"}},
    {"media": {"id": "urn:li:video:C5F10AQ"}},
    {"article": {"source": "https://wisata.example/berita", "title": "Berita"}},
    None,
)
FACETS: dict[str, list[dict[str, Any]]] = {
    "followerCountsByFunction": [
        {
            "function": "urn:li:function:8",
            "followerCounts": {"organicFollowerCount": 120, "paidFollowerCount": 0},
        },
        {"function": "urn:li:function:15", "followerCounts": {"organicFollowerCount": 80}},
    ],
    "followerCountsBySeniority": [
        {"seniority": "urn:li:seniority:3", "followerCounts": {"organicFollowerCount": 150}},
        {"seniority": "urn:li:seniority:4", "followerCounts": {"organicFollowerCount": 60}},
    ],
    "followerCountsByIndustry": [
        {"industry": "urn:li:industry:96", "followerCounts": {"organicFollowerCount": 90}},
    ],
    "followerCountsByGeoCountry": [
        {"geo": "urn:li:geo:102478259", "followerCounts": {"organicFollowerCount": 400}},
        {"geo": "urn:li:geo:102454443", "followerCounts": {"organicFollowerCount": 25}},
    ],
    "followerCountsByGeo": [
        {"geo": "urn:li:geo:90010416", "followerCounts": {"organicFollowerCount": 210}},
    ],
    "followerCountsByStaffCountRange": [
        {"staffCountRange": "SIZE_11_TO_50", "followerCounts": {"organicFollowerCount": 70}},
        {"staffCountRange": "SIZE_10001_OR_MORE", "followerCounts": {"organicFollowerCount": 33}},
    ],
    "followerCountsByAssociationType": [
        {"associationType": "EMPLOYEE", "followerCounts": {"organicFollowerCount": 12}},
    ],
}
NETWORK_SIZE = 5230


def millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


@dataclass
class LinkedInWorld:
    """What the fake API knows; tests may change `growth` and `refused_posts` between runs."""

    token: str | None = None
    first_day: date = date(2026, 10, 1)
    last_day: date = date(2026, 11, 23)
    post_every: int = 2
    versions: frozenset[str] = frozenset({"202607", "202611"})
    growth: int = 0
    refused_posts: set[str] = field(default_factory=set)

    def index(self, day: date) -> int:
        return (day - self.first_day).days

    def days(self, start: date, end: date) -> list[date]:
        """The world's days in [start, end]."""
        first, last = max(start, self.first_day), min(end, self.last_day)
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def share_day(self, day: date) -> dict[str, Any]:
        i = self.index(day)
        stats: dict[str, Any] = {
            "impressionCount": 500 + 10 * i,
            "uniqueImpressionsCount": 300 + 5 * i,
            "clickCount": 20 + i % 7,
            "likeCount": 15 + i % 5,
            "commentCount": 3 + i % 3,
            "shareCount": 1 + i % 2,
        }
        engaged = stats["clickCount"] + stats["likeCount"] + stats["commentCount"]
        stats["engagement"] = (engaged + stats["shareCount"]) / stats["impressionCount"]
        return stats

    def gains(self, day: date) -> dict[str, int]:
        i = self.index(day)
        return {"organicFollowerGain": 4 + i % 3, "paidFollowerGain": i % 2}

    def page_views(self, day: date) -> int:
        return 40 + self.index(day)

    def posts(self) -> list[dict[str, Any]]:
        """Every post, newest first, as `/posts` writes them."""
        out = []
        for n, day in enumerate(self.days(self.first_day, self.last_day)[:: self.post_every]):
            kind = "share" if n % 2 == 0 else "ugcPost"
            published = millis(datetime.combine(day, time(3), tzinfo=UTC))
            record: dict[str, Any] = {
                "id": f"urn:li:{kind}:{7100000000000000000 + n}",
                "author": ORG_URN,
                "commentary": f"Kabar wisata #{n}",
                "createdAt": published - 60_000,
                "publishedAt": published,
                "lastModifiedAt": published,
                "lifecycleState": "PUBLISHED",
                "visibility": "PUBLIC",
                "distribution": {"feedDistribution": "MAIN_FEED"},
            }
            content = CONTENTS[n % len(CONTENTS)]
            if content is not None:
                record["content"] = content
            out.append(record)
        return out[::-1]

    def post_number(self, urn: str) -> int:
        return int(urn.rsplit(":", 1)[1]) - 7100000000000000000

    def post_stats(self, urn: str) -> dict[str, Any]:
        n = self.post_number(urn)
        return {
            "impressionCount": 1000 + 10 * n + self.growth,
            "uniqueImpressionsCount": 700 + 5 * n,
            "clickCount": 30 + n,
            "likeCount": 20 + n,
            "commentCount": 4 + n % 3,
            "shareCount": 2 + n % 2,
            "engagement": 0.05,
        }


def error(status: int, code: int, message: str, name: str = "") -> Reply:
    """LinkedIn's error body."""
    body: dict[str, Any] = {"status": status, "serviceErrorCode": code, "message": message}
    if name:
        body["code"] = name
    return Reply.json(body, status=status)


def throttled() -> Reply:
    """A daily-limit 429 as LinkedIn answers it (no Retry-After)."""
    return error(429, 101, "Resource level throttle limit for calls to this resource is reached.")


def install(fake: FakeApi, world: LinkedInWorld) -> None:
    """Serve `world` on `fake` under `PREFIX`."""

    def guarded(handler: Callable[[Request], Reply]) -> Callable[[Request], Reply]:
        def answer(request: Request) -> Reply:
            if world.token is not None and request.headers.get("authorization") != (
                f"Bearer {world.token}"
            ):
                return error(401, 65600, "Invalid access token", "INVALID_ACCESS_TOKEN")
            if request.headers.get("x-restli-protocol-version") != "2.0.0":
                return error(400, 0, "Rest.li protocol version 2.0.0 required")
            if request.headers.get("linkedin-version") not in world.versions:
                return error(426, 0, "Requested version is not active", "NONEXISTENT_VERSION")
            return handler(request)

        return answer

    fake.route(
        "GET",
        f"{PREFIX}/organizationalEntityShareStatistics",
        guarded(lambda r: _share_statistics(world, r)),
    )
    fake.route(
        "GET",
        f"{PREFIX}/organizationalEntityFollowerStatistics",
        guarded(lambda r: _follower_statistics(world, r)),
    )
    fake.route(
        "GET", f"{PREFIX}/organizationPageStatistics", guarded(lambda r: _page_statistics(world, r))
    )
    fake.route("GET", f"{PREFIX}/networkSizes/{{urn}}", guarded(lambda r: _network_size(r)))
    fake.route("GET", f"{PREFIX}/posts", guarded(lambda r: _posts(fake, world, r)))


def _interval(request: Request) -> tuple[date, date] | Reply:
    match = _INTERVALS.match(request.query.get("timeIntervals", ""))
    if match is None:
        return error(400, 100, "Invalid query parameter timeIntervals")
    start, end = int(match.group(1)), int(match.group(2))
    first = datetime.fromtimestamp(start / 1000, tz=UTC).date()
    last = datetime.fromtimestamp(end / 1000, tz=UTC).date() - timedelta(days=1)
    return first, last


def _element(day: date, key: str, value: Any) -> dict[str, Any]:
    start = millis(datetime.combine(day, time(), tzinfo=UTC))
    return {
        "organizationalEntity": ORG_URN,
        "timeRange": {"start": start, "end": start + DAY_MS},
        key: value,
    }


def _wrong_org(request: Request, name: str) -> Reply | None:
    if request.query.get(name) != ORG_URN:
        return error(403, 100, f"Not enough permissions to access: {name}", "ACCESS_DENIED")
    return None


def _share_statistics(world: LinkedInWorld, request: Request) -> Reply:
    refusal = _wrong_org(request, "organizationalEntity")
    if refusal is not None:
        return refusal
    for param, kind in (("shares", "share"), ("ugcPosts", "ugcPost")):
        if param in request.query:
            match = _LIST.match(request.query[param])
            urns = match.group(1).split(",") if match else []
            if not urns or any(not u.startswith(f"urn:li:{kind}:") for u in urns):
                return error(400, 100, f"Invalid query parameter {param}")
            for index, urn in enumerate(urns):
                if urn in world.refused_posts:
                    return error(
                        403,
                        100,
                        "Unpermitted fields present in PARAMETER: Data Processing Exception "
                        f"while processing fields [/{param}[{index}]]",
                        "ACCESS_DENIED",
                    )
            elements = [
                {
                    "totalShareStatistics": world.post_stats(u),
                    kind: u,
                    "organizationalEntity": ORG_URN,
                }
                for u in urns
            ]
            return Reply.json(
                {"paging": {"start": 0, "count": 10, "links": []}, "elements": elements}
            )
    span = _interval(request)
    if isinstance(span, Reply):
        return span
    if span[0] < world.last_day - timedelta(days=365):
        return error(400, 100, "Invalid timeIntervals: start must be within the past 12 months")
    elements = [_element(d, "totalShareStatistics", world.share_day(d)) for d in world.days(*span)]
    return Reply.json({"paging": {"start": 0, "count": 10, "links": []}, "elements": elements})


def _follower_statistics(world: LinkedInWorld, request: Request) -> Reply:
    refusal = _wrong_org(request, "organizationalEntity")
    if refusal is not None:
        return refusal
    if "timeIntervals" not in request.query:
        element = {**FACETS, "organizationalEntity": ORG_URN}
        return Reply.json({"paging": {"start": 0, "count": 10, "links": []}, "elements": [element]})
    span = _interval(request)
    if isinstance(span, Reply):
        return span
    elements = [_element(d, "followerGains", world.gains(d)) for d in world.days(*span)]
    return Reply.json({"paging": {"start": 0, "count": 10, "links": []}, "elements": elements})


def _page_statistics(world: LinkedInWorld, request: Request) -> Reply:
    refusal = _wrong_org(request, "organization")
    if refusal is not None:
        return refusal
    span = _interval(request)
    if isinstance(span, Reply):
        return span
    elements = []
    for day in world.days(*span):
        views = {
            "allPageViews": {"pageViews": world.page_views(day), "uniquePageViews": 10},
            "overviewPageViews": {"pageViews": world.page_views(day) - 5},
        }
        element = _element(day, "totalPageStatistics", {"views": views, "clicks": {}})
        element["organization"] = element.pop("organizationalEntity")
        elements.append(element)
    return Reply.json({"paging": {"start": 0, "count": 10, "links": []}, "elements": elements})


def _network_size(request: Request) -> Reply:
    if unquote(request.path_params["urn"]) != ORG_URN:
        return error(404, 0, "Not found")
    if request.query.get("edgeType") != "COMPANY_FOLLOWED_BY_MEMBER":
        return error(400, 100, "Invalid edgeType")
    return Reply.json({"firstDegreeSize": NETWORK_SIZE})


def _posts(fake: FakeApi, world: LinkedInWorld, request: Request) -> Reply:
    if request.query.get("q") != "author":
        return error(400, 100, "Invalid finder")
    refusal = _wrong_org(request, "author")
    if refusal is not None:
        return refusal
    start, count = int(request.query.get("start", "0")), int(request.query.get("count", "10"))
    posts = world.posts()
    page = posts[start : start + count]
    links = []
    if start + count < len(posts):
        query = {**request.query, "start": str(start + count)}
        links.append(
            {"type": "application/json", "rel": "next", "href": fake.link(request.path, query)}
        )
    paging = {"start": start, "count": count, "links": links, "total": len(posts)}
    return Reply.json({"paging": paging, "elements": page})
