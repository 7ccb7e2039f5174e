"""Every objective's metric tables on one small seeded database, with exact expected values.

The seed is chosen by hand: one own Instagram account (ig1), one competitor (ig2), one own X account
(x1); posts with several snapshots, a post published at 23:30 and one at 00:30 Asia/Jakarta; web
traffic from Instagram, Facebook and X (GA4 and Universal Analytics); Meta ads in IDR and USD,
with a campaign-level row beside ad rows and an aggregated export; audience, activity and targets.
"""

from datetime import date
from pathlib import Path

import duckdb
import pytest

from flows.build import models
from flows.config.targets import Target, parse_targets, period_bounds
from flows.load import store
from tests.test_models import GRAINS, one, unique_grain
from transforms.context import Account
from transforms.errors import InputError

ACCOUNTS = (
    Account("instagram", "ig1", brand="Brand", currency="IDR"),
    Account("instagram", "ig2", brand="Rival", is_own=False),
    Account("x", "x1", brand="Brand"),
)

SEED = """
        insert into core.account_daily (platform, account_id, date, followers_total,
            followers_gained, followers_lost, impressions, reach, load_id) values
            ('instagram', 'ig1', '2026-09-06', 1000, 10, 0, 5000, 300, 1),
            ('instagram', 'ig1', '2026-09-07', 1010, 15, 5, 6000, 400, 1),
            ('instagram', 'ig1', '2026-09-08', 1030, null, null, 7000, 500, 1);
        insert into core.post (platform, post_id, account_id, published_at, published_date,
            content_type, campaign, load_id) values
            ('instagram', 'p1', 'ig1', '2026-09-07 16:30:00+00', '2026-09-07', 'photo', 'Launch',
             1),
            ('instagram', 'p2', 'ig1', '2026-09-07 17:30:00+00', null, 'reel', null, 1),
            ('instagram', 'p3', 'ig1', null, '2026-09-09', 'photo', null, 1),
            ('instagram', 'p4', 'ig2', null, '2026-09-07', 'photo', 'Launch', 1),
            ('x', 'px', 'x1', null, '2026-09-07', 'text', null, 1);
        insert into core.post_metrics (platform, post_id, as_of_date, impressions, reach, reactions,
            comments, shares, saves, clicks, link_clicks, video_views, load_id) values
            ('instagram', 'p1', '2026-09-08', 90, 50, 5, 1, 0, 0, 2, 1, 10, 1),
            ('instagram', 'p1', '2026-09-10', 200, 100, 10, 2, 1, 1, 6, 4, 30, 1),
            ('instagram', 'p1', '2026-09-09', 150, 80, 8, 2, 1, 0, 4, 3, 20, 1),
            ('instagram', 'p2', '2026-09-10', 1000, 400, 10, 0, 0, 0, null, 6, null, 1),
            ('instagram', 'p3', '2026-09-10', 0, 0, 0, 0, 0, 0, null, 0, null, 1),
            ('instagram', 'p4', '2026-09-10', 3000, 1000, 100, 10, 5, 5, null, 50, null, 1),
            ('x', 'px', '2026-09-10', 500, null, 5, 3, 0, 0, 9, 2, null, 1);
        insert into core.mention (platform, mention_id, date, author_followers, brand, is_own_brand,
            load_id) values
            ('instagram', 'm1', '2026-09-07', 100, 'Brand', true, 1),
            ('instagram', 'm2', '2026-09-07', 200, 'brand', true, 1),
            ('instagram', 'm3', '2026-09-07', 50, 'Rival', false, 1),
            ('instagram', 'm4', '2026-09-08', 70, 'Rival', false, 1),
            ('x', 'm5', '2026-09-07', 10, 'Brand', true, 1),
            ('news', 'm6', '2026-09-07', 10, 'Brand', true, 1);
        insert into core.web_traffic_daily (property_id, date, source, medium, campaign, platform,
            sessions, engaged_sessions, bounces, leads, load_id) values
            ('prop', '2026-09-07', 'instagram.com', 'referral', '(not set)', 'instagram', 10, 6,
             null, null, 1),
            ('prop', '2026-09-08', 'l.instagram.com', 'referral', '(not set)', 'instagram', 30, 24,
             null, null, 1),
            ('prop', '2026-09-07', 'facebook.com', 'referral', 'Launch', 'facebook', 20, 10, null,
             3, 1),
            ('ua', '2026-09-07', 't.co', 'referral', '(not set)', 'x', 8, null, 2, null, 1),
            ('prop', '2026-09-07', 'google', 'organic', '(not set)', null, 99, 1, null, 7, 1);
        insert into core.web_traffic_period (property_id, date_start, date_end, source, medium,
            campaign, platform, sessions, engaged_sessions, load_id) values
            ('prop', '2026-09-07', '2026-09-13', 'instagram.com', 'referral', '(not set)',
             'instagram', 100, 70, 1);
        insert into core.ad_daily (platform, ad_account_id, campaign_id, ad_id, date, campaign_name,
            currency, spend, impressions, reach, clicks, link_clicks, conversions, conversion_value,
            leads, load_id) values
            ('meta', 'act1', 'c1', 'a1', '2026-09-07', 'Launch', 'IDR', 100000, 10000, 8000, 300,
             200, 10, 500000, 5, 1),
            ('meta', 'act1', 'c1', 'a2', '2026-09-07', 'Launch', 'IDR', 50000, 5000, 4000, 100, 50,
             0, 0, 1, 1),
            ('meta', 'act1', 'c1', '', '2026-09-08', 'Launch', 'IDR', 120000, 12000, 9000, 400, 300,
             6, 300000, 4, 1),
            ('meta', 'act1', 'c1', 'a1', '2026-09-08', 'Launch', 'IDR', 999, 999, 999, 999, 999,
             999, 999, 999, 1),
            ('meta', 'act1', 'c1', 'a3', '2026-09-09', 'Launch', 'IDR', 1000, 0, 0, 0, 0, 0, null,
             0, 1),
            ('meta', 'act2', 'c2', 'b1', '2026-09-07', 'Promo', 'USD', 10, 1000, 900, 20, null, 2,
             50, 2, 1);
        insert into core.ad_period (platform, ad_account_id, campaign_id, ad_id, date_start,
            date_end, campaign_name, currency, spend, impressions, reach, clicks, link_clicks,
            conversions, conversion_value, leads, load_id) values
            ('meta', 'act1', 'c1', '', '2026-09-07', '2026-09-13', 'Launch', 'IDR', 300000, 30000,
             20000, 700, 600, 20, 900000, 12, 1),
            ('google', 'g9', 'c4', '', '2026-08-01', '2026-08-31', 'Summer', 'IDR', 50000, 8000,
             5000, 120, null, 3, 90000, 1, 1);
        insert into core.audience (platform, account_id, as_of_date, measure, dimension, bucket,
            value, share, load_id) values
            ('instagram', 'ig1', '2026-09-30', 'followers', 'gender', 'female', 600, null, 1),
            ('instagram', 'ig1', '2026-09-30', 'followers', 'gender', 'male', 400, null, 1),
            ('instagram', 'ig1', '2026-09-30', 'followers', 'age', '18-24', null, 0.3, 1);
        insert into core.audience_activity (platform, account_id, as_of_date, day_of_week, hour,
            online_followers, load_id) values
            ('instagram', 'ig1', '2026-09-07', 1, 20, 100, 1),
            ('instagram', 'ig1', '2026-09-14', 1, 20, 200, 1),
            ('instagram', 'ig1', '2026-09-07', 1, 21, 300, 1);
"""


