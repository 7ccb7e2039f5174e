"""The long slice of the fuzz suite: many seeded mutations of the real exports, end to end.

```sh
python -m bench.fuzz --cases 2000 --seed 0 [--max-mb 5] [--match twitter/] [--timeout 60]
```

Cases cycle over the tabular files of `../shared/realdata` (files above `--max-mb` are left out:
they cost seconds each and their mutations are the small files' ones). Case `i` is mutation
`seed + i // files` of file `i % files` (`tests.fuzzing.fuzz_case`: of a text export, every
fourth seed is a mutation that must keep the meaning, and every fourth issue 19's damage).
Each is ingested into one DuckDB working file the way `kunci ingest` does it and checked against
the promises of `tests/fuzzing.py`. Prints the outcomes per mutation kind, every broken promise
(with the case to replay it), and exits 1 when any promise broke.
"""

import argparse
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import FrameType

from tests.conftest import REALDATA
from tests.fuzzing import Harness, Result, cleanup, fuzz_case
from tests.mutations import realdata_files


class _Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise _Timeout


def main() -> int:
    """Run the sweep; print counts per mutation kind and every promise broken."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=REALDATA)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-mb", type=float, default=5.0)
    parser.add_argument("--match", default="")
    parser.add_argument("--timeout", type=int, default=60, help="seconds one case may take")
    args = parser.parse_args()
    files = [
        path
        for path in realdata_files(args.root)
        if args.match in str(path) and path.stat().st_size <= args.max_mb * 1e6
    ]
    if not files:
        print(f"no exports under {args.root}")
        return 2
    folder = Path(tempfile.mkdtemp(prefix="kunci-fuzz-"))
    harness = Harness(folder)
    signal.signal(signal.SIGALRM, _alarm)
    kinds: Counter[tuple[str, str]] = Counter()
    broken: list[Result] = []
    started = time.perf_counter()
    ran = 0
    try:
        for i in range(args.cases):
            source, seed = files[i % len(files)], args.seed + i // len(files)
            try:
                case = fuzz_case(source, seed)
            except Exception as exc:  # a mutation that does not apply to this file
                kinds[("(not applicable)", type(exc).__name__)] += 1
                continue
            signal.alarm(args.timeout)
            try:
                result = harness.run(case)
            except _Timeout:
                result = Result(case, "timeout", [f"took more than {args.timeout} s"])
            finally:
                signal.alarm(0)
            kinds[(case.kind.split("#")[0], result.status)] += 1
            ran += 1
            if ran % 100 == 0:
                print(f"{ran} cases, {time.perf_counter() - started:.0f} s", flush=True)
            if result.broken:
                broken.append(result)
                print(f"BROKEN {case.label}: {' | '.join(result.broken)}", flush=True)
    except KeyboardInterrupt:  # Ctrl-C (or SIGINT): report what ran
        print("interrupted")
    finally:
        harness.close()
        cleanup(folder)
    seconds = time.perf_counter() - started
    print(f"\n{ran} cases over {len(files)} files in {seconds:.0f} s (seed {args.seed})")
    for kind in sorted({kind for kind, _ in kinds}):
        statuses = ", ".join(f"{s} {n}" for (k, s), n in sorted(kinds.items()) if k == kind)
        print(f"  {kind:22} {statuses}")
    print(f"{len(broken)} case(s) broke a promise")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
