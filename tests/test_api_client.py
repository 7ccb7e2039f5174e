"""The API client over real HTTP on 127.0.0.1: retries, throttling, classification, paging, secrecy.

Pauses go to a recording fake `sleep` and jitter to a fixed random source, so every expected pause
is an exact number and no test waits for real (except the 0.2 s client timeout).
"""

import hashlib
import hmac
import json
import logging
import random
import secrets
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from flows.api.classify import RetryLater, google_error, meta_error
from flows.api.client import ApiClient, Auth, Classifier, RetryPolicy, user_agent
from flows.api.errors import ApiError, InvalidMetricError, ItemError, TokenError
from flows.api.rawlog import RawLog
from flows.config.settings import ApiSource
from tests.conftest import REALDATA, needs_realdata
from tests.fakeapi import FakeApi, Reply, Request
from transforms.api.envelope import Window

pytest_plugins = ("tests.fakeapi",)  # the fake_api fixture

TOKEN = "TEST-" + secrets.token_hex(8)
META = REALDATA / "meta_graph_api"
WINDOW = Window(datetime(2026, 11, 1).date(), datetime(2026, 11, 7).date())
# Jitter at one half: a full-jitter backoff is half its ceiling, a throttle pause 3/4 of its.
POLICY = RetryPolicy(
    max_attempts=4, base_delay=1.0, max_delay=8.0, throttle_delay=10.0, max_retry_after=30.0
)


class HalfRandom(random.Random):
    def random(self) -> float:
        return 0.5


def make_client(
    fake: FakeApi,
    *,
    classify: Classifier = meta_error,
    auth: Auth = "query",
    rawlog: RawLog | None = None,
    policy: RetryPolicy = POLICY,
    options: dict[str, Any] | None = None,
) -> ApiClient:
    source = ApiSource(
        name="meta_main",
        kind="meta_graph" if auth == "query" else "ga4",
        token_env="KUNCI_TEST_TOKEN",
        base_url=fake.base_url,
        ids={"pages": ("1",)},
        options=options or {},
    )
    return ApiClient(
        source=source,
        token=TOKEN,
        rawlog=rawlog,
        policy=policy,
        auth=auth,
        classify=classify,
        sleep=lambda seconds: None,
        rng=HalfRandom(),
    )


def ok(request: Request) -> Reply:
    return Reply.json({"data": [{"id": "1", "value": 3}]})


def get(client: ApiClient, path: str = "/v21.0/1/insights", **params: Any) -> Any:
    return client.get(path, params, stream="page_insights", account_id="1", window=WINDOW)


def meta_body(code: int, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"message": message, "type": "OAuthException", "code": code, **extra}}


def test_sends_token_in_query_and_records_params_without_it(fake_api: FakeApi) -> None:
    fake_api.route("GET", "/v21.0/{id}/insights", ok)
    envelope = get(
        make_client(fake_api), metric=["page_views_total", "page_follows"], since=WINDOW.start
    )
    sent = fake_api.requests[0]
    assert sent.query == {
        "metric": "page_views_total,page_follows",
        "since": "2026-11-01",
        "access_token": TOKEN,
    }
    assert sent.headers["user-agent"] == user_agent()
    assert user_agent().startswith("kunci/")
    assert envelope.params == {"metric": "page_views_total,page_follows", "since": "2026-11-01"}
    assert envelope.url == f"{fake_api.base_url}/v21.0/1/insights"
    assert (envelope.status, envelope.data()) == (200, {"data": [{"id": "1", "value": 3}]})
    assert (envelope.source, envelope.kind, envelope.stream, envelope.window) == (
        "meta_main",
        "meta_graph",
        "page_insights",
        WINDOW,
    )


