"""Deterministic generator of the bundled demo workspace (`data/demo`).

Kunci must run out of the box (`kunci run nightly` with no configuration), and its tests need inputs
nobody has to download. The demo is a fictional Indonesian tourism office, "Dinas Pariwisata
Nusantara" (brand "Wisata Nusantara"), with one competitor brand ("Pesona Negeri") for share of
voice, over 90 days (2026-07-03 .. 2026-09-30), exported the way the platforms export:

- Meta Business Suite Instagram content exports (Indonesian interface for July and August, English
  for September, plus a later re-export of September: a second lifetime snapshot), and the daily
  per-metric insight charts;
- X account analytics content (post level, monthly) and overview (daily) exports;
- a GA4 traffic-acquisition exploration with a Date column, and a September report without one;
- a social-listening mentions export covering both brands.

Every number is drawn from one `random.Random` per file family, seeded from the workspace seed, so
the same seed always yields the same bytes (the committed files are checked against a regeneration)
and changing one family does not reshuffle the others. The numbers are consistent across files where
the platforms' own numbers are: reach never exceeds views, a later snapshot never shows less, an
account's daily totals include the posts of that day, engaged sessions never exceed sessions, and
everything rises around Independence Day (17 August), the campaign of the period.

Run `python -m flows.demo [TARGET]` to regenerate (default: the repository's `data/demo`).
"""

import math
import random
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal

DEFAULT_SEED = 2026
START = date(2026, 7, 3)
END = date(2026, 9, 30)
INDEPENDENCE_DAY = date(2026, 8, 17)
CAMPAIGN = "kemerdekaan_2026"
CAMPAIGN_DAYS = (date(2026, 8, 10), date(2026, 8, 24))

IG_ACCOUNT_ID = "17841400000000001"
IG_HANDLE = "wisata.nusantara"
BRAND = "Wisata Nusantara"
COMPETITOR = "Pesona Negeri"
X_HANDLE = "wisatanusantara"
GA4_ACCOUNT = "Dinas Pariwisata Nusantara"
GA4_PROPERTY = "wisatanusantara.go.id - GA4"

Language = Literal["en", "id"]

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SHORTCODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_X_EPOCH_MS = 1288834974657  # Twitter's snowflake epoch: post ids encode their creation time
_JAKARTA_UTC_OFFSET = timedelta(hours=7)  # Asia/Jakarta has no daylight saving time

KUNCI_TOML = """\
# Demo workspace: a fictional Indonesian tourism office and one competitor.
[workspace]
name = "Dinas Pariwisata Nusantara (demo)"
timezone = "Asia/Jakarta"
as_of = "2026-10-08"          # the demo's "today": snapshot date for exports whose name gives none

[[accounts]]
platform = "instagram"
account_id = "17841400000000001"
handle = "wisata.nusantara"
name = "Wisata Nusantara"
currency = "IDR"
brand = "Wisata Nusantara"

[[accounts]]
platform = "x"
account_id = "wisatanusantara"
handle = "wisatanusantara"
name = "Wisata Nusantara"
brand = "Wisata Nusantara"

[[accounts]]
platform = "web"
account_id = "properties/345678901"
name = "wisatanusantara.go.id - GA4"

[[accounts]]
platform = "instagram"
account_id = "17841400000000099"
handle = "pesona.negeri"
name = "Pesona Negeri"
is_own = false
brand = "Pesona Negeri"

[[sources]]
kind = "exports"
path = "inbox/instagram/content"

[[sources]]
kind = "exports"
path = "inbox/instagram/insights"
account = "instagram:17841400000000001"

[[sources]]
kind = "exports"
path = "inbox/x"
account = "x:wisatanusantara"

[[sources]]
kind = "exports"
path = "inbox/web"
account = "web:properties/345678901"

[[sources]]
kind = "exports"
path = "inbox/mentions"
"""


# ---------------------------------------------------------------------------------------------
# Calendar and shared shapes
# ---------------------------------------------------------------------------------------------


