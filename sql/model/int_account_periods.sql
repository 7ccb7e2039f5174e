-- model: int_account_periods
-- grain: Each row is one account on one platform in one period of one grain (day, ISO week from Monday, calendar month, quarter, year), with the period's summed base measures and its stocks (last value).
-- keep: view
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
-- A day is its int_base_daily row, unique by date, platform and account (every date of it is in
-- the calendar): read from there rather than written a second time; the longer periods are
-- int_account_rollups'. DuckDB pushes a reader's grain or date condition into both branches.
select
    'day' as grain, date as period_start, date as period_end, platform, account_id, is_own, posts,
    impressions, reach, post_impressions, post_reach, reactions, comments, shares, saves, clicks,
    video_views, engagements, engagements_with_reach, post_reach_with_engagements,
    engagements_with_impressions, post_impressions_with_engagements, posts_with_engagements,
    posts_with_reactions, posts_with_comments, posts_with_shares, posts_with_clicks,
    followers_total, followers_start, net_follower_growth, mentions, tracked_mentions,
    potential_reach, conversations, sessions, sessions_with_engaged,
    engaged_sessions_with_sessions, sessions_with_bounces, bounces_with_sessions
from model.int_base_daily
union all by name
select * from model.int_account_rollups
