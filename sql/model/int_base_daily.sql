-- model: int_base_daily
-- grain: Each row is one account on one platform on one local date with any data (posts, account measures, or mentions on its platform when it has a brand): the shared base measures of METRICS.md, computed once.
-- refresh: date
-- column date: Local calendar date in the account's timezone.
-- column platform: Platform code.
-- column account_id: Account id.
-- column is_own: False for competitor accounts.
-- column posts: Posts published that date.
-- column impressions: Account-level impressions where the platform gives them, otherwise the sum of the day's posts' impressions.
-- column reach: Account-level daily reach; NULL where the platform gives none.
-- column post_impressions: Sum of impressions of the posts published that date (latest snapshots).
-- column post_reach: Sum of reach over the day's posts (a sum over posts, not unique people).
-- column reactions: Sum of reactions over the day's posts.
-- column comments: Sum of comments over the day's posts.
-- column shares: Sum of shares over the day's posts.
-- column saves: Sum of saves over the day's posts.
-- column clicks: Sum of clicks over the day's posts.
-- column link_clicks: Sum of link clicks over the day's posts.
-- column video_views: Sum of video views over the day's posts.
-- column engagements: reactions + comments + shares + saves of the day's posts (NULL only when all four are NULL).
-- column engagements_with_reach: Engagements of the day's posts that have a reach (engagement_rate numerator).
-- column post_reach_with_engagements: Reach of the day's posts that have engagements (engagement_rate denominator).
-- column engagements_with_impressions: Engagements of the day's posts that have impressions.
-- column post_impressions_with_engagements: Impressions of the day's posts that have engagements.
-- column link_clicks_with_impressions: Link clicks of the day's posts that have impressions (ctr numerator).
-- column post_impressions_with_link_clicks: Impressions of the day's posts that have link clicks (ctr denominator).
-- column posts_with_engagements: The day's posts that have engagements.
-- column posts_with_reactions: The day's posts that have reactions.
-- column posts_with_comments: The day's posts that have comments.
-- column posts_with_shares: The day's posts that have shares.
-- column posts_with_clicks: The day's posts that have clicks.
-- column followers_total: Followers at the end of the date.
-- column followers_start: Followers at the start of the date: followers_total of the day before, else followers_total - net_follower_growth.
-- column net_follower_growth: followers_gained - followers_lost; where not given, the change of followers_total from the previous date.
-- column profile_visits: Account-level profile visits that date.
-- column website_clicks: Account-level clicks on the profile's website link that date.
-- column mentions: Mentions of the account's brand on its platform that date; 0 when mentions of other tracked brands exist that date but none of this one.
-- column tracked_mentions: Mentions of every tracked brand (own and competitors) on the platform that date.
-- column potential_reach: Sum of author_followers over the date's mentions of the account's brand.
-- column conversations: comments + mentions.
-- column sessions: Web sessions from the platform that date (all properties); NULL for competitor accounts.
-- column sessions_with_engaged: Sessions of the web rows that have engaged sessions (GA4 bounce_rate denominator).
-- column engaged_sessions_with_sessions: Engaged sessions of the web rows that have sessions.
-- column sessions_with_bounces: Sessions of the web rows that have bounces (Universal Analytics bounce_rate denominator).
-- column bounces_with_sessions: Bounces of the web rows that have sessions.
create or replace view model.int_base_daily as
with post_days as (
    select
        platform,
        account_id,
        published_date as date,
        count(*) as posts,
        sum(impressions)::bigint as post_impressions,
        sum(reach)::bigint as post_reach,
        sum(reactions)::bigint as reactions,
        sum(comments)::bigint as comments,
        sum(shares)::bigint as shares,
        sum(saves)::bigint as saves,
        sum(clicks)::bigint as clicks,
        sum(link_clicks)::bigint as link_clicks,
        sum(video_views)::bigint as video_views,
        sum(engagements)::bigint as engagements,
        sum(engagements) filter (where reach is not null)::bigint as engagements_with_reach,
        sum(reach) filter (where engagements is not null)::bigint as post_reach_with_engagements,
        sum(engagements) filter (where impressions is not null)::bigint
            as engagements_with_impressions,
        sum(impressions) filter (where engagements is not null)::bigint
            as post_impressions_with_engagements,
        sum(link_clicks) filter (where impressions is not null)::bigint
            as link_clicks_with_impressions,
        sum(impressions) filter (where link_clicks is not null)::bigint
            as post_impressions_with_link_clicks,
        count(engagements) as posts_with_engagements,
        count(reactions) as posts_with_reactions,
        count(comments) as posts_with_comments,
        count(shares) as posts_with_shares,
        count(clicks) as posts_with_clicks
    from model.int_post_latest
    where published_date >= model.refresh_from() and account_id is not null
    group by platform, account_id, published_date
),

account_days as (
    select
        platform,
        account_id,
        date,
        impressions,
        reach,
        followers_total,
        profile_visits,
        website_clicks,
        followers_gained,
        followers_lost
    from core.account_daily
    where date >= model.refresh_from()
),

