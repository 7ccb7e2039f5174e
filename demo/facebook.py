"""The Facebook Page: a Meta Business Suite content export and a Page Insights page-level export.

- Content: Meta Business Suite's Facebook content export for the whole period as of its last day,
  UTF-16 with a `sep=,` line as Meta writes it for Excel; post ids without the page, `Page ID`
  naming the page.
- Page level: the Page Insights "Export Data" layout (one row per day, a description row under
  the header, `Daily` / `Weekly` / `28 Days` metrics side by side, likes by gender and age, country
  and city as `<metric> - <key>` columns). Meta retired that download in 2018 and offers no daily
  page export in its place; it stands here for the page-level archive an office keeps in that
  layout (and exercises its reader), so the page's followers, reach and audience have a source.

The page's days include its posts: daily reach is mostly the reach of the last two days' posts,
total likes grow by new likes less unlikes, and the likes by gender, age and country add up to the
day's total likes (cities cover the largest ones only, as Facebook lists the top cities).
"""

import math
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
    START,
    buzz,
    csv_bytes,
    csv_text,
    demo_days,
    digits,
    grown_counts,
    in_campaign,
    is_weekend,
    local_at,
    meta_range,
    noise,
    pick,
    split_whole,
    utf16_bytes,
    whole,
)

FB_PAGE_ID = "104738291650432"

_FB_TEMPLATES = (
    "Sudah pernah mampir ke {place}? Bagikan pengalamanmu di kolom komentar {e}",
    "Panduan lengkap liburan ke {place}: cara ke sana, tempat menginap, dan kuliner wajib coba.",
    "Akhir pekan ini ada apa di {place}? Cek agenda budaya dan festival terbaru {e}",
    "Foto kiriman sahabat wisata dari {place}. Indah sekali! {e}",
    "Jaga kebersihan, hormati adat, dukung UMKM: tiga cara jadi wisatawan yang baik di {place}.",
)
_FB_CAMPAIGN_TEMPLATES = (
    "Dirgahayu Republik Indonesia ke-81! 🇮🇩 Semarak Agustusan di {place}. #Kemerdekaan2026",
    "Daftar paket wisata Merdeka ke {place}, kuota terbatas! {e} #Kemerdekaan2026",
)
# Post type -> (share of posts, reach factor); Meta Business Suite's labels.
_FB_TYPES = {"Photo": (0.45, 1.0), "Reel": (0.25, 1.7), "Link": (0.2, 0.7), "Video": (0.1, 1.2)}
_FB_GENDER_AGE = {
    "F.18-24": 9.0,
    "F.25-34": 17.0,
    "F.35-44": 11.0,
    "F.45-54": 6.0,
    "F.55-64": 2.5,
    "F.65+": 1.0,
    "M.18-24": 8.0,
    "M.25-34": 18.0,
    "M.35-44": 13.0,
    "M.45-54": 7.5,
    "M.55-64": 3.0,
    "M.65+": 1.5,
    "U.25-34": 1.0,
    "U.35-44": 0.5,
}
_FB_COUNTRIES = {"ID": 91.0, "MY": 3.2, "SG": 1.6, "AU": 1.1, "NL": 0.8, "US": 0.7, "JP": 0.5}
_FB_CITIES = {
    "Jakarta, Jakarta, Indonesia": 22.0,
    "Surabaya, East Java, Indonesia": 7.5,
    "Bandung, West Java, Indonesia": 6.5,
    "Medan, North Sumatra, Indonesia": 4.5,
    "Makassar, South Sulawesi, Indonesia": 3.5,
    "Yogyakarta, Yogyakarta, Indonesia": 3.4,
    "Denpasar, Bali, Indonesia": 3.2,
    "Semarang, Central Java, Indonesia": 3.0,
    "Bekasi, West Java, Indonesia": 2.8,
    "Tangerang, Banten, Indonesia": 2.6,
}
_FB_MEASURES = (
    "views",
    "reach",
    "reactions",
    "comments",
    "shares",
    "clicks",
    "link_clicks",
    "seconds_viewed",
)


