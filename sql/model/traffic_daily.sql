-- model: traffic_daily
-- grain: Each row is one social platform (own accounts; web sessions from its sources) on one local date; rates are computed from the period's summed base measures by the macros in sql/formulas.sql, never averaged from daily rates (METRICS.md, traffic).
-- refresh: date
-- materialize: metrics.traffic_daily
-- column date: Local calendar date.
-- column platform: Social platform code (web sessions mapped from their source, METRICS.md traffic).
-- column link_clicks: Link clicks on own posts published in the period.
-- column post_impressions: Impressions of own posts published in the period.
-- column ctr: link_clicks / post_impressions, over the posts that report both.
-- column profile_visits: Own accounts' profile visits.
-- column website_clicks: Own accounts' clicks on the profile website link.
-- column sessions: Web sessions whose source maps to the platform.
-- column engaged_sessions: Engaged web sessions (GA4).
-- column bounces: Bounced web sessions (Universal Analytics).
-- column bounce_rate: GA4: 1 - engaged_sessions / sessions; where only bounces are known: bounces / sessions; each over the web rows that report the measure.
-- column users: Web users for a day (summed over the platform's sources); NULL for longer periods.
-- column pageviews: Web page views.
create or replace view model.traffic_daily as
with final as (
    select period_start as date, *
    from model.int_traffic_metrics
    where level = 'platform' and grain = 'day'
)

select
    date, platform, link_clicks, post_impressions, ctr, profile_visits, website_clicks, sessions,
    engaged_sessions, bounces, bounce_rate, users, pageviews
from final