platform_mentions as (
    select
        platform,
        date,
        count(*) as tracked_mentions
    from core.mention
    where date >= model.refresh_from()
    group by platform, date
),

brand_mentions as (
    select
        a.platform,
        a.account_id,
        m.date,
        count(*) as mentions,
        sum(m.author_followers)::bigint as potential_reach
    from core.mention as m
    inner join core.account as a
        on m.platform = a.platform and lower(m.brand) = lower(a.brand)
    where m.date >= model.refresh_from()
    group by a.platform, a.account_id, m.date
),

mention_days as (
    select
        a.platform,
        a.account_id,
        p.date,
        p.tracked_mentions,
        coalesce(b.mentions, 0) as mentions,
        b.potential_reach
    from core.account as a
    inner join platform_mentions as p on a.platform = p.platform
    left join brand_mentions as b
        on a.platform = b.platform and a.account_id = b.account_id and p.date = b.date
    where a.brand is not null
),

joined as (
    select
        coalesce(p.date, d.date, m.date) as date,
        coalesce(p.platform, d.platform, m.platform) as platform,
        coalesce(p.account_id, d.account_id, m.account_id) as account_id,
        coalesce(a.is_own, true) as is_own,
        coalesce(p.posts, 0) as posts,
        coalesce(d.impressions, p.post_impressions) as impressions,
        d.reach,
        p.post_impressions,
        p.post_reach,
        p.reactions,
        p.comments,
        p.shares,
        p.saves,
        p.clicks,
        p.link_clicks,
        p.video_views,
        p.engagements,
        p.engagements_with_reach,
        p.post_reach_with_engagements,
        p.engagements_with_impressions,
        p.post_impressions_with_engagements,
        p.link_clicks_with_impressions,
        p.post_impressions_with_link_clicks,
        coalesce(p.posts_with_engagements, 0) as posts_with_engagements,
        coalesce(p.posts_with_reactions, 0) as posts_with_reactions,
        coalesce(p.posts_with_comments, 0) as posts_with_comments,
        coalesce(p.posts_with_shares, 0) as posts_with_shares,
        coalesce(p.posts_with_clicks, 0) as posts_with_clicks,
        d.followers_total,
        d.followers_gained,
        d.followers_lost,
        d.profile_visits,
        d.website_clicks,
        m.mentions,
        m.tracked_mentions,
        m.potential_reach,
        model.conversations(p.comments, m.mentions) as conversations,
        t.sessions,
        t.sessions_with_engaged,
        t.engaged_sessions_with_sessions,
        t.sessions_with_bounces,
        t.bounces_with_sessions
    -- Every account-day of the three sources, each unique by its key: full joins give each one
    -- row with its post, account and mention values (not a union of their keys joined back).
    from post_days as p
    full join account_days as d
        on p.platform = d.platform and p.account_id = d.account_id and p.date = d.date
    full join mention_days as m
        on coalesce(p.platform, d.platform) = m.platform
        and coalesce(p.account_id, d.account_id) = m.account_id
        and coalesce(p.date, d.date) = m.date
    left join core.account as a
        on coalesce(p.platform, d.platform, m.platform) = a.platform
        and coalesce(p.account_id, d.account_id, m.account_id) = a.account_id
    left join model.int_web_daily as t
        on coalesce(p.platform, d.platform, m.platform) = t.platform
        and coalesce(p.date, d.date, m.date) = t.date
        and coalesce(a.is_own, true)
),

previous_days as (
    -- The day before by a join rather than a window, so a build of recent dates (flows/increment)
    -- reads only those dates and the day before them, not every account day of the history.
    select platform, account_id, date, followers_total
    from core.account_daily
    where date + 1 >= model.refresh_from()
),

final as (
    -- Every row looks up the day before, one join for both uses: the change of followers_total
    -- where gains and losses are not given, and the start of the day (a day with posts or
    -- mentions but no account row still starts from the previous day's total).
    select
        f.*,
        case
            when f.followers_gained is not null or f.followers_lost is not null
                then coalesce(f.followers_gained, 0) - coalesce(f.followers_lost, 0)
            else f.followers_total - prev.followers_total
        end as net_follower_growth,
        prev.followers_total as followers_before
    from joined as f
    left join previous_days as prev
        on f.platform = prev.platform
        and f.account_id = prev.account_id
        and prev.date = f.date - 1
)

select
    date, platform, account_id, is_own, posts, impressions, reach, post_impressions, post_reach,
    reactions, comments, shares, saves, clicks, link_clicks, video_views, engagements,
    engagements_with_reach, post_reach_with_engagements, engagements_with_impressions,
    post_impressions_with_engagements, link_clicks_with_impressions,
    post_impressions_with_link_clicks, posts_with_engagements, posts_with_reactions,
    posts_with_comments, posts_with_shares, posts_with_clicks, followers_total,
    coalesce(followers_before, followers_total - net_follower_growth) as followers_start,
    net_follower_growth, profile_visits, website_clicks, mentions, tracked_mentions,
    potential_reach, conversations, sessions, sessions_with_engaged,
    engaged_sessions_with_sessions, sessions_with_bounces, bounces_with_sessions
from final
