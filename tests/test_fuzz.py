"""The fast slice of the fuzz suite: seeded mutations of the real exports, end to end.

Each case is written under its source's name and ingested with `flows.load.ingest.ingest_file` into
one DuckDB working file for the module, then checked against the promises `tests/fuzzing.py`
states (outcome loaded/quarantined/failed and nothing raised; the ledger adds up and the
quarantine holds the rows it counts; a failed input leaves `core` as it was and says why in one
line; the same bytes again are skipped; reordered, re-encoded or re-lined files and trailing
blank lines load exactly what the file itself loads). The long slice is `python -m bench.fuzz`.
"""

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from flows.cli import commands as cli
from flows.load.ingest import ingest_file
from flows.load.inputs import InputFile, expand
from tests.conftest import REALDATA, normalize_counted, skip_module_without_realdata
from tests.fuzzing import (
    SAME_MEANING,
    SETTINGS,
    Harness,
    damaged,
    is_text_export,
    same_meaning,
)
from tests.mutations import mutate, realdata_files
from transforms.context import Account, IngestContext

skip_module_without_realdata()

_SMALL = [path for path in realdata_files(REALDATA) if path.stat().st_size < 50_000]
_TEXT = [p for p in realdata_files(REALDATA) if is_text_export(p) and p.stat().st_size < 100_000]
_KINDS = [name for name, _ in SAME_MEANING]
FB_POSTS = REALDATA / "facebook/fb_insights_post_level_VIC_2015-08-19_2016-02-15.csv"


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    """One working file for the module; each case is its own input (own transaction)."""
    fuzz = Harness(tmp_path_factory.mktemp("fuzz"))
    yield fuzz
    fuzz.close()


@pytest.mark.parametrize("case", range(120))
def test_a_damaged_export_is_loaded_quarantined_or_refused_cleanly(
    harness: Harness, case: int
) -> None:
    mutated = mutate(_SMALL[case % len(_SMALL)], 2000 + case // len(_SMALL))
    result = harness.run(mutated)
    assert result.broken == [], mutated.label
    assert result.status in ("loaded", "quarantined", "failed", "skipped"), mutated.label


@pytest.mark.parametrize("case", range(len(_TEXT)))
def test_a_reordered_or_reencoded_export_loads_what_the_file_itself_loads(
    harness: Harness, case: int
) -> None:
    mutated = same_meaning(_TEXT[case], case, _KINDS[case % len(_KINDS)])
    result = harness.run(mutated)
    assert result.broken == [], mutated.label


@pytest.mark.parametrize("seed", range(3))
def test_shuffled_legacy_facebook_posts_lose_no_post(harness: Harness, seed: int) -> None:
    """Issue 19: the data row that landed in row 2 of a legacy Insights export vanished."""
    mutated = same_meaning(FB_POSTS, 100 + seed, "shuffle-rows")
    result = harness.run(mutated)
    assert (result.status, result.broken) == ("loaded", [])
    reference = harness.reference(FB_POSTS).outcome
    assert (reference.rows_read, reference.rows_loaded, reference.rows_skipped) == (171, 170, 1)


# --- the harness catches what it is for -------------------------------------------------------


def test_the_harness_reports_an_ingest_that_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object, **kwargs: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr("flows.load.reading.normalize_file", crash)
    fuzz = Harness(tmp_path)
    result = fuzz.run(mutate(_SMALL[0], 0))
    fuzz.close()
    assert result.broken == ["ingest raised KeyError: 'boom'"]


def test_the_harness_reports_rows_that_change_under_a_reencoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.load.reading

    real = flows.load.reading.normalize_file

    def drop_last_row_of_utf16(path: Path, *args: object) -> object:
        result = real(path, *args)  # type: ignore[arg-type]
        if path.read_bytes().startswith(b"\xff\xfe"):
            post = result.tables["post"]
            result.tables["post"] = post.head(post.height - 1)
        return result

    monkeypatch.setattr("flows.load.reading.normalize_file", drop_last_row_of_utf16)
    fuzz = Harness(tmp_path)
    result = fuzz.run(same_meaning(FB_POSTS, 0, "utf-16"))
    fuzz.close()
    assert [b.split(":")[0] for b in result.broken] == ["meaning changed in core.post"]


# --- issue 19's defects, end to end -----------------------------------------------------------

_X_OVERVIEW = (
    "Date,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Unfollows,Replies,Reposts,"
    "Profile visits,Create Post,Video views,Media views\n"
)


def _ingest_text(harness: Harness, name: str, text: str) -> int:
    """Ingest `text` as a file named `name` bound to an X account; return its load id."""
    path = harness.folder / "inline" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    item = InputFile(path, Account("x", "fuzz-inline"))
    outcome = ingest_file(harness.con, item, SETTINGS, harness.raw)
    assert outcome.status == "loaded" and outcome.load_id is not None, outcome
    return outcome.load_id


def test_counts_no_account_can_have_are_quarantined_not_loaded(harness: Harness) -> None:
    """Issue 19: counts of 1e20 loaded as they were."""
    rows = ["1e20", "100000000000000000000", "20000000000000", "-3", "7"]
    text = _X_OVERVIEW + "".join(
        f'"{day:%a, %b} {day.day}, {day.year}",{value}' + ",5" * 12 + "\n"
        for day, value in zip((date(2026, 8, d) for d in range(1, 6)), rows, strict=True)
    )
    load = _ingest_text(harness, "account_overview_analytics_huge.csv", text)

    quarantined = harness.con.execute(
        "select row_number, reason from ops.quarantine where load_id = ? order by 1", [load]
    ).fetchall()
    assert [(row, reason.split(":")[0]) for row, reason in quarantined] == [
        (2, "column 'Impressions'"),
        (3, "column 'Impressions'"),
        (4, "column 'Impressions'"),
        (5, "column 'Impressions'"),
    ]
    loaded = harness.con.execute(
        "select date, impressions from core.account_daily where load_id = ?", [load]
    ).fetchall()
    assert loaded == [(date(2026, 8, 5), 7)]


def test_a_link_out_of_the_inbox_is_not_copied_into_the_raw_zone(
    harness: Harness, tmp_path: Path
) -> None:
    """Issue 19: `passwd.csv -> /etc/passwd` in an inbox was copied byte for byte to `raw/`."""
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"root:x:0:0:root:/root:/bin/bash\nfuzz-secret-line\n")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "passwd.csv").symlink_to(secret)

    (item,) = expand([inbox])
    before = harness.con.execute("select count(*) from ops.load").fetchone()
    outcome = ingest_file(harness.con, item, SETTINGS, harness.raw)

    assert (outcome.status, outcome.error) == (
        "ignored",
        f"a link to {secret}, outside the folder: not read",
    )
    assert harness.con.execute("select count(*) from ops.load").fetchone() == before
    landed = [p for p in harness.raw.rglob("*") if p.is_file()]
    assert not [p for p in landed if b"fuzz-secret-line" in p.read_bytes()]


