"""An incremental metric build equals a full build of the same `core` (flows/increment)."""

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from flows.build import increment, model_files, models
from flows.config.settings import load_settings
from flows.load import ingest, inputs, store
from flows.run import pipeline
from tests.conftest import DEMO_CONFIG

DEMO_SETTINGS = load_settings(str(DEMO_CONFIG))


def _relations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Every model and metric table, and every intermediate kept as a view, with its kind."""
    return [
        (f"{schema}.{name}", kind)
        for schema, name, kind in con.execute(
            "select schema_name, table_name, 'table' from duckdb_tables() "
            "where schema_name in ('model', 'metrics') and table_name <> 'target' "
            "union all select schema_name, view_name, 'view' from duckdb_views() "
            "where schema_name = 'model' and view_name like 'int\\_%' escape '\\' "
            "order by all"
        ).fetchall()
    ]


def assert_equals_full_build(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """Every model and metric table, and every view-only intermediate, equals a full build's.

    The same relations of the same kind: an incremental build leaves a `-- keep: view`
    intermediate a view, as a full build does, and writes no table of it.
    """
    con.execute("checkpoint")
    copy = tmp_path / "full.duckdb"
    shutil.copy(tmp_path / "k.duckdb", copy)
    full = duckdb.connect(str(copy))
    models.build_metrics(full, DEMO_SETTINGS.targets)
    assert _relations(con) == _relations(full)
    for table, _kind in _relations(con):
        mine = con.execute(f"select * from {table} order by all").fetchall()
        theirs = full.execute(f"select * from {table} order by all").fetchall()
        assert len(mine) == len(theirs), table
        # Exactly: fractional amounts are summed as DECIMAL, whatever order the rows come in.
        assert mine == theirs, table
    full.close()


def test_demo_loaded_in_three_batches_equals_a_full_build(tmp_path: Path) -> None:
    settings = DEMO_SETTINGS
    items = sorted(inputs.inbox(settings), key=lambda item: item.path.name)
    con = duckdb.connect(str(tmp_path / "k.duckdb"))
    pipeline.initialise(con, settings)
    done = []
    for batch in (items[::3], items[1::3], items[2::3]):
        for item in batch:
            assert ingest.ingest_file(con, item, settings, tmp_path / "raw").status == "loaded"
        done.append(models.refresh_metrics(con, settings.targets)[1])
    assert done == ["rebuilt", "updated", "updated"]
    assert_equals_full_build(con, tmp_path)


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    shutil.copy(demo_db, tmp_path / "k.duckdb")
    return duckdb.connect(str(tmp_path / "k.duckdb"))


def _new_load(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute(
        "insert into ops.load (source, status, started_at, finished_at) "
        "values ('late.csv', 'loaded', now(), now()) returning load_id"
    ).fetchone()
    assert row is not None
    return int(row[0])


def _update(con: duckdb.DuckDBPyConnection) -> date | None:
    """Update from the loads after the last build's; return the first affected date."""
    row = con.execute("select max_load_id from ops.build order by build_id desc limit 1").fetchone()
    assert row is not None
    con.begin()
    start = increment.update(con, model_files.declared_models(), int(row[0]))
    con.commit()
    return start


