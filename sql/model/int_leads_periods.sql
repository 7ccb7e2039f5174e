-- model: int_leads_periods
-- grain: Each row is one leads scope in one period of one grain (day, week, month, quarter, year): a campaign on an ads platform, an ads platform or all platforms (the report's totals and the scorecard's scopes). Campaigns join ads (campaign name) and web sessions (utm campaign) of the social platforms the ads platform serves; money is summed only within one currency.
-- refresh: period_end
-- column level: campaign, platform or all.
-- column scope: NULL for campaigns; the ads platform code, or 'all'.
-- column grain: day, week, month, quarter or year.
-- column period_start: First date of the period.
-- column period_end: Last date of the period.
-- column platform: Ads platform code (web traffic mapped: facebook and instagram are meta, youtube is google); NULL for all platforms.
-- column campaign: Ads campaign name (campaign id where the export gives no name) or web utm campaign; NULL above campaign level.
-- column currency: Currency of spend; NULL when none or several (spend is then NULL).
-- column spend: Ad spend, in currency.
-- column clicks: Ad link clicks (all clicks where the platform does not distinguish them).
-- column ad_leads: Ad leads.
-- column web_leads: Web lead key events of sessions from the mapped platforms with this utm campaign.
-- column sessions: Web sessions from the mapped platforms with this utm campaign.
-- column conversions: Ad conversions.
-- column spend_with_ad_leads: Spend of the ad rows with leads (cost_per_lead numerator); NULL where the scope spends in several currencies.
-- column ad_leads_with_spend: Ad leads of the ad rows with spend (cost_per_lead denominator).
-- column leads_with_clicks: Leads (ad + web) of the campaigns with ad clicks in the period (lead_rate numerator).
-- column clicks_with_leads: Ad clicks of the campaigns with leads (ad or web) in the period (lead_rate denominator).
-- column conversations: Own comments + own-brand mentions on the mapped platforms (context; the same for every campaign of the platform).
create or replace view model.int_leads_periods as
with source_rows as (
    select
        date,
        platform,
        coalesce(campaign_name, campaign_id) as campaign,
        currency,
        spend,
        clicks,
        leads as ad_leads,
        null::double as web_leads,
        null::bigint as sessions,
        conversions,
        spend_with_leads as spend_with_ad_leads,
        leads_with_spend as ad_leads_with_spend
    from model.int_ad_daily
    union all
    select
        w.date,
        m.ad_platform as platform,
        w.campaign,
        null as currency,
        null as spend,
        null as clicks,
        null as ad_leads,
        w.leads as web_leads,
        w.sessions,
        null as conversions,
        null as spend_with_ad_leads,
        null as ad_leads_with_spend
    from core.web_traffic_daily as w
    inner join model.int_ad_platform_map as m on w.platform = m.platform
),

expanded as (
    select
        c.grain,
        c.period_start,
        c.period_end,
        s.*
    from source_rows as s
    inner join model.int_calendar as c on s.date = c.date
),

aggregated as (
    select
        case
            when grouping(campaign) = 0 then 'campaign'
            when grouping(platform) = 0 then 'platform'
            else 'all'
        end as level,
        grain,
        period_start,
        period_end,
        platform,
        campaign,
        model.money_currency(currency, spend) as currency,
        model.money_sum(spend, currency) as spend,
        sum(clicks)::bigint as clicks,
        sum(ad_leads::decimal(38, 12))::double as ad_leads,
        sum(web_leads::decimal(38, 12))::double as web_leads,
        sum(sessions)::bigint as sessions,
        sum(conversions::decimal(38, 12))::double as conversions,
        case
            when model.money_sum(spend, currency) is not null
                then sum(spend_with_ad_leads::decimal(38, 12))::double
        end as spend_with_ad_leads,
        sum(ad_leads_with_spend::decimal(38, 12))::double as ad_leads_with_spend
    from expanded
    group by grouping sets (
        (grain, period_start, period_end, platform, campaign),
        (grain, period_start, period_end, platform),
        (grain, period_start, period_end)
    )
),

campaign_leads as (
    select
        grain,
        period_start,
        platform,
        campaign,
        model.total_leads(ad_leads, web_leads) as leads,
        clicks
    from aggregated
    where level = 'campaign'
),

-- Web leads belong to a campaign, not to an ad row: lead_rate pairs leads and clicks per campaign.
lead_pairs as (
    select
        case
            when grouping(campaign) = 0 then 'campaign'
            when grouping(platform) = 0 then 'platform'
            else 'all'
        end as level,
        grain,
        period_start,
        platform,
        campaign,
        (sum(leads::decimal(38, 12)) filter (where clicks is not null))::double
            as leads_with_clicks,
        sum(clicks) filter (where leads is not null)::bigint as clicks_with_leads
    from campaign_leads
    group by grouping sets (
        (grain, period_start, platform, campaign),
        (grain, period_start, platform),
        (grain, period_start)
    )
),

final as (
    select
        a.*,
        case a.level when 'platform' then a.platform when 'all' then 'all' end as scope,
        l.leads_with_clicks,
        l.clicks_with_leads,
        x.conversations
    from aggregated as a
    left join lead_pairs as l
        on a.level = l.level
        and a.grain = l.grain
        and a.period_start = l.period_start
        and a.platform is not distinct from l.platform
        and a.campaign is not distinct from l.campaign
    left join model.int_ad_context_periods as x
        on a.grain = x.grain
        and a.period_start = x.period_start
        and x.level = case when a.level = 'all' then 'all' else 'platform' end
        and a.platform is not distinct from x.platform
)

select
    level, scope, grain, period_start, period_end, platform, campaign, currency, spend, clicks,
    ad_leads, web_leads, sessions, conversions, spend_with_ad_leads, ad_leads_with_spend,
    leads_with_clicks, clicks_with_leads, conversations
from final
