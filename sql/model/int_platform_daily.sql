-- model: int_platform_daily
-- grain: Each row is one social platform on one local date with own-account data, web traffic from the platform, or mentions on it: own accounts' base measures summed (competitors never count), plus platform-wide mentions and web traffic.
-- refresh: date
-- column date: Local calendar date.
-- column platform: Social platform code.
-- column posts: Posts published that date by own accounts.
-- column impressions: Own accounts' impressions (account-level where given, else post impressions).
-- column post_impressions: Impressions of own posts published that date.
-- column post_reach: Reach summed over own posts published that date (not unique people).
-- column reactions: Reactions of own posts published that date.
-- column comments: Comments of own posts published that date.
-- column shares: Shares of own posts published that date.
-- column saves: Saves of own posts published that date.
-- column clicks: Clicks of own posts published that date.
-- column link_clicks: Link clicks of own posts published that date.
-- column video_views: Video views of own posts published that date.
-- column engagements: Engagements of own posts published that date.
-- column engagements_with_reach: Engagements of own posts with a reach (engagement_rate numerator).
-- column post_reach_with_engagements: Reach of own posts with engagements (engagement_rate denominator).
-- column engagements_with_impressions: Engagements of own posts with impressions.
-- column post_impressions_with_engagements: Impressions of own posts with engagements.
-- column link_clicks_with_impressions: Link clicks of own posts with impressions (ctr numerator).
-- column post_impressions_with_link_clicks: Impressions of own posts with link clicks (ctr denominator).
-- column posts_with_comments: Own posts with comments.
-- column posts_with_clicks: Own posts with clicks.
-- column net_follower_growth: Own accounts' net follower growth that date.
-- column profile_visits: Own accounts' profile visits that date.
-- column website_clicks: Own accounts' website clicks that date.
-- column mentions: Mentions of any own brand on the platform that date (each mention once, however many own accounts share the brand); 0 when only other brands were mentioned.
-- column tracked_mentions: Mentions of every tracked brand (own and competitors) on the platform that date.
-- column potential_reach: Sum of author_followers over the own-brand mentions.
-- column conversations: comments + mentions.
-- column sessions: Web sessions whose source maps to the platform (all properties).
-- column engaged_sessions: Engaged web sessions (GA4).
-- column bounces: Bounced web sessions (Universal Analytics).
-- column users: Web users summed over the platform's sources and properties that date.
-- column pageviews: Web page views.
-- column sessions_with_engaged: Sessions of the web rows with engaged sessions (GA4 bounce_rate denominator).
-- column engaged_sessions_with_sessions: Engaged sessions of the web rows with sessions.
-- column sessions_with_bounces: Sessions of the web rows with bounces (Universal Analytics bounce_rate denominator).
-- column bounces_with_sessions: Bounces of the web rows with sessions.
create or replace view model.int_platform_daily as
with own_days as (
    select
        date,
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
        sum(website_clicks)::bigint as website_clicks
    from model.int_base_daily
    where is_own and date >= model.refresh_from()
    group by date, platform
),

own_brands as (
    select distinct lower(brand) as brand
    from core.account
    where is_own and brand is not null
),

mention_days as (
    select
        m.date,
        m.platform,
        count(*) as tracked_mentions,
        count(*) filter (where b.brand is not null) as mentions,
        sum(m.author_followers) filter (where b.brand is not null)::bigint as potential_reach
    from core.mention as m
    left join own_brands as b on lower(m.brand) = b.brand
    where m.date >= model.refresh_from() and m.platform in (select platform from model.int_ad_platform_map)
    group by m.date, m.platform
),

spine as (
    select date, platform from own_days
    union
    select date, platform from mention_days
    union
    select date, platform from model.int_web_daily
),

final as (
    select
        s.date,
        s.platform,
        coalesce(o.posts, 0) as posts,
        o.impressions,
        o.post_impressions,
        o.post_reach,
        o.reactions,
        o.comments,
        o.shares,
        o.saves,
        o.clicks,
        o.link_clicks,
        o.video_views,
        o.engagements,
        o.engagements_with_reach,
        o.post_reach_with_engagements,
        o.engagements_with_impressions,
        o.post_impressions_with_engagements,
        o.link_clicks_with_impressions,
        o.post_impressions_with_link_clicks,
        o.posts_with_comments,
        o.posts_with_clicks,
        o.net_follower_growth,
        o.profile_visits,
        o.website_clicks,
        m.mentions,
        m.tracked_mentions,
        m.potential_reach,
        model.conversations(o.comments, m.mentions) as conversations,
        w.sessions,
        w.engaged_sessions,
        w.bounces,
        w.users,
        w.pageviews,
        w.sessions_with_engaged,
        w.engaged_sessions_with_sessions,
        w.sessions_with_bounces,
        w.bounces_with_sessions
    from spine as s
    left join own_days as o on s.date = o.date and s.platform = o.platform
    left join mention_days as m on s.date = m.date and s.platform = m.platform
    left join model.int_web_daily as w on s.date = w.date and s.platform = w.platform
)

select
    date, platform, posts, impressions, post_impressions, post_reach, reactions, comments, shares,
    saves, clicks, link_clicks, video_views, engagements, engagements_with_reach,
    post_reach_with_engagements, engagements_with_impressions, post_impressions_with_engagements,
    link_clicks_with_impressions, post_impressions_with_link_clicks, posts_with_comments,
    posts_with_clicks, net_follower_growth, profile_visits, website_clicks, mentions,
    tracked_mentions, potential_reach, conversations, sessions, engaged_sessions, bounces, users,
    pageviews, sessions_with_engaged, engaged_sessions_with_sessions, sessions_with_bounces,
    bounces_with_sessions
from final