@dataclass(frozen=True)
class FbPost:
    """One post of the demo Facebook Page with its final (long-run) lifetime numbers."""

    post_id: str  # as the content export writes it: without the page id
    published: datetime  # local time, Asia/Jakarta
    post_type: str
    duration: int  # seconds, videos only
    text: str
    views: int
    reach: int
    reactions: int
    comments: int
    shares: int
    clicks: int
    link_clicks: int
    seconds_viewed: int

    def at(self, snapshot: date) -> dict[str, int]:
        """Lifetime numbers as of the end of `snapshot`; each only grows with a later snapshot."""
        return grown_counts(self, _FB_MEASURES, snapshot)


def facebook_posts(rng: random.Random) -> list[FbPost]:
    """Most days one post, in the evening; Independence Day two."""
    posts: list[FbPost] = []
    for day in demo_days():
        count = 2 if day == INDEPENDENCE_DAY else (0 if rng.random() < 0.15 else 1)
        for _ in range(count):
            published = local_at(day, rng.choice((9, 12, 15, 18, 19, 20)), rng.randrange(60))
            posts.append(_facebook_post(rng, "122" + digits(rng, 15), published))
    return sorted(posts, key=lambda p: p.published)


def _facebook_post(rng: random.Random, post_id: str, published: datetime) -> FbPost:
    day = published.date()
    post_type = pick(rng, {name: share for name, (share, _) in _FB_TYPES.items()})
    festive = in_campaign(day) and rng.random() < 0.6
    text = rng.choice(_FB_CAMPAIGN_TEMPLATES if festive else _FB_TEMPLATES).format(
        place=rng.choice(DESTINATIONS), e=rng.choice(EMOJI)
    )
    weekend = 1.1 if is_weekend(day) else 1.0
    reach = 3100 * _FB_TYPES[post_type][1] * noise(rng, 0.4) * buzz(day) * weekend
    reactions = reach * rng.uniform(0.02, 0.05)
    clicks = reach * rng.uniform(0.02, 0.06)
    video = post_type in ("Reel", "Video")
    views = reach * rng.uniform(1.2, 1.8)
    return FbPost(
        post_id=post_id,
        published=published,
        post_type=post_type,
        duration=rng.randint(15, 90) if video else 0,
        text=text,
        views=whole(views),
        reach=whole(reach),
        reactions=whole(reactions),
        comments=whole(reactions * rng.uniform(0.03, 0.12)),
        shares=whole(reactions * rng.uniform(0.05, 0.25)),
        clicks=whole(clicks),
        link_clicks=whole(clicks * rng.uniform(0.4, 0.7)) if post_type == "Link" else 0,
        seconds_viewed=whole(views * rng.uniform(4.0, 12.0)) if video else 0,
    )


_CONTENT_HEADER = (
    "Post ID",
    "Page ID",
    "Page name",
    "Title",
    "Description",
    "Duration (sec)",
    "Publish time",
    "Permalink",
    "Is crosspost",
    "Is share",
    "Post type",
    "Languages",
    "Data comment",
    "Date",
    "Views",
    "Reach",
    "Reactions",
    "Comments",
    "Shares",
    "Total clicks",
    "Link clicks",
    "Seconds viewed",
)


