-- model: int_platform_periods
-- grain: Each row is one scope (a social platform, or all platforms) in one period of one grain, with own accounts' summed base measures, platform-wide mentions and web traffic; every grain has all-platform rows (the report's totals of days and weeks, the scorecard's months, quarters and years).
-- refresh: period_end
-- column level: platform or all.
-- column scope: The platform code, or 'all'.
-- column grain: day, week, month, quarter or year.
-- column period_start: First date of the period.
-- column period_end: Last date of the period.
-- column platform: Platform code; NULL for all platforms.
-- column posts: Posts published in the period by own accounts.
-- column impressions: Own accounts' summed impressions.
-- column post_impressions: Summed impressions of own posts.
-- column post_reach: Summed reach of own posts (not unique people).
-- column reactions: Summed reactions of own posts.
-- column comments: Summed comments of own posts.
-- column shares: Summed shares of own posts.
-- column saves: Summed saves of own posts.
-- column clicks: Summed clicks of own posts.
-- column link_clicks: Summed link clicks of own posts.
-- column video_views: Summed video views of own posts.
-- column engagements: Summed engagements of own posts.
-- column engagements_with_reach: Summed engagements of own posts that have a reach (engagement_rate numerator).
-- column post_reach_with_engagements: Summed reach of own posts that have engagements (engagement_rate denominator).
-- column engagements_with_impressions: Summed engagements of own posts that have impressions.
-- column post_impressions_with_engagements: Summed impressions of own posts that have engagements.
-- column link_clicks_with_impressions: Summed link clicks of own posts that have impressions (ctr numerator).
-- column post_impressions_with_link_clicks: Summed impressions of own posts that have link clicks (ctr denominator).
-- column posts_with_comments: Own posts that have comments (comment_score denominator).
-- column posts_with_clicks: Own posts that have clicks (clicks_per_post denominator).
-- column followers_total: Sum over own accounts of each account's followers at the end of the period.
-- column followers_start: Sum over own accounts of each account's followers at the start of the period.
-- column net_follower_growth: Own accounts' summed net follower growth.
-- column net_follower_growth_with_followers: Summed net follower growth of own accounts with followers at the start of the period (audience_growth_rate numerator).
-- column followers_start_with_growth: Summed followers at the start of the period of own accounts with a net follower growth (audience_growth_rate denominator).
-- column engagements_with_followers: Summed engagements of own accounts with followers_total.
-- column posts_with_engagements_with_followers: Posts with engagements of own accounts with followers_total.
-- column followers_with_engagements: Summed followers_total of own accounts with posts that have engagements.
-- column reactions_with_followers: Summed reactions of own accounts with followers_total.
-- column posts_with_reactions_with_followers: Posts with reactions of own accounts with followers_total.
-- column followers_with_reactions: Summed followers_total of own accounts with posts that have reactions.
-- column comments_with_followers: Summed comments of own accounts with followers_total.
-- column posts_with_comments_with_followers: Posts with comments of own accounts with followers_total.
-- column followers_with_comments: Summed followers_total of own accounts with posts that have comments.
-- column shares_with_followers: Summed shares of own accounts with followers_total.
-- column posts_with_shares_with_followers: Posts with shares of own accounts with followers_total.
-- column followers_with_shares: Summed followers_total of own accounts with posts that have shares.
-- column profile_visits: Own accounts' summed profile visits.
-- column website_clicks: Own accounts' summed website clicks.
-- column mentions: Own-brand mentions (each mention once).
-- column tracked_mentions: Mentions of every tracked brand (own and competitors).
-- column potential_reach: Summed author followers of own-brand mentions.
-- column conversations: Summed conversations (own comments + own-brand mentions).
-- column sessions: Summed web sessions from the platform(s).
-- column engaged_sessions: Summed engaged web sessions.
-- column bounces: Summed bounced web sessions.
-- column sessions_with_engaged: Summed sessions of the web rows that have engaged sessions (GA4).
-- column engaged_sessions_with_sessions: Summed engaged sessions of the web rows that have sessions.
-- column sessions_with_bounces: Summed sessions of the web rows that have bounces (Universal Analytics).
-- column bounces_with_sessions: Summed bounces of the web rows that have sessions.
-- column users: Web users for a day and one platform (summed over sources); NULL for longer periods and for all platforms (unique counts are never summed across days).
-- column pageviews: Summed web page views.
create or replace view model.int_platform_periods as
with expanded as (
    select
        c.grain,
        c.period_start,
        c.period_end,
        d.*
    from model.int_platform_daily as d
    inner join model.int_calendar as c on d.date = c.date
),

