"""The metric layer on a small seeded database with hand-chosen rows and exact expected values."""

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from flows.build import docs, model_files, models
from flows.config.settings import load_settings
from flows.load import store
from flows.run import pipeline
from tests.conftest import DEMO_CONFIG, database_rows
from transforms.context import Account

MODEL_SCHEMAS = ("model", "metrics")

OWN = Account("instagram", "ig1", brand="Brand")
RIVAL = Account("instagram", "ig2", brand="Rival", is_own=False)


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    connection = store.connect(tmp_path_factory.mktemp("models") / "k.duckdb")
    store.apply_schema(connection)
    store.upsert_accounts(connection, (OWN, RIVAL))
    connection.execute(
        """
        insert into core.account_daily (platform, account_id, date, followers_total,
            followers_gained, followers_lost, load_id) values
            ('instagram', 'ig1', '2026-09-06', 1000, null, null, 1),
            ('instagram', 'ig1', '2026-09-07', 1010, 15, 5, 1),
            ('instagram', 'ig1', '2026-09-08', 1030, null, null, 1);
        insert into core.post (platform, post_id, account_id, published_date, load_id) values
            ('instagram', 'p1', 'ig1', '2026-09-07', 1),
            ('instagram', 'p2', 'ig1', '2026-09-08', 1),
            ('instagram', 'p3', 'ig1', '2026-09-09', 1);
        insert into core.post_metrics (platform, post_id, as_of_date, reach, reactions, comments,
            shares, saves, load_id) values
            ('instagram', 'p1', '2026-09-08', 50, 5, 1, 0, 0, 1),
            ('instagram', 'p1', '2026-09-10', 100, 10, 2, 1, 1, 1),
            ('instagram', 'p1', '2026-09-09', 80, 8, 2, 1, 0, 1),
            ('instagram', 'p2', '2026-09-10', 400, 10, 0, 0, 0, 1),
            ('instagram', 'p3', '2026-09-10', 0, 0, 0, 0, 0, 1);
        insert into core.mention (platform, mention_id, date, brand, is_own_brand, load_id) values
            ('instagram', 'm1', '2026-09-07', 'Brand', true, 1),
            ('instagram', 'm2', '2026-09-07', 'brand', true, 1),
            ('instagram', 'm3', '2026-09-07', 'Rival', false, 1);
        insert into core.web_traffic_daily (property_id, date, source, medium, campaign, platform,
            sessions, engaged_sessions, load_id) values
            ('p', '2026-09-07', 'instagram.com', 'referral', '(not set)', 'instagram', 10, 6, 1),
            ('p', '2026-09-07', 'google', 'organic', '(not set)', null, 99, 1, 1);
        """
    )
    models.build_metrics(connection)
    return connection


def one(con: duckdb.DuckDBPyConnection, query: str) -> dict[str, object]:
    """The only row of a query, by column name (fails unless there is exactly one)."""
    frame = con.sql(query).pl()
    assert frame.height == 1, frame
    named: dict[str, object] = frame.row(0, named=True)
    return named


def test_daily_rates_use_the_latest_snapshot(con: duckdb.DuckDBPyConnection) -> None:
    row = one(
        con,
        "select * from metrics.community_daily where account_id = 'ig1' and date = '2026-09-07'",
    )
    assert row["posts"] == 1
    assert row["engagements"] == 14  # 10 + 2 + 1 + 1 from the 09-10 snapshot, not a sum of three
    assert row["engagement_rate"] == pytest.approx(0.14)
    assert row["audience_growth_rate"] == pytest.approx(10 / 1000)
    assert row["amplification_rate"] == pytest.approx(1 / 1 / 1010)
    assert row["applause_rate"] == pytest.approx(10 / 1010)
    assert row["conversation_rate"] == pytest.approx(2 / 1010)
    assert row["comment_score"] == pytest.approx(2.0)
    assert (row["mentions"], row["conversations"]) == (2, 4)
    assert row["bounce_rate"] == pytest.approx(0.4)
    assert row["clicks"] is None and row["clicks_per_post"] is None


def test_growth_falls_back_to_the_change_in_totals(con: duckdb.DuckDBPyConnection) -> None:
    row = one(
        con,
        "select net_follower_growth, audience_growth_rate from metrics.community_daily "
        "where account_id = 'ig1' and date = '2026-09-08'",
    )
    assert row == {"net_follower_growth": 20, "audience_growth_rate": pytest.approx(20 / 1010)}


