-- model: int_leads_metrics
-- grain: Each row is one leads scope (campaign, ads platform or all platforms) in one period of one grain (day, week, month, quarter, year), with every leads metric computed once from the period's base measures by the macros in sql/formulas.sql.
-- keep: view
-- column level: campaign, platform or all.
-- column scope: NULL for campaigns; the ads platform code, or 'all'.
-- column grain: day, week, month, quarter or year.
-- column period_start: First date of the period.
-- column period_end: Last date of the period.
-- column platform: Ads platform code; NULL for all platforms.
-- column campaign: Campaign name (ads) or utm campaign (web); NULL above campaign level.
-- column currency: Currency of spend and cost_per_lead; NULL when none or several.
-- column spend: Ad spend, in currency.
-- column clicks: Ad link clicks.
-- column ad_leads: Ad leads.
-- column web_leads: Web lead key events from the campaign's sessions.
-- column leads: ad_leads + web_leads.
-- column cost_per_lead: spend / ad_leads, over the ad rows that report both (ad leads and spend only).
-- column lead_rate: leads / clicks, over the campaigns that have both in the period.
-- column sessions: Web sessions with the campaign.
-- column conversions: Ad conversions.
-- column conversations: Own comments + own-brand mentions on the platform (context).
create or replace view model.int_leads_metrics as
with final as (
    select
        level,
        scope,
        grain,
        period_start,
        period_end,
        platform,
        campaign,
        currency,
        spend,
        clicks,
        ad_leads,
        web_leads,
        model.total_leads(ad_leads, web_leads) as leads,
        model.cost_per_lead(spend_with_ad_leads, ad_leads_with_spend) as cost_per_lead,
        model.lead_rate(leads_with_clicks, clicks_with_leads) as lead_rate,
        sessions,
        conversions,
        conversations
    from model.int_leads_periods
)

select
    level, scope, grain, period_start, period_end, platform, campaign, currency, spend, clicks,
    ad_leads, web_leads, leads, cost_per_lead, lead_rate, sessions, conversions, conversations
from final
