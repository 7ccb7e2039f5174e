"""The bundled demo workspace: reproducible from its seed, readable by every parser, realistic."""

import csv
import functools
import io
import itertools
import re
import zipfile
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from demo import END, INDEPENDENCE_DAY, START, demo_files, write_demo_workspace
from demo.common import xlsx_bytes
from flows.config.settings import Settings, load_settings
from flows.load.inputs import inbox
from transforms.context import Account, IngestContext, Normalized
from transforms.normalize import normalize_export

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"
NINETY_DAYS = [START + timedelta(days=n) for n in range(90)]
CAMPAIGN_DAYS = [date(2026, 8, 10) + timedelta(days=n) for n in range(15)]


@functools.cache
def _settings() -> Settings:
    """The demo's `kunci.toml`, read by the loader `kunci run nightly` uses."""
    return load_settings(str(DEMO / "kunci.toml"))


@functools.cache
def _source_accounts() -> dict[str, Account | None]:
    """Each file of the configured sources, by workspace path: the account its source binds."""
    return {item.path.relative_to(DEMO).as_posix(): item.account for item in inbox(_settings())}


def _context(relative: str) -> IngestContext:
    """Build the context the nightly run gives a file: its source's account, the demo's today."""
    settings = _settings()
    assert settings.as_of == date(2026, 10, 8)  # the demo fixes its "today"
    return IngestContext(
        source_name=Path(relative).name,
        as_of=settings.as_of,
        default_timezone=settings.timezone,
        account=_source_accounts()[relative],
        accounts=settings.accounts,
    )


def _inbox() -> list[str]:
    return sorted(
        p.relative_to(DEMO).as_posix() for p in (DEMO / "inbox").rglob("*") if p.is_file()
    )


def _sheets(relative: str) -> list[tuple[str, list[list[str]]]]:
    """The file's tables as text records, read independently of the parsers' reader."""
    data = (DEMO / relative).read_bytes()
    if relative.endswith(".xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        return [
            (
                sheet.title,
                [
                    ["" if c is None else str(c) for c in row]
                    for row in sheet.iter_rows(values_only=True)
                ],
            )
            for sheet in book.worksheets
        ]
    text = data.decode("utf-16") if data.startswith(b"\xff\xfe") else data.decode("utf-8-sig")
    return [("", list(csv.reader(io.StringIO(text, newline=""))))]


