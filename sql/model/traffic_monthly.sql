-- model: traffic_monthly
-- grain: Each row is one social platform (own accounts; web sessions from its sources) in one calendar month; rates are computed from the period's summed base measures by the macros in sql/formulas.sql, never averaged from daily rates (METRICS.md, traffic).
-- refresh: month_start by month
-- materialize: metrics.traffic_monthly
-- column month_start: First day of the calendar month (local dates).
-- columns of traffic_daily except date
create or replace view model.traffic_monthly as
with final as (
    select period_start as month_start, *
    from model.int_traffic_metrics
    where level = 'platform' and grain = 'month'
)

select
    month_start, platform, link_clicks, post_impressions, ctr, profile_visits, website_clicks,
    sessions, engaged_sessions, bounces, bounce_rate, users, pageviews
from final
