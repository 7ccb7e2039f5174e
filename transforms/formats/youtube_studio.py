"""YouTube Studio Advanced-mode exports: `Table data.csv`, `Chart data.csv` and `Totals.csv`.

Studio's "Export current view" writes the three CSVs of one report, each shaped by the report's
dimension and the metrics the user picked; they never name the channel, so the account comes from
`--account youtube:<channel id>`. Recognised shapes:

- Table data by video (first column `Content`): `core.post` + one `core.post_metrics` snapshot.
- Chart data (`Date`, `Content`, ...: metrics per video per day): `core.post_daily`, `core.post`.
- Totals, and Table data by date (first column `Date`): `core.account_daily`.
- Table data by `Viewer age` / `Viewer gender` / `Geography` / `City` / `Device type` /
  `Traffic source`: `core.audience` (dimension age, gender, country, city, device, source).
- Table data by any other dimension Studio offers (`Subscription status`, `Operating system`,
  `Content type`, `Playback location`, `Sharing service`, `Subtitles and CC`, `Playlist`, ...):
  recognised, and its rows skipped with the reason: Kunci has no table for that breakdown.

Mapping (DECISIONLOG, YouTube Studio):
- `Views` are video views: `video_views` in `core.post_metrics`, `core.post_daily` and
  `core.account_daily`, never `views`, which the metric layer reads as Meta's 2025 replacement for
  impressions (`coalesce(impressions, views)`); YouTube's own impressions are thumbnail
  impressions, a different count from views.
- `Engaged views` -> `engaged_views` (same three tables): the old definition of a view, kept by
  YouTube when it began counting every start of a Short as a view (March 2025).
- `Watch time (hours)` -> `watch_time_seconds` (x 3600) per post; `Impressions` -> `impressions`
  (thumbnail impressions); `Likes` -> `reactions`; `Comments added` -> `comments`; `Shares` ->
  `shares`; `Subscribers gained` -> `follows` per post, `followers_gained` per day;
  `Subscribers lost` -> `followers_lost` per day.
- Audience tables: `Views` -> measure `views` (value), `Views (%)` -> its share (a fraction).
  Watch time per bucket is not stored: `core.audience` has no watch-time measure the metric
  layer or the report reads.
- Named in the load's notes as not used (Kunci has no column for them): `Subscribers` (a net of
  gained and lost, which no follower column holds), `Impressions click-through rate (%)` (a rate;
  the clicks behind it could only be rebuilt by rounding), `Average view duration`, `Average
  percentage viewed (%)`, `Stayed to watch (%)`, `Unique viewers` and `Unique reach` (Studio's
  estimates over the report's period, not the platform reach other formats store),
  `Average views per viewer`, `New` / `Returning` / `Casual` / `Regular viewers`, `Dislikes`,
  `Likes (vs. dislikes) (%)`, `Estimated revenue (<currency>)` (channel earnings: no social table
  has money), `YouTube Premium views`, `Post subscribers`, `Duration` (the video's length), and
  per day watch time, likes, comments and shares (`core.account_daily` has no such columns).
  Watch time is never rebuilt from `Average view duration` x `Views`: Studio rounds the average to
  the second.
- A Chart data or Totals file whose only metrics are not used loads nothing: its rows are
  skipped and the note names the metric (`Average view duration` per day would otherwise load
  rows with every measure NULL). A Table data by video without a used metric still loads its
  videos (`core.post`) but writes no snapshot, which would hide an earlier one's values.
- Posts are `video`, published on the date Studio prints (`Aug 28, 2025`): `published_at` is NULL,
  the export gives no time.
- Totals of one metric that other platforms' daily exports also have (`Impressions`, `Likes`,
  `Shares`, `New viewers`, `Returning viewers`) are recognised by their exact shape (`TOTALS`:
  the date and that one column, `max_columns=2`); a wider file with those columns (TikTok's
  Viewers sheet, an X export missing a column) is not Studio's.

Interface languages. Studio localises headers, the file names (`Data tabel.csv`, `Dados da
tabela.csv` / `Dados do gráfico.csv` / `Total.csv`, `Tabellendaten.csv` / `Diagrammdaten.csv` /
`Gesamtwerte.csv`) and the aggregate row's label (`Gesamt`), but not numbers or dates: genuine
Portuguese (Brazil) and German exports (GianMartins/Youtube, raphaeloe/Youtube) write
`1502418.2753`, ISO dates and `Mar 25, 2023`, as the English ones do. Their labels are listed
with the English ones. Indonesian labels (`INDONESIAN_UI.md` E12, E13) are this format's only:
`Penayangan` is views and `Tayangan` impressions (`Tayangan` means views in Meta's exports);
`Tanggal` for the date and the `Data diagram.csv` / `Total.csv` names are unconfirmed. No
Indonesian export was seen, so its numbers' convention is settled per file from the cells
(`_settle_numbers`): `1.234` or `12.345.678` in a whole-number column (views, impressions) are
grouped thousands, `12,5` in a decimal column (watch hours, rates) a decimal comma; `1938.0`,
`1,234`, `12.5` are English; `243.645` in a decimal column reads both ways and decides nothing.
A file without evidence, or with both, is read as Studio writes numbers in every language seen,
and the notes say so. Publish dates are read with the headers' month names (`12 Mei 2024`,
`Mei 12, 2024`, `Aug 28, 2025`) through `transforms.values.dates`.

Quirks: the first data row of Table data is an aggregate `Total` row (skipped and counted); video
ids starting with `-` are prefixed with a space (Studio's guard against CSV formula injection), and
only some of them (` -pvZz7Zj4QM` beside `-6UJPIo1uW0` in one file): every id is stripped;
Studio writes blank cells for metrics it has no value for (`New viewers` of every video, revenue
on unmonetised days), kept NULL, apart from `0`; Excel re-saves rewrite ISO dates in the saver's
locale (`13-06-2025`), so the day/month order of numeric dates is settled per file; Table data by
date may list days newest first; Chart data lists the days before a video existed with 0 views
(skipped and counted, never loaded as measurements).
"""

