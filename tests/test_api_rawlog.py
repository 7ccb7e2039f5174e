"""The API raw zone: exact envelope JSON, content-addressed landing, manifests, replay selection."""

import hashlib
import json
import random
import secrets
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from flows.api.classify import meta_error
from flows.api.client import ApiClient, RetryPolicy
from flows.api.rawlog import RawLog, from_json, to_json
from flows.config.settings import ApiSource
from tests.fakeapi import FakeApi, Reply, Request
from transforms.api.envelope import Envelope, Window

pytest_plugins = ("tests.fakeapi",)  # the fake_api fixture

TOKEN = "TEST-" + secrets.token_hex(8)
NOVEMBER = Window(date(2026, 11, 1), date(2026, 11, 7))


def envelope(**changes: object) -> Envelope:
    fields: dict[str, object] = {
        "source": "meta_main",
        "kind": "meta_graph",
        "stream": "page_insights",
        "account_id": "1",
        "window": NOVEMBER,
        "method": "GET",
        "url": "https://graph.facebook.com/v21.0/1/insights",
        "params": {"metric": "page_views_total", "since": "2026-11-01"},
        "status": 200,
        "body": '{"data": [{"name": "page_views_total", "values": [{"value": 5}]}], "é": "ü"}',
        "fetched_at": datetime(2026, 11, 8, 1, 2, 3, 456789, tzinfo=UTC),
        "request_body": None,
        "item": {"media_id": "17"},
        "page": 2,
    }
    fields.update(changes)
    return Envelope(**fields)  # type: ignore[arg-type]


def make_client(fake: FakeApi, rawlog: RawLog) -> ApiClient:
    source = ApiSource(
        name="meta_main",
        kind="meta_graph",
        token_env="KUNCI_TEST_TOKEN",
        base_url=fake.base_url,
        ids={"pages": ("1",)},
    )
    return ApiClient(
        source=source,
        token=TOKEN,
        rawlog=rawlog,
        policy=RetryPolicy(max_attempts=3),
        auth="query",
        classify=meta_error,
        sleep=lambda seconds: None,
        rng=random.Random(7),
    )


def paged_feed(fake: FakeApi) -> None:
    """Two pages of posts; the first link carries the token, as Meta's do."""

    def feed(request: Request) -> Reply:
        if request.query.get("after") == "p2":
            return Reply.json({"data": [{"id": "1_2"}]})
        link = fake.link(
            request.path, {"after": "p2", "access_token": request.query["access_token"]}
        )
        return Reply.json({"data": [{"id": "1_1"}], "paging": {"next": link}})

    fake.route("GET", "/v21.0/{id}/feed", feed)


@pytest.mark.parametrize(
    "changed",
    [
        {},
        {"window": None, "item": {}, "page": 0},
        {"method": "POST", "request_body": {"metrics": [{"name": "sessions"}], "limit": 10}},
        {"status": 400, "body": "<html>not json</html>"},
    ],
)
def test_envelope_json_round_trip_is_exact(changed: dict[str, object]) -> None:
    original = envelope(**changed)
    assert from_json(to_json(original)) == original


def test_from_json_refuses_other_json() -> None:
    with pytest.raises(ValueError, match="not a format-1 envelope"):
        from_json('{"source": "x"}')
    with pytest.raises(ValueError, match="envelope lacks or misspells 'body'"):
        text = json.loads(to_json(envelope()))
        del text["body"]
        from_json(json.dumps(text))


def test_record_is_content_addressed_and_idempotent(tmp_path: Path) -> None:
    rawlog = RawLog(tmp_path, "meta_main")
    data = to_json(envelope()).encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    assert rawlog.record(envelope()) == f"{digest[:2]}/{digest}.json"
    assert rawlog.record(envelope()) == f"{digest[:2]}/{digest}.json"
    assert (tmp_path / digest[:2] / f"{digest}.json").read_bytes() == data
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [f"{digest}.json"]


def test_source_names_must_be_safe_folder_names(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"source name '\.\./x' cannot name a raw-zone folder"):
        RawLog(tmp_path, "../x")


