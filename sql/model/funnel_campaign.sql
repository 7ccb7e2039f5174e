-- model: funnel_campaign
-- grain: Each row is one campaign on one ads platform over its whole life: reach -> engagements -> clicks -> sessions -> leads -> conversions, each step with its rate to the previous step (METRICS.md, leads). Ads data comes from the daily tables where the campaign has any, else from aggregated exports; web sessions and leads match the campaign name as utm campaign; engagements come from own posts labelled with the campaign.
-- materialize: metrics.funnel_campaign
-- column platform: Ads platform code (posts and web traffic mapped: facebook and instagram are meta, youtube is google).
-- column campaign: Ads campaign name (campaign id where the export gives no name), utm campaign, or post campaign label.
-- column first_date: First date with data for the campaign.
-- column last_date: Last date with data for the campaign.
-- column currency: Currency of spend; NULL when none or several (spend is then NULL).
-- column spend: Ad spend, in currency.
-- column impressions: Ad impressions.
-- column reach: People reached by the ads as the platform states it for the whole campaign (one campaign-level row covering it); NULL where only daily or partial reach exists (reach is never summed).
-- column engagements: Engagements of own posts labelled with the campaign (latest snapshots).
-- column clicks: Ad link clicks (all clicks where the platform does not distinguish them).
-- column sessions: Web sessions from the mapped platforms with the campaign as utm campaign.
-- column leads: Ad leads + web leads.
-- column conversions: Ad conversions.
-- column engagements_step_rate: engagements / reach.
-- column clicks_step_rate: clicks / engagements.
-- column sessions_step_rate: sessions / clicks.
-- column leads_step_rate: leads / sessions.
-- column conversions_step_rate: conversions / leads.
create or replace view model.funnel_campaign as
with daily_ads as (
    select
        platform,
        coalesce(campaign_name, campaign_id) as campaign,
        date as date_start,
        date as date_end,
        currency,
        spend,
        impressions,
        reach,
        clicks,
        leads,
        conversions
    from model.int_ad_daily
),

period_ads as (
    select
        p.platform,
        coalesce(p.campaign_name, p.campaign_id) as campaign,
        p.date_start,
        p.date_end,
        p.currency,
        p.spend,
        p.impressions,
        p.reach,
        p.clicks,
        p.leads,
        p.conversions
    from model.int_ad_period as p
    anti join daily_ads as d
        on p.platform = d.platform and coalesce(p.campaign_name, p.campaign_id) = d.campaign
),

ads as (
    select
        platform,
        campaign,
        min(date_start) as first_date,
        max(date_end) as last_date,
        model.money_currency(currency, spend) as currency,
        model.money_sum(spend, currency) as spend,
        sum(impressions)::bigint as impressions,
        case when count(*) = 1 then max(reach) end as reach,
        sum(clicks)::bigint as clicks,
        sum(leads::decimal(38, 12))::double as ad_leads,
        sum(conversions::decimal(38, 12))::double as conversions
    from (
        select * from daily_ads
        union all by name
        select * from period_ads
    ) as ad_rows
    group by platform, campaign
),

web as (
    select
        m.ad_platform as platform,
        w.campaign,
        min(w.date) as first_date,
        max(w.date) as last_date,
        sum(w.sessions)::bigint as sessions,
        sum(w.leads::decimal(38, 12))::double as web_leads
    from core.web_traffic_daily as w
    inner join model.int_ad_platform_map as m on w.platform = m.platform
    group by m.ad_platform, w.campaign
),

posts as (
    select
        m.ad_platform as platform,
        p.campaign,
        min(p.published_date) as first_date,
        max(p.published_date) as last_date,
        sum(p.engagements)::bigint as engagements
    from model.int_post_latest as p
    inner join model.int_ad_platform_map as m on p.platform = m.platform
    inner join core.account as a
        on p.platform = a.platform and p.account_id = a.account_id and a.is_own
    where p.campaign is not null
    group by m.ad_platform, p.campaign
),

spine as (
    select platform, campaign from ads
    union
    select platform, campaign from web
    union
    select platform, campaign from posts
),

joined as (
    select
        s.platform,
        s.campaign,
        least(a.first_date, w.first_date, p.first_date) as first_date,
        greatest(a.last_date, w.last_date, p.last_date) as last_date,
        a.currency,
        a.spend,
        a.impressions,
        a.reach,
        p.engagements,
        a.clicks,
        w.sessions,
        model.total_leads(a.ad_leads, w.web_leads) as leads,
        a.conversions
    from spine as s
    left join ads as a on s.platform = a.platform and s.campaign = a.campaign
    left join web as w on s.platform = w.platform and s.campaign = w.campaign
    left join posts as p on s.platform = p.platform and s.campaign = p.campaign
),

final as (
    select
        platform,
        campaign,
        first_date,
        last_date,
        currency,
        spend,
        impressions,
        reach,
        engagements,
        clicks,
        sessions,
        leads,
        conversions,
        model.step_rate(engagements, reach) as engagements_step_rate,
        model.step_rate(clicks, engagements) as clicks_step_rate,
        model.step_rate(sessions, clicks) as sessions_step_rate,
        model.step_rate(leads, sessions) as leads_step_rate,
        model.step_rate(conversions, leads) as conversions_step_rate
    from joined
)

select
    platform, campaign, first_date, last_date, currency, spend, impressions, reach, engagements,
    clicks, sessions, leads, conversions, engagements_step_rate, clicks_step_rate,
    sessions_step_rate, leads_step_rate, conversions_step_rate
from final
