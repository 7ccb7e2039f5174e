"""Seeded agency workload: N accounts per platform over a range of days, as the platforms export.

An agency runs Kunci for many accounts over months or years; this writes what it downloads, in
the real export layouts, through the demo's own writers (`demo`), so the benchmark reads the
bytes Kunci meets in practice (quoting, CRLF, UTF-8 text with emoji, 19-digit ids, Indonesian
number grouping):

- X account analytics content exports (`x_content_csv`): one per account and month, as of the
  month's end (its name's end date), posts newest first;
- Meta Business Suite Instagram content exports (`instagram_content_csv`): one per account and
  month, as of the month's end, English for even accounts and Indonesian for odd ones;
- Instagram insight charts (`instagram_insight_csv`): followers, reach, profile visits and follows,
  one file per account, metric and calendar quarter (for a nightly day: the week ending on it).

The demo writers name the demo's own account in every row (X links, Instagram's account columns);
each file gets its account's identity instead, and the number of replacements is checked against
the rows written, so a change of the writers cannot silently fold every account into one.

Every post and account-day is drawn from a generator seeded by the workload seed, the platform,
the account and the day: the same workload gives the same bytes, and a day's files are the same
whatever range is written (the nightly benchmark's new day equals that day of a longer workload).
Run `python -m bench.workload TARGET [--scale S]` to write one.
"""

import argparse
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from demo.common import (
    BRAND,
    DESTINATIONS,
    EMOJI,
    SHORTCODE_ALPHABET,
    Language,
    digits,
    local_at,
    meta_range,
    month_end,
    noise,
    whole,
    x_snowflake,
)
from demo.instagram import (
    IG_ACCOUNT_ID,
    IG_HANDLE,
    IgPost,
    instagram_content_csv,
    instagram_insight_csv,
)
from demo.x import X_HANDLE, XPost, x_content_csv
from transforms.context import Account

SEED = 20261126
FIRST = date(2025, 10, 1)
LAST = date(2026, 9, 30)
ACCOUNTS_AT_SCALE_1 = 10
CHARTS = ("Instagram followers", "Instagram reach", "Instagram profile visits", "Instagram follows")
_X_TEXTS = (
    "{place} pagi ini {e} #Klien{n}",
    'Promo "{place}" minggu ini, cek {link}',
    "Lima hal tentang {place}:\n\n1. pantai, 2. kuliner, 3. budaya {e}",
    "Siapa yang sudah ke {place}? Balas dengan fotomu {e}{e}",
    "Jadwal acara di {place} sudah keluar: {link} #Klien{n}",
)
_IG_TEXTS = (
    "Senja di {place} {e}\n\n#Klien{n} #WisataIndonesia",
    "Geser untuk 5 spot foto di {place}, simpan untuk liburan berikutnya {e}",
    'Tips ke {place}: datang pagi, bawa "botol minum" sendiri, dukung UMKM lokal {e}',
    "{place}, surga kecil yang wajib masuk daftar liburanmu {e}{e}",
)
_IG_TYPES = ("IG reel", "IG carousel", "IG image")


@dataclass(frozen=True)
class Workload:
    """What to generate: accounts per platform (X and Instagram), the days, the posting rate."""

    accounts: int = ACCOUNTS_AT_SCALE_1
    first: date = FIRST
    last: date = LAST
    seed: int = SEED
    x_posts_per_day: int = 3  # each account-day draws one less, as many, or one more
    ig_posts_per_day: int = 2

    @classmethod
    def at_scale(cls, scale: float, first: date = FIRST, last: date = LAST) -> "Workload":
        """Scale 1 is 10 accounts per platform over a year (about 4 MB); size grows with it."""
        return cls(accounts=max(1, round(ACCOUNTS_AT_SCALE_1 * scale)), first=first, last=last)


@dataclass(frozen=True)
class WrittenFile:
    """One generated export: where it is (relative to the workspace), its layout and data rows."""

    path: str
    layout: str  # x_content, instagram_content, instagram_chart
    rows: int
    size: int


