-- model: awareness_weekly
-- grain: Each row is one account on one platform in one ISO week (Monday start); rates are computed from the period's summed base measures by the macros in sql/formulas.sql, never averaged from daily rates (METRICS.md, awareness).
-- refresh: week_start by week
-- materialize: metrics.awareness_weekly
-- column week_start: Monday that starts the ISO week (local dates).
-- columns of awareness_daily except date
create or replace view model.awareness_weekly as
with final as (
    select period_start as week_start, *
    from model.int_account_metrics
    where level = 'account' and grain = 'week'
)

select
    week_start, platform, account_id, is_own, impressions, reach, video_views, followers_total,
    net_follower_growth, audience_growth_rate, mentions, tracked_mentions, potential_reach,
    share_of_voice
from final
