"""YouTube Analytics: the mapping over hand-made fixtures, the pulls against the fake Google API.

Fixtures follow the API references (`youtubeAnalytics#resultTable`, `youtube#playlistItem...`);
the fake world's numbers come from `tests.fakeapi.google`, whose docstring states the formulas.
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

from flows.api import youtube_analytics as connector
from flows.api.client import ApiClient
from flows.api.errors import ApiError, ItemError, TokenError
from flows.api.rawlog import RawLog
from flows.api.refusals import ask_for_metrics
from flows.config.settings import ApiSource
from tests.fakeapi import FakeApi, Reply, Request
from tests.fakeapi.google import FIXTURES, GoogleWorld, install
from transforms.api.envelope import Envelope, Window
from transforms.api.youtube_analytics import normalize
from transforms.context import Account
from transforms.errors import InputError

TOKEN = "TEST-" + secrets.token_hex(8)
CHANNEL = "UCk9fW2vNqXr7bTz3LmPa4Hd"
ACCOUNT = Account("youtube", CHANNEL, handle="wisatanusantara", timezone="Asia/Jakarta")
WINDOW = Window(date(2026, 10, 1), date(2026, 10, 7))
FETCHED = datetime(2026, 10, 8, 1, 0, tzinfo=UTC)  # 08:00 in Jakarta
STREAMS = {stream.name: stream for stream in connector.STREAMS}


def envelope(
    body: str | dict[str, Any],
    stream: str,
    request: str,
    *,
    status: int = 200,
    window: Window = WINDOW,
    fetched: datetime = FETCHED,
    params: dict[str, Any] | None = None,
    **item: str,
) -> Envelope:
    text = (FIXTURES / body).read_text() if isinstance(body, str) else json.dumps(body)
    return Envelope(
        source="youtube_main",
        kind="youtube_analytics",
        stream=stream,
        account_id=CHANNEL,
        window=window,
        method="GET",
        url="https://youtubeanalytics.googleapis.com/v2/reports",
        params=params or {},
        status=status,
        body=text,
        fetched_at=fetched,
        item={"request": request, **item},
    )


def rows(frame: pl.DataFrame, *columns: str) -> list[tuple[Any, ...]]:
    return frame.select(columns).rows()


# --- mapping -------------------------------------------------------------------------------


def test_channel_days_become_account_daily_with_views_as_video_views() -> None:
    result = normalize(
        "channel_daily",
        [envelope("yt_channel_daily.json", "channel_daily", "channel_daily")],
        ACCOUNT,
    )
    daily = result.tables["account_daily"]
    assert "views" not in daily.columns
    columns = ("date", "video_views", "followers_gained", "followers_lost", "engagements")
    assert rows(daily, *columns) == [
        (date(2026, 10, 1), 1412, 12, 3, 57 + 9 + 4),
        (date(2026, 10, 2), 1655, 15, 2, 71 + 14 + 6),
        (date(2026, 10, 3), 1298, 8, 5, 0),
    ]
    assert set(daily["platform"]) == {"youtube"} and set(daily["account_id"]) == {CHANNEL}
    assert result.tables["account"].rows() == [
        ("youtube", CHANNEL, None, "wisatanusantara", "Asia/Jakarta", None, True, None)
    ]
    assert result.format == "youtube_analytics:channel_daily"
    assert (result.rows_read, result.rows_quarantined, result.rows_skipped) == (3, 0, 0)


def test_a_refused_metric_is_a_note_and_engagements_add_what_is_left() -> None:
    pulled = [
        envelope("yt_error_unknown_metric.json", "channel_daily", "channel_daily", status=400),
        envelope("yt_channel_daily_without_shares.json", "channel_daily", "channel_daily"),
    ]
    result = normalize("channel_daily", pulled, ACCOUNT)
    assert rows(result.tables["account_daily"], "date", "engagements") == [(date(2026, 10, 1), 66)]
    assert result.notes == ("dropped invalid metrics: shares",)
    assert (result.rows_read, result.rows_quarantined, result.rows_skipped) == (1, 0, 0)


def test_engagements_are_null_only_when_likes_comments_and_shares_all_are() -> None:
    table = {
        "kind": "youtubeAnalytics#resultTable",
        "columnHeaders": [
            {"name": "day", "columnType": "DIMENSION", "dataType": "STRING"},
            {"name": "views", "columnType": "METRIC", "dataType": "INTEGER"},
            {"name": "likes", "columnType": "METRIC", "dataType": "INTEGER"},
        ],
        "rows": [["2026-10-01", 10, None], ["2026-10-02", 12, 3]],
    }
    result = normalize(
        "channel_daily", [envelope(table, "channel_daily", "channel_daily")], ACCOUNT
    )
    assert rows(result.tables["account_daily"], "engagements", "followers_lost") == [
        (None, None),
        (3, None),
    ]


def test_unreadable_days_and_numbers_are_quarantined_with_the_value() -> None:
    table = json.loads((FIXTURES / "yt_channel_daily.json").read_text())
    table["rows"][0][0] = "01/10/2026"
    table["rows"][1][1] = "many"
    result = normalize(
        "channel_daily", [envelope(table, "channel_daily", "channel_daily")], ACCOUNT
    )
    assert rows(result.quarantine, "row_number", "reason") == [
        (1, "no readable 'day'"),
        (2, "'views': \"many\" is not a whole number"),
    ]
    assert json.loads(result.quarantine["raw"][1])["views"] == "many"
    assert rows(result.tables["account_daily"], "date") == [(date(2026, 10, 3),)]
    assert (result.rows_read, result.rows_quarantined, result.rows_skipped) == (3, 2, 0)


def test_an_item_error_envelope_is_quarantined_with_the_api_message() -> None:
    error = {"error": {"code": 403, "message": "Forbidden", "status": "PERMISSION_DENIED"}}
    pulled = [
        envelope("yt_channel_daily.json", "channel_daily", "channel_daily"),
        envelope(error, "channel_daily", "channel_daily", status=403, video_id="kB7xQ2mN4pA"),
    ]
    result = normalize("channel_daily", pulled, ACCOUNT)
    assert rows(result.quarantine, "row_number", "reason") == [
        (4, "YouTube API error 403 PERMISSION_DENIED: Forbidden")
    ]
    assert json.loads(result.quarantine["raw"][0])["item"]["video_id"] == "kB7xQ2mN4pA"
    assert (result.rows_read, result.rows_quarantined, result.rows_skipped) == (4, 1, 0)


def video_envelopes(fetched: datetime = FETCHED) -> list[Envelope]:
    return [
        envelope("yt_channels_list.json", "videos", "channel", fetched=fetched),
        envelope("yt_uploads_p1.json", "videos", "uploads", fetched=fetched),
        envelope("yt_uploads_p2.json", "videos", "uploads", fetched=fetched),
        envelope(
            "yt_video_lifetime.json",
            "videos",
            "lifetime",
            fetched=fetched,
            videos="-q3HfJ9sEo1,Zr5TdW8yLc0,kB7xQ2mN4pA",
        ),
        envelope("yt_video_daily.json", "videos", "daily", fetched=fetched, video_id="kB7xQ2mN4pA"),
    ]


def test_uploads_in_the_window_become_posts_with_lifetime_snapshots_and_daily_rows() -> None:
    result = normalize("videos", video_envelopes(), ACCOUNT)
    posts = result.tables["post"]
    assert rows(posts, "post_id", "published_at", "published_date", "content_type") == [
        ("-q3HfJ9sEo1", datetime(2026, 10, 6, 1, 15, tzinfo=UTC), date(2026, 10, 6), "video"),
        # 19:30 UTC is 02:30 the next day in Jakarta
        ("Zr5TdW8yLc0", datetime(2026, 10, 4, 19, 30, tzinfo=UTC), date(2026, 10, 5), "video"),
        ("kB7xQ2mN4pA", datetime(2026, 10, 2, 3, 0, tzinfo=UTC), date(2026, 10, 2), "video"),
    ]
    assert posts["text"][1] == "Festival Budaya Bali 2026 | Wisata Nusantara"
    assert posts["permalink"][0] == "https://www.youtube.com/watch?v=-q3HfJ9sEo1"
    snapshot_columns = (
        "post_id", "as_of_date", "video_views", "watch_time_seconds", "reactions", "comments",
        "shares", "follows",
    )  # fmt: skip
    assert rows(result.tables["post_metrics"], *snapshot_columns) == [
        ("kB7xQ2mN4pA", date(2026, 10, 7), 2140, 5980 * 60.0, 96, 17, 11, 9),
        ("-q3HfJ9sEo1", date(2026, 10, 7), 3875, 1420 * 60.0, 212, 8, 35, 21),
        ("Zr5TdW8yLc0", date(2026, 10, 7), 960, 3105 * 60.0, 44, 6, 3, 2),
    ]
    assert "views" not in result.tables["post_metrics"].columns
    daily_columns = ("post_id", "date", "video_views", "watch_time_seconds", "reactions")
    assert rows(result.tables["post_daily"], *daily_columns) == [
        ("kB7xQ2mN4pA", date(2026, 10, 2), 812, 2270 * 60.0, 41),
        ("kB7xQ2mN4pA", date(2026, 10, 3), 655, 1830 * 60.0, 30),
        ("kB7xQ2mN4pA", date(2026, 10, 4), 673, 1880 * 60.0, 25),
    ]
    # 4 listed uploads + 3 lifetime rows + 4 daily rows; the upload of 20 September and the
    # all-zero day before Danau Toba's publication are skipped
    assert (result.rows_read, result.rows_skipped, result.rows_quarantined) == (11, 2, 0)
    assert result.notes == (
        "1 listed uploads outside the publish-date window skipped",
        "1 daily rows dated before their video was published skipped",
    )


def test_content_type_is_the_creator_content_type_with_the_most_views() -> None:
    table = {
        "kind": "youtubeAnalytics#resultTable",
        "columnHeaders": [
            {"name": "video", "columnType": "DIMENSION", "dataType": "STRING"},
            {"name": "creatorContentType", "columnType": "DIMENSION", "dataType": "STRING"},
            {"name": "views", "columnType": "METRIC", "dataType": "INTEGER"},
        ],
        "rows": [
            ["kB7xQ2mN4pA", "LIVE_STREAM", 10],
            ["kB7xQ2mN4pA", "VIDEO_ON_DEMAND", 30],
            ["-q3HfJ9sEo1", "SHORTS", 5],
            ["Zr5TdW8yLc0", "UNSPECIFIED", 7],
        ],
    }
    kinds = envelope(table, "videos", "content_type", videos="-q3HfJ9sEo1,Zr5TdW8yLc0,kB7xQ2mN4pA")
    result = normalize("videos", [*video_envelopes(), kinds], ACCOUNT)
    assert rows(result.tables["post"], "post_id", "content_type") == [
        ("-q3HfJ9sEo1", "short"),
        ("Zr5TdW8yLc0", "video"),
        ("kB7xQ2mN4pA", "video"),
    ]
    assert (result.rows_read, result.rows_skipped, result.rows_quarantined) == (15, 2, 0)
    # without the answer (an old raw-zone pull, or the request refused) every upload is a video
    plain = normalize("videos", video_envelopes(), ACCOUNT)
    assert set(plain.tables["post"]["content_type"]) == {"video"}
    assert plain.tables["post_metrics"]["engaged_views"].null_count() == 3


def test_a_snapshot_is_as_of_the_fetch_date_when_that_is_before_the_window_end() -> None:
    early = datetime(2026, 10, 5, 20, 0, tzinfo=UTC)  # 6 October, 03:00 in Jakarta
    result = normalize("videos", video_envelopes(early), ACCOUNT)
    assert set(result.tables["post_metrics"]["as_of_date"]) == {date(2026, 10, 6)}


def test_audience_shares_take_studio_labels_and_countries_keep_iso_codes() -> None:
    period = {"startDate": "2026-09-10", "endDate": "2026-10-07"}
    today = Window(date(2026, 10, 8), date(2026, 10, 8))
    pulled = [
        envelope(
            "yt_audience_gender_age.json", "audience", "gender_age", params=period, window=today
        ),
        envelope("yt_audience_country.json", "audience", "country", params=period, window=today),
    ]
    result = normalize("audience", pulled, ACCOUNT)
    audience = result.tables["audience"]
    assert set(audience["as_of_date"]) == {date(2026, 10, 8)}
    assert set(audience["measure"]) == {"views"}

    def shares(dimension: str) -> dict[str, float]:
        part = audience.filter(pl.col("dimension") == dimension)
        assert part["value"].null_count() == part.height
        return dict(part.select("bucket", "share").rows())

    assert shares("gender_age") == {
        "Female|18-24 years": 0.102,
        "Male|18-24 years": 0.128,
        "Female|25-34 years": 0.205,
        "Male|25-34 years": 0.251,
        "Female|35-44 years": 0.096,
        "Male|35-44 years": 0.114,
        "Male|45-54 years": 0.081,
        "User-specified|45-54 years": 0.003,
        "Male|65+ years": 0.02,
    }
    assert shares("age") == {
        "18-24 years": 0.23,
        "25-34 years": 0.456,
        "35-44 years": 0.21,
        "45-54 years": 0.084,
        "65+ years": 0.02,
    }
    assert shares("gender") == {"Female": 0.403, "Male": 0.594, "User-specified": 0.003}
    countries = audience.filter(pl.col("dimension") == "country")
    assert rows(countries, "bucket", "value", "share") == [
        ("ID", 8123.0, None),
        ("MY", 402.0, None),
        ("SG", 155.0, None),
        ("ZZ", 12.0, None),
    ]
    assert (result.rows_read, result.rows_loaded) == (13, 13)
    assert result.notes == (
        "gender_age audience over 2026-09-10..2026-10-07",
        "country audience over 2026-09-10..2026-10-07",
    )


# --- pulls against the fake API --------------------------------------------------------------


@pytest.fixture
def world_api() -> Iterator[tuple[FakeApi, GoogleWorld]]:
    world = GoogleWorld(token=TOKEN)
    with FakeApi() as fake:
        install(fake, world)
        yield fake, world


def source(fake: FakeApi, **options: Any) -> ApiSource:
    return ApiSource(
        name="youtube_main",
        kind="youtube_analytics",
        token_env="KUNCI_TEST_YT",
        base_url=fake.base_url,
        ids={"channels": (CHANNEL,)},
        options={"data_base_url": fake.base_url, **options},
    )


def client(src: ApiSource, token: str = TOKEN, rawlog: RawLog | None = None) -> ApiClient:
    return connector.client_for(src, token, rawlog, sleep=lambda _: None)


def pull(src: ApiSource, stream: str, window: Window, api: ApiClient) -> list[Envelope]:
    return connector.pull(api, src, STREAMS[stream], CHANNEL, window)


def reports(fake: FakeApi) -> list[Request]:
    return [r for r in fake.requests if r.path == "/v2/reports"]


def test_channel_daily_pull_asks_for_the_window_by_day(
    world_api: tuple[FakeApi, GoogleWorld],
) -> None:
    fake, world = world_api
    src = source(fake)
    window = Window(date(2026, 10, 1), date(2026, 10, 3))
    with client(src) as api:
        pulled = pull(src, "channel_daily", window, api)
    [request] = reports(fake)
    assert request.query == {
        "ids": f"channel=={CHANNEL}",
        "startDate": "2026-10-01",
        "endDate": "2026-10-03",
        "dimensions": "day",
        "sort": "day",
        "metrics": "views,engagedViews,estimatedMinutesWatched,likes,comments,shares,"
        "subscribersGained,subscribersLost",
    }
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    daily = normalize("channel_daily", pulled, ACCOUNT).tables["account_daily"]
    expected = []
    for day in world.days(window.start, window.end):
        values = world.channel_day(day)
        engagements = values["likes"] + values["comments"] + values["shares"]
        expected.append((day, values["views"], engagements, values["subscribersLost"]))
    assert rows(daily, "date", "video_views", "engagements", "followers_lost") == expected
    # 1 October: floor 900 + Wakatobi (11 days old: 300 // 12) + Toraja (45 days: 200 // 46);
    # likes 40 + 25 // 20, comments 6, shares 3; 1 + 1 % 3 subscribers lost
    assert expected[0] == (date(2026, 10, 1), 900 + 25 + 4, 41 + 6 + 3, 2)
    engaged = [
        world.channel_day(day)["engagedViews"] for day in world.days(window.start, window.end)
    ]
    assert daily["engaged_views"].to_list() == engaged
    assert engaged[0] == 800 + 25 * 9 // 10 + 4 * 9 // 10


def test_videos_pull_pages_uploads_and_asks_each_video(
    world_api: tuple[FakeApi, GoogleWorld],
) -> None:
    fake, world = world_api
    src = source(fake)
    with client(src) as api:
        pulled = pull(src, "videos", WINDOW, api)
    uploads = [r for r in fake.requests if r.path == "/youtube/v3/playlistItems"]
    # page 2 ends with an upload of 20 September, before the window: page 3 is never asked
    assert [r.query.get("pageToken") for r in uploads] == [None, "page-1"]
    assert uploads[0].query["playlistId"] == "UUk9fW2vNqXr7bTz3LmPa4Hd"
    lifetime, kinds, *daily = reports(fake)
    assert lifetime.query["filters"] == "video==-q3HfJ9sEo1,Zr5TdW8yLc0,kB7xQ2mN4pA"
    assert (lifetime.query["startDate"], lifetime.query["endDate"]) == ("2005-02-14", "2026-10-07")
    assert kinds.query == {
        "ids": f"channel=={CHANNEL}",
        "startDate": "2026-10-01",  # the day before the earliest upload of the chunk
        "endDate": "2026-10-07",
        "dimensions": "video,creatorContentType",
        "filters": "video==-q3HfJ9sEo1,Zr5TdW8yLc0,kB7xQ2mN4pA",
        "metrics": "views",
    }
    assert [(r.query["filters"], r.query["startDate"]) for r in daily] == [
        ("video==-q3HfJ9sEo1", "2026-10-05"),
        ("video==Zr5TdW8yLc0", "2026-10-03"),
        ("video==kB7xQ2mN4pA", "2026-10-01"),
    ]
    assert [e.item["request"] for e in pulled] == [
        "channel", "uploads", "uploads", "lifetime", "content_type", "daily", "daily", "daily",
    ]  # fmt: skip
    result = normalize("videos", pulled, ACCOUNT)
    videos = {v.video_id: v for v in world.videos}
    snapshots = result.tables["post_metrics"]
    for post_id, views, likes, follows in rows(
        snapshots, "post_id", "video_views", "reactions", "follows"
    ):
        totals = world.lifetime(videos[post_id], date(2005, 2, 14), WINDOW.end)
        assert (views, likes, follows) == (
            totals["views"],
            totals["likes"],
            totals["subscribersGained"],
        )
    # Labuan Bajo: 1500 on 6 October, 750 on the 7th
    assert rows(snapshots.filter(pl.col("post_id") == "-q3HfJ9sEo1"), "video_views") == [(2250,)]
    daily_rows = result.tables["post_daily"]
    assert daily_rows.height == 2 + 4 + 6  # days with views, up to 7 October
    assert rows(daily_rows.filter(pl.col("post_id") == "Zr5TdW8yLc0"), "date", "video_views") == [
        (date(2026, 10, 4), 600),
        (date(2026, 10, 5), 300),
        (date(2026, 10, 6), 200),
        (date(2026, 10, 7), 150),
    ]
    # a Short, a live stream (two thirds of its views live) and a video on demand
    kinds = result.tables["post"].select("post_id", "content_type")
    assert rows(kinds, "post_id", "content_type") == [
        ("-q3HfJ9sEo1", "short"),
        ("Zr5TdW8yLc0", "live"),
        ("kB7xQ2mN4pA", "video"),
    ]
    # engaged views beside views: the Short's are 3/5 of its views, the others' 9/10 per day
    for post_id, views, engaged in rows(snapshots, "post_id", "video_views", "engaged_views"):
        totals = world.lifetime(videos[post_id], date(2005, 2, 14), WINDOW.end)
        assert (views, engaged) == (totals["views"], totals["engagedViews"])
    assert rows(snapshots.filter(pl.col("post_id") == "-q3HfJ9sEo1"), "engaged_views") == [
        (900 + 450,)
    ]
    assert daily_rows.filter(pl.col("engaged_views").is_null()).height == 0
    # 4 listed uploads + 3 lifetime rows + 4 content-type rows + 12 daily rows and 3
    # pre-publication zeros; skipped: the upload of 20 September and the 3 zeros
    assert (result.rows_read, result.rows_quarantined, result.rows_skipped) == (26, 0, 1 + 3)


def test_audience_pull_covers_audience_days_up_to_the_run_date(
    world_api: tuple[FakeApi, GoogleWorld],
) -> None:
    fake, world = world_api
    src = source(fake, audience_days=7)
    today = Window(date(2026, 10, 7), date(2026, 10, 7))
    with client(src) as api:
        pulled = pull(src, "audience", today, api)
    assert [
        (r.query["dimensions"], r.query["metrics"], r.query["startDate"]) for r in reports(fake)
    ] == [
        ("ageGroup,gender", "viewerPercentage", "2026-10-01"),
        ("country", "views", "2026-10-01"),
    ]
    audience = normalize("audience", pulled, ACCOUNT).tables["audience"]
    countries = audience.filter(pl.col("dimension") == "country")
    expected = [(c, float(v)) for c, v in world.countries(date(2026, 10, 1), date(2026, 10, 7))]
    assert rows(countries, "bucket", "value") == expected
    assert audience.filter(pl.col("dimension") == "gender_age").height == 9
    # fetched now (after 7 October): the snapshot is as of the run's date
    assert set(audience["as_of_date"]) == {date(2026, 10, 7)}


def test_a_refused_metric_is_dropped_asked_again_and_remembered() -> None:
    world = GoogleWorld(token=TOKEN, invalid_metrics=frozenset({"shares"}))
    with FakeApi() as refusing:
        install(refusing, world)
        src = source(refusing)
        with client(src) as api:
            first = pull(src, "channel_daily", WINDOW, api)
            second = pull(src, "channel_daily", WINDOW, api)
            assert api.dropped_metrics == {"channel_daily": {"shares"}}
        asked = [r.query["metrics"] for r in reports(refusing)]
    assert asked == [
        "views,engagedViews,estimatedMinutesWatched,likes,comments,shares,subscribersGained,"
        "subscribersLost",
        "views,engagedViews,estimatedMinutesWatched,likes,comments,subscribersGained,"
        "subscribersLost",
        "views,engagedViews,estimatedMinutesWatched,likes,comments,subscribersGained,"
        "subscribersLost",
    ]
    assert [e.status for e in first] == [400, 200] and [e.status for e in second] == [200]
    result = normalize("channel_daily", first, ACCOUNT)
    assert result.notes == ("dropped invalid metrics: shares",)
    day = world.channel_day(date(2026, 10, 1))
    assert result.tables["account_daily"]["engagements"][0] == day["likes"] + day["comments"]


def test_a_rejected_token_fails_the_pull(world_api: tuple[FakeApi, GoogleWorld]) -> None:
    fake, _ = world_api
    src = source(fake)
    with (
        client(src, token="TEST-" + secrets.token_hex(8)) as api,
        pytest.raises(TokenError) as error,
    ):
        pull(src, "channel_daily", WINDOW, api)
    assert "token rejected" in str(error.value) and "UNAUTHENTICATED" in str(error.value)


def test_a_replay_from_the_raw_zone_gives_the_same_frames(
    world_api: tuple[FakeApi, GoogleWorld], tmp_path: Path
) -> None:
    fake, _ = world_api
    src = source(fake)
    rawlog = RawLog(tmp_path, src.name)
    with client(src, rawlog=rawlog) as api:
        for stream in ("channel_daily", "videos"):
            pulled = pull(src, stream, WINDOW, api)
            rawlog.complete(stream, CHANNEL, WINDOW, pulled)
            [replayed] = list(rawlog.pulls(stream=stream))
            live, again = (
                normalize(stream, pulled, ACCOUNT),
                normalize(stream, replayed.envelopes, ACCOUNT),
            )
            assert live.tables.keys() == again.tables.keys()
            for name, frame in live.tables.items():
                assert_frame_equal(frame, again.tables[name])
            assert (live.rows_read, live.notes) == (again.rows_read, again.notes)
    landed = [p.read_text() for p in tmp_path.rglob("*") if p.is_file()]
    assert landed and not any(TOKEN in text for text in landed)


def test_the_videos_stream_needs_the_connectors_client(
    world_api: tuple[FakeApi, GoogleWorld],
) -> None:
    fake, _ = world_api
    src = source(fake)
    plain = ApiClient(
        source=src, token=TOKEN, rawlog=None, auth="bearer", classify=lambda s, d: None
    )
    with plain, pytest.raises(TypeError, match="client_for"):
        pull(src, "videos", WINDOW, plain)


def test_an_answer_not_shaped_as_documented_fails_in_one_line() -> None:
    short_row = json.loads((FIXTURES / "yt_channel_daily.json").read_text())
    short_row["rows"][1] = ["2026-10-02", 1655]
    with pytest.raises(
        InputError, match=r"^YouTube API: the answer of GET .*/v2/reports \(page 0\)"
    ):
        normalize("channel_daily", [envelope(short_row, "channel_daily", "channel_daily")], ACCOUNT)
    with pytest.raises(InputError, match="not an object"):
        normalize("videos", [envelope({"items": ["x"]}, "videos", "uploads")], ACCOUNT)


def test_an_item_error_is_kept_and_the_item_passed_over() -> None:
    def classify(status: int, data: Any) -> ApiError | None:
        return ItemError("no data for this video") if status == 403 else None

    with FakeApi() as fake:
        fake.script("GET", "/v2/reports", [Reply.json({"error": {"code": 403}}, status=403)])
        api = ApiClient(
            source=source(fake), token=TOKEN, rawlog=None, auth="bearer", classify=classify
        )
        kept: list[Envelope] = []

        def send(metrics: list[str]) -> Envelope:
            return api.get(
                "/v2/reports",
                {"metrics": metrics},
                stream="videos",
                account_id=CHANNEL,
                window=WINDOW,
            )

        with api:
            assert ask_for_metrics(api, "daily", ["views"], send, kept) is None
    assert [e.status for e in kept] == [403]


def test_a_refused_content_type_report_is_quarantined_and_the_videos_still_load(
    world_api: tuple[FakeApi, GoogleWorld],
) -> None:
    fake, _ = world_api
    error = {"code": 400, "message": "The query is not supported.", "status": "INVALID_ARGUMENT"}
    refusal = {"error": {**error, "errors": [{"reason": "badRequest"}]}}
    src = source(fake)
    original = fake.answer

    def answer(request: Request) -> Reply:
        if request.query.get("dimensions") == "video,creatorContentType":
            fake.requests.append(request)
            return Reply.json(refusal, 400)
        return original(request)

    fake.answer = answer  # type: ignore[method-assign]
    with client(src) as api:
        pulled = pull(src, "videos", WINDOW, api)
    result = normalize("videos", pulled, ACCOUNT)
    assert set(result.tables["post"]["content_type"]) == {"video"}
    assert result.tables["post_metrics"].height == 3
    assert [r for _, r in rows(result.quarantine, "row_number", "reason")] == [
        "YouTube API error 400 INVALID_ARGUMENT: The query is not supported."
    ]
