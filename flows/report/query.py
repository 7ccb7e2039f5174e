"""The report's one query step: every read of the published tables and model scopes, run once.

`report_data` returns plain rows (`rows.ReportData`); nothing after it touches DuckDB.

Detail rows come from the metric tables. A total over several accounts, platforms or campaigns is
the model's own platform or all scope (`model.int_*_metrics`, every grain): its rates divide sums
over the same posts, accounts and ad rows, which sums of a metric table's public columns cannot
reproduce wherever some rows lack one of the two measures (docs/DECISIONLOG.md, paired sums). So a
headline rate is the model's value and no formula is written a second time. Rows are ordered on
their whole key, so the same tables always give the same report.
"""

from collections.abc import Sequence
from datetime import date

import duckdb

from flows.load import store
from flows.report.layout import DETAIL, trend_metrics
from flows.report.periods import GRAINS, PERIOD_COLUMN, TABLE_SUFFIX, Window, window
from flows.report.rows import PERIODIC, ObjectiveRows, ReportData, Row
from transforms.errors import InputError

# Per objective: the model view holding its platform and all-platform scopes.
TREND_VIEW = {
    "awareness": "int_account_metrics",
    "traffic": "int_traffic_metrics",
    "community": "int_account_metrics",
    "conversion": "int_conversion_metrics",
    "leads": "int_leads_metrics",
}
# Objectives whose trend rows carry the currency their money is in.
IN_CURRENCY = frozenset({"conversion", "leads"})
# Totals ('total': the all scope) and per-platform series ('platform') of every period of a grain.
TREND_SQL = """
    select case level when 'all' then 'total' else level end as level, period_start, platform,
        {columns}
    from model.{view}
    where level in ('platform', 'all') and grain = ?
"""
# Spend per ads platform and currency ('platform_currency'), for the spend chart drawn once per
# currency: a plain sum within one currency, no rate.
CURRENCY_SQL = """
    select 'platform_currency' as level, {period} as period_start, platform, currency,
        sum(spend) as spend
    from {table}
    group by {period}, platform, currency
"""

# Per objective: the metric table's own rows of one period, keyed and ordered as the breakdown
# table shows them; `{metrics}` are the columns the section lists.
BREAKDOWN_SQL = {
    "awareness": """
        select platform, account_id, is_own, {metrics}
        from {table} where {period} = ? order by is_own desc, platform, account_id
    """,
    "traffic": """
        select platform, {metrics}
        from {table} where {period} = ? order by platform
    """,
    "community": """
        select platform, account_id, {metrics}
        from {table} where {period} = ? and is_own order by platform, account_id
    """,
    "conversion": """
        select platform, ad_account_id, campaign_id, currency, campaign_name, {metrics}
        from {table} where {period} = ?
        order by spend desc nulls last, platform, ad_account_id, campaign_id, currency
    """,
    "leads": """
        select platform, campaign, currency, {metrics}
        from {table} where {period} = ?
        order by leads desc nulls last, spend desc nulls last, platform, campaign
    """,
}

