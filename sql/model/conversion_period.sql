-- model: conversion_period
-- grain: Each row is one ads campaign in one currency over one reporting range of an aggregated export (core.ad_period), never split into days; the same metrics as conversion_daily, computed by the macros in sql/formulas.sql (METRICS.md, conversion).
-- materialize: metrics.conversion_period
-- column platform: Ads platform code: meta, google, tiktok, linkedin, x.
-- column ad_account_id: Ad account id.
-- column campaign_id: Campaign id.
-- column currency: ISO 4217 currency of spend, conversion_value, cpc, cpm and cost_per_conversion (part of the key: money is never mixed).
-- column date_start: First date of the reporting range (inclusive).
-- column date_end: Last date of the reporting range (inclusive).
-- column campaign_name: Campaign name.
-- column spend: Amount spent over the range, in currency.
-- column impressions: Impressions over the range.
-- column reach: People reached over the range as the platform states it (the campaign-level row's, or the only ad's); NULL when ad rows would have to be summed.
-- column clicks: Link clicks where the platform distinguishes them, else all clicks.
-- column conversions: Conversions over the range.
-- column conversion_value: Value of the conversions, in currency.
-- column cpc: spend / clicks, over the ad rows that report both.
-- column cpm: spend / impressions * 1000, over the ad rows that report both.
-- column ctr: clicks / impressions, over the ad rows that report both.
-- column conversion_rate: conversions / clicks, over the ad rows that report both.
-- column cost_per_conversion: spend / conversions, over the ad rows that report both.
-- column roas: conversion_value / spend, over the ad rows that report both.
-- column bounce_rate: Bounce rate over the range of web sessions from the social platforms the ads platform serves (context).
-- column conversations: Own comments + own-brand mentions on those platforms over the range (context).
-- column social_conversations: Own-brand mentions on those platforms over the range (context).
create or replace view model.conversion_period as
with ranges as (
    select distinct platform, date_start, date_end
    from model.int_ad_period
),

context as (
    select
        r.platform,
        r.date_start,
        r.date_end,
        sum(d.sessions_with_engaged)::bigint as sessions_with_engaged,
        sum(d.engaged_sessions_with_sessions)::bigint as engaged_sessions_with_sessions,
        sum(d.sessions_with_bounces)::bigint as sessions_with_bounces,
        sum(d.bounces_with_sessions)::bigint as bounces_with_sessions,
        sum(d.mentions)::bigint as mentions,
        sum(d.conversations)::bigint as conversations
    from ranges as r
    inner join model.int_ad_platform_map as m on r.platform = m.ad_platform
    inner join model.int_platform_daily as d
        on m.platform = d.platform and d.date between r.date_start and r.date_end
    group by r.platform, r.date_start, r.date_end
),

final as (
    select
        p.platform,
        p.ad_account_id,
        p.campaign_id,
        p.currency,
        p.date_start,
        p.date_end,
        p.campaign_name,
        p.spend,
        p.impressions,
        p.reach,
        p.clicks,
        p.conversions,
        p.conversion_value,
        model.cpc(p.spend_with_clicks, p.clicks_with_spend) as cpc,
        model.cpm(p.spend_with_impressions, p.impressions_with_spend) as cpm,
        model.ad_ctr(p.clicks_with_impressions, p.impressions_with_clicks) as ctr,
        model.conversion_rate(p.conversions_with_clicks, p.clicks_with_conversions)
            as conversion_rate,
        model.cost_per_conversion(p.spend_with_conversions, p.conversions_with_spend)
            as cost_per_conversion,
        model.roas(p.conversion_value_with_spend, p.spend_with_conversion_value) as roas,
        model.bounce_rate(
            x.sessions_with_engaged,
            x.engaged_sessions_with_sessions,
            x.sessions_with_bounces,
            x.bounces_with_sessions
        ) as bounce_rate,
        x.conversations,
        x.mentions as social_conversations
    from model.int_ad_period as p
    left join context as x
        on p.platform = x.platform and p.date_start = x.date_start and p.date_end = x.date_end
)

select
    platform, ad_account_id, campaign_id, currency, date_start, date_end, campaign_name, spend,
    impressions, reach, clicks, conversions, conversion_value, cpc, cpm, ctr, conversion_rate,
    cost_per_conversion, roas, bounce_rate, conversations, social_conversations
from final
