"""Meta Marketing API ads insights: runner pulls into DuckDB, async jobs, faults, replay."""

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.api import runner
from flows.api.errors import ApiError
from flows.api.meta_ads import STREAMS, client_for, pull
from flows.build import models
from flows.config.settings import ApiSource, Settings, account_id_for, load_settings
from flows.load import store
from flows.load.outcomes import LoadOutcome
from flows.run import pipeline
from tests.fakeapi import meta_ads as ads_fake
from tests.fakeapi.server import FakeApi
from tests.fakeapi.workspace import TOKENS, install_all, write_config
from transforms.api.envelope import Envelope, Window
from transforms.api.meta_ads import action_total, action_types, normalize
from transforms.context import Account
from transforms.errors import InputError

ACCOUNT_ID = "act_482913570264815"
ADS_PATH = f"{ads_fake.PREFIX}/{ACCOUNT_ID}/insights"
FIRST = date(2026, 10, 25)
TODAY = date(2026, 11, 23)  # the workspace's as_of
ATTRIBUTION = Window(date(2026, 11, 16), TODAY)  # 7 days before the last pulled date, through today
ACCOUNT = Account("meta", ACCOUNT_ID, timezone="Asia/Jakarta", currency="IDR")
COLUMNS = (
    "campaign_id, ad_id, date, campaign_name, ad_set_name, ad_name, objective, currency, spend, "
    "impressions, reach, clicks, link_clicks, video_views, conversions, conversion_value, leads"
)


@pytest.fixture
def world() -> Iterator[tuple[FakeApi, ads_fake.AdsWorld]]:
    """Every fake API on one server; the ads world is returned so tests can change it."""
    with FakeApi() as fake:
        ads = ads_fake.AdsWorld(token=TOKENS["META_ADS_TOKEN"])
        ads_fake.install(fake, ads)  # first: install_all's own ads world is then never reached
        install_all(fake)
        yield fake, ads


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, token in TOKENS.items():
        monkeypatch.setenv(name, token)


def _settings(tmp_path: Path, fake: FakeApi) -> Settings:
    return load_settings(str(write_config(tmp_path, fake.base_url)))


def _run(
    tmp_path: Path,
    settings: Settings,
    *,
    db: str = "k.duckdb",
    replay: bool = False,
    sources: tuple[str, ...] | None = ("meta_ads",),
) -> tuple[duckdb.DuckDBPyConnection, list[LoadOutcome]]:
    con = store.connect(tmp_path / db)
    pipeline.initialise(con, settings)
    outcomes = runner.load_sources(con, settings, tmp_path / "raw", replay=replay, sources=sources)
    return con, outcomes


