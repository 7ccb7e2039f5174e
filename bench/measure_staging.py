"""Stage, then load (issue 17): many exports against bare `read_csv`, and 1 vs 2 workers.

```sh
.venv/bin/python -m bench.measure_staging [--scale 1] [--repeat 1] [--work /tmp/kunci-staging]
    [--only dask]
```

Everything in one run, so every figure has its baseline from the same minutes of the same machine:

- `duckdb_read_csv`: DuckDB `read_csv(all_varchar)` of each file (`bench.measure_ingest`);
- `one_by_one`: `flows.load.ingest.ingest_file` per input in one working copy (the path
  before staging);
- `staged_processes_N`: `flows.load.stage_run.stage_and_load` with N worker processes (pool start
  included), loading into a fresh working copy, published, as a run ingests;
- `normalize_processes_N` and `normalize_dask_N`: staging alone (read, hash, raw zone, normalize,
  Parquet and manifest), in N worker processes or on a local `dask.distributed` cluster of N
  single-threaded worker processes, started beforehand (its start is not counted).

`--only dask` measures the Dask staging alone (its two lines and their ratio), for work on it,
into `bench/results/staging_dask.json`.

Writes `bench/results/staging.json` and prints it.
"""

import argparse
import json
import os
import shutil
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
DASK_RESULTS = RESULTS.with_name("staging_dask.json")  # `--only dask`: the full figures stay


def _timed(repeat: int, action: Callable[[], Any]) -> dict[str, Any]:
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        seconds.append(elapsed(start))
    return {"seconds": seconds, "median_seconds": median(seconds)}


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
) -> None:
    area = staging.StagingArea(zones.Zone(str(work)), "staging-only", work / "scratch")
    jobs = [
        staging.StageJob(
            item, settings, None, zones.Zone(str(work / "raw")), area.zone, f"{area.prefix}/{n:06d}"
        )
        for n, item in enumerate(items)
    ]
    stage_run.stage_all(jobs, frozenset(), runner, lambda _name: None)
    manifests = area.read_manifests([job.folder for job in jobs])
    failed = [
        job.name for job, staged in zip(jobs, manifests, strict=True) if staged.status != "staged"
    ]
    area.clear()
    if failed:
        raise SystemExit(f"staging failed for {failed[:3]}")


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
            found[f"normalize_processes_{workers}"] = _timed(
                repeat, lambda r=runner: _stage_only(work, settings, items, r)
            )
    for workers in (1, 2):
        with LocalCluster(**stage_dask.local_cluster_options(workers)) as cluster:  # type: ignore[no-untyped-call]
            runner = RunnerConfig("dask", workers, cluster.scheduler_address)
            found[f"normalize_dask_{workers}"] = _timed(
                repeat, lambda r=runner: _stage_only(work, settings, items, r)
            )
    found["load_average_after"] = os.getloadavg()[0]
    found["ratios"] = _ratios(found, only_dask)
    return found


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
    """Command line: measure, print and write the results (`--only dask`: elsewhere)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/kunci-staging"))
    parser.add_argument("--only", choices=["dask"], help="measure the Dask staging alone")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    try:
        found = measure(args.work, args.scale, args.repeat, only_dask=args.only == "dask")
    finally:
        shutil.rmtree(args.work, ignore_errors=True)
    (DASK_RESULTS if args.only else RESULTS).write_text(
        json.dumps(found, indent=1) + "\n", encoding="utf-8"
    )
    print(json.dumps(found, indent=1))


if __name__ == "__main__":
    main()
