"""Stage, then load (issue 17): many exports against bare `read_csv`, and 1 vs 2 workers.

```sh
.venv/bin/python -m bench.measure_staging [--scale 1] [--repeat 1] [--work /tmp/kunci-staging]
    [--only dask|ingest]
```

Everything in one run, so every figure has its baseline from the same minutes of the same machine:

- `duckdb_read_csv`: DuckDB `read_csv(all_varchar)` of each file (`bench.measure_ingest`);
- `one_by_one`: `flows.load.ingest.ingest_file` per input in one working copy (the path
  before staging);
- `staged_processes_N`: `flows.load.stage_run.stage_and_load` with N worker processes (pool start
  included), loading into a fresh working copy, published, as a run ingests;
- `normalize_processes_N` and `normalize_dask_N`: staging alone (read, hash, raw zone, normalize,
  Parquet and manifest), in N worker processes or on a local `dask.distributed` cluster of N
  single-threaded worker processes, started beforehand (its start is not counted), and
  neither is the removal of the staged files after each staging.

`--only dask` measures the Dask staging alone (its two lines and their ratio), for work on it,
into `bench/results/staging_dask.json`. `--only ingest` pairs `read_csv` with the staged ingest
of two worker processes within each of `--repeat` rounds and gives each round's ratio and their
median, into `bench/results/staging_ingest.json`: on a machine whose speed drifts from one minute
to the next (this one's `read_csv` took 3.2 to 4.3 s across rounds of one run), a ratio taken
within a round moves less than the ratio of two medians taken minutes apart.

Writes `bench/results/staging.json` and prints it.
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

from bench.measure_ingest import ingest_duckdb
from bench.timing import Result, check_loaded, discard_database, elapsed, load_run, median
from flows import zones
from flows.config.settings import RunnerConfig, Settings, load_settings
from flows.load import inputs, stage_dask, stage_run, staging
from flows.run import pipeline

RESULTS = Path(__file__).parent / "results" / "staging.json"
ONLY_RESULTS = {  # `--only`: the full figures stay
    "dask": RESULTS.with_name("staging_dask.json"),
    "ingest": RESULTS.with_name("staging_ingest.json"),
}


def _timed(repeat: int, action: Callable[[], Any]) -> dict[str, Any]:
    """Seconds of `action`, `repeat` times, and their median."""
    return _self_timed(repeat, lambda: _seconds_of(action))


def _seconds_of(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return elapsed(start)


def _staged_run(db: Path, settings: Settings, items: list[inputs.InputFile], workers: int) -> None:
    discard_database(db)
    raw = pipeline.raw_root(db, settings)
    with pipeline.working_database(db, settings.memory_limit) as working:
        outcomes = pipeline.with_working(
            working,
            lambda con: (
                pipeline.initialise(con, settings),
                stage_run.stage_and_load(
                    con,
                    working.path,
                    items,
                    settings,
                    None,
                    RunnerConfig("processes", workers),
                    raw,
                ),
            )[1],
        )
    check_loaded(outcomes)


def _one_by_one(db: Path, settings: Settings, items: list[inputs.InputFile]) -> None:
    discard_database(db)
    check_loaded(load_run(db, items, settings))


def _stage_only(
    work: Path, settings: Settings, items: list[inputs.InputFile], runner: RunnerConfig
) -> float:
    """Seconds of staging every input; its manifests checked and its files removed after.

    The removal is not staging (a run's writer removes each batch's files while the next
    are staged), and it is not what workers share: 1,440 small files unlinked in one
    process took 0.3 to 3.3 s from one minute to the next on this machine's shared disk,
    the same with one worker as with two, which would blur the ratio of the two.
    """
    area = staging.StagingArea(zones.Zone(str(work)), "staging-only", work / "scratch")
    jobs = [
        staging.StageJob(
            item, settings, None, zones.Zone(str(work / "raw")), area.zone, f"{area.prefix}/{n:06d}"
        )
        for n, item in enumerate(items)
    ]
    seconds = _seconds_of(lambda: stage_run.stage_all(jobs, frozenset(), runner, lambda _: None))
    manifests = area.read_manifests([job.stem for job in jobs])
    failed = [
        job.name for job, staged in zip(jobs, manifests, strict=True) if staged.status != "staged"
    ]
    area.clear()
    if failed:
        raise SystemExit(f"staging failed for {failed[:3]}")
    return seconds


def _self_timed(repeat: int, action: Callable[[], float]) -> dict[str, Any]:
    """`_timed` for an action that returns the seconds of the part of it that counts."""
    seconds = [action() for _ in range(repeat)]
    return {"seconds": seconds, "median_seconds": median(seconds)}


def measure(work: Path, scale: float, repeat: int, only_dask: bool = False) -> Result:
    """Every measurement of this module (or the Dask ones), on one workload under `work`."""
    from distributed import LocalCluster

    from bench.workload import Workload, write_workspace

    written = write_workspace(work / "space", Workload.at_scale(scale))
    settings = load_settings(str(work / "space" / "kunci.toml"))
    items = inputs.inbox(settings)
    db = work / "db" / "kunci.duckdb"
    found: Result = {
        "files": len(written),
        "megabytes": round(sum(f.size for f in written) / 1e6, 1),
        "rows": sum(f.rows for f in written),
        "cpus": os.cpu_count(),
        "load_average_before": os.getloadavg()[0],
    }
    if not only_dask:
        duck = ingest_duckdb({"root": str(work / "space"), "repeat": repeat})
        found["duckdb_read_csv"] = {
            "seconds": duck["seconds"],
            "median_seconds": median(duck["seconds"]),
        }
        found["one_by_one"] = _timed(repeat, lambda: _one_by_one(db, settings, items))
        for workers in (1, 2):
            found[f"staged_processes_{workers}"] = _timed(
                repeat, lambda w=workers: _staged_run(db, settings, items, w)
            )
        for workers in (1, 2):
            runner = RunnerConfig("processes", workers)
            found[f"normalize_processes_{workers}"] = _self_timed(
                repeat, lambda r=runner: _stage_only(work, settings, items, r)
            )
    for workers in (1, 2):
        with LocalCluster(**stage_dask.local_cluster_options(workers)) as cluster:  # type: ignore[no-untyped-call]
            runner = RunnerConfig("dask", workers, cluster.scheduler_address)
            found[f"normalize_dask_{workers}"] = _self_timed(
                repeat, lambda r=runner: _stage_only(work, settings, items, r)
            )
    found["load_average_after"] = os.getloadavg()[0]
    found["ratios"] = _ratios(found, only_dask)
    return found


def measure_ingest_pairs(work: Path, scale: float, repeat: int) -> Result:
    """`read_csv` and the staged ingest of two worker processes, side by side in each round."""
    from bench.workload import Workload, write_workspace

    write_workspace(work / "space", Workload.at_scale(scale))
    settings = load_settings(str(work / "space" / "kunci.toml"))
    items = inputs.inbox(settings)
    db = work / "db" / "kunci.duckdb"
    rounds = []
    for _ in range(repeat):
        [duck] = _fresh_read_csv(work / "space")
        staged = _seconds_of(lambda: _staged_run(db, settings, items, 2))
        rounds.append(
            {
                "duckdb_read_csv": duck,
                "staged_processes_2": staged,
                "ratio": round(staged / duck, 2),
                "load_average": os.getloadavg()[0],
            }
        )
    return {
        "files": len(items),
        "cpus": os.cpu_count(),
        "rounds": rounds,
        "median_ratio": median([r["ratio"] for r in rounds]),
    }


def _fresh_read_csv(space: Path) -> list[float]:
    """`read_csv`'s seconds in a process of its own, as the full run's first measurement is.

    In this process, after a staged run, the same 400 `read_csv` calls took 1.3 to 2.3 s where a
    fresh process took 2.7 to 3.9 s: the baseline must not depend on what ran before it.
    """
    params = json.dumps({"root": str(space), "repeat": 1})
    done = subprocess.run(
        [sys.executable, "-m", "bench.workers", "ingest_duckdb", params],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds: list[float] = json.loads(done.stdout.splitlines()[-1])["seconds"]
    return seconds


def _ratios(found: Result, only_dask: bool) -> dict[str, float]:
    """Each figure against its baseline of the same run."""
    kinds = ("dask",) if only_dask else ("processes", "dask")
    workers_ratios = {
        f"{kind} 1 worker / 2 workers": round(
            found[f"normalize_{kind}_1"]["median_seconds"]
            / found[f"normalize_{kind}_2"]["median_seconds"],
            2,
        )
        for kind in kinds
    }
    if only_dask:
        return workers_ratios
    base = found["duckdb_read_csv"]["median_seconds"]
    return {
        "one_by_one / read_csv": round(found["one_by_one"]["median_seconds"] / base, 2),
        **{
            f"staged_processes_{w} / read_csv": round(
                found[f"staged_processes_{w}"]["median_seconds"] / base, 2
            )
            for w in (1, 2)
        },
        **workers_ratios,
    }


def main() -> None:
    """Command line: measure, print and write the results (`--only`: elsewhere)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/kunci-staging"))
    parser.add_argument(
        "--only",
        choices=sorted(ONLY_RESULTS),
        help="the Dask staging alone, or read_csv and the staged ingest paired in each round",
    )
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    try:
        if args.only == "ingest":
            found = measure_ingest_pairs(args.work, args.scale, args.repeat)
        else:
            found = measure(args.work, args.scale, args.repeat, only_dask=args.only == "dask")
    finally:
        shutil.rmtree(args.work, ignore_errors=True)
    (ONLY_RESULTS[args.only] if args.only else RESULTS).write_text(
        json.dumps(found, indent=1) + "\n", encoding="utf-8"
    )
    print(json.dumps(found, indent=1))


if __name__ == "__main__":
    main()
