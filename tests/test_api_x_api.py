"""X API v2 owned posts and followers: runner pulls into DuckDB, budget, faults, replay, mapping."""

import json
import logging
import secrets
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pytest

from flows.api import runner
from flows.api.classify import RetryLater
from flows.api.errors import ApiError, ItemError, TokenError
from flows.api.x_api import PRIVATE_DAYS, STREAMS, client_for, pull, x_error
from flows.config.settings import ApiSource, Settings, load_settings
from flows.load import store
from flows.load.outcomes import LoadOutcome
from flows.run import pipeline
from flows.run.runs import RunSummary, markdown
from tests.fakeapi import x_api as x_fake
from tests.fakeapi.server import FakeApi, Reply
from transforms.api.envelope import REFRESH, Envelope, Window
from transforms.api.x_api import BUDGET, METRICS, PRIVATE, PUBLIC, REQUEST, normalize
from transforms.context import Account

TOKEN = "XUSER-" + secrets.token_hex(16)
OTHER_TOKEN = "XOTHER-" + secrets.token_hex(16)
ZONE = "Asia/Jakarta"
USER = x_fake.USER_ID
ACCOUNT = Account("x", USER, handle="wisatanusantara", timezone=ZONE)
CONFIG = """
[workspace]
name = "X API test"
timezone = "Asia/Jakarta"

[[accounts]]
platform = "x"
account_id = "{user}"
handle = "wisatanusantara"
name = "Wisata Nusantara"

[[sources]]
kind = "x_api"
name = "x"
token_env = "KUNCI_TEST_X_TOKEN"
base_url = "{base}/2"
users = ["{user}"]
{extra}
"""
SECOND_SOURCE = """
[[accounts]]
platform = "x"
account_id = "2000000000000000001"
name = "Wisata Nusantara Kuliner"

[[sources]]
kind = "x_api"
name = "x_kuliner"
token_env = "KUNCI_TEST_X_OTHER_TOKEN"
base_url = "{base}/2"
users = ["2000000000000000001"]
"""


@pytest.fixture
def world() -> Iterator[tuple[FakeApi, x_fake.XWorld]]:
    with FakeApi() as fake:
        x_world = x_fake.XWorld(token=TOKEN)
        x_fake.install(fake, x_world)
        yield fake, x_world


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUNCI_TEST_X_TOKEN", TOKEN)
    monkeypatch.setenv("KUNCI_TEST_X_OTHER_TOKEN", OTHER_TOKEN)


def _settings(tmp_path: Path, fake: FakeApi, extra: str = "", more: str = "") -> Settings:
    text = CONFIG.replace("{extra}", extra) + more
    config = tmp_path / "kunci.toml"
    config.write_text(text.replace("{base}", fake.base_url).replace("{user}", USER), "utf-8")
    return load_settings(str(config))


def _run(
    tmp_path: Path, settings: Settings, *, db: str = "k.duckdb", replay: bool = False
) -> tuple[duckdb.DuckDBPyConnection, list[LoadOutcome]]:
    con = store.connect(tmp_path / db)
    pipeline.initialise(con, settings)
    outcomes = runner.load_sources(con, settings, tmp_path / "raw", replay=replay)
    return con, outcomes


def _today() -> date:
    return datetime.now(ZoneInfo(ZONE)).date()


def _earliest(day: date) -> datetime:
    """The first instant of a local date in any timezone (UTC+14)."""
    return datetime.combine(day, time(), UTC) - timedelta(hours=14)


def _local(moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(ZONE)).date()


def _expected_posts(x: x_fake.XWorld, first: date) -> set[str]:
    """Ids of the fake's posts published from `first` through today (local dates)."""
    return {x.post_id(k) for k in range(x.count) if first <= _local(x.created(k)) <= _today()}


def _tweet_requests(fake: FakeApi) -> list[dict[str, str]]:
    return [r.query for r in fake.requests if r.path.endswith("/tweets")]


def _reads(outcomes: list[LoadOutcome]) -> int:
    return sum(o.reads_used for o in outcomes)


# --- through the runner, into DuckDB -------------------------------------------------------------


