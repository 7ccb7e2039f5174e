-- Incremental refresh of model.int_post_latest (flows/build/increment.py runs it; the view in
-- int_post_latest.sql stays the definition, and tests/test_increment.py holds both to the same rows).
--
-- Input: the temp table refresh_posts (platform, post_id): every post a load after the last build
-- wrote a core.post, core.post_metrics or core.post_daily row for; getvariable('kunci_after_load'):
-- that build's last load. Snapshots are only ever inserted or rewritten, never deleted, so a post's
-- latest snapshot is either the one the last build kept or one written since (on equal dates the
-- one written since: it is the same snapshot, rewritten). Only the snapshots written since are
-- read (their load_id keeps them together at the end of core.post_metrics), not the whole history.
create or replace temp table refreshed_post_latest as
with candidates as (
    select
        platform,
        post_id,
        as_of_date,
        1 as written_since,
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
    where load_id > getvariable('kunci_after_load')
    union all by name
    select
        0 as written_since,
        * exclude (account_id, published_date, content_type, campaign, measured_by, engagements)
    from model.int_post_latest
    semi join refresh_posts using (platform, post_id)
    where measured_by = 'snapshot'
),

snapshots as (
    select * exclude (written_since), 'snapshot' as measured_by
    from candidates
    qualify row_number() over (
        partition by platform, post_id order by as_of_date desc, written_since desc
    ) = 1
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
    semi join refresh_posts as r on d.platform = r.platform and d.post_id = r.post_id
    anti join snapshots as s on d.platform = s.platform and d.post_id = s.post_id
    group by d.platform, d.post_id
),

measures as (
    select * from snapshots
    union all by name
    select * from daily_totals
)

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
semi join refresh_posts as r on p.platform = r.platform and p.post_id = r.post_id
inner join measures as m on p.platform = m.platform and p.post_id = m.post_id
left join core.account as a on p.platform = a.platform and p.account_id = a.account_id;

delete from model.int_post_latest as l
using refresh_posts as r
where l.platform = r.platform and l.post_id = r.post_id;

insert into model.int_post_latest by name
select * from refreshed_post_latest;

drop table refreshed_post_latest;
