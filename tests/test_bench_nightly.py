"""The nightly benchmark's steps on a tiny generated history: what `bench.run` measures still runs.

The benchmark wraps the flows' own functions to time its stages, so a function moved between
modules breaks it only when it runs; so does the night after a night it now measures (the kept
generation beside the published file).
"""

from datetime import date, timedelta
from pathlib import Path

from bench.measure_build import history_setup
from bench.measure_nightly import NIGHTLY_STEPS, nightly
from bench.workload import Workload, write_workspace

NEW_DAY = date(2026, 10, 1)


def test_a_night_after_a_night_on_a_tiny_history_times_every_step(tmp_path: Path) -> None:
    space = tmp_path / "nightly"
    written = write_workspace(space, Workload(1, NEW_DAY, NEW_DAY), period="day", exporting=1)
    history = tmp_path / "history.duckdb"
    history_setup(
        {
            "db": str(history),
            "config": str(space / "kunci.toml"),
            "accounts": 1,
            "first": (NEW_DAY - timedelta(30)).isoformat(),
            "last": (NEW_DAY - timedelta(1)).isoformat(),
            "posts": 60,
            "snapshots": 4,
        }
    )

    found = nightly({"root": str(space), "pristine": str(history), "repeat": 1})

    assert found["inputs"] == len(written)
    assert found["rows"] == sum(f.rows for f in written)
    steps = found["steps_seconds"]
    assert set(steps) == set(NIGHTLY_STEPS)
    measured = ("copy and open", "ingest", "· of which normalize", "· of which store", "build")
    assert all(steps[label] > 0 for label in NIGHTLY_STEPS if label.startswith(measured))
    assert not (space / "kunci.duckdb.night-after").exists()  # the kept generation's source
