"""Maturing posts: each nightly pull reads again the insights of posts `post_refresh_days` old.

Two pulls of the same day against the fake APIs, through the runner on a real DuckDB file: the
first loads the history, the second (a later run of the same day, lookback 7 days) must read the
insights of the posts aged 8-28 days again, batched, and never those of older posts; the run
summary counts the refreshed posts per source.
"""

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.api import meta_graph as meta_connector
from flows.api import runner
from flows.api.meta_graph import STREAMS, client_for, pull
from flows.api.streams import Refresh, RefreshPost
from flows.config.settings import ApiSource, load_settings
from flows.load import store
from flows.load.outcomes import LoadOutcome
from flows.run import pipeline
from flows.run.runs import RunSummary
from tests.conftest import reasons
from tests.fakeapi import FakeApi, Request
from tests.fakeapi import google as google_fake
from tests.fakeapi import meta_graph as meta_fake
from transforms.api.envelope import Window
from transforms.api.meta_graph import normalize
from transforms.context import Account

pytest_plugins = ("tests.fakeapi",)

PAGE, IG, CHANNEL = "104857600000001", "17841400000000001", "UCk9fW2vNqXr7bTz3LmPa4Hd"
CONFIG = """
[workspace]
name = "refresh"
timezone = "Asia/Jakarta"
as_of = "{as_of}"

[[sources]]
kind = "{kind}"
name = "{name}"
token_env = "KUNCI_TEST_REFRESH_TOKEN"
base_url = "{base}"
{ids}
start_date = "{start}"
"""
# Facebook posts beside the fake's (copies of its text post; an old Reel has a test of its own,
# below): one 18 days old on 2026-11-23, one 34 days old
TEXT_POST = next(p for p in meta_fake.POSTS if p.post_id == f"{PAGE}_900004")
OLD_POSTS = tuple(
    replace(TEXT_POST, post_id=f"{PAGE}_{number}", created=created)
    for number, created in (
        (900006, datetime(2026, 11, 5, 2, 0, tzinfo=UTC)),
        (900007, datetime(2026, 10, 20, 2, 0, tzinfo=UTC)),
    )
)
# uploads beside the fake's: 13 and 24 days old on 2026-10-08 (Wakatobi is 18, Toraja 52)
OLD_VIDEOS = (
    google_fake.Video("Ex1aaaaaaaa", "Bromo", datetime(2026, 9, 25, 1, 0, tzinfo=UTC), 400),
    google_fake.Video("Ex2bbbbbbbb", "Komodo", datetime(2026, 9, 14, 1, 0, tzinfo=UTC), 500),
)


def _workspace(tmp_path: Path, base: str, **keys: str) -> tuple[duckdb.DuckDBPyConnection, Any]:
    config = tmp_path / "kunci.toml"
    config.write_text(CONFIG.format(base=base, **keys), encoding="utf-8")
    settings = load_settings(str(config))
    con = store.connect(tmp_path / "kunci.duckdb")
    pipeline.initialise(con, settings)
    return con, settings


def _run(con: duckdb.DuckDBPyConnection, settings: Any, tmp_path: Path) -> list[LoadOutcome]:
    outcomes = runner.load_sources(con, settings, tmp_path / "raw")
    assert [o.error for o in outcomes if o.status == "failed"] == []
    return outcomes


def _ids(request: Request) -> list[str]:
    return request.query.get("ids", "").split(",")


def _refreshed(outcomes: list[LoadOutcome], stream: str) -> int:
    return sum(o.posts_refreshed for o in outcomes if f"/{stream}/" in o.path)


