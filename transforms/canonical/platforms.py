"""Shared vocabularies: which platform a traffic source is, which content type a post is."""

from datetime import date

import polars as pl

# The first day each platform (or product) could have written a date: a value before it is a
# damaged cell, not data. TikTok's is musical.ly's launch: its videos kept their dates when the
# accounts moved to TikTok in 2018. Mentions come from any site, so they take the oldest.
FIRST_DATES = {
    "linkedin": date(2003, 5, 5),
    "facebook": date(2004, 2, 4),
    "youtube": date(2005, 2, 14),
    "web": date(2005, 11, 14),  # Google Analytics (Universal Analytics, then GA4)
    "x": date(2006, 3, 21),
    "meta": date(2007, 11, 6),  # Facebook Ads
    "instagram": date(2010, 10, 6),
    "tiktok": date(2014, 4, 1),
    "google": date(2000, 10, 23),  # AdWords
}
OLDEST_DATE = min(FIRST_DATES.values())

# METRICS.md, traffic: source/medium values that name each platform.
_SOURCE_PLATFORMS = {
    "facebook": (
        "facebook.com",
        "m.facebook.com",
        "l.facebook.com",
        "lm.facebook.com",
        "fb",
        "facebook",
    ),
    "instagram": ("instagram.com", "l.instagram.com", "ig", "instagram"),
    "x": ("t.co", "twitter.com", "x.com", "twitter", "x"),
    "linkedin": ("linkedin.com", "lnkd.in", "linkedin"),
    "youtube": ("youtube.com", "m.youtube.com", "youtube"),
    "tiktok": ("tiktok.com", "tiktok"),
}


def platform_from_source(source: str) -> pl.Expr:
    """Map a traffic source to a platform code, or null for non-social traffic.

    A known source decides; the medium is not consulted, so `ig / social` maps but an unknown
    source with a social medium stays null rather than guessed (see the DECISIONLOG).
    """
    folded = pl.col(source).str.to_lowercase().str.strip_chars()
    host = folded.str.replace(r"^www\.", "")
    expr = pl.lit(None, pl.String)
    for platform, names in reversed(list(_SOURCE_PLATFORMS.items())):
        expr = pl.when(host.is_in(names)).then(pl.lit(platform)).otherwise(expr)
    return expr.alias("platform")


_CONTENT_KEYWORDS = (
    ("reel", "reel"),
    ("carousel|carrossel|korsel|album", "carousel"),
    ("story|stories|cerita", "story"),
    ("live|siaran langsung", "live"),
    ("video", "video"),
    ("image|photo|foto|gambar", "photo"),
    ("link|tautan", "link"),
    ("text|status|teks", "text"),
)


def content_type(column: str) -> pl.Expr:
    """Map a platform's post type label (any language) to the canonical content type.

    A label naming no known type is `other`; an empty or missing one says nothing (NULL), as
    Facebook's empty `Type` of a Page mention.
    """
    folded = pl.col(column).str.strip_chars().str.to_lowercase()
    expr: pl.Expr = pl.when(folded != "").then(pl.lit("other"))
    for pattern, canonical in reversed(_CONTENT_KEYWORDS):
        expr = pl.when(folded.str.contains(pattern)).then(pl.lit(canonical)).otherwise(expr)
    return expr.alias("content_type")