def test_appsecret_proof_when_the_app_secret_variable_is_set(
    fake_api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUNCI_TEST_APP_SECRET", "app-secret-for-tests")
    fake_api.route("GET", "/v21.0/{id}/insights", ok)
    envelope = get(make_client(fake_api, options={"app_secret_env": "KUNCI_TEST_APP_SECRET"}))
    proof = hmac.new(b"app-secret-for-tests", TOKEN.encode(), hashlib.sha256).hexdigest()
    assert fake_api.requests[0].query["appsecret_proof"] == proof
    assert "appsecret_proof" not in envelope.params


def test_bearer_header_for_google(fake_api: FakeApi) -> None:
    fake_api.route("POST", "/v1beta/properties/9:runReport", lambda r: Reply.json({"rows": []}))
    client = make_client(fake_api, classify=google_error, auth="bearer")
    body = {"metrics": [{"name": "sessions"}], "dateRanges": [{"startDate": "2026-11-01"}]}
    envelope = client.post(
        "/v1beta/properties/9:runReport", body, stream="traffic", account_id="9", window=WINDOW
    )
    sent = fake_api.requests[0]
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert sent.query == {}
    assert sent.json() == body
    assert (envelope.method, envelope.request_body, envelope.data()) == ("POST", body, {"rows": []})


def test_429_honours_retry_after_seconds(fake_api: FakeApi, tmp_path: Path) -> None:
    fake_api.route("GET", "/v21.0/{id}/insights", ok)
    limited = Reply.json({"error": {"message": "slow down"}}, 429, {"Retry-After": "2"})
    fake_api.script("GET", "/v21.0/{id}/insights", [limited])
    rawlog = RawLog(tmp_path, "meta_main")
    client = make_client(fake_api, rawlog=rawlog)
    envelope = get(client)
    assert envelope.status == 200
    assert client.sleeps == [2.0]
    assert len(fake_api.requests) == 2
    statuses = sorted(json.loads(p.read_text())["status"] for p in tmp_path.rglob("*.json"))
    assert statuses == [200, 429]


def test_429_retry_after_http_date_and_cap(fake_api: FakeApi) -> None:
    fake_api.route("GET", "/v21.0/{id}/insights", ok)
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    fake_api.script(
        "GET",
        "/v21.0/{id}/insights",
        [
            Reply.json({}, 429, {"Retry-After": soon}),
            Reply.json({}, 429, {"Retry-After": "3600"}),
            Reply.json({}, 429, {"Retry-After": "nan"}),
        ],
    )
    client = make_client(fake_api)
    get(client)
    dated, capped, backoff = client.sleeps
    assert 18.0 < dated <= 20.0
    assert capped == 30.0  # max_retry_after
    assert backoff == 0.5 * 4.0  # unreadable Retry-After: backoff of the third attempt


def test_500s_back_off_exponentially_with_jitter(fake_api: FakeApi) -> None:
    fake_api.route("GET", "/v21.0/{id}/insights", ok)
    fake_api.script("GET", "/v21.0/{id}/insights", [Reply.text("oops", 500)] * 3)
    client = make_client(fake_api)
    assert get(client).status == 200
    assert client.sleeps == [0.5, 1.0, 2.0]


def test_server_errors_exhausted_fail_naming_the_url(fake_api: FakeApi) -> None:
    body = meta_body(2, "Service temporarily unavailable", is_transient=True)
    fake_api.route("GET", "/v21.0/{id}/insights", lambda r: Reply.json(body, 500))
    client = make_client(fake_api)
    with pytest.raises(ApiError) as raised:
        get(client)
    assert str(raised.value) == (
        f"meta_main: GET {fake_api.base_url}/v21.0/1/insights: failed after 4 attempts: "
        "HTTP 500: transient error: Service temporarily unavailable (code 2)"
    )
    assert raised.value.envelope is not None and raised.value.envelope.status == 500
    assert len(fake_api.requests) == 4


def test_503_honours_retry_after(fake_api: FakeApi) -> None:
    fake_api.route("GET", "/v21.0/{id}/insights", ok)
    busy = Reply.text("busy", 503, {"Retry-After": "0.25"})
    fake_api.script("GET", "/v21.0/{id}/insights", [busy])
    client = make_client(fake_api)
    get(client)
    assert client.sleeps == [0.25]


def test_meta_transient_code_is_retried(fake_api: FakeApi) -> None:
    fake_api.route("GET", "/v21.0/{id}/insights", ok)
    unknown = meta_body(1, "An unknown error occurred", error_subcode=99)
    fake_api.script("GET", "/v21.0/{id}/insights", [Reply.json(unknown, 400)])
    client = make_client(fake_api)
    assert get(client).status == 200
    assert client.sleeps == [0.5]


def test_backoff_is_capped_at_max_delay(fake_api: FakeApi) -> None:
    fake_api.route("GET", "/v21.0/{id}/insights", ok)
    fake_api.script("GET", "/v21.0/{id}/insights", [Reply.text("oops", 503)] * 4)
    policy = RetryPolicy(max_attempts=5, base_delay=1.0, max_delay=3.0)
    client = make_client(fake_api, policy=policy)
    get(client)
    assert client.sleeps == [0.5, 1.0, 1.5, 1.5]


def test_timeout_then_success(fake_api: FakeApi) -> None:
    fake_api.route("GET", "/v21.0/{id}/insights", ok)
    fake_api.script("GET", "/v21.0/{id}/insights", [Reply.delay(0.6)])
    client = make_client(fake_api, policy=RetryPolicy(max_attempts=3, timeout=0.2))
    started = time.monotonic()
    assert get(client).status == 200
    assert time.monotonic() - started < 0.55  # gave up on the slow answer at 0.2 s
    assert client.sleeps == [0.5]
    assert len(fake_api.requests) == 2


def test_dropped_connection_then_success(fake_api: FakeApi, tmp_path: Path) -> None:
    fake_api.route("GET", "/v21.0/{id}/insights", ok)
    fake_api.script("GET", "/v21.0/{id}/insights", [Reply.dropped(), Reply.dropped()])
    client = make_client(fake_api, rawlog=RawLog(tmp_path, "meta_main"))
    assert get(client).status == 200
    assert client.sleeps == [0.5, 1.0]
    assert len(list(tmp_path.rglob("*.json"))) == 1  # no answer, nothing to record


def test_malformed_json_then_success(fake_api: FakeApi) -> None:
    fake_api.route("GET", "/v21.0/{id}/insights", ok)
    fake_api.script("GET", "/v21.0/{id}/insights", [Reply.malformed()])
    client = make_client(fake_api)
    assert get(client).data() == {"data": [{"id": "1", "value": 3}]}
    assert client.sleeps == [0.5]


def test_malformed_json_forever_fails_naming_the_url(fake_api: FakeApi) -> None:
    fake_api.route("GET", "/v21.0/{id}/insights", lambda r: Reply.malformed())
    client = make_client(fake_api)
    with pytest.raises(ApiError) as raised:
        get(client)
    assert type(raised.value) is ApiError
    assert str(raised.value) == (
        f"meta_main: GET {fake_api.base_url}/v21.0/1/insights: failed after 4 attempts: "
        "HTTP 200 with malformed JSON"
    )
    assert raised.value.envelope is not None and raised.value.envelope.status == 200
    assert len(fake_api.requests) == 4
    assert client.sleeps == [0.5, 1.0, 2.0]


def test_meta_expired_token_is_a_token_error_without_retry(fake_api: FakeApi) -> None:
    message = (
        "Error validating access token: Session has expired on Tuesday, 24-Nov-26 09:00:00 PST."
        " The current time is Wednesday, 25-Nov-26 01:00:00 PST."
    )
    body = meta_body(190, message, error_subcode=463, fbtrace_id="AbC")
    fake_api.route("GET", "/v21.0/{id}/insights", lambda r: Reply.json(body, 400))
    with pytest.raises(TokenError) as raised:
        get(make_client(fake_api))
    assert str(raised.value) == (
        f"meta_main: GET {fake_api.base_url}/v21.0/1/insights: HTTP 400: token rejected: "
        f"{message} (code 190, subcode 463)"
    )
    assert raised.value.envelope is not None and raised.value.envelope.data() == body
    assert len(fake_api.requests) == 1


def test_google_401_is_a_token_error(fake_api: FakeApi) -> None:
    body = {
        "error": {
            "code": 401,
            "message": "Request had invalid authentication credentials. Expected OAuth 2 access "
            "token, login cookie or other valid authentication credential.",
            "status": "UNAUTHENTICATED",
        }
    }
    fake_api.route("GET", "/v2/reports", lambda r: Reply.json(body, 401))
    with pytest.raises(TokenError, match=r"HTTP 401: token rejected: Request had invalid"):
        get(make_client(fake_api, classify=google_error, auth="bearer"), "/v2/reports")
    assert len(fake_api.requests) == 1


def test_google_invalid_grant_is_a_token_error() -> None:
    error = google_error(400, {"error": "invalid_grant", "error_description": "Token expired."})
    assert isinstance(error, TokenError)
    assert str(error) == "token rejected: invalid_grant: Token expired."


def test_meta_throttling_code_backs_off_long(fake_api: FakeApi) -> None:
    fake_api.route("GET", "/v21.0/{id}/insights", ok)
    throttled = meta_body(17, "(#17) User request limit reached", is_transient=True)
    fake_api.script("GET", "/v21.0/{id}/insights", [Reply.json(throttled, 400)] * 2)
    client = make_client(fake_api)
    assert get(client).status == 200
    # throttle_delay * 2^n, jittered in its upper half (3/4 at the fixed jitter)
    assert client.sleeps == [7.5, 15.0]


def test_meta_throttling_code_in_a_429_still_backs_off_long(fake_api: FakeApi) -> None:
    fake_api.route("GET", "/v21.0/{id}/insights", ok)
    throttled = meta_body(4, "(#4) Application request limit reached")
    fake_api.script("GET", "/v21.0/{id}/insights", [Reply.json(throttled, 429)])
    client = make_client(fake_api)
    get(client)
    assert client.sleeps == [7.5]


def test_business_use_case_throttle_waits_until_access_returns(fake_api: FakeApi) -> None:
    fake_api.route("GET", "/v21.0/{id}/insights", ok)
    usage = {"1": [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 1}]}
    throttled = Reply.json(
        meta_body(80001, "(#80001) There have been too many calls to this Page account."),
        400,
        {"x-business-use-case-usage": json.dumps(usage)},
    )
    fake_api.script("GET", "/v21.0/{id}/insights", [throttled])
    client = make_client(fake_api, policy=RetryPolicy(throttle_delay=10.0, max_retry_after=300.0))
    get(client)
    assert client.sleeps == [60.0]  # one minute to regain access beats the 7.5 s backoff


