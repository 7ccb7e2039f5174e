"""Benchmark: Kunci at agency scale, against what DuckDB does with the same data, in one run.

Measures, each in a process of its own (`bench.workers`), and writes `bench/results/latest.json`
and the results table of `docs/performance.md`:

1. ingest: a seeded workload of exports (`bench.workload`) into `core`, against DuckDB's bare
   `read_csv` of the same files;
2. metric rebuild: `build_metrics` over 10 million post snapshots generated into `core` with SQL
   (`bench.history`), against one DuckDB scan-aggregate of the same table;
3. nightly: one new day of exports on three years of history against one month of history, the
   run's steps in-process; the same run through `kunci run nightly` for the Prefect overhead;
4. backfill: peak memory of loading 10 million rows of exports (`bench.bulk`) and building;
5. fixed overhead: `kunci run nightly` on an empty inbox, Prefect start included.

    .venv/bin/python -m bench.run [--scale 1] [--repeat 3] [--only ingest,rebuild,...]

The default scale takes about ten minutes on two cores; `--scale` multiplies every size.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.report import render_results, targets
from bench.timing import median

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "latest.json"
DOC = ROOT / "docs" / "performance.md"
STEPS = ("overhead", "ingest", "rebuild", "nightly", "backfill")
NEW_DAY = date(2026, 10, 1)  # the nightly run's day; history ends the day before
HISTORY_ACCOUNTS = 250  # per platform, at scale 1
HISTORY_SNAPSHOTS = 10_000_000
NIGHTLY_EXPORTERS = 10  # accounts per platform whose exports of the new day arrive
BACKFILL_ROWS = 10_000_000
BACKFILL_ROWS_PER_FILE = 200_000
Result = dict[str, Any]


def child(name: str, params: Result) -> Result:
    """Run worker `name` in a fresh process through `--measure` (which reports its peak RSS)."""
    command = [sys.executable, "-m", "bench.run", "--measure", name, json.dumps(params)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{name} failed:\n{done.stderr[-4000:]}")
    result: Result = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(name: str, params: str) -> None:
    """Run worker `name` as this process's only child; print its result and peak RSS."""
    start = time.perf_counter()
    command = [sys.executable, "-m", "bench.workers", name, params]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(done.returncode)
    result: Result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_seconds"] = round(time.perf_counter() - start, 3)
    result["rss_peak_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    print(json.dumps(result))


def wall(command: list[str], env: dict[str, str], cwd: Path = ROOT) -> float:
    """Seconds a command takes; it must succeed."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-4000:]}")
    return round(time.perf_counter() - start, 3)


def prefect_env(work: Path) -> dict[str, str]:
    """An environment whose Prefect is offline and private to the benchmark."""
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "KUNCI_DB")}
    env.update(
        PREFECT_HOME=str(work / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="90",
        PREFECT_UI_ENABLED="false",
    )
    return env


def kunci() -> str:
    """The `kunci` script of this environment."""
    return str(Path(sys.executable).with_name("kunci"))


# --- the five measurements -------------------------------------------------------------------


def overhead(work: Path, args: argparse.Namespace) -> Result:
    """5. `kunci run nightly` on an empty inbox: the first run ever, then warm runs."""
    space = work / "empty"
    space.mkdir(parents=True)
    (space / "kunci.toml").write_text(
        '[workspace]\nname = "empty"\n\n[[accounts]]\nplatform = "x"\naccount_id = "nobody"\n',
        encoding="utf-8",
    )
    env = prefect_env(work)
    run = [kunci(), "run", "nightly", "--config", str(space / "kunci.toml")]
    run += ["--db", str(space / "kunci.duckdb")]
    imports = wall([sys.executable, "-c", "import flows.run.nightly"], env)
    first = wall(run, env)
    warm = [wall(run, env) for _ in range(args.repeat)]
    return {
        "import_flows_nightly_seconds": imports,
        "first_run_seconds": first,
        "seconds": warm,
        "median_seconds": median(warm),
    }


def ingest(work: Path, args: argparse.Namespace) -> Result:
    """1. The workload's exports into `core`, against DuckDB's `read_csv` of the same files."""
    from bench.workload import Workload, write_workspace

    space = work / "ingest"
    start = time.perf_counter()
    written = write_workspace(space, Workload.at_scale(args.scale))
    generated = round(time.perf_counter() - start, 3)
    duck = child("ingest_duckdb", {"root": str(space), "repeat": args.repeat})
    params = {
        "root": str(space),
        "repeat": args.repeat_long,
        "db": str(work / "db" / "kunci.duckdb"),
    }
    mine = child("ingest_kunci", params)
    megabytes = sum(f.size for f in written) / 1e6
    rows = sum(f.rows for f in written)
    if mine["rows"] != rows:
        raise SystemExit(f"ingest read {mine['rows']} rows, the workload has {rows}")
    for report in (duck, mine):
        report["median_seconds"] = median(report["seconds"])
        report["megabytes_per_second"] = round(megabytes / report["median_seconds"], 2)
        report["rows_per_second"] = round(rows / report["median_seconds"])
    found = {
        "files": len(written),
        "megabytes": round(megabytes, 1),
        "rows": rows,
        "generate_seconds": generated,
        "duckdb_read_csv": duck,
        "kunci": mine,
        "ratio": round(mine["median_seconds"] / duck["median_seconds"], 2),
    }
    return found


def _nightly_space(work: Path, args: argparse.Namespace) -> Path:
    """The nightly workspace: every account configured, the new day's exports of a few."""
    from bench.workload import Workload, write_workspace

    space = work / "nightly"
    if not space.exists():
        accounts = max(1, round(HISTORY_ACCOUNTS * args.scale))
        workload = Workload(accounts=accounts, first=NEW_DAY, last=NEW_DAY)
        exporters = max(1, round(NIGHTLY_EXPORTERS * args.scale))
        write_workspace(space, workload, period="day", exporting=exporters)
    return space


def _history(work: Path, args: argparse.Namespace, days: int, name: str) -> Result:
    """A published database with `days` days of history before the new day (made once)."""
    from bench.history import History

    db = work / f"history-{name}.duckdb"
    accounts = max(1, round(HISTORY_ACCOUNTS * args.scale))
    first, last = NEW_DAY - timedelta(days), NEW_DAY - timedelta(1)
    three_years = History.of_snapshots(
        round(HISTORY_SNAPSHOTS * args.scale), accounts, NEW_DAY - timedelta(1096), last
    )
    rate = three_years.posts / (2 * accounts * three_years.post_days)
    history = History.with_rate(accounts, first, last, rate)
    params = {
        "db": str(db),
        "config": str(_nightly_space(work, args) / "kunci.toml"),
        "accounts": accounts,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "posts": history.posts,
        "snapshots": history.snapshots,
    }
    if not db.exists():
        made = child("history_setup", params)
        (work / f"history-{name}.json").write_text(json.dumps(made), encoding="utf-8")
    made = json.loads((work / f"history-{name}.json").read_text(encoding="utf-8"))
    return {"db": str(db), "posts_per_account_day": round(rate, 3), **made}


def rebuild(work: Path, args: argparse.Namespace) -> Result:
    """2. The metric build over three years (10 million snapshots) against a scan-aggregate."""
    history = _history(work, args, 1096, "3y")
    copy = work / "rebuild.duckdb"
    shutil.copyfile(history["db"], copy)
    params = {"db": str(copy), "repeat": args.repeat, "prototypes": args.prototypes}
    result = child("rebuild", params)
    copy.unlink()
    build = median(result["build_seconds"])
    baseline = median(result["scan_aggregate_by_post_seconds"])
    floor = median(result["write_floor_seconds"])
    return {
        "history": history,
        **result,
        "ratio": round(build / baseline, 2),
        "write_floor_ratio": round(floor / baseline, 2),
    }


def nightly(work: Path, args: argparse.Namespace) -> Result:
    """3. One new day on three years of history against one month; Prefect's share apart."""
    space = _nightly_space(work, args)
    found: Result = {}
    for name, days in (("3y", 1096), ("1m", 30)):
        history = _history(work, args, days, name)
        params = {"root": str(space), "pristine": history["db"], "repeat": args.repeat_long}
        run = child("nightly", {**params, "prototypes": args.prototypes and name == "1m"})
        found[name] = {"history": history, **run, "median_seconds": median(run["seconds"])}
    shutil.copyfile(found["1m"]["history"]["db"], space / "kunci.duckdb")
    command = [kunci(), "run", "nightly", "--config", str(space / "kunci.toml")]
    command += ["--db", str(space / "kunci.duckdb")]
    through_prefect = wall(command, prefect_env(work))
    return {
        **found,
        "ratio": round(found["3y"]["median_seconds"] / found["1m"]["median_seconds"], 2),
        "kunci_run_nightly_1m_seconds": through_prefect,
        "prefect_and_process_overhead_1m_seconds": round(
            through_prefect - found["1m"]["median_seconds"], 3
        ),
    }


def backfill(work: Path, args: argparse.Namespace) -> Result:
    """4. Peak memory of loading 10 million rows of exports into one database and building."""
    from bench.bulk import write_exports
    from bench.workload import Workload, kunci_toml

    space = work / "backfill"
    rows = round(BACKFILL_ROWS * args.scale)
    files = max(1, -(-rows // BACKFILL_ROWS_PER_FILE))
    accounts = max(1, round(HISTORY_ACCOUNTS * args.scale))
    start = time.perf_counter()
    written = write_exports(space / "inbox" / "x", rows, files, accounts, date(2023, 10, 1), 1096)
    generated = round(time.perf_counter() - start, 3)
    toml = kunci_toml(Workload(accounts=accounts), exporting=0)
    toml += '\n[[sources]]\nkind = "exports"\npath = "inbox/x"\n'
    (space / "kunci.toml").write_text(toml, encoding="utf-8")
    duck = child("ingest_duckdb", {"root": str(space), "repeat": 1})
    result = child("backfill", {"root": str(space)})
    megabytes = sum(path.stat().st_size for path in written) / 1e6
    found = {
        "generate_seconds": generated,
        "megabytes": round(megabytes, 1),
        **result,
        "duckdb_read_csv_seconds": duck["seconds"][0],
        "ingest_ratio": round(result["ingest_seconds"] / duck["seconds"][0], 2),
    }
    shutil.rmtree(space)
    return found


MEASUREMENTS = {
    "overhead": overhead,
    "ingest": ingest,
    "rebuild": rebuild,
    "nightly": nightly,
    "backfill": backfill,
}


# --- driver ------------------------------------------------------------------------------------


def machine() -> Result:
    """What the numbers were measured on."""
    import duckdb
    import polars

    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": sys.version.split()[0],
        "duckdb": duckdb.__version__,
        "polars": polars.__version__,
    }


def main() -> None:
    """Run the selected measurements in order and write the results and the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every size")
    parser.add_argument("--repeat", type=int, default=3, help="runs of short measurements")
    parser.add_argument(
        "--repeat-long", type=int, default=1, help="runs of Kunci's ingest and nightly runs"
    )
    parser.add_argument(
        "--prototypes", action="store_true", help="also measure the fixes prototyped in bench/"
    )
    parser.add_argument("--only", default=",".join(STEPS), help="comma-separated measurements")
    parser.add_argument("--work", type=Path, default=Path("/tmp/kunci-bench"))
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--doc", type=Path, default=DOC)
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(*args.measure)
        return
    chosen = [step for step in STEPS if step in args.only.split(",")]
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    results: Result = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "scale": args.scale,
        "repeat": args.repeat,
        "repeat_long": args.repeat_long,
        "prototypes": args.prototypes,
        "machine": machine(),
    }
    begun = time.perf_counter()
    for step in chosen:
        load, start = os.getloadavg()[0], time.perf_counter()
        print(f"{step}: running (load average {load:.2f})", flush=True)
        results[step] = MEASUREMENTS[step](args.work, args)
        results[step]["step"] = {
            "wall_seconds": round(time.perf_counter() - start, 1),
            "load_average_before": round(load, 2),
            "load_average_after": round(os.getloadavg()[0], 2),
        }
        print(f"{step}: {results[step]['step']['wall_seconds']} s", flush=True)
    results["wall_seconds"] = round(time.perf_counter() - begun, 1)
    results["targets"] = targets(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    render_results(args.doc, results)
    shutil.rmtree(args.work, ignore_errors=True)
    for target in results["targets"]:
        print(f"{target['measure']}: {target['measured']} (target {target['target']})")
    print(f"written to {args.out} and {args.doc} in {results['wall_seconds']} s")


if __name__ == "__main__":
    main()
