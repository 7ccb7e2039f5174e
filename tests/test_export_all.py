"""`kunci export --all`: every metric table as hive-partitioned Parquet, read back exactly.

The demo database is exported to a folder and to moto's S3 server on 127.0.0.1, then each table
is read back with DuckDB's `read_parquet(..., hive_partitioning = true)` and compared with the
table in the DuckDB file: the same column names, types and rows.
"""

import json
from pathlib import Path

import duckdb
import pytest
import s3fs

from flows.cli import commands as cli
from flows.publish import export
from tests.conftest import DEMO_CONFIG, S3_KEY, S3_SECRET, s3_zones_toml


def same_tables(db: Path, root: Path) -> int:
    """Compare every metric table of `db` with its export under `root`; return the table count."""
    marker = json.loads((root / export.SUCCESS_MARKER).read_text(encoding="utf-8"))
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'metrics'"
            ).fetchall()
        ]
        assert sorted(marker["tables"]) == sorted(f"metrics.{t}" for t in tables)
        for table in tables:
            (folder,) = [p for p in root.glob(f"*/{table}") if p.is_dir()]
            pattern = str(folder / "**" / "*.parquet")
            dated = marker["tables"][f"metrics.{table}"]["date_column"]
            back = con.sql(f"select * from read_parquet('{pattern}', hive_partitioning = true)")
            if export.PARTITION_KEY in back.columns:
                back = back.select(f"* exclude ({export.PARTITION_KEY})")
            original = con.sql(f"select * from metrics.{table}")
            assert back.columns == original.columns, table
            assert back.types == original.types, table
            assert sorted(map(repr, back.fetchall())) == sorted(map(repr, original.fetchall())), (
                table
            )
            assert marker["tables"][f"metrics.{table}"]["rows"] == len(original.fetchall())
            if dated:
                months = con.sql(
                    f"select distinct strftime({dated}, '%Y-%m') from metrics.{table} "
                    f"where {dated} is not null"
                ).fetchall()
                for (month,) in months:
                    assert (folder / f"{export.PARTITION_KEY}={month}").is_dir(), (table, month)
        return len(tables)
    finally:
        con.close()


def test_export_all_to_a_folder_reads_back_every_metric_table_exactly(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lake = tmp_path / "lake"
    assert cli.main(["export", "--all", "--to", str(lake), "--db", str(demo_db)]) == 0
    count = same_tables(demo_db, lake)
    assert count >= 20 and f"{count} metric tables" in capsys.readouterr().out
    assert (lake / "awareness" / "awareness_daily" / "year_month=2026-09").is_dir()
    assert (lake / "workspace" / "catalog" / "data_0.parquet").is_file()
    assert not list(lake.glob(".*"))  # no private folder left behind

    stale = lake / "awareness" / "awareness_daily" / "year_month=1999-01"
    stale.mkdir()
    assert cli.main(["export", "--all", "--to", str(lake), "--db", str(demo_db)]) == 0
    assert not stale.exists()  # a table is replaced whole, not merged into
    same_tables(demo_db, lake)


def test_export_all_refuses_single_table_options_in_one_line(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["export", "--all", "--to", str(tmp_path), "--since", "2026-01-01", "--db", str(demo_db)]
    assert cli.main(args) == 2
    assert "--all takes --to DIR_OR_URL only" in capsys.readouterr().err


def test_export_all_to_s3_reads_back_every_metric_table_exactly(
    demo_db: Path, tmp_path: Path, s3_endpoint: str
) -> None:
    config = tmp_path / "kunci.toml"
    url = f"s3://kunci/{tmp_path.name}/lake"
    config.write_text(
        DEMO_CONFIG.read_text(encoding="utf-8") + s3_zones_toml(s3_endpoint, f"{url}-raw"),
        encoding="utf-8",
    )
    args = ["export", "--all", "--to", url, "--config", str(config), "--db", str(demo_db)]
    assert cli.main(args) == 0
    bucket = s3fs.S3FileSystem(key=S3_KEY, secret=S3_SECRET, endpoint_url=s3_endpoint)
    copy = tmp_path / "downloaded"
    bucket.get(url, str(copy), recursive=True)
    assert not [p for p in bucket.find(url) if "/." in p]  # nothing private left in the bucket
    same_tables(demo_db, copy)
