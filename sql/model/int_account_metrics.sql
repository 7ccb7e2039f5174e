-- model: int_account_metrics
-- grain: Each row is one scope in one period of one grain (day, week, month, quarter, year): an account, or own accounts of one platform or of all platforms (the report's totals and the scorecard's scopes), with every awareness and community metric computed once from the period's base measures by the macros in sql/formulas.sql.
-- keep: view
-- column level: account, platform or all.
-- column scope: platform:account_id for an account, the platform code, or 'all'.
-- column grain: day, week, month, quarter or year.
-- column period_start: First date of the period.
-- column period_end: Last date of the period.
-- column platform: Platform code; NULL for all platforms.
-- column account_id: Account id; NULL above account level.
-- column is_own: False for competitor accounts; true for platform and all rows (own accounts only).
-- column posts: Posts published in the period.
-- column impressions: Impressions (account-level where given, else post impressions).
-- column reach: Account-level reach for a day; NULL for longer periods and above account level (reach is never summed).
-- column video_views: Video views of the period's posts.
-- column followers_total: Followers at the end of the period.
-- column net_follower_growth: Net follower growth in the period.
-- column audience_growth_rate: net_follower_growth / followers at the start of the period, over the accounts that have both.
-- column mentions: Mentions of the brand (own brands above account level).
-- column tracked_mentions: Mentions of every tracked brand (own and competitors) on the platform(s).
-- column potential_reach: Sum of author followers over the brand's mentions.
-- column share_of_voice: mentions / tracked_mentions.
-- column engagements: reactions + comments + shares + saves of the period's posts.
-- column post_reach: Summed reach of the period's posts.
-- column post_impressions: Summed impressions of the period's posts.
-- column engagement_rate: engagements / post_reach, over the posts that report both.
-- column engagement_rate_impressions: engagements / post_impressions, over the posts that report both.
-- column engagement_rate_followers: engagements / posts / followers_total, over the posts with engagements of accounts with followers_total.
-- column reactions: Reactions of the period's posts.
-- column comments: Comments of the period's posts.
-- column shares: Shares of the period's posts.
-- column saves: Saves of the period's posts.
-- column amplification_rate: shares / posts / followers_total, over the posts that report shares of accounts with followers_total.
-- column applause_rate: reactions / posts / followers_total, over the posts that report reactions of accounts with followers_total.
-- column conversation_rate: comments / posts / followers_total, over the posts that report comments of accounts with followers_total.
-- column clicks: Clicks on the period's posts.
-- column clicks_per_post: clicks / posts, over the posts that report clicks.
-- column sessions: Web sessions from the platform(s).
-- column bounce_rate: GA4: 1 - engaged_sessions / sessions; where only bounces are known: bounces / sessions; each over the web rows that report the measure.
-- column conversations: comments + mentions.
-- column comment_score: comments / posts, over the posts that report comments (average comments per post).
create or replace view model.int_account_metrics as
with account_measures as (
    -- Within one account the follower totals belong to every post of the period, so an account's
    -- own sums are its follower-paired sums.
    select
        'account' as level,
        platform || ':' || account_id as scope,
        *,
        net_follower_growth as net_follower_growth_with_followers,
        followers_start as followers_start_with_growth,
        engagements as engagements_with_followers,
        posts_with_engagements as posts_with_engagements_with_followers,
        followers_total as followers_with_engagements,
        reactions as reactions_with_followers,
        posts_with_reactions as posts_with_reactions_with_followers,
        followers_total as followers_with_reactions,
        comments as comments_with_followers,
        posts_with_comments as posts_with_comments_with_followers,
        followers_total as followers_with_comments,
        shares as shares_with_followers,
        posts_with_shares as posts_with_shares_with_followers,
        followers_total as followers_with_shares
    from model.int_account_periods
),

measures as (
    select * from account_measures
    union all by name
    -- Platform and all scopes (own accounts only) have no account_id and no reach (never summed):
    -- the union by name leaves both NULL.
    select *, true as is_own
    from model.int_platform_periods
),

final as (
    select
        level,
        scope,
        grain,
        period_start,
        period_end,
        platform,
        account_id,
        is_own,
        posts,
        impressions,
        reach,
        video_views,
        followers_total,
        net_follower_growth,
        model.audience_growth_rate(net_follower_growth_with_followers, followers_start_with_growth)
            as audience_growth_rate,
        mentions,
        tracked_mentions,
        potential_reach,
        model.share_of_voice(mentions, tracked_mentions) as share_of_voice,
        engagements,
        post_reach,
        post_impressions,
        model.engagement_rate(engagements_with_reach, post_reach_with_engagements)
            as engagement_rate,
        model.engagement_rate_impressions(
            engagements_with_impressions, post_impressions_with_engagements
        ) as engagement_rate_impressions,
        model.engagement_rate_followers(
            engagements_with_followers,
            posts_with_engagements_with_followers,
            followers_with_engagements
        ) as engagement_rate_followers,
        reactions,
        comments,
        shares,
        saves,
        model.amplification_rate(
            shares_with_followers, posts_with_shares_with_followers, followers_with_shares
        ) as amplification_rate,
        model.applause_rate(
            reactions_with_followers, posts_with_reactions_with_followers, followers_with_reactions
        ) as applause_rate,
        model.conversation_rate(
            comments_with_followers, posts_with_comments_with_followers, followers_with_comments
        ) as conversation_rate,
        clicks,
        model.clicks_per_post(clicks, posts_with_clicks) as clicks_per_post,
        sessions,
        model.bounce_rate(
            sessions_with_engaged,
            engaged_sessions_with_sessions,
            sessions_with_bounces,
            bounces_with_sessions
        ) as bounce_rate,
        conversations,
        model.comment_score(comments, posts_with_comments) as comment_score
    from measures
)

select
    level, scope, grain, period_start, period_end, platform, account_id, is_own, posts,
    impressions, reach, video_views, followers_total, net_follower_growth, audience_growth_rate,
    mentions, tracked_mentions, potential_reach, share_of_voice, engagements, post_reach,
    post_impressions, engagement_rate, engagement_rate_impressions, engagement_rate_followers,
    reactions, comments, shares, saves, amplification_rate, applause_rate, conversation_rate,
    clicks, clicks_per_post, sessions, bounce_rate, conversations, comment_score
from final
