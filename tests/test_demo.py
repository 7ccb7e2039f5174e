"""The bundled demo workspace: reproducible from its seed, readable by every parser, realistic."""

import csv
import io
import re
import tomllib
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from flows.demo import END, INDEPENDENCE_DAY, START, demo_files, write_demo_workspace
from transforms.context import Account, IngestContext, Normalized
from transforms.read import normalize_export

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"
AS_OF = date(2026, 10, 8)
NINETY_DAYS = [START + timedelta(days=n) for n in range(90)]


def _config() -> dict[str, list[dict[str, str | bool]]]:
    with (DEMO / "kunci.toml").open("rb") as handle:
        return tomllib.load(handle)


def _accounts() -> tuple[Account, ...]:
    return tuple(
        Account(
            platform=str(a["platform"]),
            account_id=str(a["account_id"]),
            handle=str(a["handle"]) if "handle" in a else None,
            account_name=str(a["name"]),
            currency=str(a["currency"]) if "currency" in a else None,
            is_own=bool(a.get("is_own", True)),
            brand=str(a["brand"]) if "brand" in a else None,
        )
        for a in _config()["accounts"]
    )


def _context(relative: str) -> IngestContext:
    """Build the context `kunci.toml` gives a file: the account of the source folder holding it."""
    accounts = _accounts()
    hint = None
    for source in _config()["sources"]:
        if relative.startswith(f"{source['path']}/") and "account" in source:
            platform, account_id = str(source["account"]).split(":", 1)
            hint = next(
                a for a in accounts if a.platform == platform and a.account_id == account_id
            )
    return IngestContext(
        source_name=Path(relative).name, as_of=AS_OF, account=hint, accounts=accounts
    )


def _inbox() -> list[str]:
    return sorted(
        p.relative_to(DEMO).as_posix() for p in (DEMO / "inbox").rglob("*") if p.is_file()
    )


def _data_rows(data: bytes) -> int:
    """Count records under the header, independently of the parsers' own header detection."""
    records = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    header = next(
        i for i, r in enumerate(records) if len(r) >= 2 and not r[0].startswith(("#", "sep="))
    )
    return sum(1 for r in records[header + 1 :] if any(cell.strip() for cell in r))


def _normalize(relative: str) -> Normalized:
    return normalize_export((DEMO / relative).read_bytes(), _context(relative))


def _only(pattern: str) -> str:
    matches = [name for name in _inbox() if re.search(pattern, name)]
    assert len(matches) == 1, (pattern, matches)
    return matches[0]


def test_regeneration_is_byte_identical(tmp_path: Path) -> None:
    written = write_demo_workspace(tmp_path)
    generated = sorted(p.relative_to(tmp_path).as_posix() for p in written)
    assert [name for name in generated if name.startswith("inbox/")] == _inbox()
    for name in generated:
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name


def test_generation_depends_only_on_the_seed() -> None:
    assert demo_files(7) == demo_files(7)
    assert demo_files(7) != demo_files(8)


def test_expected_files_and_size() -> None:
    assert len(_inbox()) == 15
    assert sum((DEMO / name).stat().st_size for name in _inbox()) < 1_500_000


@pytest.mark.parametrize("relative", _inbox())
def test_every_file_normalizes_without_quarantine(relative: str) -> None:
    result = _normalize(relative)
    assert result.rows_quarantined == 0, result.quarantine.to_dicts()[:3]
    assert result.rows_skipped == 0
    assert result.rows_read == _data_rows((DEMO / relative).read_bytes())
    assert result.rows_loaded == result.rows_read


def test_expected_formats() -> None:
    formats = {name: _normalize(name).format for name in _inbox()}
    assert sorted(formats.values()).count("meta_business_suite_content") == 4
    assert sorted(formats.values()).count("meta_business_suite_insight") == 4
    assert sorted(formats.values()).count("x_account_content") == 3
    assert sorted(formats.values()).count("x_account_overview") == 1
    assert sorted(formats.values()).count("ga4_traffic") == 2
    assert sorted(formats.values()).count("listening_mentions") == 1


def test_daily_files_cover_the_ninety_days() -> None:
    for name in [n for n in _inbox() if "/insights/" in n] + [_only("overview")]:
        days = _normalize(name).tables["account_daily"].get_column("date").to_list()
        assert sorted(days) == NINETY_DAYS, name
    web = _normalize(_only("daily")).tables["web_traffic_daily"]
    assert sorted(web.get_column("date").unique().to_list()) == NINETY_DAYS
    mentions = _normalize(_only("mentions")).tables["mention"]
    assert sorted(mentions.get_column("date").unique().to_list()) == NINETY_DAYS


def test_indonesian_meta_exports_group_thousands() -> None:
    for pattern in (r"^inbox/instagram/content/Jul-", r"^inbox/instagram/content/Aug-"):
        name = _only(pattern)
        text = (DEMO / name).read_text(encoding="utf-8")
        assert text.startswith("ID Postingan,ID Akun,")
        assert "Seumur hidup" in text
        assert re.search(r",\d{1,3}\.\d{3},", text), name
        views = _normalize(name).tables["post_metrics"].get_column("views")
        assert views.max() is not None and int(views.max()) >= 1000  # read as thousands
    september = (DEMO / _only(r"Sep-01-2026_Sep-30")).read_text(encoding="utf-8")
    assert september.startswith("Post ID,Account ID,") and ",Lifetime," in september