def x_account(index: int) -> Account:
    """The X account of client `index` (X exports name an account by its handle only)."""
    handle = f"client_x_{index:05d}"
    return Account("x", handle, handle=handle, account_name=f"Client {index:05d}")


def ig_account(index: int) -> Account:
    """The Instagram account of client `index` (17-digit ids, like Instagram user ids)."""
    return Account(
        "instagram",
        f"178415{index:011d}",
        handle=f"client.ig.{index:05d}",
        account_name=f"Client {index:05d}",
    )


def kunci_toml(workload: Workload, exporting: int | None = None) -> str:
    """The workspace configuration: every account; export sources for the first `exporting`.

    Only the accounts whose exports arrive (default: all) get sources, since a configured folder
    that does not exist is a failed input.
    """
    lines = [
        "[workspace]",
        f'name = "Benchmark agency ({workload.accounts} accounts per platform)"',
        'timezone = "Asia/Jakarta"',
        f'as_of = "{workload.last.isoformat()}"',
        "",
    ]
    for index in range(workload.accounts):
        for account in (x_account(index), ig_account(index)):
            lines += [
                "[[accounts]]",
                f'platform = "{account.platform}"',
                f'account_id = "{account.account_id}"',
                f'handle = "{account.handle}"',
                f'name = "{account.account_name}"',
                "",
            ]
    exporters = workload.accounts if exporting is None else exporting
    if exporters:
        lines += ["[[sources]]", 'kind = "exports"', 'path = "inbox/instagram/content"', ""]
    for index in range(exporters):
        x, ig = x_account(index), ig_account(index)
        for folder, account in ((_x_folder(x), x), (_chart_folder(ig), ig)):
            lines += [
                "[[sources]]",
                'kind = "exports"',
                f'path = "{folder}"',
                f'account = "{account.platform}:{account.account_id}"',
                "",
            ]
    return "\n".join(lines)


def _x_folder(account: Account) -> str:
    return f"inbox/x/{account.account_id}"


def _chart_folder(account: Account) -> str:
    return f"inbox/instagram/insights/{account.account_id}"


def _rng(workload: Workload, *parts: object) -> random.Random:
    return random.Random(":".join(str(p) for p in (workload.seed, *parts)))


# --- draws ---------------------------------------------------------------------------------------


def x_posts_of_day(workload: Workload, index: int, day: date) -> list[XPost]:
    """The posts of X client `index` published on `day` (ids unique across accounts)."""
    rng = _rng(workload, "x", index, day)
    count = workload.x_posts_per_day + rng.choice((-1, 0, 1))
    posts = []
    for number, hour in enumerate(sorted(rng.sample(range(6, 23), max(count, 0)))):
        published = local_at(day, hour, rng.randrange(60))
        # A snowflake's low 22 bits are the machine and sequence: here the account and the post,
        # so two accounts posting in the same millisecond never share an id.
        stamp = int(x_snowflake(rng, published)) >> 22
        post_id = str(stamp << 22 | (index * 8 + number) % (1 << 22))
        posts.append(_x_post(rng, post_id, published, index))
    return posts


def _x_post(rng: random.Random, post_id: str, published: datetime, index: int) -> XPost:
    link = "https://t.co/" + "".join(rng.choice(SHORTCODE_ALPHABET[:62]) for _ in range(10))
    text = rng.choice(_X_TEXTS).format(
        place=rng.choice(DESTINATIONS), e=rng.choice(EMOJI), n=index, link=link
    )
    impressions = 900 * noise(rng, 0.6)
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
        url_clicks=whole(impressions * rng.uniform(0.004, 0.015)) if "t.co" in text else 0,
        hashtag_clicks=whole(impressions * rng.uniform(0.0, 0.002) * text.count("#")),
        permalink_clicks=whole(impressions * rng.uniform(0.0, 0.002)),
    )


