"""X account analytics: the content export (post level, monthly) and the overview (daily).

Post ids are built like X's snowflake ids, so they sort like publish times; each month's content
export holds that month's posts as of the month's end, and the daily overview includes them.
"""

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from demo.common import (
    DESTINATIONS,
    EMOJI,
    END,
    INDEPENDENCE_DAY,
    MONTHS,
    SHORTCODE_ALPHABET,
    START,
    WEEKDAYS,
    buzz,
    csv_bytes,
    demo_days,
    grown_counts,
    in_campaign,
    is_weekend,
    local_at,
    month_end,
    noise,
    whole,
    x_snowflake,
)

X_HANDLE = "wisatanusantara"

_X_TEMPLATES = (
    "Sudah siap liburan? {place} menunggumu {e1} #WisataNusantara",
    "Fakta unik: {place} punya lebih dari satu cerita legenda yang diwariskan turun-temurun "
    "{e1} #WisataNusantara #PesonaIndonesia",
    "Cuaca cerah di {place} hari ini {e1} Cocok untuk jalan pagi. #WisataNusantara",
    "Jadwal festival budaya bulan ini sudah keluar! Cek di sini: {link} #WisataNusantara",
    "Kamu tim pantai atau tim gunung? {e1}{e2} Balas dengan destinasi favoritmu!",
    "Panduan singkat ke {place}: transportasi, penginapan, dan kuliner, semua ada di {link}",
    "Terima kasih sudah berbagi foto perjalanan ke {place}, sobat wisata! {e1}",
)
_X_CAMPAIGN_TEMPLATES = (
    "Dirgahayu ke-81 Republik Indonesia! 🇮🇩 Rayakan kemerdekaan dengan menjelajah {place}. "
    "#HUTRI81 #Kemerdekaan2026",
    "Ikuti lomba foto #Kemerdekaan2026: unggah momen 17-an terbaikmu di {place}. Info: {link}",
    'Semangat "Nusantara Baru, Indonesia Maju" menggema dari {place} 🇮🇩 #HUTRI81',
)


@dataclass(frozen=True)
class XPost:
    """One post of the demo X account with its final (long-run) lifetime numbers."""

    post_id: str
    published: datetime  # local time, Asia/Jakarta
    text: str
    impressions: int
    likes: int
    bookmarks: int
    share: int
    new_follows: int
    replies: int
    reposts: int
    profile_visits: int
    detail_expands: int
    url_clicks: int
    hashtag_clicks: int
    permalink_clicks: int

    def at(self, snapshot: date) -> dict[str, int]:
        """Lifetime numbers as of the end of `snapshot`, with Engagements as X computes it.

        Engagements in X's own exports add likes, replies, reposts, follows, profile visits,
        detail expands and clicks, but not bookmarks or shares (checked on a real export).
        """
        numbers = grown_counts(self, _X_MEASURES, snapshot)
        numbers["engagements"] = sum(numbers[name] for name in _X_ENGAGEMENT_PARTS)
        return numbers


# The content export's measure columns in X's order: header by the name `XPost.at` gives it.
_X_CONTENT_MEASURES = {
    "impressions": "Impressions",
    "likes": "Likes",
    "engagements": "Engagements",
    "bookmarks": "Bookmarks",
    "share": "Share",
    "new_follows": "New follows",
    "replies": "Replies",
    "reposts": "Reposts",
    "profile_visits": "Profile visits",
    "detail_expands": "Detail expands",
    "url_clicks": "Url clicks",
    "hashtag_clicks": "Hashtag clicks",
    "permalink_clicks": "Permalink clicks",
}
# What a post draws; its engagements are a sum of some of them (`_X_ENGAGEMENT_PARTS`).
_X_MEASURES = tuple(name for name in _X_CONTENT_MEASURES if name != "engagements")
_X_CONTENT_HEADER = ("Post id", "Date", "Post text", "Link", *_X_CONTENT_MEASURES.values())
_X_ENGAGEMENT_PARTS = (
    "likes",
    "new_follows",
    "replies",
    "reposts",
    "profile_visits",
    "detail_expands",
    "url_clicks",
    "hashtag_clicks",
    "permalink_clicks",
)


def x_posts(rng: random.Random) -> list[XPost]:
    """One to three posts a day (three on Independence Day), ids built like X snowflakes.

    A snowflake id encodes its UTC creation time, so ids sort like publish times, as in real
    exports.
    """
    posts: list[XPost] = []
    for day in demo_days():
        count = 3 if day == INDEPENDENCE_DAY else rng.choices((1, 2, 3), weights=(45, 40, 15))[0]
        hours = sorted(rng.sample(range(6, 23), count))
        for hour in hours:
            published = local_at(day, hour, rng.randrange(60))
            posts.append(_x_post(rng, x_snowflake(rng, published), published))
    return posts


def _x_post(rng: random.Random, post_id: str, published: datetime) -> XPost:
    day = published.date()
    festive = in_campaign(day) and rng.random() < 0.6
    template = rng.choice(_X_CAMPAIGN_TEMPLATES if festive else _X_TEMPLATES)
    has_link = "{link}" in template
    text = template.format(
        place=rng.choice(DESTINATIONS),
        e1=rng.choice(EMOJI),
        e2=rng.choice(EMOJI),
        link="https://t.co/" + "".join(rng.choice(SHORTCODE_ALPHABET[:62]) for _ in range(10)),
    )
    weekend = 1.1 if is_weekend(day) else 1.0
    impressions = 850 * noise(rng, 0.5) * buzz(day) * weekend
    hashtags = text.count("#")
    return XPost(
        post_id=post_id,
        published=published,
        text=text,
        impressions=whole(impressions),
        likes=whole(impressions * rng.uniform(0.008, 0.03)),
        bookmarks=whole(impressions * rng.uniform(0.0, 0.004)),
        share=whole(impressions * rng.uniform(0.0, 0.002)),
        new_follows=whole(impressions * rng.uniform(0.0, 0.0015)),
        replies=whole(impressions * rng.uniform(0.0, 0.006)),
        reposts=whole(impressions * rng.uniform(0.001, 0.008)),
        profile_visits=whole(impressions * rng.uniform(0.002, 0.01)),
        detail_expands=whole(impressions * rng.uniform(0.005, 0.02)),
        url_clicks=whole(impressions * rng.uniform(0.004, 0.015)) if has_link else 0,
        hashtag_clicks=whole(impressions * rng.uniform(0.0, 0.002) * hashtags),
        permalink_clicks=whole(impressions * rng.uniform(0.0, 0.002)),
    )


