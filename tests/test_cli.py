"""The command line people see: tables, help with examples, progress, the report command, and the
analyst guide whose every query runs on the demo database."""

import io
import json
import os
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows import console
from flows.cli import commands as cli
from flows.load import store
from flows.load.outcomes import LoadOutcome
from flows.publish import working_file
from flows.run.runs import RunSummary
from tests.conftest import REPO

GUIDE = REPO / "docs" / "analysts.md"
OBJECTIVES = ("Awareness", "Traffic", "Community", "Conversion", "Insights", "Leads")


@pytest.fixture
def failed_db(demo_db: Path, tmp_path: Path) -> Path:
    """The demo database with one more input that could not be read."""
    db = tmp_path / "kunci.duckdb"
    db.write_bytes(demo_db.read_bytes())
    con = store.connect(db)
    entry = store.LedgerEntry(source="/inbox/broken.csv", started_at=datetime.now(UTC))
    store.record_failure(con, entry, "file is empty")
    con.close()
    return db


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as a user's shell would."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def plain_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")


def _lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().out.splitlines()


# --- status and metrics ----------------------------------------------------------------------


def test_status_is_a_plain_table_in_a_pipe(
    demo_db: Path, plain_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["status", "--db", str(demo_db), "--limit", "3"]) == 0

    lines = _lines(capsys)
    assert lines[0] == f"{demo_db}: 39 loads, 0 failed, 0 rows in quarantine"
    assert lines[1].split() == [
        "load", "status", "format", "input", "read", "loaded", "quarantined", "skipped",
        "finished", "(UTC)",
    ]  # fmt: skip
    assert set(lines[2]) == {"─"}
    rows = [line.split() for line in lines[3:]]
    assert [row[:8] for row in rows] == [
        ["39", "loaded", "listening_mentions", "mentions_2026-07-03_2026-09-30.csv",
         "757", "757", "0", "0"],
        ["38", "loaded", "ga4_traffic", "Traffic_acquisition_daily_20260703-20260930.csv",
         "1620", "1620", "0", "0"],
        ["37", "loaded", "ga4_traffic",
         "Traffic_acquisition_Session_source_medium_20260901-20260930.csv", "18", "18", "0", "0"],
    ]  # fmt: skip
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", " ".join(r[8:])) for r in rows)
    assert not any("\x1b" in line or line != line.rstrip() for line in lines)


def test_status_shows_the_error_of_a_failed_input(
    failed_db: Path, plain_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["status", "--db", str(failed_db), "--limit", "2"]) == 0

    lines = _lines(capsys)
    assert lines[0] == f"{failed_db}: 39 loads, 1 failed, 0 rows in quarantine"
    assert lines[1].split()[-1] == "error"
    failed, loaded = lines[3], lines[4]
    # no format and no row counts: blank cells, then the finish time and the error
    assert failed.split()[:3] == ["40", "failed", "broken.csv"]
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d   file is empty", failed.split("broken.csv")[1].strip()
    )
    assert loaded.split()[:2] == ["39", "loaded"] and not loaded.endswith("empty")


def test_status_json_is_unchanged(failed_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["status", "--db", str(failed_db), "--limit", "1", "--json"]) == 0

    status = json.loads(capsys.readouterr().out)
    assert set(status) == {
        "db",
        "loads_loaded",
        "loads_failed",
        "rows_quarantined",
        "recent_loads",
        "runs",
    }
    assert (status["loads_loaded"], status["loads_failed"], status["rows_quarantined"]) == (
        39,
        1,
        0,
    )
    (load,) = status["recent_loads"]
    assert (load["load_id"], load["status"], load["error"]) == (40, "failed", "file is empty")
    assert load["source"] == "/inbox/broken.csv" and load["format"] is None


def test_metrics_lists_the_catalog_one_line_per_metric(
    demo_db: Path, plain_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["metrics", "--db", str(demo_db)]) == 0

    lines = _lines(capsys)
    assert lines[0].split() == ["objective", "metric", "unit", "table.column", "formula"]
    assert len(lines) == 2 + 93
    rate = next(line for line in lines if " engagement_rate " in line and "community" in line)
    assert rate.split() == [
        "community", "engagement_rate", "fraction", "community_daily.engagement_rate",
        "engagements", "/", "post_reach",
    ]  # fmt: skip
    assert [line.split()[0] for line in lines[2:]] == sorted(line.split()[0] for line in lines[2:])