def ig_posts_of_day(workload: Workload, index: int, day: date) -> list[IgPost]:
    """The posts of Instagram client `index` published on `day` (ids unique across accounts)."""
    rng = _rng(workload, "instagram", index, day)
    count = workload.ig_posts_per_day + rng.choice((-1, 0, 1))
    posts = []
    for number in range(max(count, 0)):
        published = local_at(day, rng.choice((7, 8, 11, 12, 16, 18, 19, 20)), rng.randrange(60))
        post_id = f"18{index:05d}{day.toordinal():06d}{number:02d}{rng.randrange(100):02d}"
        posts.append(_ig_post(rng, post_id, published, index))
    return sorted(posts, key=lambda p: p.published)


def _ig_post(rng: random.Random, post_id: str, published: datetime, index: int) -> IgPost:
    post_type = rng.choice(_IG_TYPES)
    caption = rng.choice(_IG_TEXTS).format(
        place=rng.choice(DESTINATIONS), e=rng.choice(EMOJI), n=index
    )
    kind = "reel" if post_type == "IG reel" else "p"
    shortcode = "D" + "".join(rng.choice(SHORTCODE_ALPHABET) for _ in range(10))
    reach = 4000 * noise(rng, 0.5)
    likes = reach * rng.uniform(0.04, 0.09)
    return IgPost(
        post_id=post_id,
        published=published,
        post_type=post_type,
        duration=rng.randint(12, 90) if post_type == "IG reel" else 0,
        caption=caption,
        permalink=f"https://www.instagram.com/{kind}/{shortcode}/",
        views=whole(reach * rng.uniform(1.2, 3.0)),
        reach=whole(reach),
        likes=whole(likes),
        shares=whole(reach * rng.uniform(0.004, 0.02)),
        follows=whole(reach * rng.uniform(0.0005, 0.002)),
        comments=whole(likes * rng.uniform(0.02, 0.08)),
        saves=whole(reach * rng.uniform(0.004, 0.02)),
    )


def ig_daily(workload: Workload, index: int, day: date) -> dict[str, int]:
    """Instagram client `index` on `day`: what the four insight charts plot."""
    rng = _rng(workload, "instagram-daily", index, day)
    age = (day - date(2020, 1, 1)).days  # followers grow steadily, whatever range is written
    reach = whole(3500 * noise(rng, 0.3))
    return {
        "Instagram followers": 10_000 + 37 * index + 9 * age + rng.randrange(5),
        "Instagram reach": reach,
        "Instagram profile visits": whole(reach * rng.uniform(0.02, 0.05)),
        "Instagram follows": whole(20 * noise(rng, 0.3)),
    }


# --- files ---------------------------------------------------------------------------------------


def _months(first: date, last: date) -> Iterator[tuple[date, date]]:
    start = first
    while start <= last:
        end = min(month_end(start), last)
        yield start, end
        start = end + timedelta(1)


