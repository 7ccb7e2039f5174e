-- model: int_calendar
-- grain: Each row is one local date in one period grain (day, ISO week from Monday, calendar month, quarter, year), for every date from the first to the last date with data; the period expansion every metric view shares.
-- column date: Local calendar date.
-- column grain: day, week, month, quarter or year.
-- column period_start: First date of the period the date belongs to (the date itself for day; the Monday for week).
-- column period_end: Last date of that period.
create or replace view model.int_calendar as
with data_dates as (
    select published_date as date from model.int_post_latest
    union all
    select date from core.account_daily
    union all
    select date from core.mention
    union all
    select date from core.web_traffic_daily
    union all
    select date from core.ad_daily
),

bounds as (
    select min(date) as first_date, max(date) as last_date
    from data_dates
),

dates as (
    select unnest(generate_series(first_date, last_date, interval 1 day))::date as date
    from bounds
    where first_date is not null
),

grains as (
    select grain, unit
    from (
        values
            ('day', null),
            ('week', interval 7 day),
            ('month', interval 1 month),
            ('quarter', interval 3 month),
            ('year', interval 1 year)
    ) as g (grain, unit)
),

final as (
    select
        d.date,
        g.grain,
        case when g.grain = 'day' then d.date else date_trunc(g.grain, d.date)::date end
            as period_start,
        case
            when g.grain = 'day' then d.date
            else (date_trunc(g.grain, d.date) + g.unit - interval 1 day)::date
        end as period_end
    from dates as d
    cross join grains as g
)

select date, grain, period_start, period_end
from final
