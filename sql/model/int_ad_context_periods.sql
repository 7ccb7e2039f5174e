-- model: int_ad_context_periods
-- grain: Each row is one ads platform (or all platforms) in one period of one grain (day, week, month, quarter, year), with the social context ads metrics show beside them: web sessions and conversations of the social platforms the ads platform serves (meta = facebook + instagram, google = youtube; DECISIONLOG).
-- refresh: period_start by grain
-- column level: platform or all.
-- column grain: day, week, month, quarter or year.
-- column period_start: First date of the period.
-- column platform: Ads platform code; NULL for all platforms.
-- column sessions_with_engaged: Sessions of the web rows that have engaged sessions (GA4).
-- column engaged_sessions_with_sessions: Engaged sessions of the web rows that have sessions.
-- column sessions_with_bounces: Sessions of the web rows that have bounces (Universal Analytics).
-- column bounces_with_sessions: Bounces of the web rows that have sessions.
-- column mentions: Own-brand mentions on the mapped social platforms (social conversations).
-- column conversations: Own comments + own-brand mentions on the mapped social platforms.
create or replace view model.int_ad_context_periods as
with by_ad_platform as (
    select
        'platform' as level,
        p.grain,
        p.period_start,
        m.ad_platform as platform,
        sum(p.sessions_with_engaged)::bigint as sessions_with_engaged,
        sum(p.engaged_sessions_with_sessions)::bigint as engaged_sessions_with_sessions,
        sum(p.sessions_with_bounces)::bigint as sessions_with_bounces,
        sum(p.bounces_with_sessions)::bigint as bounces_with_sessions,
        sum(p.mentions)::bigint as mentions,
        sum(p.conversations)::bigint as conversations
    from model.int_platform_periods as p
    inner join model.int_ad_platform_map as m on p.platform = m.platform
    where p.level = 'platform'
    group by p.grain, p.period_start, m.ad_platform
),

all_platforms as (
    select
        'all' as level,
        grain,
        period_start,
        null as platform,
        sessions_with_engaged,
        engaged_sessions_with_sessions,
        sessions_with_bounces,
        bounces_with_sessions,
        mentions,
        conversations
    from model.int_platform_periods
    where level = 'all'
),

final as (
    select * from by_ad_platform
    union all by name
    select * from all_platforms
)

select
    level, grain, period_start, platform, sessions_with_engaged, engaged_sessions_with_sessions,
    sessions_with_bounces, bounces_with_sessions, mentions, conversations
from final