def demo_days(start: date = START, end: date = END) -> list[date]:
    """Every calendar day of the demo period, inclusive, so each file covers the same days."""
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def buzz(day: date) -> float:
    """Attention multiplier of a day: a bell around Independence Day, flat elsewhere.

    The Kemerdekaan campaign is the story the demo tells; metrics views should show it.
    """
    distance = (day - INDEPENDENCE_DAY).days
    return 1.0 + 1.6 * math.exp(-((distance / 3.0) ** 2))


def in_campaign(day: date) -> bool:
    """Whether a day falls in the Kemerdekaan campaign window (UTM-tagged links in use)."""
    return CAMPAIGN_DAYS[0] <= day <= CAMPAIGN_DAYS[1]


def is_weekend(day: date) -> bool:
    """Saturday or Sunday: social audiences rise and office web traffic falls on those days."""
    return day.weekday() >= 5


def lifetime_share(published: datetime, snapshot: date) -> float:
    """Share of a post's final lifetime numbers reached by the end of `snapshot` (local time).

    Posts gather most of their audience in the first two days and keep growing slowly after,
    which is why a later export of the same posts shows higher lifetime numbers.
    """
    cutoff = datetime.combine(snapshot + timedelta(days=1), time())
    age = max((cutoff - published).total_seconds() / 86400, 0.02)
    return age / (age + 0.6)


def noise(rng: random.Random, spread: float) -> float:
    """Draw a positive multiplicative noise factor (log-normal, median 1)."""
    return math.exp(rng.gauss(0.0, spread))


def whole(value: float) -> int:
    """Round a non-negative measure to a count."""
    return max(round(value), 0)


def grouped(value: int, language: Language) -> str:
    """Write a count as the interface language does: `1.234` in Indonesian, `1234` in English.

    The English Meta export writes plain digits; the Indonesian one groups thousands with dots,
    which is exactly what the parser must not read as a decimal point.
    """
    if language == "id" and value >= 1000:
        return f"{value:,}".replace(",", ".")
    return str(value)


def csv_bytes(
    rows: Iterable[Sequence[str]],
    newline: str = "\n",
    quote_all: bool = False,
    quoted_columns: frozenset[int] = frozenset(),  # always quoted in data rows, not the header
    final_newline: bool = True,
    bom: bool = False,
) -> bytes:
    """Serialize records the way a given exporter does (quoting, line ends, BOM) as UTF-8 bytes.

    The `csv` module cannot quote some columns always and others only when needed, as X does for
    post texts, so fields are quoted here: always when asked, else when they hold a delimiter,
    a quote or a line break (doubling inner quotes, as every exporter does).
    """

    def field(index: int, value: str, header: bool) -> str:
        forced = quote_all or (index in quoted_columns and not header)
        if forced or any(c in value for c in ',"\r\n'):
            return '"' + value.replace('"', '""') + '"'
        return value

    lines = [
        ",".join(field(i, value, number == 0) for i, value in enumerate(row))
        for number, row in enumerate(rows)
    ]
    text = newline.join(lines) + (newline if final_newline else "")
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _digits(rng: random.Random, count: int) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(count - 1))


def _local_at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute))


# ---------------------------------------------------------------------------------------------
# Instagram (Meta Business Suite)
# ---------------------------------------------------------------------------------------------

_DESTINATIONS = (
    "Danau Toba",
    "Labuan Bajo",
    "Raja Ampat",
    "Candi Borobudur",
    "Gunung Bromo",
    "Mandalika",
    "Likupang",
    "Wakatobi",
    "Tana Toraja",
    "Kepulauan Derawan",
    "Belitung",
    "Kawah Ijen",
    "Pantai Pink Lombok",
    "Desa Penglipuran",
    "Kota Tua Jakarta",
    "Bukittinggi",
)
_EMOJI = ("🌊", "🏝️", "⛰️", "🌅", "✨", "📸", "🇮🇩", "🛶", "🌿", "☀️", "😍", "🙌")
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
        share = lifetime_share(self.published, snapshot)
        return {
            name: math.floor(getattr(self, name) * share)
            for name in ("views", "reach", "likes", "shares", "follows", "comments", "saves")
        }


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
            _local_at(day, rng.choice((7, 8, 11, 12, 16, 18, 19, 20)), rng.randrange(60))
            for _ in range(count)
        )
        if day == INDEPENDENCE_DAY - timedelta(days=1):
            slots = [_local_at(day, 23, 30)]
        for published in slots:
            post_id = "18" + _digits(rng, 15)
            while post_id in used_ids:
                post_id = "18" + _digits(rng, 15)
            used_ids.add(post_id)
            posts.append(_instagram_post(rng, post_id, published))
    return posts


