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
with snapshots as (
    -- The row holding each post's latest date (dates are unique per post). DuckDB plans this
    -- filter as a narrow aggregate (each post's latest row id) and fetches only those rows, which
    -- costs less than carrying every measure through the group by (DECISIONLOG 2026-12-07).
    select
        platform,
        post_id,
        as_of_date,
        'snapshot' as measured_by,
        coalesce(impressions, views) as impressions,
        reach,
        reactions,
        comments,
        shares,
        saves,
        clicks,
        link_clicks,
        video_views,
        engaged_views
    from core.post_metrics
    qualify row_number() over (partition by platform, post_id order by as_of_date desc) = 1
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
    -- Posts without a snapshot, found in core.post_metrics rather than in `snapshots`, which is
    -- then read once and not kept whole in memory for this join.
    anti join core.post_metrics as l on d.platform = l.platform and d.post_id = l.post_id
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
