-- model: community_monthly
-- grain: Each row is one account on one platform in one calendar month; rates are computed from the period's summed base measures by the macros in sql/formulas.sql, never averaged from daily rates (METRICS.md, community).
-- refresh: month_start by month
-- materialize: metrics.community_monthly
-- column month_start: First day of the calendar month (local dates).
-- columns of community_daily except date
create or replace view model.community_monthly as
with final as (
    select period_start as month_start, *
    from model.int_account_metrics
    where level = 'account' and grain = 'month'
)

select
    month_start, platform, account_id, is_own, posts, followers_total, net_follower_growth,
    audience_growth_rate, engagements, post_reach, post_impressions, engagement_rate,
    engagement_rate_impressions, engagement_rate_followers, reactions, comments, shares, saves,
    amplification_rate, applause_rate, conversation_rate, clicks, clicks_per_post, sessions,
    bounce_rate, mentions, conversations, comment_score
from final
