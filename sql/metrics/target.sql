-- metrics.target: the scorecard targets of kunci.toml ([[targets]]), recreated by every build
-- before the models (metrics.scorecard reads it); the build inserts the rows.
create or replace table metrics.target (
    objective varchar,
    metric varchar,
    scope varchar,
    period varchar,
    grain varchar,
    period_start date,
    period_end date,
    target double,
    direction varchar
);
comment on table metrics.target is 'Each row is one scorecard target from kunci.toml ([[targets]]), written by the build; metrics.scorecard compares it with the actual value.';
comment on column metrics.target.objective is 'Objective id: awareness, traffic, community, conversion or leads.';
comment on column metrics.target.metric is 'Metric: a column of the objective''s daily table (metrics.catalog).';
comment on column metrics.target.scope is 'all, a platform code, or platform:account_id.';
comment on column metrics.target.period is 'Period as configured: YYYY-MM, YYYY-Qn or YYYY.';
comment on column metrics.target.grain is 'month, quarter or year (from the period).';
comment on column metrics.target.period_start is 'First date of the period.';
comment on column metrics.target.period_end is 'Last date of the period.';
comment on column metrics.target.target is 'Target value (rates as fractions, money in the scope''s currency).';
comment on column metrics.target.direction is 'higher or lower: which is better.';
