-- model: awareness_monthly
-- grain: Each row is one account on one platform in one calendar month; rates are computed from the period's summed base measures by the macros in sql/formulas.sql, never averaged from daily rates (METRICS.md, awareness).
-- refresh: month_start by month
-- materialize: metrics.awareness_monthly
-- column month_start: First day of the calendar month (local dates).
-- columns of awareness_daily except date
create or replace view model.awareness_monthly as
with final as (
    select period_start as month_start, *
    from model.int_account_metrics
    where level = 'account' and grain = 'month'
)

select
    month_start, platform, account_id, is_own, impressions, reach, video_views, followers_total,
    net_follower_growth, audience_growth_rate, mentions, tracked_mentions, potential_reach,
    share_of_voice
from final
