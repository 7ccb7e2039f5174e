"""Benchmark: what a local command costs, against `python -c "import polars, duckdb"` (issue 17).

    .venv/bin/python -m bench.commands [--repeat 7] [--work /tmp/kunci-commands]

Times, as people run them (a fresh process each, no Prefect API configured, so the local path):

- `baseline`: `python -c "import polars, duckdb"`, the floor of any command of this stack;
- `ingest_new`: `kunci ingest` of one small X export (a month of posts, 50 rows) into a new
  database: the schema, the load, the first build of every metric table, the publish;
- `ingest_published`: the same export into a published database that already holds the X
  overview (the analyst's case: one more export dropped in);
- `nightly_empty`: `kunci run nightly` of a workspace with nothing new (warm: after a first run).

Rounds interleave the four, so load from other work on the machine weighs on all of them alike;
the script prints each one's median and its ratio to the baseline's median from the same run
(targets: ingest within 5x, the empty nightly within 8x) and writes `bench/results/commands.json`.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.timing import median

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "commands.json"
DEMO_X = ROOT / "data" / "demo" / "inbox" / "x"
SMALL_EXPORT = DEMO_X / "content" / "account_analytics_content_2026-08-01_2026-08-31.csv"
OVERVIEW = DEMO_X / "overview" / "account_overview_analytics_2026-07-03_2026-09-30.csv"
TARGETS = {"ingest_new": 5.0, "ingest_published": 5.0, "nightly_empty": 8.0}


def local_env(work: Path) -> dict[str, str]:
    """No Prefect API, this checkout's code, a Prefect home that must stay unused.

    The exports are the demo workspace's X account's, so the ingests name its config.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "KUNCI_DB")}
    return {
        **env,
        "PYTHONPATH": str(ROOT),
        "PREFECT_HOME": str(work / "prefect-home"),
        "KUNCI_CONFIG": str(ROOT / "data" / "demo" / "kunci.toml"),
    }


def timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    """Wall seconds of one command, which must succeed."""
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return seconds


def main() -> None:
    """Measure the four, interleaved; print medians and ratios; write the results file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path("/tmp/kunci-commands"))
    args = parser.parse_args()
    work: Path = args.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = local_env(work)
    kunci = [sys.executable, "-m", "flows.cli.commands"]
    empty = work / "empty" / "kunci.toml"
    empty.parent.mkdir()
    empty.write_text(
        '[workspace]\nname = "empty"\n\n[[accounts]]\nplatform = "x"\naccount_id = "nobody"\n',
        encoding="utf-8",
    )
    nightly = [*kunci, "run", "nightly", "--config", str(empty), "--db", str(empty.parent / "k.db")]
    timed(nightly, env, work)  # the first run creates the database; the measured ones find it
    base = work / "base" / "kunci.duckdb"
    timed([*kunci, "ingest", str(OVERVIEW), "--db", str(base)], env, work)

    def ingest_new(n: int) -> float:
        db = work / f"new{n}" / "kunci.duckdb"
        return timed([*kunci, "ingest", str(SMALL_EXPORT), "--db", str(db)], env, work)

    def ingest_published(n: int) -> float:
        db = work / f"published{n}" / "kunci.duckdb"
        shutil.copytree(base.parent, db.parent)
        return timed([*kunci, "ingest", str(SMALL_EXPORT), "--db", str(db)], env, work)

    def baseline(n: int) -> float:
        return timed([sys.executable, "-c", "import polars, duckdb"], env, work)

    def nightly_empty(n: int) -> float:
        return timed(nightly, env, work)

    measures: dict[str, Callable[[int], float]] = {
        "baseline": baseline,
        "ingest_new": ingest_new,
        "ingest_published": ingest_published,
        "nightly_empty": nightly_empty,
    }
    seconds: dict[str, list[float]] = {name: [] for name in measures}
    for n in range(args.repeat):
        for name, measure in measures.items():
            seconds[name].append(round(measure(n), 3))
    if (work / "prefect-home").exists():
        raise SystemExit("a local command touched Prefect's home: it imported or started Prefect")

    floor = median(seconds["baseline"])
    result: dict[str, Any] = {"repeat": args.repeat, "load_average": os.getloadavg()}
    for name, runs in seconds.items():
        ratio = median(runs) / floor
        target = TARGETS.get(name)
        result[name] = {"seconds": runs, "median": median(runs), "ratio": round(ratio, 2)}
        verdict = (
            ""
            if target is None
            else f"  (target {target:g}x: {'met' if ratio <= target else 'NOT met'})"
        )
        print(f"{name:<17} median {median(runs):6.2f} s  {ratio:5.2f}x baseline{verdict}")
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