def test_two_nightly_runs_fill_posts_snapshots_and_followers_within_the_reads_they_report(
    tmp_path: Path, world: tuple[FakeApi, x_fake.XWorld], env: None
) -> None:
    fake, x = world
    settings = _settings(tmp_path, fake)
    con, first = _run(tmp_path, settings)
    assert [(o.status, o.format) for o in first] == [
        ("loaded", "x_api:followers"),
        ("loaded", "x_api:posts"),
    ]
    history = _expected_posts(x, _today() - timedelta(days=29))
    posts = {r[0] for r in con.execute("select post_id from core.post").fetchall()}
    assert posts == history
    assert con.execute(
        "select date, followers_total from core.account_daily where platform = 'x'"
    ).fetchall() == [(_today(), x.followers)]
    # reads: the user, and every post listed (the window's dates in any timezone)
    since = _earliest(_today() - timedelta(29))
    listed = sum(1 for k in range(x.count) if x.created(k) >= since)
    assert _reads(first) == 1 + listed
    first_requests = len(fake.requests)
    assert first_requests == 3  # the user, one page of young posts, one page of older posts

    fake.requests.clear()
    con.close()
    con, second = _run(tmp_path, settings)
    # the same day's follower count again: the same answer, already loaded
    assert [o.status for o in second] == ["skipped", "loaded"]
    # the second run reads the lookback (7 days) and the maturing posts (post_refresh_days 28)
    refresh_start = _earliest(_today() - timedelta(28))
    starts = sorted(q["start_time"] for q in _tweet_requests(fake))
    assert starts[0] == refresh_start.strftime("%Y-%m-%dT%H:%M:%SZ")
    # the refresh span's oldest hours may be past 29 days: then they are asked without private
    # metrics, in a request of their own
    sliver = datetime.now(UTC) - timedelta(days=PRIVATE_DAYS) > refresh_start
    assert len(fake.requests) == 3 + sliver
    # posts read again: those listed between the refresh's start and the window's
    window_start = _earliest(_today() - timedelta(7))
    again = [k for k in range(x.count) if refresh_start <= x.created(k) < window_start]
    assert second[1].posts_refreshed == len(again) > 30
    assert RunSummary("k", inputs=second).as_dict()["reads_used"] == {"x": _reads(second)}
    assert _reads(second) < _reads(first)


def test_private_metrics_are_asked_only_for_young_posts_and_old_ones_stay_null(
    tmp_path: Path, world: tuple[FakeApi, x_fake.XWorld], env: None
) -> None:
    fake, x = world
    con, outcomes = _run(tmp_path, _settings(tmp_path, fake, "history_days = 60"))
    assert outcomes[1].rows_quarantined == 0  # no "Field Authorization Error" was provoked
    oldest_private = datetime.now(UTC) - timedelta(days=PRIVATE_DAYS)
    for query in _tweet_requests(fake):
        if "non_public_metrics" in query["tweet.fields"]:
            start = datetime.fromisoformat(query["start_time"].replace("Z", "+00:00"))
            assert start >= oldest_private - timedelta(minutes=5)
    rows = con.execute(
        "select p.post_id, m.impressions, m.link_clicks, m.profile_visits, m.reactions, m.shares "
        "from core.post p join core.post_metrics m using (platform, post_id)"
    ).fetchall()
    by_id = {x.post_id(k): k for k in range(x.count)}
    young = [r for r in rows if x.created(by_id[r[0]]) > oldest_private + timedelta(days=1)]
    old = [r for r in rows if x.created(by_id[r[0]]) < oldest_private]
    assert young and old
    assert all(r[2] is not None and r[3] is not None for r in young)
    assert all(r[2] is None and r[3] is None for r in old)  # absent, never 0
    assert all(r[1] == 500 + 37 * by_id[r[0]] for r in rows)  # public impressions for every age
    k = by_id[rows[0][0]]
    assert rows[0][4:] == (10 + k % 9, k % 5 + k % 3)
    notes = con.execute("select notes from ops.load where format = 'x_api:posts'").fetchone()
    assert notes is not None and "public metrics only" in notes[0]


