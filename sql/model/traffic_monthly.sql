-- model: traffic_monthly
-- grain: Each row is one social platform (own accounts; web sessions from its sources) in one calendar month; rates are computed from the period's summed base measures by the macros in sql/formulas.sql, never averaged from daily rates (METRICS.md, traffic).
-- materialize: metrics.traffic_monthly
-- column month_start: First day of the calendar month (local dates).
-- column platform: Social platform code (web sessions mapped from their source, METRICS.md traffic).
-- column link_clicks: Link clicks on own posts published in the period.
-- column post_impressions: Impressions of own posts published in the period.
-- column ctr: link_clicks / post_impressions.
-- column profile_visits: Own accounts' profile visits.
-- column website_clicks: Own accounts' clicks on the profile website link.
-- column sessions: Web sessions whose source maps to the platform.
-- column engaged_sessions: Engaged web sessions (GA4).
-- column bounces: Bounced web sessions (Universal Analytics).
-- column bounce_rate: GA4: 1 - engaged_sessions / sessions; where only bounces are known: bounces / sessions.
-- column users: Web users for a day (summed over the platform's sources); NULL for longer periods.
-- column pageviews: Web page views.
create or replace view model.traffic_monthly as
with final as (
    select
        period_start as month_start,
        platform,
        link_clicks,
        post_impressions,
        ctr,
        profile_visits,
        website_clicks,
        sessions,
        engaged_sessions,
        bounces,
        bounce_rate,
        users,
        pageviews
    from model.int_traffic_metrics
    where level = 'platform' and grain = 'month'
)

select
    month_start, platform, link_clicks, post_impressions, ctr, profile_visits, website_clicks,
    sessions, engaged_sessions, bounces, bounce_rate, users, pageviews
from final
