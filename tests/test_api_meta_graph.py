"""Meta Graph API: the mapping over recorded and hand-made responses, and pulls from a fake API."""

import json
import secrets
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from flows.api import meta_graph as meta_connector
from flows.api.client import ApiClient
from flows.api.errors import ApiError, TokenError
from flows.api.meta_graph import STREAMS, api_version, client_for, pull
from flows.api.rawlog import RawLog
from flows.config.settings import ApiSource
from tests.conftest import REALDATA, needs_realdata, reasons
from tests.fakeapi.meta_graph import DEPRECATED, MetaWorld, install
from tests.fakeapi.server import FakeApi, Reply
from transforms.api.envelope import Envelope, Window
from transforms.api.meta_graph import day_label, normalize, retired, served
from transforms.context import Account, Normalized
from transforms.errors import InputError

pytest_plugins = ("tests.fakeapi",)

FIXTURES = Path(__file__).parent / "fixtures" / "api" / "meta_graph"
REAL = REALDATA / "meta_graph_api"
FETCHED = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 09:00 on 2026-11-25 in Jakarta
PAGE = Account("facebook", "104857600000099", timezone="Asia/Jakarta")
IG = Account("instagram", "17841400000000099", timezone="Asia/Jakarta")
JKT = "Asia/Jakarta"


def envelope(
    body: str,
    path: str,
    *,
    params: dict[str, Any] | None = None,
    item: dict[str, str] | None = None,
    window: Window | None = None,
    status: int = 200,
) -> Envelope:
    return Envelope(
        source="meta",
        kind="meta_graph",
        stream="test",
        account_id="",
        window=window,
        method="GET",
        url=f"https://graph.facebook.com/v24.0/{path}",
        params=params or {},
        status=status,
        body=body,
        fetched_at=FETCHED,
        item=item or {},
    )


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def real(name: str) -> str:
    return (REAL / name).read_text(encoding="utf-8")


def counts(result: Normalized) -> tuple[int, int, int, int]:
    return result.rows_read, result.rows_loaded, result.rows_quarantined, result.rows_skipped


def at(year: int, month: int, day: int, hour: int, minute: int, second: int) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def rows(frame: pl.DataFrame, *key: str) -> list[tuple[Any, ...]]:
    return frame.sort(list(key)).rows()


# --- mapping: day labels ------------------------------------------------------------------------


def test_day_label_is_the_pacific_day_before_end_time_on_both_sides_of_a_clock_change() -> None:
    assert day_label("2017-05-04T07:00:00+0000") == date(2017, 5, 3)  # PDT midnight
    assert day_label("2026-11-02T08:00:00+0000") == date(2026, 11, 1)  # PST midnight
    assert day_label("2026-11-02T07:00:00+0000") == date(2026, 11, 1)  # an hour off: nearest
    assert day_label("2026-11-02") is None


# --- mapping: Facebook Page ---------------------------------------------------------------------


def test_page_insights_map_each_metric_to_its_column_and_quarantine_a_bad_value() -> None:
    body = fixture("page_insights_day.json")
    window = Window(date(2026, 10, 25), date(2026, 11, 7))
    result = normalize(
        "page_insights", [envelope(body, "104857600000099/insights", window=window)], PAGE
    )
    daily = result.tables["account_daily"]
    assert daily.columns == [
        "platform", "account_id", "date", "followers_total", "followers_gained", "followers_lost",
        "impressions", "reach", "views", "engagements", "profile_visits", "video_views",
    ]  # fmt: skip
    assert daily.drop("platform", "account_id").rows() == [
        (date(2026, 10, 31), 12840, 15, 2, 6021, 3120, 5310, 412, 97, 880),
        (date(2026, 11, 1), 12851, 14, 3, 5630, 2975, 4988, 0, None, 912),
    ]
    assert set(daily["account_id"]) == {"104857600000099"}
    assert counts(result) == (20, 17, 1, 2)
    assert reasons(result) == [(17, "page_views_total on 2026-11-01: 'n/a' is not a count")]
    assert result.notes == (
        "skipped 1: a value for a key and measure that another value fills",
        "skipped 1: metric page_total_actions is not stored",
    )
    assert result.format == "meta_graph:page_insights"
    assert result.platform == "facebook"
    assert result.tables["account"].rows() == [
        ("facebook", "104857600000099", None, None, JKT, None, True, None)
    ]


def test_page_insights_outside_the_window_are_skipped_so_no_other_pull_is_overwritten() -> None:
    body = fixture("page_insights_day.json")
    window = Window(date(2026, 11, 1), date(2026, 11, 7))
    result = normalize(
        "page_insights", [envelope(body, "104857600000099/insights", window=window)], PAGE
    )
    assert [r[2] for r in result.tables["account_daily"].rows()] == [date(2026, 11, 1)]
    assert counts(result) == (20, 8, 1, 11)
    assert "skipped 10: a day outside the pull's window" in result.notes


def test_page_fans_online_hours_move_to_local_time_and_a_clock_change_keeps_the_later_hour() -> (
    None
):
    body = fixture("page_fans_online_spring_forward.json")
    result = normalize("page_audience", [envelope(body, "104857600000099/insights")], PAGE)
    activity = result.tables["audience_activity"]
    assert activity.height == 23
    picked = activity.filter(pl.col("hour").is_in([15, 16, 17, 18, 0, 13]))
    assert rows(picked, "as_of_date", "hour") == [
        ("facebook", "104857600000099", date(2026, 3, 8), 7, 15, 50),
        ("facebook", "104857600000099", date(2026, 3, 8), 7, 16, 51),
        ("facebook", "104857600000099", date(2026, 3, 8), 7, 17, 53),  # Pacific 2:00 and 3:00
        ("facebook", "104857600000099", date(2026, 3, 8), 7, 18, 54),
        ("facebook", "104857600000099", date(2026, 3, 9), 1, 0, 60),
        ("facebook", "104857600000099", date(2026, 3, 9), 1, 13, 73),
    ]
    assert counts(result) == (24, 23, 0, 1)
    assert result.notes == (
        "skipped 1: an online hour on a local hour already listed in Asia/Jakarta (clock change)",
    )


