"""YouTube Studio: Advanced-mode exports of the channel over the whole period.

Studio's "Export current view" writes three CSVs per report; the demo has four reports:

- Content: `Table data` (one row per video, lifetime totals as of the period's end, a `Total`
  row first), `Chart data` (daily views of the eight most-viewed videos: days before a video
  existed are listed with 0 views, as Studio lists them) and `Totals` (the channel's daily views).
- Date: `Table data` by day (views, watch time, subscribers gained and lost, impressions).
- Viewer age and Viewer gender: shares of views; Geography: views by country.

Videos are Shorts (most) and longer films; a video's daily views add up to its total, and the
channel's daily views are its videos' plus the older catalogue.
"""

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from demo.common import (
    DESTINATIONS,
    END,
    INDEPENDENCE_DAY,
    MONTHS,
    SHORTCODE_ALPHABET,
    START,
    buzz,
    csv_bytes,
    demo_days,
    grown_counts,
    in_campaign,
    is_weekend,
    local_at,
    noise,
    split_whole,
    whole,
)

_SHORT_TITLES = (
    "{place} dalam 30 detik #shorts #WisataNusantara",
    "Spot foto terbaik di {place} #shorts",
    "Kuliner wajib di {place}! #shorts #kuliner",
)
_LONG_TITLES = (
    "Jelajah {place}: panduan lengkap liburan 3 hari",
    "Cerita warga {place}: menjaga alam dan budaya",
    "Festival budaya {place} 2026 | Wisata Nusantara",
)
_CAMPAIGN_TITLES = (
    "Upacara 17 Agustus di {place} | Dirgahayu RI ke-81 🇮🇩",
    "Semarak lomba 17-an di {place} #shorts #Kemerdekaan2026",
)
_AGES = {
    "13-17 years": 4.1,
    "18-24 years": 21.6,
    "25-34 years": 34.8,
    "35-44 years": 21.3,
    "45-54 years": 10.7,
    "55-64 years": 5.2,
    "65+ years": 2.3,
}
_GENDERS = {"Female": 46.2, "Male": 53.5, "User-specified": 0.3}
_COUNTRIES = {
    "Indonesia": 90.5,
    "Malaysia": 4.1,
    "Singapore": 1.6,
    "Netherlands": 1.1,
    "Australia": 1.0,
    "United States": 0.9,
    "Japan": 0.8,
}
_CHART_VIDEOS = 8


@dataclass(frozen=True)
class YtVideo:
    """One video of the demo channel with its final (long-run) lifetime numbers."""

    video_id: str
    published: datetime  # local time; Studio prints only the date
    title: str
    short: bool
    duration: int  # seconds
    views: int
    watch_seconds: int
    impressions: int
    subscribers_gained: int
    subscribers_lost: int
    likes: int
    comments: int
    shares: int

    def at(self, day: date) -> dict[str, int]:
        """Lifetime numbers as of the end of `day` (0 before the video existed)."""
        names = (
            "views",
            "watch_seconds",
            "impressions",
            "subscribers_gained",
            "subscribers_lost",
            "likes",
            "comments",
            "shares",
        )
        return grown_counts(self, names, day)


def youtube_videos(rng: random.Random) -> list[YtVideo]:
    """About two videos a week: Shorts on most, a longer film every other week."""
    videos: list[YtVideo] = []
    used: set[str] = set()
    for day in demo_days():
        if day == INDEPENDENCE_DAY or (day.weekday() in (1, 4) and rng.random() < 0.9):
            video_id = _video_id(rng, used)
            videos.append(_video(rng, video_id, local_at(day, 16, rng.randrange(60))))
    return videos


def _video_id(rng: random.Random, used: set[str]) -> str:
    """An 11-character id from YouTube's alphabet; some start with `-`, as real ids do."""
    while True:
        video_id = "".join(rng.choice(SHORTCODE_ALPHABET) for _ in range(11))
        if video_id not in used:
            used.add(video_id)
            return video_id