def test_metrics_caveats_show_the_eras_of_the_platforms(
    demo_db: Path, plain_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["metrics", "--db", str(demo_db), "--caveats"]) == 0

    lines = _lines(capsys)
    assert lines[0].split() == ["objective", "metric", "caveats"]
    reach = next(line for line in lines if line.startswith("awareness") and " reach " in line)
    assert "until 15 Jun 2026, then unique media viewers" in reach
    online = next(line for line in lines if " online_followers " in line)
    assert "not available from Meta since 15 Nov 2025" in online
    views = next(line for line in lines if " video_views " in line and "awareness" in line)
    assert "31 Mar 2025" in views and "late Aug 2026" in views


def test_metrics_json_is_unchanged(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["metrics", "--db", str(demo_db), "--json"]) == 0

    catalog = json.loads(capsys.readouterr().out)
    assert len(catalog) == 93
    assert set(catalog[0]) == {
        "metric", "objective", "table", "column", "formula", "unit", "description_en",
    }  # fmt: skip


def test_a_terminal_gets_colour_unless_no_color(
    failed_db: Path, plain_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = {}
    for no_color in ("", "1"):
        monkeypatch.setenv("NO_COLOR", no_color)
        terminal = Terminal()
        monkeypatch.setattr("sys.stdout", terminal)
        assert cli.main(["status", "--db", str(failed_db), "--limit", "2"]) == 0
        shown[no_color] = terminal.getvalue()
    assert "\x1b[1m" in shown[""] and "\x1b[31m" in shown[""]  # bold header, red failed row
    assert "\x1b" not in shown["1"] and "file is empty" in shown["1"]


# --- run summary -----------------------------------------------------------------------------


def test_a_run_prints_its_summary_and_fails_with_the_failed_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = RunSummary(
        db="data/kunci.duckdb",
        inputs=[
            LoadOutcome("a.csv", "loaded", rows_read=10, rows_loaded=7, rows_quarantined=2,
                        rows_skipped=1),
            LoadOutcome("b.csv", "skipped", load_id=1),
            LoadOutcome("c.csv", "failed", error="file is empty"),
        ],
        tables={"metrics.awareness_daily": 5, "metrics.catalog": 93},
        report="data/report.html",
    )  # fmt: skip
    monkeypatch.setattr("flows.run.orchestration.run_nightly", lambda *_args: summary)

    assert cli.main(["run", "nightly", "--db", "data/kunci.duckdb"]) == cli.EXIT_INPUT_FAILED

    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "3 inputs: 1 loaded, 1 skipped (already loaded), 1 failed",
        "  FAILED c.csv: file is empty",
        "rows: 10 read = 7 loaded + 2 quarantined + 1 skipped",
        "metric tables (unchanged, not rebuilt): awareness_daily 5, catalog 93",
        "published data/kunci.duckdb",
        "report data/report.html",
    ]
    assert captured.err == summary.message() + "\n"


# --- help ------------------------------------------------------------------------------------

COMMANDS = (
    "run",
    "ingest",
    "build",
    "status",
    "metrics",
    "formats",
    "export",
    "report",
    "serve",
    "deploy",
)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main([command, "--help"])

    assert exit_.value.code == 0
    text = capsys.readouterr().out
    examples = text.split("examples:\n", 1)[1].splitlines()
    assert examples and all(line.startswith(f"  kunci {command}") for line in examples)
    assert "--db DB" in text and "--json" in text


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    listed = re.findall(r"^    (\w+)\s", text, re.MULTILINE)
    assert tuple(listed) == COMMANDS
    assert "examples:\n  kunci run nightly" in text
    assert set(cli.HANDLERS) == set(COMMANDS)


# --- progress --------------------------------------------------------------------------------


def test_progress_is_silent_when_nobody_watches(plain_env: None) -> None:
    log = io.StringIO()
    with console.progress("ingest", total=2, stream=log) as advance:
        advance("a.csv")
        advance("b.csv")
    assert log.getvalue() == ""


