-- model: traffic_weekly
-- grain: Each row is one social platform (own accounts; web sessions from its sources) in one ISO week (Monday start); rates are computed from the period's summed base measures by the macros in sql/formulas.sql, never averaged from daily rates (METRICS.md, traffic).
-- refresh: week_start by week
-- materialize: metrics.traffic_weekly
-- column week_start: Monday that starts the ISO week (local dates).
-- columns of traffic_daily except date
create or replace view model.traffic_weekly as
with final as (
    select period_start as week_start, *
    from model.int_traffic_metrics
    where level = 'platform' and grain = 'week'
)

select
    week_start, platform, link_clicks, post_impressions, ctr, profile_visits, website_clicks,
    sessions, engaged_sessions, bounces, bounce_rate, users, pageviews
from final
