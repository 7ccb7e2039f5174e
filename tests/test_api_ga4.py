"""GA4 Data API: the `runReport` mapping over hand-made fixtures, the pull against the fake API.

Fixtures follow the API reference (`RunReportResponse`); the fake world's numbers come from
`tests.fakeapi.google`, whose docstring states the formulas.
"""

import json
import secrets
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from flows.api import ga4 as connector
from flows.api.client import ApiClient
from flows.api.errors import TokenError
from flows.api.rawlog import RawLog
from flows.config.settings import ApiSource
from tests.fakeapi import FakeApi
from tests.fakeapi.google import FIXTURES, SOURCES, GoogleWorld, install
from transforms.api.envelope import Envelope, Window
from transforms.api.ga4 import normalize
from transforms.context import Account
from transforms.errors import InputError

TOKEN = "TEST-" + secrets.token_hex(8)
PROPERTY = "properties/345678901"
ACCOUNT = Account("web", PROPERTY, account_name="wisatanusantara.go.id - GA4")
WINDOW = Window(date(2026, 10, 1), date(2026, 10, 7))
TRAFFIC = connector.STREAMS[0]
KEY = ("date", "source", "medium", "campaign")


def envelope(body: str | dict[str, Any], status: int = 200, page: int = 0) -> Envelope:
    text = (FIXTURES / body).read_text() if isinstance(body, str) else json.dumps(body)
    return Envelope(
        source="ga4_main",
        kind="ga4",
        stream="traffic",
        account_id=PROPERTY,
        window=WINDOW,
        method="POST",
        url="https://analyticsdata.googleapis.com/v1beta/properties/345678901:runReport",
        params={},
        status=status,
        body=text,
        fetched_at=datetime(2026, 10, 8, 1, 0, tzinfo=UTC),
        page=page,
    )


def rows(frame: pl.DataFrame, *columns: str) -> list[tuple[Any, ...]]:
    return frame.select(columns).rows()


def page(
    rows: list[tuple[list[str], list[str]]], metrics: list[str], **extra: Any
) -> dict[str, Any]:
    """A runReport answer with the traffic dimensions and these metrics (all integers)."""
    return {
        "dimensionHeaders": [
            {"name": n} for n in ("date", "sessionSource", "sessionMedium", "sessionCampaignName")
        ],
        "metricHeaders": [{"name": m, "type": "TYPE_INTEGER"} for m in metrics],
        "rows": [
            {
                "dimensionValues": [{"value": v} for v in dims],
                "metricValues": [{"value": v} for v in values],
            }
            for dims, values in rows
        ],
        "rowCount": len(rows),
        "kind": "analyticsData#runReport",
        **extra,
    }


# --- mapping -------------------------------------------------------------------------------


def test_report_pages_become_daily_traffic_of_the_property() -> None:
    pulled = [
        envelope("ga4_error_invalid_metric.json", status=400),
        envelope("ga4_traffic_p1.json"),
        envelope("ga4_traffic_p2.json", page=1),
    ]
    result = normalize("traffic", pulled, ACCOUNT)
    traffic = result.tables["web_traffic_daily"]
    assert set(traffic["property_id"]) == {PROPERTY}
    columns = (*KEY, "platform", "sessions", "engaged_sessions", "conversions", "leads")
    assert rows(traffic, *columns) == [
        (date(2026, 10, 1), "google", "organic", "(organic)", None, 412, 288, 9.0, 2.0),
        (date(2026, 10, 1), "(direct)", "(none)", "(direct)", None, 198, 120, 3.0, 0.0),
        (
            date(2026, 10, 1),
            "l.instagram.com",
            "referral",
            "(referral)",
            "instagram",
            87,
            51,
            4.0,
            3.0,
        ),
        (date(2026, 10, 2), "facebook.com", "social", "wisata_okt", "facebook", 140, 97, 6.0, 5.0),
        (date(2026, 10, 2), "ig", "social", "(not set)", "instagram", 66, 40, 2.0, 1.0),
    ]
    assert rows(traffic, "revenue", "users", "pageviews")[1] == (150000.5, 181, 530)
    assert "bounces" not in traffic.columns  # GA4 counts none: NULL when loaded
    assert (result.format, result.platform) == ("ga4:traffic", "web")
    assert (result.rows_read, result.rows_skipped, result.rows_quarantined) == (5, 0, 0)
    assert result.notes == (
        "dropped invalid metrics: totalRevenue",
        "revenue in IDR (the property's currency)",
        "GA4 rolled some rows into '(other)' (dataLossFromOtherRow): the split by source / "
        "medium / campaign is incomplete",
    )