def _table(records: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """Header and non-blank data records: the header is the first record of two or more cells."""
    header = next(
        i
        for i, r in enumerate(records)
        if sum(1 for c in r if c.strip()) >= 2 and not r[0].startswith(("#", "sep="))
    )
    rows = [r for r in records[header + 1 :] if any(cell.strip() for cell in r)]
    return records[header], rows


def _rows(relative: str, sheet: str = "") -> list[dict[str, str]]:
    """Data records of a file (or one sheet) as dicts by header."""
    for name, records in _sheets(relative):
        if name == sheet:
            header, rows = _table(records)
            return [dict(zip(header, row, strict=False)) for row in rows]
    raise KeyError(sheet)


def _normalize(relative: str) -> Normalized:
    return normalize_export((DEMO / relative).read_bytes(), _context(relative))


def _only(pattern: str) -> str:
    matches = [name for name in _inbox() if re.search(pattern, name)]
    assert len(matches) == 1, (pattern, matches)
    return matches[0]


def _expected_skips(relative: str) -> int:
    """Rows the parsers must skip, counted from the file: report totals and empty chart days.

    Google Ads writes `Total: …` rows under its reports, YouTube Studio a `Total` row over its
    tables and Chart data rows for the days before a video existed; the Facebook page-level
    export has a description row under its header (read, and skipped as one).
    """
    skipped = 0
    for _sheet, records in _sheets(relative):
        _header, rows = _table(records)
        skipped += 1 if "Facebook_Insights" in relative else 0
        skipped += sum(1 for r in rows if r[0].startswith("Total"))
        if relative.endswith("Chart_data.csv"):
            skipped += sum(
                1
                for r in rows
                if date.fromisoformat(r[0]) < datetime.strptime(r[3], "%b %d, %Y").date()
            )
    return skipped


def _data_rows(relative: str) -> int:
    """Rows under the header, the description row of Facebook Insights included (it is read)."""
    return sum(len(_table(records)[1]) for _sheet, records in _sheets(relative))


# --- the files -----------------------------------------------------------------------------


def test_regeneration_is_byte_identical(tmp_path: Path) -> None:
    written = write_demo_workspace(tmp_path)
    generated = sorted(p.relative_to(tmp_path).as_posix() for p in written)
    assert [name for name in generated if name.startswith("inbox/")] == _inbox()
    for name in generated:
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name


def test_generation_depends_only_on_the_seed() -> None:
    seven = demo_files(7)
    assert demo_files(7) == seven
    assert demo_files(8) != seven


def test_workbooks_carry_fixed_timestamps() -> None:
    stamp = (2026, 10, 8, 9, 0, 0)
    for name in [n for n in _inbox() if n.endswith(".xlsx")] + [None]:
        data = xlsx_bytes([("Sheet", [["a", 1]])]) if name is None else (DEMO / name).read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert {entry.date_time for entry in archive.infolist()} == {stamp}, name
            core = archive.read("docProps/core.xml").decode()
        assert core.count("2026-10-08T09:00:00Z") == 2, core


def test_expected_files_and_size() -> None:
    folders = Counter(name.split("/")[1] for name in _inbox())
    assert folders == {
        "ads": 5,
        "facebook": 2,
        "instagram": 8,
        "linkedin": 3,
        "mentions": 1,
        "tiktok": 7,
        "web": 2,
        "x": 4,
        "youtube": 7,
    }
    assert sum((DEMO / name).stat().st_size for name in _inbox()) < 1_500_000


def test_every_source_folder_and_hint_is_configured() -> None:
    settings = _settings()
    assert sorted(_source_accounts()) == _inbox()  # every file lies in a configured source
    # Settings.account() makes up an account for a reference kunci.toml does not configure
    assert {s.account for s in settings.sources if s.account} <= set(settings.accounts)
    brands = {a.platform: a.brand for a in settings.accounts if a.platform in ("meta", "google")}
    assert brands == {"meta": None, "google": None}  # ad accounts are not social accounts


@pytest.mark.parametrize("relative", _inbox())
def test_every_file_normalizes_without_quarantine(relative: str) -> None:
    result = _normalize(relative)
    assert result.rows_quarantined == 0, result.quarantine.to_dicts()[:3]
    assert result.rows_read == _data_rows(relative)
    assert result.rows_skipped == _expected_skips(relative)
    assert result.rows_loaded == result.rows_read - result.rows_skipped


def test_expected_formats() -> None:
    formats = Counter(_normalize(name).format for name in _inbox())
    assert formats == {
        "meta_business_suite_content": 4,
        "meta_business_suite_insight": 4,
        "meta_business_suite_facebook_content": 1,
        "facebook_insights_page": 1,
        "x_account_content": 3,
        "x_account_overview": 1,
        "tiktok_overview": 1,
        "tiktok_content": 1,
        "tiktok_follower_history": 1,
        "tiktok_follower_activity": 1,
        "tiktok_follower_gender": 1,
        "tiktok_follower_territories": 1,
        "tiktok_overview+tiktok_content+tiktok_follower_history+tiktok_follower_activity+"
        "tiktok_follower_gender+tiktok_follower_territories": 1,
        "youtube_studio_table_content": 1,
        "youtube_studio_chart": 1,
        "youtube_studio_daily": 2,
        "youtube_studio_audience_age": 1,
        "youtube_studio_audience_gender": 1,
        "youtube_studio_audience_country": 1,
        "linkedin_visitors+linkedin_visitors_demographics": 1,
        "linkedin_update_metrics+linkedin_updates": 1,
        "linkedin_new_followers+linkedin_followers_demographics": 1,
        "meta_ads_manager": 2,
        "google_ads_report": 2,
        "tiktok_ads_report": 1,
        "ga4_traffic": 2,
        "listening_mentions": 1,
    }


def test_daily_files_cover_the_ninety_days() -> None:
    daily = [n for n in _inbox() if "/insights/" in n and "instagram" in n]
    daily += [_only("overview_analytics"), _only("Facebook_Insights"), _only("Totals")]
    daily += [_only(r"youtube/Date_")] + [n for n in _inbox() if "linkedin" in n]
    for name in daily:
        days = _normalize(name).tables["account_daily"].get_column("date").to_list()
        assert sorted(days) == NINETY_DAYS, name
    web = _normalize(_only("acquisition_daily")).tables["web_traffic_daily"]
    assert sorted(web.get_column("date").unique().to_list()) == NINETY_DAYS
    mentions = _normalize(_only("mentions")).tables["mention"]
    assert sorted(mentions.get_column("date").unique().to_list()) == NINETY_DAYS
    tiktok = pl.concat(
        [
            _normalize(_only(f"tiktok/{n}")).tables["account_daily"]
            for n in ("Overview", "TikTok_Studio")
        ],
        how="diagonal_relaxed",
    )
    assert sorted(tiktok.get_column("date").to_list()) == NINETY_DAYS


# --- Instagram and X -------------------------------------------------------------------------


def test_indonesian_meta_exports_group_thousands() -> None:
    for pattern in (r"^inbox/instagram/content/Jul-", r"^inbox/instagram/content/Aug-"):
        name = _only(pattern)
        text = (DEMO / name).read_text(encoding="utf-8")
        assert text.startswith("ID Postingan,ID Akun,")
        assert "Seumur hidup" in text
        assert re.search(r",\d{1,3}\.\d{3},", text), name
        views = _normalize(name).tables["post_metrics"].get_column("views")
        assert views.max() is not None and int(views.max()) >= 1000  # read as thousands
    september = (DEMO / _only(r"instagram/content/Sep-01-2026_Sep-30")).read_text(encoding="utf-8")
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
    early = _normalize(_only(r"instagram/content/Sep-01-2026_Sep-30")).tables["post_metrics"]
    later = _normalize(_only(r"instagram/content/Sep-01-2026_Oct-07")).tables["post_metrics"]
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
    overview = _normalize(_only("overview_analytics")).tables["account_daily"]
    joined = overview.join(per_day, left_on="date", right_on="published_date", how="left")
    assert joined.height == 90
    assert (joined["posts_published"] == joined["posts"].fill_null(0)).all()
    assert (joined["impressions"] >= joined["post_impressions"].fill_null(0)).all()
    assert (joined["posts"].fill_null(0) >= 1).all()  # a post every day


# --- Facebook --------------------------------------------------------------------------------


def test_facebook_content_is_utf16_and_names_its_page() -> None:
    name = _only("facebook/content/")
    assert (DEMO / name).read_bytes().startswith(b"\xff\xfes\x00e\x00p\x00=\x00,\x00")
    result = _normalize(name)
    posts, metrics = result.tables["post"], result.tables["post_metrics"]
    assert set(posts.get_column("account_id").to_list()) == {"104738291650432"}
    assert posts.get_column("post_id").str.starts_with("104738291650432_122").all()
    assert set(posts.get_column("content_type").to_list()) == {"photo", "reel", "link", "video"}
    assert (metrics["reach"] <= metrics["views"]).all()
    assert (metrics["link_clicks"].fill_null(0) <= metrics["clicks"]).all()
    links = metrics.join(posts, on="post_id").filter(pl.col("content_type") != "link")
    assert links.get_column("link_clicks").null_count() == links.height  # not provided: NULL


def test_facebook_page_likes_add_up() -> None:
    raw = _rows(_only("Facebook_Insights"))[1:]  # under the description row
    for previous, row in itertools.pairwise(raw):
        change = int(row["Daily New Likes"]) - int(row["Daily Unlikes"])
        assert int(row["Lifetime Total Likes"]) - int(previous["Lifetime Total Likes"]) == change
    for row in raw:
        for breakdown in ("Gender and Age", "Country"):
            parts = [
                int(v) for k, v in row.items() if k.startswith(f"Lifetime Likes by {breakdown}")
            ]
            assert sum(parts) == int(row["Lifetime Total Likes"]), (row["Date"], breakdown)
    audience = _normalize(_only("Facebook_Insights")).tables["audience"]
    assert set(audience.get_column("dimension").unique().to_list()) == {
        "gender_age",
        "gender",
        "age",
        "country",
        "city",
    }


# --- TikTok ----------------------------------------------------------------------------------


def test_tiktok_csv_and_workbook_tell_one_story() -> None:
    history = pl.concat(
        [
            _normalize(_only(f"tiktok/{n}")).tables["account_daily"]
            for n in ("FollowerHistory", "TikTok_Studio")
        ],
        how="diagonal_relaxed",
    )
    followers = history.filter(pl.col("followers_total").is_not_null()).sort("date")
    assert followers.height == 90
    raw = _rows(_only("tiktok/FollowerHistory")) + _rows(
        _only("tiktok/TikTok_Studio"), "FollowerHistory"
    )
    differences = [int(r["Difference in followers from previous day"]) for r in raw]
    assert followers["followers_total"].diff().drop_nulls().to_list() == differences[1:]
    assert _rows(_only("tiktok/Overview"))[0]["Date"] == "3 Juli"  # Indonesian, no year
    content = _normalize(_only("tiktok/Content")).tables
    assert content["post"].get_column("published_at").null_count() == content["post"].height
    book = _normalize(_only("tiktok/TikTok_Studio")).tables
    assert book["post"].get_column("published_at").null_count() == 0  # workbook: date and time
    assert set(book["post_metrics"].get_column("as_of_date").to_list()) == {END}
    assert set(content["post_metrics"].get_column("as_of_date").to_list()) == {date(2026, 8, 31)}


def test_tiktok_videos_fit_the_daily_overview() -> None:
    overview = _normalize(_only("tiktok/Overview")).tables["account_daily"]
    content = _normalize(_only("tiktok/Content")).tables["post_metrics"]
    assert content["video_views"].sum() <= overview["video_views"].sum()
    assert content["reactions"].sum() <= overview["engagements"].sum()


def test_tiktok_follower_activity_peaks_in_the_evening() -> None:
    for name in (_only("tiktok/FollowerActivity"), _only("tiktok/TikTok_Studio")):
        activity = _normalize(name).tables["audience_activity"]
        assert activity.height == 7 * 24
        assert activity.get_column("as_of_date").n_unique() == 7
        by_hour = activity.group_by("hour").agg(pl.col("online_followers").sum()).sort("hour")
        peak = by_hour.sort("online_followers").get_column("hour")[-1]
        assert 19 <= peak <= 21, name


# --- YouTube ---------------------------------------------------------------------------------


def test_youtube_chart_days_add_up_to_the_table() -> None:
    table = {r["Content"].strip(): int(r["Views"]) for r in _rows(_only("Content.*Table_data"))}
    chart: Counter[str] = Counter()
    for row in _rows(_only("Chart_data")):
        chart[row["Content"].strip()] += int(row["Views"])
    assert len(chart) == 8
    assert all(chart[video] == table[video] for video in chart)
    assert table["Total"] == sum(v for k, v in table.items() if k != "Total")
    totals = {r["Date"]: int(r["Views"]) for r in _rows(_only("Totals"))}
    by_date = {
        r["Date"]: int(r["Views"]) for r in _rows(_only("youtube/Date_")) if r["Date"] != "Total"
    }
    assert totals == by_date
    assert sum(totals.values()) >= table["Total"]


def test_youtube_audience_shares_add_up() -> None:
    for pattern in ("Viewer_age", "Viewer_gender"):
        shares = _normalize(_only(pattern)).tables["audience"].get_column("share")
        assert shares.sum() == pytest.approx(1.0, abs=1e-9)
    geography = _normalize(_only("Geography")).tables["audience"]
    total = next(r for r in _rows(_only("Geography")) if r["Geography"] == "Total")
    assert geography["value"].sum() == int(total["Views"])


# --- LinkedIn --------------------------------------------------------------------------------


def test_linkedin_workbooks() -> None:
    content = _normalize(_only("linkedin/.*content")).tables
    posts = content["post"]
    assert posts.height == 23
    assert posts.get_column("post_id").str.contains(r"^urn:li:activity:\d{19}$").all()
    created = [r["Created date"] for r in _rows(_only("linkedin/.*content"), "Update Engagement")]
    assert all(re.fullmatch(r"4\d{4}", c) for c in created)  # Excel serial numbers
    assert set(posts.get_column("published_date").to_list()) <= set(NINETY_DAYS)
    visitors = _rows(_only("linkedin/.*visitors"), "Visitor metrics")
    assert visitors[0]["Date"] == "07/03/2026"
    page_views = sum(int(r["Total page views (total)"]) for r in visitors)
    demographics = _normalize(_only("linkedin/.*visitors")).tables["audience"]
    for dimension, values in demographics.group_by("dimension").agg(pl.col("value").sum()).rows():
        assert values <= page_views, dimension
    followers = _normalize(_only("linkedin/.*followers")).tables["account_daily"].sort("date")
    new_followers = _rows(_only("linkedin/.*followers"), "New followers")
    gained = [int(r["Total followers"]) for r in new_followers]
    assert followers.get_column("followers_gained").to_list() == gained


# --- ads and web ---------------------------------------------------------------------------


def _ads() -> pl.DataFrame:
    results = [_normalize(n) for n in _inbox() if "/ads/" in n]
    daily = [r.tables["ad_daily"] for r in results if "ad_daily" in r.tables]
    return pl.concat(daily, how="diagonal_relaxed")


def test_ads_are_consistent_and_in_idr() -> None:
    ads = _ads()
    assert set(ads.get_column("platform").unique().to_list()) == {"meta", "google", "tiktok"}
    assert set(ads.get_column("currency").unique().to_list()) == {"IDR"}
    assert set(ads.get_column("ad_account_id").unique().to_list()) == {
        "act_482913570264815",
        "482-915-3706",
        "7294615830274619394",
    }
    assert (ads["clicks"] <= ads["impressions"]).all()
    clicks = pl.coalesce("link_clicks", "clicks")
    assert ads.select((pl.col("leads").fill_null(0) <= clicks).all()).item()
    assert ads.select((pl.col("conversions").fill_null(0) <= clicks).all()).item()
    assert ads.select((pl.col("reach").fill_null(0) <= pl.col("impressions")).all()).item()
    campaign = ads.filter(pl.col("campaign_id") == "kemerdekaan_2026")
    assert sorted(campaign.get_column("date").unique().to_list()) == CAMPAIGN_DAYS
    assert set(campaign.get_column("platform").unique().to_list()) == {"meta", "google", "tiktok"}
    leads = campaign.group_by("platform").agg(pl.col("leads").sum(), pl.col("conversions").sum())
    assert dict(leads.select("platform", "leads").rows())["meta"] > 0
    assert dict(leads.select("platform", "conversions").rows())["google"] > 0
    per_day = campaign.group_by("date").agg(pl.col("spend").sum()).sort("date")
    peak = per_day.sort("spend").get_column("date")[-1]
    assert abs((peak - INDEPENDENCE_DAY).days) <= 3


def test_indonesian_meta_ads_export() -> None:
    name = _only("Iklan")
    text = (DEMO / name).read_text(encoding="utf-8")
    assert text.startswith("Awal pelaporan,Akhir pelaporan,Nama kampanye,")
    assert "Jumlah yang dibelanjakan (IDR)" in text and "Prospek (formulir)" in text
    assert re.search(r'"\d{1,3}(\.\d{3})+,\d{2}"', text)  # 1.234.567,89
    raw = _rows(name)
    spent = sum(
        float(r["Jumlah yang dibelanjakan (IDR)"].replace(".", "").replace(",", ".")) for r in raw
    )
    daily = _normalize(name).tables["ad_daily"]
    assert daily["spend"].sum() == pytest.approx(spent, abs=0.005)
    leads = sum(int(r["Hasil"]) for r in raw if r["Jenis hasil"] == "Prospek (formulir)")
    assert daily["leads"].sum() == leads > 0
    period = _normalize(_only("Campaigns-Aug")).tables["ad_period"]
    assert set(period.get_column("date_start").to_list()) == {CAMPAIGN_DAYS[0]}
    assert period.filter(pl.col("campaign_id") == "kemerdekaan_2026")["leads"].item() == (
        daily.filter(pl.col("campaign_id") == "kemerdekaan_2026")["leads"].sum()
    )


def test_google_ads_totals_match_the_rows() -> None:
    for name in (_only("Campaign_report_daily"), _only("Campaign_report_2026-08")):
        records = _sheets(name)[0][1]
        assert records[0] == ["Campaign report"] and " - " in records[1][0]
        rows = _rows(name)
        first = next(iter(rows[0]))
        data = [r for r in rows if not r[first].startswith("Total")]
        account = next(r for r in rows if r[first] == "Total: Account")
        for column in ("Cost", "Impr.", "Clicks", "Conversions"):
            summed = sum(float(r[column].replace(",", "")) for r in data)
            assert float(account[column].replace(",", "")) == pytest.approx(summed, abs=0.01)
    period = _normalize(_only("Campaign_report_2026-08")).tables["ad_period"]
    daily = _normalize(_only("Campaign_report_daily")).tables["ad_daily"]
    august = daily.filter(pl.col("date").dt.month() == 8)
    assert period["spend"].sum() == pytest.approx(august["spend"].sum(), abs=0.01)


def test_web_traffic_is_consistent() -> None:
    daily = _normalize(_only("acquisition_daily")).tables["web_traffic_daily"]
    assert (daily["engaged_sessions"] <= daily["sessions"]).all()
    assert (daily["leads"] <= daily["conversions"]).all()
    assert (daily["revenue"] == 0).all()
    period = _normalize(_only("Session_source_medium")).tables["web_traffic_period"]
    assert period.get_column("date_start").unique().to_list() == [date(2026, 9, 1)]
    september = (
        daily.filter(pl.col("date") >= date(2026, 9, 1))
        .group_by("source", "medium")
        .agg(pl.col("sessions").sum(), pl.col("leads").sum())
    )
    joined = period.join(september, on=["source", "medium"], how="full", suffix="_daily")
    # eq_missing: a source / medium missing on one side is a mismatch, not a null to skip
    assert joined["sessions"].eq_missing(joined["sessions_daily"]).all()
    assert joined["leads"].eq_missing(joined["leads_daily"]).all()
    assert joined.height == period.height
    campaign = daily.filter(pl.col("campaign") == "kemerdekaan_2026")
    assert campaign.get_column("date").min() == date(2026, 8, 10)
    by_day = daily.group_by("date").agg(pl.col("sessions").sum()).sort("date")
    weekday = by_day.filter(pl.col("date").dt.weekday() <= 5)["sessions"].to_list()
    weekend = by_day.filter(pl.col("date").dt.weekday() > 5)["sessions"].to_list()
    assert sum(weekend) / len(weekend) < sum(weekday) / len(weekday)  # an office site
    platforms = set(daily.get_column("platform").drop_nulls().unique().to_list())
    assert platforms == {"facebook", "instagram", "x", "tiktok", "youtube", "linkedin"}


def test_paid_sessions_never_exceed_ad_clicks() -> None:
    daily = _normalize(_only("acquisition_daily")).tables["web_traffic_daily"]
    paid = daily.filter(pl.col("medium").is_in(["paid_social", "cpc"]))
    platforms = {"facebook": "meta", "tiktok": "tiktok", "google": "google"}
    clicks = (
        _ads()
        .with_columns(pl.coalesce("link_clicks", "clicks").alias("landing"))
        .group_by("platform", "campaign_id", "date")
        .agg(pl.col("landing").sum())
    )
    joined = paid.with_columns(
        pl.col("source").replace_strict(platforms).alias("ad_platform")
    ).join(
        clicks,
        left_on=["ad_platform", "campaign", "date"],
        right_on=["platform", "campaign_id", "date"],
        how="left",
    )
    assert joined["landing"].null_count() == 0
    assert (joined["sessions"] <= joined["landing"]).all()
    assert joined.filter(pl.col("campaign") == "kemerdekaan_2026")["leads"].sum() > 0


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


def test_insights_has_audiences_of_every_kind() -> None:
    results = [_normalize(n) for n in _inbox()]
    audience = pl.concat(
        [r.tables["audience"] for r in results if "audience" in r.tables], how="diagonal_relaxed"
    )
    dimensions = set(audience.get_column("dimension").unique().to_list())
    assert {"gender", "age", "country", "city"} <= dimensions
    platforms = set(audience.get_column("platform").unique().to_list())
    assert platforms == {"facebook", "tiktok", "youtube", "linkedin"}
