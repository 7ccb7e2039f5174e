"""Shared fixtures: an isolated working directory and one Prefect test harness per session."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Prefect reads its settings at import time: isolate it before anything imports it.
_PREFECT_HOME = tempfile.mkdtemp(prefix="kunci-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "90"
os.environ.pop("PREFECT_API_URL", None)
os.environ.pop("KUNCI_DB", None)

REPO = Path(__file__).resolve().parents[1]
DEMO_CONFIG = REPO / "data" / "demo" / "kunci.toml"


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server for every flow test (it costs seconds to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield
    shutil.rmtree(_PREFECT_HOME, ignore_errors=True)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty directory, so relative defaults (data/kunci.duckdb) land in tmp."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