def test_leads_add_up_the_lead_events_and_stay_null_without_them() -> None:
    dims = ["20261003", "facebook.com", "social", ""]
    metrics = ["sessions", "keyEvents:generate_lead", "keyEvents:sign_up"]
    both = normalize("traffic", [envelope(page([(dims, ["10", "2", "3"])], metrics))], ACCOUNT)
    assert rows(
        both.tables["web_traffic_daily"], "campaign", "leads", "conversions", "revenue"
    ) == [("(not set)", 5.0, None, None)]
    none = normalize("traffic", [envelope(page([(dims, ["10"])], ["sessions"]))], ACCOUNT)
    assert none.tables["web_traffic_daily"]["leads"].to_list() == [None]


def test_a_key_repeated_across_pages_keeps_the_last_and_bad_rows_are_quarantined() -> None:
    metrics = ["sessions"]
    first = page([(["20261003", "google", "organic", "(organic)"], ["10"])], metrics)
    second = page(
        [
            (["20261003", "google", "organic", "(organic)"], ["12"]),
            (["2026-10-03", "bing", "organic", "(organic)"], ["4"]),
            (["20261003", "t.co", "referral", "(referral)"], ["4.5"]),
        ],
        metrics,
        metadata={
            "samplingMetadatas": [{"samplesReadCount": "5000", "samplingSpaceSize": "90000"}]
        },
    )
    result = normalize("traffic", [envelope(first), envelope(second, page=1)], ACCOUNT)
    assert rows(result.tables["web_traffic_daily"], "source", "sessions") == [("google", 12)]
    assert rows(result.quarantine, "row_number", "reason") == [
        (3, "no readable 'date' (YYYYMMDD)"),
        (4, "'sessions': \"4.5\" is not a whole number"),
    ]
    assert (result.rows_read, result.rows_quarantined, result.rows_skipped) == (4, 2, 1)
    assert result.notes == (
        "GA4 sampled the report: 5000 of 90000 events read",
        "1 rows repeating a key across pages skipped",
    )


def test_an_empty_report_loads_nothing() -> None:
    empty = {
        "dimensionHeaders": [{"name": "date"}],
        "metricHeaders": [],
        "kind": "analyticsData#runReport",
    }
    result = normalize("traffic", [envelope(empty)], ACCOUNT)
    assert result.tables["web_traffic_daily"].height == 0
    assert (result.rows_read, result.rows_quarantined, result.rows_skipped) == (0, 0, 0)


# --- pulls against the fake API --------------------------------------------------------------


@pytest.fixture
def fake() -> Iterator[FakeApi]:
    with FakeApi() as api:
        install(api, GoogleWorld(token=TOKEN))
        yield api


def source(fake: FakeApi, **options: Any) -> ApiSource:
    return ApiSource(
        name="ga4_main",
        kind="ga4",
        token_env="KUNCI_TEST_GA4",
        base_url=fake.base_url,
        ids={"properties": ("345678901",)},
        options=options,
    )


def client(src: ApiSource, token: str = TOKEN, rawlog: RawLog | None = None) -> ApiClient:
    return connector.client_for(src, token, rawlog, sleep=lambda _: None)


def bodies(fake: FakeApi) -> list[dict[str, Any]]:
    return [r.json() for r in fake.requests if r.method == "POST"]


