-- model: insights_content
-- grain: Each row is one account's posts of one content type published in one calendar month (local dates), with their engagement (METRICS.md, insights: content preferences).
-- materialize: metrics.insights_content
-- refresh: month by month
-- column platform: Platform code.
-- column account_id: Account id.
-- column month: First day of the calendar month of publication (local dates).
-- column content_type: photo, video, reel, story, carousel, text, link, live or other; NULL where the export does not say.
-- column is_own: False for competitor accounts.
-- column posts: Posts of the type published in the month.
-- column engagements: reactions + comments + shares + saves of those posts (latest snapshots).
-- column post_reach: Reach summed over those posts (not unique people).
-- column engagement_rate: engagements / post_reach, over the posts that report both.
-- column share_of_engagements: engagements / the engagements of all the account's posts published in the month.
create or replace view model.insights_content as
with by_type as (
    select
        p.platform,
        p.account_id,
        c.period_start as month,
        p.content_type,
        count(*) as posts,
        sum(p.engagements)::bigint as engagements,
        sum(p.reach)::bigint as post_reach,
        sum(p.engagements) filter (where p.reach is not null)::bigint as engagements_with_reach,
        sum(p.reach) filter (where p.engagements is not null)::bigint
            as post_reach_with_engagements
    from model.int_post_latest as p
    inner join model.int_calendar as c on p.published_date = c.date and c.grain = 'month'
    where p.account_id is not null
    group by p.platform, p.account_id, c.period_start, p.content_type
),

final as (
    select
        t.platform,
        t.account_id,
        t.month,
        t.content_type,
        coalesce(a.is_own, true) as is_own,
        t.posts,
        t.engagements,
        t.post_reach,
        model.engagement_rate(t.engagements_with_reach, t.post_reach_with_engagements)
            as engagement_rate,
        model.share_of_total(
            t.engagements, sum(t.engagements) over (partition by t.platform, t.account_id, t.month)
        ) as share_of_engagements
    from by_type as t
    left join core.account as a on t.platform = a.platform and t.account_id = a.account_id
)

select
    platform, account_id, month, content_type, is_own, posts, engagements, post_reach,
    engagement_rate, share_of_engagements
from final