def facebook_content_csv(posts: Sequence[FbPost], snapshot: date) -> bytes:
    """Build the Facebook content export as of `snapshot`: UTF-16, `sep=,`, CRLF, oldest first.

    Link clicks and seconds viewed are empty where they do not apply (photos have no link to
    click, only videos are watched), as Meta leaves them.
    """
    rows: list[Sequence[str]] = [_CONTENT_HEADER]
    for post in posts:
        numbers = post.at(snapshot)
        video = post.post_type in ("Reel", "Video")
        rows.append(
            (
                post.post_id,
                FB_PAGE_ID,
                BRAND,
                post.text.split(".")[0] if video else "",
                post.text,
                str(post.duration) if video else "",
                post.published.strftime("%m/%d/%Y %H:%M"),
                f"https://www.facebook.com/{FB_PAGE_ID}/posts/{post.post_id}",
                "No",
                "No",
                post.post_type,
                "id",
                "",
                "Lifetime",
                str(numbers["views"]),
                str(numbers["reach"]),
                str(numbers["reactions"]),
                str(numbers["comments"]),
                str(numbers["shares"]),
                str(numbers["clicks"]),
                str(numbers["link_clicks"]) if post.post_type == "Link" else "",
                str(numbers["seconds_viewed"]) if video else "",
            )
        )
    text = "sep=,\r\n" + csv_text(rows, newline="\r\n")
    return utf16_bytes(text)


@dataclass(frozen=True)
class PageDay:
    """The Page's day as Page Insights reports it."""

    day: date
    likes_total: int
    new_likes: int
    unlikes: int
    engaged_users: int
    reach: int
    impressions: int
    page_views: int
    video_views: int


def page_days(rng: random.Random, posts: Sequence[FbPost]) -> list[PageDay]:
    """Days consistent with the posts: total likes = yesterday + new likes - unlikes."""
    by_day: dict[date, list[FbPost]] = {}
    for post in posts:
        by_day.setdefault(post.published.date(), []).append(post)
    likes = 48_230
    days: list[PageDay] = []
    for day in demo_days():
        today = by_day.get(day, [])
        yesterday = by_day.get(day - timedelta(days=1), [])
        weekend = 1.1 if is_weekend(day) else 1.0
        new_likes = whole(35 * weekend * buzz(day) * noise(rng, 0.25))
        unlikes = whole(9 * noise(rng, 0.35))
        likes += new_likes - unlikes
        reach = whole(
            0.6 * sum(p.reach for p in today)
            + 0.25 * sum(p.reach for p in yesterday)
            + 2100 * weekend * buzz(day) * noise(rng, 0.2)
        )
        days.append(
            PageDay(
                day=day,
                likes_total=likes,
                new_likes=new_likes,
                unlikes=unlikes,
                engaged_users=whole(reach * rng.uniform(0.03, 0.06)),
                reach=reach,
                impressions=whole(reach * rng.uniform(1.35, 1.8)),
                page_views=whole(reach * rng.uniform(0.01, 0.02)),
                video_views=whole(
                    sum(p.views for p in today if p.seconds_viewed) * 0.5 + 600 * noise(rng, 0.3)
                ),
            )
        )
    return days


# Page-level columns: (header, description), then how to read the day's value.
_PAGE_COLUMNS: tuple[tuple[str, str, Callable[[PageDay], int]], ...] = (
    (
        "Lifetime Total Likes",
        "Lifetime: The total number of people who have liked your Page. (Unique Users)",
        lambda d: d.likes_total,
    ),
    (
        "Daily New Likes",
        "Daily: The number of new people who have liked your Page (Unique Users)",
        lambda d: d.new_likes,
    ),
    (
        "Daily Unlikes",
        "Daily: The number of Unlikes of your Page (Unique Users)",
        lambda d: d.unlikes,
    ),
    (
        "Daily Page Engaged Users",
        "Daily: The number of people who engaged with your Page. Engagement includes any click "
        "or story created. (Unique Users)",
        lambda d: d.engaged_users,
    ),
    (
        "Daily Total Reach",
        "Daily: The number of people who had any content from your Page or about your Page "
        "enter their screen. (Unique Users)",
        lambda d: d.reach,
    ),
    (
        "Daily Total Impressions",
        "Daily: The number of impressions seen of any content associated with your Page. "
        "(Total Count)",
        lambda d: d.impressions,
    ),
    (
        "Daily Logged-in Page Views",
        "Daily: Page views from users logged into Facebook (Total Count)",
        lambda d: d.page_views,
    ),
    (
        "Daily Total Video Views",
        "Daily: Total number of times videos have been viewed for more than 3 seconds. "
        "(Total Count)",
        lambda d: d.video_views,
    ),
)
_WINDOWED: tuple[tuple[str, str, Callable[[PageDay], int]], ...] = (
    ("Page Engaged Users", "engaged with your Page", lambda d: d.engaged_users),
    ("Total Reach", "had any content from your Page enter their screen", lambda d: d.reach),
)
_BREAKDOWNS: tuple[tuple[str, str, dict[str, float]], ...] = (
    (
        "Lifetime Likes by Gender and Age",
        "Lifetime: Aggregated demographic information about the people who like your Page "
        "based on the age and gender information they provide in their user profiles. "
        "(Unique Users)",
        _FB_GENDER_AGE,
    ),
    (
        "Lifetime Likes by Country",
        "Lifetime: Aggregated Facebook location data, sorted by country, about the people who "
        "like your Page. (Unique Users)",
        _FB_COUNTRIES,
    ),
    (
        "Lifetime Likes by City",
        "Lifetime: Aggregated Facebook location data, sorted by city, about the people who like "
        "your Page. (Unique Users)",
        _FB_CITIES,
    ),
)


