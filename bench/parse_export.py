"""Benchmark: parse a large CSV export with `normalize_export` against DuckDB's `read_csv`.

Generates a deterministic X content export of about `--mb` megabytes (quoted post texts with
commas, doubled quotes, emoji and line breaks; 19-digit ids; CRLF like the real export), then
measures in one run, each measurement in a fresh process so that its peak RSS is its own:

- `duckdb_varchar`: DuckDB `read_csv(..., all_varchar = true)` into an in-memory table (baseline);
- `duckdb_typed`: the same with DuckDB's type inference;
- `normalize_export`: Kunci's whole normalize step from the file (`normalize_file`: read, decode,
  split, detect, parse, map to the canonical frames), without loading DuckDB;
- `before` (with `--before REV`): `normalize_export` of the `transforms` package at a git revision.

Reports the median of `--repeat` runs, the ratio to the baseline, peak RSS and where the time of one
`normalize_export` run goes, and writes them to `bench/results/parse_export.json`.

    .venv/bin/python bench/parse_export.py [--mb 100] [--repeat 3] [--preamble] [--before REV]
"""

import argparse
import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "parse_export.json"
SEED = 20260801
HEADER = [
    "Post id",
    "Date",
    "Post text",
    "Link",
    "Impressions",
    "Likes",
    "Engagements",
    "Bookmarks",
    "Share",
    "New follows",
    "Replies",
    "Reposts",
    "Profile visits",
    "Detail expands",
    "Url clicks",
    "Hashtag clicks",
    "Permalink clicks",
]
TEXT = (
    "a live da Worm está oficialmente debutando no Brasil vamos celebrar com uma histórica "
    "kami senang mengumumkan peluncuran produk baru untuk semua pengguna di Indonesia "
    "join us tomorrow for the launch, don't miss it: staking rewards, governance, period "
    "🚀 ❗️ ⬇️ 🇧🇷 🇮🇩 @wormhole @solana #web3 #crypto 19/02 18:00"
)
WORDS = TEXT.split()
PREAMBLE = [
    "# ----------------------------------------",
    "# Kunci benchmark export",
    "# Start date: 20240101",
    "# End date: 20251231",
    "# ----------------------------------------",
    "",
]
SOURCE_NAME = "account_analytics_content_2024-01-01_2025-12-31.csv"
T = TypeVar("T")


def generate(path: Path, megabytes: float, preamble: bool) -> int:
    """Write the export (same bytes for the same arguments); return its number of data rows."""
    rng = random.Random(SEED)
    target = int(megabytes * 1_000_000)
    post_id, day, rows = 1891564128784855141, date(2025, 12, 31), 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        if preamble:
            out.write("\r\n".join(PREAMBLE) + "\r\n")
        writer.writerow(HEADER)
        while out.tell() < target:
            batch = []
            for _ in range(1000):
                post_id -= rng.randrange(10**8, 10**12)
                if rng.random() < 0.002:
                    day -= timedelta(days=1)
                batch.append(_row(rng, post_id, day))
            writer.writerows(batch)
            rows += len(batch)
    return rows


