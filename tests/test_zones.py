"""Zones at a URL: the same object operations on a folder, in memory, on local S3 and GCS servers.

The end-to-end test runs a real nightly whose raw zone lives at `s3://kunci/...` on moto's server
(real HTTP on 127.0.0.1), then loses the database and replays it from the URL with a backfill: the
tables must come back equal, and the credentials, given by variable name, must appear nowhere
Kunci wrote. That nightly also exports its metric tables as Parquet (`[publish] parquet`).
"""

import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest
import s3fs

from flows import zones
from flows.build import models
from flows.config.settings import RunnerConfig, load_settings
from flows.load import ingest, inputs, raw_zone, stage_run, store
from flows.run import pipeline
from flows.run.backfill import backfill_flow
from flows.run.nightly import nightly_flow
from tests.conftest import DEMO_CONFIG, S3_KEY, S3_KEY_ENV, S3_SECRET, S3_SECRET_ENV, s3_zones_toml
from tests.fakeapi import FakeApi
from tests.fakeapi.workspace import TOKENS, install_all, write_config
from tests.test_backfill import _content
from tests.test_export_all import same_tables
from tests.test_staging import _contents, _run

DEMO_EXPORT = DEMO_CONFIG.parent / "inbox" / "x" / "content"


def _zone_kinds(tmp_path: Path, s3_endpoint: str, gcs_endpoint: str) -> dict[str, zones.Zone]:
    storage = zones.Storage(
        (("endpoint_url", s3_endpoint),), (("key", S3_KEY_ENV), ("secret", S3_SECRET_ENV))
    )
    gcs = zones.Storage((("endpoint_url", gcs_endpoint), ("token", "anon")))
    return {
        "local": zones.Zone(str(tmp_path / "zone")),
        "memory": zones.Zone(f"memory://kunci-{tmp_path.name}/zone"),
        "s3": zones.Zone(f"s3://kunci/{tmp_path.name}/zone", storage),
        "gs": zones.Zone(f"gs://kunci/{tmp_path.name}/zone", gcs),
    }


@pytest.mark.parametrize("kind", ["local", "memory", "s3", "gs"])
def test_every_backend_writes_reads_lists_and_removes_the_same_way(
    kind: str, tmp_path: Path, s3_endpoint: str, gcs_endpoint: str
) -> None:
    zone = _zone_kinds(tmp_path, s3_endpoint, gcs_endpoint)[kind]
    assert zone.list() == [] and not zone.exists("ab/one.json")
    zone.write("ab/one.json", b"1")
    zone.write("ab/cd/two.csv", b"2")
    zone.write("ab/one.json", b"one")  # replaces, whole
    assert zone.list() == ["ab/cd/two.csv", "ab/one.json"]
    assert zone.list("ab/cd") == ["ab/cd/two.csv"]
    assert zone.read("ab/one.json") == b"one" and zone.exists("ab/cd/two.csv")
    assert zone.url_of("ab/one.json").endswith("zone/ab/one.json")
    with pytest.raises(FileNotFoundError):
        zone.read("ab/absent.json")
    with pytest.raises(ValueError, match="not a path inside the zone"):
        zone.read("../outside")
    zone.remove("ab/one.json")
    zone.remove("ab/one.json")  # absent: not an error
    assert zone.list() == ["ab/cd/two.csv"]


@pytest.mark.parametrize("kind", ["local", "memory", "s3", "gs"])
def test_an_emptied_zone_leaves_no_folder_while_what_another_writer_holds_stays(
    kind: str, tmp_path: Path, s3_endpoint: str, gcs_endpoint: str
) -> None:
    zone = _zone_kinds(tmp_path, s3_endpoint, gcs_endpoint)[kind]
    zone.write("mine.working/run/000000/manifest.json", b"{}")
    zone.write("theirs.working/run/000000/manifest.json", b"{}")
    zone.remove("mine.working")
    zone.remove_root_if_empty()
    assert zone.list() == ["theirs.working/run/000000/manifest.json"]
    zone.remove("theirs.working")
    zone.remove_root_if_empty()
    zone.remove_root_if_empty()  # absent: not an error
    assert zone.list() == []
    assert not (tmp_path / "zone").exists()  # a URL zone never had a local folder either
    zone.write("again.json", b"1")  # a later writer recreates the root as it writes
    assert zone.read("again.json") == b"1"


