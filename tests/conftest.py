"""Shared fixtures: an isolated working directory and one Prefect test harness per session.

Also the demo database, built once per session, and what the export-format tests share: the
real-data folder (tests needing it are skipped when it is absent), normalizing with the row
accounting checked, quarantine reasons, `.xlsx` bytes.
"""

import atexit
import functools
import io
import os
import secrets
import shutil
import tempfile
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from transforms.context import IngestContext, Normalized
from transforms.format_spec import FormatSpec
from transforms.formats import FORMATS
from transforms.normalize import normalize_export

# Prefect reads its settings at import time: isolate it before anything imports it. The processes
# a test starts import this module too (a Dask worker unpickling a test's function): they share
# the session's folder, which the process that made it removes as it exits.
_PREFECT_HOME = os.environ.get("KUNCI_TEST_PREFECT_HOME", "")
if not _PREFECT_HOME:
    _PREFECT_HOME = tempfile.mkdtemp(prefix="kunci-prefect-")
    os.environ["KUNCI_TEST_PREFECT_HOME"] = _PREFECT_HOME
    atexit.register(shutil.rmtree, _PREFECT_HOME, ignore_errors=True)
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "90"
os.environ.pop("PREFECT_API_URL", None)
os.environ.pop("KUNCI_DB", None)

REPO = Path(__file__).resolve().parents[1]
DEMO_CONFIG = REPO / "data" / "demo" / "kunci.toml"
REALDATA = REPO.parent / "shared" / "realdata"

_NO_REALDATA = f"real-data exports not found at {REALDATA} (shared/realdata next to the repository)"
needs_realdata = pytest.mark.skipif(not REALDATA.is_dir(), reason=_NO_REALDATA)


def skip_module_without_realdata() -> None:
    """Skip the calling test module, at import, when the real-data folder is absent."""
    if not REALDATA.is_dir():
        pytest.skip(_NO_REALDATA, allow_module_level=True)


def normalize_counted(
    data: bytes, ctx: IngestContext, formats: Sequence[FormatSpec] = FORMATS
) -> Normalized:
    """`normalize_export`, asserting that the row accounting can hide no row.

    `rows_loaded` is derived (read - quarantined - skipped), so the check is that it cannot be
    negative and that rows counted as loaded did reach a canonical table.
    """
    result = normalize_export(data, ctx, formats)
    assert result.rows_loaded >= 0, "more rows quarantined or skipped than read"
    reached = any(frame.height for frame in result.tables.values())
    assert reached or result.rows_loaded == 0, "rows counted as loaded reached no table"
    return result


def counts(result: Normalized) -> tuple[int, int, int, int]:
    """The row accounting: rows read, loaded, quarantined and skipped."""
    return result.rows_read, result.rows_loaded, result.rows_quarantined, result.rows_skipped


def reasons(result: Normalized) -> list[tuple[int, str]]:
    """The quarantined rows as (row number, reason)."""
    return result.quarantine.select("row_number", "reason").rows()


def xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    """An `.xlsx` workbook with these sheets, each a list of rows, as the bytes of a file."""
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])  # the default empty sheet
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def database_rows(
    db: Path,
    schemas: Collection[str],
    volatile: Collection[str] = (),
    skip_tables: Collection[str] = (),
) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of every table of `schemas` in `db`, sorted, keyed `schema.table`.

    Without the `volatile` columns (wall-clock times, ids a run draws) and the `skip_tables`:
    what two databases built from the same inputs must hold alike.
    """
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            f"where schema_name in ({', '.join('?' for _ in schemas)}) order by all",
            list(schemas),
        ).fetchall()
        contents = {}
        for schema, name in tables:
            if name in skip_tables:
                continue
            columns = [
                f'"{c}"'
                for (c,) in con.execute(
                    "select column_name from duckdb_columns() where schema_name = ? "
                    "and table_name = ? order by column_index",
                    [schema, name],
                ).fetchall()
                if c not in volatile
            ]
            query = f"select {', '.join(columns)} from {schema}.{name} order by all"
            contents[f"{schema}.{name}"] = con.execute(query).fetchall()
        return contents
    finally:
        con.close()


@functools.cache
def demo_database() -> Path:
    """The demo workspace ingested, built and published once per session, without Prefect.

    Tests only read it (or copy it before writing), so every module shares the one build.
    """
    from flows.build import models
    from flows.config.settings import load_settings
    from flows.load import ingest, inputs
    from flows.run import pipeline

    root = Path(tempfile.mkdtemp(prefix="kunci-demo-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    db = root / "kunci.duckdb"
    settings = load_settings(str(DEMO_CONFIG))
    with pipeline.working_database(db) as work, pipeline.open_working(work) as con:
        pipeline.initialise(con, settings)
        for item in inputs.inbox(settings):
            outcome = ingest.ingest_file(con, item, settings, pipeline.raw_root(db))
            assert outcome.status == "loaded", outcome
        models.build_metrics(con, settings.targets)
    return db


@pytest.fixture(scope="session")
def demo_db() -> Path:
    """The session's demo database (`demo_database`)."""
    return demo_database()


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


S3_KEY_ENV, S3_SECRET_ENV = "KUNCI_TEST_S3_KEY", "KUNCI_TEST_S3_SECRET"
S3_KEY = "AKIAKUNCI" + secrets.token_hex(6).upper()
S3_SECRET = "s3secret-" + secrets.token_hex(16)


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3-compatible HTTP server on 127.0.0.1 (moto's server mode) with bucket `kunci`.

    The credentials are random and live only in environment variables, as a workspace gives them;
    tests scan what Kunci wrote for them.
    """
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    os.environ[S3_KEY_ENV], os.environ[S3_SECRET_ENV] = S3_KEY, S3_SECRET
    import s3fs

    s3fs.S3FileSystem(key=S3_KEY, secret=S3_SECRET, endpoint_url=endpoint).mkdir("kunci")
    yield endpoint
    server.stop()


@pytest.fixture(scope="session")
def gcs_endpoint() -> Iterator[str]:
    """A real GCS JSON-API server on 127.0.0.1 (`gcp-storage-emulator`, in memory), bucket `kunci`.

    gcsfs (2026.10 on) first asks the Storage Control gRPC API whether a bucket has a
    hierarchical namespace, which an emulator does not serve (each call would wait 60 s):
    its plain filesystem is chosen here, before anything imports gcsfs, for this process and the
    worker processes it starts.
    """
    import socket

    from gcp_storage_emulator.server import create_server  # type: ignore[import-untyped]

    os.environ["GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT"] = "false"
    with socket.socket() as probe:  # a free port: the emulator does not report the one it bound
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = create_server("127.0.0.1", port, in_memory=True, default_bucket="kunci")
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def s3_zones_toml(endpoint: str, raw: str) -> str:
    """A `[zones]` section putting the raw zone at `raw` on the test server, credentials by name."""
    return (
        f'\n[zones]\nraw = "{raw}"\n\n[zones.storage]\nendpoint_url = "{endpoint}"\n'
        f'key_env = "{S3_KEY_ENV}"\nsecret_env = "{S3_SECRET_ENV}"\n'
    )