def _instagram_post(rng: random.Random, post_id: str, published: datetime) -> IgPost:
    day = published.date()
    post_type = _pick(rng, _IG_TYPES)
    festive = in_campaign(day) and abs((day - INDEPENDENCE_DAY).days) <= 2
    templates = _IG_CAMPAIGN_TEMPLATES if festive else _IG_TEMPLATES
    eve = published.hour == 23
    template = _IG_CAMPAIGN_TEMPLATES[2] if eve else rng.choice(templates)
    text = template.format(
        place=rng.choice(_DESTINATIONS), e1=rng.choice(_EMOJI), e2=rng.choice(_EMOJI)
    )
    tags = " ".join(["#WisataNusantara", *rng.sample(_IG_HASHTAGS[1:], rng.randint(2, 4))])
    caption = f"{text}\n\n{tags}" if rng.random() < 0.6 else f"{text} {tags}"
    shortcode = "D" + "".join(rng.choice(_SHORTCODE_ALPHABET) for _ in range(10))
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


# ---------------------------------------------------------------------------------------------
# X
# ---------------------------------------------------------------------------------------------

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
        share = lifetime_share(self.published, snapshot)
        numbers = {name: math.floor(getattr(self, name) * share) for name in _X_MEASURES}
        numbers["engagements"] = sum(numbers[name] for name in _X_ENGAGEMENT_PARTS)
        return numbers


_X_MEASURES = (
    "impressions",
    "likes",
    "bookmarks",
    "share",
    "new_follows",
    "replies",
    "reposts",
    "profile_visits",
    "detail_expands",
    "url_clicks",
    "hashtag_clicks",
    "permalink_clicks",
)
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
            published = _local_at(day, hour, rng.randrange(60))
            posts.append(_x_post(rng, x_snowflake(rng, published), published))
    return posts


def _utc_ms(local: datetime) -> int:
    epoch = datetime(1970, 1, 1)
    return int((local - _JAKARTA_UTC_OFFSET - epoch).total_seconds() * 1000)


def x_snowflake(rng: random.Random, local: datetime) -> str:
    """Make an X post id for a Jakarta local time: ms since X's epoch, shifted by 22 bits."""
    return str(((_utc_ms(local) - _X_EPOCH_MS) << 22) | rng.getrandbits(22))


