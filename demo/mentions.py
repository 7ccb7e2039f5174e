"""Social listening: one mentions export covering the own brand and the competitor.

Share of voice compares the two brands; the campaign lifts the own brand's volume and tilts its
sentiment, and each mention links to a plausible post on its platform.
"""

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from demo.common import (
    BRAND,
    COMPETITOR,
    DESTINATIONS,
    EMOJI,
    END,
    SHORTCODE_ALPHABET,
    START,
    buzz,
    csv_bytes,
    demo_days,
    digits,
    in_campaign,
    local_at,
    noise,
    pick,
    tiktok_id,
    whole,
    x_snowflake,
)

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
            local_at(day, rng.randint(6, 23), rng.randrange(60))
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
    source = pick(rng, _MENTION_SOURCES)
    positive = 0.55 if in_campaign(day) else 0.42
    sentiment = pick(rng, {"positive": positive, "neutral": 0.4, "negative": 0.6 - positive})
    text = rng.choice(_MENTION_TEXTS[sentiment]).format(
        place=rng.choice(DESTINATIONS), brand=brand, e=rng.choice(EMOJI)
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
            + "".join(rng.choice(SHORTCODE_ALPHABET) for _ in range(10))
            + "/"
        ),
        "TikTok": lambda: f"https://www.tiktok.com/@{author}/video/{tiktok_id(rng, published)}",
        "Facebook": lambda: f"https://www.facebook.com/{author}/posts/{digits(rng, 16)}",
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


def files(family: Callable[[str], random.Random]) -> dict[str, bytes]:
    """The listening export, by path in the workspace."""
    name = f"inbox/mentions/mentions_{START.isoformat()}_{END.isoformat()}.csv"
    return {name: mentions_csv(mentions(family("mentions")))}