def test_progress_draws_a_bar_on_a_terminal(plain_env: None) -> None:
    terminal = Terminal()
    with console.progress("ingest", total=3, stream=terminal) as advance:
        for name in ("a.csv", "b.csv", "c.csv"):
            advance(name)
    drawn = terminal.getvalue()
    assert "ingest" in drawn and "3/3" in drawn and "c.csv" in drawn


def test_progress_respects_no_color(plain_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    terminal = Terminal()
    with console.progress("ingest", total=1, stream=terminal) as advance:
        advance("a.csv")
    assert terminal.getvalue() == ""


# --- report ----------------------------------------------------------------------------------


Call = tuple[Path, Path | None, dict[str, str]]


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[Call]:
    """Record what `kunci report` asks `flows.report.write_report` to write."""
    calls: list[Call] = []

    def write_report(published: Path, out: Path | None = None, **options: str) -> Path:
        calls.append((published, out, options))
        return out or published.parent / "report.html"

    monkeypatch.setattr("flows.report.write_report", write_report)
    return calls


def test_report_defaults(
    demo_db: Path, written: list[Call], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["report", "--db", str(demo_db)]) == 0

    assert written == [(demo_db, None, {"period": "month", "lang": "en"})]
    assert capsys.readouterr().out == f"report written to {demo_db.parent / 'report.html'}\n"


def test_report_options_and_json(
    demo_db: Path, written: list[Call], workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["report", "--db", str(demo_db), "--out", "w.html", "--period", "week", "--lang", "id"]
    assert cli.main([*args, "--json"]) == 0

    assert written == [(demo_db, Path("w.html"), {"period": "week", "lang": "id"})]
    assert json.loads(capsys.readouterr().out) == {
        "db": str(demo_db),
        "path": "w.html",
        "period": "week",
        "lang": "id",
    }


def test_report_without_a_database_is_one_line(
    written: list[Call], workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["report"]) == 2
    assert capsys.readouterr().err == (
        "kunci report: data/kunci.duckdb: no database yet; run `kunci run nightly` first\n"
    )
    assert written == []


def test_report_writes_the_real_report(
    demo_db: Path, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["report", "--db", str(demo_db), "--out", "r.html", "--lang", "id"]) == 0

    assert capsys.readouterr().out == "report written to r.html\n"
    page = (workdir / "r.html").read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html") and 'lang="id"' in page


# --- the analyst guide -----------------------------------------------------------------------


def _blocks(language: str) -> list[tuple[str, str]]:
    """Each fenced block of the guide in `language`, with the heading it stands under."""
    heading, fence, blocks = "", None, []
    for line in GUIDE.read_text(encoding="utf-8").splitlines():
        if fence is not None:
            if line == "```":
                blocks.append((heading, "\n".join(fence)))
                fence = None
            else:
                fence.append(line)
        elif line == f"```{language}":
            fence = []
        elif line.startswith(("## ", "### ")):
            heading = line.lstrip("# ").split(" (")[0]
    return blocks


@pytest.fixture
def analyst(demo_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


def test_every_query_of_the_guide_runs_on_the_demo(analyst: duckdb.DuckDBPyConnection) -> None:
    blocks = _blocks("sql")
    assert len(blocks) == 23
    for heading, query in blocks:
        try:
            rows = analyst.sql(query).fetchall()
        except duckdb.Error as exc:
            pytest.fail(f"query under '{heading}' fails: {exc}\n{query}")
        if heading in (*OBJECTIVES, "Targets"):
            assert rows, f"query under '{heading}' returns no rows on the demo:\n{query}"


def test_the_guide_has_queries_for_every_objective() -> None:
    headings = [heading for heading, _ in _blocks("sql")]
    assert {objective: headings.count(objective) for objective in OBJECTIVES} == {
        "Awareness": 3,
        "Traffic": 2,
        "Community": 3,
        "Conversion": 2,
        "Insights": 4,
        "Leads": 2,
    }


def test_the_guides_python_runs_on_the_demo(demo_db: Path) -> None:
    (polars_block, jupyter_block) = (code for _, code in _blocks("python"))
    plain: dict[str, Any] = {}
    exec(polars_block.replace("data/kunci.duckdb", str(demo_db)), plain)
    assert plain["weekly"].height == 84
    notebook: dict[str, Any] = {}
    exec(jupyter_block.replace("data/kunci.duckdb", str(demo_db)), notebook)
    assert notebook["kunci"]("select count(*) as n from metrics.scorecard").item() == 10


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "backfill", "--end", "2026-10-07"], "needs --start DATE and --end DATE"),
        (
            ["run", "backfill", "--start", "2026-10-07", "--end", "2026-10-01"],
            "backfill end 2026-10-01 is before its start 2026-10-07",
        ),
        (
            ["run", "backfill", "--start", "2026-10-01", "--end", "2026-10-07", "--source", "x"],
            "unknown API source x (known: none configured)",
        ),
        (
            ["run", "backfill", "--start", "2026-10-01", "--end", "2026-10-07", "--chunk-days=0"],
            "--chunk-days (chunk_days) must be at least 1, not 0",
        ),
    ],
)
def test_backfill_refuses_bad_parameters_in_one_line(
    argv: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main([*argv, "--db", str(tmp_path / "k.duckdb")]) == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "k.duckdb").exists()


