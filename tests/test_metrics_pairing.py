"""Every ratio divides sums over the same rows: a row lacking either measure adds to neither.

The seed mixes rows with and without each base measure, in September 2026: own Instagram posts with
reach and one without (same account and day), own X posts without reach, one with link clicks and
one without, an X account with follows but no follower totals; GA4 and Universal Analytics rows on
one platform; a Meta campaign without conversions beside a Google campaign with them; web leads of
a campaign that has no ad clicks. October adds a Meta scope spending in two currencies.
"""

from datetime import date

import duckdb
import pytest

from flows.build import models
from flows.load import store
from tests.test_metrics_objectives import target
from tests.test_models import one
from transforms.context import Account

ACCOUNTS = (
    Account("instagram", "ig1", brand="Brand", currency="IDR"),
    Account("x", "x1", brand="Brand"),
)

SEED = """
        insert into core.account_daily (platform, account_id, date, followers_total,
            followers_gained, followers_lost, load_id) values
            ('instagram', 'ig1', '2026-09-01', 1000, 10, 0, 1),
            ('instagram', 'ig1', '2026-09-30', 1100, 20, 0, 1),
            ('x', 'x1', '2026-09-01', null, 50, 5, 1);
        insert into core.post (platform, post_id, account_id, published_date, content_type,
            load_id) values
            ('instagram', 'i1', 'ig1', '2026-09-02', 'photo', 1),
            ('instagram', 'i2', 'ig1', '2026-09-02', 'photo', 1),
            ('x', 'x1p', 'x1', '2026-09-03', 'text', 1),
            ('x', 'x1q', 'x1', '2026-09-03', 'text', 1);
        insert into core.post_metrics (platform, post_id, as_of_date, impressions, reach, reactions,
            comments, shares, saves, clicks, link_clicks, load_id) values
            ('instagram', 'i1', '2026-09-10', 1000, 500, 40, 5, 3, 2, null, null, 1),
            ('instagram', 'i2', '2026-09-10', 400, null, 20, 2, 1, null, null, null, 1),
            ('x', 'x1p', '2026-09-10', 2000, null, 30, 6, 10, 0, 80, 20, 1),
            ('x', 'x1q', '2026-09-10', 500, null, 10, null, 0, 0, 30, null, 1);
        insert into core.web_traffic_daily (property_id, date, source, medium, campaign, platform,
            sessions, engaged_sessions, bounces, leads, load_id) values
            ('prop', '2026-09-02', 'instagram.com', 'referral', '(not set)', 'instagram', 100, 60,
             null, 3, 1),
            ('ua', '2026-09-03', 'instagram.com', 'referral', '(not set)', 'instagram', 40, null,
             10, null, 1),
            ('ua', '2026-09-02', 't.co', 'referral', '(not set)', 'x', 50, null, 30, null, 1);
        insert into core.ad_daily (platform, ad_account_id, campaign_id, ad_id, date, campaign_name,
            currency, spend, impressions, clicks, conversions, conversion_value, leads,
            load_id) values
            ('meta', 'act1', 'c1', '', '2026-09-02', 'Launch', 'IDR', 1000, 10000, 100, null, null,
             5, 1),
            ('google', 'g1', 'c2', '', '2026-09-02', 'Search', 'IDR', 3000, 20000, 200, 10, 9000,
             null, 1),
            ('meta', 'act1', 'c1', '', '2026-10-02', 'Launch', 'IDR', 1000, 10000, 100, 4, null,
             null, 1),
            ('meta', 'act2', 'c3', '', '2026-10-02', 'Promo', 'USD', 10, 1000, 10, null, null,
             null, 1);
"""

TARGETS = (target("community", "engagement_rate", "all", "2026-09", 0.05),)
SEPTEMBER = date(2026, 9, 1)


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    connection = store.connect(tmp_path_factory.mktemp("pairing") / "k.duckdb")
    store.apply_schema(connection)
    store.upsert_accounts(connection, ACCOUNTS)
    connection.execute(SEED)
    models.build_metrics(connection, TARGETS)
    return connection


def scope(
    con: duckdb.DuckDBPyConnection, view: str, columns: str, where: str, start: date = SEPTEMBER
) -> dict[str, object]:
    return one(
        con,
        f"select {columns} from model.{view} "
        f"where grain = 'month' and period_start = '{start}' and {where}",
    )