def test_paging_follows_next_token_and_promoted_posts_are_paid(
    tmp_path: Path, world: tuple[FakeApi, x_fake.XWorld], env: None
) -> None:
    fake, x = world
    con, _ = _run(tmp_path, _settings(tmp_path, fake, "page_size = 10"))
    queries = _tweet_requests(fake)
    assert len(queries) > 3 and all(q["max_results"] == "10" for q in queries)
    assert sum("pagination_token" in q for q in queries) == len(queries) - 2
    paid = con.execute("select post_id from core.post where is_paid").fetchall()
    assert paid == [(x.post_id(3),)]
    kinds = dict(con.execute("select post_id, content_type from core.post").fetchall())
    assert kinds[x.post_id(0)] == "video" and kinds[x.post_id(22)] == "carousel"
    assert kinds[x.post_id(5)] == "photo" and kinds[x.post_id(1)] == "text"


def test_the_read_budget_stops_the_pull_and_the_summary_says_how_many_were_read(
    tmp_path: Path, world: tuple[FakeApi, x_fake.XWorld], env: None
) -> None:
    fake, x = world
    con, outcomes = _run(tmp_path, _settings(tmp_path, fake, "read_budget = 23\npage_size = 10"))
    assert [o.status for o in outcomes] == ["loaded", "loaded"]
    assert _reads(outcomes) == 21  # 1 user + 10 + 10 posts; 2 left is less than a page (5)
    assert [q["max_results"] for q in _tweet_requests(fake)] == ["10", "10"]
    assert con.execute("select count(*) from core.post").fetchone() == (20,)
    notes = con.execute("select notes from ops.load where format = 'x_api:posts'").fetchone()
    assert notes is not None and "read budget reached (21 of 23" in notes[0]
    summary = RunSummary("k", inputs=outcomes)
    assert summary.as_dict()["reads_used"] == {"x": 21}
    assert "API reads used (billed per read): x 21" in markdown(summary)
    newest = {x.post_id(k) for k in range(20)}
    assert {r[0] for r in con.execute("select post_id from core.post").fetchall()} == newest


def test_a_budget_used_up_fails_the_pull_with_the_reason(
    tmp_path: Path, world: tuple[FakeApi, x_fake.XWorld], env: None
) -> None:
    fake, _ = world
    _, outcomes = _run(tmp_path, _settings(tmp_path, fake, "read_budget = 3"))
    assert [o.status for o in outcomes] == ["loaded", "failed"]
    assert "read budget used up (1 of 3" in (outcomes[1].error or "")
    assert not _tweet_requests(fake)


def test_429_waits_for_the_rate_limit_reset_then_retries_and_5xx_is_retried(
    tmp_path: Path, world: tuple[FakeApi, x_fake.XWorld], env: None
) -> None:
    fake, x = world
    now = str(int(datetime.now(UTC).timestamp()))
    limited = x_fake.problem("Too Many Requests", "Too Many Requests", 429)
    fake.script(
        "GET",
        f"/2/users/{USER}/tweets",
        [
            Reply.json(
                limited,
                status=429,
                headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": now},
            ),
            Reply.text("upstream connect error", status=503),
        ],
    )
    con, outcomes = _run(tmp_path, _settings(tmp_path, fake))
    assert [o.status for o in outcomes] == ["loaded", "loaded"]
    assert con.execute("select count(*) from core.post").fetchone() == (
        len(_expected_posts(x, _today() - timedelta(29))),
    )
    assert len(_tweet_requests(fake)) == 4  # two refused, then the two spans


def test_rate_limit_headers_pause_until_reset(world: tuple[FakeApi, x_fake.XWorld]) -> None:
    fake, x = world
    x.remaining = 0
    pauses: list[float] = []
    client = client_for(_source(fake), TOKEN, None, sleep=pauses.append)
    pull(client, _source(fake), STREAMS[0], USER, Window(_today(), _today()))
    pull(client, _source(fake), STREAMS[0], USER, Window(_today(), _today()))
    assert pauses == [300.0]  # the reset is 900 s away; one pause, capped at max_retry_after


def test_an_expired_token_fails_only_its_source(
    tmp_path: Path, world: tuple[FakeApi, x_fake.XWorld], env: None
) -> None:
    fake, _ = world
    settings = _settings(tmp_path, fake, more=SECOND_SOURCE)
    _, outcomes = _run(tmp_path, settings)
    by_source = {o.path.split("/")[2]: o for o in outcomes if o.status == "failed"}
    assert set(by_source) == {"x_kuliner"}
    assert "token rejected: Unauthorized" in (by_source["x_kuliner"].error or "")
    assert [o.status for o in outcomes if "/x/" in o.path] == ["loaded", "loaded"]
    failed = [o for o in outcomes if "x_kuliner" in o.path]
    assert len(failed) == 2 and all(o.status == "failed" for o in failed)