def target(
    objective: str, metric: str, scope: str, period: str, value: float, direction: str = "higher"
) -> Target:
    bounds = period_bounds(period)
    assert bounds is not None
    return Target(objective, metric, scope, period, *bounds, value, direction)


TARGETS = (
    target("community", "engagement_rate", "instagram", "2026-09", 0.05),
    target("awareness", "impressions", "all", "2026-Q3", 18000),
    target("traffic", "sessions", "all", "2026-Q3", 100),
    target("traffic", "bounce_rate", "instagram", "2026-09", 0.3, "lower"),
    target("leads", "cost_per_lead", "meta", "2026-Q3", 20000, "lower"),
    target("conversion", "cpc", "meta:act1", "2026-09", 500, "lower"),
    target("conversion", "cost_per_conversion", "meta:act1", "2026-09", 10000, "lower"),
    target("awareness", "share_of_voice", "instagram", "2026-09", 0.5),
    target("community", "audience_growth_rate", "instagram:ig1", "2026-09", 0.05),
    target("awareness", "impressions", "all", "2025", 1000),
    target("leads", "leads", "all", "2026", 10),
    target("conversion", "impressions", "meta", "2026-09", 20000),
)


def seeded(path: Path) -> duckdb.DuckDBPyConnection:
    connection = store.connect(path)
    store.apply_schema(connection)
    store.upsert_accounts(connection, ACCOUNTS)
    connection.execute(SEED)
    models.build_metrics(connection, TARGETS)
    return connection


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    return seeded(tmp_path_factory.mktemp("objectives") / "k.duckdb")


