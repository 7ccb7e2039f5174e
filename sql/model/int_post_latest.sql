-- model: int_post_latest
-- grain: Each row is one post with its latest lifetime snapshot (never a sum of snapshots); a post with no snapshot but daily activity (core.post_daily) takes the sum of its days.
-- column platform: Platform code.
-- column post_id: Post id.
-- column account_id: Account that published the post.
-- column published_date: Local publish date: published_at in the account's timezone, else core.post.published_date; post-based metrics belong to it.
-- column content_type: Canonical content type, NULL where the export does not say.
-- column campaign: Campaign label of the post, where the export gives one.
-- column as_of_date: Date of the snapshot used (the latest one), or the last date of daily activity.
-- column measured_by: snapshot (the latest lifetime snapshot) or daily (the sum of core.post_daily, for a post with no snapshot).
-- column impressions: Impressions; for Meta posts exported after the 2025 switch, views (see DECISIONLOG).
-- column reach: Lifetime reach of the post (NULL for posts known only from daily activity).
-- column reactions: Reactions (likes).
-- column comments: Comments.
-- column shares: Shares.
-- column saves: Saves.
-- column clicks: All clicks on the post.
-- column link_clicks: Link clicks.
-- column video_views: Video views.
-- column engaged_views: YouTube Engaged views (the old definition of a view); NULL for other platforms and where the export has none.
-- column engagements: reactions + comments + shares + saves (NULL only when all four are NULL).
create or replace view model.int_post_latest as
with snapshots as materialized (
    -- One pass over the snapshots: each measure of the row holding the post's latest date
    -- (dates are unique per post, and arg_max_null keeps that row's NULLs).
    select
        platform,
        post_id,
        max(as_of_date) as as_of_date,
        'snapshot' as measured_by,
        arg_max_null(coalesce(impressions, views), as_of_date) as impressions,
        arg_max_null(reach, as_of_date) as reach,
        arg_max_null(reactions, as_of_date) as reactions,
        arg_max_null(comments, as_of_date) as comments,
        arg_max_null(shares, as_of_date) as shares,
        arg_max_null(saves, as_of_date) as saves,
        arg_max_null(clicks, as_of_date) as clicks,
        arg_max_null(link_clicks, as_of_date) as link_clicks,
        arg_max_null(video_views, as_of_date) as video_views,
        arg_max_null(engaged_views, as_of_date) as engaged_views
    from core.post_metrics
    group by platform, post_id
),

daily_totals as (
    select
        d.platform,
        d.post_id,
        max(d.date) as as_of_date,
        'daily' as measured_by,
        coalesce(sum(d.impressions), sum(d.views))::bigint as impressions,
        null::bigint as reach,
        sum(d.reactions)::bigint as reactions,
        sum(d.comments)::bigint as comments,
        sum(d.shares)::bigint as shares,
        null::bigint as saves,
        sum(d.clicks)::bigint as clicks,
        null::bigint as link_clicks,
        sum(d.video_views)::bigint as video_views,
        sum(d.engaged_views)::bigint as engaged_views
    from core.post_daily as d
    anti join snapshots as l on d.platform = l.platform and d.post_id = l.post_id
    group by d.platform, d.post_id
),

measures as (
    select * from snapshots
    union all by name
    select * from daily_totals
),

final as (
    select
        p.platform,
        p.post_id,
        p.account_id,
        coalesce(timezone(a.timezone, p.published_at)::date, p.published_date) as published_date,
        p.content_type,
        p.campaign,
        m.as_of_date,
        m.measured_by,
        m.impressions,
        m.reach,
        m.reactions,
        m.comments,
        m.shares,
        m.saves,
        m.clicks,
        m.link_clicks,
        m.video_views,
        m.engaged_views,
        model.engagements(m.reactions, m.comments, m.shares, m.saves) as engagements
    from core.post as p
    inner join measures as m on p.platform = m.platform and p.post_id = m.post_id
    left join core.account as a on p.platform = a.platform and p.account_id = a.account_id
)

select
    platform, post_id, account_id, published_date, content_type, campaign, as_of_date, measured_by,
    impressions, reach, reactions, comments, shares, saves, clicks, link_clicks, video_views,
    engaged_views, engagements
from final