def test_zero_and_missing_denominators_give_null(con: duckdb.DuckDBPyConnection) -> None:
    row = one(
        con,
        "select posts, post_reach, engagement_rate, followers_total, amplification_rate "
        "from metrics.community_daily where account_id = 'ig1' and date = '2026-09-09'",
    )
    assert row == {
        "posts": 1,
        "post_reach": 0,
        "engagement_rate": None,
        "followers_total": None,
        "amplification_rate": None,
    }


def test_week_rate_is_recomputed_not_averaged(con: duckdb.DuckDBPyConnection) -> None:
    week = one(
        con,
        "select * from metrics.community_weekly where account_id = 'ig1' "
        "and week_start = '2026-09-07'",
    )
    assert week["engagement_rate"] == pytest.approx(24 / 500)  # mean of daily rates is 0.0825
    assert week["followers_total"] == 1030  # a stock: the last value, not a sum
    assert week["audience_growth_rate"] == pytest.approx(30 / 1000)
    month = one(
        con,
        "select posts, engagement_rate from metrics.community_monthly "
        "where account_id = 'ig1' and month_start = '2026-09-01'",
    )
    assert month == {"posts": 3, "engagement_rate": pytest.approx(24 / 500)}


def test_competitor_rows_carry_mentions_but_no_own_traffic(con: duckdb.DuckDBPyConnection) -> None:
    row = one(
        con,
        "select is_own, mentions, sessions, bounce_rate from metrics.community_daily "
        "where account_id = 'ig2'",
    )
    assert row == {"is_own": False, "mentions": 1, "sessions": None, "bounce_rate": None}


PERIOD_KEYS = {"date": "daily", "week_start": "weekly", "month_start": "monthly"}
GRAINS: dict[str, tuple[str, ...]] = {
    **{
        f"{objective}_{suffix}": (key, *keys)
        for objective, keys in {
            "awareness": ("platform", "account_id"),
            "community": ("platform", "account_id"),
            "traffic": ("platform",),
            "conversion": ("platform", "ad_account_id", "campaign_id", "currency"),
            "leads": ("platform", "campaign"),
        }.items()
        for key, suffix in PERIOD_KEYS.items()
    },
    "traffic_period": ("platform", "date_start", "date_end"),
    "conversion_period": (
        "platform",
        "ad_account_id",
        "campaign_id",
        "currency",
        "date_start",
        "date_end",
    ),
    "insights_audience": (
        "platform",
        "account_id",
        "as_of_date",
        "measure",
        "dimension",
        "bucket",
    ),
    "insights_activity": ("platform", "account_id", "day_of_week", "hour"),
    "insights_content": ("platform", "account_id", "month", "content_type"),
    "funnel_campaign": ("platform", "campaign"),
    "scorecard": ("objective", "metric", "scope", "period"),
    "target": ("objective", "metric", "scope", "period"),
    "catalog": ("objective", "metric"),
}
# Columns of a metric table that are keys or attributes, not metrics (everything else needs a
# catalog row).
NOT_METRICS = {
    "is_own",
    "campaign_name",
    "currency",
    "date_start",
    "date_end",
    "first_date",
    "last_date",
    *PERIOD_KEYS,
    *(column for grain in GRAINS.values() for column in grain),
}


def unique_grain(con: duckdb.DuckDBPyConnection, table: str, grain: tuple[str, ...]) -> None:
    columns = ", ".join(f'"{c}"' for c in grain)
    duplicates = con.execute(
        f"select count(*) from (select {columns} from metrics.{table} "
        "group by all having count(*) > 1)"
    ).fetchone()
    assert duplicates == (0,), table


def test_every_materialized_table_has_a_stated_grain(con: duckdb.DuckDBPyConnection) -> None:
    tables = {
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'metrics'"
        ).fetchall()
    }
    assert tables == set(GRAINS)
    assert {"catalog", "target"} | {
        m.materialize.removeprefix("metrics.")
        for m in model_files.declared_models()
        if m.materialize
    } == tables


@pytest.mark.parametrize(("table", "grain"), GRAINS.items())
def test_grain_is_unique(
    con: duckdb.DuckDBPyConnection, table: str, grain: tuple[str, ...]
) -> None:
    unique_grain(con, table, grain)
    columns = ", ".join(f'"{c}"' for c in ("table", "column"))
    assert con.execute(
        f"select count(*) from (select {columns} from metrics.catalog group by all "
        "having count(*) > 1)"
    ).fetchone() == (0,)


