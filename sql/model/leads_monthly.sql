-- model: leads_monthly
-- grain: Each row is one campaign on one ads platform in one calendar month; rates are computed from the period's summed base measures by the macros in sql/formulas.sql, never averaged from daily rates (METRICS.md, leads). Spend is summed only within one currency.
-- refresh: month_start by month
-- materialize: metrics.leads_monthly
-- column month_start: First day of the calendar month (local dates).
-- columns of leads_daily except date
create or replace view model.leads_monthly as
with final as (
    select period_start as month_start, *
    from model.int_leads_metrics
    where level = 'campaign' and grain = 'month'
)

select
    month_start, platform, campaign, currency, spend, clicks, ad_leads, web_leads, leads,
    cost_per_lead, lead_rate, sessions, conversions, conversations
from final