def _row(rng: random.Random, post_id: int, day: date) -> list[object]:
    words = rng.choices(WORDS, k=rng.randrange(6, 45))
    if rng.random() < 0.15:
        words.insert(rng.randrange(len(words)), '"quoted, words"')
    if rng.random() < 0.1:
        words.insert(rng.randrange(len(words)), "\n\n")
    words.append(f"https://t.co/{rng.randrange(36**10):x}")
    impressions = rng.randrange(0, 200_000)
    shares = (50, 20, 400, 900, 3000, 300, 200, 80, 60, 100, 2000, 5000)
    counts = [rng.randrange(0, max(1, impressions // share)) for share in shares]
    link = f"https://x.com/kunci_bench/status/{post_id}"
    return [post_id, day.strftime("%a %b %d %Y"), " ".join(words), link, impressions, *counts]


# --- workers: each runs in its own process --------------------------------------------------------


def _duckdb(path: Path, options: str, preamble_lines: int) -> Callable[[], int]:
    import duckdb

    con = duckdb.connect()
    skip = f", skip = {preamble_lines}" if preamble_lines else ""
    query = f"create or replace table export as select * from read_csv(?{options}{skip})"

    def run() -> int:
        con.execute(query, [str(path)])
        row = con.execute("select count(*) from export").fetchone()
        return int(row[0]) if row else 0

    return run


def _normalize(path: Path) -> Callable[[], int]:
    """The normalize step as `kunci ingest` runs it: from the file, through `normalize_file`.

    A revision without `normalize_file` (before issue 19) is given the file's bytes.
    """
    from transforms import read
    from transforms.context import IngestContext

    ctx = IngestContext(source_name=SOURCE_NAME, as_of=date(2026, 1, 1))
    normalize_file = getattr(read, "normalize_file", None)

    def run() -> int:
        if normalize_file is None:
            result = read.normalize_export(path.read_bytes(), ctx)
        else:
            result = normalize_file(path, ctx)
        assert result.rows_loaded == result.rows_read, "the benchmark export loads every row"
        return result.rows_read

    return run


def _breakdown(path: Path) -> dict[str, float]:
    """Seconds per stage of one `normalize_export` of the CSV, through the stages' own functions."""
    from transforms.container.decode import utf8_bytes
    from transforms.container.delimited import read_delimited
    from transforms.context import IngestContext
    from transforms.detect import detect
    from transforms.formats import FORMATS
    from transforms.table import to_parsed_input

    ctx = IngestContext(source_name=SOURCE_NAME, as_of=date(2026, 1, 1))
    stages: dict[str, float] = {}

    def timed(name: str, step: Callable[[], T]) -> T:
        start = time.perf_counter()
        value = step()
        stages[name] = round(time.perf_counter() - start, 3)
        return value

    data = timed("read file", path.read_bytes)
    utf8, _encoding = timed("decode (validate UTF-8)", lambda: utf8_bytes(data))
    records, rest = timed("split (csv head, polars bulk)", lambda: read_delimited(utf8))
    detection = timed("detect", lambda: detect(records, FORMATS))
    parsed = timed(
        "rows to string frame (_row, _raw)",
        lambda: to_parsed_input(records, detection, "", rest),
    )
    module = sys.modules[detection.spec.normalize.__module__]
    parse_fields = getattr(module, "parse_fields")  # noqa: B009 (set back below)
    parsing = [0.0]

    def timed_parse(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return parse_fields(*args, **kwargs)
        finally:
            parsing[0] += time.perf_counter() - start

    setattr(module, "parse_fields", timed_parse)  # noqa: B010 (time the format's own calls)
    try:
        timed("format: parse fields and map", lambda: detection.spec.normalize(parsed, ctx))
    finally:
        setattr(module, "parse_fields", parse_fields)  # noqa: B010
    stages["of which typed.parse_fields"] = round(parsing[0], 3)
    return stages


def worker(method: str, path: Path, repeat: int, preamble_lines: int) -> None:
    """Time `method` `repeat` times on `path`; print one JSON line."""
    run = {
        "duckdb_varchar": lambda: _duckdb(path, ", all_varchar = true", preamble_lines),
        "duckdb_typed": lambda: _duckdb(path, "", preamble_lines),
        "normalize_export": lambda: _normalize(path),
        "before": lambda: _normalize(path),
    }[method]()
    rss_ready = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    seconds, rows = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        rows = run()
        seconds.append(time.perf_counter() - start)
    report: dict[str, object] = {
        "seconds": [round(s, 3) for s in seconds],
        "rows": rows,
        "rss_ready_mb": round(rss_ready / 1024),
        "rss_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    if "transforms" in sys.modules:
        report["package"] = sys.modules["transforms"].__path__[0]
    if method == "normalize_export":
        report["breakdown_seconds"] = _breakdown(path)
    print(json.dumps(report))


# --- driver -------------------------------------------------------------------------------------


def _measure(
    method: str, path: Path, args: argparse.Namespace, env: dict[str, str]
) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", method, "--file", str(path)]
    command += ["--repeat", str(args.repeat), "--preamble-lines", str(args.preamble_lines)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{method} failed:\n{done.stderr}")
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    report["median_seconds"] = round(statistics.median(report["seconds"]), 3)
    print(
        f"{method:18} median {report['median_seconds']:7.3f} s  peak RSS {report['rss_peak_mb']} MB"
    )
    return report


def _commit(revision: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", revision],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def _old_tree(revision: str, into: Path) -> Path:
    """The `transforms` package as of `revision`, extracted with `git archive`."""
    archive = into / "before.tar"
    with archive.open("wb") as out:
        subprocess.run(
            ["git", "-C", str(ROOT), "archive", revision, "transforms"], stdout=out, check=True
        )
    with tarfile.open(archive) as tar:
        tar.extractall(into / "before", filter="data")
    return into / "before"


def main() -> None:
    """Generate the export, measure every method in its own process and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=100, help="size of the export (MB)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per method (median)")
    parser.add_argument("--preamble", action="store_true", help="GA4-like '#' lines first")
    parser.add_argument("--before", metavar="REV", help="also time transforms at this git rev")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--preamble-lines", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.file, args.repeat, args.preamble_lines)
        return
    args.preamble_lines = len(PREAMBLE) if args.preamble else 0
    with tempfile.TemporaryDirectory(prefix="kunci-bench-") as tmp:
        path = Path(tmp) / SOURCE_NAME
        start = time.perf_counter()
        rows = generate(path, args.mb, args.preamble)
        size = path.stat().st_size
        print(f"generated {size / 1e6:.1f} MB, {rows} rows in {time.perf_counter() - start:.1f} s")
        env = dict(os.environ)
        methods = ["duckdb_varchar", "duckdb_typed", "normalize_export"]
        reports = {method: _measure(method, path, args, env) for method in methods}
        if args.before:
            old = {**env, "PYTHONPATH": str(_old_tree(args.before, Path(tmp)))}
            reports["before"] = _measure("before", path, args, old)
    for method, report in reports.items():
        if report["rows"] != rows:
            raise SystemExit(f"{method} read {report['rows']} rows, the file has {rows}")
    baseline = reports["duckdb_varchar"]["median_seconds"]
    for report in reports.values():
        report["ratio_to_duckdb_varchar"] = round(report["median_seconds"] / baseline, 2)
    result = {
        "file": {"megabytes": round(size / 1e6, 1), "rows": rows, "preamble": args.preamble},
        "repeat": args.repeat,
        "before_revision": args.before and _commit(args.before),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "methods": reports,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for method, report in reports.items():
        print(f"{method:18} {report['ratio_to_duckdb_varchar']:5.2f}x duckdb_varchar")
    print(json.dumps(reports["normalize_export"]["breakdown_seconds"], indent=2))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
