"""One input's memory stays proportional to its size (issue 19): a guard, not a benchmark.

A child process normalizes a generated X content export of about 20 MB (the benchmark's own
generator, `bench/parse_export.py`) and reports how far its peak RSS rose above what it held
before. The bound is the one README "Limits" states per input: three times the file plus a fixed
64 MB (polars' thread pools, the regular expressions, the allocator's arenas). Before issue 19's
fix the same run rose by 9.7 times the file (every row's original record as JSON text, the bytes
held through normalization, copies of the whole frame while parsing); after, by about 4.5 times
at this size, 2.9 at 210 MB, where the fixed part weighs less.
"""

import json
import subprocess
import sys
from pathlib import Path

from bench.parse_export import SOURCE_NAME, generate

ROOT = Path(__file__).resolve().parents[1]
MEGABYTES = 20
PER_BYTE = 3
FIXED_MB = 64

_CHILD = """
import json, resource, sys
from datetime import date
from pathlib import Path

from transforms.context import IngestContext
from transforms.normalize import normalize_file

ctx = IngestContext(source_name=sys.argv[1], as_of=date(2026, 1, 1))
normalize_file(Path(sys.argv[2]), ctx)  # warm up: polars' thread pools, the compiled patterns
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = normalize_file(Path(sys.argv[3]), ctx)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": result.rows_loaded, "growth_kb": peak - before}))
"""


def test_normalizing_an_export_needs_memory_proportional_to_its_size(tmp_path: Path) -> None:
    small, large = tmp_path / "small" / SOURCE_NAME, tmp_path / "large" / SOURCE_NAME
    small.parent.mkdir()
    large.parent.mkdir()
    generate(small, 0.2, preamble=False)
    rows = generate(large, MEGABYTES, preamble=False)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, SOURCE_NAME, str(small), str(large)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout)
    assert report["rows"] == rows
    growth_mb = report["growth_kb"] / 1024
    size_mb = large.stat().st_size / 2**20
    assert growth_mb <= PER_BYTE * size_mb + FIXED_MB, (
        f"normalizing {size_mb:.0f} MB took {growth_mb:.0f} MB more "
        f"({growth_mb / size_mb:.1f} times the file)"
    )