from collections.abc import Callable, Iterable
from dataclasses import replace

import polars as pl

from transforms.canonical.accounts import account_frame, hinted_account
from transforms.canonical.schemas import AUDIENCE, POST, POST_DAILY, POST_METRICS
from transforms.canonical.typed import (
    COUNT,
    DECIMAL,
    SIGNED_COUNT,
    FieldType,
    assemble,
    conform,
    drop_duplicate_keys,
    flag,
    parse_fields,
    require,
    skip_rows,
    split_quarantine,
)
from transforms.context import IngestContext, Normalized, ParsedInput
from transforms.format_spec import FormatSpec
from transforms.formats.daily import finish_daily
from transforms.formats.skipped import skip_every_row
from transforms.values.dates import parse_date, snapshot_date
from transforms.values.numbers import Locale, parse_count, parse_decimal, parse_percent_points

_VIDEO_ID = r"^[A-Za-z0-9_-]{11}$"
_WATCH_URL = "https://www.youtube.com/watch?v="
# `Aug 28, 2025` in every interface language seen; the rest for an export that localises it
# (`12 Mei 2024`, `Mei 12, 2024`), month names read in the headers' language.
_PUBLISHED_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%Y-%m-%d", "%d %b %Y", "%d %B %Y")
_TEXT_DATES = ("%Y-%m-%d", "%b %d, %Y")
_DAY_FIRST = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")
_MONTH_FIRST = ("%m-%d-%Y", "%m/%d/%Y")
_NUMERIC_DATE = r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}$"
_PERCENT_POINTS = FieldType("percentage", parse_percent_points)  # `Views (%)`: 62.5 = 62.5 %
_SECONDS_PER_HOUR = 3600
_TOTAL_LABELS = ("total", "gesamt")
"""The aggregate row's label: `Total` (English, Portuguese), `Gesamt` (German)."""

# Revenue columns name the channel's payment currency.
_CURRENCIES = (
    *("USD", "EUR", "GBP", "INR", "IDR", "JPY", "AUD", "CAD", "BRL", "MXN", "PHP", "MYR"),
    *("SGD", "THB", "VND", "KRW", "TRY", "PKR", "BDT", "NGN", "ZAR", "CHF", "SEK", "PLN"),
)

# Header labels per interface language. The `en` table also holds the Portuguese (Brazil) and
# German labels: Studio writes numbers and dates the same way in those interfaces as in English
# (evidence in the module docstring), and a locale key is what numbers and dates are read with.
# Metrics Kunci stores somewhere (which table takes which is decided per shape below).
_STORED: dict[str, tuple[str, ...]] = {
    "studio_views": ("Views", "Visualizações", "Aufrufe"),
    "engaged_views": ("Engaged views", "Visualizações intencionais"),
    "watch_hours": ("Watch time (hours)", "Tempo de exibição (horas)", "Wiedergabezeit (Stunden)"),
    "impressions": ("Impressions", "Impressões", "Impressões de miniaturas", "Impressionen"),
    "subscribers_gained": ("Subscribers gained",),
    "subscribers_lost": ("Subscribers lost",),
    "likes": ("Likes",),
    "comments_added": ("Comments added",),
    "shares": ("Shares",),
}
_STORED_ID: dict[str, tuple[str, ...]] = {
    "studio_views": ("Penayangan",),
    "watch_hours": ("Waktu tonton (jam)",),
    "impressions": ("Tayangan",),  # impressions in Studio: views are `Penayangan`
    "subscribers_gained": ("Subscriber yang diperoleh",),
    "subscribers_lost": ("Subscriber yang hilang",),
    "likes": ("Suka",),
    "comments_added": ("Komentar ditambahkan",),
    "shares": ("Pembagian",),
}
_TYPES = {**dict.fromkeys(_STORED, COUNT), "watch_hours": DECIMAL, "likes": SIGNED_COUNT}
"""`Likes` of a report period is likes added less likes removed: Studio writes it below zero
(`-27`) when more were removed. Read signed, then kept apart (`_net_likes`)."""