def test_usage_header_near_the_limit_pauses_before_the_next_request(fake_api: FakeApi) -> None:
    usage = {"call_count": 95, "total_cputime": 20, "total_time": 30}
    fake_api.route(
        "GET",
        "/v21.0/{id}/insights",
        lambda r: Reply.json({"data": []}, headers={"x-app-usage": json.dumps(usage)}),
    )
    client = make_client(fake_api)
    get(client)
    assert client.sleeps == []  # nothing owed until another request comes
    get(client)
    # (95 - 75) / (100 - 75) of throttle_delay
    assert client.sleeps == [8.0]


def test_usage_below_the_threshold_does_not_pause(fake_api: FakeApi) -> None:
    usage = {"call_count": 74, "total_cputime": 3, "total_time": 1}
    reply = Reply.json({"data": []}, headers={"x-app-usage": json.dumps(usage)})
    fake_api.route("GET", "/v21.0/{id}/insights", lambda r: reply)
    client = make_client(fake_api)
    get(client)
    get(client)
    assert client.sleeps == []


def test_google_quota_exceeded_is_retried(fake_api: FakeApi) -> None:
    body = {
        "error": {
            "code": 403,
            "message": "The request cannot be completed because you have exceeded your quota.",
            "errors": [{"reason": "quotaExceeded", "domain": "youtube.quota"}],
        }
    }
    fake_api.route("GET", "/v2/reports", ok)
    fake_api.script("GET", "/v2/reports", [Reply.json(body, 403, {"Retry-After": "4"})])
    client = make_client(fake_api, classify=google_error, auth="bearer")
    assert get(client, "/v2/reports").status == 200
    assert client.sleeps == [4.0]