def test_late_rows_of_old_dates_update_from_their_first_date(
    demo_copy: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    con = demo_copy
    load = _new_load(con)
    con.execute(
        f"""
        -- an old post's latest snapshot rewritten, and a later snapshot of another old post
        update core.post_metrics set reactions = reactions + 7, load_id = {load}
        where (platform, post_id, as_of_date) = (
            select (platform, post_id, as_of_date) from model.int_post_latest
            where platform = 'instagram' order by published_date, post_id limit 1);
        insert into core.post_metrics (platform, post_id, as_of_date, reactions, comments, load_id)
        select platform, post_id, date '2026-10-02', 900, 90, {load}
        from model.int_post_latest where platform = 'facebook'
        order by published_date, post_id limit 1;
        -- a post moved to another day, and a post known only from daily activity
        update core.post set published_at = published_at + interval 3 day,
            published_date = published_date + 3, load_id = {load}
        where (platform, post_id) = (
            select (platform, post_id) from model.int_post_latest
            where platform = 'tiktok' order by published_date, post_id limit 1);
        insert into core.post (platform, post_id, account_id, published_date, load_id)
        values ('youtube', 'late-video', 'UCk9fW2vNqXr7bTz3LmPa4Hd', date '2026-08-20', {load});
        insert into core.post_daily (platform, post_id, date, views, reactions, load_id)
        values ('youtube', 'late-video', date '2026-08-20', 50, 5, {load}),
               ('youtube', 'late-video', date '2026-08-21', 30, 2, {load});
        -- old account, web and ad days
        update core.account_daily set followers_total = followers_total + 100, load_id = {load}
        where platform = 'x' and date = date '2026-08-14';
        update core.web_traffic_daily set sessions = sessions + 11, load_id = {load}
        where date = date '2026-08-16';
        update core.ad_daily set spend = spend * 2, load_id = {load}
        where platform = 'meta' and date = date '2026-08-18';
        """
    )
    first_post = con.execute(
        "select min(published_date) from model.int_post_latest "
        "where platform in ('instagram', 'facebook', 'tiktok')"
    ).fetchone()
    assert first_post is not None
    assert _update(con) == min(first_post[0], date(2026, 8, 14))
    assert_equals_full_build(con, tmp_path)


def test_data_past_the_calendar_end_fills_the_gap(
    demo_copy: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    con = demo_copy
    load = _new_load(con)
    con.execute(
        "insert into core.mention (platform, mention_id, date, brand, author_followers, load_id) "
        f"values ('x', 'late-mention', date '2026-10-14', 'Wisata Nusantara', 120, {load})"
    )
    # The calendar ended on 30 September: its new days start on 1 October, not 14 October.
    assert _update(con) == date(2026, 10, 1)
    assert_equals_full_build(con, tmp_path)


def test_nothing_dated_changed_recomputes_only_whole_models(
    demo_copy: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    con = demo_copy
    _new_load(con)
    daily = con.execute("select * from metrics.awareness_daily order by all").fetchall()
    assert _update(con) is None
    assert con.execute("select * from metrics.awareness_daily order by all").fetchall() == daily
    assert_equals_full_build(con, tmp_path)


def test_an_export_meeting_api_rows_rebuilds(demo_copy: duckdb.DuckDBPyConnection) -> None:
    # Such an export may fill NULLs of rows that keep the API's load_id: nothing shows the change.
    load = _new_load(demo_copy)
    demo_copy.execute(
        "update ops.load set notes = ? where load_id = ?",
        [f"API wins: 3 post_metrics rows {store.KEPT_FROM_API}", load],
    )
    assert models.refresh_metrics(demo_copy, DEMO_SETTINGS.targets)[1] == "rebuilt"
    _new_load(demo_copy)
    assert models.refresh_metrics(demo_copy, DEMO_SETTINGS.targets)[1] == "updated"


def test_view_only_intermediates_stay_views_through_an_update(
    demo_copy: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    con = demo_copy
    view_only = {f"model.{m.name}" for m in model_files.declared_models() if m.view_only}
    assert "model.int_account_metrics" in view_only
    query = (
        "select account_id, followers_total from metrics.awareness_daily "
        "where platform = 'instagram' and date = date '2026-08-14' "
        "and followers_total is not null order by account_id"
    )
    before = con.execute(query).fetchall()
    assert before
    load = _new_load(con)
    con.execute(
        "update core.account_daily set followers_total = followers_total + 100, load_id = ? "
        "where platform = 'instagram' and date = date '2026-08-14'",
        [load],
    )
    assert _update(con) == date(2026, 8, 14)
    # The metric table read the view's new rows; no table of a view-only model was written.
    assert con.execute(query).fetchall() == [(a, f + 100) for a, f in before]
    assert {name for name, kind in _relations(con) if kind == "view"} == view_only
    assert_equals_full_build(con, tmp_path)
