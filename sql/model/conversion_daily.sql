-- model: conversion_daily
-- grain: Each row is one ads campaign in one currency on one local date; rates are computed from the period's summed base measures by the macros in sql/formulas.sql, never averaged from daily rates (METRICS.md, conversion). Money is never summed across currencies (currency is part of the key).
-- refresh: date
-- materialize: metrics.conversion_daily
-- column date: Local calendar date.
-- column platform: Ads platform code: meta, google, tiktok, linkedin, x.
-- column ad_account_id: Ad account id.
-- column campaign_id: Campaign id.
-- column currency: ISO 4217 currency of spend, conversion_value, cpc, cpm and cost_per_conversion (part of the key: money is never mixed).
-- column campaign_name: Campaign name.
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
create or replace view model.conversion_daily as
with final as (
    select period_start as date, *
    from model.int_conversion_metrics
    where level = 'campaign' and grain = 'day'
)

select
    date, platform, ad_account_id, campaign_id, currency, campaign_name, spend, impressions, reach,
    clicks, conversions, conversion_value, cpc, cpm, ctr, conversion_rate, cost_per_conversion,
    roas, bounce_rate, conversations, social_conversations
from final