def _video(rng: random.Random, video_id: str, published: datetime) -> YtVideo:
    day = published.date()
    short = rng.random() < 0.65 if day != INDEPENDENCE_DAY else False
    festive = in_campaign(day) and rng.random() < 0.7
    titles = _CAMPAIGN_TITLES if festive else (_SHORT_TITLES if short else _LONG_TITLES)
    title = rng.choice(titles).format(place=rng.choice(DESTINATIONS))
    duration = rng.randint(15, 58) if short else rng.randint(240, 900)
    views = (3400 if short else 1500) * noise(rng, 0.6) * buzz(day)
    watched = views * duration * (rng.uniform(0.55, 0.85) if short else rng.uniform(0.25, 0.45))
    gained = views * rng.uniform(0.002, 0.006)
    return YtVideo(
        video_id=video_id,
        published=published,
        title=title,
        short=short,
        duration=duration,
        views=whole(views),
        watch_seconds=whole(watched),
        impressions=whole(views * (rng.uniform(0.2, 0.5) if short else rng.uniform(9.0, 16.0))),
        subscribers_gained=whole(gained),
        subscribers_lost=whole(gained * rng.uniform(0.05, 0.2)),
        likes=whole(views * rng.uniform(0.025, 0.06)),
        comments=whole(views * rng.uniform(0.001, 0.005)),
        shares=whole(views * rng.uniform(0.002, 0.008)),
    )


