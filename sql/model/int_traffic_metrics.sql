-- model: int_traffic_metrics
-- grain: Each row is one scope (a social platform, or all platforms) in one period of one grain (day, week, month, quarter, year), with every traffic metric computed once from the period's base measures by the macros in sql/formulas.sql.
-- keep: view
-- column level: platform or all.
-- column scope: The platform code, or 'all'.
-- column grain: day, week, month, quarter or year.
-- column period_start: First date of the period.
-- column period_end: Last date of the period.
-- column platform: Platform code; NULL for all platforms.
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
create or replace view model.int_traffic_metrics as
with final as (
    select
        level,
        scope,
        grain,
        period_start,
        period_end,
        platform,
        link_clicks,
        post_impressions,
        model.link_ctr(link_clicks_with_impressions, post_impressions_with_link_clicks) as ctr,
        profile_visits,
        website_clicks,
        sessions,
        engaged_sessions,
        bounces,
        model.bounce_rate(
            sessions_with_engaged,
            engaged_sessions_with_sessions,
            sessions_with_bounces,
            bounces_with_sessions
        ) as bounce_rate,
        users,
        pageviews
    from model.int_platform_periods
)

select
    level, scope, grain, period_start, period_end, platform, link_clicks, post_impressions, ctr,
    profile_visits, website_clicks, sessions, engaged_sessions, bounces, bounce_rate, users,
    pageviews
from final