def test_other_client_errors_fail_at_once(fake_api: FakeApi) -> None:
    body = meta_body(803, "(#803) Some of the aliases you requested do not exist: nobody")
    fake_api.route("GET", "/v21.0/{id}/insights", lambda r: Reply.json(body, 404))
    with pytest.raises(ApiError) as raised:
        get(make_client(fake_api))
    assert type(raised.value) is ApiError
    assert str(raised.value).endswith(
        "HTTP 404: (#803) Some of the aliases you requested do not exist: nobody (code 803)"
    )
    assert len(fake_api.requests) == 1


@needs_realdata
def test_media_posted_before_business_conversion_is_an_item_error(fake_api: FakeApi) -> None:
    path = META / "airbyte_ig_error_code100_subcode2108006_posted_before_business.json"
    fake_api.route("GET", "/v21.0/{id}/insights", lambda r: fake_api.file(path, status=400))
    client = make_client(fake_api)
    with pytest.raises(ItemError) as raised:
        client.get(
            "/v21.0/17900000000000001/insights",
            {"metric": "reach"},
            stream="ig_media_insights",
            account_id="1784",
            window=WINDOW,
            item={"media_id": "17900000000000001", "media_type": "IMAGE"},
        )
    assert str(raised.value).endswith(
        "HTTP 400: no data for this item: Media posted before business account conversion: "
        "Invalid parameter (code 100, subcode 2108006)"
    )
    envelope = raised.value.envelope
    assert envelope is not None
    assert envelope.body == path.read_text()
    assert envelope.item == {"media_id": "17900000000000001", "media_type": "IMAGE"}