aggregated as (
    select
        case when grouping(platform) = 0 then 'platform' else 'all' end as level,
        grain,
        period_start,
        period_end,
        platform,
        sum(posts)::bigint as posts,
        sum(impressions)::bigint as impressions,
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
        sum(engagements_with_reach)::bigint as engagements_with_reach,
        sum(post_reach_with_engagements)::bigint as post_reach_with_engagements,
        sum(engagements_with_impressions)::bigint as engagements_with_impressions,
        sum(post_impressions_with_engagements)::bigint as post_impressions_with_engagements,
        sum(link_clicks_with_impressions)::bigint as link_clicks_with_impressions,
        sum(post_impressions_with_link_clicks)::bigint as post_impressions_with_link_clicks,
        sum(posts_with_comments)::bigint as posts_with_comments,
        sum(posts_with_clicks)::bigint as posts_with_clicks,
        sum(net_follower_growth)::bigint as net_follower_growth,
        sum(profile_visits)::bigint as profile_visits,
        sum(website_clicks)::bigint as website_clicks,
        sum(mentions)::bigint as mentions,
        sum(tracked_mentions)::bigint as tracked_mentions,
        sum(potential_reach)::bigint as potential_reach,
        sum(conversations)::bigint as conversations,
        sum(sessions)::bigint as sessions,
        sum(engaged_sessions)::bigint as engaged_sessions,
        sum(bounces)::bigint as bounces,
        sum(sessions_with_engaged)::bigint as sessions_with_engaged,
        sum(engaged_sessions_with_sessions)::bigint as engaged_sessions_with_sessions,
        sum(sessions_with_bounces)::bigint as sessions_with_bounces,
        sum(bounces_with_sessions)::bigint as bounces_with_sessions,
        case when grain = 'day' and grouping(platform) = 0 then sum(users)::bigint end as users,
        sum(pageviews)::bigint as pageviews
    from expanded
    group by grouping sets (
        (grain, period_start, period_end, platform),
        (grain, period_start, period_end)
    )
),

stocks as (
    select
        case when grouping(platform) = 0 then 'platform' else 'all' end as level,
        grain,
        period_start,
        platform,
        sum(followers_total)::bigint as followers_total,
        sum(followers_start)::bigint as followers_start,
        sum(net_follower_growth) filter (where followers_start is not null)::bigint
            as net_follower_growth_with_followers,
        sum(followers_start) filter (where net_follower_growth is not null)::bigint
            as followers_start_with_growth,
        sum(engagements) filter (where followers_total is not null)::bigint
            as engagements_with_followers,
        sum(posts_with_engagements) filter (where followers_total is not null)::bigint
            as posts_with_engagements_with_followers,
        sum(followers_total) filter (where posts_with_engagements > 0)::bigint
            as followers_with_engagements,
        sum(reactions) filter (where followers_total is not null)::bigint
            as reactions_with_followers,
        sum(posts_with_reactions) filter (where followers_total is not null)::bigint
            as posts_with_reactions_with_followers,
        sum(followers_total) filter (where posts_with_reactions > 0)::bigint
            as followers_with_reactions,
        sum(comments) filter (where followers_total is not null)::bigint as comments_with_followers,
        sum(posts_with_comments) filter (where followers_total is not null)::bigint
            as posts_with_comments_with_followers,
        sum(followers_total) filter (where posts_with_comments > 0)::bigint
            as followers_with_comments,
        sum(shares) filter (where followers_total is not null)::bigint as shares_with_followers,
        sum(posts_with_shares) filter (where followers_total is not null)::bigint
            as posts_with_shares_with_followers,
        sum(followers_total) filter (where posts_with_shares > 0)::bigint as followers_with_shares
    from model.int_account_periods
    where is_own and period_end >= model.refresh_from()
    group by grouping sets ((grain, period_start, platform), (grain, period_start))
),

final as (
    select
        a.*,
        coalesce(a.platform, 'all') as scope,
        s.* exclude (level, grain, period_start, platform)
    from aggregated as a
    left join stocks as s
        on a.level = s.level
        and a.grain = s.grain
        and a.period_start = s.period_start
        and a.platform is not distinct from s.platform
)

select
    level, scope, grain, period_start, period_end, platform, posts, impressions, post_impressions,
    post_reach, reactions, comments, shares, saves, clicks, link_clicks, video_views, engagements,
    engagements_with_reach, post_reach_with_engagements, engagements_with_impressions,
    post_impressions_with_engagements, link_clicks_with_impressions,
    post_impressions_with_link_clicks, posts_with_comments, posts_with_clicks, followers_total,
    followers_start, net_follower_growth, net_follower_growth_with_followers,
    followers_start_with_growth, engagements_with_followers, posts_with_engagements_with_followers,
    followers_with_engagements, reactions_with_followers, posts_with_reactions_with_followers,
    followers_with_reactions, comments_with_followers, posts_with_comments_with_followers,
    followers_with_comments, shares_with_followers, posts_with_shares_with_followers,
    followers_with_shares, profile_visits, website_clicks, mentions, tracked_mentions,
    potential_reach, conversations, sessions, engaged_sessions, bounces, sessions_with_engaged,
    engaged_sessions_with_sessions, sessions_with_bounces, bounces_with_sessions, users, pageviews
from final