# Aggregated exports, each row over its own stated range: traffic_period and conversion_period.
PERIOD_SQL = {
    "traffic": """
        select platform, date_start, date_end, sessions, bounce_rate, link_clicks, ctr
        from metrics.traffic_period order by date_start, date_end, platform
    """,
    "conversion": """
        select platform, campaign_name, currency, date_start, date_end, spend, clicks,
            conversions, cpc, roas
        from metrics.conversion_period
        order by date_start, date_end, platform, ad_account_id, campaign_id, currency
    """,
}


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> list[Row]:
    """Rows of a query as dicts keyed by column name."""
    cursor = con.execute(sql, list(params))
    names = [column[0] for column in cursor.description or ()]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def _metric_tables(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """Names of the tables in schema `metrics` (none in a database that was never built)."""
    rows = _fetch(con, "select table_name from duckdb_tables() where schema_name = 'metrics'")
    return frozenset(str(row["table_name"]) for row in rows)


def _table_name(objective: str, grain: str) -> str:
    """The objective's metric table of a grain (`awareness_monthly`)."""
    return f"{objective}_{TABLE_SUFFIX[grain]}"


def _data_range(con: duckdb.DuckDBPyConnection, tables: frozenset[str]) -> tuple[date, date] | None:
    """First and last date of the daily metric tables; None when they hold no rows."""
    daily = [f"{o}_daily" for o in PERIODIC if f"{o}_daily" in tables]
    if not daily:
        return None
    union = " union all ".join(f"select min(date), max(date) from metrics.{t}" for t in daily)
    row = con.execute(f"select min(f), max(l) from ({union}) as d(f, l)").fetchone()
    if row is None or row[0] is None:
        return None
    return row[0], row[1]


def _trend(
    con: duckdb.DuckDBPyConnection,
    tables: frozenset[str],
    objective: str,
    grain: str,
    metrics: Sequence[str],
) -> list[Row]:
    """Totals and per-platform `metrics` of every period of the objective (see TREND_SQL)."""
    name = _table_name(objective, grain)
    if name not in tables:
        return []
    columns = ["currency", *metrics] if objective in IN_CURRENCY else list(metrics)
    sql = TREND_SQL.format(view=TREND_VIEW[objective], columns=", ".join(columns))
    if objective == "conversion":
        money = CURRENCY_SQL.format(table=f"metrics.{name}", period=PERIOD_COLUMN[grain])
        sql = f"{sql} union all by name {money}"
    return _fetch(con, sql + " order by all", [grain])


def _breakdown(
    con: duckdb.DuckDBPyConnection,
    tables: frozenset[str],
    objective: str,
    grain: str,
    start: date,
    metrics: Sequence[str],
) -> list[Row]:
    """The metric table's `metrics` of the period starting on `start`, row by row."""
    name = _table_name(objective, grain)
    if name not in tables:
        return []
    sql = BREAKDOWN_SQL[objective].format(
        table=f"metrics.{name}", period=PERIOD_COLUMN[grain], metrics=", ".join(metrics)
    )
    return _fetch(con, sql, [start])


def _catalog(con: duckdb.DuckDBPyConnection, tables: frozenset[str]) -> list[Row]:
    """The metric catalog: units and English/Indonesian descriptions."""
    if "catalog" not in tables:
        return []
    return _fetch(
        con,
        "select objective, metric, unit, description_en, description_id from metrics.catalog "
        "order by objective, metric",
    )


def _accounts(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """Declared accounts with their names (empty in a database without the core schema)."""
    if not store.table_exists(con, "core", "account"):
        return []
    return _fetch(
        con,
        "select platform, account_id, account_name, handle, is_own from core.account "
        "order by platform, account_id",
    )


def _scorecard(con: duckdb.DuckDBPyConnection, tables: frozenset[str]) -> list[Row]:
    """Every target with its actual and status."""
    if "scorecard" not in tables:
        return []
    return _fetch(
        con,
        "select objective, metric, scope, period, period_start, period_end, currency, actual, "
        "target, direction, attainment, status from metrics.scorecard "
        "order by objective, period_start, metric, scope",
    )


def _period_exports(
    con: duckdb.DuckDBPyConnection, tables: frozenset[str], objective: str
) -> list[Row]:
    """Rows of the objective's aggregated exports (never split into days), if it has any."""
    if objective not in PERIOD_SQL or f"{objective}_period" not in tables:
        return []
    return _fetch(con, PERIOD_SQL[objective])


def _audience(con: duckdb.DuckDBPyConnection, tables: frozenset[str]) -> list[Row]:
    """Own accounts' latest gender, age and country breakdown of each measure."""
    if "insights_audience" not in tables:
        return []
    return _fetch(
        con,
        """
        select platform, account_id, measure, dimension, as_of_date, bucket, value, share
        from metrics.insights_audience
        where is_own and dimension in ('gender', 'age', 'country')
        qualify as_of_date = max(as_of_date) over (partition by platform, account_id, measure,
            dimension)
        order by platform, account_id, measure, dimension, share desc nulls last, bucket
        """,
    )


def _activity(con: duckdb.DuckDBPyConnection, tables: frozenset[str]) -> list[Row]:
    """Own accounts' followers online by weekday and hour."""
    if "insights_activity" not in tables:
        return []
    return _fetch(
        con,
        "select platform, account_id, day_of_week, hour, snapshots, online_followers, "
        "share_of_week from metrics.insights_activity where is_own "
        "order by platform, account_id, day_of_week, hour",
    )


def _content(
    con: duckdb.DuckDBPyConnection, tables: frozenset[str], months: list[date]
) -> list[Row]:
    """Own accounts' content types in the given months."""
    if "insights_content" not in tables or not months:
        return []
    marks = ", ".join("?" for _ in months)
    return _fetch(
        con,
        "select platform, account_id, month, content_type, posts, engagements, post_reach, "
        "engagement_rate, share_of_engagements from metrics.insights_content "
        f"where is_own and month in ({marks}) "
        "order by platform, account_id, month, engagement_rate desc nulls last, "
        "share_of_engagements desc nulls last, content_type nulls last",
        months,
    )


def _months_present(con: duckdb.DuckDBPyConnection, tables: frozenset[str]) -> list[date]:
    """Months present in insights_content, latest first."""
    if "insights_content" not in tables:
        return []
    rows = _fetch(con, "select distinct month from metrics.insights_content order by month desc")
    return [row["month"] for row in rows]


def _funnel(con: duckdb.DuckDBPyConnection, tables: frozenset[str]) -> list[Row]:
    """Every campaign's funnel, the biggest spenders first."""
    if "funnel_campaign" not in tables:
        return []
    return _fetch(
        con,
        "select platform, campaign, first_date, last_date, currency, spend, impressions, reach, "
        "engagements, clicks, sessions, leads, conversions, engagements_step_rate, "
        "clicks_step_rate, sessions_step_rate, leads_step_rate, conversions_step_rate "
        "from metrics.funnel_campaign "
        "order by spend desc nulls last, leads desc nulls last, platform, campaign",
    )


def report_data(con: duckdb.DuckDBPyConnection, period: str) -> ReportData:
    """Every row the report of grain `period` (day, week or month) shows, read once."""
    if period not in GRAINS:
        raise InputError(f"--period '{period}' is not one of {', '.join(GRAINS)}")
    tables = _metric_tables(con)
    reach = _data_range(con, tables)
    headline = window(reach[0], reach[1], period) if reach else None
    months = _content_months(con, tables, headline)
    return ReportData(
        period=period,
        window=headline,
        accounts=_accounts(con),
        catalog=_catalog(con, tables),
        scorecard=_scorecard(con, tables),
        objectives={o: _objective_rows(con, tables, headline, o) for o in PERIODIC},
        funnel=_funnel(con, tables),
        audience=_audience(con, tables),
        activity=_activity(con, tables),
        content=_content(con, tables, [m for m in (months or ()) if m is not None]),
        content_months=months,
    )


def _objective_rows(
    con: duckdb.DuckDBPyConnection, tables: frozenset[str], w: Window | None, objective: str
) -> ObjectiveRows:
    if w is None:
        return ObjectiveRows()
    return ObjectiveRows(
        _trend(con, tables, objective, w.grain, trend_metrics(objective)),
        _breakdown(con, tables, objective, w.grain, w.current, DETAIL[objective]),
        _period_exports(con, tables, objective),
    )


def _content_months(
    con: duckdb.DuckDBPyConnection, tables: frozenset[str], w: Window | None
) -> tuple[date, date | None] | None:
    """The content month (latest complete month of the data) and the month before."""
    if w is not None:
        months = window(w.first, w.through, "month")
        return months.current, months.previous
    present = _months_present(con, tables)
    if not present:
        return None
    return present[0], present[1] if len(present) > 1 else None
