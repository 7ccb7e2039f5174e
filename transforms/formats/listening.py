"""Social-listening mention exports (Brand24, Brandwatch, Talkwalker, Meltwater): one row each.

Each row names the brand (query) it was found for; brands of own accounts in `kunci.toml` are own
brands, every other tracked brand is a competitor, which is what share of voice compares.

Tool column names, besides the generic ones: Brandwatch writes `Query Name`, `Page Type` (twitter,
instagram, news…), `Full Text`/`Snippet`, `Url`, `Resource Id`, `Twitter Followers` and dates
as `2026-09-30 20:00:07.0`; Meltwater writes `Input Name`, `Source`, `Hit Sentence`/`Opening Text`,
`Influencer`, `Reach` (the author's audience, i.e. potential reach; preferred to its
`Twitter Followers`, which only tweets fill) and dates as `30-Sep-2026 08:00PM`; its header as
public readers of Meltwater exports list it (`Date,Headline,URL,Opening Text,Hit Sentence,Source,
Influencer,…,Reach,…,Input Name,…,Twitter Followers,…`). These names come from the tools'
documentation and such readers, not from files seen here. Datasets
that are not listening-tool exports (a labelled tweet sample) are read through a mapping declared
in `kunci.toml` (`transforms.formats.declared`).
"""

import hashlib

import polars as pl

from transforms.canonical.schemas import MENTION
from transforms.canonical.typed import (
    COUNT,
    assemble,
    conform,
    datetime_field,
    drop_duplicate_keys,
    parse_fields,
    require,
    split_quarantine,
)
from transforms.context import IngestContext, Normalized, ParsedInput
from transforms.format_spec import FormatSpec
from transforms.values.dates import local_date, localize

_SENTIMENTS = {
    "positive": "positive",
    "positif": "positive",
    "neutral": "neutral",
    "netral": "neutral",
    "negative": "negative",
    "negatif": "negative",
}
_PLATFORMS = {
    "twitter": "x",
    "x": "x",
    "x.com": "x",
    "twitter.com": "x",
    "instagram": "instagram",
    "instagram.com": "instagram",
    "facebook": "facebook",
    "facebook.com": "facebook",
    "tiktok": "tiktok",
    "tiktok.com": "tiktok",
    "youtube": "youtube",
    "youtube.com": "youtube",
    "linkedin": "linkedin",
    "linkedin.com": "linkedin",
}
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S%.f",
    "%d-%b-%Y %I:%M%p",
)


def _fallback_id(url: str | None, author: str | None, text: str | None) -> str:
    """A stable id where the tool gives none: the same mention re-exported keeps its id."""
    material = url or f"{author}\x1f{text}"
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def normalize_mentions(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map mentions to `core.mention`, marking own-brand rows from the configured brands."""
    own_brands = {a.brand.lower() for a in ctx.accounts if a.is_own and a.brand}
    frame = parse_fields(
        parsed, {"published": datetime_field(*_DATE_FORMATS), "author_followers": COUNT}
    )
    for optional in ("mention_id", "url", "author", "text", "sentiment"):
        if optional not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(optional))
    folded_sentiment = pl.col("sentiment").str.to_lowercase().str.strip_chars()
    frame = frame.with_columns(
        pl.col("source").str.to_lowercase().str.strip_chars().replace(_PLATFORMS).alias("platform"),
        folded_sentiment.replace_strict(_SENTIMENTS, default=None).alias("sentiment_canonical"),
        pl.col("brand").str.strip_chars(),
        pl.struct("url", "author", "text")
        .map_elements(
            lambda row: _fallback_id(row["url"], row["author"], row["text"]),
            return_dtype=pl.String,
        )
        .alias("_fallback_id"),
    )
    frame = require(frame, pl.col("published").is_not_null(), "no date")
    frame = require(frame, pl.col("brand").fill_null("") != "", "no brand")
    frame = require(
        frame,
        folded_sentiment.is_null()
        | (folded_sentiment == "")
        | pl.col("sentiment_canonical").is_not_null(),
        "sentiment is not positive, neutral or negative",
    )
    kept, quarantine = split_quarantine(frame)
    kept = kept.with_columns(
        pl.coalesce(pl.col("mention_id").replace("", None), pl.col("_fallback_id")).alias(
            "mention_id"
        ),
        pl.col("brand").str.to_lowercase().is_in(list(own_brands)).alias("is_own_brand"),
        pl.col("sentiment_canonical").alias("sentiment"),
        pl.lit(ctx.default_timezone).alias("_tz"),
        # After the fallback id: an empty cell is no author (NULL), and ids stay as they were.
        *[pl.col(name).str.strip_chars().replace("", None) for name in ("url", "author", "text")],
    )
    kept, duplicates = drop_duplicate_keys(kept, ["platform", "mention_id"])
    kept = localize(kept, "published", "_tz", "published_at")
    kept = local_date("published_at", "_tz", "date", kept)
    return assemble(
        "listening_mentions",
        "mentions",
        parsed,
        kept,
        quarantine,
        {"mention": conform(kept, MENTION.columns)},
        skipped=duplicates,
    )


MENTIONS = FormatSpec(
    name="listening_mentions",
    platform="mentions",
    title="social-listening mentions export (date, source, author, text, brand)",
    columns={
        "en": {
            "mention_id": ("Mention ID", "Id", "Resource Id"),
            "published": ("Date", "Published", "Created at", "Published date"),
            "source": ("Source", "Platform", "Media type", "Channel", "Page Type"),
            "url": ("URL", "Link"),
            "author": ("Author", "Author name", "Username", "Influencer"),
            # Meltwater writes `Reach` for every source and `Twitter Followers` for tweets only:
            # `Reach` first, so a news mention keeps its audience (Brandwatch has no `Reach`).
            "author_followers": ("Author followers", "Followers", "Reach", "Twitter Followers"),
            "text": (
                "Text",
                "Content",
                "Full Text",
                "Snippet",
                "Hit Sentence",
                "Opening Text",
                "Mention",
            ),
            "sentiment": ("Sentiment",),
            "brand": ("Brand", "Query", "Query Name", "Input Name", "Project", "Topic"),
        },
        "id": {
            "mention_id": ("ID Sebutan", "ID"),
            "published": ("Tanggal", "Waktu"),
            "source": ("Sumber", "Platform", "Kanal"),
            "url": ("URL", "Tautan"),
            "author": ("Penulis", "Akun"),
            "author_followers": ("Pengikut penulis", "Pengikut"),
            "text": ("Teks", "Konten", "Isi"),
            "sentiment": ("Sentimen",),
            "brand": ("Merek", "Kueri", "Topik"),
        },
    },
    required=("published", "source", "brand", "text"),
    normalize=normalize_mentions,
)
