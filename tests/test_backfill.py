"""Backfills over the fake APIs: identical tables when run twice, replay, resume after a failure."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from flows.run.backfill import backfill_flow
from tests.fakeapi import FakeApi, Reply, Request
from tests.fakeapi.workspace import TOKENS, install_all, write_config

pytestmark = pytest.mark.flow
START, END = date(2026, 10, 1), date(2026, 11, 23)
GA4_REPORT = "/v1beta/properties/345678901:runReport"


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeApi]:
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)
    with FakeApi() as fake:
        install_all(fake)
        yield fake


def _content(db: Path, schemas: tuple[str, ...] = ("core", "metrics")) -> dict[str, list[str]]:
    """Every table of the schemas, without provenance, as sorted rows: content, not counts."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name in "
            f"({', '.join('?' * len(schemas))}) order by all",
            list(schemas),
        ).fetchall()
        content = {}
        for schema, table in tables:
            columns = [
                name
                for (name,) in con.execute(
                    "select column_name from duckdb_columns() where schema_name = ? "
                    "and table_name = ? and column_name not in ('load_id', 'built_at') "
                    "order by column_index",
                    [schema, table],
                ).fetchall()
            ]
            quoted = ", ".join(f'"{name}"' for name in columns)
            rows = con.execute(f"select {quoted} from {schema}.{table}").fetchall()
            content[f"{schema}.{table}"] = sorted(map(repr, rows))
        return content
    finally:
        con.close()


def test_the_same_backfill_twice_gives_identical_tables_and_replay_gives_the_same_core(
    tmp_path: Path, api: FakeApi, prefect_harness: None
) -> None:
    config = str(write_config(tmp_path, api.base_url))
    db = tmp_path / "data" / "kunci.duckdb"
    first = backfill_flow(str(db), START, END, config=config)
    assert [(c.start, c.end) for c in first.chunks] == [
        (date(2026, 10, 1), date(2026, 10, 30)),
        (date(2026, 10, 31), date(2026, 11, 23)),
    ]
    assert not first.failed
    before = _content(db)
    assert len(before["core.web_traffic_daily"]) == 35
    assert before["metrics.community_daily"]

    second = backfill_flow(str(db), START, END, config=config)
    assert not any(c.done_before for c in second.chunks)  # a finished backfill starts over
    assert _content(db) == before

    db.unlink()  # the database is lost; the raw zone beside it is all that is left
    replayed = backfill_flow(str(db), START, END, replay=True, config=config)
    assert sum(len(c.outcomes) for c in replayed.chunks) == 84  # 2 runs x 42 pulls (21 x 2 chunks)
    assert _content(db) == before


def test_an_interrupted_backfill_resumes_at_its_first_unfinished_chunk(
    tmp_path: Path, api: FakeApi, prefect_harness: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = str(write_config(tmp_path, api.base_url))
    db = tmp_path / "data" / "kunci.duckdb"
    answer = api.answer

    def refuse_second_chunk(request: Request) -> Reply:
        """The property refuses every report of the second chunk until the fault is lifted."""
        if (
            request.path == GA4_REPORT
            and request.json()["dateRanges"][0]["startDate"] >= "2026-10-31"
        ):
            return Reply.json(
                {
                    "error": {
                        "code": 400,
                        "message": "backend refused",
                        "status": "FAILED_PRECONDITION",
                    }
                },
                status=400,
            )
        return answer(request)

    monkeypatch.setattr(api, "answer", refuse_second_chunk)
    broken = backfill_flow(str(db), START, END, source=["ga4"], config=config)
    assert [len(c.failed) for c in broken.chunks] == [0, 1]
    monkeypatch.setattr(api, "answer", answer)

    resumed = backfill_flow(str(db), START, END, source=["ga4"], config=config)
    assert [c.done_before for c in resumed.chunks] == [True, False]
    assert not resumed.failed

    clean = tmp_path / "clean" / "kunci.duckdb"
    backfill_flow(str(clean), START, END, source=["ga4"], config=config)
    assert _content(db, ("core",)) == _content(clean, ("core",))
