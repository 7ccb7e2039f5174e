-- model: community_weekly
-- grain: Each row is one account on one platform in one ISO week (Monday start); rates are computed from the period's summed base measures by the macros in sql/formulas.sql, never averaged from daily rates (METRICS.md, community).
-- refresh: week_start by week
-- materialize: metrics.community_weekly
-- column week_start: Monday that starts the ISO week (local dates).
-- columns of community_daily except date
create or replace view model.community_weekly as
with final as (
    select period_start as week_start, *
    from model.int_account_metrics
    where level = 'account' and grain = 'week'
)

select
    week_start, platform, account_id, is_own, posts, followers_total, net_follower_growth,
    audience_growth_rate, engagements, post_reach, post_impressions, engagement_rate,
    engagement_rate_impressions, engagement_rate_followers, reactions, comments, shares, saves,
    amplification_rate, applause_rate, conversation_rate, clicks, clicks_per_post, sessions,
    bounce_rate, mentions, conversations, comment_score
from final
