-- model: traffic_period
-- grain: Each row is one social platform over one date range of an aggregated web-analytics export (core.web_traffic_period), never split into days; the same metrics as traffic_daily, computed by the macros in sql/formulas.sql (METRICS.md, traffic).
-- materialize: metrics.traffic_period
-- column platform: Social platform code (web sessions mapped from their source, METRICS.md traffic).
-- column date_start: First date of the range (inclusive).
-- column date_end: Last date of the range (inclusive).
-- column link_clicks: Link clicks on own posts published in the range.
-- column post_impressions: Impressions of own posts published in the range.
-- column ctr: link_clicks / post_impressions, over the posts that report both.
-- column profile_visits: Own accounts' profile visits in the range.
-- column website_clicks: Own accounts' website clicks in the range.
-- column sessions: Web sessions over the range whose source maps to the platform (all properties).
-- column engaged_sessions: Engaged web sessions over the range (GA4).
-- column bounces: Bounced web sessions over the range (Universal Analytics).
-- column bounce_rate: GA4: 1 - engaged_sessions / sessions; where only bounces are known: bounces / sessions; each over the web rows that report the measure.
-- column users: Web users over the range as the exports state them, summed over the platform's sources and properties (a person arriving from two sources counts twice).
-- column pageviews: Web page views over the range.
create or replace view model.traffic_period as
with web as (
    select
        platform,
        date_start,
        date_end,
        sum(sessions)::bigint as sessions,
        sum(engaged_sessions)::bigint as engaged_sessions,
        sum(bounces)::bigint as bounces,
        sum(users)::bigint as users,
        sum(pageviews)::bigint as pageviews,
        sum(sessions) filter (where engaged_sessions is not null)::bigint as sessions_with_engaged,
        sum(engaged_sessions) filter (where sessions is not null)::bigint
            as engaged_sessions_with_sessions,
        sum(sessions) filter (where bounces is not null)::bigint as sessions_with_bounces,
        sum(bounces) filter (where sessions is not null)::bigint as bounces_with_sessions
    from core.web_traffic_period
    where platform is not null
    group by platform, date_start, date_end
),

own as (
    select
        w.platform,
        w.date_start,
        w.date_end,
        sum(d.link_clicks)::bigint as link_clicks,
        sum(d.post_impressions)::bigint as post_impressions,
        sum(d.link_clicks_with_impressions)::bigint as link_clicks_with_impressions,
        sum(d.post_impressions_with_link_clicks)::bigint as post_impressions_with_link_clicks,
        sum(d.profile_visits)::bigint as profile_visits,
        sum(d.website_clicks)::bigint as website_clicks
    from web as w
    inner join model.int_platform_daily as d
        on w.platform = d.platform and d.date between w.date_start and w.date_end
    group by w.platform, w.date_start, w.date_end
),

final as (
    select
        w.platform,
        w.date_start,
        w.date_end,
        o.link_clicks,
        o.post_impressions,
        model.link_ctr(o.link_clicks_with_impressions, o.post_impressions_with_link_clicks)
            as ctr,
        o.profile_visits,
        o.website_clicks,
        w.sessions,
        w.engaged_sessions,
        w.bounces,
        model.bounce_rate(
            w.sessions_with_engaged,
            w.engaged_sessions_with_sessions,
            w.sessions_with_bounces,
            w.bounces_with_sessions
        ) as bounce_rate,
        w.users,
        w.pageviews
    from web as w
    left join own as o
        on w.platform = o.platform and w.date_start = o.date_start and w.date_end = o.date_end
)

select
    platform, date_start, date_end, link_clicks, post_impressions, ctr, profile_visits,
    website_clicks, sessions, engaged_sessions, bounces, bounce_rate, users, pageviews
from final