def test_a_second_run_reads_posts_aged_8_to_28_days_again_in_batches(
    fake_api: FakeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUNCI_TEST_REFRESH_TOKEN", "TEST-token-refresh")
    world = meta_fake.MetaWorld(posts=meta_fake.POSTS + OLD_POSTS)
    meta_fake.install(fake_api, world)
    ids = f'pages = ["{PAGE}"]\ninstagram_accounts = ["{IG}"]'
    con, settings = _workspace(
        tmp_path,
        fake_api.base_url + "/v24.0",
        as_of="2026-11-23",
        kind="meta_graph",
        name="meta",
        ids=ids,
        start="2026-10-01",
    )
    first = _run(con, settings, tmp_path)
    # the first pull's window (from 1 October) covers every post: nothing to read again
    assert [r for r in fake_api.requests if r.path == "/v24.0/"] == []
    assert _refreshed(first, "page_posts") == _refreshed(first, "ig_media") == 0

    fake_api.requests.clear()
    second = _run(con, settings, tmp_path)
    batches = [r for r in fake_api.requests if r.path == "/v24.0/"]
    assert len(batches) == 2  # one multi-id read per platform and product type
    assert [sorted(_ids(r)) for r in batches] == [
        [f"{PAGE}_900004", f"{PAGE}_900006"],  # 13 and 18 days old
        ["17900000000000005", "17900000000000006"],  # 11 and 22 days old
    ]
    # own counts and lifetime insights in one field expansion, without the metrics refused
    # earlier in the run (post_impressions, post_impressions_unique on this API version)
    assert batches[0].query["fields"].startswith("id,shares,comments.summary(true).limit(0),")
    assert ".period(lifetime)" in batches[0].query["fields"]
    assert "post_impressions" not in batches[0].query["fields"]
    assert batches[1].query["fields"].startswith("id,like_count,comments_count,insights.metric(")
    # posts older than 28 days are never read, neither alone nor in a batch
    for old in (f"{PAGE}_900007", "17900000000000007"):
        assert not any(old in r.path or old in _ids(r) for r in fake_api.requests)
    # the window's own posts keep their one request each; the refreshed ones get none alone
    singles = [r.path for r in fake_api.requests if r.path.endswith("/insights")]
    assert not any(p.endswith(("_900004/insights", "0000005/insights")) for p in singles)
    assert _refreshed(second, "page_posts") == 2
    assert _refreshed(second, "ig_media") == 2
    summary = RunSummary(db="kunci.duckdb", inputs=second)
    assert summary.refreshed() == {"meta": 4}
    assert summary.as_dict()["posts_refreshed"] == {"meta": 4}

    load = next(o.load_id for o in second if "/ig_media/" in o.path)
    snapshot = con.execute(
        "select reach, reactions, comments, load_id from core.post_metrics "
        "where post_id = '17900000000000006' order by as_of_date desc limit 1"
    ).fetchone()
    assert snapshot == (600, 40, 1, load)
    post = con.execute(
        "select reach, reactions, comments, load_id from core.post_metrics "
        f"where post_id = '{PAGE}_900006' order by as_of_date desc limit 1"
    ).fetchone()
    assert post is not None and post[1:3] == (60, 5)
    con.close()


def test_a_failing_id_fails_its_batch_which_is_asked_again_one_id_at_a_time(
    fake_api: FakeApi,
) -> None:
    meta_fake.install(fake_api, meta_fake.MetaWorld())
    source = ApiSource(
        "meta", "meta_graph", "T", fake_api.base_url + "/v24.0", {"instagram_accounts": (IG,)}
    )
    stream = next(s for s in STREAMS if s.name == "ig_media")
    stored = (
        RefreshPost("17900000000000005", date(2026, 11, 12), "photo"),
        RefreshPost("17900000000000099", date(2026, 11, 2), "photo"),  # deleted since
    )
    window = Window(date(2026, 11, 16), date(2026, 11, 22))
    with client_for(source, "TEST-token", None, sleep=lambda _: None) as api:
        envelopes = pull(api, source, stream, IG, window, Refresh(date(2026, 10, 26), stored))
    multi = [r for r in fake_api.requests if r.path == "/v24.0/"]
    # stored first, then the listing's 006 (on the page that crossed the window)
    assert [_ids(r) for r in multi] == [
        ["17900000000000005", "17900000000000099", "17900000000000006"]
    ]
    alone = [r.path for r in fake_api.requests if r.path.count("/") == 2 and "/179" in r.path]
    assert alone == [
        "/v24.0/17900000000000005", "/v24.0/17900000000000099", "/v24.0/17900000000000006",
    ]  # fmt: skip
    assert runner.refreshed(envelopes) == 2
    result = normalize("ig_media", envelopes, Account("instagram", IG, timezone="Asia/Jakarta"))
    assert reasons(result)[-1][1].startswith(
        "media 17900000000000099: (#803) Some of the aliases you requested do not exist"
    )
    metrics = result.tables["post_metrics"]
    assert sorted(
        metrics.filter(metrics["post_id"].is_in(["17900000000000005", "17900000000000006"]))
        .select("post_id", "reach", "reactions")
        .rows()
    ) == [("17900000000000005", 700, 50), ("17900000000000006", 600, 40)]
    # 006 was listed outside the window and refreshed: it gets its post row; 005 only its snapshot
    posts = set(result.tables["post"]["post_id"])
    assert "17900000000000006" in posts and "17900000000000005" in posts


def test_youtube_reads_uploads_aged_8_to_28_days_again_in_one_report(
    fake_api: FakeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUNCI_TEST_REFRESH_TOKEN", "TEST-token-refresh")
    world = google_fake.GoogleWorld(
        videos=google_fake.VIDEOS + OLD_VIDEOS, first_day=date(2026, 8, 1)
    )
    google_fake.install(fake_api, world)
    con, settings = _workspace(
        tmp_path,
        fake_api.base_url,
        as_of="2026-10-08",
        kind="youtube_analytics",
        name="youtube",
        ids=f'channels = ["{CHANNEL}"]\ndata_base_url = "{fake_api.base_url}"',
        start="2026-09-01",
    )
    first = _run(con, settings, tmp_path)
    assert _refreshed(first, "videos") == 0
    fake_api.requests.clear()
    second = _run(con, settings, tmp_path)
    totals = [
        r.query
        for r in fake_api.requests
        if r.path == "/v2/reports" and r.query["dimensions"] == "video"
    ]
    assert [q["filters"] for q in totals] == [
        "video==-q3HfJ9sEo1,Zr5TdW8yLc0,kB7xQ2mN4pA",  # the window's uploads
        "video==Ex1aaaaaaaa,P0oLd1234Ab,Ex2bbbbbbbb",  # 13, 18 and 24 days old: one request
    ]
    assert not any("Xy9OlDer0_1" in str(r.query) for r in fake_api.requests)  # 52 days old
    assert _refreshed(second, "videos") == 3
    assert RunSummary(db="x", inputs=second).refreshed() == {"youtube": 3}
    views = con.execute(
        "select video_views from core.post_metrics where post_id = 'Ex2bbbbbbbb' "
        "order by as_of_date desc limit 1"
    ).fetchone()
    expected = world.lifetime(OLD_VIDEOS[1], date(2005, 2, 14), date(2026, 10, 8))["views"]
    assert views == (expected,)
    con.close()


def test_post_refresh_days_is_configurable_and_zero_turns_it_off(tmp_path: Path) -> None:
    source = ApiSource("meta", "meta_graph", "T", "http://127.0.0.1:1", {"pages": ("1",)})
    assert source.post_refresh_days == 28
    today = date(2026, 11, 23)
    assert runner.refresh_since(source, today) == date(2026, 10, 26)  # 28 days back
    longer = replace(source, post_refresh_days=60)
    assert runner.refresh_since(longer, today) == date(2026, 10, 25)  # not before history (30)
    assert runner.refresh_since(replace(longer, history_days=365), today) == date(2026, 9, 24)
    config = tmp_path / "kunci.toml"
    config.write_text(
        CONFIG.format(
            as_of="2026-11-23", kind="meta_graph", name="meta", base="http://127.0.0.1:1",
            ids='pages = ["1"]\npost_refresh_days = 0', start="2026-10-01",
        ),
        encoding="utf-8",
    )  # fmt: skip
    settings = load_settings(str(config))
    assert settings.api_sources[0].post_refresh_days == 0
    con = store.connect(tmp_path / "k.duckdb")
    pipeline.initialise(con, settings)
    plans = runner.plan_source(con, settings, settings.api_sources[0])
    assert plans and all(plan.refresh is None for plan in plans)
    con.close()


def test_the_summary_prints_refreshed_posts_per_source(capsys: pytest.CaptureFixture[str]) -> None:
    from flows.cli.commands import _print_summary

    outcomes = [
        LoadOutcome("api://meta/page_posts/1/2026-11-16..2026-11-23", "loaded", posts_refreshed=2),
        LoadOutcome("api://meta/ig_media/2/2026-11-16..2026-11-23", "skipped", posts_refreshed=3),
        LoadOutcome("api://youtube/videos/UC/2026-11-16..2026-11-23", "loaded", posts_refreshed=1),
        LoadOutcome("inbox/file.csv", "loaded"),
    ]
    summary = RunSummary(db="kunci.duckdb", inputs=outcomes)
    _print_summary(summary)
    assert "posts refreshed: meta 5, youtube 1" in capsys.readouterr().out
    assert summary.as_dict()["inputs"][0]["posts_refreshed"] == 2  # type: ignore[index]


@pytest.mark.parametrize(
    ("day", "unique"), [(date(2026, 1, 10), True), (date(2026, 11, 23), False)]
)
def test_a_refresh_asks_only_the_metrics_the_version_serves_on_its_day(
    fake_api: FakeApi, monkeypatch: pytest.MonkeyPatch, day: date, unique: bool
) -> None:
    monkeypatch.setattr(meta_connector, "request_day", lambda: day)
    # the fake refuses what Meta had retired by `day`
    refused = meta_fake.DEPRECATED - ({"post_impressions_unique"} if unique else set())
    world = meta_fake.MetaWorld(posts=meta_fake.POSTS + OLD_POSTS, invalid_metrics=refused)
    meta_fake.install(fake_api, world)
    source = ApiSource("meta", "meta_graph", "T", fake_api.base_url + "/v24.0", {"pages": (PAGE,)})
    stream = next(s for s in STREAMS if s.name == "page_posts")
    stored = (RefreshPost(f"{PAGE}_900006", date(2026, 11, 5), "text"),)
    window = Window(date(2026, 11, 16), date(2026, 11, 22))
    with client_for(source, "TEST-token", None, sleep=lambda _: None) as api:
        pull(api, source, stream, PAGE, window, Refresh(date(2026, 10, 26), stored))
        assert api.dropped_metrics["post"] == set()  # nothing refused: nothing retired asked
    (multi,) = [r for r in fake_api.requests if r.path == "/v24.0/"]
    asked = multi.query["fields"].split("insights.metric(")[1].split(")")[0].split(",")
    # post_impressions retired for every version on 15 Nov 2025, the unique ones on 15 Jun 2026
    assert "post_impressions" not in asked
    assert ("post_impressions_unique" in asked) is unique
    assert "post_total_media_view_unique" in asked and "post_media_view" in asked


def test_a_second_run_reads_an_old_reels_video_insights_again_in_batches(
    fake_api: FakeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUNCI_TEST_REFRESH_TOKEN", "TEST-token-refresh")
    window_reel = next(p for p in meta_fake.POSTS if p.reel)
    # a Reel 18 days old on 2026-11-23 (its video id 900008 is in its /reel/ permalink)
    old_reel = replace(
        window_reel,
        post_id=f"{PAGE}_900008",
        created=datetime(2026, 11, 5, 2, 0, tzinfo=UTC),
        insights=dict(window_reel.insights),
    )
    meta_fake.install(fake_api, meta_fake.MetaWorld(posts=(*meta_fake.POSTS, old_reel)))
    con, settings = _workspace(
        tmp_path,
        fake_api.base_url + "/v24.0",
        as_of="2026-11-23",
        kind="meta_graph",
        name="meta",
        ids=f'pages = ["{PAGE}"]',
        start="2026-10-01",
    )
    _run(con, settings, tmp_path)
    old_reel.insights["blue_reels_play_count"] = 7300  # the Reel kept being played

    fake_api.requests.clear()
    second = _run(con, settings, tmp_path)
    batches = [r for r in fake_api.requests if r.path == "/v24.0/"]
    # posts: 900004 with insights; the Reel's post with its own counts only; its video's insights
    assert [_ids(r) for r in batches] == [[f"{PAGE}_900004"], [f"{PAGE}_900008"], ["900008"]]
    assert batches[1].query["fields"] == meta_connector.POST_OWN_FIELDS
    assert batches[2].query["fields"].startswith("id,video_insights.metric(blue_reels_play_count")
    assert "post_impressions_unique" not in batches[2].query["fields"]  # retired 15 Jun 2026
    # never one request per Reel: no /video_insights or node read of the old Reel alone
    assert not any("900008" in r.path for r in fake_api.requests)
    # the page_posts pull: 2 pages of posts (window 15-25 Nov widened), 3 posts' /insights, the
    # window Reel's /video_insights, and the 3 refresh batches, whatever the number of Reels
    page_posts = [
        r
        for r in fake_api.requests
        if "/published_posts" in r.path or r.path.startswith(f"/v24.0/{PAGE}_")
        or r.path.endswith("/video_insights") or r.path == "/v24.0/"
    ]  # fmt: skip
    assert len(page_posts) == 2 + 3 + 1 + 3
    assert _refreshed(second, "page_posts") == 2

    load = next(o.load_id for o in second if "/page_posts/" in o.path)
    snapshot = con.execute(
        "select views, reactions, watch_time_seconds, follows, comments, shares, load_id "
        f"from core.post_metrics where post_id = '{PAGE}_900008' "
        "order by as_of_date desc limit 1"
    ).fetchone()
    assert snapshot == (7300, 180, 8100.0, 12, 7, 11, load)
    con.close()


def test_a_failing_reel_fails_its_video_batch_which_is_asked_again_one_video_at_a_time(
    fake_api: FakeApi,
) -> None:
    window_reel = next(p for p in meta_fake.POSTS if p.reel)
    old_reel = replace(
        window_reel, post_id=f"{PAGE}_900008", created=datetime(2026, 11, 5, 2, 0, tzinfo=UTC)
    )
    meta_fake.install(fake_api, meta_fake.MetaWorld(posts=(*meta_fake.POSTS, old_reel)))
    source = ApiSource("meta", "meta_graph", "T", fake_api.base_url + "/v24.0", {"pages": (PAGE,)})
    stream = next(s for s in STREAMS if s.name == "page_posts")
    link = "https://www.facebook.com/reel/{}"
    stored = (
        RefreshPost(f"{PAGE}_900008", date(2026, 11, 5), "reel", link.format("900008")),
        RefreshPost(f"{PAGE}_900099", date(2026, 11, 2), "reel", link.format("900099")),  # gone
    )
    window = Window(date(2026, 11, 16), date(2026, 11, 22))
    with client_for(source, "TEST-token", None, sleep=lambda _: None) as api:
        envelopes = pull(api, source, stream, PAGE, window, Refresh(date(2026, 10, 26), stored))
    videos = [r for r in fake_api.requests if r.path in ("/v24.0/900008", "/v24.0/900099")]
    assert [r.path for r in videos] == ["/v24.0/900008", "/v24.0/900099"]
    assert runner.refreshed(envelopes) == 1
    result = normalize("page_posts", envelopes, Account("facebook", PAGE, timezone="Asia/Jakarta"))
    # the gone Reel is quarantined twice: its post's own counts and its video's insights
    gone = [r[1] for r in reasons(result) if r[1].startswith(f"post {PAGE}_900099: (#803)")]
    assert len(gone) == 2
    metrics = result.tables["post_metrics"]
    row = metrics.filter(metrics["post_id"] == f"{PAGE}_900008")
    assert row.select("views", "comments", "shares").rows() == [(5400, 7, 11)]
