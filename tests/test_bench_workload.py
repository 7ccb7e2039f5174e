"""The benchmark's workload generator: seeded, in layouts Kunci reads, every row accounted for."""

import csv
import io
from collections import Counter
from datetime import date
from pathlib import Path

from bench.workload import Workload, write_workspace
from demo.x import x_content_date
from flows.config.settings import load_settings
from flows.load import ingest, inputs, store
from flows.run import pipeline

# Two accounts per platform across a month and a quarter boundary: 2 x (2 months x 2 content
# exports + 2 quarters x 4 charts) = 24 files.
TINY = Workload(accounts=2, first=date(2026, 9, 20), last=date(2026, 10, 5))


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_same_workload_same_bytes_and_every_row_loads(tmp_path: Path) -> None:
    written = write_workspace(tmp_path / "a", TINY)
    write_workspace(tmp_path / "b", TINY)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert len(written) == 24
    assert {f.layout for f in written} == {"x_content", "instagram_content", "instagram_chart"}
    other = write_workspace(tmp_path / "c", Workload(2, TINY.first, TINY.last, seed=1))
    assert len(other) == len(written)
    assert _files(tmp_path / "c") != _files(tmp_path / "a")

    settings = load_settings(str(tmp_path / "a" / "kunci.toml"))
    expected = {str(tmp_path / "a" / f.path): f.rows for f in written}
    con = store.connect(tmp_path / "kunci.duckdb")
    pipeline.initialise(con, settings)
    outcomes = [
        ingest.ingest_file(con, item, settings, tmp_path / "raw") for item in inputs.inbox(settings)
    ]
    assert {o.path: o.rows_read for o in outcomes} == expected
    assert all(o.status == "loaded" for o in outcomes)
    assert all(o.rows_loaded == o.rows_read for o in outcomes)
    assert sum(o.rows_quarantined + o.rows_skipped for o in outcomes) == 0

    posts = sum(f.rows for f in written if f.layout != "instagram_chart")
    per_account = con.execute(
        "select platform, account_id, count(*) from core.post group by all order by all"
    ).fetchall()
    assert [row[:2] for row in per_account] == [
        ("instagram", "17841500000000000"),
        ("instagram", "17841500000000001"),
        ("x", "client_x_00000"),
        ("x", "client_x_00001"),
    ]
    assert sum(row[2] for row in per_account) == posts
    assert con.execute("select count(*) from core.post_metrics").fetchone() == (posts,)
    days = (TINY.last - TINY.first).days + 1
    followers = con.execute(
        "select count(followers_total), count(reach), count(profile_visits) "
        "from core.account_daily where platform = 'instagram'"
    ).fetchone()
    assert followers == (2 * days, 2 * days, 2 * days)
    con.close()


def _posts(path: Path) -> set[tuple[str, str, str]]:
    """Id, publish date and text of the posts of an X content export."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    return {(row[0], row[1], row[2]) for row in rows[1:]}


def test_a_day_written_alone_holds_the_posts_of_that_day_in_a_longer_range(tmp_path: Path) -> None:
    day = date(2026, 9, 25)
    alone = write_workspace(tmp_path / "day", TINY, day, day, period="day")
    assert Counter(f.layout for f in alone) == {
        "x_content": 2,
        "instagram_content": 2,
        "instagram_chart": 8,
    }
    write_workspace(tmp_path / "range", TINY)
    folder = "inbox/x/client_x_00001"
    of_day = _posts(
        tmp_path / "day" / folder / "account_analytics_content_2026-09-25_2026-09-25.csv"
    )
    september = _posts(
        tmp_path / "range" / folder / "account_analytics_content_2026-09-20_2026-09-30.csv"
    )
    assert len(of_day) >= 1
    assert of_day == {post for post in september if post[1] == x_content_date(day)}
