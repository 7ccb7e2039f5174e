"""Instagram, as Meta Business Suite exports it: post-level content exports and insight charts.

The content exports come in the Indonesian interface for July and August and in English for
September, plus a later re-export of September (a second lifetime snapshot of the same posts);
the insight charts give the account's followers, reach, profile visits and follows per day.
"""

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from demo.common import (
    BRAND,
    DESTINATIONS,
    EMOJI,
    END,
    INDEPENDENCE_DAY,
    SHORTCODE_ALPHABET,
    START,
    Language,
    buzz,
    csv_bytes,
    demo_days,
    digits,
    grouped,
    grown_counts,
    in_campaign,
    is_weekend,
    local_at,
    meta_range,
    noise,
    pick,
    whole,
)

IG_ACCOUNT_ID = "17841400000000001"
IG_HANDLE = "wisata.nusantara"

_IG_TEMPLATES = (
    "Pagi yang tenang di {place} {e1}\nSiapa yang sudah pernah ke sini? Tulis di kolom "
    "komentar ya!",
    "{place}, surga kecil yang wajib masuk daftar liburanmu {e1}{e2}",
    "Geser untuk melihat 5 spot foto terbaik di {place} {e1}\n\nSimpan postingan ini untuk "
    "liburan berikutnya!",
    "Tips hemat ke {place}: datang di hari kerja, bawa botol minum sendiri, dan dukung UMKM "
    'lokal {e1}\n#"JalanJalanHemat" bukan sekadar tagar 😉',
    "Matahari terbenam di {place} tidak pernah gagal membuat kami jatuh cinta {e1}",
    "Kuliner khas sekitar {place} yang bikin kangen {e1} Mana favoritmu?",
    "Libur panjang sudah dekat! Rencanakan perjalanan ke {place} sekarang {e1}{e2}\nInfo "
    "lengkap: tautan di bio",
    "Kenali budaya setempat sebelum berkunjung ke {place}: hormati adat, jaga kebersihan, "
    "dan belanja di pasar lokal {e1}",
)
_IG_CAMPAIGN_TEMPLATES = (
    "Dirgahayu Republik Indonesia! 🇮🇩 Merah putih berkibar di {place} {e1}\n"
    "#HUTRI81 #Kemerdekaan2026",
    "Lomba 17-an, upacara bendera, dan panjat pinang: semarak Agustusan di {place} 🇮🇩{e1}\n"
    "#HUTRI81 #Kemerdekaan2026",
    "Malam tirakatan menyambut 17 Agustus di {place} 🕯️🇮🇩\nTerima kasih para pahlawan.\n"
    "#HUTRI81 #Kemerdekaan2026",
)
_IG_HASHTAGS = (
    "#WisataNusantara",
    "#PesonaIndonesia",
    "#ExploreIndonesia",
    "#LiburanDiIndonesia",
    "#WonderfulIndonesia",
    "#JalanJalan",
    "#TravelIndonesia",
)
_IG_TYPES = {"IG reel": 0.4, "IG carousel": 0.3, "IG image": 0.3}
_IG_TYPE_REACH = {"IG reel": 1.8, "IG carousel": 1.1, "IG image": 0.8}
_IG_TYPE_VIEWS = {"IG reel": (2.2, 3.0), "IG carousel": (1.6, 2.2), "IG image": (1.15, 1.5)}


@dataclass(frozen=True)
class IgPost:
    """One Instagram post of the demo account with its final (long-run) lifetime numbers."""

    post_id: str
    published: datetime  # local time, Asia/Jakarta
    post_type: str
    duration: int
    caption: str
    permalink: str
    views: int
    reach: int
    likes: int
    shares: int
    follows: int
    comments: int
    saves: int

    def at(self, snapshot: date) -> dict[str, int]:
        """Lifetime numbers as of the end of `snapshot`; each only grows with a later snapshot."""
        names = ("views", "reach", "likes", "shares", "follows", "comments", "saves")
        return grown_counts(self, names, snapshot)


