"""TikTok Studio: the account's "Download data" for two ranges, as CSV files and as a workbook.

July-August (60 days, TikTok Studio's longest custom range) comes as the separate CSVs: quoted,
with a BOM, dates written the way the Indonesian interface shows them and without a year
(`3 Juli`). September comes as one XLSX workbook with a sheet per table and real date cells.
Each range has Overview (daily), Content (per video, totals as of the range's end),
FollowerHistory (daily totals), FollowerActivity (active followers per hour over the range's
last week), FollowerGender and FollowerTopTerritories (shares as of the range's end).

The Overview's daily views are the views the videos gained that day (plus the older catalogue),
so a video's total is the sum of its days; followers grow by the day's follows less unfollows.
"""

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from demo.common import (
    DESTINATIONS,
    EMOJI,
    END,
    INDEPENDENCE_DAY,
    START,
    Cell,
    buzz,
    csv_bytes,
    demo_days,
    grown_counts,
    in_campaign,
    is_weekend,
    local_at,
    month_names,
    noise,
    tiktok_id,
    whole,
    xlsx_bytes,
)

TIKTOK_HANDLE = "wisatanusantara"
_INDONESIAN_MONTHS = month_names("id", "wide")  # `Juli`, as TikTok Studio writes it
_TITLES = (
    "POV: pagi pertama di {place} {e} #WisataNusantara #fyp",
    "3 hal yang wajib kamu coba di {place}! #WisataNusantara #liburan",
    "Budget 500 ribu ke {place}, cukup? {e} #JalanJalanHemat #WisataNusantara",
    "Hidden gem di {place} yang jarang orang tahu {e} #ExploreIndonesia",
    "Suara ombak di {place} buat kamu yang butuh healing {e} #fyp #WisataNusantara",
)
_CAMPAIGN_TITLES = (
    "Merah putih berkibar di {place} 🇮🇩 #Kemerdekaan2026 #HUTRI81",
    "Tantangan #Kemerdekaan2026: tunjukkan semangat 17-an dari {place}! {e}",
)
# Share of followers active in each local hour (0-23): quiet nights, a lunch bump, evening peak.
_ACTIVE_BY_HOUR = (
    0.05, 0.03, 0.02, 0.02, 0.03, 0.06, 0.09, 0.11, 0.11, 0.1, 0.1, 0.11,
    0.14, 0.13, 0.11, 0.11, 0.13, 0.16, 0.19, 0.22, 0.24, 0.23, 0.17, 0.1,
)  # fmt: skip
_GENDERS = (("Female", 0.57), ("Male", 0.42), ("Other", 0.01))
_TERRITORIES = (("ID", 0.88), ("MY", 0.04), ("SG", 0.02), ("PH", 0.01), ("Others", 0.05))
_CSV_RANGE = (START, date(2026, 8, 31))
_XLSX_RANGE = (date(2026, 9, 1), END)


@dataclass(frozen=True)
class TtVideo:
    """One video of the demo TikTok account with its final (long-run) lifetime numbers."""

    video_id: str
    published: datetime  # local time, Asia/Jakarta
    title: str
    views: int
    likes: int
    comments: int
    shares: int

    def link(self) -> str:
        """The video's link, which names the account."""
        return f"https://www.tiktok.com/@{TIKTOK_HANDLE}/video/{self.video_id}"

    def at(self, day: date) -> dict[str, int]:
        """Lifetime numbers as of the end of `day` (0 before the video existed)."""
        return grown_counts(self, ("views", "likes", "comments", "shares"), day)


def tiktok_videos(rng: random.Random) -> list[TtVideo]:
    """Four videos a week or so, two on Independence Day, posted in the evening peak."""
    videos: list[TtVideo] = []
    for day in demo_days():
        count = 2 if day == INDEPENDENCE_DAY else (1 if rng.random() < 0.55 else 0)
        for hour in sorted(rng.sample((17, 18, 19, 20, 21), count)):
            published = local_at(day, hour, rng.randrange(60))
            videos.append(_video(rng, tiktok_id(rng, published), published))
    return videos


def _video(rng: random.Random, video_id: str, published: datetime) -> TtVideo:
    day = published.date()
    festive = in_campaign(day) and rng.random() < 0.7
    title = rng.choice(_CAMPAIGN_TITLES if festive else _TITLES).format(
        place=rng.choice(DESTINATIONS), e=rng.choice(EMOJI)
    )
    weekend = 1.15 if is_weekend(day) else 1.0
    views = 4200 * noise(rng, 0.7) * buzz(day) * weekend
    likes = views * rng.uniform(0.05, 0.11)
    return TtVideo(
        video_id=video_id,
        published=published,
        title=title,
        views=whole(views),
        likes=whole(likes),
        comments=whole(likes * rng.uniform(0.01, 0.05)),
        shares=whole(views * rng.uniform(0.003, 0.012)),
    )


@dataclass(frozen=True)
class TtDay:
    """The account's day: what Overview and FollowerHistory report."""

    day: date
    video_views: int
    profile_views: int
    likes: int
    comments: int
    shares: int
    followers: int
    difference: int


