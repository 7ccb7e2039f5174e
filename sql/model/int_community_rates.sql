-- model: int_community_rates
-- grain: Each row is one account on one platform in one period of one grain, with every community metric computed once from the period's base measures (METRICS.md, community).
-- column grain: day, week or month.
-- column period_start: First date of the period.
-- column period_end: Last date of the period.
-- column platform: Platform code.
-- column account_id: Account id.
-- column is_own: False for competitor accounts.
-- column posts: Posts published in the period.
-- column followers_total: Followers at the end of the period.
-- column net_follower_growth: Net follower growth in the period.
-- column audience_growth_rate: net_follower_growth / followers at the start of the period.
-- column engagements: reactions + comments + shares + saves of the period's posts.
-- column post_reach: Summed reach of the period's posts.
-- column post_impressions: Summed impressions of the period's posts.
-- column engagement_rate: engagements / post_reach.
-- column engagement_rate_impressions: engagements / post_impressions.
-- column engagement_rate_followers: engagements / posts / followers_total.
-- column reactions: Reactions of the period's posts.
-- column comments: Comments of the period's posts.
-- column shares: Shares of the period's posts.
-- column saves: Saves of the period's posts.
-- column amplification_rate: shares / posts / followers_total.
-- column applause_rate: reactions / posts / followers_total.
-- column conversation_rate: comments / posts / followers_total.
-- column clicks: Clicks on the period's posts.
-- column clicks_per_post: clicks / posts.
-- column sessions: Web sessions from the platform.
-- column bounce_rate: GA4: 1 - engaged_sessions / sessions; where only bounces are known: bounces / sessions.
-- column mentions: Mentions of the account's brand on the platform.
-- column conversations: comments + mentions.
-- column comment_score: comments / posts (average comments per post).
create or replace view model.int_community_rates as
with periods as (
    select * from model.int_community_periods
),

final as (
    select
        grain,
        period_start,
        period_end,
        platform,
        account_id,
        is_own,
        posts,
        followers_total,
        net_follower_growth,
        net_follower_growth / nullif(followers_start, 0) as audience_growth_rate,
        engagements,
        post_reach,
        post_impressions,
        engagements / nullif(post_reach, 0) as engagement_rate,
        engagements / nullif(post_impressions, 0) as engagement_rate_impressions,
        engagements / nullif(posts, 0) / nullif(followers_total, 0) as engagement_rate_followers,
        reactions,
        comments,
        shares,
        saves,
        shares / nullif(posts, 0) / nullif(followers_total, 0) as amplification_rate,
        reactions / nullif(posts, 0) / nullif(followers_total, 0) as applause_rate,
        comments / nullif(posts, 0) / nullif(followers_total, 0) as conversation_rate,
        clicks,
        clicks / nullif(posts, 0) as clicks_per_post,
        sessions,
        case
            when engaged_sessions is not null then 1 - engaged_sessions / nullif(sessions, 0)
            when bounces is not null then bounces / nullif(sessions, 0)
        end as bounce_rate,
        mentions,
        conversations,
        comments / nullif(posts, 0) as comment_score
    from periods
)

select
    grain, period_start, period_end, platform, account_id, is_own, posts, followers_total,
    net_follower_growth, audience_growth_rate, engagements, post_reach, post_impressions,
    engagement_rate, engagement_rate_impressions, engagement_rate_followers, reactions, comments,
    shares, saves, amplification_rate, applause_rate, conversation_rate, clicks, clicks_per_post,
    sessions, bounce_rate, mentions, conversations, comment_score
from final
