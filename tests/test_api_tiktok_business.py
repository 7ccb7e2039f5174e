"""TikTok API for Business (organic): runner pulls into DuckDB, 60-day history, refresh, faults."""

import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.api import runner
from flows.api.classify import RetryLater, tiktok_error
from flows.api.errors import ApiError, ItemError, TokenError
from flows.api.tiktok_business import STREAMS, client_for, pull
from flows.config.settings import ApiSource, Settings, load_settings
from flows.load import ingest, inputs, store
from flows.load.outcomes import LoadOutcome
from flows.run import pipeline
from tests.fakeapi import meta_ads as ads_fake
from tests.fakeapi import tiktok_business as tiktok_fake
from tests.fakeapi.server import FakeApi
from transforms.api.envelope import Envelope, Window
from transforms.api.tiktok_business import normalize
from transforms.context import Account

TODAY = date(2026, 11, 23)  # the workspace's as_of
FIRST = date(2026, 9, 25)  # TikTok's first day: 60 days back, today included
BUSINESS = tiktok_fake.BUSINESS_ID
ACCOUNT = Account("tiktok", BUSINESS, timezone="Asia/Jakarta")
TOKEN = "TT-act.0123456789abcdefTOKEN"
ADS_TOKEN = "ADS-0123456789abcdef"
LIST_PATH = f"{tiktok_fake.PREFIX}/business/video/list/"
GET_PATH = f"{tiktok_fake.PREFIX}/business/get/"
CONFIG = """
[workspace]
name = "TikTok API test"
timezone = "Asia/Jakarta"
as_of = "2026-11-23"

[[accounts]]
platform = "tiktok"
account_id = "{business}"
handle = "wisatanusantara"
name = "Wisata Nusantara"

[[accounts]]
platform = "meta"
account_id = "act_482913570264815"
name = "Wisata Nusantara - Iklan"
currency = "IDR"

[[sources]]
kind = "tiktok_business"
name = "tiktok"
token_env = "TIKTOK_TOKEN"
base_url = "{base}/open_api/v1.3"
business_ids = ["{business}"]
{extra}

[[sources]]
kind = "meta_ads"
name = "meta_ads"
token_env = "META_ADS_TOKEN"
base_url = "{base}/ads/v24.0"
ad_accounts = ["482913570264815"]
start_date = "2026-11-16"
"""
CONTENT = (
    "Time,Video title,Video link,Post time,Total likes,Total comments,Total shares,Total views,"
    "Add to Favorites\n"
    "2026-11-22,Wisata #3,https://www.tiktok.com/@wisatanusantara/video/7400000000000000003,"
    "2026/11/17 18:00:00,290,40,20,4900,15\n"
    "2026-11-22,Dihapus,https://www.tiktok.com/@wisatanusantara/video/7499999999999999999,"
    "2026/11/10 09:00:00,10,1,0,300,0\n"
)


@pytest.fixture
def world() -> Iterator[tuple[FakeApi, tiktok_fake.TikTokWorld]]:
    with FakeApi() as fake:
        tiktok = tiktok_fake.TikTokWorld(token=TOKEN, expired="TT-EXPIRED-0123456789")
        tiktok_fake.install(fake, tiktok)
        ads_fake.install(fake, ads_fake.AdsWorld(token=ADS_TOKEN))
        yield fake, tiktok


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIKTOK_TOKEN", TOKEN)
    monkeypatch.setenv("META_ADS_TOKEN", ADS_TOKEN)


def _settings(tmp_path: Path, fake: FakeApi, extra: str = "") -> Settings:
    config = tmp_path / "kunci.toml"
    text = CONFIG.format(base=fake.base_url, business=BUSINESS, extra=extra)
    config.write_text(text, encoding="utf-8")
    return load_settings(str(config))


def _run(
    tmp_path: Path,
    settings: Settings,
    *,
    db: str = "k.duckdb",
    replay: bool = False,
    sources: tuple[str, ...] | None = ("tiktok",),
) -> tuple[duckdb.DuckDBPyConnection, list[LoadOutcome]]:
    con = store.connect(tmp_path / db)
    pipeline.initialise(con, settings)
    outcomes = runner.load_sources(con, settings, tmp_path / "raw", replay=replay, sources=sources)
    return con, outcomes


def _tiktok_requests(fake: FakeApi) -> list[str]:
    return [r.path.removeprefix(tiktok_fake.PREFIX) for r in fake.requests if "open_api" in r.path]