# Metrics Studio offers that no canonical column holds: recognised (so that a file of one of them
# is read and its rows accounted for) and named in the notes as not used.
_UNUSED: dict[str, tuple[str, ...]] = {
    "subscribers": ("Subscribers", "Inscritos", "Abonnenten"),
    "impressions_ctr": (
        "Impressions click-through rate (%)",
        "Taxa de cliques de impressões (%)",
        "Taxa de cliques na miniatura (%)",
        "Klickrate der Impressionen (%)",
    ),
    "average_view_duration": ("Average view duration", "Duração média da visualização"),
    "average_percentage_viewed": (
        "Average percentage viewed (%)",
        "Porcentagem visualizada média (%)",
    ),
    "stayed_to_watch": ("Stayed to watch (%)", "Continuaram assistindo (%)"),
    "unique_viewers": ("Unique viewers",),
    "unique_reach": ("Unique reach", "Alcance único"),
    "average_views_per_viewer": ("Average views per viewer",),
    "new_viewers": ("New viewers",),
    "returning_viewers": ("Returning viewers",),
    "casual_viewers": ("Casual viewers",),
    "regular_viewers": ("Regular viewers",),
    "dislikes": ("Dislikes",),
    "likes_vs_dislikes": ("Likes (vs. dislikes) (%)", "Likes (vs dislikes) (%)"),
    "estimated_revenue": tuple(
        f"{label} ({code})"
        for label in ("Estimated revenue", "Receita estimada")
        for code in _CURRENCIES
    ),
    "premium_views": ("YouTube Premium views",),
    "premium_watch_hours": ("YouTube Premium watch time (hours)",),
    "post_subscribers": ("Post subscribers",),
    "end_screen_clicks": ("End screen element clicks",),
    "hype_points": ("Hype points",),
    "hypes": ("Hypes",),
    "shown_in_feed": ("Shown in feed",),
    "viewed_vs_swiped": ("Viewed (vs. swiped away) (%)",),
}
# Studio's percentage metrics are written with ` (%)` in the file, without it in the metric picker
# (E13): both are listed.
_UNUSED_ID: dict[str, tuple[str, ...]] = {
    "subscribers": ("Subscriber",),
    "impressions_ctr": ("Rasio klik-tayang dari tayangan (%)", "Rasio klik-tayang dari tayangan"),
    "average_view_duration": ("Rata-rata durasi tonton",),
    "average_percentage_viewed": (
        "Persentase penayangan rata-rata (%)",
        "Persentase penayangan rata-rata",
    ),
    "unique_viewers": ("Penonton unik",),
    "average_views_per_viewer": ("Penayangan rata-rata per penonton",),
    "new_viewers": ("Penonton baru",),
    "returning_viewers": ("Penonton yang kembali",),
    "dislikes": ("Tidak suka",),
    "likes_vs_dislikes": ("Suka (vs. tidak suka) (%)", "Suka (vs. tidak suka)"),
    "premium_views": ("Penayangan YouTube Premium",),
    "end_screen_clicks": ("Klik pada elemen layar akhir",),
    "hype_points": ("Poin hype",),
}
_METRICS = {**_STORED, **_UNUSED}
_METRICS_ID = {**_STORED_ID, **_UNUSED_ID}
_SHARES: dict[str, tuple[str, ...]] = {
    "views_share": ("Views (%)",),
    "watch_share": ("Watch time (hours) (%)",),
}
"""Audience tables give each bucket's share of the total in percent points (`62.5`)."""
_GENERIC = ("impressions", "likes", "shares", "new_viewers", "returning_viewers")
_ANY = "any_metric"
"""A field matching a file's first metric that only Studio writes: a Totals file may hold any one.

`Impressions`, `Likes`, `Shares`, `New viewers` and `Returning viewers` do not count: beside
`Date` they are other platforms' daily exports too (an X export missing a column must still be
refused as X; TikTok Studio's Viewers sheet has `New Viewers` and `Returning Viewers`). A Totals
file of one of these alone is recognised by its exact shape instead (`TOTALS`).
"""