@pytest.mark.parametrize("kind", ["s3", "gs"])
def test_landing_is_content_addressed_and_idempotent_at_a_url(
    kind: str, tmp_path: Path, s3_endpoint: str, gcs_endpoint: str
) -> None:
    zone = _zone_kinds(tmp_path, s3_endpoint, gcs_endpoint)[kind]
    data = b"date,impressions\n2026-10-01,5\n"
    digest = raw_zone.sha256_of(data)
    first = raw_zone.land(zone, data, digest, ".CSV")
    assert first == f"{digest[:2]}/{digest}.csv"
    assert raw_zone.land(zone, data, digest, ".csv") == first
    assert zone.list() == [first] and zone.read(first) == data


def test_zones_config_resolves_paths_and_refuses_secrets_given_as_values(tmp_path: Path) -> None:
    config = tmp_path / "kunci.toml"
    parsed = zones.parse_zones(
        config,
        {"raw": "lake/raw", "staging": "s3://b/st/", "storage": {"key_env": "K", "region": "x"}},
    )
    assert parsed.raw == str(tmp_path / "lake" / "raw") and parsed.staging == "s3://b/st"
    assert parsed.storage == zones.Storage((("region", "x"),), (("key", "K"),))
    assert zones.ZonesConfig().raw_for(tmp_path / "d" / "k.duckdb").location == str(
        tmp_path / "d" / "raw"
    )
    with pytest.raises(Exception, match=r"zones.storage.secret holds a secret: give secret_env"):
        zones.parse_zones(config, {"storage": {"secret": "plain"}})
    with pytest.raises(Exception, match=r"zones.storage.token holds a secret: give token_env"):
        zones.parse_zones(config, {"storage": {"token": "ya29.a0-an-oauth-token"}})
    public = zones.parse_zones(config, {"storage": {"token": "anon"}})  # a method, not a secret
    assert public.storage == zones.Storage((("token", "anon"),))
    with pytest.raises(Exception, match="zones has unknown key rwa"):
        zones.parse_zones(config, {"rwa": "x"})
    missing = zones.Storage((), (("key", "KUNCI_TEST_UNSET_VARIABLE"),))
    with pytest.raises(Exception, match="KUNCI_TEST_UNSET_VARIABLE is not set"):
        zones.Zone("s3://b/raw", missing).exists("x")


def test_an_export_lands_in_the_s3_raw_zone_and_the_ledger_keeps_its_relative_path(
    tmp_path: Path, s3_endpoint: str
) -> None:
    config = tmp_path / "kunci.toml"
    config.write_text(
        DEMO_CONFIG.read_text(encoding="utf-8")
        + s3_zones_toml(s3_endpoint, f"s3://kunci/{tmp_path.name}/raw"),
        encoding="utf-8",
    )
    settings = load_settings(str(config))
    db = tmp_path / "kunci.duckdb"
    zone = pipeline.raw_root(db, settings)
    (export,) = sorted(DEMO_EXPORT.iterdir())[:1]
    con = store.connect(db)
    try:
        pipeline.initialise(con, settings)
        item = inputs.InputFile(export, settings.account("x:wisatanusantara"))
        outcome = ingest.ingest_file(con, item, settings, zone)
        (raw_path,) = con.execute("select raw_path from ops.load").fetchone() or ()
    finally:
        con.close()
    assert outcome.status == "loaded", outcome
    assert zone.read(raw_path) == export.read_bytes()
    assert not (tmp_path / "raw").exists()


