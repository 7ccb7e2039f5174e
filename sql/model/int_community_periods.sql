-- model: int_community_periods
-- grain: Each row is one account on one platform in one period of one grain (day, ISO week from Monday, calendar month), with the period's summed base measures.
-- column grain: day, week or month.
-- column period_start: First date of the period (the date itself for day).
-- column period_end: Last date of the period.
-- column platform: Platform code.
-- column account_id: Account id.
-- column is_own: False for competitor accounts.
-- column days_with_data: Dates in the period with any data for the account.
-- column posts: Posts published in the period.
-- column post_impressions: Summed impressions of the period's posts.
-- column post_reach: Summed reach of the period's posts.
-- column reactions: Summed reactions of the period's posts.
-- column comments: Summed comments of the period's posts.
-- column shares: Summed shares of the period's posts.
-- column saves: Summed saves of the period's posts.
-- column clicks: Summed clicks of the period's posts.
-- column engagements: Summed engagements of the period's posts.
-- column followers_total: Followers at the end of the last date in the period that has a value (a stock: never summed).
-- column followers_start: Followers at the start of the period: followers_total of the day before, else followers_total - net_follower_growth of the first date with a total.
-- column net_follower_growth: Summed net follower growth.
-- column mentions: Summed mentions.
-- column conversations: Summed conversations (comments + mentions).
-- column sessions: Summed web sessions from the platform.
-- column engaged_sessions: Summed engaged web sessions from the platform.
-- column bounces: Summed bounced web sessions from the platform.
create or replace view model.int_community_periods as
with days as (
    select * from model.int_base_daily
),

expanded as (
    select 'day' as grain, date as period_start, date as period_end, days.* from days
    union all
    select
        'week' as grain,
        date_trunc('week', date)::date as period_start,
        (date_trunc('week', date) + interval 6 day)::date as period_end,
        days.*
    from days
    union all
    select
        'month' as grain,
        date_trunc('month', date)::date as period_start,
        (date_trunc('month', date) + interval 1 month - interval 1 day)::date as period_end,
        days.*
    from days
),

aggregated as (
    select
        grain,
        period_start,
        max(period_end) as period_end,
        platform,
        account_id,
        bool_and(is_own) as is_own,
        count(*) as days_with_data,
        sum(posts)::bigint as posts,
        sum(post_impressions)::bigint as post_impressions,
        sum(post_reach)::bigint as post_reach,
        sum(reactions)::bigint as reactions,
        sum(comments)::bigint as comments,
        sum(shares)::bigint as shares,
        sum(saves)::bigint as saves,
        sum(clicks)::bigint as clicks,
        sum(engagements)::bigint as engagements,
        arg_max(followers_total, date) filter (where followers_total is not null)
            as followers_total,
        arg_min(followers_total - net_follower_growth, date)
            filter (where followers_total is not null) as followers_first_start,
        sum(net_follower_growth)::bigint as net_follower_growth,
        sum(mentions)::bigint as mentions,
        sum(conversations)::bigint as conversations,
        sum(sessions)::bigint as sessions,
        sum(engaged_sessions)::bigint as engaged_sessions,
        sum(bounces)::bigint as bounces
    from expanded
    group by grain, period_start, platform, account_id
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
    grain, period_start, period_end, platform, account_id, is_own, days_with_data, posts,
    post_impressions, post_reach, reactions, comments, shares, saves, clicks, engagements,
    followers_total, followers_start, net_follower_growth, mentions, conversations, sessions,
    engaged_sessions, bounces
from final