def test_all_scope_post_rates_use_only_posts_with_the_base_measure(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Only i1 has reach and only x1p link clicks; only Instagram has follower totals."""
    assert scope(
        con,
        "int_account_metrics",
        "posts, engagements, post_reach, engagement_rate, engagement_rate_impressions, "
        "amplification_rate, applause_rate, conversation_rate, engagement_rate_followers, "
        "clicks_per_post, comment_score, audience_growth_rate, net_follower_growth",
        "level = 'all'",
    ) == {
        "posts": 4,
        "engagements": 50 + 23 + 46 + 10,  # the public sum still counts every post
        "post_reach": 500,
        "engagement_rate": pytest.approx(50 / 500),  # was 129 / 500
        "engagement_rate_impressions": pytest.approx(129 / 3900),  # every post has impressions
        "amplification_rate": pytest.approx((3 + 1) / 2 / 1100),  # was (3 + 1 + 10) / 4 / 1100
        "applause_rate": pytest.approx((40 + 20) / 2 / 1100),
        "conversation_rate": pytest.approx((5 + 2) / 2 / 1100),
        "engagement_rate_followers": pytest.approx((50 + 23) / 2 / 1100),
        "clicks_per_post": pytest.approx((80 + 30) / 2),  # only X posts report clicks
        "comment_score": pytest.approx((5 + 2 + 6) / 3),  # x1q reports no comments
        "audience_growth_rate": pytest.approx(30 / 990),  # X's follows have no followers base
        "net_follower_growth": 30 + 45,
    }


def test_all_scope_ctr_uses_only_posts_with_link_clicks(con: duckdb.DuckDBPyConnection) -> None:
    assert scope(
        con, "int_traffic_metrics", "link_clicks, post_impressions, ctr", "level = 'all'"
    ) == {"link_clicks": 20, "post_impressions": 3900, "ctr": pytest.approx(20 / 2000)}


def test_platform_and_account_rates_pair_rows_of_one_day(con: duckdb.DuckDBPyConnection) -> None:
    """i1 and i2 share account and date; x1p and x1q too."""
    day = one(
        con,
        "select posts, engagements, post_reach, engagement_rate from metrics.community_daily "
        "where account_id = 'ig1' and date = '2026-09-02'",
    )
    assert day == {
        "posts": 2,
        "engagements": 73,
        "post_reach": 500,
        "engagement_rate": pytest.approx(50 / 500),
    }
    x_traffic = one(
        con, "select ctr from metrics.traffic_daily where platform = 'x' and date = '2026-09-03'"
    )
    assert x_traffic == {"ctr": pytest.approx(20 / 2000)}
    x_month = one(
        con,
        "select engagement_rate, comment_score, clicks_per_post from metrics.community_monthly "
        "where account_id = 'x1'",
    )
    assert x_month == {
        "engagement_rate": None,
        "comment_score": pytest.approx(6 / 1),
        "clicks_per_post": pytest.approx(110 / 2),
    }
    content = one(
        con,
        "select engagement_rate from metrics.insights_content "
        "where account_id = 'ig1' and content_type = 'photo'",
    )
    assert content == {"engagement_rate": pytest.approx(50 / 500)}


def test_scorecard_actual_is_the_paired_rate(con: duckdb.DuckDBPyConnection) -> None:
    assert one(con, "select actual, status from metrics.scorecard") == {
        "actual": pytest.approx(0.1),
        "status": "met",
    }


def test_bounce_rate_divides_each_definition_by_its_own_sessions(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Instagram has GA4 and UA rows: UA sessions never dilute the GA4 rate."""
    rates = con.execute(
        "select scope, sessions, bounce_rate from model.int_traffic_metrics "
        f"where grain = 'month' and period_start = '{SEPTEMBER}' order by scope"
    ).fetchall()
    assert rates == [
        ("all", 190, pytest.approx(1 - 60 / 100)),
        ("instagram", 140, pytest.approx(1 - 60 / 100)),
        ("x", 50, pytest.approx(30 / 50)),
    ]
    community = one(
        con,
        "select bounce_rate from metrics.community_daily "
        "where account_id = 'ig1' and date = '2026-09-02'",
    )
    assert community == {"bounce_rate": pytest.approx(1 - 60 / 100)}


def test_ad_rates_use_only_rows_with_both_measures(con: duckdb.DuckDBPyConnection) -> None:
    """Meta reports no conversions or conversion value."""
    assert scope(
        con,
        "int_conversion_metrics",
        "spend, clicks, conversions, cpc, ctr, conversion_rate, cost_per_conversion, roas",
        "level = 'all'",
    ) == {
        "spend": 4000.0,
        "clicks": 300,
        "conversions": 10.0,
        "cpc": pytest.approx(4000 / 300),
        "ctr": pytest.approx(300 / 30000),
        "conversion_rate": pytest.approx(10 / 200),  # was 10 / 300
        "cost_per_conversion": pytest.approx(3000 / 10),  # was 4000 / 10
        "roas": pytest.approx(9000 / 3000),  # was 9000 / 4000
    }


def test_paired_money_is_null_where_the_scope_has_two_currencies(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """In October Meta spends IDR (with conversions) and USD (without): no IDR-only cost."""
    assert scope(
        con,
        "int_conversion_metrics",
        "currency, spend, conversions, cost_per_conversion, conversion_rate",
        "level = 'platform' and platform = 'meta'",
        date(2026, 10, 1),
    ) == {
        "currency": None,
        "spend": None,
        "conversions": 4.0,
        "cost_per_conversion": None,
        "conversion_rate": pytest.approx(4 / 100),
    }


def test_lead_rates_pair_spend_with_ad_leads_and_leads_with_campaign_clicks(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Google reports no leads; the organic (not set) web leads have no ad clicks."""
    assert scope(
        con,
        "int_leads_metrics",
        "spend, clicks, ad_leads, web_leads, cost_per_lead, lead_rate",
        "level = 'all'",
    ) == {
        "spend": 4000.0,
        "clicks": 300,
        "ad_leads": 5.0,
        "web_leads": 3.0,
        "cost_per_lead": pytest.approx(1000 / 5),  # was 4000 / 5
        "lead_rate": pytest.approx(5 / 100),  # was (5 + 3) / 300
    }
    meta = scope(con, "int_leads_metrics", "lead_rate", "level = 'platform' and platform = 'meta'")
    assert meta == {"lead_rate": pytest.approx(5 / 100)}