def test_every_table_view_and_column_is_documented(con: duckdb.DuckDBPyConnection) -> None:
    schemas = "('core', 'ops', 'metrics', 'model')"
    undocumented_tables = con.execute(
        f"select schema_name || '.' || table_name from duckdb_tables() "
        f"where schema_name in {schemas} and comment is null union all "
        f"select schema_name || '.' || view_name from duckdb_views() "
        f"where schema_name in {schemas} and comment is null"
    ).fetchall()
    undocumented_columns = con.execute(
        f"select schema_name || '.' || table_name || '.' || column_name from duckdb_columns() "
        f"where schema_name in {schemas} and (comment is null or comment = '')"
    ).fetchall()
    undocumented_macros = con.execute(
        "select function_name from duckdb_functions() where schema_name = 'model' "
        "and (comment is null or comment = '')"
    ).fetchall()
    assert (undocumented_tables, undocumented_columns, undocumented_macros) == ([], [], [])


def test_formulas_are_declared_documented_and_used(con: duckdb.DuckDBPyConnection) -> None:
    declared = model_files.declared_macros()
    created = {
        r[0]
        for r in con.execute(
            "select distinct function_name from duckdb_functions() where schema_name = 'model'"
        ).fetchall()
    }
    assert created == set(declared)
    views = "\n".join(m.sql for m in model_files.declared_models())
    unused = [name for name in declared if f"model.{name}(" not in views]
    assert unused == []


def test_docs_name_only_columns_that_exist(con: duckdb.DuckDBPyConnection) -> None:
    for model in model_files.declared_models():
        assert model.columns, model.name
        actual = [r[0] for r in con.execute(f"describe model.{model.name}").fetchall()]
        assert actual == list(model.columns), model.name


def catalog_table(table: str) -> str:
    """The catalog names the daily table; _weekly, _monthly and _period share its columns."""
    for suffix in ("_weekly", "_monthly", "_period"):
        if table.endswith(suffix) and not table.startswith("insights"):
            return table.removesuffix(suffix) + "_daily"
    return table


def test_catalog_agrees_with_the_tables(con: duckdb.DuckDBPyConnection) -> None:
    catalog = con.execute('select metric, "table", "column" from metrics.catalog').fetchall()
    described = {
        (table, column)
        for table, column in con.execute(
            "select table_name, column_name from duckdb_columns() where schema_name = 'metrics'"
        ).fetchall()
    }
    assert [(t, c) for _, t, c in catalog if (t, c) not in described] == []
    listed = {(t, c) for _, t, c in catalog}
    unlisted = sorted(
        (table, column)
        for table, column in described
        if table not in ("catalog", "target", "scorecard")
        and column not in NOT_METRICS
        and (catalog_table(table), column) not in listed
    )
    assert unlisted == []
    assert [(m, c) for m, t, c in catalog if t.endswith("_daily") and m != c] == []


def test_every_model_file_is_declared() -> None:
    files = {p.name.split(".")[0] for p in model_files.MODEL_DIR.glob("*.sql")}
    assert files == {m.name for m in model_files.declared_models()}
    scripts = {m.name for m in model_files.declared_models() if m.script}
    assert scripts == {p.name.split(".")[0] for p in model_files.MODEL_DIR.glob("*.refresh.sql")}


def test_rebuild_is_repeatable(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    before = con.execute("select * from metrics.community_daily order by all").fetchall()
    models.build_metrics(con)
    assert con.execute("select * from metrics.community_daily order by all").fetchall() == before
    assert date(2026, 9, 7) in {r[0] for r in before}


def test_committed_data_dictionary_is_up_to_date() -> None:
    assert docs.DOCS.read_text(encoding="utf-8") == docs.render(), "run python -m flows.build.docs"


def test_view_only_intermediates_are_documented_views(con: duckdb.DuckDBPyConnection) -> None:
    view_only = [m for m in model_files.declared_models() if m.view_only]
    assert {m.name for m in view_only} >= {"int_account_metrics", "int_traffic_metrics"}
    for model in view_only:
        assert con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'model' and table_name = ?",
            [model.name],
        ).fetchone() == (0,)
        comment = con.execute(
            "select comment from duckdb_views() where schema_name = 'model' and view_name = ?",
            [model.name],
        ).fetchone()
        assert comment == (f"{model.grain} {models.VIEW_ONLY_NOTE}",)


