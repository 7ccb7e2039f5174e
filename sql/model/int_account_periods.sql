-- model: int_account_periods
-- grain: Each row is one account on one platform in one period of one grain (day, ISO week from Monday, calendar month, quarter, year), with the period's summed base measures and its stocks (last value).
-- column grain: day, week, month, quarter or year.
-- column period_start: First date of the period (the date itself for day).
-- column period_end: Last date of the period.
-- column platform: Platform code.
-- column account_id: Account id.
-- column is_own: False for competitor accounts.
-- column days_with_data: Dates in the period with any data for the account.
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
-- column link_clicks: Summed link clicks of the period's posts.
-- column video_views: Summed video views of the period's posts.
-- column engagements: Summed engagements of the period's posts.
-- column followers_total: Followers at the end of the last date in the period that has a value (a stock: never summed).
-- column followers_start: Followers at the start of the period: followers_total of the day before, else followers_total - net_follower_growth of the first date with a total.
-- column net_follower_growth: Summed net follower growth.
-- column profile_visits: Summed profile visits.
-- column website_clicks: Summed website clicks.
-- column mentions: Summed mentions of the account's brand.
-- column tracked_mentions: Summed mentions of every tracked brand on the platform.
-- column potential_reach: Summed author followers of the brand's mentions.
-- column conversations: Summed conversations (comments + mentions).
-- column sessions: Summed web sessions from the platform (own accounts only).
-- column engaged_sessions: Summed engaged web sessions from the platform.
-- column bounces: Summed bounced web sessions from the platform.
create or replace view model.int_account_periods as
with expanded as (
    select
        c.grain,
        c.period_start,
        c.period_end,
        d.date,
        d.platform,
        d.account_id,
        d.is_own,
        d.posts,
        d.impressions,
        d.reach,
        d.post_impressions,
        d.post_reach,
        d.reactions,
        d.comments,
        d.shares,
        d.saves,
        d.clicks,
        d.link_clicks,
        d.video_views,
        d.engagements,
        d.followers_total,
        d.net_follower_growth,
        d.profile_visits,
        d.website_clicks,
        d.mentions,
        d.tracked_mentions,
        d.potential_reach,
        d.conversations,
        d.sessions,
        d.engaged_sessions,
        d.bounces
    from model.int_base_daily as d
    inner join model.int_calendar as c on d.date = c.date
),

aggregated as (
    select
        grain,
        period_start,
        period_end,
        platform,
        account_id,
        bool_and(is_own) as is_own,
        count(*) as days_with_data,
        sum(posts)::bigint as posts,
        sum(impressions)::bigint as impressions,
        case when grain = 'day' then max(reach) end as reach,
        sum(post_impressions)::bigint as post_impressions,
        sum(post_reach)::bigint as post_reach,
        sum(reactions)::bigint as reactions,
        sum(comments)::bigint as comments,
        sum(shares)::bigint as shares,
        sum(saves)::bigint as saves,
        sum(clicks)::bigint as clicks,
        sum(link_clicks)::bigint as link_clicks,
        sum(video_views)::bigint as video_views,
        sum(engagements)::bigint as engagements,
        arg_max(followers_total, date) filter (where followers_total is not null)
            as followers_total,
        arg_min(followers_total - net_follower_growth, date)
            filter (where followers_total is not null) as followers_first_start,
        sum(net_follower_growth)::bigint as net_follower_growth,
        sum(profile_visits)::bigint as profile_visits,
        sum(website_clicks)::bigint as website_clicks,
        sum(mentions)::bigint as mentions,
        sum(tracked_mentions)::bigint as tracked_mentions,
        sum(potential_reach)::bigint as potential_reach,
        sum(conversations)::bigint as conversations,
        sum(sessions)::bigint as sessions,
        sum(engaged_sessions)::bigint as engaged_sessions,
        sum(bounces)::bigint as bounces
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
    grain, period_start, period_end, platform, account_id, is_own, days_with_data, posts,
    impressions, reach, post_impressions, post_reach, reactions, comments, shares, saves, clicks,
    link_clicks, video_views, engagements, followers_total, followers_start, net_follower_growth,
    profile_visits, website_clicks, mentions, tracked_mentions, potential_reach, conversations,
    sessions, engaged_sessions, bounces
from final
