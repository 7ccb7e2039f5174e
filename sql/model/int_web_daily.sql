-- model: int_web_daily
-- grain: Each row is one social platform on one local date with web sessions whose source maps to it, summed over sources, campaigns and properties: the web base measures and their paired sums, computed once for the account rows (int_base_daily) and the platform rows (int_platform_daily).
-- refresh: date
-- column date: Local calendar date.
-- column platform: Social platform code the sessions' source maps to.
-- column sessions: Web sessions from the platform (all properties).
-- column engaged_sessions: Engaged web sessions (GA4).
-- column bounces: Bounced web sessions (Universal Analytics).
-- column users: Web users summed over the platform's sources and properties.
-- column pageviews: Web page views.
-- column sessions_with_engaged: Sessions of the web rows with engaged sessions (GA4 bounce_rate denominator).
-- column engaged_sessions_with_sessions: Engaged sessions of the web rows with sessions.
-- column sessions_with_bounces: Sessions of the web rows with bounces (Universal Analytics bounce_rate denominator).
-- column bounces_with_sessions: Bounces of the web rows with sessions.
create or replace view model.int_web_daily as
with final as (
    select
        date,
        platform,
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
    from core.web_traffic_daily
    where platform is not null
    group by date, platform
)

select
    date, platform, sessions, engaged_sessions, bounces, users, pageviews, sessions_with_engaged,
    engaged_sessions_with_sessions, sessions_with_bounces, bounces_with_sessions
from final