@pytest.mark.parametrize("line", ["-- materialize: metrics.x", "-- refresh: period_end"])
def test_a_view_only_model_refuses_rows_of_its_own(tmp_path: Path, line: str) -> None:
    path = tmp_path / "int_x.sql"
    path.write_text(
        f"-- grain: One row.\n-- keep: view\n{line}\n"
        "create or replace view model.int_x as select 1 as one\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="keep: view"):
        model_files.parse_model(path)
    path.write_text(path.read_text(encoding="utf-8").replace(f"{line}\n", ""), encoding="utf-8")
    assert model_files.parse_model(path).view_only


@pytest.mark.parametrize("documented", ["one", "missing"])
def test_a_build_leaves_threads_and_optimizer_as_it_found_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, documented: str
) -> None:
    # The docs are written on one thread with the optimizer off; a doc naming a column that does
    # not exist fails the build in that step, in a transaction that refuses even a `SET`.
    path = tmp_path / "int_x.sql"
    path.write_text(
        f"-- grain: One row.\n-- column {documented}: The column.\n"
        "create or replace view model.int_x as select 1 as one\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(models, "declared_models", lambda: [model_files.parse_model(path)])
    connection = store.connect(tmp_path / "k.duckdb")
    store.apply_schema(connection)
    connection.execute("set threads = 3")
    settings = (
        "select name, value from duckdb_settings() "
        "where name in ('threads', 'enable_optimizer') order by name"
    )
    as_set = [("enable_optimizer", "true"), ("threads", "3")]
    assert connection.execute(settings).fetchall() == as_set
    if documented == "missing":
        with pytest.raises(duckdb.BinderException, match="missing"):
            models.build_metrics(connection)
    else:
        assert set(models.build_metrics(connection)) == {"metrics.catalog"}
        assert connection.execute(
            "select comment from duckdb_columns() where table_name = 'int_x'"
        ).fetchall() == [("The column.",)]
    assert connection.execute(settings).fetchall() == as_set


def test_only_a_core_within_one_row_group_is_built_on_one_thread(tmp_path: Path) -> None:
    connection = store.connect(tmp_path / "k.duckdb")
    store.apply_schema(connection)
    assert models._core_fits_one_row_group(connection)
    rows = models.ROW_GROUP_ROWS
    connection.execute(
        "insert into core.post (platform, post_id, load_id) "
        "select 'x', range::varchar, 1 from range(?)",
        [rows - 1],
    )
    assert models._core_fits_one_row_group(connection)
    connection.execute("insert into core.post (platform, post_id, load_id) values ('x', 'last', 1)")
    assert not models._core_fits_one_row_group(connection)


def test_a_build_failing_after_its_intermediates_are_committed_publishes_nothing(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = tmp_path / "k.duckdb"
    shutil.copyfile(demo_db, published)
    before = published.read_bytes()
    first_metric = next(m.name for m in models.declared_models() if m.materialize)
    create, commit = models._create, models._commit_intermediates
    steps: list[str] = []

    def committing(con: duckdb.DuckDBPyConnection) -> None:
        steps.append("committed")
        commit(con)

    def failing(con: duckdb.DuckDBPyConnection, model: model_files.Model) -> None:
        if model.name == first_metric:
            steps.append("failed")
            raise RuntimeError("a metric table's statement failed")
        create(con, model)

    monkeypatch.setattr(models, "_commit_intermediates", committing)
    monkeypatch.setattr(models, "_create", failing)
    with (
        pytest.raises(RuntimeError, match="a metric table"),
        pipeline.working_database(published) as working,
    ):
        models.build_metrics(working.con)

    assert steps == ["committed", "failed"]  # the intermediates were committed, then it failed
    assert published.read_bytes() == before  # the run's working file was discarded, unpublished
    assert {p.name for p in tmp_path.iterdir()} <= {"k.duckdb", "k.duckdb.lock"}


def test_a_build_retried_after_failing_past_its_first_commit_equals_a_clean_build(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run's BUILD step retries in the same working file, its intermediates committed."""
    published = tmp_path / "k.duckdb"
    shutil.copyfile(demo_db, published)
    first_metric = next(m.name for m in models.declared_models() if m.materialize)
    create = models._create
    failures: list[str] = []

    def failing_once(con: duckdb.DuckDBPyConnection, model: model_files.Model) -> None:
        if model.name == first_metric and not failures:
            failures.append(model.name)
            raise RuntimeError("an I/O error")
        create(con, model)

    targets = load_settings(str(DEMO_CONFIG)).targets
    monkeypatch.setattr(models, "_create", failing_once)
    with pipeline.working_database(published) as working:
        with pytest.raises(RuntimeError, match="an I/O error"):
            models.build_metrics(working.con, targets)
        models.build_metrics(working.con, targets)

    assert failures == [first_metric]
    assert database_rows(published, MODEL_SCHEMAS) == database_rows(demo_db, MODEL_SCHEMAS)
