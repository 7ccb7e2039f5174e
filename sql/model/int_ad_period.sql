-- model: int_ad_period
-- grain: Each row is one ads campaign (platform, ad account, campaign, currency) on one reporting range of an aggregated export (never split into days). Where a campaign-level row (ad_id '') exists it is used alone, otherwise the campaign's ad rows are summed, so loading a campaign report and an ad report of the same days never counts twice.
-- column platform: Ads platform code: meta, google, tiktok, linkedin, x.
-- column ad_account_id: Ad account id ('' when unknown).
-- column campaign_id: Campaign id (or name where the export gives no id).
-- column currency: ISO 4217 currency of spend and conversion_value (part of the key: never mixed).
-- column date_start: First date of the reporting range (inclusive).
-- column date_end: Last date of the reporting range (inclusive).
-- column campaign_name: Campaign name as the platform shows it (the greatest where rows disagree).
-- column spend: Amount spent, in currency.
-- column impressions: Impressions.
-- column reach: People reached as the platform states it for the campaign: the campaign-level row's reach, or the only ad's; NULL when ad rows would have to be summed.
-- column clicks: Link clicks where the platform distinguishes them, else all clicks.
-- column conversions: Conversions.
-- column conversion_value: Value of the conversions, in currency.
-- column leads: Leads.
-- column spend_with_clicks: Spend of the rows with clicks (cpc numerator).
-- column clicks_with_spend: Clicks of the rows with spend (cpc denominator).
-- column spend_with_impressions: Spend of the rows with impressions (cpm numerator).
-- column impressions_with_spend: Impressions of the rows with spend (cpm denominator).
-- column clicks_with_impressions: Clicks of the rows with impressions (ctr numerator).
-- column impressions_with_clicks: Impressions of the rows with clicks (ctr denominator).
-- column conversions_with_clicks: Conversions of the rows with clicks (conversion_rate numerator).
-- column clicks_with_conversions: Clicks of the rows with conversions (conversion_rate denominator).
-- column spend_with_conversions: Spend of the rows with conversions (cost_per_conversion numerator).
-- column conversions_with_spend: Conversions of the rows with spend (cost_per_conversion denominator).
-- column conversion_value_with_spend: Conversion value of the rows with spend (roas numerator).
-- column spend_with_conversion_value: Spend of the rows with a conversion value (roas denominator).
create or replace view model.int_ad_period as
with rows_used as (
    select r.*
    from core.ad_period as r
    where r.ad_id = ''
        or not exists (
            select 1
            from core.ad_period as c
            where c.ad_id = ''
                and r.platform = c.platform
                and r.ad_account_id = c.ad_account_id
                and r.campaign_id = c.campaign_id
                and r.date_start = c.date_start
                and r.date_end = c.date_end
        )
),

measured as (
    select
        platform, ad_account_id, campaign_id, currency, date_start, date_end, campaign_name,
        spend, impressions, reach, coalesce(link_clicks, clicks) as clicks, conversions,
        conversion_value, leads
    from rows_used
),

final as (
    select
        platform,
        ad_account_id,
        campaign_id,
        currency,
        date_start,
        date_end,
        max(campaign_name) as campaign_name,
        sum(spend::decimal(38, 12))::double as spend,
        sum(impressions)::bigint as impressions,
        case when count(*) = 1 then max(reach) end as reach,
        sum(clicks)::bigint as clicks,
        sum(conversions::decimal(38, 12))::double as conversions,
        sum(conversion_value::decimal(38, 12))::double as conversion_value,
        sum(leads::decimal(38, 12))::double as leads,
        (sum(spend::decimal(38, 12)) filter (where clicks is not null))::double
            as spend_with_clicks,
        sum(clicks) filter (where spend is not null)::bigint as clicks_with_spend,
        (sum(spend::decimal(38, 12)) filter (where impressions is not null))::double
            as spend_with_impressions,
        sum(impressions) filter (where spend is not null)::bigint as impressions_with_spend,
        sum(clicks) filter (where impressions is not null)::bigint as clicks_with_impressions,
        sum(impressions) filter (where clicks is not null)::bigint as impressions_with_clicks,
        (sum(conversions::decimal(38, 12)) filter (where clicks is not null))::double
            as conversions_with_clicks,
        sum(clicks) filter (where conversions is not null)::bigint as clicks_with_conversions,
        (sum(spend::decimal(38, 12)) filter (where conversions is not null))::double
            as spend_with_conversions,
        (sum(conversions::decimal(38, 12)) filter (where spend is not null))::double
            as conversions_with_spend,
        (sum(conversion_value::decimal(38, 12)) filter (where spend is not null))::double
            as conversion_value_with_spend,
        (sum(spend::decimal(38, 12)) filter (where conversion_value is not null))::double
            as spend_with_conversion_value
    from measured
    group by platform, ad_account_id, campaign_id, currency, date_start, date_end
)

select
    platform, ad_account_id, campaign_id, currency, date_start, date_end, campaign_name, spend,
    impressions, reach, clicks, conversions, conversion_value, leads, spend_with_clicks,
    clicks_with_spend, spend_with_impressions, impressions_with_spend, clicks_with_impressions,
    impressions_with_clicks, conversions_with_clicks, clicks_with_conversions,
    spend_with_conversions, conversions_with_spend, conversion_value_with_spend,
    spend_with_conversion_value
from final