def test_not_enough_viewers_is_an_item_error() -> None:
    error = meta_error(
        400, meta_body(10, "(#10) Not enough viewers for the media to show insights")
    )
    assert isinstance(error, ItemError)


@needs_realdata
def test_code_10_without_viewers_is_a_permission_api_error(fake_api: FakeApi) -> None:
    path = META / "airbyte_ig_user_insights_error_code10.json"
    fake_api.route("GET", "/v21.0/{id}/insights", lambda r: fake_api.file(path, status=403))
    with pytest.raises(ApiError) as raised:
        get(make_client(fake_api))
    assert type(raised.value) is ApiError
    assert str(raised.value).endswith(
        "HTTP 403: permission missing: (#10) Application does not have permission for this "
        "action (code 10)"
    )
    assert len(fake_api.requests) == 1


@needs_realdata
def test_code_100_missing_permission_is_an_api_error(fake_api: FakeApi) -> None:
    path = META / "sns_error_code100_missing_permission.json"
    fake_api.route("GET", "/v21.0/{id}/insights", lambda r: fake_api.file(path, status=400))
    with pytest.raises(ApiError) as raised:
        get(make_client(fake_api))
    assert type(raised.value) is ApiError
    assert "(#100) Object does not exist, cannot be loaded due to missing permission" in str(
        raised.value
    )
    assert str(raised.value).endswith("for details. (code 100)")


