"""How the writer reads staged Parquet from a staging zone at a URL (moto's S3 server, loopback).

```sh
.venv/bin/python -m bench.staging_zone_read [--files 40] [--rows 2000] [--repeat 3]
```

The one writer reads one table of a batch of staged inputs with DuckDB `read_parquet` over many
files (`flows.load.staged_load`). httpfs is not available, so at a URL there are three ways, timed
in
one run with the local read as baseline:

- `local`: the files on local disk, read in place (a local staging zone, today's path);
- `fetch_then_read`: `Zone.fetch` downloads the objects concurrently (fsspec `get`) into a local
  folder, then the same `read_parquet` (what Kunci does);
- `duckdb_fsspec`: the s3fs filesystem registered with DuckDB (`register_filesystem`) and
  `read_parquet('s3://...')` directly;
- `polars_frames`: each object read with polars and the concatenated frame registered with DuckDB.

Writes `bench/results/staging_zone_read.json` and prints it.
"""

import argparse
import io
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from flows import zones

RESULTS = Path(__file__).parent / "results" / "staging_zone_read.json"
KEY, SECRET = "bench-key", "bench-secret"


def _count(con: duckdb.DuckDBPyConnection, files: list[str]) -> int:
    listed = ", ".join(f"'{f}'" for f in files)
    row = con.execute(
        f"select count(*) from read_parquet([{listed}], filename = true, "
        "file_row_number = true, union_by_name = true)"
    ).fetchone()
    return int(row[0]) if row else 0


def measure(files: int, rows: int, repeat: int) -> dict[str, Any]:
    """Every way, `repeat` times each, on `files` Parquet files of `rows` rows."""
    import s3fs  # type: ignore[import-untyped]
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    fs = s3fs.S3FileSystem(key=KEY, secret=SECRET, endpoint_url=endpoint)
    fs.mkdir("bench")
    os.environ["KUNCI_BENCH_S3_KEY"], os.environ["KUNCI_BENCH_S3_SECRET"] = KEY, SECRET
    storage = zones.Storage(
        (("endpoint_url", endpoint),),
        (("key", "KUNCI_BENCH_S3_KEY"), ("secret", "KUNCI_BENCH_S3_SECRET")),
    )
    zone = zones.Zone("s3://bench/staging", storage)
    work = Path(tempfile.mkdtemp(prefix="kunci-zone-read-"))
    relatives = [f"{n:06d}/post.parquet" for n in range(files)]
    for n, relative in enumerate(relatives):
        frame = pl.DataFrame(
            {"post_id": range(n * rows, (n + 1) * rows), "text": ["x" * 40] * rows}
        )
        buffer = io.BytesIO()
        frame.write_parquet(buffer, compression="lz4", statistics=False)
        zone.write(relative, buffer.getvalue())
        (work / "local" / relative).parent.mkdir(parents=True, exist_ok=True)
        (work / "local" / relative).write_bytes(buffer.getvalue())

    def local() -> int:
        return _count(duckdb.connect(), [str(work / "local" / r) for r in relatives])

    def fetch_then_read() -> int:
        fetched = zone.fetch(relatives, work / "scratch")
        try:
            return _count(duckdb.connect(), [str(p) for p in fetched])
        finally:
            shutil.rmtree(work / "scratch")

    def duckdb_fsspec() -> int:
        con = duckdb.connect()
        con.register_filesystem(fs)
        return _count(con, [zone.url_of(r) for r in relatives])

    def polars_frames() -> int:
        frames = [pl.read_parquet(io.BytesIO(zone.read(r))) for r in relatives]
        con = duckdb.connect()
        con.register("frames", pl.concat(frames, how="diagonal_relaxed"))
        row = con.execute("select count(*) from frames").fetchone()
        return int(row[0]) if row else 0

    found: dict[str, Any] = {"files": files, "rows_per_file": rows}
    try:
        for name, way in [
            ("local", local),
            ("fetch_then_read", fetch_then_read),
            ("duckdb_fsspec", duckdb_fsspec),
            ("polars_frames", polars_frames),
        ]:
            seconds = []
            for _ in range(repeat):
                start = time.perf_counter()
                if way() != files * rows:
                    raise SystemExit(f"{name} did not read every row")
                seconds.append(round(time.perf_counter() - start, 3))
            found[name] = {"seconds": seconds, "median_seconds": sorted(seconds)[len(seconds) // 2]}
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return found


def main() -> None:
    """Measure, print, and keep the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    found = measure(args.files, args.rows, args.repeat)
    RESULTS.write_text(json.dumps(found, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(found, indent=2))


if __name__ == "__main__":
    main()