def _rows(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(f"select {COLUMNS} from core.ad_daily order by all").fetchall()


def _expected(world: ads_fake.AdsWorld, since: date, until: date) -> dict[str, float]:
    """Sums over the fake's own rows, by the default action types (totals before channels)."""

    def value(entries: list[dict[str, str]], *alternatives: tuple[str, ...]) -> float:
        found = {e["action_type"]: float(e["value"]) for e in entries}
        for names in alternatives:
            if any(name in found for name in names):
                return sum(found.get(name, 0.0) for name in names)
        return 0.0

    purchases = (
        ("purchase",),
        ("offsite_conversion.fb_pixel_purchase", "onsite_conversion.purchase"),
    )
    leads = (("lead",), ("onsite_conversion.lead_grouped", "offsite_conversion.fb_pixel_lead"))
    rows = world.rows(since, until)
    return {
        "rows": len(rows),
        "spend": sum(float(r["spend"]) for r in rows),
        "impressions": sum(int(r["impressions"]) for r in rows),
        "link_clicks": sum(int(r["inline_link_clicks"]) for r in rows),
        "conversions": sum(value(r.get("actions", []), *purchases) for r in rows),
        "conversion_value": sum(value(r.get("action_values", []), *purchases) for r in rows),
        "leads": sum(value(r.get("actions", []), *leads) for r in rows),
    }


def _sums(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    row = con.execute(
        "select count(*), sum(spend), sum(impressions), sum(link_clicks), sum(conversions), "
        "sum(conversion_value), sum(leads) from core.ad_daily where platform = 'meta'"
    ).fetchone()
    assert row is not None
    keys = (
        "rows",
        "spend",
        "impressions",
        "link_clicks",
        "conversions",
        "conversion_value",
        "leads",
    )
    return dict(zip(keys, row, strict=True))


def _requests(fake: FakeApi, method: str, suffix: str = "") -> int:
    return sum(
        1
        for r in fake.requests
        if r.method == method and r.path.startswith(ads_fake.PREFIX) and r.path.endswith(suffix)
    )


# --- through the runner, into DuckDB -------------------------------------------------------------


def test_first_pull_is_an_async_job_and_fills_ad_daily_with_the_fakes_sums(
    tmp_path: Path, world: tuple[FakeApi, ads_fake.AdsWorld], env: None
) -> None:
    fake, ads = world
    con, outcomes = _run(tmp_path, _settings(tmp_path, fake))
    assert [(o.status, o.format) for o in outcomes] == [("loaded", "meta_ads:ad_insights")]
    assert _sums(con) == _expected(ads, FIRST, TODAY)
    assert _sums(con)["leads"] == 163 and _sums(con)["conversions"] == 60  # by hand, once
    # 30 days > sync_max_days (14): one job, polled until complete, its rows paged (10 a page)
    assert _requests(fake, "POST", "/insights") == 1
    assert _requests(fake, "GET", "/insights") == 10
    assert _requests(fake, "GET") - _requests(fake, "GET", "/insights") == ads.job_polls
    row = con.execute(
        "select campaign_name, ad_set_name, ad_name, objective, currency, spend, reach, clicks, "
        "link_clicks, video_views, leads, conversions, conversion_value from core.ad_daily "
        "where ad_id = '120210000000000001' and date = '2026-11-01'"
    ).fetchone()
    assert row == (
        "Relawan - Prospek",
        "Jakarta 18-34",
        "Form relawan",
        "OUTCOME_LEADS",
        "IDR",
        157000.0,
        3035,
        127,
        87,
        907,
        6.0,  # `lead` 6, never + `onsite_conversion.lead_grouped` 6
        0.0,
        0.0,
    )
    # an ad with channel leads but no `lead` total: their sum
    leads = "select leads from core.ad_daily where ad_id = '120210000000000004' and date = ?"
    assert con.execute(leads, [date(2026, 11, 20)]).fetchone() == (3.0,)
    state = "select last_date from ops.api_state where source = 'meta_ads'"
    assert con.execute(state).fetchall() == [(TODAY,)]


def test_a_second_run_repulls_the_attribution_window_and_changes_nothing_else(
    tmp_path: Path, world: tuple[FakeApi, ads_fake.AdsWorld], env: None
) -> None:
    fake, ads = world
    settings = _settings(tmp_path, fake)
    con, _ = _run(tmp_path, settings)
    before = _rows(con)
    ads.late_leads.update({date(2026, 11, 18): 4, date(2026, 11, 1): 9})  # late attribution
    fake.requests.clear()
    con.close()
    con, outcomes = _run(tmp_path, settings)
    assert [o.status for o in outcomes] == ["loaded"]
    assert outcomes[0].path.endswith(f"/{ATTRIBUTION}")
    # 8 days of 4 ads = 32 rows, synchronous, 4 pages of at most 10; no job
    assert _requests(fake, "GET", "/insights") == 4 and _requests(fake, "POST") == 0
    after = _rows(con)
    assert len(after) == len(before) == 100
    changed = [(b, a) for b, a in zip(before, after, strict=True) if a != b]
    assert [(a[1], a[2], b[-1], a[-1]) for b, a in changed] == [
        ("120210000000000001", date(2026, 11, 18), 3.0, 7.0)
    ]  # 1 Nov lies outside the window: its late leads wait for a backfill
    assert _sums(con)["leads"] == _expected(ads, FIRST, TODAY)["leads"] - 9


def test_replay_of_the_raw_zone_equals_the_live_pull(
    tmp_path: Path, world: tuple[FakeApi, ads_fake.AdsWorld], env: None
) -> None:
    fake, _ = world
    settings = _settings(tmp_path, fake)
    live, _ = _run(tmp_path, settings)
    replayed, outcomes = _run(tmp_path, settings, db="replayed.duckdb", replay=True)
    assert [o.status for o in outcomes] == ["loaded"]
    assert _rows(replayed) == _rows(live)


def test_a_request_meta_calls_too_large_is_asked_again_as_a_job_and_noted(
    tmp_path: Path, world: tuple[FakeApi, ads_fake.AdsWorld], env: None
) -> None:
    fake, ads = world
    settings = _settings(tmp_path, fake)
    sources = tuple(
        replace(s, options={**s.options, "sync_max_days": 60}) if s.name == "meta_ads" else s
        for s in settings.api_sources
    )
    settings = replace(settings, api_sources=sources)
    con, outcomes = _run(tmp_path, settings)
    assert [o.status for o in outcomes] == ["loaded"]
    assert _sums(con) == _expected(ads, FIRST, TODAY)
    refused = [r for r in fake.requests if r.path == ADS_PATH and r.method == "GET"]
    assert len(refused) == 1  # code 100 subcode 1487534 is final: not retried
    note = con.execute("select notes from ops.load where status = 'loaded'").fetchone()
    assert note is not None and "read as an async report job" in str(note[0])


def test_an_expired_ads_token_fails_that_source_alone_and_no_token_reaches_the_raw_zone(
    tmp_path: Path, world: tuple[FakeApi, ads_fake.AdsWorld], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, _ = world
    for name, token in TOKENS.items():
        monkeypatch.setenv(name, token)
    monkeypatch.setenv("META_ADS_TOKEN", "EXPIRED-0123456789abcdef")
    con, outcomes = _run(tmp_path, _settings(tmp_path, fake), sources=None)
    failed = [o for o in outcomes if o.status == "failed"]
    assert [o.path.split("/")[2] for o in failed] == ["meta_ads"]
    assert "token rejected" in str(failed[0].error) and "190" in str(failed[0].error)
    assert {o.status for o in outcomes if o not in failed} == {"loaded"}
    assert con.execute("select count(*) from core.ad_daily").fetchone() == (0,)
    secrets = [*TOKENS.values(), "EXPIRED-0123456789abcdef"]
    raw_files = [path for path in (tmp_path / "raw").rglob("*") if path.is_file()]
    assert raw_files
    for path in raw_files:
        text = path.read_bytes()
        assert not any(secret.encode() in text for secret in secrets), path


def test_leads_daily_fills_from_api_data_alone(
    tmp_path: Path, world: tuple[FakeApi, ads_fake.AdsWorld], env: None
) -> None:
    fake, ads = world
    settings = _settings(tmp_path, fake)
    con, _ = _run(tmp_path, settings)
    models.build_metrics(con, settings.targets)
    row = con.execute(
        "select currency, sum(spend), sum(ad_leads), sum(conversions) from metrics.leads_daily "
        "where platform = 'meta' group by currency"
    ).fetchall()
    expected = _expected(ads, FIRST, TODAY)
    assert row == [("IDR", expected["spend"], expected["leads"], expected["conversions"])]
    cost = con.execute(
        "select cost_per_lead from metrics.leads_daily where platform = 'meta' "
        "and campaign = 'Relawan - Prospek' and date = '2026-11-20'"
    ).fetchone()
    # ads 1 and 4 of the campaign that day: (176000 + 30000) / (5 + 3)
    assert cost is not None and cost[0] == pytest.approx(206000 / 8)


# --- the connector alone: faults and jobs ---------------------------------------------------------


def _source(fake: FakeApi, **options: Any) -> ApiSource:
    return ApiSource(
        "ads",
        "meta_ads",
        "META_ADS_TOKEN",
        fake.base_url + ads_fake.PREFIX,
        {"ad_accounts": (ACCOUNT_ID,)},
        options={"poll_seconds": 0.5, **options},
    )


def test_throttling_429_code_17_and_80004_waits_with_the_usage_headers_then_loads(
    world: tuple[FakeApi, ads_fake.AdsWorld],
) -> None:
    fake, _ = world
    fake.script("GET", ADS_PATH, [ads_fake.throttled(17, 429), ads_fake.throttled(80004)])
    pauses: list[float] = []
    client = client_for(_source(fake), TOKENS["META_ADS_TOKEN"], None, sleep=pauses.append)
    envelopes = pull(client, _source(fake), STREAMS[0], ACCOUNT_ID, ATTRIBUTION)
    assert [e.status for e in envelopes] == [200, 200, 200, 200]
    # two throttled attempts (each at least half the 60 s throttle pause), then the pages
    assert len(pauses) >= 2 and all(p >= 30 for p in pauses[:2])
    assert normalize("ad_insights", envelopes, ACCOUNT).rows_loaded == 32


def test_usage_headers_near_the_limit_slow_the_client_down(
    world: tuple[FakeApi, ads_fake.AdsWorld],
) -> None:
    fake, ads = world
    ads.usage_pct = 95
    pauses: list[float] = []
    client = client_for(_source(fake), TOKENS["META_ADS_TOKEN"], None, sleep=pauses.append)
    pull(client, _source(fake), STREAMS[0], ACCOUNT_ID, ATTRIBUTION)
    assert pauses == [pytest.approx(48.0)] * 3  # 60 s x (95 - 75) / 25 before pages 2 to 4


def test_a_failed_report_job_fails_the_pull_with_its_status(
    world: tuple[FakeApi, ads_fake.AdsWorld],
) -> None:
    fake, ads = world
    ads.failing_jobs = frozenset({"9000000000000001"})
    pauses: list[float] = []
    client = client_for(_source(fake), TOKENS["META_ADS_TOKEN"], None, sleep=pauses.append)
    with pytest.raises(ApiError, match="report job 9000000000000001: Job Failed at 50%"):
        pull(client, _source(fake), STREAMS[0], ACCOUNT_ID, Window(FIRST, TODAY))
    assert pauses == [0.5]


def test_a_job_that_never_completes_gives_up_after_its_timeout(
    world: tuple[FakeApi, ads_fake.AdsWorld],
) -> None:
    fake, ads = world
    ads.job_polls = 1000
    pauses: list[float] = []
    source = _source(fake, job_timeout_seconds=3)
    client = client_for(source, TOKENS["META_ADS_TOKEN"], None, sleep=pauses.append)
    with pytest.raises(ApiError, match="not completed after 3s"):
        pull(client, source, STREAMS[0], ACCOUNT_ID, Window(FIRST, TODAY))
    assert pauses == [0.5, 1.0, 2.0]  # doubling


def test_invalid_action_types_fail_the_pull_in_one_line(
    world: tuple[FakeApi, ads_fake.AdsWorld],
) -> None:
    fake, _ = world
    source = _source(fake, lead_action_types="lead")
    client = client_for(source, TOKENS["META_ADS_TOKEN"], None)
    with pytest.raises(ApiError, match="action types must be a non-empty list"):
        pull(client, source, STREAMS[0], ACCOUNT_ID, ATTRIBUTION)


# --- the mapping ----------------------------------------------------------------------------------


def test_the_first_alternative_a_row_has_counts_and_a_list_is_summed() -> None:
    leads = action_types(
        ["lead", ["onsite_conversion.lead_grouped", "offsite_conversion.fb_pixel_lead"]]
    )
    both = [
        {"action_type": "lead", "value": "5"},
        {"action_type": "onsite_conversion.lead_grouped", "value": "3"},
        {"action_type": "offsite_conversion.fb_pixel_lead", "value": "2"},
    ]
    assert action_total(both, leads) == 5.0
    assert action_total(both[1:], leads) == 5.0
    assert action_total(both[2:], leads) == 2.0
    assert action_total(None, leads) == 0.0  # Meta leaves `actions` out when a row has none
    assert action_total([{"action_type": "lead", "value": "n/a"}], leads) == "n/a"
    with pytest.raises(InputError):
        action_types([["lead", 3]])


def _page(rows: list[dict[str, Any]], window: Window, **item: str) -> Envelope:
    return Envelope(
        source="ads",
        kind="meta_ads",
        stream="ad_insights",
        account_id=ACCOUNT_ID,
        window=window,
        method="GET",
        url=f"https://graph.facebook.com/v24.0/{ACCOUNT_ID}/insights",
        params={},
        status=200,
        body=json.dumps({"data": rows}),
        fetched_at=datetime(2026, 11, 23, 2, tzinfo=UTC),
        item={"request": "insights", **item},
    )


def test_rows_are_quarantined_with_a_reason_skipped_outside_the_window_and_counted() -> None:
    world = ads_fake.AdsWorld()
    day = date(2026, 11, 20)
    good = world.rows(day, day)
    bad_spend = {**good[0], "spend": "12,5"}
    no_currency = {**good[1], "account_currency": None}
    other_account = {**good[2], "account_id": "111"}
    two_days = {**good[3], "date_stop": "2026-11-21"}
    outside = world.rows(date(2026, 11, 10), date(2026, 11, 10))[0]
    rows = [bad_spend, no_currency, other_account, two_days, outside, good[0]]
    result = normalize(
        "ad_insights", [_page(rows, Window(day, day))], replace(ACCOUNT, currency=None)
    )
    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (6, 1, 1)
    assert sorted(result.quarantine["reason"].to_list()) == [
        "'date_stop' is not 'date_start': the row is not one day (time_increment=1)",
        "'spend': \"12,5\" is not a number",
        f"a row of another ad account than {ACCOUNT_ID}",
        "no 'account_currency' and no currency configured for the ad account",
    ]
    assert "skipped 1: a day outside the pull's window" in result.notes


def test_configured_action_types_travel_with_the_page() -> None:
    day = date(2026, 11, 20)
    rows = ads_fake.AdsWorld().rows(day, day)
    custom = json.dumps([["omni_purchase"]])
    result = normalize(
        "ad_insights", [_page(rows, Window(day, day), conversion_action_types=custom)], ACCOUNT
    )
    daily = result.tables["ad_daily"]
    assert daily.filter(daily["ad_id"] == "120210000000000002")["conversions"].to_list() == [3.0]


# --- configuration --------------------------------------------------------------------------------


def test_attribution_window_days_is_the_lookback_and_ad_account_ids_get_act(tmp_path: Path) -> None:
    config = tmp_path / "kunci.toml"
    entry = '[[sources]]\nkind = "meta_ads"\ntoken_env = "T"\nad_accounts = ["42"]\n'
    config.write_text(entry + "attribution_window_days = 28\n", encoding="utf-8")
    source = load_settings(str(config)).api_sources[0]
    assert (source.name, source.lookback_days, source.base_url) == (
        "meta_ads",
        28,
        "https://graph.facebook.com/v24.0",
    )
    assert "attribution_window_days" not in source.options
    assert account_id_for("ad_accounts", "42") == "act_42"
    assert account_id_for("ad_accounts", "act_42") == "act_42"
    config.write_text(entry + "lookback_days = 3\n", encoding="utf-8")
    with pytest.raises(InputError, match="give 'attribution_window_days' instead"):
        load_settings(str(config))