def _one(con: duckdb.DuckDBPyConnection, query: str, params: list[Any] | None = None) -> Any:
    row = con.execute(query, params or []).fetchone()
    assert row is not None
    return row


# --- through the runner, into DuckDB -------------------------------------------------------------


def test_a_first_run_takes_tiktoks_60_days_says_so_and_fills_every_table(
    tmp_path: Path, world: tuple[FakeApi, tiktok_fake.TikTokWorld], env: None
) -> None:
    fake, tiktok = world
    con, outcomes = _run(tmp_path, _settings(tmp_path, fake))
    assert [(o.status, o.format) for o in outcomes] == [
        ("loaded", "tiktok_business:account_daily"),
        ("loaded", "tiktok_business:audience"),
        ("loaded", "tiktok_business:videos"),
    ]
    # 60 days in two 30-day requests, one audience request, two pages of 20 videos
    assert sorted(_tiktok_requests(fake)) == sorted(
        ["/business/get/"] * 3 + ["/business/video/list/"] * 2
    )
    days = [tiktok.day(span.start) for span in Window(FIRST, TODAY).split(1)]
    assert _one(
        con,
        "select count(*), min(date), sum(video_views), sum(profile_visits), sum(engagements), "
        "sum(followers_gained), sum(followers_lost), sum(website_clicks) from core.account_daily",
    ) == (
        60,
        FIRST,
        sum(d["video_views"] for d in days),
        sum(d["profile_views"] for d in days),
        sum(d["likes"] + d["comments"] + d["shares"] for d in days),
        sum(d["daily_new_followers"] for d in days),
        sum(d["daily_lost_followers"] for d in days),
        sum(d["bio_link_clicks"] for d in days),
    )
    assert _one(con, "select followers_total from core.account_daily where date = ?", [TODAY]) == (
        tiktok.day(TODAY)["followers_count"],
    )
    activity = "select count(*), sum(online_followers) from core.audience_activity"
    assert _one(con, activity) == (60 * 24, sum(100 * h + i for h in range(24) for i in range(60)))
    audience = con.execute(
        "select dimension, bucket, share from core.audience where dimension = 'gender' "
        "order by share desc"
    ).fetchall()
    assert audience == [
        ("gender", "female", 0.55),
        ("gender", "male", 0.42),
        ("gender", "other", 0.03),
    ]
    assert _one(con, "select count(distinct dimension), count(*) from core.audience") == (4, 14)
    # videos 0..29 are published from the first day on; 30..39 were listed but are older
    assert _one(con, "select count(*) from core.post where platform = 'tiktok'") == (30,)
    k5 = tiktok.video(5)
    row = _one(
        con,
        "select p.published_date, p.permalink, m.video_views, m.reach, m.reactions, m.saves, "
        "m.watch_time_seconds, m.follows, m.profile_visits from core.post p join "
        "core.post_metrics m using (platform, post_id) where post_id = ?",
        [k5["item_id"]],
    )
    assert row == (
        date(2026, 11, 13),
        k5["share_url"],
        k5["video_views"],
        k5["reach"],
        k5["likes"],
        k5["favorites"],
        k5["total_time_watched"],
        k5["new_followers"],
        k5["profile_views"],
    )
    # reach 0 beside views (inactive 7 days) is no reach at all: NULL, noted
    gone = "select count(*) from core.post_metrics where platform = 'tiktok' and reach is null"
    assert _one(con, gone) == (10,)
    notes = " ".join(
        str(n) for (n,) in con.execute("select notes from ops.load order by load_id").fetchall()
    )
    assert f"keeps 60 days of 'account_daily': pulled from {FIRST}, its first day" in notes
    assert "skipped 10: videos published before the pull's first day" in notes
    assert "reach NULL for 10 video(s)" in notes and "full_video_watched_rate" in notes
    state = "select stream, last_date from ops.api_state order by stream"
    assert con.execute(state).fetchall() == [
        ("account_daily", TODAY),
        ("audience", TODAY),
        ("videos", TODAY),
    ]


