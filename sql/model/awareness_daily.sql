-- model: awareness_daily
-- grain: Each row is one account on one platform on one local date; rates are computed from the period's summed base measures by the macros in sql/formulas.sql, never averaged from daily rates (METRICS.md, awareness).
-- refresh: date
-- materialize: metrics.awareness_daily
-- column date: Local calendar date.
-- column platform: Platform code.
-- column account_id: Account id.
-- column is_own: False for competitor accounts (they count in share of voice, never in own totals).
-- column impressions: Impressions (account-level where given, else post impressions).
-- column reach: Account-level daily reach; NULL for weeks and months (daily reach is never summed).
-- column video_views: Video views of the period's posts.
-- column followers_total: Followers at the end of the period.
-- column net_follower_growth: Net follower growth in the period.
-- column audience_growth_rate: net_follower_growth / followers at the start of the period, over the accounts that have both.
-- column mentions: Mentions of the brand on the platform (0 when only other tracked brands were mentioned).
-- column tracked_mentions: Mentions of every tracked brand (own and competitors) on the platform: the share_of_voice denominator.
-- column potential_reach: Sum of author followers over the brand's mentions.
-- column share_of_voice: mentions / tracked_mentions.
create or replace view model.awareness_daily as
with final as (
    select period_start as date, *
    from model.int_account_metrics
    where level = 'account' and grain = 'day'
)

select
    date, platform, account_id, is_own, impressions, reach, video_views, followers_total,
    net_follower_growth, audience_growth_rate, mentions, tracked_mentions, potential_reach,
    share_of_voice
from final