def test_an_input_with_every_row_quarantined_is_not_shown_as_loaded(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    emptied = LoadOutcome(
        "overview.csv", "quarantined", format="tiktok_overview", rows_read=3, rows_quarantined=3,
        error="every row quarantined: column 'Date': not a date",
    )  # fmt: skip
    summary = RunSummary(db="data/kunci.duckdb", inputs=[emptied], tables={"metrics.x": 1})
    monkeypatch.setattr("flows.run.orchestration.run_ingest", lambda *_args: summary)

    assert cli.main(["ingest", "overview.csv", "--db", "data/kunci.duckdb"]) == cli.EXIT_OK
    assert capsys.readouterr().out.splitlines()[:2] == [
        "1 inputs: 0 loaded, 1 with every row quarantined, 0 skipped (already loaded), 0 failed",
        "  NOTHING LOADED overview.csv: every row quarantined: column 'Date': not a date",
    ]

    assert cli.main(["ingest", "overview.csv", "--json", "--db", "data/kunci.duckdb"]) == 0
    printed = json.loads(capsys.readouterr().out)["inputs"][0]
    assert (printed["status"], printed["rows_loaded"], printed["error"]) == (
        "quarantined",
        0,
        "every row quarantined: column 'Date': not a date",
    )


# --- errors before a run starts ----------------------------------------------------------------


def _refused(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[str, dict[str, Any]]:
    assert cli.main(argv) == cli.EXIT_ERROR
    captured = capsys.readouterr()
    assert len(captured.err.splitlines()) == 1, captured.err
    assert "Traceback" not in captured.err + captured.out
    return captured.err.strip(), json.loads(captured.out)


def test_a_second_writer_is_refused_in_one_line_with_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "kunci.duckdb"
    export = tmp_path / "a.csv"
    export.write_text("Date,Views\n2026-09-01,5\n")

    argv = ["ingest", str(export), "--db", str(db), "--json", "--lock-wait", "0.2"]
    with working_file.writer_lock(db):
        err, printed = _refused(capsys, argv)

    holder = f"pid {os.getpid()}, `{' '.join(sys.argv)}`, started "
    assert err.startswith(f"kunci ingest: {db}: another kunci run ({holder}")
    assert err.endswith(
        ") is writing this database (waited 0.2 s; try again later or give --lock-wait SECONDS)"
    )
    reason = err.removeprefix("kunci ingest: ")
    assert printed == {"command": "ingest", "status": "error", "error": reason}
    assert not db.exists()


def test_a_bad_account_reference_is_refused_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["ingest", "a.csv", "--account", "bogus", "--db", str(tmp_path / "k.duckdb"), "--json"]

    err, printed = _refused(capsys, argv)

    assert err == "kunci ingest: account reference 'bogus' is not platform:id"
    assert printed["error"] == "account reference 'bogus' is not platform:id"


def test_a_bad_memory_limit_is_refused_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "kunci.toml"
    config.write_text('[database]\nmemory_limit = "lots"\n')
    argv = ["run", "nightly", "--config", str(config), "--db", str(tmp_path / "k.duckdb"), "--json"]

    err, printed = _refused(capsys, argv)

    assert "database.memory_limit must be a size" in err
    assert printed["status"] == "error"