def test_replay_gives_the_live_envelopes(fake_api: FakeApi, tmp_path: Path) -> None:
    paged_feed(fake_api)
    fake_api.script("GET", "/v21.0/{id}/feed", [Reply.text("busy", 503)])
    rawlog = RawLog(tmp_path, "meta_main")
    client = make_client(fake_api, rawlog)
    live = list(client.paged("/v21.0/1/feed", {}, stream="posts", account_id="1", window=NOVEMBER))
    manifest = rawlog.complete("posts", "1", NOVEMBER, live)

    today = datetime.now(UTC).date().isoformat()
    assert manifest.startswith(f"api/meta_main/{today}/") and manifest.endswith(".json")
    assert len(list(tmp_path.glob("??/*.json"))) == 3  # the 503 is kept too, but not replayed
    (pull,) = RawLog(tmp_path, "meta_main").pulls()
    assert pull.envelopes == tuple(live)
    assert [e.page for e in pull.envelopes] == [0, 1]
    assert (pull.stream, pull.account_id, pull.window, pull.manifest) == (
        "posts",
        "1",
        NOVEMBER,
        manifest,
    )
    assert pull.started_at == live[0].fetched_at
    for path in tmp_path.rglob("*.json"):
        assert TOKEN not in path.read_text()


def test_a_pull_without_manifest_is_not_replayed(fake_api: FakeApi, tmp_path: Path) -> None:
    paged_feed(fake_api)
    rawlog = RawLog(tmp_path, "meta_main")
    client = make_client(fake_api, rawlog)
    pages = client.paged("/v21.0/1/feed", {}, stream="posts", account_id="1", window=NOVEMBER)
    first = next(pages)  # the run dies after the first page
    assert first.data() == {"data": [{"id": "1_1"}], "paging": first.data()["paging"]}
    assert len(list(tmp_path.glob("??/*.json"))) == 1
    assert list(rawlog.pulls()) == []

    rerun = list(client.paged("/v21.0/1/feed", {}, stream="posts", account_id="1", window=NOVEMBER))
    rawlog.complete("posts", "1", NOVEMBER, rerun)
    (pull,) = rawlog.pulls()
    assert [e.data()["data"] for e in pull.envelopes] == [[{"id": "1_1"}], [{"id": "1_2"}]]


def test_pulls_select_by_window_stream_and_account_oldest_first(tmp_path: Path) -> None:
    rawlog = RawLog(tmp_path, "meta_main")

    def finish(stream: str, account: str, window: Window, hour: int) -> None:
        fetched = datetime(2026, 11, 20, hour, tzinfo=UTC)
        rawlog.complete(stream, account, window, [envelope(stream=stream, fetched_at=fetched)])

    october = Window(date(2026, 10, 1), date(2026, 10, 31))
    finish("posts", "1", NOVEMBER, hour=5)  # completed first, fetched later
    finish("posts", "1", october, hour=3)
    finish("page_insights", "1", NOVEMBER, hour=4)
    finish("posts", "2", NOVEMBER, hour=6)

    def chosen(**selection: object) -> list[tuple[str, str, date, int]]:
        return [
            (p.stream, p.account_id, p.window.start, p.started_at.hour)
            for p in rawlog.pulls(**selection)  # type: ignore[arg-type]
        ]

    assert chosen() == [
        ("posts", "1", date(2026, 10, 1), 3),
        ("page_insights", "1", date(2026, 11, 1), 4),
        ("posts", "1", date(2026, 11, 1), 5),
        ("posts", "2", date(2026, 11, 1), 6),
    ]
    assert chosen(start=date(2026, 10, 31), end=date(2026, 10, 31)) == [
        ("posts", "1", date(2026, 10, 1), 3)
    ]
    assert chosen(start=date(2026, 11, 7)) == chosen(start=date(2026, 11, 1)) == chosen()[1:]
    assert chosen(end=date(2026, 10, 31)) == chosen()[:1]
    assert chosen(stream="posts", account_id="1") == [
        ("posts", "1", date(2026, 10, 1), 3),
        ("posts", "1", date(2026, 11, 1), 5),
    ]
    assert list(RawLog(tmp_path, "other_source").pulls()) == []


def test_a_broken_manifest_is_named(tmp_path: Path) -> None:
    rawlog = RawLog(tmp_path, "meta_main")
    manifest = tmp_path / rawlog.complete("posts", "1", NOVEMBER, [envelope()])
    manifest.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=f"{manifest}: unreadable pull manifest"):
        list(rawlog.pulls())


def test_a_manifest_pointing_at_a_lost_envelope_is_named(tmp_path: Path) -> None:
    rawlog = RawLog(tmp_path, "meta_main")
    rawlog.complete("posts", "1", NOVEMBER, [envelope()])
    (landed,) = tmp_path.glob("??/*.json")
    landed.unlink()
    with pytest.raises(ValueError, match=f"{landed} \\(pull .*\\): unusable envelope"):
        list(rawlog.pulls())