def world_row(day: date, j: int) -> tuple[Any, ...]:
    """The fake world's row for day and source index j (see tests.fakeapi.google)."""
    i = (day - date(2026, 10, 1)).days
    sessions = 100 * (j + 1) + 10 * i
    return (day, *SOURCES[j], sessions, sessions * 2 // 3, float(j + i % 3), float((i + j) % 4))


def test_the_pull_pages_by_offset_until_row_count(fake: FakeApi) -> None:
    src = source(fake, page_size=8)
    with client(src) as api:
        pulled = connector.pull(api, src, TRAFFIC, PROPERTY, WINDOW)
    sent = bodies(fake)
    # 7 days x 5 sources = 35 rows, 8 per page
    assert [(b["offset"], b["limit"]) for b in sent] == [(0, 8), (8, 8), (16, 8), (24, 8), (32, 8)]
    assert [e.page for e in pulled] == [0, 1, 2, 3, 4]
    assert {r.path for r in fake.requests} == {"/v1beta/properties/345678901:runReport"}
    assert sent[0]["dateRanges"] == [{"startDate": "2026-10-01", "endDate": "2026-10-07"}]
    assert [m["name"] for m in sent[0]["metrics"]] == [
        "sessions", "engagedSessions", "keyEvents", "totalRevenue", "totalUsers",
        "screenPageViews", "keyEvents:generate_lead",
    ]  # fmt: skip
    result = normalize("traffic", pulled, ACCOUNT)
    traffic = result.tables["web_traffic_daily"].sort(*KEY)
    columns = (*KEY, "sessions", "engaged_sessions", "conversions", "leads")
    days = [date(2026, 10, d) for d in range(1, 8)]
    expected = sorted(world_row(day, j) for day in days for j in range(len(SOURCES)))
    assert rows(traffic, *columns) == expected
    assert (result.rows_read, result.rows_quarantined, result.rows_skipped) == (35, 0, 0)


def test_the_server_page_cap_is_followed_by_the_rows_received(fake: FakeApi) -> None:
    src = source(fake)  # limit 10000, but the fake serves 10 rows per page
    with client(src) as api:
        pulled = connector.pull(api, src, TRAFFIC, "345678901", WINDOW)
    assert [b["offset"] for b in bodies(fake)] == [0, 10, 20, 30]
    assert normalize("traffic", pulled, ACCOUNT).tables["web_traffic_daily"].height == 35


def test_lead_events_come_from_the_options(fake: FakeApi) -> None:
    src = source(fake, lead_events=["generate_lead", "sign_up"])
    window = Window(date(2026, 10, 2), date(2026, 10, 2))
    with client(src) as api:
        pulled = connector.pull(api, src, TRAFFIC, PROPERTY, window)
    assert [m["name"] for m in bodies(fake)[0]["metrics"]][-2:] == [
        "keyEvents:generate_lead",
        "keyEvents:sign_up",
    ]
    traffic = normalize("traffic", pulled, ACCOUNT).tables["web_traffic_daily"].sort(*KEY)
    # the fake counts no sign_up: leads are generate_lead's alone
    expected = sorted(world_row(date(2026, 10, 2), j) for j in range(len(SOURCES)))
    assert traffic["leads"].to_list() == [row[-1] for row in expected]


def test_a_refused_metric_is_dropped_and_the_report_asked_again() -> None:
    world = GoogleWorld(token=TOKEN, invalid_metrics=frozenset({"totalRevenue"}))
    with FakeApi() as refusing:
        install(refusing, world)
        src = source(refusing)
        with client(src) as api:
            pulled = connector.pull(api, src, TRAFFIC, PROPERTY, WINDOW)
            assert api.dropped_metrics == {"traffic": {"totalRevenue"}}
        sent = bodies(refusing)
    assert ["totalRevenue" in [m["name"] for m in b["metrics"]] for b in sent] == [
        True, False, False, False, False,
    ]  # fmt: skip
    assert [b["offset"] for b in sent] == [0, 0, 10, 20, 30]
    assert [e.status for e in pulled] == [400, 200, 200, 200, 200]
    result = normalize("traffic", pulled, ACCOUNT)
    assert result.notes[0] == "dropped invalid metrics: totalRevenue"
    assert result.tables["web_traffic_daily"]["revenue"].null_count() == 35
    assert (result.rows_read, result.rows_quarantined, result.rows_skipped) == (35, 0, 0)


def test_a_rejected_token_fails_the_pull(fake: FakeApi) -> None:
    src = source(fake)
    with (
        client(src, token="TEST-" + secrets.token_hex(8)) as api,
        pytest.raises(TokenError) as error,
    ):
        connector.pull(api, src, TRAFFIC, PROPERTY, WINDOW)
    assert "token rejected" in str(error.value)
    assert [r.headers["authorization"].startswith("Bearer TEST-") for r in fake.requests] == [True]


def test_a_replay_from_the_raw_zone_gives_the_same_frames(fake: FakeApi, tmp_path: Path) -> None:
    src = source(fake)
    rawlog = RawLog(tmp_path, src.name)
    with client(src, rawlog=rawlog) as api:
        pulled = connector.pull(api, src, TRAFFIC, PROPERTY, WINDOW)
    rawlog.complete("traffic", PROPERTY, WINDOW, pulled)
    [replayed] = list(rawlog.pulls(stream="traffic"))
    live, again = (
        normalize("traffic", pulled, ACCOUNT),
        normalize("traffic", replayed.envelopes, ACCOUNT),
    )
    assert_frame_equal(live.tables["web_traffic_daily"], again.tables["web_traffic_daily"])
    assert (live.rows_read, live.notes) == (again.rows_read, again.notes)
    landed = [p.read_text() for p in tmp_path.rglob("*") if p.is_file()]
    assert landed and not any(TOKEN in text for text in landed)


def test_the_report_path_takes_the_property_in_either_form() -> None:
    assert connector.report_path(PROPERTY) == "/v1beta/properties/345678901:runReport"
    assert connector.report_path("345678901") == connector.report_path(PROPERTY)


def test_an_answer_not_shaped_as_documented_fails_in_one_line() -> None:
    broken = json.loads((FIXTURES / "ga4_traffic_p1.json").read_text())
    del broken["rows"][2]["metricValues"]
    with pytest.raises(
        InputError, match=r"^GA4 Data API: the answer of POST .*:runReport \(page 0\)"
    ):
        normalize("traffic", [envelope(broken)], ACCOUNT)
