-- model: int_scorecard_actuals
-- grain: Each row is one targetable metric (a column of an objective's daily table) of one objective for one scope and period that a target in metrics.target names (all, a platform, or an account / ad account; a month, quarter or year): the value the metric views computed from that period's summed base measures, unpivoted so targets can look it up.
-- column objective: awareness, traffic, community, conversion or leads.
-- column scope: 'all', a platform code, or platform:account_id (platform:ad_account_id for conversion).
-- column grain: month, quarter or year.
-- column period_start: First date of the period.
-- column period_end: Last date of the period.
-- column currency: Currency of the scope's money (conversion and leads); NULL elsewhere, or where the scope spends in several currencies.
-- column metric: Metric name (column of the objective's daily table).
-- column actual: The metric's value for the scope and period; NULL where it cannot be computed.
create or replace view model.int_scorecard_actuals as
with awareness as (
    select
        'awareness' as objective,
        scope,
        grain,
        period_start,
        period_end,
        null::varchar as currency,
        impressions, reach, video_views, followers_total, net_follower_growth, audience_growth_rate,
        mentions, tracked_mentions, potential_reach, share_of_voice
    from model.int_account_metrics
    where grain in ('month', 'quarter', 'year')
        and (scope, grain, period_start) in (
            select (scope, grain, period_start) from metrics.target
            where objective = 'awareness'
        )
),

community as (
    select
        'community' as objective,
        scope,
        grain,
        period_start,
        period_end,
        null::varchar as currency,
        posts, followers_total, net_follower_growth, audience_growth_rate, engagements, post_reach,
        post_impressions, engagement_rate, engagement_rate_impressions, engagement_rate_followers,
        reactions, comments, shares, saves, amplification_rate, applause_rate, conversation_rate,
        clicks, clicks_per_post, sessions, bounce_rate, mentions, conversations, comment_score
    from model.int_account_metrics
    where grain in ('month', 'quarter', 'year')
        and (scope, grain, period_start) in (
            select (scope, grain, period_start) from metrics.target
            where objective = 'community'
        )
),

traffic as (
    select
        'traffic' as objective,
        scope,
        grain,
        period_start,
        period_end,
        null::varchar as currency,
        link_clicks, post_impressions, ctr, profile_visits, website_clicks, sessions,
        engaged_sessions, bounces, bounce_rate, users, pageviews
    from model.int_traffic_metrics
    where grain in ('month', 'quarter', 'year')
        and (scope, grain, period_start) in (
            select (scope, grain, period_start) from metrics.target
            where objective = 'traffic'
        )
),

conversion as (
    select
        'conversion' as objective,
        scope,
        grain,
        period_start,
        period_end,
        currency,
        spend, impressions, reach, clicks, conversions, conversion_value, cpc, cpm, ctr,
        conversion_rate, cost_per_conversion, roas, bounce_rate, conversations, social_conversations
    from model.int_conversion_metrics
    where grain in ('month', 'quarter', 'year') and level <> 'campaign'
        and (scope, grain, period_start) in (
            select (scope, grain, period_start) from metrics.target
            where objective = 'conversion'
        )
),

leads as (
    select
        'leads' as objective,
        scope,
        grain,
        period_start,
        period_end,
        currency,
        spend, clicks, ad_leads, web_leads, leads, cost_per_lead, lead_rate, sessions, conversions,
        conversations
    from model.int_leads_metrics
    where grain in ('month', 'quarter', 'year') and level <> 'campaign'
        and (scope, grain, period_start) in (
            select (scope, grain, period_start) from metrics.target
            where objective = 'leads'
        )
),

final as (
    select objective, scope, grain, period_start, period_end, currency, metric, actual
    from awareness
    unpivot include nulls (
        actual for metric in (
            columns(* exclude (objective, scope, grain, period_start, period_end, currency))
        )
    )
    union all
    select objective, scope, grain, period_start, period_end, currency, metric, actual
    from community
    unpivot include nulls (
        actual for metric in (
            columns(* exclude (objective, scope, grain, period_start, period_end, currency))
        )
    )
    union all
    select objective, scope, grain, period_start, period_end, currency, metric, actual
    from traffic
    unpivot include nulls (
        actual for metric in (
            columns(* exclude (objective, scope, grain, period_start, period_end, currency))
        )
    )
    union all
    select objective, scope, grain, period_start, period_end, currency, metric, actual
    from conversion
    unpivot include nulls (
        actual for metric in (
            columns(* exclude (objective, scope, grain, period_start, period_end, currency))
        )
    )
    union all
    select objective, scope, grain, period_start, period_end, currency, metric, actual
    from leads
    unpivot include nulls (
        actual for metric in (
            columns(* exclude (objective, scope, grain, period_start, period_end, currency))
        )
    )
)

select objective, scope, grain, period_start, period_end, currency, metric, actual
from final