def test_partial_errors_and_an_unknown_user_are_quarantined(
    tmp_path: Path, world: tuple[FakeApi, x_fake.XWorld], env: None
) -> None:
    fake, x = world
    x.missing_media = frozenset({0, 5})
    x.user_id = "1"  # the configured user is now unknown to X for the follower count
    settings = _settings(tmp_path, fake)
    con, outcomes = _run(tmp_path, settings)
    assert outcomes[0].status == "quarantined"
    assert "Not Found Error: Could not find user" in (outcomes[0].error or "")
    x.user_id = USER
    _, again = _run(tmp_path, settings, db="two.duckdb")
    assert again[1].rows_quarantined == 2
    con = store.connect(tmp_path / "two.duckdb")
    reasons = con.execute("select reason from ops.quarantine order by all").fetchall()
    assert reasons == [
        (
            f"X API partial error: Not Found Error: Could not find media with media_key: [{k}]. "
            f"(media {k})",
        )
        for k in sorted(["7_0", "3_5"])
    ]
    assert con.execute(
        "select count(*) from core.post where post_id in (?, ?)", [x.post_id(0), x.post_id(5)]
    ).fetchone() == (2,)


def test_replay_gives_the_same_rows_and_no_token_is_written_anywhere(
    tmp_path: Path,
    world: tuple[FakeApi, x_fake.XWorld],
    env: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake, _ = world
    caplog.set_level(logging.DEBUG)
    settings = _settings(tmp_path, fake, "page_size = 20")
    live, _ = _run(tmp_path, settings)
    fake.requests.clear()
    replayed, outcomes = _run(tmp_path, settings, db="replay.duckdb", replay=True)
    assert not fake.requests and [o.status for o in outcomes] == ["loaded", "loaded"]
    assert _reads(outcomes) == 0  # a replay reads nothing from X
    query = "select * exclude (load_id) from core.post_metrics order by all"
    assert live.sql(query).fetchall() == replayed.sql(query).fetchall()
    live.close()
    replayed.close()
    files = [p for p in (tmp_path / "raw").rglob("*") if p.is_file()]
    files += [tmp_path / "k.duckdb", tmp_path / "replay.duckdb"]
    assert files and all(TOKEN.encode() not in p.read_bytes() for p in files)
    assert TOKEN not in caplog.text


# --- the connector and the mapping on their own ------------------------------------------------


def _source(fake: FakeApi, **options: Any) -> ApiSource:
    return ApiSource(
        name="x",
        kind="x_api",
        token_env="KUNCI_TEST_X_TOKEN",
        base_url=f"{fake.base_url}/2",
        ids={"users": (USER,)},
        options=options,
    )


def test_a_bad_option_fails_the_pull_naming_the_key(world: tuple[FakeApi, x_fake.XWorld]) -> None:
    fake, _ = world
    source = _source(fake, page_size=500)
    with pytest.raises(ApiError, match=r"'page_size' must be a whole number 5\.\.100"):
        pull(client_for(source, TOKEN, None), source, STREAMS[1], USER, Window(_today(), _today()))


def test_x_problems_are_sorted() -> None:
    assert isinstance(x_error(401, x_fake.problem("Unauthorized", "Unauthorized", 401)), TokenError)
    assert isinstance(x_error(429, x_fake.problem("Too Many Requests", "x", 429)), RetryLater)
    capped = {
        "title": "UsageCapExceeded",
        "detail": "Monthly product cap",
        "type": x_fake.PROBLEMS + "/usage-capped",
    }
    error = x_error(403, capped)
    assert type(error) is ApiError and "usage cap reached" in str(error)
    assert isinstance(x_error(200, {"errors": [{"title": "Not Found Error"}]}), ItemError)
    assert x_error(200, {"data": [], "errors": [{"title": "Not Found Error"}]}) is None
    assert x_error(200, {"meta": {"result_count": 0}}) is None


def _envelope(
    body: Any,
    *,
    item: dict[str, str] | None = None,
    status: int = 200,
    window: Window | None = None,
) -> Envelope:
    return Envelope(
        source="x",
        kind="x_api",
        stream="posts",
        account_id=USER,
        window=window or Window(date(2026, 12, 1), date(2026, 12, 7)),
        method="GET",
        url=f"https://api.x.com/2/users/{USER}/tweets",
        params={},
        status=status,
        body=json.dumps(body),
        fetched_at=datetime(2026, 12, 7, 1, 0, tzinfo=UTC),
        item=item or {REQUEST: "posts", METRICS: PRIVATE},
    )


def _tweet(post_id: str, created: str, **extra: Any) -> dict[str, Any]:
    return {"id": post_id, "created_at": created, "text": "halo", **extra}


def test_mapping_counts_nulls_and_window() -> None:
    public = {
        "retweet_count": 2,
        "reply_count": 3,
        "like_count": 4,
        "quote_count": 1,
        "bookmark_count": 5,
        "impression_count": 900,
    }
    body = {
        "data": [
            _tweet(
                "11",
                "2026-12-06T20:00:00.000Z",
                public_metrics=public,
                non_public_metrics={
                    "impression_count": 900,
                    "url_link_clicks": 0,
                    "user_profile_clicks": 7,
                },
                organic_metrics={"impression_count": 900},
            ),
            _tweet(
                "12", "2026-12-05T03:00:00.000Z", public_metrics={**public, "like_count": "many"}
            ),
            _tweet("13", "2026-11-29T12:00:00.000Z", public_metrics=public),  # 29 Nov in Jakarta
            _tweet("11", "2026-12-06T20:00:00.000Z", public_metrics=public),
        ],
        "errors": [
            {
                "title": "Not Found Error",
                "detail": "Could not find media",
                "resource_type": "media",
                "resource_id": "3_1",
            }
        ],
    }
    result = normalize(
        "posts",
        [_envelope(body, item={REQUEST: "posts", METRICS: PUBLIC, BUDGET: "read budget reached"})],
        ACCOUNT,
    )
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined, result.rows_skipped) == (
        5,
        1,
        2,
        2,
    )
    snapshot = result.tables["post_metrics"].row(0, named=True)
    assert snapshot["as_of_date"] == date(2026, 12, 7) and snapshot["impressions"] == 900
    assert (snapshot["reactions"], snapshot["comments"], snapshot["shares"], snapshot["saves"]) == (
        4,
        3,
        3,
        5,
    )
    assert (
        snapshot["link_clicks"],
        snapshot["profile_visits"],
        snapshot["clicks"],
        snapshot["follows"],
    ) == (0, 7, None, None)
    post = result.tables["post"].row(0, named=True)
    assert post["published_date"] == date(2026, 12, 7)  # 20:00 UTC is 03:00 the next day in Jakarta
    assert (
        post["permalink"] == "https://x.com/wisatanusantara/status/11" and post["is_paid"] is False
    )
    assert "read budget reached" in result.notes
    assert any(
        "public_metrics.like_count 'many'" in r
        for r in result.quarantine.get_column("reason").to_list()
    )


