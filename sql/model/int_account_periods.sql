-- model: int_account_periods
-- grain: Each row is one account on one platform in one period of one grain (day, ISO week from Monday, calendar month, quarter, year), with the period's summed base measures and its stocks (last value).
-- refresh: period_end
-- column grain: day, week, month, quarter or year.
-- column period_start: First date of the period (the date itself for day).
-- column period_end: Last date of the period.
-- column platform: Platform code.
-- column account_id: Account id.
-- column is_own: False for competitor accounts.
-- column posts: Posts published in the period.
-- column impressions: Summed impressions (account-level where given, else post impressions).
-- column reach: Account-level reach: the daily value for a day; NULL for longer periods (daily reach is never summed).
-- column post_impressions: Summed impressions of the period's posts.
-- column post_reach: Summed reach of the period's posts.
-- column reactions: Summed reactions of the period's posts.
-- column comments: Summed comments of the period's posts.
-- column shares: Summed shares of the period's posts.
-- column saves: Summed saves of the period's posts.
-- column clicks: Summed clicks of the period's posts.
-- column video_views: Summed video views of the period's posts.
-- column engagements: Summed engagements of the period's posts.
-- column engagements_with_reach: Summed engagements of the period's posts that have a reach (engagement_rate numerator).
-- column post_reach_with_engagements: Summed reach of the period's posts that have engagements (engagement_rate denominator).
-- column engagements_with_impressions: Summed engagements of the period's posts that have impressions.
-- column post_impressions_with_engagements: Summed impressions of the period's posts that have engagements.
-- column posts_with_engagements: The period's posts that have engagements.
-- column posts_with_reactions: The period's posts that have reactions.
-- column posts_with_comments: The period's posts that have comments.
-- column posts_with_shares: The period's posts that have shares.
-- column posts_with_clicks: The period's posts that have clicks.
-- column followers_total: Followers at the end of the last date in the period that has a value (a stock: never summed).
-- column followers_start: Followers at the start of the period: followers_total of the day before, else followers_total - net_follower_growth of the first date with a total.
-- column net_follower_growth: Summed net follower growth.
-- column mentions: Summed mentions of the account's brand.
-- column tracked_mentions: Summed mentions of every tracked brand on the platform.
-- column potential_reach: Summed author followers of the brand's mentions.
-- column conversations: Summed conversations (comments + mentions).
-- column sessions: Summed web sessions from the platform (own accounts only).
-- column sessions_with_engaged: Summed sessions of the web rows that have engaged sessions (GA4).
-- column engaged_sessions_with_sessions: Summed engaged sessions of the web rows that have sessions.
-- column sessions_with_bounces: Summed sessions of the web rows that have bounces (Universal Analytics).
-- column bounces_with_sessions: Summed bounces of the web rows that have sessions.
create or replace view model.int_account_periods as
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

days as (
    -- A day is one row of int_base_daily (unique by date, platform and account, and every date of
    -- it is in the calendar): its values are that row's, without grouping it with itself.
    select
        'day' as grain,
        date as period_start,
        date as period_end,
        platform,
        account_id,
        is_own,
        posts,
        impressions,
        reach,
        post_impressions,
        post_reach,
        reactions,
        comments,
        shares,
        saves,
        clicks,
        video_views,
        engagements,
        engagements_with_reach,
        post_reach_with_engagements,
        engagements_with_impressions,
        post_impressions_with_engagements,
        posts_with_engagements,
        posts_with_reactions,
        posts_with_comments,
        posts_with_shares,
        posts_with_clicks,
        followers_total,
        followers_total - net_follower_growth as followers_first_start,
        net_follower_growth,
        mentions,
        tracked_mentions,
        potential_reach,
        conversations,
        sessions,
        sessions_with_engaged,
        engaged_sessions_with_sessions,
        sessions_with_bounces,
        bounces_with_sessions
    from model.int_base_daily
),

final as (
    -- The day before each period, joined in each branch: an incremental build's few rows then
    -- look up core.account_daily, rather than core.account_daily's rows looking up theirs.
    select
        a.*,
        coalesce(prev.followers_total, a.followers_first_start) as followers_start
    from days as a
    left join core.account_daily as prev
        on a.platform = prev.platform
        and a.account_id = prev.account_id
        and prev.date = a.period_start - 1
    union all by name
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