def page_level_csv(rng: random.Random, days: Sequence[PageDay]) -> bytes:
    """Build the page-level export: header, description row, one row per day, oldest first.

    Weekly and 28-day windows sum the daily values (the export's windows of unique users are
    approximations here, never read as days). Breakdowns split the day's total likes by their
    shares, drifting slightly from day to day; cities cover only the largest, as Facebook lists
    the top cities.
    """
    header = ["Date"]
    described = [""]
    for name, description, _read in _PAGE_COLUMNS:
        header.append(name)
        described.append(description)
    for name, what, _read in _WINDOWED:
        for window in ("Weekly", "28 Days"):
            header.append(f"{window} {name}")
            described.append(f"{window}: The number of people who {what}. (Unique Users)")
    for name, description, buckets in _BREAKDOWNS:
        for bucket in buckets:
            header.append(f"{name} - {bucket}")
            described.append(description)
    rows: list[Sequence[str]] = [header, described]
    drift = {bucket: 1.0 for _name, _description, buckets in _BREAKDOWNS for bucket in buckets}
    for index, day in enumerate(days):
        row = [f"{day.day.month}/{day.day.day}/{day.day.year}"]
        row += [str(column[2](day)) for column in _PAGE_COLUMNS]
        for windowed in _WINDOWED:
            for days_back in (7, 28):
                span = days[max(index - days_back + 1, 0) : index + 1]
                row.append(str(math.floor(0.8 * sum(windowed[2](d) for d in span))))
        for bucket in drift:
            drift[bucket] *= noise(rng, 0.004)
        for breakdown in _BREAKDOWNS:
            buckets = breakdown[2]
            weights = [share * drift[bucket] for bucket, share in buckets.items()]
            cities = buckets is _FB_CITIES
            covered = whole(day.likes_total * 0.59) if cities else day.likes_total
            row += [str(value) for value in split_whole(covered, weights)]
        rows.append(row)
    return csv_bytes(rows)


def files(family: Callable[[str], random.Random]) -> dict[str, bytes]:
    """The Facebook content export and the page-level export, by path in the workspace."""
    rng = family("facebook")
    posts = facebook_posts(rng)
    name = f"{meta_range(START, END)}_{digits(family('facebook-names'), 16)}.csv"
    end = END + timedelta(days=1)  # Page Insights names its range with an exclusive end
    page = f"Facebook_Insights_Data_Export_-_{BRAND.replace(' ', '_')}_-_{START}_-_{end}.csv"
    return {
        f"inbox/facebook/content/{name}": facebook_content_csv(posts, END),
        f"inbox/facebook/insights/{page}": page_level_csv(rng, page_days(rng, posts)),
    }
