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

final as (
    select
        platform,
        ad_account_id,
        campaign_id,
        currency,
        date_start,
        date_end,
        max(campaign_name) as campaign_name,
        sum(spend) as spend,
        sum(impressions)::bigint as impressions,
        case when count(*) = 1 then max(reach) end as reach,
        sum(coalesce(link_clicks, clicks))::bigint as clicks,
        sum(conversions) as conversions,
        sum(conversion_value) as conversion_value,
        sum(leads) as leads
    from rows_used
    group by platform, ad_account_id, campaign_id, currency, date_start, date_end
)

select
    platform, ad_account_id, campaign_id, currency, date_start, date_end, campaign_name, spend,
    impressions, reach, clicks, conversions, conversion_value, leads
from final