def test_page_fans_by_country_city_and_gender_age_become_follower_audience() -> None:
    body = fixture("page_fans_lifetime.json")
    result = normalize("page_audience", [envelope(body, "104857600000099/insights")], PAGE)
    audience = result.tables["audience"].select(
        "as_of_date", "measure", "dimension", "bucket", "value"
    )
    assert set(audience.get_column("as_of_date")) == {date(2026, 11, 24)}
    assert set(audience.get_column("measure")) == {"followers"}
    assert rows(audience.drop("as_of_date", "measure"), "dimension", "bucket") == [
        ("age", "13-17", 12.0),
        ("age", "25-34", 4000.0),
        ("age", "65+", 85.0),
        ("city", "Jakarta, Jakarta, Indonesia", 4210.0),
        ("city", "Yogyakarta, Yogyakarta, Indonesia", 1630.0),
        ("country", "ID", 9120.0),
        ("country", "MY", 410.0),
        ("country", "SG", 133.0),
        ("gender", "female", 2185.0),
        ("gender", "male", 1900.0),
        ("gender", "unknown", 12.0),
        ("gender_age", "female|25-34", 2100.0),
        ("gender_age", "female|65+", 85.0),
        ("gender_age", "male|25-34", 1900.0),
        ("gender_age", "unknown|13-17", 12.0),
    ]
    assert counts(result) == (10, 9, 1, 0)
    assert reasons(result) == [(10, "gender_age 'X.??' is not a gender.age bucket (F.25-34)")]


def test_page_posts_with_insights_in_the_window_and_a_refused_metric_noted() -> None:
    window = Window(date(2026, 11, 17), date(2026, 11, 23))
    first, second, post = (f"104857600000099_73100000000000{n}" for n in (1, 2, 3))
    asked = (
        "post_impressions_unique,post_media_view,post_reactions_by_type_total,post_clicks,"
        "post_clicks_by_type,post_video_views,post_video_view_time"
    )
    envelopes = [
        envelope(fixture("page_published_posts.json"), "1/published_posts", window=window),
        envelope(
            fixture("page_error_invalid_metric.json"),
            f"{post}/insights",
            params={"metric": f"post_impressions,{asked}", "period": "lifetime"},
            item={"post_id": post},
            window=window,
            status=400,
        ),
        envelope(
            fixture("page_post_insights.json"),
            f"{post}/insights",
            params={"metric": asked, "period": "lifetime"},
            item={"post_id": post},
            window=window,
        ),
    ]  # fmt: skip
    result = normalize("page_posts", envelopes, PAGE)
    posts = result.tables["post"].select("post_id", "published_date", "content_type", "text")
    assert rows(posts, "post_id") == [
        (first, date(2026, 11, 17), "other", "Acara budaya minggu ini"),
        (second, date(2026, 11, 20), "carousel", "Album: hari pertama festival"),
        (post, date(2026, 11, 23), "reel", "Sorotan festival dalam 30 detik"),
    ]  # fmt: skip
    metrics = result.tables["post_metrics"]
    assert metrics.columns == [
        "platform", "post_id", "as_of_date", "reach", "views", "reactions", "comments", "shares",
        "clicks", "link_clicks", "video_views", "watch_time_seconds",
    ]  # fmt: skip
    assert rows(metrics.drop("platform"), "post_id") == [
        (first, date(2026, 11, 25), None, None, 14, 0, 0, None, None, None, None),
        (second, date(2026, 11, 25), None, None, 120, 4, 6, None, None, None, None),
        (post, date(2026, 11, 25), 8420, 12011, 231, 9, 17, 1420, 22, 6550, 52401.5),
    ]  # fmt: skip
    published = result.tables["post"].filter(pl.col("post_id") == post)["published_at"]
    assert published.to_list() == [datetime(2026, 11, 23, 2, 10, tzinfo=UTC)]
    assert counts(result) == (12, 10, 0, 2)
    assert result.notes == (
        "dropped invalid metrics: post_impressions ((#100) The value must be a valid insights "
        "metric)",
        "skipped 1: a post published outside the pull's window",
        "skipped 1: metric post_engaged_users is not stored",
    )


# --- mapping: Instagram -------------------------------------------------------------------------


def test_ig_user_insights_series_and_one_day_total_values_make_days() -> None:
    window = Window(date(2026, 11, 15), date(2026, 11, 21))
    node = "17841400000000099/insights"
    one_day = {"metric_type": "total_value", "period": "day", "since": "1795248000"}
    envelopes = [
        envelope(fixture("ig_user_insights_series.json"), node, window=window),
        envelope(
            fixture("ig_user_insights_day_total.json"),
            node,
            params={**one_day, "until": "1795334400"},
            window=window,
        ),
        envelope(
            fixture("ig_user_insights_day_total.json"),
            node,
            params={**one_day, "until": "1795420800"},  # two days: a period total
            window=window,
        ),
    ]
    result = normalize("ig_user_insights", envelopes, IG)
    daily = result.tables["account_daily"]
    assert daily.columns == [
        "platform", "account_id", "date", "followers_gained", "reach", "views", "engagements",
        "profile_visits", "website_clicks",
    ]  # fmt: skip
    assert daily.drop("platform", "account_id").rows() == [
        (date(2026, 11, 20), 57, 18211, None, None, None, None),
        (date(2026, 11, 21), 64, 20456, 40210, 2230, 812, 96),
    ]
    assert counts(result) == (14, 8, 0, 6)
    assert result.notes == (
        "skipped 4: a total_value over more than one day (not a day's value)",
        "skipped 2: metric accounts_engaged is not stored",
    )


def test_ig_audience_followers_count_online_hours_and_demographics() -> None:
    node = "17841400000000099"
    envelopes = [
        envelope(fixture("ig_user_node.json"), node, params={"fields": "followers_count"}),
        envelope(fixture("ig_online_followers.json"), f"{node}/insights"),
        envelope(fixture("ig_follower_demographics_gender.json"), f"{node}/insights"),
        envelope(fixture("ig_follower_demographics_city.json"), f"{node}/insights"),
    ]
    result = normalize("ig_audience", envelopes, IG)
    assert result.tables["account_daily"].rows() == [("instagram", node, date(2026, 11, 25), 45120)]
    assert result.tables["audience_activity"].drop("platform", "account_id").rows() == [
        (date(2026, 11, 20), 5, 15, 3110),
        (date(2026, 11, 20), 5, 16, 2950),
        (date(2026, 11, 21), 6, 3, 4870),
        (date(2026, 11, 21), 6, 14, 3402),
    ]
    audience = result.tables["audience"].select(
        "as_of_date", "measure", "dimension", "bucket", "value"
    )
    assert audience.rows() == [
        (date(2026, 11, 25), "followers", "gender", "female", 24110.0),
        (date(2026, 11, 25), "followers", "gender", "male", 19803.0),
        (date(2026, 11, 25), "followers", "gender", "unknown", 1207.0),
        (date(2026, 11, 25), "followers", "city", "Jakarta, Jakarta", 9102.0),
        (date(2026, 11, 25), "followers", "city", "Bandung, West Java", 3050.0),
        (date(2026, 11, 25), "followers", "city", "Medan, North Sumatra", 1288.0),
    ]
    assert counts(result) == (11, 11, 0, 0)


