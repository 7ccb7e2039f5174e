-- model: int_post_latest
-- grain: Each row is one post with its latest lifetime snapshot (never a sum of snapshots).
-- column platform: Platform code.
-- column post_id: Post id.
-- column account_id: Account that published the post.
-- column published_date: Local publish date; post-based metrics belong to it.
-- column content_type: Canonical content type, NULL where the export does not say.
-- column as_of_date: Date of the snapshot used (the latest one).
-- column impressions: Impressions; for Meta posts exported after the 2025 switch, views (see DECISIONLOG).
-- column reach: Lifetime reach of the post.
-- column reactions: Reactions (likes).
-- column comments: Comments.
-- column shares: Shares.
-- column saves: Saves.
-- column clicks: All clicks on the post.
-- column link_clicks: Link clicks.
-- column video_views: Video views.
create or replace view model.int_post_latest as
with latest as (
    select
        platform,
        post_id,
        max(as_of_date) as as_of_date
    from core.post_metrics
    group by platform, post_id
),

final as (
    select
        p.platform,
        p.post_id,
        p.account_id,
        p.published_date,
        p.content_type,
        m.as_of_date,
        coalesce(m.impressions, m.views) as impressions,
        m.reach,
        m.reactions,
        m.comments,
        m.shares,
        m.saves,
        m.clicks,
        m.link_clicks,
        m.video_views
    from core.post as p
    inner join latest as l
        on p.platform = l.platform and p.post_id = l.post_id
    inner join core.post_metrics as m
        on m.platform = l.platform and m.post_id = l.post_id and m.as_of_date = l.as_of_date
)

select
    platform, post_id, account_id, published_date, content_type, as_of_date, impressions, reach,
    reactions, comments, shares, saves, clicks, link_clicks, video_views
from final