def _any_metric(*tables: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    return {
        _ANY: tuple(
            alias
            for table in tables
            for name, aliases in table.items()
            if name not in _GENERIC
            for alias in aliases
        )
    }


_ANY_METRIC = _any_metric(_METRICS, _SHARES)
_ANY_METRIC_ID = _any_metric(_METRICS_ID)
_ONE = "the_metric"
"""Totals' one column: any metric, those other platforms share included (the shape decides)."""

_VIDEO: dict[str, tuple[str, ...]] = {
    "video_id": ("Content", "Conteúdo", "Video"),
    "title": ("Video title", "Título do vídeo", "Videotitel"),
    "published": (
        "Video publish time",
        "Horário de publicação do vídeo",
        "Veröffentlichungszeitpunkt des Videos",
    ),
}
_VIDEO_ID_LABELS: dict[str, tuple[str, ...]] = {
    "video_id": ("Konten",),
    "title": ("Judul video",),
    "published": ("Waktu publikasi video",),
}
_DATE = {"date": ("Date", "Data", "Datum")}
_DATE_ID = {"date": ("Tanggal",)}
_DURATION = {"duration": ("Duration", "Duração", "Dauer")}
_DURATION_ID = {"duration": ("Durasi",)}
_NOT_METRICS = ("duration",)

# Number evidence: columns that only ever hold whole numbers, and columns of decimals.
_WHOLE = (
    *(name for name in _STORED if name != "watch_hours"),
    *("subscribers", "unique_viewers", "unique_reach", "new_viewers", "returning_viewers"),
    *("casual_viewers", "regular_viewers", "dislikes", "premium_views", "end_screen_clicks"),
)
_FRACTIONAL = (
    *("watch_hours", "impressions_ctr", "average_percentage_viewed", "stayed_to_watch"),
    *("average_views_per_viewer", "likes_vs_dislikes", "estimated_revenue"),
    *("premium_watch_hours", "views_share", "watch_share"),
)
_NUMBER_STYLE = {"en": "`1234.5`, `1,234`", "id": "`1.234` = 1234, `12,5` = 12.5"}


def _settle_numbers(parsed: ParsedInput) -> tuple[ParsedInput, tuple[str, ...]]:
    """Decide how the file writes numbers from its own cells, never from a single guessed cell.

    Studio writes plain numbers (`1502418.2753`, no grouping) in every interface language seen
    (English, Portuguese, German). A re-saved file, or an Indonesian interface if it localises
    them, may write `1.234` for 1234 and `12,5` for 12.5. A cell that only one convention reads
    is evidence: a whole-number column (views, impressions) never has a fraction, so `1.234` or
    `12.345.678` there are grouped thousands and `1938.0` or `1,234` are English; a decimal
    column's `12,5` is Indonesian and `12.5` or `1502418.2753` English. `243.645` in a decimal
    column reads both ways and tells nothing. Without evidence, or with evidence both ways (a
    mangled file), the file is read as Studio writes it and the notes say so; cells the chosen
    convention cannot read are quarantined.
    """
    evidence = {"en": 0, "id": 0}
    ambiguous = 0
    frame = parsed.frame
    checks = [(name, parse_count) for name in _WHOLE if name in frame.columns]
    checks += [(name, parse_decimal) for name in _FRACTIONAL if name in frame.columns]
    for name, parse in checks:
        cells = frame.select(parse(name, "en").alias("en"), parse(name, "id").alias("id"))
        english, indonesian = pl.col("en").is_not_null(), pl.col("id").is_not_null()
        counts = cells.select(
            (english & ~indonesian).sum().alias("en"),
            (indonesian & ~english).sum().alias("id"),
            (english & indonesian & (pl.col("en") != pl.col("id"))).sum().alias("both"),
        ).row(0)
        evidence["en"] += counts[0]
        evidence["id"] += counts[1]
        ambiguous += counts[2]
    if evidence["id"] and not evidence["en"]:
        note = (
            f"numbers read with Indonesian separators ({_NUMBER_STYLE['id']}): "
            f"{evidence['id']} cells of the file read only that way"
        )
        return replace(parsed, locale="id"), (note,)
    notes: tuple[str, ...] = ()
    if evidence["id"]:
        notes = (
            f"numbers read as Studio writes them ({_NUMBER_STYLE['en']}): the file mixes "
            f"conventions ({evidence['en']} cells read only that way, {evidence['id']} only "
            "with Indonesian separators, which are quarantined)",
        )
    elif ambiguous and not evidence["en"]:
        notes = (
            f"numbers read as Studio writes them in every interface language seen "
            f"({_NUMBER_STYLE['en']}): no cell of the file tells its convention, and "
            f"{ambiguous} would read differently with Indonesian separators",
        )
    return replace(parsed, locale="en"), notes


def _date_type(language: Locale, *formats: str) -> FieldType:
    """A date field read with month names of the headers' language, whatever the numbers' style."""
    return FieldType("date", lambda column, _numbers: parse_date(column, formats, language))


def _not_used(parsed: ParsedInput, used: Iterable[str]) -> tuple[str, ...]:
    """Name the matched columns this shape does not store, so none disappears without a word."""
    kept = set(used)
    names = [
        parsed.headers[name]
        for name in (*_METRICS, *_SHARES, *_NOT_METRICS)
        if name in parsed.headers and name not in kept
    ]
    if not names:
        return ()
    listed = ", ".join(f"'{name}'" for name in names)
    return (f"not used (Kunci has no column for them): {listed}",)


def _skip_all(format_name: str, parsed: ParsedInput, reason: str) -> Normalized:
    """Recognise the export but load nothing: every row is skipped, with the reason in the notes."""
    notes = (f"{parsed.frame.height} rows skipped: {reason}",)
    return skip_every_row(format_name, "youtube", parsed, notes)


def _only_unused_reason(parsed: ParsedInput, table: str) -> str:
    names = ", ".join(
        f"'{parsed.headers[name]}'" for name in (*_METRICS, *_SHARES) if name in parsed.headers
    )
    return f"the export's metrics ({names}) have no column in {table}"


def _split_totals(parsed: ParsedInput, key: str) -> tuple[ParsedInput, pl.DataFrame, int]:
    """Take Studio's aggregate `Total` row(s) out: they restate the other rows' sum."""
    is_total = pl.col(key).str.strip_chars().str.to_lowercase().is_in(_TOTAL_LABELS)
    totals = parsed.frame.filter(is_total.fill_null(False))
    rows, skipped = skip_rows(parsed.frame, is_total)
    return replace(parsed, frame=rows), totals, skipped


def _require_video_id(frame: pl.DataFrame, header: str) -> pl.DataFrame:
    """Quarantine rows without an 11-character video id (a spreadsheet may have mangled it)."""
    bad = ~pl.col("video_id").str.contains(_VIDEO_ID).fill_null(False)
    video_id = pl.col("video_id").fill_null("")
    reason = pl.format(f"column '{header}': '{{}}' is not a YouTube video id", video_id)
    return flag(frame, bad, reason)


def _day_dates(frame: pl.DataFrame, column: str, language: Locale) -> FieldType:
    """Dates of a daily export, settling the day/month order of numeric dates for the file.

    Studio writes ISO dates; a spreadsheet re-save writes the saver's locale order. A file whose
    numeric dates only one order can read (`13-06-2025`) is read in that order; a file that never
    settles it (only days 1-12 that read differently both ways), or mixes orders, keeps its
    numeric dates unparsed so those rows are quarantined rather than read day-for-month.
    """
    numeric = frame.filter(pl.col(column).str.strip_chars().str.contains(_NUMERIC_DATE))
    probe = numeric.select(
        parse_date(column, _DAY_FIRST).alias("day"),
        parse_date(column, _MONTH_FIRST).alias("month"),
    )
    day_only = probe.filter(pl.col("day").is_not_null() & pl.col("month").is_null()).height
    month_only = probe.filter(pl.col("month").is_not_null() & pl.col("day").is_null()).height
    differ = probe.filter(pl.col("day") != pl.col("month")).height
    if month_only and not day_only:
        return _date_type(language, *_TEXT_DATES, *_MONTH_FIRST)
    if (day_only and not month_only) or not differ:
        return _date_type(language, *_TEXT_DATES, *_DAY_FIRST)
    return FieldType(
        "date in one day/month order (the file's numeric dates never settle DD-MM vs MM-DD)",
        lambda column, _numbers: _same_both_ways(column, language),
    )


def _same_both_ways(column: str, language: Locale) -> pl.Expr:
    """Text dates, and the numeric dates that read the same in either order (`06-06-2025`)."""
    day, month = parse_date(column, _DAY_FIRST), parse_date(column, _MONTH_FIRST)
    same = pl.when(day == month).then(day)
    return pl.coalesce(parse_date(column, _TEXT_DATES, language), same).alias(column)


def _videos(parsed: ParsedInput, types: dict[str, FieldType]) -> pl.DataFrame:
    """Parse per-video rows, strip Studio's injection guard and check the ids."""
    frame = parse_fields(parsed, types)
    frame = frame.with_columns(pl.col("video_id").str.strip_chars())
    return _require_video_id(frame, parsed.headers["video_id"])


def _post_frame(videos: pl.DataFrame, account_id: str) -> pl.DataFrame:
    posts = videos.unique("video_id", keep="last", maintain_order=True)
    return posts.with_columns(
        pl.lit("youtube").alias("platform"),
        pl.col("video_id").alias("post_id"),
        pl.lit(account_id).alias("account_id"),
        pl.col("published").alias("published_date")
        if "published" in posts.columns
        else pl.lit(None, pl.Date).alias("published_date"),
        pl.lit("video").alias("content_type"),
        pl.col("title").alias("text"),
        (pl.lit(_WATCH_URL) + pl.col("video_id")).alias("permalink"),
    )


_POST_MEASURES = {
    "studio_views": "video_views",
    "engaged_views": "engaged_views",
    "impressions": "impressions",
    "likes": "reactions",
    "comments_added": "comments",
    "shares": "shares",
    "subscribers_gained": "follows",
}
_POST_USED = (*_POST_MEASURES, "watch_hours")
_DAILY_MEASURES = {
    "studio_views": "video_views",
    "engaged_views": "engaged_views",
    "impressions": "impressions",
    "subscribers_gained": "followers_gained",
    "subscribers_lost": "followers_lost",
}


def _present(parsed: ParsedInput, fields: Iterable[str]) -> list[str]:
    return [name for name in fields if name in parsed.headers]


def _measures(frame: pl.DataFrame) -> pl.DataFrame:
    """Rename the Studio metrics a frame has to canonical post measures."""
    present = {name: out for name, out in _POST_MEASURES.items() if name in frame.columns}
    frame = frame.with_columns(pl.col(name).alias(out) for name, out in present.items())
    if "watch_hours" in frame.columns:
        seconds = pl.col("watch_hours") * _SECONDS_PER_HOUR
        frame = frame.with_columns(seconds.alias("watch_time_seconds"))
    return frame


def _total_note(totals: pl.DataFrame, videos: ParsedInput) -> tuple[str, ...]:
    """Say when the Total row exceeds the listed videos (deleted or unlisted videos count in it)."""
    if "studio_views" not in totals.columns or totals.is_empty():
        return ()
    locale, listed = videos.locale, videos.frame.height
    total = totals.select(parse_count("studio_views", locale)).item(0, 0)
    summed = videos.frame.select(parse_count("studio_views", locale)).to_series().sum()
    if total is None or total == summed:
        return ()
    return (
        f"Total row: {total} views; the {listed} listed videos sum to {summed} (the rest is on "
        "videos the export does not list)",
    )


def normalize_table(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map Table data by video to `core.post` and one lifetime `core.post_metrics` snapshot."""
    account = hinted_account(ctx, "youtube")
    as_of, note = snapshot_date(ctx.source_name, ctx.as_of)
    used = _present(parsed, _POST_USED)
    language = parsed.locale
    parsed, number_notes = _settle_numbers(parsed)
    rows, totals, total_rows = _split_totals(parsed, "video_id")
    types = {
        **{name: _TYPES[name] for name in used},
        "published": _date_type(language, *_PUBLISHED_FORMATS),
    }
    videos, likes_notes = _net_likes(_videos(rows, types), parsed.headers.get("likes"))
    kept, quarantine = split_quarantine(videos)
    kept, duplicates = drop_duplicate_keys(kept, ["video_id"])
    tables = {
        "account": account_frame([account]),
        "post": conform(_post_frame(kept, account.account_id), POST.columns),
    }
    notes = [note, *number_notes, *_total_note(totals, rows), *likes_notes]
    if used:
        snapshots = _measures(_post_frame(kept, account.account_id))
        snapshots = snapshots.with_columns(pl.lit(as_of).alias("as_of_date"))
        tables["post_metrics"] = conform(snapshots, POST_METRICS.columns)
    else:
        reason = _only_unused_reason(parsed, "core.post_metrics")
        notes.append(f"videos loaded without a metrics snapshot: {reason}")
    return assemble(
        "youtube_studio_table_content",
        "youtube",
        parsed,
        kept,
        quarantine,
        tables,
        skipped=total_rows + duplicates,
        notes=(*notes, *_not_used(parsed, used)),
    )


def normalize_chart(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map Chart data (one metric per video per day) to `core.post_daily` and `core.post`."""
    used = _present(parsed, _POST_USED)
    if not used:
        reason = _only_unused_reason(parsed, "core.post_daily")
        return _skip_all("youtube_studio_chart", parsed, reason)
    account = hinted_account(ctx, "youtube")
    language = parsed.locale
    parsed, number_notes = _settle_numbers(parsed)
    rows, _totals, total_rows = _split_totals(parsed, "video_id")
    types = {
        **{name: _TYPES[name] for name in used},
        "date": _day_dates(rows.frame, "date", language),
        "published": _date_type(language, *_PUBLISHED_FORMATS),
    }
    frame = require(_videos(rows, types), pl.col("date").is_not_null(), "no date")
    frame, likes_notes = _net_likes(frame, parsed.headers.get("likes"))
    kept, quarantine = split_quarantine(frame)
    kept, duplicates = drop_duplicate_keys(kept, ["video_id", "date"])
    posts = _post_frame(kept, account.account_id)
    days, unpublished = skip_rows(kept, _before_publish(kept, used))
    daily = _measures(days).with_columns(
        pl.lit("youtube").alias("platform"), pl.col("video_id").alias("post_id")
    )
    return assemble(
        "youtube_studio_chart",
        "youtube",
        parsed,
        days,
        quarantine,
        {
            "account": account_frame([account]),
            "post": conform(posts, POST.columns),
            "post_daily": conform(daily, POST_DAILY.columns),
        },
        skipped=total_rows + duplicates + unpublished,
        notes=(
            *number_notes,
            f"{unpublished} rows dated before their video was published skipped",
            *likes_notes,
            *_not_used(parsed, used),
        ),
    )


def _net_likes(frame: pl.DataFrame, header: str | None) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """A negative `Likes` (more removed than added in the period) is no count of likes: NULL.

    The row's other metrics (views, watch time) are sound and load; the notes say how many cells
    were set aside, so the value is not lost silently.
    """
    if header is None or "likes" not in frame.columns:
        return frame, ()
    negative = frame.filter((pl.col("likes") < 0).fill_null(False)).height
    if not negative:
        return frame, ()
    frame = frame.with_columns(pl.when(pl.col("likes") >= 0).then(pl.col("likes")).alias("likes"))
    return frame, (
        f"{negative} row(s) with a negative '{header}' (likes removed in the period outnumber "
        "those added): not a count of likes, loaded as NULL",
    )


def _before_publish(frame: pl.DataFrame, metrics: list[str]) -> pl.Expr:
    """Rows Studio lists for days before the video existed: all their metrics are 0 or empty."""
    if "published" not in frame.columns or not metrics:
        return pl.lit(False)
    empty = pl.all_horizontal([pl.col(name).fill_null(0) == 0 for name in metrics])
    return (pl.col("date") < pl.col("published")) & empty


def normalize_daily(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map Totals (or Table data by date) to the channel's `core.account_daily`."""
    used = _present(parsed, _DAILY_MEASURES)
    if not used:
        reason = _only_unused_reason(parsed, "core.account_daily")
        return _skip_all("youtube_studio_daily", parsed, reason)
    account = hinted_account(ctx, "youtube")
    language = parsed.locale
    parsed, number_notes = _settle_numbers(parsed)
    rows, _totals, total_rows = _split_totals(parsed, "date")
    types = {
        **{name: _TYPES[name] for name in used},
        "date": _day_dates(rows.frame, "date", language),
    }
    frame = parse_fields(rows, types)
    frame = require(frame, pl.col("date").is_not_null(), "no date")
    return finish_daily(
        "youtube_studio_daily",
        parsed,
        frame,
        account,
        [pl.col(name).alias(_DAILY_MEASURES[name]) for name in used],
        skipped=total_rows,
        notes=(*number_notes, *_not_used(parsed, used)),
    )


def _normalize_audience(dimension: str) -> Callable[[ParsedInput, IngestContext], Normalized]:
    format_name = f"youtube_studio_audience_{dimension}"

    def normalize(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
        """Map a Table data breakdown to `core.audience` (measure `views`)."""
        used = _present(parsed, ("studio_views", "views_share"))
        if not used:
            return _skip_all(format_name, parsed, _only_unused_reason(parsed, "core.audience"))
        account = hinted_account(ctx, "youtube")
        as_of, note = snapshot_date(ctx.source_name, ctx.as_of)
        parsed, number_notes = _settle_numbers(parsed)
        rows, _totals, total_rows = _split_totals(parsed, "bucket")
        frame = parse_fields(rows, {"studio_views": COUNT, "views_share": _PERCENT_POINTS})
        frame = frame.with_columns(pl.col("bucket").str.strip_chars())
        frame = require(frame, pl.col("bucket") != "", f"no {parsed.headers['bucket']}")
        kept, quarantine = split_quarantine(frame)
        kept, duplicates = drop_duplicate_keys(kept, ["bucket"])
        audience = kept.with_columns(
            pl.lit("youtube").alias("platform"),
            pl.lit(account.account_id).alias("account_id"),
            pl.lit(as_of).alias("as_of_date"),
            pl.lit("views").alias("measure"),
            pl.lit(dimension).alias("dimension"),
            _column_or_null(kept, "studio_views").alias("value"),
            _column_or_null(kept, "views_share").alias("share"),
        )
        return assemble(
            format_name,
            "youtube",
            parsed,
            kept,
            quarantine,
            {
                "account": account_frame([account]),
                "audience": conform(audience, AUDIENCE.columns),
            },
            skipped=total_rows + duplicates,
            notes=(note, *number_notes, *_not_used(parsed, used)),
        )

    return normalize


def _column_or_null(frame: pl.DataFrame, name: str) -> pl.Expr:
    return pl.col(name).cast(pl.Float64) if name in frame.columns else pl.lit(None, pl.Float64)


def normalize_unstored_dimension(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Recognise Table data by a dimension Kunci keeps no table for, and skip its rows."""
    header = parsed.headers["dimension"]
    reason = f"Kunci has no table for a breakdown by '{header}' (YouTube Studio Table data)"
    result = _skip_all("youtube_studio_table_other", parsed, reason)
    return replace(result, notes=(*result.notes, *_not_used(parsed, ())))


TABLE_CONTENT = FormatSpec(
    name="youtube_studio_table_content",
    platform="youtube",
    title="YouTube Studio Table data by video (Content, Video title, ...)",
    columns={
        "en": {**_VIDEO, **_DURATION, **_METRICS},
        "id": {**_VIDEO_ID_LABELS, **_DURATION_ID, **_METRICS_ID},
    },
    required=("video_id", "title"),
    normalize=normalize_table,
)

CHART = FormatSpec(
    name="youtube_studio_chart",
    platform="youtube",
    title="YouTube Studio Chart data (Date, Content: one metric per video per day)",
    columns={
        "en": {**_DATE, **_VIDEO, **_DURATION, **_METRICS},
        "id": {**_DATE_ID, **_VIDEO_ID_LABELS, **_DURATION_ID, **_METRICS_ID},
    },
    required=("date", "video_id", "title"),
    normalize=normalize_chart,
)

DAILY = FormatSpec(
    name="youtube_studio_daily",
    platform="youtube",
    title="YouTube Studio Totals or Table data by date (Date, Views, ...)",
    columns={
        "en": {**_DATE, **_METRICS, **_ANY_METRIC},
        "id": {**_DATE_ID, **_METRICS_ID, **_ANY_METRIC_ID},
    },
    required=("date", _ANY),
    normalize=normalize_daily,
)

TOTALS = FormatSpec(
    name="youtube_studio_totals",
    platform="youtube",
    title="YouTube Studio Totals of one metric (exactly Date and the metric)",
    columns={
        "en": {**_DATE, **_METRICS, _ONE: tuple(a for names in _METRICS.values() for a in names)},
        "id": {
            **_DATE_ID,
            **_METRICS_ID,
            _ONE: tuple(a for names in _METRICS_ID.values() for a in names),
        },
    },
    required=("date", _ONE),
    normalize=normalize_daily,
    max_columns=2,
)
"""Totals.csv by its shape, for the metrics other platforms' daily exports also have.

`Date,New viewers` is Studio's; TikTok's Viewers sheet (`Date, Total Viewers, New Viewers,
Returning Viewers`) and an X export are wider, so they keep their own formats.
"""


def _audience_spec(dimension: str, header: str) -> FormatSpec:
    return FormatSpec(
        name=f"youtube_studio_audience_{dimension}",
        platform="youtube",
        title=f"YouTube Studio Table data by {header} ({header}, Views, ...)",
        columns={"en": {"bucket": (header,), **_METRICS, **_SHARES, **_ANY_METRIC}},
        required=("bucket", _ANY),
        normalize=_normalize_audience(dimension),
    )


AUDIENCE_AGE = _audience_spec("age", "Viewer age")
AUDIENCE_GENDER = _audience_spec("gender", "Viewer gender")
AUDIENCE_COUNTRY = _audience_spec("country", "Geography")
AUDIENCE_CITY = _audience_spec("city", "City")
AUDIENCE_DEVICE = _audience_spec("device", "Device type")
AUDIENCE_SOURCE = _audience_spec("source", "Traffic source")

# Table data dimensions Studio offers that no canonical table holds.
_UNSTORED_DIMENSIONS = (
    "Subscription status",
    "Subscription source",
    "Operating system",
    "Content type",
    "Playback location",
    "Sharing service",
    "Subtitles and CC",
    "Playlist",
    "YouTube product",
    "Audio language",
    "Video info language",
    "Translation use",
    "New and returning viewers",
    "End screen element",
    "End screen element type",
    "Card",
    "Card type",
    "Live stream position",
    "Traffic source type",
    "Product",
)

TABLE_OTHER = FormatSpec(
    name="youtube_studio_table_other",
    platform="youtube",
    title="YouTube Studio Table data by another dimension (Subscription status, Playlist, ...)",
    columns={"en": {"dimension": _UNSTORED_DIMENSIONS, **_METRICS, **_SHARES, **_ANY_METRIC}},
    required=("dimension", _ANY),
    normalize=normalize_unstored_dimension,
)