# --- the command line: exit 0 or 1, JSON, no traceback ----------------------------------------


@pytest.mark.flow
def test_kunci_ingest_of_damaged_exports_exits_0_or_1_with_json(
    workdir: Path, prefect_harness: None, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = workdir / "inbox"
    for case in range(8):
        mutated = mutate(_SMALL[(7 * case) % len(_SMALL)], 3000 + case)
        folder = inbox / str(case)
        folder.mkdir(parents=True)
        (folder / mutated.source.name).write_bytes(mutated.data)

    code = cli.main(["ingest", str(inbox), "--db", str(workdir / "k.duckdb"), "--json"])

    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    inputs = json.loads(captured.out)["inputs"]
    assert len(inputs) == 8
    statuses = {i["status"] for i in inputs}
    assert statuses <= {"loaded", "quarantined", "failed", "skipped"}, statuses
    assert code == (cli.EXIT_INPUT_FAILED if "failed" in statuses else cli.EXIT_OK)
    for failed in (i for i in inputs if i["status"] == "failed"):
        assert "\n" not in failed["error"] and "internal error" not in failed["error"], failed


# --- what the long slice found ----------------------------------------------------------------

GADS_TSV = REALDATA / "google_ads/gads_campaign_report_GBP_utf16_tsv_2026-01-27_2026-02-23.csv"


def test_a_google_ads_tsv_with_a_long_multi_line_cell_loads_every_row() -> None:
    """The delimiter was sniffed from the first 40 lines: inside a quoted cell of more lines no
    tab gave whole records, and the file was refused as 'truncated' (row 166672)."""
    intact = damaged(GADS_TSV, 3, "long-cell")
    assert intact.data.decode("utf-16").count("baris\n") > 100_000  # the case the sweep found
    ctx = IngestContext(GADS_TSV.name, date(2026, 9, 1))

    result = normalize_counted(intact.data, ctx)
    original = normalize_counted(GADS_TSV.read_bytes(), ctx)

    # every row read again (the long text replaced a number: that row is quarantined)
    assert (result.format, result.rows_read, result.rows_skipped) == (
        original.format,
        original.rows_read,
        original.rows_skipped,
    )