def _quarters(first: date, last: date) -> Iterator[tuple[date, date]]:
    start = first
    while start <= last:
        end = min(month_end(date(start.year, (start.month - 1) // 3 * 3 + 3, 1)), last)
        yield start, end
        start = end + timedelta(1)


def _swap(data: bytes, old: str, new: str, expected: int, what: str) -> bytes:
    """Put the account's identity where the demo writer wrote the demo account's."""
    found = data.count(old.encode())
    if found != expected:
        raise RuntimeError(f"{what}: demo account found {found} times, expected {expected}")
    return data.replace(old.encode(), new.encode())


def x_content_file(account: Account, posts: list[XPost], first: date, last: date) -> bytes:
    """The X content export of `posts` published `first`..`last`, as of `last`."""
    data = x_content_csv(posts, first, last)
    rows = sum(first <= p.published.date() <= last for p in posts)
    return _swap(
        data,
        f"https://x.com/{X_HANDLE}/status/",
        f"https://x.com/{account.handle}/status/",
        rows,
        "x content",
    )


def ig_content_file(
    account: Account, posts: list[IgPost], first: date, last: date, language: Language
) -> bytes:
    """The Instagram content export of `posts` published `first`..`last`, as of `last`."""
    data = instagram_content_csv(posts, first, last, last, language)
    rows = sum(first <= p.published.date() <= last for p in posts)
    demo = f",{IG_ACCOUNT_ID},{IG_HANDLE},{BRAND},"
    own = f",{account.account_id},{account.handle},{account.account_name},"
    return _swap(data, demo, own, rows, "instagram content")


def _language(index: int) -> Language:
    return "en" if index % 2 == 0 else "id"


def account_files(
    workload: Workload, index: int, first: date, last: date, period: str
) -> Iterator[tuple[WrittenFile, bytes]]:
    """The files of client `index` for `first`..`last`: one per `period` (month or day)."""
    x, ig = x_account(index), ig_account(index)
    names = _rng(workload, "instagram-names", index, first)
    days = [first + timedelta(d) for d in range((last - first).days + 1)]
    x_posts = [p for day in days for p in x_posts_of_day(workload, index, day)]
    ig_posts = [p for day in days for p in ig_posts_of_day(workload, index, day)]
    spans = list(_months(first, last)) if period == "month" else [(d, d) for d in days]
    for start, end in spans:
        rows = sum(start <= p.published.date() <= end for p in x_posts)
        name = f"account_analytics_content_{start.isoformat()}_{end.isoformat()}.csv"
        yield _entry(
            f"{_x_folder(x)}/{name}", "x_content", rows, x_content_file(x, x_posts, start, end)
        )
        rows = sum(start <= p.published.date() <= end for p in ig_posts)
        name = f"{meta_range(start, end)}_{digits(names, 16)}.csv"
        data = ig_content_file(ig, ig_posts, start, end, _language(index))
        yield _entry(
            f"inbox/instagram/content/{ig.account_id}/{name}", "instagram_content", rows, data
        )
    # Charts cover calendar quarters, or for a day the week ending on it (Meta's "last 7 days"):
    # a one-day chart names no account, so two accounts' charts could be the same bytes.
    week = timedelta(6)
    chart_spans = (
        list(_quarters(first, last)) if period == "month" else [(d - week, d) for d in days]
    )
    for start, end in chart_spans:
        span = [start + timedelta(d) for d in range((end - start).days + 1)]
        daily = {d: ig_daily(workload, index, d) for d in span}
        for title in CHARTS:
            data = instagram_insight_csv(title, [(d, daily[d][title]) for d in span])
            name = f"{title.replace(' ', '_')}_{meta_range(start, end)}.csv"
            yield _entry(f"{_chart_folder(ig)}/{name}", "instagram_chart", len(span), data)


def _entry(path: str, layout: str, rows: int, data: bytes) -> tuple[WrittenFile, bytes]:
    return WrittenFile(path, layout, rows, len(data)), data


def write_workspace(
    root: Path,
    workload: Workload,
    first: date | None = None,
    last: date | None = None,
    period: str = "month",
    exporting: int | None = None,
) -> list[WrittenFile]:
    """Write `kunci.toml` and the exports of `first`..`last` (default: the workload's range).

    `period` is `month` (monthly content exports, quarterly charts: a history) or `day` (one file
    of each kind per account and day: what a nightly run finds). Only the first `exporting`
    accounts (default: all) get files. Returns what was written.
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / "kunci.toml").write_text(kunci_toml(workload, exporting), encoding="utf-8")
    written = []
    for index in range(workload.accounts if exporting is None else exporting):
        for entry, data in account_files(
            workload, index, first or workload.first, last or workload.last, period
        ):
            path = root / entry.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(entry)
    return written


def main() -> None:
    """Command line: write a workload to a folder and print its size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    written = write_workspace(args.target, Workload.at_scale(args.scale))
    size = sum(f.size for f in written)
    rows = sum(f.rows for f in written)
    print(f"{len(written)} files, {rows} rows, {size / 1e6:.1f} MB in {args.target}")


if __name__ == "__main__":
    main()
