-- model: int_account_rollups
-- grain: Each row is one account on one platform in one week (ISO, from Monday), calendar month, quarter or year, with the period's summed base measures and its stocks (last value): the periods of int_account_periods longer than a day, kept as a table (a day is its int_base_daily row).
-- refresh: period_end
-- columns of int_account_periods
-- column grain: week, month, quarter or year.
-- column period_start: First date of the period.
-- column reach: NULL: daily reach is never summed into a longer period.
create or replace view model.int_account_rollups as
with expanded as (
    -- Weeks, months, quarters and years: each day in every period holding it.
    select
        c.grain,
        c.period_start,
        c.period_end,
        d.*
    from model.int_base_daily as d
    inner join model.int_calendar as c on d.date = c.date
    where c.grain <> 'day'
),

aggregated as (
    select
        grain,
        period_start,
        period_end,
        platform,
        account_id,
        bool_and(is_own) as is_own,
        sum(posts)::bigint as posts,
        sum(impressions)::bigint as impressions,
        null::bigint as reach,
        sum(post_impressions)::bigint as post_impressions,
        sum(post_reach)::bigint as post_reach,
        sum(reactions)::bigint as reactions,
        sum(comments)::bigint as comments,
        sum(shares)::bigint as shares,
        sum(saves)::bigint as saves,
        sum(clicks)::bigint as clicks,
        sum(video_views)::bigint as video_views,
        sum(engagements)::bigint as engagements,
        sum(engagements_with_reach)::bigint as engagements_with_reach,
        sum(post_reach_with_engagements)::bigint as post_reach_with_engagements,
        sum(engagements_with_impressions)::bigint as engagements_with_impressions,
        sum(post_impressions_with_engagements)::bigint as post_impressions_with_engagements,
        sum(posts_with_engagements)::bigint as posts_with_engagements,
        sum(posts_with_reactions)::bigint as posts_with_reactions,
        sum(posts_with_comments)::bigint as posts_with_comments,
        sum(posts_with_shares)::bigint as posts_with_shares,
        sum(posts_with_clicks)::bigint as posts_with_clicks,
        arg_max(followers_total, date) filter (where followers_total is not null)
            as followers_total,
        arg_min(followers_total - net_follower_growth, date)
            filter (where followers_total is not null) as followers_first_start,
        sum(net_follower_growth)::bigint as net_follower_growth,
        sum(mentions)::bigint as mentions,
        sum(tracked_mentions)::bigint as tracked_mentions,
        sum(potential_reach)::bigint as potential_reach,
        sum(conversations)::bigint as conversations,
        sum(sessions)::bigint as sessions,
        sum(sessions_with_engaged)::bigint as sessions_with_engaged,
        sum(engaged_sessions_with_sessions)::bigint as engaged_sessions_with_sessions,
        sum(sessions_with_bounces)::bigint as sessions_with_bounces,
        sum(bounces_with_sessions)::bigint as bounces_with_sessions
    from expanded
    group by grain, period_start, period_end, platform, account_id
),

final as (
    select
        a.*,
        coalesce(prev.followers_total, a.followers_first_start) as followers_start
    from aggregated as a
    left join core.account_daily as prev
        on a.platform = prev.platform
        and a.account_id = prev.account_id
        and prev.date = a.period_start - 1
)

select
    grain, period_start, period_end, platform, account_id, is_own, posts, impressions, reach,
    post_impressions, post_reach, reactions, comments, shares, saves, clicks, video_views,
    engagements, engagements_with_reach, post_reach_with_engagements, engagements_with_impressions,
    post_impressions_with_engagements, posts_with_engagements, posts_with_reactions,
    posts_with_comments, posts_with_shares, posts_with_clicks, followers_total, followers_start,
    net_follower_growth, mentions, tracked_mentions, potential_reach, conversations, sessions,
    sessions_with_engaged, engaged_sessions_with_sessions, sessions_with_bounces,
    bounces_with_sessions
from final