def test_a_second_run_pulls_the_lookback_and_reads_young_videos_again_from_one_page(
    tmp_path: Path, world: tuple[FakeApi, tiktok_fake.TikTokWorld], env: None
) -> None:
    fake, tiktok = world
    settings = _settings(tmp_path, fake)
    con, _ = _run(tmp_path, settings)
    con.close()
    fake.requests.clear()
    tiktok.views_bonus = 700  # every video matured since
    con, outcomes = _run(tmp_path, settings)
    assert [o.status for o in outcomes] == ["loaded"] * 3
    assert outcomes[0].path.endswith(f"/{Window(date(2026, 11, 16), TODAY)}")
    # 8 days in one request, the audience, and one page of 20 videos reaching back 28 days
    assert sorted(_tiktok_requests(fake)) == sorted(
        ["/business/get/"] * 2 + ["/business/video/list/"]
    )
    # videos 4..14 were published 8 to 28 days ago, before the window: read again
    assert [o.posts_refreshed for o in outcomes] == [0, 0, 11]
    views = "select video_views from core.post_metrics where post_id = ?"
    for k, bonus in ((0, 700), (14, 700), (16, 0)):  # 16: 32 days old, beyond the refresh
        assert _one(con, views, [tiktok.video(k)["item_id"]]) == (5000 + 100 * k + bonus,)
    assert _one(con, "select count(*) from core.account_daily") == (60,)


def test_an_old_start_date_is_cut_to_tiktoks_first_day_and_noted(
    tmp_path: Path, world: tuple[FakeApi, tiktok_fake.TikTokWorld], env: None
) -> None:
    fake, _ = world
    settings = _settings(tmp_path, fake, extra='start_date = "2026-06-01"')
    con, outcomes = _run(tmp_path, settings)
    assert [o.status for o in outcomes] == ["loaded"] * 4  # two 90-day windows of videos
    daily = [o for o in outcomes if "/account_daily/" in o.path]
    assert [o.path.rsplit("/", 1)[1] for o in daily] == [f"{FIRST}..{TODAY}"]
    note = "asked from 2026-06-01, pulled from 2026-09-25, its first day"
    notes = con.execute("select notes from ops.load where source like '%account_daily%'")
    assert note in str(notes.fetchall())
    assert _one(con, "select count(*), min(date) from core.account_daily") == (60, FIRST)
    # the video listing has no such limit: a post from before the first day is loaded
    oldest = TODAY - timedelta(days=2 * 44)  # video 44, the last the fake has
    assert _one(con, "select count(*), min(published_date) from core.post") == (45, oldest)


def test_a_backfill_before_tiktoks_first_day_plans_no_account_days(
    tmp_path: Path, world: tuple[FakeApi, tiktok_fake.TikTokWorld], env: None
) -> None:
    fake, _ = world
    settings = _settings(tmp_path, fake)
    con = store.connect(tmp_path / "k.duckdb")
    pipeline.initialise(con, settings)
    source = settings.api_sources[0]
    old = Window(date(2026, 7, 1), date(2026, 8, 31))
    plans = runner.plan_source(con, settings, source, requested=old)
    assert [(p.stream.name, str(p.window)) for p in plans] == [
        ("audience", f"{TODAY}..{TODAY}"),
        ("videos", str(old)),  # the listing has every video, however old
    ]


def test_an_expired_token_fails_only_this_source_and_reaches_no_file_log_or_database(
    tmp_path: Path,
    world: tuple[FakeApi, tiktok_fake.TikTokWorld],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake, tiktok = world
    assert tiktok.expired is not None
    monkeypatch.setenv("TIKTOK_TOKEN", tiktok.expired)
    monkeypatch.setenv("META_ADS_TOKEN", ADS_TOKEN)
    caplog.set_level(logging.DEBUG)
    con, outcomes = _run(tmp_path, _settings(tmp_path, fake), sources=None)
    failed = [o for o in outcomes if o.status == "failed"]
    assert {o.path.split("/")[2] for o in failed} == {"tiktok"} and len(failed) == 3
    assert all("token rejected" in str(o.error) and "40102" in str(o.error) for o in failed)
    assert {o.status for o in outcomes if o not in failed} == {"loaded"}  # meta_ads loads
    assert len(_tiktok_requests(fake)) == 1  # the source stopped at its first answer
    con.close()
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".duckdb" for p in written) and any("raw" in p.parts for p in written)
    for path in written:
        assert tiktok.expired.encode() not in path.read_bytes(), path
    assert tiktok.expired not in caplog.text


def test_a_live_run_leaves_the_token_nowhere_and_replay_gives_the_same_rows(
    tmp_path: Path, world: tuple[FakeApi, tiktok_fake.TikTokWorld], env: None
) -> None:
    fake, _ = world
    settings = _settings(tmp_path, fake)
    live, _ = _run(tmp_path, settings)
    replayed, outcomes = _run(tmp_path, settings, db="replayed.duckdb", replay=True)
    assert [o.status for o in outcomes] == ["loaded"] * 3
    for table in ("account_daily", "audience_activity", "post", "audience"):
        query = f"select * exclude (platform) from core.{table} order by all"
        assert live.execute(query).fetchall() == replayed.execute(query).fetchall(), table
    metrics = "select * exclude (as_of_date) from core.post_metrics order by all"
    assert live.execute(metrics).fetchall() == replayed.execute(metrics).fetchall()
    live.close()
    replayed.close()
    for path in (p for p in tmp_path.rglob("*") if p.is_file()):
        assert TOKEN.encode() not in path.read_bytes(), path


