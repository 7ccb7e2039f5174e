"""An input's staged files: its frames in one Parquet file beside its manifest, read back whole.

Each staged file and folder costs a small input about as much to create and remove as its Parquet
costs to write, so an input stages as two files, `<stem>.parquet` and `<stem>.json`, whatever its
tables; the writer takes each frame back from the one file, unchanged.
"""

from pathlib import Path

from polars.testing import assert_frame_equal

from flows import zones
from flows.config.settings import RunnerConfig, load_settings
from flows.load import inputs, staging
from flows.load.inputs import InputFile
from flows.load.reading import normalize_input
from tests.conftest import DEMO_CONFIG
from tests.test_staging import _contents, _run

_X_CONTENT = """Post id,Date,Post text,Link,Impressions,Likes,Engagements
2083180376357798848,Fri Jul 31 2026,Festival,https://x.com/a/status/2083180376357798848,381,5,16
2082637549533089403,Thu Jul 30 2026,Bromo,https://x.com/a/status/2082637549533089403,443,8,17
2082637549533089404,yesterday,Bromo,https://x.com/a/status/2082637549533089404,44,8,17
"""


def _x_export_with_a_bad_date(tmp_path: Path) -> InputFile:
    path = tmp_path / "inbox/x/content/account_analytics_content_2026-07-03_2026-07-31.csv"
    path.parent.mkdir(parents=True)
    path.write_text(_X_CONTENT, encoding="utf-8")
    [item] = inputs.expand([path])
    return item


def test_an_input_stages_as_one_parquet_file_and_a_manifest_and_its_frames_read_back_unchanged(
    tmp_path: Path,
) -> None:
    settings = load_settings(str(DEMO_CONFIG))
    item = _x_export_with_a_bad_date(tmp_path)
    area = staging.StagingArea(zones.Zone(str(tmp_path / "staging")), "k", tmp_path / "scratch")
    raw = zones.Zone(str(tmp_path / "raw"))
    job = staging.StageJob(item, settings, None, raw, area.zone, "k/0")

    assert staging.stage_input(job, frozenset()) == "k/0"

    assert area.zone.list() == ["k/0.json", "k/0.parquet"]
    [staged] = area.read_manifests(["k/0"])
    expected = normalize_input(item.path, item, settings, None)
    assert list(staged.tables) == ["account", "post", "post_metrics"]
    frames = area.read_frames(
        "k/0", staged.tables | {staging.QUARANTINE: staging.QUARANTINE_COLUMNS}
    )
    for table in staged.tables:
        assert_frame_equal(frames[table], expected.tables[table])
    assert staged.quarantine and expected.quarantine.height == 1
    assert_frame_equal(
        frames[staging.QUARANTINE], expected.quarantine.select(staging.QUARANTINE_COLUMNS)
    )


def test_a_batch_loads_each_frame_of_the_one_file_as_inputs_loaded_one_by_one_are(
    tmp_path: Path,
) -> None:
    """Tables and quarantine of a batch of two exports, one with a row refused for its date."""
    settings = load_settings(str(DEMO_CONFIG))
    demo = [i for i in inputs.inbox(settings) if i.path.parent.name == "overview"]
    items = [_x_export_with_a_bad_date(tmp_path), *demo]
    one_by_one = _run(tmp_path / "one/k.duckdb", settings, items, None)
    staged = _run(tmp_path / "staged/k.duckdb", settings, items, RunnerConfig("threads", 2))

    assert staged == one_by_one
    assert [o.rows_quarantined for o in staged] == [1, 0]
    contents = _contents(tmp_path / "staged/k.duckdb")
    assert contents == _contents(tmp_path / "one/k.duckdb")
    assert len(contents["ops.quarantine"]) == 1
    assert len(contents["core.post"]) == 2