def _studio_date(day: date) -> str:
    """`Aug 28, 2026`: how Studio prints a publish date."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.4f}"


def _daily(video: YtVideo, day: date, name: str) -> int:
    return video.at(day)[name] - video.at(day - timedelta(days=1))[name]


def table_content_csv(videos: Sequence[YtVideo], snapshot: date) -> bytes:
    """Build Table data by video: a `Total` row, then videos by views, most first."""
    header = (
        "Content",
        "Video title",
        "Video publish time",
        "Duration",
        "Views",
        "Watch time (hours)",
        "Subscribers",
        "Impressions",
        "Impressions click-through rate (%)",
        "Likes",
        "Comments added",
        "Shares",
    )
    numbers = {v.video_id: v.at(snapshot) for v in videos}
    ranked = sorted(videos, key=lambda v: (-numbers[v.video_id]["views"], v.video_id))

    def measures(n: dict[str, int]) -> tuple[str, ...]:
        clicks = min(n["views"], whole(n["impressions"] * 0.055))
        return (
            str(n["views"]),
            _hours(n["watch_seconds"]),
            str(n["subscribers_gained"] - n["subscribers_lost"]),
            str(n["impressions"]),
            f"{100 * clicks / n['impressions']:.2f}" if n["impressions"] else "0",
            str(n["likes"]),
            str(n["comments"]),
            str(n["shares"]),
        )

    total = {name: sum(n[name] for n in numbers.values()) for name in next(iter(numbers.values()))}
    rows: list[Sequence[str]] = [header, ("Total", "", "", "", *measures(total))]
    for video in ranked:
        rows.append(
            (
                video.video_id if not video.video_id.startswith("-") else f" {video.video_id}",
                video.title,
                _studio_date(video.published.date()),
                str(video.duration),
                *measures(numbers[video.video_id]),
            )
        )
    return csv_bytes(rows)


def chart_csv(videos: Sequence[YtVideo], snapshot: date) -> bytes:
    """Build Chart data: daily views of the most-viewed videos, every day of the period."""
    top = sorted(videos, key=lambda v: (-v.at(snapshot)["views"], v.video_id))[:_CHART_VIDEOS]
    rows: list[Sequence[str]] = [
        ("Date", "Content", "Video title", "Video publish time", "Duration", "Views")
    ]
    for video in top:
        listed = video.video_id if not video.video_id.startswith("-") else f" {video.video_id}"
        for day in demo_days():
            rows.append(
                (
                    day.isoformat(),
                    listed,
                    video.title,
                    _studio_date(video.published.date()),
                    str(video.duration),
                    str(_daily(video, day, "views")),
                )
            )
    return csv_bytes(rows)


@dataclass(frozen=True)
class ChannelDay:
    """The channel's day: its videos' gains plus the older catalogue."""

    day: date
    views: int
    watch_seconds: int
    subscribers_gained: int
    subscribers_lost: int
    impressions: int


def channel_days(rng: random.Random, videos: Sequence[YtVideo]) -> list[ChannelDay]:
    """Each day: what every video gained that day, plus the catalogue published before."""
    days = []
    for day in demo_days():
        gains = {
            name: sum(_daily(v, day, name) for v in videos)
            for name in (
                "views",
                "watch_seconds",
                "subscribers_gained",
                "subscribers_lost",
                "impressions",
            )
        }
        weekend = 1.1 if is_weekend(day) else 1.0
        catalogue = 700 * weekend * noise(rng, 0.2)
        days.append(
            ChannelDay(
                day=day,
                views=gains["views"] + whole(catalogue),
                watch_seconds=gains["watch_seconds"] + whole(catalogue * 95),
                subscribers_gained=gains["subscribers_gained"] + whole(catalogue * 0.002),
                subscribers_lost=gains["subscribers_lost"] + whole(2 * noise(rng, 0.5)),
                impressions=gains["impressions"] + whole(catalogue * 6),
            )
        )
    return days


def totals_csv(days: Sequence[ChannelDay]) -> bytes:
    """Build Totals: the channel's daily views (the chart's total line)."""
    rows: list[Sequence[str]] = [("Date", "Views")]
    rows += [(d.day.isoformat(), str(d.views)) for d in days]
    return csv_bytes(rows)


def table_by_date_csv(days: Sequence[ChannelDay]) -> bytes:
    """Build Table data by date: a `Total` row, then one row per day, newest first."""
    rows: list[Sequence[str]] = [
        (
            "Date",
            "Views",
            "Watch time (hours)",
            "Subscribers gained",
            "Subscribers lost",
            "Impressions",
        ),
        (
            "Total",
            str(sum(d.views for d in days)),
            _hours(sum(d.watch_seconds for d in days)),
            str(sum(d.subscribers_gained for d in days)),
            str(sum(d.subscribers_lost for d in days)),
            str(sum(d.impressions for d in days)),
        ),
    ]
    for d in sorted(days, key=lambda d: d.day, reverse=True):
        rows.append(
            (
                d.day.isoformat(),
                str(d.views),
                _hours(d.watch_seconds),
                str(d.subscribers_gained),
                str(d.subscribers_lost),
                str(d.impressions),
            )
        )
    return csv_bytes(rows)


def _share_rows(shares: dict[str, float], rng: random.Random) -> list[tuple[str, float]]:
    """Shares (percent points, two decimals) drifted a little from `shares`, summing to 100."""
    drifted = {name: share * noise(rng, 0.05) for name, share in shares.items()}
    scale = 100 / sum(drifted.values())
    points = split_whole(10_000, [drifted[name] * scale for name in drifted])
    return [(name, value / 100) for name, value in zip(drifted, points, strict=True)]


def audience_share_csv(dimension: str, shares: dict[str, float], rng: random.Random) -> bytes:
    """Build Table data by viewer age or gender: `Views (%)` per bucket under a `Total` row."""
    rows: list[Sequence[str]] = [
        (dimension, "Views (%)", "Average view duration", "Average percentage viewed (%)"),
        ("Total", "100", "0:01:12", "41.27"),
    ]
    for name, points in _share_rows(shares, rng):
        seconds = whole(72 * noise(rng, 0.2))
        rows.append(
            (
                name,
                f"{points:.2f}",
                f"0:{seconds // 60:02d}:{seconds % 60:02d}",
                f"{41.27 * noise(rng, 0.1):.2f}",
            )
        )
    return csv_bytes(rows)


def geography_csv(days: Sequence[ChannelDay], rng: random.Random) -> bytes:
    """Build Table data by Geography: views and watch time per country under a `Total` row."""
    views = sum(d.views for d in days)
    seconds = sum(d.watch_seconds for d in days)
    parts = _share_rows(_COUNTRIES, rng)
    counted = split_whole(views, [share for _, share in parts])
    rows: list[Sequence[str]] = [
        ("Geography", "Views", "Watch time (hours)"),
        ("Total", str(views), _hours(seconds)),
    ]
    for (name, share), count in zip(parts, counted, strict=True):
        rows.append((name, str(count), _hours(seconds * share / 100)))
    return csv_bytes(rows)


def files(family: Callable[[str], random.Random]) -> dict[str, bytes]:
    """The channel's Studio exports, by path in the workspace."""
    rng = family("youtube")
    videos = youtube_videos(rng)
    days = channel_days(rng, videos)
    period = f"{START.isoformat()}_{END.isoformat()}"
    folder = "inbox/youtube"
    return {
        f"{folder}/Content_{period}_Table_data.csv": table_content_csv(videos, END),
        f"{folder}/Content_{period}_Chart_data.csv": chart_csv(videos, END),
        f"{folder}/Content_{period}_Totals.csv": totals_csv(days),
        f"{folder}/Date_{period}_Table_data.csv": table_by_date_csv(days),
        f"{folder}/Viewer_age_{period}_Table_data.csv": audience_share_csv(
            "Viewer age", _AGES, rng
        ),
        f"{folder}/Viewer_gender_{period}_Table_data.csv": audience_share_csv(
            "Viewer gender", _GENDERS, rng
        ),
        f"{folder}/Geography_{period}_Table_data.csv": geography_csv(days, rng),
    }