def test_mapping_keeps_refreshed_posts_and_an_empty_page() -> None:
    old = _tweet("21", "2026-11-20T05:00:00.000Z", public_metrics={"like_count": 1})
    item = {REQUEST: "posts", METRICS: PRIVATE, "refresh_since": "2026-11-15", REFRESH: "21"}
    result = normalize(
        "posts",
        [_envelope({"data": [old]}, item=item), _envelope({"meta": {"result_count": 0}})],
        ACCOUNT,
    )
    assert (result.rows_read, result.rows_loaded) == (1, 1)
    assert result.tables["post_metrics"].row(0, named=True)["impressions"] is None


def test_mapping_followers_of_the_runs_date_and_an_error_answer() -> None:
    today = Window(date(2026, 12, 7), date(2026, 12, 7))
    user = _envelope(
        {"data": {"id": USER, "public_metrics": {"followers_count": 5120}}},
        item={REQUEST: "user"},
        window=today,
    )
    missing = _envelope(
        {"errors": [{"title": "Not Found Error", "detail": "Could not find user"}]},
        item={REQUEST: "user"},
        window=today,
    )
    result = normalize("followers", [user, missing], ACCOUNT)
    assert result.tables["account_daily"].select("date", "followers_total").rows() == [
        (date(2026, 12, 7), 5120)
    ]
    assert result.quarantine.get_column("reason").to_list() == [
        "X API error: Not Found Error: Could not find user"
    ]
