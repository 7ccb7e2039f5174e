-- model: scorecard
-- grain: Each row is one target from kunci.toml ([[targets]]: objective, metric, scope, period) with the actual value of the metric for that scope and period, computed from the period's summed base measures by the same macros as the metric tables, and how far it attains the target (METRICS.md, scorecard).
-- materialize: metrics.scorecard
-- column objective: awareness, traffic, community, conversion or leads.
-- column metric: Metric name: a column of the objective's daily table.
-- column scope: all, a platform code, or platform:account_id (platform:ad_account_id for conversion).
-- column period: The target's period as configured: YYYY-MM, YYYY-Qn or YYYY.
-- column period_start: First date of the period.
-- column period_end: Last date of the period.
-- column currency: Currency of the actual for money metrics (conversion and leads); NULL elsewhere, or where the scope spends in several currencies (money actuals are then NULL).
-- column actual: The metric's value over the scope and period; NULL where there is no data.
-- column target: Target value from kunci.toml.
-- column direction: higher or lower (which is better).
-- column attainment: actual / target where higher is better, target / actual where lower is better.
-- column status: met (attainment >= 1), at_risk (>= 0.9), missed (below), no_data (actual NULL).
create or replace view model.scorecard as
with targets as (
    select objective, metric, scope, period, grain, period_start, period_end, target, direction
    from metrics.target
),

measured as (
    select
        t.objective,
        t.metric,
        t.scope,
        t.period,
        t.period_start,
        t.period_end,
        a.currency,
        a.actual,
        t.target,
        t.direction,
        model.attainment(a.actual, t.target, t.direction) as attainment
    from targets as t
    left join model.int_scorecard_actuals as a
        on t.objective = a.objective
        and t.metric = a.metric
        and t.scope = a.scope
        and t.grain = a.grain
        and t.period_start = a.period_start
),

final as (
    select
        objective,
        metric,
        scope,
        period,
        period_start,
        period_end,
        currency,
        actual,
        target,
        direction,
        attainment,
        model.target_status(actual, attainment, direction) as status
    from measured
)

select
    objective, metric, scope, period, period_start, period_end, currency, actual, target,
    direction, attainment, status
from final