def tiktok_id(rng: random.Random, local: datetime) -> str:
    """Make a TikTok video id for a Jakarta local time: Unix seconds, shifted by 32 bits."""
    return str(((_utc_ms(local) // 1000) << 32) | rng.getrandbits(32))


def _x_post(rng: random.Random, post_id: str, published: datetime) -> XPost:
    day = published.date()
    festive = in_campaign(day) and rng.random() < 0.6
    template = rng.choice(_X_CAMPAIGN_TEMPLATES if festive else _X_TEMPLATES)
    has_link = "{link}" in template
    text = template.format(
        place=rng.choice(_DESTINATIONS),
        e1=rng.choice(_EMOJI),
        e2=rng.choice(_EMOJI),
        link="https://t.co/" + "".join(rng.choice(_SHORTCODE_ALPHABET[:62]) for _ in range(10)),
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


_X_CONTENT_HEADER = (
    "Post id",
    "Date",
    "Post text",
    "Link",
    "Impressions",
    "Likes",
    "Engagements",
    "Bookmarks",
    "Share",
    "New follows",
    "Replies",
    "Reposts",
    "Profile visits",
    "Detail expands",
    "Url clicks",
    "Hashtag clicks",
    "Permalink clicks",
)
_X_CONTENT_ORDER = (
    "impressions",
    "likes",
    "engagements",
    "bookmarks",
    "share",
    "new_follows",
    "replies",
    "reposts",
    "profile_visits",
    "detail_expands",
    "url_clicks",
    "hashtag_clicks",
    "permalink_clicks",
)


def x_content_date(day: date) -> str:
    """X content export date: `Fri Jul 03 2026` (English names whatever the machine's locale)."""
    return f"{_WEEKDAYS[day.weekday()]} {_MONTHS[day.month - 1]} {day.day:02d} {day.year}"


def x_overview_date(day: date) -> str:
    """X overview export date: `Fri, Jul 3, 2026` (day not zero-padded, as X writes it)."""
    return f"{_WEEKDAYS[day.weekday()]}, {_MONTHS[day.month - 1]} {day.day}, {day.year}"


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
                *(str(numbers[name]) for name in _X_CONTENT_ORDER),
            )
        )
    return csv_bytes(rows, newline="\r\n", quoted_columns=frozenset({2}))


def x_snapshot(day: date) -> date:
    """Return the end date of the monthly content export that holds the posts of `day`."""
    return min(month_end(day), END)


def month_end(day: date) -> date:
    """Last day of the month of `day`."""
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


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


# ---------------------------------------------------------------------------------------------
# GA4
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebRow:
    """One GA4 row: sessions of a day from one source / medium and campaign."""

    day: date
    source_medium: str
    campaign: str
    sessions: int
    engaged: int
    key_events: int
    engagement_seconds: float


# source / medium -> (base daily sessions, weekend factor, follows the social buzz)
_WEB_SOURCES: dict[str, tuple[float, float, bool]] = {
    "google / organic": (310, 0.85, False),
    "(direct) / (none)": (140, 0.8, False),
    "bing / organic": (14, 0.8, False),
    "instagram.com / referral": (22, 1.15, True),
    "l.instagram.com / referral": (40, 1.15, True),
    "ig / social": (28, 1.15, True),
    "t.co / referral": (16, 1.05, True),
    "x.com / referral": (7, 1.05, True),
    "facebook.com / referral": (11, 1.1, True),
    "newsletter / email": (0, 1.0, False),
}


def web_rows(rng: random.Random) -> list[WebRow]:
    """Daily sessions by source; social referrals follow the campaign, the newsletter its sends.

    The weekly newsletter goes out on Thursdays (sessions that day and the next two); during the
    campaign the Instagram bio link and the newsletter carry `utm_campaign=kemerdekaan_2026`.
    GA4 leaves out rows with no sessions, so they are omitted here too.
    """
    rows: list[WebRow] = []
    for day in demo_days():
        for source_medium, (base, weekend_factor, social) in _WEB_SOURCES.items():
            weekend = weekend_factor if is_weekend(day) else 1.0
            lift = buzz(day) if social else 1.0 + (buzz(day) - 1.0) * 0.3
            campaign = "(not set)"
            if source_medium == "newsletter / email":
                since_send = (day.weekday() - 3) % 7
                base = (120, 45, 18, 0, 0, 0, 4)[since_send]
                campaign = CAMPAIGN if in_campaign(day) else "newsletter_mingguan"
            elif source_medium == "ig / social":
                campaign = CAMPAIGN if in_campaign(day) else "linkinbio"
            sessions = whole(base * weekend * lift * noise(rng, 0.2))
            if sessions == 0:
                continue
            engaged = whole(sessions * rng.uniform(0.45, 0.72))
            rows.append(
                WebRow(
                    day=day,
                    source_medium=source_medium,
                    campaign=campaign,
                    sessions=sessions,
                    engaged=engaged,
                    key_events=whole(engaged * rng.uniform(0.01, 0.06)),
                    engagement_seconds=sessions * rng.uniform(35.0, 95.0),
                )
            )
    return rows


def _ga4_preamble(title: str, first: date, last: date) -> list[str]:
    return [
        "# ----------------------------------------",
        f"# {title}",
        f"# Account: {GA4_ACCOUNT}",
        f"# Property: {GA4_PROPERTY}",
        "# ----------------------------------------",
        "#",
        f"# Start date: {first:%Y%m%d}",
        f"# End date: {last:%Y%m%d}",
        "",
    ]


def ga4_daily_csv(rows: Sequence[WebRow]) -> bytes:
    """Build a GA4 exploration export with a Date column: a row per day, source, campaign.

    Rows are ordered by date, then by sessions (GA4's default sort within the date).
    """
    body: list[Sequence[str]] = [
        (
            "Date",
            "Session source / medium",
            "Session campaign",
            "Sessions",
            "Engaged sessions",
            "Key events",
            "Total revenue",
        )
    ]
    for row in sorted(rows, key=lambda r: (r.day, -r.sessions, r.source_medium)):
        body.append(
            (
                f"{row.day:%Y%m%d}",
                row.source_medium,
                row.campaign,
                str(row.sessions),
                str(row.engaged),
                str(row.key_events),
                "0",
            )
        )
    preamble = "\n".join(_ga4_preamble("Traffic acquisition", START, END)) + "\n"
    return preamble.encode() + csv_bytes(body)


def ga4_period_csv(rows: Sequence[WebRow], first: date, last: date) -> bytes:
    """Build a GA4 report without a Date column: rows aggregate `first`..`last` per source.

    Sessions, engaged sessions and key events add up across days, so the report is the sum of
    the daily rows of the same period (all campaigns together, as the report has no campaign).
    """
    totals: dict[str, list[float]] = {}
    for row in rows:
        if first <= row.day <= last:
            total = totals.setdefault(row.source_medium, [0, 0, 0, 0.0])
            total[0] += row.sessions
            total[1] += row.engaged
            total[2] += row.key_events
            total[3] += row.engagement_seconds
    body: list[Sequence[str]] = [
        (
            "Session source / medium",
            "Sessions",
            "Engaged sessions",
            "Engagement rate",
            "Average engagement time per session",
            "Key events",
            "Total revenue",
        )
    ]
    for source_medium, (sessions, engaged, key_events, seconds) in sorted(
        totals.items(), key=lambda item: (-item[1][0], item[0])
    ):
        body.append(
            (
                source_medium,
                str(int(sessions)),
                str(int(engaged)),
                f"{engaged / sessions:.4f}",
                f"{seconds / sessions:.2f}",
                str(int(key_events)),
                "0",
            )
        )
    title = "Traffic acquisition: Session source / medium"
    preamble = "\n".join(_ga4_preamble(title, first, last)) + "\n"
    return preamble.encode() + csv_bytes(body)


# ---------------------------------------------------------------------------------------------
# Social listening
# ---------------------------------------------------------------------------------------------

_MENTION_SOURCES = {"Twitter": 35, "Instagram": 25, "TikTok": 15, "Facebook": 15, "News": 10}
_FIRST_NAMES = (
    "rina",
    "budi",
    "sari",
    "agus",
    "dewi",
    "eko",
    "putri",
    "yoga",
    "intan",
    "fajar",
    "nadia",
    "rizky",
    "ayu",
    "dimas",
    "wulan",
    "bayu",
)
_HANDLE_TAILS = ("jalan2", "traveler", "_id", "explore", "backpacker", "99", "foto", "kuliner")
_NEWS_OUTLETS = (
    ("Kabar Nusantara", "kabarnusantara.co.id"),
    ("Warta Wisata", "wartawisata.id"),
    ("Harian Pelancong", "harianpelancong.com"),
    ("Portal Daerah", "portaldaerah.id"),
)
_MENTION_TEXTS: dict[str, tuple[str, ...]] = {
    "positive": (
        "Baru pulang dari {place}, pemandangannya luar biasa! Terima kasih {brand} atas "
        "infonya {e}",
        "Konten {brand} soal {place} bikin pengen langsung pesan tiket {e}",
        "Salut sama {brand}, panduan ke {place} lengkap banget: transportasi, harga, semua ada.",
        "Acara 17-an yang dipromosikan {brand} di {place} seru sekali! {e} #Kemerdekaan2026",
    ),
    "neutral": (
        "Ada yang tahu jam buka loket ke {place}? Di akun {brand} belum ada infonya",
        "{brand} merilis kalender acara wisata bulan ini, termasuk festival di {place}.",
        "Lagi bandingin rekomendasi {brand} untuk {place}, ada saran lain?",
        'Menurut data {brand}, kunjungan ke {place} naik; "musim liburan", katanya.',
    ),
    "negative": (
        "Info dari {brand} soal akses ke {place} ternyata sudah tidak berlaku, kecewa {e}",
        "Sampah di {place} makin banyak, {brand} tolong perhatikan ini.",
        "Harga tiket ke {place} naik tapi fasilitas masih sama. {brand}, gimana nih?",
    ),
}


@dataclass(frozen=True)
class Mention:
    """One mention found by the listening tool for either brand."""

    mention_id: str
    published: datetime  # local time, Asia/Jakarta
    source: str
    url: str
    author: str
    author_followers: int
    text: str
    sentiment: str
    brand: str


def mentions(rng: random.Random) -> list[Mention]:
    """Five to ten mentions a day, more around Independence Day; about 60 % for the own brand.

    The campaign also tilts sentiment towards positive, which the comment-score metric shows.
    """
    found: list[Mention] = []
    serial = 48_210_000 + rng.randrange(10_000)
    for day in demo_days():
        count = rng.randint(5, 10) + whole(8 * (buzz(day) - 1.0))
        times = sorted(
            _local_at(day, rng.randint(6, 23), rng.randrange(60))
            + timedelta(seconds=rng.randrange(60))
            for _ in range(count)
        )
        for published in times:
            serial += rng.randint(1, 40)  # the tool numbers mentions as it finds them
            found.append(_mention(rng, str(serial), published))
    return found


def _mention(rng: random.Random, mention_id: str, published: datetime) -> Mention:
    day = published.date()
    brand = BRAND if rng.random() < 0.6 else COMPETITOR
    source = _pick(rng, _MENTION_SOURCES)
    positive = 0.55 if in_campaign(day) else 0.42
    sentiment = _pick(rng, {"positive": positive, "neutral": 0.4, "negative": 0.6 - positive})
    text = rng.choice(_MENTION_TEXTS[sentiment]).format(
        place=rng.choice(_DESTINATIONS), brand=brand, e=rng.choice(_EMOJI)
    )
    if source == "News":
        outlet, domain = rng.choice(_NEWS_OUTLETS)
        slug = "-".join(text.lower().split()[:5]).strip(",.!?\"'")
        slug = "".join(c for c in slug if c.isalnum() or c == "-")
        url = f"https://{domain}/wisata/{day:%Y/%m/%d}/{slug}"
        return Mention(
            mention_id=mention_id,
            published=published,
            source=source,
            url=url,
            author=outlet,
            author_followers=whole(rng.uniform(50_000, 1_500_000)),
            text=text,
            sentiment=sentiment,
            brand=brand,
        )
    author = rng.choice(_FIRST_NAMES) + rng.choice(_HANDLE_TAILS)
    links: dict[str, Callable[[], str]] = {
        "Twitter": lambda: f"https://x.com/{author}/status/{x_snowflake(rng, published)}",
        "Instagram": lambda: (
            "https://www.instagram.com/p/D"
            + "".join(rng.choice(_SHORTCODE_ALPHABET) for _ in range(10))
            + "/"
        ),
        "TikTok": lambda: f"https://www.tiktok.com/@{author}/video/{tiktok_id(rng, published)}",
        "Facebook": lambda: f"https://www.facebook.com/{author}/posts/{_digits(rng, 16)}",
    }
    return Mention(
        mention_id=mention_id,
        published=published,
        source=source,
        url=links[source](),
        author=author,
        author_followers=whole(900 * noise(rng, 1.2)),
        text=text,
        sentiment=sentiment,
        brand=brand,
    )


def mentions_csv(found: Sequence[Mention]) -> bytes:
    """Build the listening export: newest first, UTF-8 with a BOM (Excel then shows emoji)."""
    rows: list[Sequence[str]] = [
        (
            "Mention ID",
            "Date",
            "Source",
            "URL",
            "Author",
            "Author followers",
            "Text",
            "Sentiment",
            "Brand",
        )
    ]
    for mention in sorted(found, key=lambda m: (m.published, m.mention_id), reverse=True):
        rows.append(
            (
                mention.mention_id,
                mention.published.strftime("%Y-%m-%d %H:%M:%S"),
                mention.source,
                mention.url,
                mention.author,
                str(mention.author_followers),
                mention.text,
                mention.sentiment,
                mention.brand,
            )
        )
    return csv_bytes(rows, bom=True)


# ---------------------------------------------------------------------------------------------
# The workspace
# ---------------------------------------------------------------------------------------------


def meta_range(first: date, last: date) -> str:
    """Meta's date range in download names: `Jul-03-2026_Jul-31-2026` (the end date matters)."""
    return "_".join(f"{_MONTHS[d.month - 1]}-{d.day:02d}-{d.year}" for d in (first, last))


def demo_files(seed: int = DEFAULT_SEED) -> dict[str, bytes]:
    """Every file of the demo workspace, by path relative to the workspace folder.

    Each file family draws from its own generator seeded from `seed` and the family name, so the
    result depends on nothing but the seed.
    """

    def family(name: str) -> random.Random:
        return random.Random(f"{seed}:{name}")

    files: dict[str, bytes] = {"kunci.toml": KUNCI_TOML.encode()}

    ig_rng = family("instagram")
    ig_posts = instagram_posts(ig_rng)
    names_rng = family("instagram-names")
    content = "inbox/instagram/content"
    exports: tuple[tuple[date, date, date, Language], ...] = (
        (START, date(2026, 7, 31), date(2026, 7, 31), "id"),
        (date(2026, 8, 1), date(2026, 8, 31), date(2026, 8, 31), "id"),
        (date(2026, 9, 1), END, END, "en"),
        (date(2026, 9, 1), END, date(2026, 10, 7), "en"),
    )
    for first, last, snapshot, language in exports:
        name = f"{meta_range(first, snapshot)}_{_digits(names_rng, 16)}.csv"
        files[f"{content}/{name}"] = instagram_content_csv(
            ig_posts, first, last, snapshot, language
        )
    daily = instagram_daily(ig_rng, ig_posts)
    charts = {
        "Instagram followers": [(d.day, d.followers) for d in daily],
        "Instagram reach": [(d.day, d.reach) for d in daily],
        "Instagram profile visits": [(d.day, d.profile_visits) for d in daily],
        "Instagram follows": [(d.day, d.follows) for d in daily],
    }
    period = meta_range(START, END)
    for title, values in charts.items():
        stem = title.replace(" ", "_")
        files[f"inbox/instagram/insights/{stem}_{period}.csv"] = instagram_insight_csv(
            title, values
        )

    x_rng = family("x")
    posts = x_posts(x_rng)
    for first, last in (
        (START, date(2026, 7, 31)),
        (date(2026, 8, 1), date(2026, 8, 31)),
        (date(2026, 9, 1), END),
    ):
        name = f"account_analytics_content_{first.isoformat()}_{last.isoformat()}.csv"
        files[f"inbox/x/content/{name}"] = x_content_csv(posts, first, last)
    overview = f"account_overview_analytics_{START.isoformat()}_{END.isoformat()}.csv"
    files[f"inbox/x/overview/{overview}"] = x_overview_csv(family("x-overview"), posts)

    traffic = web_rows(family("web"))
    files[f"inbox/web/Traffic_acquisition_daily_{START:%Y%m%d}-{END:%Y%m%d}.csv"] = ga4_daily_csv(
        traffic
    )
    september = date(2026, 9, 1)
    files[
        f"inbox/web/Traffic_acquisition_Session_source_medium_{september:%Y%m%d}-{END:%Y%m%d}.csv"
    ] = ga4_period_csv(traffic, september, END)

    files[f"inbox/mentions/mentions_{START.isoformat()}_{END.isoformat()}.csv"] = mentions_csv(
        mentions(family("mentions"))
    )
    return files


def write_demo_workspace(target: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the demo workspace under `target` and return the written paths.

    Files are written byte for byte (CRLF where the platform uses it). Files already in `target`
    that the generator does not produce are left alone.
    """
    written: list[Path] = []
    for relative, data in demo_files(seed).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


def default_target() -> Path:
    """Return the repository's bundled demo folder, `data/demo`."""
    return Path(__file__).resolve().parent.parent / "data" / "demo"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: `python -m flows.demo [TARGET]` regenerates the demo workspace."""
    args = list(sys.argv[1:] if argv is None else argv)
    target = Path(args[0]) if args else default_target()
    for path in write_demo_workspace(target):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