# --- awareness -------------------------------------------------------------------------------


def test_awareness_day_uses_account_measures_and_brand_mentions(
    con: duckdb.DuckDBPyConnection,
) -> None:
    row = one(
        con,
        "select * from metrics.awareness_daily where account_id = 'ig1' and date = '2026-09-07'",
    )
    assert row == {
        "date": date(2026, 9, 7),
        "platform": "instagram",
        "account_id": "ig1",
        "is_own": True,
        "impressions": 6000,
        "reach": 400,
        "video_views": 30,  # latest snapshot of p1, not 10 + 20 + 30
        "followers_total": 1010,
        "net_follower_growth": 10,
        "audience_growth_rate": pytest.approx(10 / 1000),
        "mentions": 2,  # 'Brand' and 'brand'
        "tracked_mentions": 3,
        "potential_reach": 300,
        "share_of_voice": pytest.approx(2 / 3),
    }


def test_share_of_voice_counts_competitors_and_zero_own_mentions(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = con.execute(
        "select account_id, date, mentions, tracked_mentions, share_of_voice "
        "from metrics.awareness_daily where platform = 'instagram' and tracked_mentions > 0 "
        "order by date, account_id"
    ).fetchall()
    assert rows == [
        ("ig1", date(2026, 9, 7), 2, 3, pytest.approx(2 / 3)),
        ("ig2", date(2026, 9, 7), 1, 3, pytest.approx(1 / 3)),
        ("ig1", date(2026, 9, 8), 0, 1, 0.0),
        ("ig2", date(2026, 9, 8), 1, 1, 1.0),
    ]


def test_awareness_week_and_month_recompute_and_never_sum_reach(
    con: duckdb.DuckDBPyConnection,
) -> None:
    week = one(
        con,
        "select impressions, reach, followers_total, audience_growth_rate, share_of_voice "
        "from metrics.awareness_weekly where account_id = 'ig1' and week_start = '2026-09-07'",
    )
    # mean of the daily shares of voice is (2/3 + 0) / 2 = 1/3; the week's is 2 / 4
    assert week == {
        "impressions": 13000,
        "reach": None,
        "followers_total": 1030,
        "audience_growth_rate": pytest.approx(30 / 1000),
        "share_of_voice": 0.5,
    }
    month = one(
        con,
        "select impressions, reach, net_follower_growth, audience_growth_rate "
        "from metrics.awareness_monthly where account_id = 'ig1'",
    )
    # no row before 09-06: followers at the start = 1000 - 10 of the first date
    assert month == {
        "impressions": 18000,
        "reach": None,
        "net_follower_growth": 40,
        "audience_growth_rate": pytest.approx(40 / 990),
    }


def test_all_null_sums_stay_null(con: duckdb.DuckDBPyConnection) -> None:
    row = one(
        con,
        "select video_views, reach, followers_total, audience_growth_rate "
        "from metrics.awareness_daily where account_id = 'x1'",
    )
    assert row == {
        "video_views": None,
        "reach": None,
        "followers_total": None,
        "audience_growth_rate": None,
    }


# --- posts: time zone and snapshots -----------------------------------------------------------


def test_posts_count_on_the_local_publish_date(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "select date, posts, post_reach from metrics.community_daily where account_id = 'ig1' "
        "and posts > 0 order by date"
    ).fetchall()
    # p1 at 16:30 UTC is 23:30 in Jakarta on 09-07; p2 at 17:30 UTC is 00:30 on 09-08
    assert rows == [
        (date(2026, 9, 7), 1, 100),
        (date(2026, 9, 8), 1, 400),
        (date(2026, 9, 9), 1, 0),
    ]


def test_only_the_latest_of_three_snapshots_counts(con: duckdb.DuckDBPyConnection) -> None:
    row = one(
        con,
        "select engagements, reactions, comments, shares, saves, clicks, post_impressions "
        "from metrics.community_daily where account_id = 'ig1' and date = '2026-09-07'",
    )
    assert row == {
        "engagements": 14,
        "reactions": 10,
        "comments": 2,
        "shares": 1,
        "saves": 1,
        "clicks": 6,
        "post_impressions": 200,
    }


# --- community --------------------------------------------------------------------------------


def test_community_rates_zero_denominators_and_recomputed_periods(
    con: duckdb.DuckDBPyConnection,
) -> None:
    days = con.execute(
        "select date, engagement_rate, comment_score, clicks_per_post from metrics.community_daily "
        "where account_id = 'ig1' and posts > 0 order by date"
    ).fetchall()
    assert days == [
        (date(2026, 9, 7), pytest.approx(0.14), 2.0, 6.0),
        (date(2026, 9, 8), pytest.approx(0.025), 0.0, None),  # clicks NULL, not 0
        (date(2026, 9, 9), None, 0.0, None),  # post_reach 0: no rate
    ]
    week = one(
        con,
        "select engagement_rate, amplification_rate, bounce_rate from metrics.community_weekly "
        "where account_id = 'ig1' and week_start = '2026-09-07'",
    )
    # mean of daily engagement rates is (0.14 + 0.025) / 2 = 0.0825; bounce (0.4 + 0.2) / 2 = 0.3
    assert week == {
        "engagement_rate": pytest.approx(24 / 500),
        "amplification_rate": pytest.approx(1 / 3 / 1030),
        "bounce_rate": pytest.approx(1 - 30 / 40),
    }


def test_competitor_keeps_its_own_rows_without_own_traffic(
    con: duckdb.DuckDBPyConnection,
) -> None:
    row = one(
        con,
        "select is_own, engagements, engagement_rate, sessions, bounce_rate "
        "from metrics.community_daily where account_id = 'ig2' and date = '2026-09-07'",
    )
    assert row == {
        "is_own": False,
        "engagements": 120,
        "engagement_rate": pytest.approx(0.12),
        "sessions": None,
        "bounce_rate": None,
    }


# --- traffic ----------------------------------------------------------------------------------


def test_traffic_daily_sums_own_posts_and_mapped_sessions(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = con.execute(
        "select platform, link_clicks, post_impressions, ctr, sessions, bounce_rate "
        "from metrics.traffic_daily where date = '2026-09-07' order by platform"
    ).fetchall()
    assert rows == [
        ("facebook", None, None, None, 20, 0.5),
        ("instagram", 4, 200, pytest.approx(0.02), 10, pytest.approx(0.4)),  # not ig2's 50
        ("x", 2, 500, pytest.approx(0.004), 8, 0.25),  # Universal Analytics: bounces / sessions
    ]


def test_traffic_week_month_and_period(con: duckdb.DuckDBPyConnection) -> None:
    week = one(
        con,
        "select link_clicks, ctr, sessions, bounce_rate, users from metrics.traffic_weekly "
        "where platform = 'instagram' and week_start = '2026-09-07'",
    )
    # daily ctr mean (0.02 + 0.006) / 2 = 0.013 differs from 10 / 1200
    assert week == {
        "link_clicks": 10,
        "ctr": pytest.approx(10 / 1200),
        "sessions": 40,
        "bounce_rate": pytest.approx(0.25),
        "users": None,
    }
    month = one(
        con,
        "select sessions, bounce_rate from metrics.traffic_monthly where platform = 'instagram'",
    )
    assert month == {"sessions": 40, "bounce_rate": pytest.approx(0.25)}
    period = one(con, "select * from metrics.traffic_period")
    assert period == {
        "platform": "instagram",
        "date_start": date(2026, 9, 7),
        "date_end": date(2026, 9, 13),
        "link_clicks": 10,
        "post_impressions": 1200,
        "ctr": pytest.approx(10 / 1200),
        "profile_visits": None,
        "website_clicks": None,
        "sessions": 100,
        "engaged_sessions": 70,
        "bounces": None,
        "bounce_rate": pytest.approx(0.3),
        "users": None,
        "pageviews": None,
    }


# --- conversion -------------------------------------------------------------------------------


def test_conversion_day_prefers_campaign_rows_and_keeps_currencies_apart(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = con.execute(
        "select date, campaign_id, currency, spend, reach, clicks, cpc, cpm, ctr, "
        "conversion_rate, cost_per_conversion, roas from metrics.conversion_daily order by all"
    ).fetchall()
    assert rows == [
        # two ad rows: reach would have to be summed, so NULL; clicks are link clicks
        (
            date(2026, 9, 7),
            "c1",
            "IDR",
            150000.0,
            None,
            250,
            600.0,
            10000.0,
            pytest.approx(250 / 15000),
            0.04,
            15000.0,
            pytest.approx(500000 / 150000),
        ),
        # no link clicks: all clicks
        (date(2026, 9, 7), "c2", "USD", 10.0, 900, 20, 0.5, 10.0, 0.02, 0.1, 5.0, 5.0),
        # the campaign-level row wins over the ad row of the same day
        (
            date(2026, 9, 8),
            "c1",
            "IDR",
            120000.0,
            9000,
            300,
            400.0,
            10000.0,
            0.025,
            0.02,
            20000.0,
            2.5,
        ),
        # zero clicks, impressions and conversions: every ratio NULL
        (date(2026, 9, 9), "c1", "IDR", 1000.0, 0, 0, None, None, None, None, None, None),
    ]


def test_conversion_context_is_meta_facebook_plus_instagram(
    con: duckdb.DuckDBPyConnection,
) -> None:
    row = one(
        con,
        "select bounce_rate, conversations, social_conversations from metrics.conversion_daily "
        "where campaign_id = 'c2'",
    )
    # sessions 10 (instagram) + 20 (facebook), engaged 6 + 10; comments 2 + mentions 2
    assert row == {
        "bounce_rate": pytest.approx(1 - 16 / 30),
        "conversations": 4,
        "social_conversations": 2,
    }


def test_conversion_week_recomputes_and_takes_period_reach(
    con: duckdb.DuckDBPyConnection,
) -> None:
    week = one(
        con,
        "select spend, clicks, cpc, reach from metrics.conversion_weekly where campaign_id = 'c1'",
    )
    # mean of daily cpc is (600 + 400) / 2 = 500; reach comes from the export for exactly that week
    assert week == {
        "spend": 271000.0,
        "clicks": 550,
        "cpc": pytest.approx(271000 / 550),
        "reach": 20000,
    }
    month = one(con, "select reach, cpm from metrics.conversion_monthly where campaign_id = 'c1'")
    assert month == {"reach": None, "cpm": pytest.approx(271000 / 27000 * 1000)}


def test_conversion_period_is_never_split(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "select campaign_id, date_start, date_end, spend, reach, clicks, cpc, roas "
        "from metrics.conversion_period order by campaign_id"
    ).fetchall()
    assert rows == [
        ("c1", date(2026, 9, 7), date(2026, 9, 13), 300000.0, 20000, 600, 500.0, 3.0),
        (
            "c4",
            date(2026, 8, 1),
            date(2026, 8, 31),
            50000.0,
            5000,
            120,
            pytest.approx(50000 / 120),
            1.8,
        ),
    ]
    assert con.execute(
        "select count(*) from metrics.conversion_daily where campaign_id = 'c4'"
    ).fetchone() == (0,)


# --- leads and funnel -------------------------------------------------------------------------


def test_leads_add_web_leads_and_cost_only_ad_leads(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "select date, campaign, currency, spend, ad_leads, web_leads, leads, cost_per_lead, "
        "lead_rate from metrics.leads_daily where campaign <> '(not set)' order by all"
    ).fetchall()
    assert rows == [
        (date(2026, 9, 7), "Launch", "IDR", 150000.0, 6.0, 3.0, 9.0, 25000.0, 0.036),
        (date(2026, 9, 7), "Promo", "USD", 10.0, 2.0, None, 2.0, 5.0, 0.1),
        (
            date(2026, 9, 8),
            "Launch",
            "IDR",
            120000.0,
            4.0,
            None,
            4.0,
            30000.0,
            pytest.approx(4 / 300),
        ),
        (date(2026, 9, 9), "Launch", "IDR", 1000.0, 0.0, None, 0.0, None, None),
    ]
    month = one(
        con,
        "select leads, cost_per_lead, lead_rate from metrics.leads_monthly "
        "where campaign = 'Launch'",
    )
    # mean of daily costs per lead is 27500; the month's is 271000 / 10
    assert month == {"leads": 13.0, "cost_per_lead": 27100.0, "lead_rate": pytest.approx(13 / 550)}


def test_funnel_steps(con: duckdb.DuckDBPyConnection) -> None:
    launch = one(con, "select * from metrics.funnel_campaign where campaign = 'Launch'")
    assert launch == {
        "platform": "meta",
        "campaign": "Launch",
        "first_date": date(2026, 9, 7),
        "last_date": date(2026, 9, 9),
        "currency": "IDR",
        "spend": 271000.0,
        "impressions": 27000,
        "reach": None,  # several days: daily reach is never summed
        "engagements": 14,  # own post p1 only, not the competitor's p4
        "clicks": 550,
        "sessions": 20,
        "leads": 13.0,
        "conversions": 16.0,
        "engagements_step_rate": None,
        "clicks_step_rate": pytest.approx(550 / 14),
        "sessions_step_rate": pytest.approx(20 / 550),
        "leads_step_rate": pytest.approx(13 / 20),
        "conversions_step_rate": pytest.approx(16 / 13),
    }
    summer = one(
        con,
        "select platform, reach, clicks, leads, engagements_step_rate from metrics.funnel_campaign "
        "where campaign = 'Summer'",
    )
    assert summer == {
        "platform": "google",
        "reach": 5000,
        "clicks": 120,
        "leads": 1.0,
        "engagements_step_rate": None,
    }


# --- insights ---------------------------------------------------------------------------------


def test_insights(con: duckdb.DuckDBPyConnection) -> None:
    audience = con.execute(
        "select dimension, bucket, value, share from metrics.insights_audience order by all"
    ).fetchall()
    assert audience == [
        ("age", "18-24", None, 0.3),
        ("gender", "female", 600.0, 0.6),
        ("gender", "male", 400.0, 0.4),
    ]
    activity = con.execute(
        "select day_of_week, hour, snapshots, online_followers, share_of_week "
        "from metrics.insights_activity order by all"
    ).fetchall()
    assert activity == [
        (1, 20, 2, 150.0, pytest.approx(150 / 450)),
        (1, 21, 1, 300.0, pytest.approx(300 / 450)),
    ]
    content = con.execute(
        "select content_type, posts, engagements, post_reach, engagement_rate, "
        "share_of_engagements from metrics.insights_content where account_id = 'ig1' "
        "order by content_type"
    ).fetchall()
    assert content == [
        ("photo", 2, 14, 100, pytest.approx(0.14), pytest.approx(14 / 24)),
        ("reel", 1, 10, 400, pytest.approx(0.025), pytest.approx(10 / 24)),
    ]


# --- scorecard --------------------------------------------------------------------------------


def test_scorecard_statuses(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "select objective, metric, scope, period, currency, actual, attainment, status "
        "from metrics.scorecard"
    ).fetchall()
    expected = {
        # own instagram posts only: (14 + 10 + 0) / (100 + 400 + 0); the competitor is left out
        ("community", "engagement_rate", "instagram", "2026-09"): (None, 0.048, 0.96, "at_risk"),
        # ig1 18000 + x1 500; the competitor's 3000 is not an own impression
        ("awareness", "impressions", "all", "2026-Q3"): (None, 18500.0, 18500 / 18000, "met"),
        ("traffic", "sessions", "all", "2026-Q3"): (None, 68.0, 0.68, "missed"),
        ("traffic", "bounce_rate", "instagram", "2026-09"): (None, 0.25, 1.2, "met"),
        # IDR and USD spend cannot be added: no actual
        ("leads", "cost_per_lead", "meta", "2026-Q3"): (None, None, None, "no_data"),
        ("conversion", "cpc", "meta:act1", "2026-09"): (
            "IDR",
            271000 / 550,
            500 / (271000 / 550),
            "met",
        ),
        ("conversion", "cost_per_conversion", "meta:act1", "2026-09"): (
            "IDR",
            16937.5,
            10000 / 16937.5,
            "missed",
        ),
        ("awareness", "share_of_voice", "instagram", "2026-09"): (None, 0.5, 1.0, "met"),
        ("community", "audience_growth_rate", "instagram:ig1", "2026-09"): (
            None,
            40 / 990,
            40 / 990 / 0.05,
            "missed",
        ),
        ("awareness", "impressions", "all", "2025"): (None, None, None, "no_data"),
        ("leads", "leads", "all", "2026"): (None, 15.0, 1.5, "met"),
        # impressions add up across currencies
        ("conversion", "impressions", "meta", "2026-09"): (None, 28000.0, 1.4, "met"),
    }
    assert len(rows) == len(expected)
    for objective, metric, scope, period, currency, actual, attainment, status in rows:
        want = expected[(objective, metric, scope, period)]
        assert (currency, actual, attainment, status) == (
            want[0],
            pytest.approx(want[1]) if want[1] is not None else None,
            pytest.approx(want[2]) if want[2] is not None else None,
            want[3],
        ), (objective, metric, scope, period)


def test_a_scorecard_actual_equals_the_monthly_table(con: duckdb.DuckDBPyConnection) -> None:
    actual = con.execute(
        "select period_start, actual from metrics.scorecard where metric = 'audience_growth_rate'"
    ).fetchall()
    monthly = con.execute(
        "select month_start, audience_growth_rate from metrics.community_monthly "
        "where account_id = 'ig1'"
    ).fetchall()
    assert actual == monthly
    assert [value is not None for _, value in actual] == [True]  # one month, with a value


def test_every_daily_metric_can_be_targeted(con: duckdb.DuckDBPyConnection) -> None:
    measured = set(
        con.execute("select distinct objective, metric from model.int_scorecard_actuals").fetchall()
    )
    catalog = set(
        con.execute(
            "select objective, metric from metrics.catalog where \"table\" = objective || '_daily'"
        ).fetchall()
    )
    assert measured == catalog


@pytest.mark.parametrize(("table", "grain"), GRAINS.items())
def test_grains_are_unique_with_every_objective_seeded(
    con: duckdb.DuckDBPyConnection, table: str, grain: tuple[str, ...]
) -> None:
    assert con.execute(f"select count(*) > 0 from metrics.{table}").fetchone() == (True,)
    unique_grain(con, table, grain)


# --- targets in kunci.toml --------------------------------------------------------------------


def test_period_bounds() -> None:
    assert period_bounds("2026-09") == ("month", date(2026, 9, 1), date(2026, 9, 30))
    assert period_bounds("2026-Q4") == ("quarter", date(2026, 10, 1), date(2026, 12, 31))
    assert period_bounds("2028") == ("year", date(2028, 1, 1), date(2028, 12, 31))
    assert period_bounds("2026-13") is None
    assert period_bounds("2026-Q5") is None


GOOD = {
    "objective": "community",
    "metric": "engagement_rate",
    "scope": "instagram",
    "period": "2026-09",
    "target": 0.05,
    "direction": "higher",
}


def test_targets_parse() -> None:
    parsed = parse_targets(Path("k.toml"), [GOOD, {**GOOD, "scope": "all"}], models.CATALOG)
    assert parsed[0] == target("community", "engagement_rate", "instagram", "2026-09", 0.05)
    assert parsed[1].scope == "all"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"metric": "engagment_rate"}, "'engagment_rate' is not a community metric"),
        ({"objective": "insights"}, "targets take one of awareness"),
        ({"period": "2026-9"}, "use YYYY-MM, YYYY-Qn or YYYY"),
        ({"direction": "up"}, "use higher or lower"),
        ({"target": 0}, "must be greater than 0"),
        ({"target": "5%"}, "a number is required"),
        ({"scope": "instagram: ig1"}, "use all, a platform, or platform:account_id"),
        ({"dirction": "lower"}, "unknown key 'dirction'"),
    ],
)
def test_target_errors_are_one_line(change: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=r"k.toml: targets\[0\]") as error:
        parse_targets(Path("k.toml"), [{**GOOD, **change}], models.CATALOG)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_duplicate_and_missing_targets() -> None:
    with pytest.raises(InputError, match="repeats community/engagement_rate"):
        parse_targets(Path("k.toml"), [GOOD, GOOD], models.CATALOG)
    missing = {k: v for k, v in GOOD.items() if k != "direction"}
    with pytest.raises(InputError, match="has no 'direction'"):
        parse_targets(Path("k.toml"), [missing], models.CATALOG)


# --- build ledger: skip when nothing changed --------------------------------------------------


def test_build_is_kept_until_a_load_or_a_target_changes(tmp_path: Path) -> None:
    connection = seeded(tmp_path / "k.duckdb")

    def refresh(targets: tuple[Target, ...] = TARGETS) -> str:
        return models.refresh_metrics(connection, targets)[1]

    counts, done = models.refresh_metrics(connection, TARGETS)
    assert done == "kept" and counts["metrics.scorecard"] == len(TARGETS)
    assert [refresh(TARGETS[:1]), refresh(), refresh()] == ["rebuilt", "rebuilt", "kept"]
    connection.execute(
        "insert into ops.load (source, status, started_at, finished_at) "
        "values ('bad.csv', 'failed', now(), now())"
    )
    assert refresh() == "kept"  # a failed load adds nothing
    connection.execute(
        "insert into ops.load (source, status, started_at, finished_at) "
        "values ('new.csv', 'loaded', now(), now())"
    )
    assert [refresh(), refresh()] == ["updated", "kept"]
    connection.execute("update core.account set brand = 'Other' where account_id = 'x1'")
    assert refresh() == "rebuilt"