def instagram_posts(rng: random.Random) -> list[IgPost]:
    """About one post a day; two on Independence Day, one just before midnight on its eve.

    The 23:30 post on 16 August checks that publish times are read as Jakarta local time (it is
    16:30 UTC, still the 16th, but a UTC reading of a later post would move days).
    """
    posts: list[IgPost] = []
    used_ids: set[str] = set()
    for day in demo_days():
        count = 1
        if day == INDEPENDENCE_DAY:
            count = 2
        elif rng.random() < 0.08:
            count = 0
        elif rng.random() < 0.1:
            count = 2
        slots = sorted(
            local_at(day, rng.choice((7, 8, 11, 12, 16, 18, 19, 20)), rng.randrange(60))
            for _ in range(count)
        )
        if day == INDEPENDENCE_DAY - timedelta(days=1):
            slots = [local_at(day, 23, 30)]
        for published in slots:
            post_id = "18" + digits(rng, 15)
            while post_id in used_ids:
                post_id = "18" + digits(rng, 15)
            used_ids.add(post_id)
            posts.append(_instagram_post(rng, post_id, published))
    return posts


def _instagram_post(rng: random.Random, post_id: str, published: datetime) -> IgPost:
    day = published.date()
    post_type = pick(rng, _IG_TYPES)
    festive = in_campaign(day) and abs((day - INDEPENDENCE_DAY).days) <= 2
    templates = _IG_CAMPAIGN_TEMPLATES if festive else _IG_TEMPLATES
    eve = published.hour == 23
    template = _IG_CAMPAIGN_TEMPLATES[2] if eve else rng.choice(templates)
    text = template.format(
        place=rng.choice(DESTINATIONS), e1=rng.choice(EMOJI), e2=rng.choice(EMOJI)
    )
    tags = " ".join(["#WisataNusantara", *rng.sample(_IG_HASHTAGS[1:], rng.randint(2, 4))])
    caption = f"{text}\n\n{tags}" if rng.random() < 0.6 else f"{text} {tags}"
    shortcode = "D" + "".join(rng.choice(SHORTCODE_ALPHABET) for _ in range(10))
    kind = "reel" if post_type == "IG reel" else "p"
    weekend = 1.12 if is_weekend(day) else 1.0
    reach = 5200 * _IG_TYPE_REACH[post_type] * noise(rng, 0.35) * buzz(day) * weekend
    low, high = _IG_TYPE_VIEWS[post_type]
    likes = reach * rng.uniform(0.04, 0.09)
    return IgPost(
        post_id=post_id,
        published=published,
        post_type=post_type,
        duration=rng.randint(12, 90) if post_type == "IG reel" else 0,
        caption=caption,
        permalink=f"https://www.instagram.com/{kind}/{shortcode}/",
        views=whole(reach * rng.uniform(low, high)),
        reach=whole(reach),
        likes=whole(likes),
        shares=whole(reach * rng.uniform(0.004, 0.02 if post_type == "IG reel" else 0.01)),
        follows=whole(reach * rng.uniform(0.0005, 0.002)),
        comments=whole(likes * rng.uniform(0.02, 0.08)),
        saves=whole(reach * rng.uniform(0.004, 0.02)),
    )


_IG_HEADERS: dict[Language, tuple[str, ...]] = {
    "en": (
        "Post ID",
        "Account ID",
        "Account username",
        "Account name",
        "Description",
        "Duration (sec)",
        "Publish time",
        "Permalink",
        "Post type",
        "Data comment",
        "Date",
        "Views",
        "Reach",
        "Likes",
        "Shares",
        "Follows",
        "Comments",
        "Saves",
    ),
    "id": (
        "ID Postingan",
        "ID Akun",
        "Nama pengguna akun",
        "Nama akun",
        "Deskripsi",
        "Durasi (detik)",
        "Waktu publikasi",
        "Permalink",
        "Jenis postingan",
        "Komentar data",
        "Tanggal",
        "Tayangan",
        "Jangkauan",
        "Suka",
        "Dibagikan",
        "Mengikuti",
        "Komentar",
        "Disimpan",
    ),
}
_LIFETIME: dict[Language, str] = {"en": "Lifetime", "id": "Seumur hidup"}