def test_ig_stories_with_insights_and_an_item_error_quarantined() -> None:
    window = Window(date(2026, 11, 24), date(2026, 11, 25))
    node = "17841400000000099"
    envelopes = [
        envelope(fixture("ig_stories.json"), f"{node}/stories", window=window),
        envelope(
            fixture("ig_error_not_enough_viewers.json"),
            "17980000000000012/insights",
            item={"media_id": "17980000000000012", "media_product_type": "STORY"},
            window=window,
            status=400,
        ),
        envelope(
            fixture("ig_story_insights.json"),
            "17980000000000011/insights",
            item={"media_id": "17980000000000011", "media_product_type": "STORY"},
            window=window,
        ),
    ]
    result = normalize("ig_media", envelopes, IG)
    posts = result.tables["post"].select("post_id", "published_date", "content_type")
    assert rows(posts, "post_id") == [
        ("17980000000000011", date(2026, 11, 24), "story"),
        ("17980000000000012", date(2026, 11, 25), "story"),
    ]  # fmt: skip
    assert result.tables["post_metrics"].drop("platform").rows() == [
        ("17980000000000011", date(2026, 11, 25), 1320, 1544, 12, 5, 40, 2)
    ]
    assert result.tables["post_metrics"].columns[3:] == [
        "reach", "views", "comments", "shares", "profile_visits", "follows",
    ]  # fmt: skip
    assert reasons(result) == [
        (
            1,
            "media 17980000000000012: (#10) Not enough viewers for the media to show insights "
            "(code 10)",
        )
    ]
    raw = json.loads(result.quarantine["raw"][0])
    assert raw["item"] == {"media_id": "17980000000000012", "media_product_type": "STORY"}
    assert raw["error"]["code"] == 10
    assert counts(result) == (10, 8, 1, 1)
    assert result.notes == ("skipped 1: metric navigation is not stored",)


def test_a_media_metric_refused_for_a_product_type_is_a_note_not_a_row() -> None:
    media = {"media_id": "17846368219941692"}
    envelopes = [
        envelope(
            fixture("ig_error_metric_unsupported.json"),
            "17846368219941692/insights",
            params={"metric": "reach,views,saved"},
            item=media,
            status=400,
        ),
    ]
    result = normalize("ig_media", envelopes, IG)
    assert counts(result) == (0, 0, 0, 0)
    assert result.notes == (
        "dropped invalid metrics: views ((#100) The Media Insights API does not support the views "
        "metric for this media product type.)",
    )


def test_a_metric_refused_by_position_is_noted_by_the_name_asked_there() -> None:
    # Meta names the position and lists the valid metrics, among them the others asked
    message = (
        "(#100) metric[1] must be one of the following values: impressions, reach, "
        "follower_count, email_contacts, phone_call_clicks, website_clicks, profile_views"
    )
    window = Window(date(2026, 11, 20), date(2026, 11, 21))
    node = "17841400000000099/insights"
    envelopes = [
        envelope(
            json.dumps({"error": {"message": message, "type": "OAuthException", "code": 100}}),
            node,
            params={"metric": "reach,audience_city,follower_count", "period": "day"},
            window=window,
            status=400,
        ),
        envelope(
            fixture("ig_user_insights_series.json"),
            node,
            params={"metric": "reach,follower_count", "period": "day"},
            window=window,
        ),
    ]
    result = normalize("ig_user_insights", envelopes, IG)
    assert result.notes == (f"dropped invalid metrics: audience_city ({message})",)
    assert counts(result) == (4, 4, 0, 0)


def test_a_body_that_is_not_json_is_quarantined_and_an_unknown_stream_refused() -> None:
    result = normalize("page_insights", [envelope("<html>oops</html>", "1/insights")], PAGE)
    assert reasons(result) == [(1, "/v24.0/1/insights: the response is not a JSON object")]
    assert counts(result) == (1, 0, 1, 0)
    with pytest.raises(InputError, match="unknown stream 'page_reels'"):
        normalize("page_reels", [], PAGE)
    with pytest.raises(InputError, match="'ig_media' maps instagram accounts, not facebook:1048"):
        normalize("ig_media", [], PAGE)


# --- mapping: recorded real responses -----------------------------------------------------------


@needs_realdata
def test_real_ig_user_insights_2017_daily_values() -> None:
    window = Window(date(2017, 5, 1), date(2017, 5, 31))
    body = real("sns_ig_user_insights_daily_2017.json")
    result = normalize("ig_user_insights", [envelope(body, "1/insights", window=window)], IG)
    assert result.tables["account_daily"].drop("platform", "account_id").rows() == [
        (date(2017, 5, 3), 4, 3, 0),
        (date(2017, 5, 4), 66, 36, 2),
    ]
    assert result.tables["account_daily"].columns[3:] == ["impressions", "reach", "profile_visits"]
    assert counts(result) == (6, 6, 0, 0)


@needs_realdata
def test_real_ig_reach_total_value_is_a_day_only_over_one_pacific_day() -> None:
    body = real("sns_ig_user_insights_reach_breakdown_paged.json")
    window = Window(date(2023, 11, 1), date(2023, 11, 30))
    params = {"metric": "reach", "metric_type": "total_value", "period": "day"}
    two_days = envelope(
        body, "1/insights", params={**params, "since": "1699430350", "until": "1699603152"},
        window=window,
    )  # fmt: skip
    result = normalize("ig_user_insights", [two_days], IG)
    assert result.tables["account_daily"].height == 0
    assert counts(result) == (1, 0, 0, 1)
    assert result.notes == ("skipped 1: a total_value over more than one day (not a day's value)",)
    one_day = envelope(
        body, "1/insights", params={**params, "since": "1699344000", "until": "1699430400"},
        window=window,
    )  # fmt: skip
    result = normalize("ig_user_insights", [one_day], IG)
    assert result.tables["account_daily"].rows() == [
        ("instagram", IG.account_id, date(2023, 11, 7), 14516883)
    ]


