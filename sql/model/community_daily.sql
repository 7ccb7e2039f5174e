-- model: community_daily
-- grain: Each row is one account on one platform on one local date; rates are computed from the period's summed base measures by the macros in sql/formulas.sql, never averaged from daily rates (METRICS.md, community).
-- refresh: date
-- materialize: metrics.community_daily
-- column date: Local calendar date.
-- column platform: Platform code.
-- column account_id: Account id.
-- column is_own: False for competitor accounts (they count in share of voice, never in own totals).
-- column posts: Posts published in the period.
-- column followers_total: Followers at the end of the period.
-- column net_follower_growth: Net follower growth in the period.
-- column audience_growth_rate: net_follower_growth / followers at the start of the period, over the accounts that have both.
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
-- column mentions: Mentions of the brand on the platform (0 when only other tracked brands were mentioned).
-- column conversations: comments + mentions.
-- column comment_score: comments / posts, over the posts that report comments (average comments per post).
create or replace view model.community_daily as
with final as (
    select period_start as date, *
    from model.int_account_metrics
    where level = 'account' and grain = 'day'
)

select
    date, platform, account_id, is_own, posts, followers_total, net_follower_growth,
    audience_growth_rate, engagements, post_reach, post_impressions, engagement_rate,
    engagement_rate_impressions, engagement_rate_followers, reactions, comments, shares, saves,
    amplification_rate, applause_rate, conversation_rate, clicks, clicks_per_post, sessions,
    bounce_rate, mentions, conversations, comment_score
from final
