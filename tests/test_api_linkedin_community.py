"""LinkedIn Community Management API: nightly runs into DuckDB, Rest.li requests, faults, replay."""

import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.api import runner
from flows.api.errors import ApiError
from flows.api.linkedin_community import (
    STREAMS,
    RestliSession,
    client_for,
    day_intervals,
    pull,
    restli_list,
)
from flows.config.settings import ApiSource, Settings, account_id_for, load_settings
from flows.load import ingest, store
from flows.load.inputs import InputFile
from flows.load.outcomes import LoadOutcome
from flows.run import pipeline
from tests.conftest import REALDATA, needs_realdata
from tests.fakeapi import linkedin_community as li_fake
from tests.fakeapi.server import FakeApi, Reply
from transforms.api.envelope import Envelope, Window
from transforms.api.linkedin_community import normalize, staff_count_range
from transforms.context import Account

TOKEN = "LI-AQX" + "7f3e9c1d2b4a6e8f0a1c3e5d"
ORG = li_fake.ORGANIZATION
TODAY = date(2026, 11, 23)
START = date(2026, 10, 1)
ACCOUNT = Account("linkedin", ORG, timezone="Asia/Jakarta")
CONFIG = f"""
[workspace]
name = "LinkedIn API test"
timezone = "Asia/Jakarta"
as_of = "{TODAY}"

[[accounts]]
platform = "linkedin"
account_id = "{ORG}"
name = "Wisata Nusantara"

[[sources]]
kind = "linkedin_community"
name = "linkedin"
token_env = "LINKEDIN_TOKEN"
base_url = "{{base}}{li_fake.PREFIX}"
organizations = ["urn:li:organization:{ORG}"]
start_date = "{START}"
page_size = 5
"""
STREAM = {stream.name: stream for stream in STREAMS}
POST_KEYS = (
    "impressionCount",
    "uniqueImpressionsCount",
    "clickCount",
    "likeCount",
    "commentCount",
    "shareCount",
)
LINKEDIN_WORKBOOK = "linkedin/linkedin_page_NPLF_2020Q2_visitors_updates.xls"  # read in place
pytest_plugins = ("tests.fakeapi",)


@pytest.fixture
def world() -> Iterator[tuple[FakeApi, li_fake.LinkedInWorld]]:
    with FakeApi() as fake:
        linkedin = li_fake.LinkedInWorld(token=TOKEN)
        li_fake.install(fake, linkedin)
        yield fake, linkedin


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINKEDIN_TOKEN", TOKEN)


def _settings(tmp_path: Path, fake: FakeApi) -> Settings:
    config = tmp_path / "kunci.toml"
    config.write_text(CONFIG.replace("{base}", fake.base_url), encoding="utf-8")
    return load_settings(str(config))


def _run(
    tmp_path: Path, settings: Settings, *, replay: bool = False, db: str = "k.duckdb"
) -> tuple[duckdb.DuckDBPyConnection, list[LoadOutcome]]:
    con = store.connect(tmp_path / db)
    pipeline.initialise(con, settings)
    return con, runner.load_sources(con, settings, tmp_path / "raw", replay=replay)