def tiktok_days(rng: random.Random, videos: Sequence[TtVideo]) -> list[TtDay]:
    """Daily activity: what each video gained that day plus the older catalogue's trickle."""
    followers = 18_420
    days: list[TtDay] = []
    for day in demo_days():
        gained = {"views": 0, "likes": 0, "comments": 0, "shares": 0}
        for video in videos:
            today, before = video.at(day), video.at(day - timedelta(days=1))
            for name in gained:
                gained[name] += today[name] - before[name]
        catalogue = 450 * noise(rng, 0.3)
        views = gained["views"] + whole(catalogue)
        difference = whole(views * rng.uniform(0.002, 0.004) + 6 * noise(rng, 0.4)) - whole(
            4 * noise(rng, 0.4)
        )
        followers += difference
        days.append(
            TtDay(
                day=day,
                video_views=views,
                profile_views=whole(views * rng.uniform(0.008, 0.02)),
                likes=gained["likes"] + whole(catalogue * 0.06),
                comments=gained["comments"] + whole(catalogue * 0.002),
                shares=gained["shares"] + whole(catalogue * 0.004),
                followers=followers,
                difference=difference,
            )
        )
    return days


def _activity(rng: random.Random, days: Sequence[TtDay]) -> list[tuple[date, int, int]]:
    """Active followers per hour of the last seven days (what Studio shows), weekends livelier."""
    rows = []
    for day in days[-7:]:
        weekend = 1.12 if is_weekend(day.day) else 1.0
        for hour, share in enumerate(_ACTIVE_BY_HOUR):
            rows.append((day.day, hour, whole(day.followers * share * weekend * noise(rng, 0.06))))
    return rows


def indonesian_day(day: date) -> str:
    """A date as TikTok Studio's Indonesian interface writes it in exports: `3 Juli`."""
    return f"{day.day} {_INDONESIAN_MONTHS[day.month - 1]}"


@dataclass(frozen=True)
class _Tables:
    """One download's tables as typed rows (header first)."""

    overview: list[list[Cell]]
    content: list[list[Cell]]
    history: list[list[Cell]]
    activity: list[list[Cell]]
    gender: list[list[Cell]]
    territories: list[list[Cell]]


def _tables(
    rng: random.Random,
    videos: Sequence[TtVideo],
    days: Sequence[TtDay],
    first: date,
    last: date,
    write_day: Callable[[date], Cell],
    write_time: Callable[[datetime], Cell],
) -> _Tables:
    """The six tables of one range, dates written by `write_day` / `write_time`."""
    chosen = [d for d in days if first <= d.day <= last]
    posted = [v for v in videos if first <= v.published.date() <= last]
    overview: list[list[Cell]] = [
        ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"]
    ]
    overview += [
        [write_day(d.day), d.video_views, d.profile_views, d.likes, d.comments, d.shares]
        for d in chosen
    ]
    content: list[list[Cell]] = [
        [
            "Time",
            "Video title",
            "Video link",
            "Post time",
            "Total likes",
            "Total comments",
            "Total shares",
            "Total views",
        ]
    ]
    for video in sorted(posted, key=lambda v: v.published, reverse=True):
        n = video.at(last)
        content.append(
            [
                write_day(last),
                video.title,
                video.link(),
                write_time(video.published),
                n["likes"],
                n["comments"],
                n["shares"],
                n["views"],
            ]
        )
    history: list[list[Cell]] = [["Date", "Followers", "Difference in followers from previous day"]]
    history += [[write_day(d.day), d.followers, d.difference] for d in chosen]
    activity: list[list[Cell]] = [["Date", "Hour", "Active followers"]]
    activity += [[write_day(day), hour, value] for day, hour, value in _activity(rng, chosen)]
    drift = noise(rng, 0.02)
    female = round(_GENDERS[0][1] * drift, 2)
    gender: list[list[Cell]] = [
        ["Gender", "Distribution"],
        ["Female", female],
        ["Male", round(1 - female - _GENDERS[2][1], 2)],
        ["Other", _GENDERS[2][1]],
    ]
    territories: list[list[Cell]] = [["Top territories", "Distribution"]]
    territories += [[name, share] for name, share in _TERRITORIES]
    return _Tables(overview, content, history, activity, gender, territories)


def _csv(rows: Sequence[Sequence[Cell]]) -> bytes:
    """TikTok's CSV: every field quoted, UTF-8 with a BOM."""
    return csv_bytes([[str(cell) for cell in row] for row in rows], quote_all=True, bom=True)


def files(family: Callable[[str], random.Random]) -> dict[str, bytes]:
    """The July-August CSVs and the September workbook, by path in the workspace."""
    rng = family("tiktok")
    videos = tiktok_videos(rng)
    days = tiktok_days(rng, videos)
    first, last = _CSV_RANGE
    csv_tables = _tables(
        rng, videos, days, first, last, indonesian_day, lambda t: indonesian_day(t.date())
    )
    stem = f"{first.isoformat()}_{last.isoformat()}"
    found = {f"inbox/tiktok/{name}_{stem}.csv": _csv(rows) for name, rows in _named(csv_tables)}
    first, last = _XLSX_RANGE
    book = _tables(rng, videos, days, first, last, lambda d: d, lambda t: t)
    name = f"inbox/tiktok/TikTok_Studio_{TIKTOK_HANDLE}_{first.isoformat()}_{last.isoformat()}.xlsx"
    found[name] = xlsx_bytes(_named(book))
    return found


def _named(tables: _Tables) -> list[tuple[str, Sequence[Sequence[Cell]]]]:
    """The tables under TikTok's file (and sheet) names."""
    return [
        ("Overview", tables.overview),
        ("Content", tables.content),
        ("FollowerHistory", tables.history),
        ("FollowerActivity", tables.activity),
        ("FollowerGender", tables.gender),
        ("FollowerTopTerritories", tables.territories),
    ]