@pytest.mark.flow
def test_a_nightly_with_its_raw_zone_on_s3_replays_from_the_url_to_the_same_tables(
    tmp_path: Path,
    s3_endpoint: str,
    prefect_harness: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)
    raw_url = f"s3://kunci/{tmp_path.name}/raw"
    db = tmp_path / "data" / "kunci.duckdb"
    with FakeApi() as fake:
        install_all(fake)
        config = write_config(tmp_path, fake.base_url)
        config.write_text(
            config.read_text(encoding="utf-8")
            + s3_zones_toml(s3_endpoint, raw_url)
            + '\n[publish]\nparquet = "lake"\n',  # relative to the config file
            encoding="utf-8",
        )
        nightly_flow(str(db), str(config))
    before = _content(db)
    assert before["core.web_traffic_daily"] and before["metrics.community_daily"]
    assert same_tables(db, tmp_path / "lake") >= 20  # `[publish] parquet` exported the run

    bucket = s3fs.S3FileSystem(key=S3_KEY, secret=S3_SECRET, endpoint_url=s3_endpoint)
    objects = [p.removeprefix(f"kunci/{tmp_path.name}/raw/") for p in bucket.find(raw_url)]
    manifests = [p for p in objects if p.startswith("api/")]
    kinds = {"meta", "youtube", "ga4", "meta_ads", "tiktok", "linkedin", "x"}  # install_all's
    assert {p.split("/")[1] for p in manifests} == kinds
    con = duckdb.connect(str(db), read_only=True)
    try:
        raw_paths = [r[0] for r in con.execute("select raw_path from ops.load").fetchall()]
    finally:
        con.close()
    assert raw_paths and set(raw_paths) <= set(objects)
    assert not (db.parent / "raw").exists()  # nothing went to the local default

    db.unlink()  # the database is lost; the raw zone at the URL is all that is left
    start, end = date(2026, 10, 1), date(2026, 11, 23)
    replayed = backfill_flow(str(db), start, end, replay=True, config=str(config), chunk_days=60)
    (chunk,) = replayed.chunks
    assert [o.status for o in chunk.outcomes] == ["loaded"] * len(manifests)
    assert _content(db, ("core",)) == {k: v for k, v in before.items() if k.startswith("core.")}
    assert {k: v for k, v in _content(db).items() if k.startswith("metrics.")} == {
        k: v for k, v in before.items() if k.startswith("metrics.")
    }

    written = [db.read_bytes()] + [bucket.cat_file(p) for p in bucket.find(raw_url)]
    written += [p.read_bytes() for p in Path(os.environ["PREFECT_HOME"]).rglob("*") if p.is_file()]
    output = capsys.readouterr()
    texts = [output.out, output.err, caplog.text]
    for secret in (S3_KEY, S3_SECRET):
        assert not any(secret.encode() in blob for blob in written)
        assert not any(secret in text for text in texts)


def test_raw_and_staging_zones_on_gcs_load_what_local_zones_load(
    tmp_path: Path, gcs_endpoint: str
) -> None:
    """Worker processes stage to a GCS bucket (the emulator) and the writer loads from it.

    The zone and its storage options are pickled to the workers, which open the bucket themselves.
    """
    settings = load_settings(str(DEMO_CONFIG))
    items = [i for i in inputs.inbox(settings) if i.path.parent.name in ("content", "overview")]
    local = _run(tmp_path / "local/k.duckdb", settings, items, None)

    url = f"gs://kunci/{tmp_path.name}"
    storage = zones.Storage((("endpoint_url", gcs_endpoint), ("token", "anon")))
    on_gcs = replace(settings, zones=zones.ZonesConfig(f"{url}/raw", f"{url}/staging", storage))
    db = tmp_path / "gcs/k.duckdb"
    raw = pipeline.raw_root(db, on_gcs)
    with pipeline.working_database(db) as working, pipeline.open_working(working) as con:
        pipeline.initialise(con, on_gcs)
        outcomes = stage_run.stage_and_load(
            con, working.path, items, on_gcs, None, RunnerConfig("processes", 2), raw
        )
        models.refresh_metrics(con, on_gcs.targets)

    assert outcomes == local
    assert _contents(db) == _contents(tmp_path / "local/k.duckdb")
    staged = zones.Zone(f"{url}/staging", storage)
    assert staged.list() == [], "staged objects are removed once loaded"
    assert sorted(raw.read(path) for path in raw.list()) == sorted(
        item.path.read_bytes() for item in items
    )
    assert not (db.parent / "raw").exists() and not (db.parent / "staging").exists()
