-- model: conversion_monthly
-- grain: Each row is one ads campaign in one currency in one calendar month; rates are computed from the period's summed base measures by the macros in sql/formulas.sql, never averaged from daily rates (METRICS.md, conversion). Money is never summed across currencies (currency is part of the key).
-- refresh: month_start by month
-- materialize: metrics.conversion_monthly
-- column month_start: First day of the calendar month (local dates).
-- columns of conversion_daily except date
create or replace view model.conversion_monthly as
with final as (
    select period_start as month_start, *
    from model.int_conversion_metrics
    where level = 'campaign' and grain = 'month'
)

select
    month_start, platform, ad_account_id, campaign_id, currency, campaign_name, spend, impressions,
    reach, clicks, conversions, conversion_value, cpc, cpm, ctr, conversion_rate,
    cost_per_conversion, roas, bounce_rate, conversations, social_conversations
from final