@needs_realdata
def test_real_media_pages_and_an_item_error_keep_the_rest_of_the_stream() -> None:
    window = Window(date(2021, 6, 1), date(2021, 8, 31))
    account = "17841406338772941"
    envelopes = [
        envelope(real("sns_ig_user_media_p1_cursor_next.json"), f"{account}/media", window=window),
        envelope(real("sns_ig_user_media_p2.json"), f"{account}/media", window=window),
        envelope(
            real("airbyte_ig_error_code100_subcode2108006_posted_before_business.json"),
            "17896129349106152/insights",
            item={"media_id": "17896129349106152", "media_type": "CAROUSEL_ALBUM"},
            window=window,
            status=400,
        ),
    ]
    result = normalize("ig_media", envelopes, IG)
    posts = result.tables["post"].select(
        "post_id", "published_at", "published_date", "content_type", "text"
    )
    assert posts.rows() == [
        ("17895731045244887", at(2021, 8, 13, 8, 25, 28), date(2021, 8, 13), "photo", None),
        ("17896622936197745", at(2021, 8, 13, 8, 2, 40), date(2021, 8, 13), "photo", None),
        ("17896129349106152", at(2021, 7, 26, 10, 45, 20), date(2021, 7, 26), "carousel", "ALBUM"),
        ("17893085207160254", at(2021, 6, 9, 9, 47, 29), date(2021, 6, 9), "photo", "Peach new"),
    ]
    assert rows(result.tables["post_metrics"].drop("platform"), "post_id") == [
        ("17893085207160254", date(2026, 11, 25), 1, 0),
        ("17895731045244887", date(2026, 11, 25), 0, 0),
        ("17896129349106152", date(2026, 11, 25), 1, 0),
        ("17896622936197745", date(2026, 11, 25), 2, 6),
    ]
    assert reasons(result) == [
        (
            1,
            "media 17896129349106152: Media posted before business account conversion "
            "(code 100, subcode 2108006)",
        )
    ]
    assert counts(result) == (5, 4, 1, 0)


@needs_realdata
def test_real_media_insights_map_lifetime_reels_and_profile_activity() -> None:
    window = Window(date(2021, 1, 1), date(2021, 12, 31))
    listing = {
        "data": [
            {"id": "84386203808767123", "media_type": "VIDEO", "media_product_type": "REELS",
             "timestamp": "2021-09-01T10:00:00+0000", "like_count": 108, "comments_count": 7},
            {"id": "17846368219941692", "media_type": "IMAGE",
             "timestamp": "2021-09-02T10:00:00+0000", "like_count": 3, "comments_count": 0},
            {"id": "18035507131611621", "media_type": "IMAGE", "media_product_type": "FEED",
             "timestamp": "2021-09-03T10:00:00+0000", "like_count": 9},
        ]
    }  # fmt: skip
    envelopes = [envelope(json.dumps(listing), "1/media", window=window)]
    for media_id, name in (
        ("84386203808767123", "airbyte_ig_media_insights_reels.json"),
        ("17846368219941692", "sns_ig_media_insights_lifetime.json"),
        ("18035507131611621", "sns_ig_media_insights_profile_activity_breakdown.json"),
    ):
        item = {"media_id": media_id}
        envelopes.append(envelope(real(name), f"{media_id}/insights", item=item, window=window))
    result = normalize("ig_media", envelopes, IG)
    assert rows(result.tables["post"].select("post_id", "content_type"), "post_id") == [
        ("17846368219941692", "photo"),
        ("18035507131611621", "photo"),
        ("84386203808767123", "reel"),
    ]
    metrics = result.tables["post_metrics"]
    assert metrics.columns[3:] == [
        "impressions", "reach", "reactions", "comments", "shares", "saves", "link_clicks",
        "video_views", "watch_time_seconds",
    ]  # fmt: skip
    assert rows(metrics.drop("platform", "as_of_date"), "post_id") == [
        ("17846368219941692", 8, 5, 3, 0, None, 0, None, None, None),
        ("18035507131611621", None, None, 9, None, None, None, 11, None, None),
        ("84386203808767123", None, 2006, 108, 7, 1, 7, None, 2385, 30017.581),
    ]
    assert counts(result) == (17, 14, 0, 3)
    assert result.notes == (
        "skipped 1: metric clips_replays_count is not stored",
        "skipped 1: metric ig_reels_aggregated_all_plays_count is not stored",
        "skipped 1: metric ig_reels_avg_watch_time is not stored",
    )


@needs_realdata
def test_real_error_answers_without_an_item_are_quarantined_with_their_code() -> None:
    envelopes = [
        envelope(real(name), "17841400000000099/insights", status=400)
        for name in (
            "airbyte_ig_user_insights_error_code10.json",
            "sns_error_code100_ppca.json",
            "sns_error_code100_missing_permission.json",
        )
    ]
    result = normalize("ig_user_insights", envelopes, IG)
    found = reasons(result)
    where = "/v24.0/17841400000000099/insights"
    assert found[:2] == [
        (1, f"{where}: (#10) Application does not have permission for this action (code 10)"),
        (
            2,
            f"{where}: (#100) Pages Public Content Access requires either app secret proof or an "
            "app token (code 100)",
        ),
    ]
    assert found[2][1].startswith(f"{where}: (#100) Object does not exist")
    assert found[2][1].endswith("(code 100)")
    assert counts(result) == (3, 0, 3, 0)


# --- pulls from the fake Graph API --------------------------------------------------------------

WEEK = Window(date(2026, 11, 16), date(2026, 11, 22))
WORLD = MetaWorld()
STREAM = {stream.name: stream for stream in STREAMS}


def source_for(fake: FakeApi, world: MetaWorld = WORLD, version: str = "v24.0") -> ApiSource:
    return ApiSource(
        name="meta",
        kind="meta_graph",
        token_env="KUNCI_TEST_META_TOKEN",
        base_url=f"{fake.base_url}/{version}",
        ids={"pages": (world.page_id,), "instagram_accounts": (world.ig_user_id,)},
    )


def client(
    fake: FakeApi, rawlog: RawLog | None = None, token: str | None = None, version: str = "v24.0"
) -> ApiClient:
    token = token or "TEST-" + secrets.token_hex(8)
    source = source_for(fake, version=version)
    return client_for(source, token, rawlog, sleep=lambda seconds: None)


