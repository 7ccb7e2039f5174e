-- model: int_conversion_metrics
-- grain: Each row is one ads scope (campaign in one currency, ad account, ads platform or all platforms) in one period of one grain (day, week, month, quarter, year), with every conversion metric computed once from the period's base measures by the macros in sql/formulas.sql.
-- keep: view
-- column level: campaign, ad_account, platform or all.
-- column scope: NULL for campaigns; platform:ad_account_id, the ads platform code, or 'all'.
-- column grain: day, week, month, quarter or year.
-- column period_start: First date of the period.
-- column period_end: Last date of the period.
-- column platform: Ads platform code; NULL for all platforms.
-- column ad_account_id: Ad account id; NULL above ad account level.
-- column campaign_id: Campaign id; NULL above campaign level.
-- column campaign_name: Campaign name.
-- column currency: Currency of spend, conversion_value, cpc, cpm and cost_per_conversion; NULL when none or several.
-- column spend: Amount spent, in currency.
-- column impressions: Impressions.
-- column reach: People reached as the platform states it for the period; NULL where only daily reach exists for a longer period.
-- column clicks: Link clicks where the platform distinguishes them, else all clicks.
-- column conversions: Conversions.
-- column conversion_value: Value of the conversions, in currency.
-- column cpc: spend / clicks, over the ad rows that report both.
-- column cpm: spend / impressions * 1000, over the ad rows that report both.
-- column ctr: clicks / impressions, over the ad rows that report both.
-- column conversion_rate: conversions / clicks, over the ad rows that report both.
-- column cost_per_conversion: spend / conversions, over the ad rows that report both.
-- column roas: conversion_value / spend, over the ad rows that report both.
-- column bounce_rate: Bounce rate of web sessions from the social platforms the ads platform serves (context).
-- column conversations: Own comments + own-brand mentions on those platforms (context).
-- column social_conversations: Own-brand mentions on those platforms (context).
create or replace view model.int_conversion_metrics as
with final as (
    select
        level,
        scope,
        grain,
        period_start,
        period_end,
        platform,
        ad_account_id,
        campaign_id,
        campaign_name,
        currency,
        spend,
        impressions,
        reach,
        clicks,
        conversions,
        conversion_value,
        model.cpc(spend_with_clicks, clicks_with_spend) as cpc,
        model.cpm(spend_with_impressions, impressions_with_spend) as cpm,
        model.ad_ctr(clicks_with_impressions, impressions_with_clicks) as ctr,
        model.conversion_rate(conversions_with_clicks, clicks_with_conversions)
            as conversion_rate,
        model.cost_per_conversion(spend_with_conversions, conversions_with_spend)
            as cost_per_conversion,
        model.roas(conversion_value_with_spend, spend_with_conversion_value) as roas,
        model.bounce_rate(
            sessions_with_engaged,
            engaged_sessions_with_sessions,
            sessions_with_bounces,
            bounces_with_sessions
        ) as bounce_rate,
        conversations,
        mentions as social_conversations
    from model.int_conversion_periods
)

select
    level, scope, grain, period_start, period_end, platform, ad_account_id, campaign_id,
    campaign_name, currency, spend, impressions, reach, clicks, conversions, conversion_value,
    cpc, cpm, ctr, conversion_rate, cost_per_conversion, roas, bounce_rate, conversations,
    social_conversations
from final