def test_instagram_posts_are_local_and_consistent() -> None:
    posts = [_normalize(n) for n in _inbox() if "/content/" in n and "instagram" in n]
    metrics = pl.concat([p.tables["post_metrics"] for p in posts])
    assert (metrics["reach"] <= metrics["views"]).all()
    assert (metrics["reactions"] <= metrics["reach"]).all()
    every = pl.concat([p.tables["post"] for p in posts]).unique("post_id")
    assert every.height == 97  # July + August + September, each post once
    late = every.filter(pl.col("published_at").dt.convert_time_zone("Asia/Jakarta").dt.hour() == 23)
    assert late.height >= 1
    assert late.get_column("published_date").to_list() == [INDEPENDENCE_DAY - timedelta(days=1)]
    assert set(every.get_column("content_type").to_list()) == {"photo", "carousel", "reel"}


def test_september_re_export_is_a_later_higher_snapshot() -> None:
    early = _normalize(_only(r"Sep-01-2026_Sep-30")).tables["post_metrics"]
    later = _normalize(_only(r"Sep-01-2026_Oct-07")).tables["post_metrics"]
    assert early.get_column("as_of_date").unique().to_list() == [END]
    assert later.get_column("as_of_date").unique().to_list() == [date(2026, 10, 7)]
    both = early.join(later, on="post_id", suffix="_later")
    assert both.height == early.height == later.height
    for column in ("views", "reach", "reactions", "comments", "shares", "saves"):
        assert (both[column] <= both[f"{column}_later"]).all(), column
    assert (both["views"] < both["views_later"]).all()


def test_followers_grow_with_follows() -> None:
    def series(title: str, column: str) -> pl.DataFrame:
        table = _normalize(_only(f"Instagram_{title}_")).tables["account_daily"]
        return table.select("date", column).sort("date")

    followers = series("followers", "followers_total").get_column("followers_total")
    follows = series("follows", "followers_gained").get_column("followers_gained")
    assert 24_500 < followers[0] < 25_500 and 26_500 < followers[-1] < 27_500
    assert (followers.diff().drop_nulls() <= follows[1:]).all()


def test_x_engagements_and_overview_are_consistent() -> None:
    contents = [_normalize(n) for n in _inbox() if n.startswith("inbox/x/content/")]
    posts = pl.concat(
        [
            c.tables["post"].join(c.tables["post_metrics"], on=["platform", "post_id"])
            for c in contents
        ]
    )
    assert posts.height == posts.get_column("post_id").n_unique()
    raw = pl.concat(
        [
            pl.read_csv(DEMO / n, infer_schema=False)
            for n in _inbox()
            if n.startswith("inbox/x/content/")
        ]
    )
    parts = [
        "Likes",
        "New follows",
        "Replies",
        "Reposts",
        "Profile visits",
        "Detail expands",
        "Url clicks",
        "Hashtag clicks",
        "Permalink clicks",
    ]
    numbers = raw.select(pl.all().exclude("Post id", "Date", "Post text", "Link").cast(pl.Int64))
    assert (numbers["Engagements"] == numbers.select(pl.sum_horizontal(parts)).to_series()).all()
    per_day = posts.group_by("published_date").agg(
        pl.len().alias("posts"), pl.col("impressions").sum().alias("post_impressions")
    )
    overview = _normalize(_only("overview")).tables["account_daily"]
    joined = overview.join(per_day, left_on="date", right_on="published_date", how="left")
    assert joined.height == 90
    assert (joined["posts_published"] == joined["posts"].fill_null(0)).all()
    assert (joined["impressions"] >= joined["post_impressions"].fill_null(0)).all()
    assert joined["posts"].min() is not None and int(joined["posts"].min()) >= 1


def test_web_traffic_is_consistent() -> None:
    daily = _normalize(_only("daily")).tables["web_traffic_daily"]
    assert (daily["engaged_sessions"] <= daily["sessions"]).all()
    assert (daily["revenue"] == 0).all()
    period = _normalize(_only("Session_source_medium")).tables["web_traffic_period"]
    assert period.get_column("date_start").unique().to_list() == [date(2026, 9, 1)]
    september = (
        daily.filter(pl.col("date") >= date(2026, 9, 1))
        .group_by("source", "medium")
        .agg(pl.col("sessions").sum())
    )
    joined = period.join(september, on=["source", "medium"], how="full", suffix="_daily")
    assert (joined["sessions"] == joined["sessions_daily"]).all()
    assert joined.height == period.height
    campaign = daily.filter(pl.col("campaign") == "kemerdekaan_2026")
    assert campaign.get_column("date").min() == date(2026, 8, 10)
    by_day = daily.group_by("date").agg(pl.col("sessions").sum()).sort("date")
    weekday = by_day.filter(pl.col("date").dt.weekday() <= 5)["sessions"].mean()
    weekend = by_day.filter(pl.col("date").dt.weekday() > 5)["sessions"].mean()
    assert weekday is not None and weekend is not None and weekday != weekend


def test_mentions_share_of_voice_and_campaign_spike() -> None:
    mentions = _normalize(_only("mentions")).tables["mention"]
    own = mentions.get_column("is_own_brand").mean()
    assert own is not None and 0.5 < float(own) < 0.7
    assert set(mentions.get_column("brand").unique().to_list()) == {
        "Wisata Nusantara",
        "Pesona Negeri",
    }
    per_day = mentions.group_by("date").len()
    assert per_day["len"].min() is not None and int(per_day["len"].min()) >= 5
    peak = per_day.filter(pl.col("date") == INDEPENDENCE_DAY)["len"][0]
    median = per_day["len"].median()
    assert median is not None and peak > 1.5 * median