def account(stream: str, world: MetaWorld = WORLD) -> Account:
    if STREAM[stream].ids_key == "pages":
        return Account("facebook", world.page_id, timezone=JKT)
    return Account("instagram", world.ig_user_id, timezone=JKT)


def pulled(
    api: ApiClient,
    fake: FakeApi,
    stream: str,
    window: Window = WEEK,
    world: MetaWorld = WORLD,
    version: str = "v24.0",
) -> tuple[list[Envelope], Normalized]:
    ids = account(stream, world)
    source = source_for(fake, world, version)
    envelopes = pull(api, source, STREAM[stream], ids.account_id, window)
    return envelopes, normalize(stream, envelopes, ids)


def on_day(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    """Send the connector's requests as if on `day` (retirements for every version by date)."""
    monkeypatch.setattr(meta_connector, "request_day", lambda: day)


def sent(fake: FakeApi, suffix: str) -> list[dict[str, str]]:
    """What the client asked of paths ending in `suffix`, without the token."""
    return [
        {k: v for k, v in r.query.items() if k != "access_token"}
        for r in fake.requests
        if r.path.endswith(suffix)
    ]


@pytest.fixture
def meta(fake_api: FakeApi) -> Iterator[FakeApi]:
    install(fake_api, WORLD)
    yield fake_api
    assert fake_api.errors == []


def test_streams_cover_pages_and_instagram_accounts() -> None:
    assert [(s.name, s.ids_key, s.windowed) for s in STREAMS] == [
        ("page_insights", "pages", True),
        ("page_audience", "pages", False),
        ("page_posts", "pages", True),
        ("ig_user_insights", "instagram_accounts", True),
        ("ig_audience", "instagram_accounts", False),
        ("ig_media", "instagram_accounts", True),
    ]


def test_page_insights_ask_only_served_metrics_then_one_by_one_when_meta_names_none(
    fake_api: FakeApi,
) -> None:
    # page_impressions (15 Nov 2025) and page_impressions_unique (15 Jun 2026) are never asked;
    # a still-served metric refused without its name is found by asking one metric at a time
    world = MetaWorld(invalid_metrics=DEPRECATED | {"page_video_views"})
    install(fake_api, world)
    api = client(fake_api)
    envelopes, result = pulled(api, fake_api, "page_insights", world=world)
    asked = [q["metric"] for q in sent(fake_api, f"{WORLD.page_id}/insights")]
    served = [
        "page_follows", "page_daily_follows_unique", "page_daily_unfollows_unique",
        "page_media_view", "page_total_media_view_unique", "page_post_engagements",
        "page_views_total", "page_video_views",
    ]  # fmt: skip
    assert asked[0].split(",") == served
    assert asked[1:] == served
    assert not set(",".join(asked).split(",")) & DEPRECATED
    assert sent(fake_api, "/insights")[0]["since"] == "1794816000"  # 2026-11-16 00:00 PST
    assert sent(fake_api, "/insights")[0]["until"] == "1795420800"  # 2026-11-23 00:00 PST
    assert [e.status for e in envelopes] == [400, 200, 200, 200, 200, 200, 200, 200, 400]
    daily = result.tables["account_daily"].drop("platform", "account_id")
    assert daily.columns == [
        "date", "followers_total", "followers_gained", "followers_lost", "reach", "views",
        "engagements", "profile_visits",
    ]  # fmt: skip
    assert daily.rows()[0] == (date(2026, 11, 16), 5004, 6, 2, 700, 1200, 90, 40)
    assert daily.rows()[-1] == (date(2026, 11, 22), 5028, 6, 2, 730, 1260, 96, 41)
    assert result.notes == (
        "dropped invalid metrics: page_video_views ((#100) The value must be a valid insights "
        "metric)",
    )
    assert counts(result) == (49, 49, 0, 0)
    assert api.dropped_metrics["page:day"] == {"page_video_views"}
    fake_api.requests.clear()
    pulled(api, fake_api, "page_insights", Window(date(2026, 11, 20), date(2026, 11, 22)), world)
    assert [q["metric"] for q in sent(fake_api, "/insights")] == [",".join(served[:-1])]


def test_page_insights_of_every_era_on_a_current_api_version(
    meta: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Retirements for every version apply by the request's date, whatever the version."""
    eras = {
        date(2025, 11, 14): "page_impressions,page_impressions_unique",
        date(2025, 11, 15): "page_impressions_unique",
        date(2026, 6, 14): "page_impressions_unique",
        date(2026, 6, 15): "",
    }
    for day, retired_later in eras.items():
        on_day(monkeypatch, day)
        meta.requests.clear()
        pulled(client(meta), meta, "page_insights", Window(date(2026, 11, 20), date(2026, 11, 20)))
        asked = sent(meta, "/insights")[0]["metric"].split(",")
        assert [m for m in asked if "impressions" in m] == [
            m for m in retired_later.split(",") if m
        ], day


def test_ig_user_insights_ask_day_totals_day_by_day_and_never_impressions(
    meta: FakeApi,
) -> None:
    api = client(meta)
    envelopes, result = pulled(
        api, meta, "ig_user_insights", Window(date(2026, 11, 20), date(2026, 11, 21))
    )
    asked = sent(meta, "/insights")
    assert asked[0]["metric"] == "reach,follower_count"  # impressions: retired 21 Apr 2025
    assert [(q.get("metric_type"), q["since"], q["until"]) for q in asked[1:]] == [
        ("total_value", "1795161600", "1795248000"),
        ("total_value", "1795248000", "1795334400"),
    ]
    assert asked[1]["metric"] == "views,profile_views,website_clicks,total_interactions"
    assert all(e.status == 200 for e in envelopes)
    assert result.tables["account_daily"].drop("platform", "account_id").rows() == [
        (date(2026, 11, 20), 10, 2080, 4160, 312, 154, 13),
        (date(2026, 11, 21), 11, 2100, 4200, 315, 155, 14),
    ]
    assert result.notes == ()


def test_ig_impressions_on_an_old_version_before_its_retirement_and_refused_after(
    fake_api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """v21.0 still served impressions until 21 Apr 2025; v22.0 and later never did."""
    install(fake_api, MetaWorld(invalid_metrics=frozenset()), "/v21.0")
    install(fake_api, WORLD, "/v22.0")
    window = Window(date(2026, 11, 20), date(2026, 11, 20))
    cases = [("v21.0", date(2025, 4, 20), True), ("v21.0", date(2025, 4, 21), False)]
    cases += [("v22.0", date(2025, 4, 20), False)]
    for version, day, asked in cases:
        on_day(monkeypatch, day)
        fake_api.requests.clear()
        api = client(fake_api, version=version)
        _, result = pulled(api, fake_api, "ig_user_insights", window, WORLD, version)
        series = sent(fake_api, "/insights")[0]["metric"]
        assert ("impressions" in series.split(",")) is asked, (version, day)
        assert ("impressions" in result.tables["account_daily"].columns) is asked
        assert result.notes == ()


def test_served_metrics_follow_the_api_version_and_the_date() -> None:
    v21, v24 = (21, 0), (24, 0)
    asked = ("reach", "impressions", "plays", "page_fans_country", "page_follows_country")
    assert served(asked, v21, date(2025, 1, 1)) == asked
    assert served(asked, v24, date(2025, 1, 1)) == (
        "reach", "page_fans_country", "page_follows_country",
    )  # fmt: skip
    assert served(asked, v21, date(2025, 11, 15)) == ("reach", "page_follows_country")
    assert served(asked, None, date(2024, 1, 1)) == served(asked, v24, date(2024, 1, 1))
    assert retired("post_impressions_unique", v21, date(2026, 6, 15))
    assert not retired("post_impressions_unique", v24, date(2026, 6, 14))
    assert not retired("post_total_media_view_unique", v24, date(2030, 1, 1))
    base = "https://graph.facebook.com"
    versions = [
        api_version(ApiSource("m", "meta_graph", "T", url, {}))
        for url in (f"{base}/v24.0", f"{base}/v21.0/", base, "http://127.0.0.1:9/x/v19.0")
    ]
    assert versions == [(24, 0), (21, 0), None, (19, 0)]


def test_ig_days_without_data_give_no_rows(meta: FakeApi) -> None:
    window = Window(date(2026, 11, 22), date(2026, 11, 24))
    _, result = pulled(client(meta), meta, "ig_user_insights", window)
    assert result.tables["account_daily"].drop("platform", "account_id").rows() == [
        (date(2026, 11, 22), 12, 2120, 4240, 318, 150, 12)
    ]
    assert len(sent(meta, "/insights")) == 4  # series once (impressions never asked), 3 days


def test_ig_daily_series_are_asked_in_spans_of_at_most_30_days(meta: FakeApi) -> None:
    api = client(meta)
    api.dropped_metrics["ig:series"] = {"impressions"}
    api.dropped_metrics["ig:day_total"] = set(
        ("views", "profile_views", "website_clicks", "total_interactions")
    )
    _, result = pulled(api, meta, "ig_user_insights", Window(date(2026, 10, 1), date(2026, 11, 14)))
    assert [(q["since"], q["until"]) for q in sent(meta, "/insights")] == [
        ("1790838000", "1793430000"),  # 2026-10-01 PDT .. 2026-10-31 PDT (30 days)
        ("1793430000", "1794729600"),  # 2026-10-31 PDT .. 2026-11-15 PST
    ]
    assert result.tables["account_daily"].height == 0  # the world starts on 2026-11-16


def test_page_posts_follow_paging_and_get_each_posts_insights(meta: FakeApi) -> None:
    api = client(meta)
    envelopes, result = pulled(api, meta, "page_posts")
    pages = sent(meta, "/published_posts")
    assert [(q["since"], q["until"], q.get("after")) for q in pages] == [
        ("1794700800", "1795478400", None),  # 2026-11-15 .. 2026-11-24 UTC: any timezone's week
        ("1794700800", "1795478400", "2"),
    ]
    assert all("<redacted>" not in e.url and "access_token" not in e.params for e in envelopes)
    # the Reel is read through its video's video_insights, never through /insights
    assert [r.path.removeprefix("/v24.0/") for r in meta.requests if "insights" in r.path] == [
        "104857600000001_900001/insights",
        "900005/video_insights",
        "104857600000001_900002/insights",
        "104857600000001_900003/insights",
    ]
    assert sent(meta, "900005/video_insights")[0]["metric"] == (
        "blue_reels_play_count,post_video_likes_by_reaction_type,post_video_view_time,"
        "post_video_followers"
    )  # post_impressions_unique: retired 15 Jun 2026
    assert sent(meta, "_900001/insights")[0]["metric"] == (
        "post_total_media_view_unique,post_media_view,post_reactions_by_type_total,post_clicks,"
        "post_clicks_by_type,post_video_views,post_video_view_time"
    )
    posts = result.tables["post"].select("post_id", "published_date", "content_type")
    assert rows(posts, "post_id") == [
        ("104857600000001_900001", date(2026, 11, 20), "photo"),
        ("104857600000001_900002", date(2026, 11, 18), "video"),
        ("104857600000001_900003", date(2026, 11, 17), "link"),  # 17:05 UTC is the 17th in Jakarta
        ("104857600000001_900005", date(2026, 11, 19), "reel"),
    ]
    metrics = result.tables["post_metrics"].drop("platform", "as_of_date")
    assert metrics.columns == [
        "post_id", "reach", "views", "reactions", "comments", "shares", "clicks", "link_clicks",
        "video_views", "watch_time_seconds", "follows",
    ]  # fmt: skip
    assert rows(metrics, "post_id") == [
        ("104857600000001_900001", 1400, 2300, 85, 12, 4, 210, 0, 0, 0.0, None),
        ("104857600000001_900002", 900, 1250, 40, 3, 0, 95, 0, 640, 1920.0, None),
        ("104857600000001_900003", 600, 760, 22, 1, 9, 55, 48, 0, 0.0, None),
        ("104857600000001_900005", None, 5400, 180, 7, 11, None, None, None, 8100.0, 12),
    ]
    assert counts(result) == (29, 29, 0, 0)
    assert result.notes == ()


def test_a_reels_insights_edge_answers_meta_s_error_and_the_item_is_quarantined(
    meta: FakeApi,
) -> None:
    """Asked the way a feed post is, a Reel answers code 100: its item alone is quarantined."""
    api = client(meta)
    call = meta_connector._Call(api, "page_posts", WORLD.page_id, WEEK, (24, 0))
    item = {"post_id": "104857600000001_900005"}
    call.insights(item["post_id"], ("post_media_view",), {"period": "lifetime"}, "post", item)
    [kept] = call.envelopes
    assert kept.status == 400 and kept.item == item
    result = normalize("page_posts", call.envelopes, account("page_posts"))
    assert reasons(result) == [
        (
            1,
            "post 104857600000001_900005: (#100) Tried accessing nonexisting field (insights) on "
            "node type (Video) (code 100)",
        )
    ]


def test_an_unexpected_code_100_of_one_post_quarantines_it_and_the_stream_goes_on(
    fake_api: FakeApi,
) -> None:
    world = MetaWorld(missing_posts=frozenset({"104857600000001_900002"}))
    install(fake_api, world)
    envelopes, result = pulled(client(fake_api), fake_api, "page_posts", world=world)
    assert [e.status for e in envelopes if "insights" in e.url] == [200, 200, 400, 200]
    assert reasons(result) == [
        (
            1,
            "post 104857600000001_900002: (#100) Object with ID '104857600000001_900002' does "
            "not exist, cannot be loaded due to missing permissions, or does not support this "
            "operation (code 100, subcode 33)",
        )
    ]
    raw = json.loads(result.quarantine["raw"][0])
    assert raw["item"] == {"post_id": "104857600000001_900002"}
    assert set(result.tables["post"]["post_id"]) >= {"104857600000001_900002"}
    assert result.tables["post_metrics"].height == 4  # its own counts still load
    assert counts(result)[2] == 1


def test_a_permission_error_of_one_post_still_fails_the_stream(fake_api: FakeApi) -> None:
    """Code 10 (a missing permission) is a configuration fault, not one item's problem."""
    install(fake_api, WORLD)
    denied = {"error": {"message": "(#10) Application does not have permission for this action",
                        "type": "OAuthException", "code": 10}}  # fmt: skip
    fake_api.script("GET", "/v24.0/104857600000001_900001/insights", [Reply.json(denied, 400)])
    with pytest.raises(ApiError, match="permission missing"):
        pulled(client(fake_api), fake_api, "page_posts")


def test_ig_media_stop_paging_at_older_media_and_quarantine_item_errors(meta: FakeApi) -> None:
    api = client(meta)
    envelopes, result = pulled(api, meta, "ig_media")
    assert [q.get("after") for q in sent(meta, "/media")] == [None, "2", "4"]  # never "6"
    assert [q.get("after") for q in sent(meta, "/stories")] == [None]
    insights = [r.path for r in meta.requests if r.path.endswith("/insights")]
    assert insights == [
        f"/v24.0/{media}/insights"
        for media in (
            "17900000000000001", "17900000000000002", "17900000000000003", "17900000000000004",
            "17900000000000102", "17900000000000101",
        )
    ]  # fmt: skip
    assert sent(meta, "17900000000000002/insights")[0]["metric"] == (
        "reach,views,likes,comments,shares,saved,ig_reels_video_view_total_time"
    )
    assert sent(meta, "17900000000000101/insights")[0]["metric"] == (
        "reach,views,replies,shares,follows,profile_visits"
    )
    assert reasons(result) == [
        (
            1,
            "media 17900000000000004: Media posted before business account conversion "
            "(code 100, subcode 2108006)",
        ),
        (
            2,
            "media 17900000000000102: (#10) Not enough viewers for the media to show insights "
            "(code 10)",
        ),
    ]
    posts = result.tables["post"].select("post_id", "published_date", "content_type")
    assert rows(posts, "post_id") == [
        ("17900000000000001", date(2026, 11, 21), "photo"),
        ("17900000000000002", date(2026, 11, 19), "reel"),
        ("17900000000000003", date(2026, 11, 17), "carousel"),
        ("17900000000000004", date(2026, 11, 16), "photo"),
        ("17900000000000101", date(2026, 11, 22), "story"),
        ("17900000000000102", date(2026, 11, 22), "story"),
    ]
    metrics = result.tables["post_metrics"].drop("platform", "as_of_date")
    assert metrics.columns == [
        "post_id", "reach", "views", "reactions", "comments", "shares", "saves",
        "watch_time_seconds", "profile_visits", "follows",
    ]  # fmt: skip
    assert rows(metrics, "post_id") == [
        ("17900000000000001", 1500, 2600, 120, 8, 5, 14, None, 20, 3),
        ("17900000000000002", 5200, 9100, 300, 25, 40, 33, 45600.0, None, None),
        ("17900000000000003", 1100, 1900, 80, 4, 2, 9, None, 6, 1),
        ("17900000000000004", None, None, 15, 0, None, None, None, None, None),
        ("17900000000000101", 640, 700, None, 3, 1, None, None, 11, 0),
    ]
    assert counts(result) == (39, 35, 2, 2)
    assert result.notes == ("skipped 2: a post published outside the pull's window",)
    assert len(envelopes) == 10


def test_ig_audience_pull(meta: FakeApi) -> None:
    _, result = pulled(
        client(meta), meta, "ig_audience", Window(date(2026, 11, 22), date(2026, 11, 22))
    )
    assert [q["breakdown"] for q in sent(meta, "/insights") if "breakdown" in q] == [
        "age", "gender", "city", "country",
    ]  # fmt: skip
    followers = result.tables["account_daily"]
    assert followers.columns == ["platform", "account_id", "date", "followers_total"]
    assert followers["followers_total"].to_list() == [8400]
    activity = result.tables["audience_activity"]
    assert activity.height == 168
    assert activity.filter(pl.col("as_of_date") == date(2026, 11, 17)).head(2).rows() == [
        ("instagram", WORLD.ig_user_id, date(2026, 11, 17), 2, 0, 246),  # Monday 9:00 PST
        ("instagram", WORLD.ig_user_id, date(2026, 11, 17), 2, 1, 251),
    ]
    audience = result.tables["audience"]
    assert audience.filter(pl.col("dimension") == "gender").select("bucket", "value").rows() == [
        ("female", 4700.0),
        ("male", 3500.0),
        ("unknown", 200.0),
    ]
    assert audience.height == 12
    assert counts(result) == (181, 181, 0, 0)


def test_page_audience_before_the_page_fans_retirement(
    fake_api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On 14 Nov 2025 Meta still served fans online and fans by country and city."""
    old = MetaWorld(invalid_metrics=frozenset())
    install(fake_api, old)
    on_day(monkeypatch, date(2025, 11, 14))
    window = Window(date(2026, 11, 22), date(2026, 11, 22))
    _, result = pulled(client(fake_api), fake_api, "page_audience", window, old)
    assert [q["metric"] for q in sent(fake_api, "/insights")] == [
        "page_fans_online",
        "page_fans_country,page_fans_city",  # page_fans_gender_age: retired 14 Mar 2024
    ]
    assert result.tables["audience_activity"].height == 168
    audience = result.tables["audience"]
    assert sorted(set(audience["as_of_date"])) == [date(2026, 11, 21), date(2026, 11, 22)]
    assert audience.filter(
        (pl.col("as_of_date") == date(2026, 11, 22)) & (pl.col("dimension") == "country")
    ).select("bucket", "value").rows() == [("ID", 4100.0), ("MY", 300.0), ("US", 120.0)]
    assert result.notes == ()


def test_page_audience_now_reads_follows_by_country_and_city_and_no_online_hours(
    meta: FakeApi,
) -> None:
    window = Window(date(2026, 11, 22), date(2026, 11, 22))
    envelopes, result = pulled(client(meta), meta, "page_audience", window)
    assert [q["metric"] for q in sent(meta, "/insights")] == [
        "page_follows_country,page_follows_city"
    ]
    assert [e.status for e in envelopes] == [200]
    assert result.tables["audience_activity"].height == 0  # page_fans_online: nothing replaces it
    audience = result.tables["audience"].filter(pl.col("as_of_date") == date(2026, 11, 22))
    assert rows(audience.select("dimension", "bucket", "value", "measure"), "dimension", "bucket")[
        :3
    ] == [
        ("city", "Bandung, West Java, Indonesia", 950.0, "followers"),
        ("city", "Jakarta, Jakarta, Indonesia", 2400.0, "followers"),
        ("country", "ID", 4600.0, "followers"),
    ]
    assert result.notes == ()


def test_page_audience_refused_everywhere_leaves_notes_and_no_rows(fake_api: FakeApi) -> None:
    refusing = MetaWorld(invalid_metrics=DEPRECATED | {"page_follows_country", "page_follows_city"})
    install(fake_api, refusing)
    window = Window(date(2026, 11, 22), date(2026, 11, 22))
    envelopes, result = pulled(client(fake_api), fake_api, "page_audience", window, refusing)
    assert [e.status for e in envelopes] == [400, 400, 400]
    assert result.tables["audience"].height == 0
    assert result.tables["audience_activity"].height == 0
    assert result.notes == (
        "dropped invalid metrics: page_follows_country, page_follows_city ((#100) The value must "
        "be a valid insights metric)",
    )
    assert counts(result) == (0, 0, 0, 0)


def test_an_expired_token_fails_the_pull(fake_api: FakeApi) -> None:
    install(fake_api, MetaWorld(token="TEST-" + secrets.token_hex(8)))
    with pytest.raises(TokenError, match="token rejected"):
        pulled(client(fake_api), fake_api, "page_insights")


@pytest.mark.parametrize("stream", ["page_posts", "ig_media", "ig_user_insights"])
def test_a_replay_from_the_raw_zone_gives_the_same_frames(
    meta: FakeApi, tmp_path: Path, stream: str
) -> None:
    rawlog = RawLog(tmp_path, "meta")
    envelopes, live = pulled(client(meta, rawlog), meta, stream)
    ids = account(stream)
    rawlog.complete(stream, ids.account_id, WEEK, envelopes)
    (replayed,) = rawlog.pulls(stream=stream)
    assert list(replayed.envelopes) == envelopes
    again = normalize(stream, replayed.envelopes, ids)
    assert again.tables.keys() == live.tables.keys()
    for name, frame in live.tables.items():
        assert_frame_equal(again.tables[name], frame)
    assert_frame_equal(again.quarantine, live.quarantine)
    assert (again.notes, counts(again)) == (live.notes, counts(live))


def test_a_listed_media_without_an_id_is_quarantined_and_the_pull_goes_on(meta: FakeApi) -> None:
    page = {
        "data": [
            {"id": "17900000000000001", "media_type": "IMAGE", "media_product_type": "FEED",
             "timestamp": "2026-11-21T04:00:00+0000", "like_count": 120},
            {"media_type": "IMAGE", "timestamp": "2026-11-20T04:00:00+0000"},
        ]
    }  # fmt: skip
    meta.script("GET", f"/v24.0/{WORLD.ig_user_id}/media", [Reply.json(page)])
    _, result = pulled(client(meta), meta, "ig_media")
    assert [r.path for r in meta.requests if r.path.endswith("/insights")] == [
        "/v24.0/17900000000000001/insights",
        "/v24.0/17900000000000102/insights",
        "/v24.0/17900000000000101/insights",
    ]
    assert reasons(result)[-1] == (3, "a post without an id or a readable timestamp")
    assert result.tables["post"]["post_id"].to_list() == [
        "17900000000000001", "17900000000000102", "17900000000000101",
    ]  # fmt: skip


def test_a_longer_window_pages_further_and_keeps_what_each_media_gives(meta: FakeApi) -> None:
    window = Window(date(2026, 10, 28), date(2026, 11, 22))
    _, result = pulled(client(meta), meta, "ig_media", window)
    assert [q.get("after") for q in sent(meta, "/media")] == [None, "2", "4", "6"]
    metrics = result.tables["post_metrics"].select("post_id", "reach", "views", "reactions")
    assert metrics.filter(
        pl.col("post_id").is_in(["17900000000000005", "17900000000000006"])
    ).rows() == [
        ("17900000000000005", 700, None, 50),
        ("17900000000000006", 600, None, 40),
    ]
    assert result.notes == ("skipped 1: a post published outside the pull's window",)


def test_no_stream_asks_for_a_metric_meta_retired(meta: FakeApi) -> None:
    """The fake refuses every retired metric with code 100: none is asked, no request wasted."""
    api = client(meta)
    for stream in STREAMS:
        window = WEEK if stream.windowed else Window(WEEK.end, WEEK.end)
        _, result = pulled(api, meta, stream.name, window)
        assert not [n for n in result.notes if n.startswith("dropped invalid metrics")], stream
    asked = {m for r in meta.requests for m in r.query.get("metric", "").split(",") if m}
    assert asked and not asked & DEPRECATED
    assert api.dropped_metrics == {} or all(not v for v in api.dropped_metrics.values())