def test_export_posts_meet_api_posts_and_one_tiktok_no_longer_serves_is_quarantined(
    tmp_path: Path, world: tuple[FakeApi, tiktok_fake.TikTokWorld], env: None
) -> None:
    fake, _ = world
    settings = _settings(tmp_path, fake)
    con = store.connect(tmp_path / "k.duckdb")
    pipeline.initialise(con, settings)
    export = tmp_path / "Content.csv"
    export.write_text(CONTENT, encoding="utf-8")
    item = inputs.InputFile(export, settings.account(f"tiktok:{BUSINESS}"))
    assert ingest.ingest_file(con, item, settings, tmp_path / "raw").status == "loaded"
    outcomes = runner.load_sources(con, settings, tmp_path / "raw", sources=("tiktok",))
    videos = next(o for o in outcomes if "/videos/" in o.path)
    assert (videos.status, videos.rows_quarantined) == ("loaded", 1)
    # the export's post not listed any more is asked for by id, once
    by_id = [r for r in fake.requests if r.path == LIST_PATH and "filters" in r.query]
    assert [json.loads(r.query["filters"]) for r in by_id] == [
        {"video_ids": ["7499999999999999999"]}
    ]
    reason = con.execute("select reason from ops.quarantine").fetchall()
    assert any("returned no video 7499999999999999999" in str(r) for r in reason)
    # the same video from the export and the API is one post of the one account
    k3 = "7400000000000000003"
    assert con.execute(
        "select account_id, published_date, published_at from core.post where post_id = ?", [k3]
    ).fetchall() == [(BUSINESS, date(2026, 11, 17), datetime(2026, 11, 17, 11, tzinfo=UTC))]
    assert _one(con, "select count(*) from core.post where platform = 'tiktok'") == (31,)
    assert _one(con, "select count(*) from core.post_metrics where post_id = ?", [k3])[0] == 2


# --- the connector alone: faults -----------------------------------------------------------------


def _source(fake: FakeApi) -> ApiSource:
    return ApiSource(
        "tiktok",
        "tiktok_business",
        "TIKTOK_TOKEN",
        fake.base_url + tiktok_fake.PREFIX,
        {"business_ids": (BUSINESS,)},
    )


def test_rate_limit_codes_429_and_system_errors_are_waited_out_then_loaded(
    world: tuple[FakeApi, tiktok_fake.TikTokWorld],
) -> None:
    fake, _ = world
    fake.script(
        "GET",
        GET_PATH,
        [
            tiktok_fake.refused(40100, "Requests made too frequently."),
            tiktok_fake.refused(40100, "Too many requests", status=429),
            tiktok_fake.refused(50000, "System error, please retry."),
        ],
    )
    pauses: list[float] = []
    client = client_for(_source(fake), TOKEN, None, sleep=pauses.append)
    week = Window(date(2026, 11, 17), TODAY)
    envelopes = pull(client, _source(fake), STREAMS[0], BUSINESS, week)
    assert [json.loads(e.body)["code"] for e in envelopes] == [0]
    assert len(pauses) == 3 and all(p >= 30 for p in pauses[:2])  # throttling waits long
    assert normalize("account_daily", envelopes, ACCOUNT).rows_loaded == 7


def test_paging_that_loops_fails_the_stream_and_permission_is_not_a_token_error(
    world: tuple[FakeApi, tiktok_fake.TikTokWorld],
) -> None:
    fake, _ = world
    page = {"videos": [tiktok_fake.TikTokWorld().video(0)], "cursor": 20, "has_more": True}
    fake.script("GET", LIST_PATH, [tiktok_fake.answer(page), tiktok_fake.answer(page)])
    client = client_for(_source(fake), TOKEN, None, sleep=lambda _: None)
    with pytest.raises(ApiError, match="paging loops"):
        pull(client, _source(fake), STREAMS[2], BUSINESS, Window(FIRST, TODAY))
    other = replace(_source(fake), ids={"business_ids": ("-000SomeoneElse",)})
    with pytest.raises(ApiError, match="permission missing") as caught:
        pull(client, other, STREAMS[1], "-000SomeoneElse", Window(TODAY, TODAY))
    assert not isinstance(caught.value, TokenError)


