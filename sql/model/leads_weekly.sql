-- model: leads_weekly
-- grain: Each row is one campaign on one ads platform in one ISO week (Monday start); rates are computed from the period's summed base measures by the macros in sql/formulas.sql, never averaged from daily rates (METRICS.md, leads). Spend is summed only within one currency.
-- refresh: week_start by week
-- materialize: metrics.leads_weekly
-- column week_start: Monday that starts the ISO week (local dates).
-- columns of leads_daily except date
create or replace view model.leads_weekly as
with final as (
    select period_start as week_start, *
    from model.int_leads_metrics
    where level = 'campaign' and grain = 'week'
)

select
    week_start, platform, campaign, currency, spend, clicks, ad_leads, web_leads, leads,
    cost_per_lead, lead_rate, sessions, conversions, conversations
from final