def _daily(con: duckdb.DuckDBPyConnection) -> dict[date, tuple[Any, ...]]:
    rows = con.execute(
        "select date, impressions, reach, engagements, followers_gained, profile_visits "
        "from core.account_daily where platform = 'linkedin' and account_id = ? "
        "and followers_total is null order by date",
        [ORG],
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def _expected_day(world: li_fake.LinkedInWorld, day: date) -> tuple[int, ...]:
    stats, gains = world.share_day(day), world.gains(day)
    engaged = sum(stats[k] for k in ("clickCount", "likeCount", "commentCount", "shareCount"))
    return (
        stats["impressionCount"],
        stats["uniqueImpressionsCount"],
        engaged,
        gains["organicFollowerGain"] + gains["paidFollowerGain"],
        world.page_views(day),
    )


def _one(con: duckdb.DuckDBPyConnection, query: str, params: list[Any] | None = None) -> Any:
    row = con.execute(query, params or []).fetchone()
    assert row is not None
    return row[0]


def _paths(fake: FakeApi) -> list[str]:
    return [r.path.removeprefix(li_fake.PREFIX + "/") for r in fake.requests]


def test_nightly_runs_fill_every_table_and_the_second_pulls_only_the_lookback_and_refresh(
    tmp_path: Path, world: tuple[FakeApi, li_fake.LinkedInWorld], token: None
) -> None:
    fake, linkedin = world
    settings = _settings(tmp_path, fake)
    con, outcomes = _run(tmp_path, settings)
    assert {o.status for o in outcomes} == {"loaded"}, [o.error for o in outcomes]
    first = len(fake.requests)
    days = linkedin.days(START, TODAY)
    assert _daily(con) == {day: _expected_day(linkedin, day) for day in days}
    # share, follower and page statistics over the 54 days (one window each), the lifetime
    # facets and the network size, 6 listing pages of 5 posts (27 posts), and the statistics of
    # 14 shares and 13 ugcPosts (one request each: batches of 20)
    assert first == 3 + 2 + 6 + 2
    audience = con.execute(
        "select dimension, bucket, value from core.audience where platform = 'linkedin' "
        "order by dimension, bucket"
    ).fetchall()
    assert ("company_size", "10001+", 33.0) in audience
    assert ("company_size", "11-50", 70.0) in audience
    assert ("country", "urn:li:geo:102478259", 400.0) in audience
    assert {row[0] for row in audience} == {
        "city",
        "company_size",
        "country",
        "industry",
        "job_function",
        "seniority",
    }
    total = con.execute(
        "select followers_total from core.account_daily where platform = 'linkedin' "
        "and followers_total is not null"
    ).fetchall()
    assert total == [(li_fake.NETWORK_SIZE,)]
    posts = con.execute(
        "select post_id, content_type, is_paid, permalink from core.post "
        "where platform = 'linkedin' order by published_date"
    ).fetchall()
    assert len(posts) == len(linkedin.posts()) == 27
    assert [p[1] for p in posts[:4]] == ["photo", "video", "link", "text"]
    assert {p[2] for p in posts} == {False}
    assert posts[0][3] == f"https://www.linkedin.com/feed/update/{posts[0][0]}/"
    metrics = con.execute(
        "select post_id, impressions, reach, clicks, reactions, comments, shares "
        "from core.post_metrics where platform = 'linkedin'"
    ).fetchall()
    assert len(metrics) == 27
    for post_id, *counts in metrics:
        stats = linkedin.post_stats(post_id)
        assert counts == [stats[k] for k in POST_KEYS]

    linkedin.growth = 50
    fake.requests.clear()
    con.close()
    con, outcomes = _run(tmp_path, settings)
    # the lifetime answers of the same day are the same pull: skipped by their digest
    assert {o.status for o in outcomes} <= {"loaded", "skipped"}, [o.error for o in outcomes]
    second = _paths(fake)
    intervals = [r.query["timeIntervals"] for r in fake.requests if "timeIntervals" in r.query]
    lookback = day_intervals(Window(TODAY - timedelta(days=7), TODAY))
    assert intervals == [lookback] * 3
    # the listing pages back to the refresh period (from 26 Oct, widened by a day: 4 pages of 5);
    # the window's 4 posts are read, and the refresh period's 11 older ones again (10 stored,
    # 1 listed on 25 Oct UTC), in one request per URN kind each
    assert second.count("posts") == 4
    assert sum(o.posts_refreshed for o in outcomes) == 11
    assert len(second) == 3 + 2 + 4 + 4
    grown = con.execute(
        "select count(*) from core.post_metrics where platform = 'linkedin' "
        "and impressions = 1000 + 10 * (cast(split_part(post_id, ':', 4) as hugeint) "
        "- 7100000000000000000) + 50"
    ).fetchone()
    assert grown == (15,)
    con.close()
    for path in (p for p in tmp_path.rglob("*") if p.is_file()):
        assert TOKEN.encode() not in path.read_bytes(), path


def test_a_bad_option_fails_each_pull_in_one_line_and_the_run_goes_on(
    tmp_path: Path, world: tuple[FakeApi, li_fake.LinkedInWorld], token: None
) -> None:
    fake, _ = world
    config = tmp_path / "kunci.toml"
    text = CONFIG.replace("{base}", fake.base_url).replace("page_size = 5", "page_size = 500")
    config.write_text(text, encoding="utf-8")
    _, outcomes = _run(tmp_path, load_settings(str(config)))
    assert len(outcomes) == len(STREAMS) and {o.status for o in outcomes} == {"failed"}
    assert all("page_size must be 1 to 100, got 500" in str(o.error) for o in outcomes)
    assert fake.requests == []


def test_replay_of_the_raw_zone_equals_the_live_pull(
    tmp_path: Path, world: tuple[FakeApi, li_fake.LinkedInWorld], token: None
) -> None:
    fake, _ = world
    settings = _settings(tmp_path, fake)
    live, _ = _run(tmp_path, settings)
    replayed, outcomes = _run(tmp_path, settings, replay=True, db="replay.duckdb")
    assert {o.status for o in outcomes} == {"loaded"}
    for table in ("account_daily", "audience", "post"):
        query = f"select * exclude (load_id) from core.{table} order by all"
        assert live.execute(query).fetchall() == replayed.execute(query).fetchall()


def test_requests_speak_restli_2_with_the_version_headers(fake_api: FakeApi) -> None:
    sent: list[Any] = []
    session = RestliSession("202607")
    session.hooks["response"].append(lambda response, **_kw: sent.append(response.request))
    params = {
        "q": "organizationalEntity",
        "timeIntervals": day_intervals(Window(date(2026, 11, 1), date(2026, 11, 2))),
        "shares": restli_list(["urn:li:share:1", "urn:li:share:2"]),
    }
    session.request("GET", fake_api.base_url + "/rest/x", params=params)
    url = sent[0].url
    assert "timeIntervals=(timeRange:(start:1793491200000,end:1793664000000)," in url
    assert "timeGranularityType:DAY)" in url
    assert "shares=List(urn%3Ali%3Ashare%3A1,urn%3Ali%3Ashare%3A2)" in url
    assert sent[0].headers["LinkedIn-Version"] == "202607"
    assert sent[0].headers["X-Restli-Protocol-Version"] == "2.0.0"
    # what the fake (and LinkedIn) reads back: the structure, and the URNs decoded
    assert fake_api.requests[0].query["shares"] == "List(urn:li:share:1,urn:li:share:2)"


def _source(fake: FakeApi, **options: Any) -> ApiSource:
    return ApiSource(
        "linkedin",
        "linkedin_community",
        "LINKEDIN_TOKEN",
        fake.base_url + li_fake.PREFIX,
        {"organizations": (ORG,)},
        options={"page_size": 5, **options},
    )


WEEK = Window(date(2026, 11, 10), date(2026, 11, 16))


def test_429_and_5xx_are_retried_then_the_pull_loads(
    world: tuple[FakeApi, li_fake.LinkedInWorld],
) -> None:
    fake, linkedin = world
    path = f"{li_fake.PREFIX}/organizationPageStatistics"
    fake.script("GET", path, [li_fake.throttled(), Reply.text("upstream", status=503)])
    pauses: list[float] = []
    client = client_for(_source(fake), TOKEN, None, sleep=pauses.append)
    envelopes = pull(client, _source(fake), STREAM["page_statistics"], ORG, WEEK)
    assert [e.status for e in envelopes] == [200] and len(pauses) == 2
    result = normalize("page_statistics", envelopes, ACCOUNT)
    assert result.rows_loaded == 7
    visits = result.tables["account_daily"].get_column("profile_visits").to_list()
    assert visits == [linkedin.page_views(d) for d in linkedin.days(WEEK.start, WEEK.end)]


def test_a_daily_limit_fails_the_pull_and_the_sources_later_pulls_ask_nothing(
    world: tuple[FakeApi, li_fake.LinkedInWorld],
) -> None:
    fake, _ = world
    path = f"{li_fake.PREFIX}/organizationalEntityShareStatistics"
    fake.script("GET", path, [li_fake.throttled()] * 5)
    client = client_for(_source(fake), TOKEN, None, sleep=lambda _s: None)
    with pytest.raises(ApiError, match="rate limited: Resource level throttle"):
        pull(client, _source(fake), STREAM["share_statistics"], ORG, WEEK)
    asked = len(fake.requests)
    with pytest.raises(ApiError, match=r"daily rate limit .* midnight UTC"):
        pull(client, _source(fake), STREAM["page_statistics"], ORG, WEEK)
    assert len(fake.requests) == asked == 5


def test_an_expired_token_fails_the_source_alone_and_no_token_is_written_anywhere(
    tmp_path: Path,
    world: tuple[FakeApi, li_fake.LinkedInWorld],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake, _ = world
    expired = "AQV-expired-" + "9b8a7c6d5e4f3a2b1c0d"
    monkeypatch.setenv("LINKEDIN_TOKEN", expired)
    caplog.set_level(logging.DEBUG)
    con, outcomes = _run(tmp_path, _settings(tmp_path, fake))
    assert outcomes and {o.status for o in outcomes} == {"failed"}
    assert "token rejected: Invalid access token (serviceErrorCode 65600" in str(outcomes[0].error)
    assert len(fake.requests) == 1  # the first 401 ends the source
    con.close()
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any("raw" in p.parts for p in files)
    for path in files:
        assert expired.encode() not in path.read_bytes(), path
    assert expired not in caplog.text


def test_a_post_linkedin_refuses_fails_its_batch_and_alone_is_quarantined(
    world: tuple[FakeApi, li_fake.LinkedInWorld],
) -> None:
    fake, linkedin = world
    shares = [p["id"] for p in linkedin.posts() if p["id"].startswith("urn:li:share:")]
    window = Window(date(2026, 10, 1), TODAY)
    linkedin.refused_posts = {shares[3]}
    client = client_for(_source(fake), TOKEN, None, sleep=lambda _s: None)
    envelopes = pull(client, _source(fake), STREAM["posts"], ORG, window)
    statuses = [e.status for e in envelopes if e.item.get("request") == "post_statistics"]
    assert statuses.count(403) == 1 and statuses.count(200) == len(shares) - 1 + 1
    result = normalize("posts", envelopes, ACCOUNT)
    assert result.rows_quarantined == 1
    assert "LinkedIn error 403 (100): Unpermitted fields" in result.quarantine["reason"][0]
    assert shares[3] in result.quarantine["raw"][0]
    assert result.tables["post"].height == 27
    assert result.tables["post_metrics"].height == 26


def test_share_statistics_are_asked_only_for_the_12_months_linkedin_serves(
    world: tuple[FakeApi, li_fake.LinkedInWorld],
) -> None:
    fake, _ = world
    today = datetime.now(UTC).date()
    client = client_for(_source(fake), TOKEN, None)
    old = Window(today - timedelta(days=500), today - timedelta(days=400))
    assert pull(client, _source(fake), STREAM["share_statistics"], ORG, old) == []
    window = Window(today - timedelta(days=400), today)
    envelopes = pull(client, _source(fake), STREAM["share_statistics"], ORG, window)
    served = today - timedelta(days=364)
    assert envelopes[0].params["timeIntervals"] == day_intervals(Window(served, today))
    notes = normalize("share_statistics", envelopes, ACCOUNT).notes
    assert any(f"days before {served}" in note for note in notes)


def test_a_sunset_version_fails_in_one_line_naming_the_option(
    world: tuple[FakeApi, li_fake.LinkedInWorld],
) -> None:
    fake, _ = world
    source = _source(fake, linkedin_version="202401")
    client = client_for(source, TOKEN, None)
    with pytest.raises(ApiError, match="set linkedin_version"):
        pull(client, source, STREAM["follower_statistics"], ORG, WEEK)


# --- the mapping alone ------------------------------------------------------------------------


def _envelope(
    stream: str, body: str, item: dict[str, str], window: Window | None = WEEK
) -> Envelope:
    return Envelope(
        source="linkedin",
        kind="linkedin_community",
        stream=stream,
        account_id=ORG,
        window=window,
        method="GET",
        url="https://api.linkedin.com/rest/x",
        params={},
        status=200,
        body=body,
        fetched_at=datetime(2026, 11, 23, 20, 0, tzinfo=UTC),
        item=item,
    )


def _day(day: date, stats: str, span: int = 86_400_000) -> str:
    start = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)
    return f'{{"timeRange": {{"start": {start}, "end": {start + span}}}, "followerGains": {stats}}}'


def test_daily_elements_that_are_not_a_day_or_not_counts_are_quarantined_and_counted() -> None:
    elements = [
        _day(date(2026, 11, 10), '{"organicFollowerGain": 3, "paidFollowerGain": 1}'),
        _day(date(2026, 11, 11), '{"organicFollowerGain": 2.5, "paidFollowerGain": 0}'),
        _day(date(2026, 11, 12), '{"organicFollowerGain": 1}', span=7 * 86_400_000),
        _day(date(2026, 11, 30), '{"organicFollowerGain": 1}'),
        _day(date(2026, 11, 10), '{"organicFollowerGain": 4, "paidFollowerGain": 1}'),
    ]
    body = '{"elements": [' + ",".join(elements) + "]}"
    result = normalize(
        "follower_statistics",
        [_envelope("follower_statistics", body, {"request": "daily"})],
        ACCOUNT,
    )
    assert result.tables["account_daily"].select("date", "followers_gained").rows() == [
        (date(2026, 11, 10), 5)
    ]
    reasons = result.quarantine["reason"].to_list()
    assert len(reasons) == 2 and "'organicFollowerGain': 2.5" in reasons[0]
    assert "not one day" in reasons[1]
    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (5, 1, 2)
    assert "followers_total" not in result.tables["account_daily"].columns


def test_lifetime_facets_map_to_audience_and_unknown_facets_are_skipped_with_a_note() -> None:
    body = (
        '{"elements": [{"organizationalEntity": "urn:li:organization:1", '
        '"followerCountsBySeniority": [{"seniority": "urn:li:seniority:4", '
        '"followerCounts": {"organicFollowerCount": 9, "paidFollowerCount": 0}}, '
        '{"followerCounts": {"organicFollowerCount": 1}}], '
        '"followerCountsByAssociationType": [{"associationType": "EMPLOYEE", '
        '"followerCounts": {"organicFollowerCount": 2}}]}]}'
    )
    envelopes = [
        _envelope("follower_demographics", body, {"request": "lifetime"}, None),
        _envelope("follower_demographics", '{"firstDegreeSize": 77}', {"request": "network_size"}),
    ]
    result = normalize("follower_demographics", envelopes, ACCOUNT)
    audience = result.tables["audience"]
    assert audience.select("as_of_date", "dimension", "bucket", "value").rows() == [
        (date(2026, 11, 24), "seniority", "urn:li:seniority:4", 9.0)
    ]
    assert result.tables["account_daily"].select("date", "followers_total").rows() == [
        (date(2026, 11, 24), 77)
    ]
    assert result.rows_quarantined == 1 and result.rows_skipped == 1
    assert "facet followerCountsByAssociationType" in "; ".join(result.notes)
    assert [staff_count_range(v) for v in ("SIZE_1", "SIZE_2_TO_10", "SIZE_10001_OR_MORE")] == [
        "1",
        "2-10",
        "10001+",
    ]


def test_organization_ids_are_the_numeric_id_the_exports_use(tmp_path: Path) -> None:
    assert account_id_for("organizations", "urn:li:organization:42") == "42"
    assert account_id_for("organizations", "42") == "42"
    assert runner.PLATFORM_OF_IDS["organizations"] == "linkedin"


def test_posts_map_dark_posts_as_paid_skip_drafts_and_quarantine_what_has_no_id_or_time() -> None:
    nov12 = int(datetime(2026, 11, 12, 3, tzinfo=UTC).timestamp() * 1000)
    listing = (
        '{"paging": {"start": 0, "count": 10, "total": 3}, "elements": ['
        f'{{"id": "urn:li:share:1", "publishedAt": {nov12}, "lifecycleState": "PUBLISHED", '
        '"distribution": {"feedDistribution": "NONE"}, "content": {"multiImage": {}}}, '
        f'{{"id": "urn:li:share:2", "createdAt": {nov12}, "lifecycleState": "DRAFT"}}, '
        '{"id": "urn:li:ugcPost:3", "lifecycleState": "PUBLISHED"}]}'
    )
    statistics = (
        '{"elements": [{"share": "urn:li:share:1", "totalShareStatistics": '
        '{"impressionCount": 10, "uniqueImpressionsCount": 8, "clickCount": 1, "likeCount": 2, '
        '"commentCount": 0, "shareCount": 0}}, {"totalShareStatistics": {"impressionCount": 1}}]}'
    )
    envelopes = [
        _envelope("posts", listing, {"request": "posts"}),
        _envelope("posts", statistics, {"request": "post_statistics", "posts": "urn:li:share:1"}),
    ]
    result = normalize("posts", envelopes, ACCOUNT)
    post = result.tables["post"]
    assert post.select("post_id", "published_date", "content_type", "is_paid").rows() == [
        ("urn:li:share:1", date(2026, 11, 12), "carousel", True)
    ]
    metrics = result.tables["post_metrics"]
    assert metrics.select("post_id", "impressions", "reach", "reactions").rows() == [
        ("urn:li:share:1", 10, 8, 2)
    ]
    reasons = result.quarantine["reason"].to_list()
    assert reasons == ["no publishedAt or createdAt", "statistics without their share or ugcPost"]
    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (5, 2, 1)
    assert "not PUBLISHED (DRAFT)" in "; ".join(result.notes)


@needs_realdata
def test_a_page_read_through_the_api_skips_its_content_exports_posts_and_says_why(
    tmp_path: Path, world: tuple[FakeApi, li_fake.LinkedInWorld], token: None
) -> None:
    fake, linkedin = world
    settings = _settings(tmp_path, fake)
    export = InputFile(REALDATA / LINKEDIN_WORKBOOK, settings.account(f"linkedin:{ORG}"))
    con, _ = _run(tmp_path, settings)
    api_posts = _one(con, "select count(*) from core.post where platform = 'linkedin'")
    assert api_posts == len(linkedin.posts())

    outcome = ingest.ingest_file(con, export, settings, tmp_path / "raw")
    assert outcome.status == "loaded" and outcome.rows_quarantined == 0
    assert _one(con, "select count(*) from core.post where platform = 'linkedin'") == api_posts
    assert _one(con, "select count(*) from core.post where post_id like 'urn:li:activity:%'") == 0
    export_days = "select count(*) from core.account_daily where platform = 'linkedin' and date < ?"
    assert _one(con, export_days, [START]) == 91  # the workbook's visitor and update metric days
    notes = str(_one(con, "select notes from ops.load where source = ?", [outcome.path]))
    assert "sheet 'Update Engagement': 10 post rows skipped" in notes
    assert "loaded by API source 'linkedin'" in notes

    alone = store.connect(tmp_path / "export_alone.duckdb")  # the same export, no API source
    export_only = replace(settings, api_sources=())
    pipeline.initialise(alone, export_only)
    without_api = ingest.ingest_file(alone, export, export_only, tmp_path / "raw_alone")
    assert without_api.rows_skipped == outcome.rows_skipped - 10
    assert _one(alone, "select count(*) from core.post where platform = 'linkedin'") == 10
