-- model: leads_daily
-- grain: Each row is one campaign on one ads platform on one local date; rates are computed from the period's summed base measures by the macros in sql/formulas.sql, never averaged from daily rates (METRICS.md, leads). Spend is summed only within one currency.
-- refresh: date
-- materialize: metrics.leads_daily
-- column date: Local calendar date.
-- column platform: Ads platform code: meta, google, tiktok, linkedin, x.
-- column campaign: Campaign name (ads) or utm campaign (web).
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
create or replace view model.leads_daily as
with final as (
    select period_start as date, *
    from model.int_leads_metrics
    where level = 'campaign' and grain = 'day'
)

select
    date, platform, campaign, currency, spend, clicks, ad_leads, web_leads, leads, cost_per_lead,
    lead_rate, sessions, conversions, conversations
from final
