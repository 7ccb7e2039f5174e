"""The measurements, each run by `bench.run` in a process of its own (so its memory is its own).

`python -m bench.workers NAME PARAMS_JSON` runs one and prints its result as one JSON line. Kunci's
steps are called in-process, exactly as the flows call them (`flows.run.pipeline`,
`flows.load.ingest`, `flows.build.models`, `flows.run.runs`, `flows.publish.working_file`), without
Prefect; `bench.run` times the Prefect runs separately. Stage timings wrap the flows' own functions
for the duration of a run.
"""

import json
import sys
from collections.abc import Callable

from bench.measure_build import history_setup, rebuild
from bench.measure_ingest import backfill, ingest_duckdb, ingest_kunci
from bench.measure_nightly import nightly
from bench.timing import Result

WORKERS: dict[str, Callable[[Result], Result]] = {
    "ingest_kunci": ingest_kunci,
    "ingest_duckdb": ingest_duckdb,
    "history_setup": history_setup,
    "rebuild": rebuild,
    "nightly": nightly,
    "backfill": backfill,
}


def main() -> None:
    """`python -m bench.workers NAME PARAMS_JSON`: run one measurement, print its JSON."""
    name, params = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(WORKERS[name](params)))


if __name__ == "__main__":
    main()