@pytest.mark.parametrize(
    ("message", "metric", "expected"),
    [
        (
            "(#100) metric[1] must be one of the following values: impressions, reach, "
            "follower_count, email_contacts, phone_call_clicks, website_clicks, profile_views",
            "reach,audience_city,profile_views",
            ("audience_city",),
        ),
        (
            "(#100) Starting from version 22 and above, the impressions metric is no longer "
            "supported for the queried user. Please refer to the documentation at "
            "https://developers.facebook.com/docs/instagram-api/reference/ig-user/insights for a "
            "list of supported metrics.",
            "impressions,reach",
            ("impressions",),
        ),
        (
            "(#100) The Media Insights API does not support the views metric for this media "
            "product type.",
            "reach,saved,views",
            ("views",),
        ),
        (
            "(#100) The value must be a valid insights metric",
            "page_impressions",
            ("page_impressions",),
        ),
        ("(#100) The value must be a valid insights metric", "page_impressions,page_fans", ()),
    ],
)
def test_meta_invalid_metric_names(
    fake_api: FakeApi, message: str, metric: str, expected: tuple[str, ...]
) -> None:
    body = meta_body(100, message)
    fake_api.route("GET", "/v21.0/{id}/insights", lambda r: Reply.json(body, 400))
    with pytest.raises(InvalidMetricError) as raised:
        get(make_client(fake_api), metric=metric)
    assert raised.value.metrics == expected
    assert len(fake_api.requests) == 1


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "Field pageViews is not a valid metric. For a list of valid dimensions and metrics, "
            "see https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema",
            ("pageViews",),
        ),
        ("Unknown identifier (impressions) given in field parameters.metrics.", ("impressions",)),
    ],
)
def test_google_invalid_metric_names(
    fake_api: FakeApi, message: str, expected: tuple[str, ...]
) -> None:
    body = {"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}}
    fake_api.route("POST", "/v1beta/properties/9:runReport", lambda r: Reply.json(body, 400))
    client = make_client(fake_api, classify=google_error, auth="bearer")
    with pytest.raises(InvalidMetricError) as raised:
        client.post(
            "/v1beta/properties/9:runReport", {}, stream="traffic", account_id="9", window=WINDOW
        )
    assert raised.value.metrics == expected
    assert f"HTTP 400: invalid metrics: {message} (INVALID_ARGUMENT)" in str(raised.value)


@needs_realdata
def test_paging_follows_next_over_recorded_pages(fake_api: FakeApi) -> None:
    first = (META / "sns_ig_user_media_p1_cursor_next.json").read_text()
    first = first.replace("https://graph.facebook.com", fake_api.base_url)
    second = META / "sns_ig_user_media_p2.json"

    def media(request: Request) -> Reply:
        if request.query.get("after") == "after":
            return fake_api.file(second)
        return Reply.raw(first.encode())

    fake_api.route("GET", "/v6.0/{id}/media", media)
    client = make_client(fake_api)
    pages = list(
        client.paged(
            "/v6.0/17841406338772941/media",
            {"fields": "id,caption", "limit": 2},
            stream="ig_media",
            account_id="17841406338772941",
            window=WINDOW,
        )
    )
    assert [p.page for p in pages] == [0, 1]
    # As returned, but for the credential Meta puts in its paging links.
    scrubbed = "access_token=<redacted>"
    assert pages[0].body == first.replace("access_token=access_token", scrubbed)
    assert pages[1].body == second.read_text().replace("access_token=access_token", scrubbed)
    follow = fake_api.requests[1].query
    assert follow["access_token"] == TOKEN
    assert (follow["after"], follow["limit"], follow["pretty"]) == ("after", "2", "0")
    assert pages[1].params == {k: v for k, v in follow.items() if k != "access_token"}
    assert [len(p.data()["data"]) for p in pages] == [
        2,
        len(json.loads(second.read_text())["data"]),
    ]


def test_paging_stops_on_an_empty_page(fake_api: FakeApi) -> None:
    def insights(request: Request) -> Reply:
        after = int(request.query.get("after", "0"))
        data = [{"value": after}] if after < 2 else []
        link = fake_api.link(request.path, {"after": str(after + 1), "access_token": TOKEN})
        return Reply.json({"data": data, "paging": {"next": link}})

    fake_api.route("GET", "/v21.0/{id}/insights", insights)
    pages = list(
        make_client(fake_api).paged(
            "/v21.0/1/insights", {}, stream="s", account_id="1", window=WINDOW
        )
    )
    assert [p.data()["data"] for p in pages] == [[{"value": 0}], [{"value": 1}], []]


def test_paging_loop_is_an_api_error(fake_api: FakeApi) -> None:
    def looping(request: Request) -> Reply:
        link = fake_api.link(request.path, {"after": "same", "access_token": TOKEN})
        return Reply.json({"data": [1], "paging": {"next": link}})

    fake_api.route("GET", "/v21.0/{id}/feed", looping)
    pages = make_client(fake_api).paged(
        "/v21.0/1/feed", {}, stream="s", account_id="1", window=WINDOW
    )
    with pytest.raises(ApiError, match=r"paging loops \(page 2 repeats a page\)"):
        list(pages)
    assert len(fake_api.requests) == 2


def test_paging_never_follows_a_link_to_another_host(fake_api: FakeApi) -> None:
    link = "http://198.51.100.7/v21.0/1/feed?after=x"
    fake_api.route(
        "GET", "/v21.0/{id}/feed", lambda r: Reply.json({"data": [1], "paging": {"next": link}})
    )
    pages = make_client(fake_api).paged(
        "/v21.0/1/feed", {}, stream="s", account_id="1", window=WINDOW
    )
    with pytest.raises(ApiError, match="refusing a link to another host"):
        list(pages)
    assert len(fake_api.requests) == 1


def test_token_never_recorded_logged_or_raised(
    fake_api: FakeApi,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KUNCI_TEST_APP_SECRET", "app-secret-for-tests")
    proof = hmac.new(b"app-secret-for-tests", TOKEN.encode(), hashlib.sha256).hexdigest()
    caplog.set_level(logging.DEBUG)

    def echoing(request: Request) -> Reply:
        # Like Meta: the next link carries the credentials the request came with.
        query = {"after": "2", **{k: request.query[k] for k in ("access_token", "appsecret_proof")}}
        if request.query.get("after") == "2":
            body = meta_body(190, f"Invalid OAuth access token - Cannot parse access token {TOKEN}")
            return Reply.json(body, 400)
        page = {
            "data": [{"id": "1", "access_token": "PAGE-TOKEN-xyz"}],
            "paging": {"next": fake_api.link(request.path, query)},
        }
        return Reply.json(page)

    fake_api.route("GET", "/v21.0/{id}/accounts", echoing)
    fake_api.script(
        "GET", "/v21.0/{id}/accounts", [Reply.text(f"upstream said {TOKEN}", 502), Reply.delay(0.5)]
    )
    rawlog = RawLog(tmp_path, "meta_main")
    client = make_client(
        fake_api,
        rawlog=rawlog,
        options={"app_secret_env": "KUNCI_TEST_APP_SECRET"},
        policy=RetryPolicy(max_attempts=4, timeout=0.2),
    )
    envelopes = []
    with pytest.raises(TokenError) as raised:
        for envelope in client.paged(
            f"/v21.0/1/accounts?access_token={TOKEN}", {}, stream="s", account_id="1", window=WINDOW
        ):
            envelopes.append(envelope)
    assert fake_api.requests[0].query["appsecret_proof"] == proof
    assert len(fake_api.requests) == 4  # 502, timeout, page 0, page 1 (token error)
    assert raised.value.envelope is not None
    envelopes.append(raised.value.envelope)
    assert "<redacted>" in envelopes[0].body and "<redacted>" in str(raised.value)
    texts = [str(raised.value), caplog.text]
    texts += [p.read_text() for p in tmp_path.rglob("*") if p.is_file()]
    texts += [f"{e.url} {e.params} {e.body} {e.request_body}" for e in envelopes]
    for text in texts:
        for secret in (TOKEN, proof, "PAGE-TOKEN-xyz"):
            assert secret not in text
    assert len(list(tmp_path.rglob("*.json"))) == 3  # the 502, page 0 and the token error


@pytest.mark.parametrize(
    ("classify", "status", "body", "expected"),
    [
        (meta_error, 200, {"data": []}, None),
        (google_error, 200, {"rows": []}, None),
        (meta_error, 400, meta_body(102, "Session key invalid or no longer valid"), TokenError),
        (meta_error, 400, meta_body(32, "(#32) Page request limit reached"), "throttle"),
        (meta_error, 400, meta_body(80014, "(#80014) Too many calls"), "throttle"),
        (
            meta_error,
            400,
            meta_body(
                100,
                "(#100) Pages Public Content Access requires either app secret proof or an app "
                "token",
            ),
            ApiError,
        ),
        (
            google_error,
            429,
            {"error": {"code": 429, "message": "Exhausted", "status": "RESOURCE_EXHAUSTED"}},
            "retry",
        ),
        (
            google_error,
            403,
            {
                "error": {
                    "code": 403,
                    "message": "User does not have sufficient permissions for this property.",
                    "status": "PERMISSION_DENIED",
                }
            },
            ApiError,
        ),
        (google_error, 401, None, TokenError),
        (google_error, 404, None, ApiError),
    ],
)
def test_classifier_table(
    classify: Classifier, status: int, body: Any, expected: type[ApiError] | str | None
) -> None:
    error = classify(status, body)
    if expected is None:
        assert error is None
    elif isinstance(expected, str):
        assert isinstance(error, RetryLater) and error.throttle == (expected == "throttle")
    else:
        assert type(error) is expected


def test_fake_api_answers_unrouted_requests_with_404_and_logs_broken_routes(
    fake_api: FakeApi,
) -> None:
    def broken(request: Request) -> Reply:
        raise KeyError("missing")

    fake_api.route("GET", "/v21.0/{id}/broken", broken)
    client = make_client(fake_api, policy=RetryPolicy(max_attempts=1))
    with pytest.raises(ApiError, match=r"HTTP 404: no route for GET /v21.0/1/nowhere \(code 404\)"):
        get(client, "/v21.0/1/nowhere")
    with pytest.raises(ApiError, match="failed after 1 attempt: HTTP 500"):
        get(client, "/v21.0/1/broken")
    assert fake_api.errors == ["GET /v21.0/1/broken: KeyError('missing')"]
    assert [(r.method, r.path) for r in fake_api.requests] == [
        ("GET", "/v21.0/1/nowhere"),
        ("GET", "/v21.0/1/broken"),
    ]