def instagram_content_csv(
    posts: Sequence[IgPost], first: date, last: date, snapshot: date, language: Language
) -> bytes:
    """Build a Meta Business Suite content export of posts of `first`..`last` as of `snapshot`.

    Meta writes full numeric ids, `MM/DD/YYYY HH:MM` local publish times, oldest post first, and
    quotes only captions that need it; the Indonesian interface translates headers and the
    `Lifetime` label and groups thousands with dots.
    """
    rows: list[Sequence[str]] = [_IG_HEADERS[language]]
    for post in posts:
        if not first <= post.published.date() <= last:
            continue
        numbers = post.at(snapshot)
        rows.append(
            (
                post.post_id,
                IG_ACCOUNT_ID,
                IG_HANDLE,
                BRAND,
                post.caption,
                str(post.duration),
                post.published.strftime("%m/%d/%Y %H:%M"),
                post.permalink,
                post.post_type,
                "",
                _LIFETIME[language],
                *(
                    grouped(numbers[name], language)
                    for name in (
                        "views",
                        "reach",
                        "likes",
                        "shares",
                        "follows",
                        "comments",
                        "saves",
                    )
                ),
            )
        )
    return csv_bytes(rows)


@dataclass(frozen=True)
class IgDaily:
    """The Instagram account's day: what the insight charts plot."""

    day: date
    followers: int
    follows: int
    reach: int
    profile_visits: int


def instagram_daily(rng: random.Random, posts: Sequence[IgPost]) -> list[IgDaily]:
    """Account-level days consistent with the posts: followers = yesterday + follows - unfollows.

    Daily follows include every follow credited to that day's posts, and daily reach is mostly the
    reach of the last two days' posts plus a base of profile and explore traffic.
    """
    by_day: dict[date, list[IgPost]] = {}
    for post in posts:
        by_day.setdefault(post.published.date(), []).append(post)
    followers = 25_012
    days: list[IgDaily] = []
    for day in demo_days():
        today = by_day.get(day, [])
        yesterday = by_day.get(day - timedelta(days=1), [])
        weekend = 1.15 if is_weekend(day) else 1.0
        follows = sum(p.follows for p in today) + whole(24 * weekend * buzz(day) * noise(rng, 0.25))
        unfollows = whole(16 * noise(rng, 0.3))
        followers += follows - unfollows
        reach = whole(
            0.55 * sum(p.reach for p in today)
            + 0.3 * sum(p.reach for p in yesterday)
            + 3800 * weekend * buzz(day) * noise(rng, 0.2)
        )
        days.append(
            IgDaily(
                day=day,
                followers=followers,
                follows=follows,
                reach=reach,
                profile_visits=whole(reach * rng.uniform(0.025, 0.045)),
            )
        )
    return days


def instagram_insight_csv(title: str, values: Sequence[tuple[date, int]]) -> bytes:
    """Build a Meta insight chart download: `sep=,`, quoted title, quoted `Date,Primary` rows."""
    rows: list[Sequence[str]] = [(title,), ("Date", "Primary")]
    rows += [(f"{day.isoformat()}T00:00:00", str(value)) for day, value in values]
    return b"sep=,\n" + csv_bytes(rows, quote_all=True)


def files(family: Callable[[str], random.Random]) -> dict[str, bytes]:
    """The Instagram content exports and insight charts, by path in the workspace."""
    rng = family("instagram")
    posts = instagram_posts(rng)
    names_rng = family("instagram-names")
    found: dict[str, bytes] = {}
    exports: tuple[tuple[date, date, date, Language], ...] = (
        (START, date(2026, 7, 31), date(2026, 7, 31), "id"),
        (date(2026, 8, 1), date(2026, 8, 31), date(2026, 8, 31), "id"),
        (date(2026, 9, 1), END, END, "en"),
        (date(2026, 9, 1), END, date(2026, 10, 7), "en"),
    )
    for first, last, snapshot, language in exports:
        name = f"{meta_range(first, snapshot)}_{digits(names_rng, 16)}.csv"
        found[f"inbox/instagram/content/{name}"] = instagram_content_csv(
            posts, first, last, snapshot, language
        )
    daily = instagram_daily(rng, posts)
    charts = {
        "Instagram followers": [(d.day, d.followers) for d in daily],
        "Instagram reach": [(d.day, d.reach) for d in daily],
        "Instagram profile visits": [(d.day, d.profile_visits) for d in daily],
        "Instagram follows": [(d.day, d.follows) for d in daily],
    }
    period = meta_range(START, END)
    for title, values in charts.items():
        stem = title.replace(" ", "_")
        found[f"inbox/instagram/insights/{stem}_{period}.csv"] = instagram_insight_csv(
            title, values
        )
    return found