def x_content_date(day: date) -> str:
    """X content export date: `Fri Jul 03 2026` (English names whatever the machine's locale)."""
    return f"{WEEKDAYS[day.weekday()]} {MONTHS[day.month - 1]} {day.day:02d} {day.year}"


def x_overview_date(day: date) -> str:
    """X overview export date: `Fri, Jul 3, 2026` (day not zero-padded, as X writes it)."""
    return f"{WEEKDAYS[day.weekday()]}, {MONTHS[day.month - 1]} {day.day}, {day.year}"


def x_content_csv(posts: Sequence[XPost], first: date, last: date) -> bytes:
    """Build an X content export of posts of `first`..`last` as of `last`: CRLF, newest first.

    X always quotes the post text and nothing else (unless a field needs it).
    """
    rows: list[Sequence[str]] = [_X_CONTENT_HEADER]
    chosen = [p for p in posts if first <= p.published.date() <= last]
    for post in sorted(chosen, key=lambda p: p.published, reverse=True):
        numbers = post.at(last)
        rows.append(
            (
                post.post_id,
                x_content_date(post.published.date()),
                post.text,
                f"https://x.com/{X_HANDLE}/status/{post.post_id}",
                *(str(numbers[name]) for name in _X_CONTENT_MEASURES),
            )
        )
    return csv_bytes(rows, newline="\r\n", quoted_columns=frozenset({2}))


def x_snapshot(day: date) -> date:
    """Return the end date of the monthly content export that holds the posts of `day`."""
    return min(month_end(day), END)


def x_overview_csv(rng: random.Random, posts: Sequence[XPost]) -> bytes:
    """Build the daily X overview: newest first, LF, no final newline, as X writes it.

    Each day's totals are that day's posts (as the content export shows them) plus activity on
    older posts and the profile, so the overview is never below the posts it includes; `Create
    Post` is the number of posts published that day.
    """
    by_day: dict[date, list[XPost]] = {}
    for post in posts:
        by_day.setdefault(post.published.date(), []).append(post)
    rows: list[Sequence[str]] = [
        (
            "Date",
            "Impressions",
            "Likes",
            "Engagements",
            "Bookmarks",
            "Shares",
            "New follows",
            "Unfollows",
            "Replies",
            "Reposts",
            "Profile visits",
            "Create Post",
            "Video views",
            "Media views",
        )
    ]
    lines: list[Sequence[str]] = []
    for day in demo_days():
        today = [p.at(x_snapshot(day)) for p in by_day.get(day, [])]

        def total(name: str, extra: int, today: list[dict[str, int]] = today) -> int:
            return sum(n[name] for n in today) + extra

        lift = buzz(day) * noise(rng, 0.3)
        extra_impressions = whole(260 * lift)
        extra = {
            "likes": whole(extra_impressions * rng.uniform(0.005, 0.02)),
            "replies": whole(extra_impressions * rng.uniform(0.0, 0.005)),
            "reposts": whole(extra_impressions * rng.uniform(0.0, 0.005)),
            "profile_visits": whole(extra_impressions * rng.uniform(0.003, 0.012)),
            "new_follows": whole(3 * lift),
            "clicks": whole(extra_impressions * rng.uniform(0.005, 0.02)),
        }
        impressions = total("impressions", extra_impressions)
        engagements = total("engagements", sum(extra.values()))
        lines.append(
            (
                x_overview_date(day),
                str(impressions),
                str(total("likes", extra["likes"])),
                str(engagements),
                str(total("bookmarks", whole(rng.uniform(0, 2)))),
                str(total("share", 0)),
                str(total("new_follows", extra["new_follows"])),
                str(whole(rng.uniform(0, 4))),
                str(total("replies", extra["replies"])),
                str(total("reposts", extra["reposts"])),
                str(total("profile_visits", extra["profile_visits"])),
                str(len(today)),
                str(whole(impressions * rng.uniform(0.02, 0.08))),
                str(whole(impressions * rng.uniform(0.15, 0.35))),
            )
        )
    rows += list(reversed(lines))
    return csv_bytes(rows, final_newline=False)


def files(family: Callable[[str], random.Random]) -> dict[str, bytes]:
    """The monthly X content exports and the daily overview, by path in the workspace."""
    posts = x_posts(family("x"))
    found: dict[str, bytes] = {}
    for first, last in (
        (START, date(2026, 7, 31)),
        (date(2026, 8, 1), date(2026, 8, 31)),
        (date(2026, 9, 1), END),
    ):
        name = f"account_analytics_content_{first.isoformat()}_{last.isoformat()}.csv"
        found[f"inbox/x/content/{name}"] = x_content_csv(posts, first, last)
    overview = f"account_overview_analytics_{START.isoformat()}_{END.isoformat()}.csv"
    found[f"inbox/x/overview/{overview}"] = x_overview_csv(family("x-overview"), posts)
    return found