def test_tiktok_codes_are_sorted_by_what_the_caller_must_do() -> None:
    def body(code: int) -> dict[str, Any]:
        return {"code": code, "message": "m", "request_id": "r", "data": {}}

    assert tiktok_error(200, body(0)) is None
    for code in (40102, 40104, 40105):
        assert isinstance(tiktok_error(200, body(code)), TokenError)
    for code in (40016, 40100, 40132, 40133):
        error = tiktok_error(200, body(code))
        assert isinstance(error, RetryLater) and error.throttle
    for code in (50000, 51021, 51065):
        error = tiktok_error(200, body(code))
        assert isinstance(error, RetryLater) and not error.throttle
    assert isinstance(tiktok_error(200, body(40007)), ItemError)
    plain = tiktok_error(200, body(40002))
    assert type(plain) is ApiError and "code 40002" in str(plain)
    assert isinstance(tiktok_error(401, None), TokenError)


# --- the mapping alone, on small envelopes --------------------------------------------------------


def _envelope(stream: str, data: Any, item: dict[str, str], window: Window | None) -> Envelope:
    body = {"code": 0, "message": "OK", "request_id": "1", "data": data}
    return Envelope(
        source="tiktok",
        kind="tiktok_business",
        stream=stream,
        account_id=BUSINESS,
        window=window,
        method="GET",
        url="https://business-api.tiktok.com/open_api/v1.3/business/get/",
        params={},
        status=200,
        body=json.dumps(body),
        fetched_at=datetime(2026, 11, 23, 1, tzinfo=UTC),
        item=item,
    )


def test_bad_days_are_quarantined_with_their_reason_and_days_outside_the_window_skipped() -> None:
    metrics = [
        {"date": "2026-11-20", "video_views": 10, "likes": -2, "audience_activity": []},
        {"date": "2026-11-21", "video_views": -1},
        {"date": "21/11/2026", "video_views": 5},
        {"date": "2026-11-22", "video_views": 5, "audience_activity": [{"hour": "24", "count": 1}]},
        {"date": "2026-11-10", "video_views": 5},
    ]
    window = Window(date(2026, 11, 20), TODAY)
    envelope = _envelope("account_daily", {"metrics": metrics}, {"request": "metrics"}, window)
    result = normalize("account_daily", [envelope], ACCOUNT)
    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (5, 1, 1)
    assert result.quarantine.get_column("reason").to_list() == [
        "'video_views' is negative: -1",
        "no readable 'date' (YYYY-MM-DD)",
        "'audience_activity' hour \"24\" is not 0-23",
    ]
    daily = result.tables["account_daily"]
    assert daily.select("date", "video_views", "engagements").rows() == [
        (date(2026, 11, 20), 10, -2)  # a day's likes are a net change: may be negative
    ]


def test_audience_shares_are_fractions_and_a_video_without_reach_keeps_null() -> None:
    audience = {
        "audience_genders": [{"gender": "Female", "percentage": 0.6}, {"gender": "Male"}],
        "audience_cities": [{"city_name": "Medan", "percentage": 12}],
    }
    result = normalize(
        "audience", [_envelope("audience", audience, {"request": "audience"}, None)], ACCOUNT
    )
    assert result.tables["audience"].select("dimension", "bucket", "share").rows() == [
        ("gender", "female", 0.6)
    ]
    assert result.quarantine.get_column("reason").to_list() == [
        "no 'percentage'",
        "'percentage' is not a share between 0 and 1",
    ]
    video = tiktok_fake.TikTokWorld().video(25)  # 50 days old, reach gone
    video["create_time"] = str(video["create_time"])  # digits as text read too
    page = _envelope(
        "videos",
        {"videos": [video], "has_more": False},
        {"request": "list", "since": "2026-09-25"},
        Window(FIRST, TODAY),
    )
    missing = _envelope("videos", {"videos": []}, {"request": "video", "video_id": "7"}, None)
    result = normalize("videos", [page, missing], ACCOUNT)
    metrics = result.tables["post_metrics"]
    assert metrics.select("post_id", "reach", "video_views").rows() == [
        (video["item_id"], None, video["video_views"])
    ]
    assert result.tables["post"].get_column("published_date").to_list() == [date(2026, 10, 4)]
    assert result.rows_quarantined == 1 and result.rows_read == 2
