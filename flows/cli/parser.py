"""The `kunci` command line's grammar: every command, its options, its `--help` and examples.

Only argparse here: what a command does is its handler in `flows.cli.commands`. Each command is one
`_add_<command>` builder whose `--help` ends with examples.
"""

import argparse
from collections.abc import Sequence
from datetime import date
from typing import Any

from flows.config.defaults import DEFAULT_LOCK_WAIT_SECONDS
from flows.config.settings import DEFAULT_CHUNK_DAYS

Commands = Any  # argparse's _SubParsersAction, which argparse does not export
Parents = list[argparse.ArgumentParser]


def build_parser() -> argparse.ArgumentParser:
    """The whole grammar: options every command takes, then one subparser per command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", help="published DuckDB file (default: $KUNCI_DB or data/kunci.duckdb)"
    )
    common.add_argument("--json", action="store_true", help="machine-readable summary on stdout")
    writing = argparse.ArgumentParser(add_help=False)
    writing.add_argument(
        "--lock-wait",
        type=float,
        metavar="SECONDS",
        help="how long to wait while another run writes the database "
        f"(default: [database] lock_wait_seconds, {DEFAULT_LOCK_WAIT_SECONDS:g})",
    )
    writing.add_argument(
        "--verbose",
        action="store_true",
        help="show the run's log lines (Kunci's, and Prefect's in a tracked run) on stderr",
    )
    configured = argparse.ArgumentParser(add_help=False)
    configured.add_argument(
        "--config", help="kunci.toml (default: KUNCI_CONFIG, else ./kunci.toml, else none: empty)"
    )

    parser = argparse.ArgumentParser(
        prog="kunci",
        description="Social-media success per objective: exports and APIs to DuckDB metric tables.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_examples(
            "kunci run nightly --config data/demo/kunci.toml  (the bundled demo workspace)",
            "kunci ingest ~/Downloads/exports/",
            "kunci status",
            "kunci export awareness_daily --format csv",
            "kunci COMMAND --help           (each command's options and examples)",
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_run(commands, [common, configured, writing])
    _add_ingest(commands, [common, configured, writing])
    _add_build(commands, [common, configured, writing])
    _add_status(commands, [common])
    _add_metrics(commands, [common])
    _add_formats(commands, [common, configured])
    _add_export(commands, [common, configured])
    _add_report(commands, [common])
    _add_serve(commands, [common, configured])
    _add_deploy(commands, [common])
    return parser


def _examples(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


def _command(
    commands: Commands, name: str, summary: str, parents: Parents, examples: Sequence[str]
) -> argparse.ArgumentParser:
    """A subcommand whose `--help` states what it does and ends with examples, as written."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=summary,
        description=f"{summary[0].upper()}{summary[1:]}.",
        parents=parents,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_examples(*examples),
    )
    return parser


def _add_run(commands: Commands, parents: Parents) -> None:
    run = _command(
        commands,
        "run",
        "run a job",
        parents,
        [
            "kunci run nightly",
            "kunci run nightly --config /srv/kunci/kunci.toml --db /srv/kunci/data/kunci.duckdb",
            "kunci run nightly --json > last-run.json",
            "kunci run backfill --start 2026-01-01 --end 2026-06-30",
            "kunci run backfill --start 2026-01-01 --end 2026-06-30 --source meta --replay",
        ],
    )
    run.add_argument(
        "job",
        choices=["nightly", "backfill"],
        help="nightly: ingest what is new, pull the APIs, rebuild, publish; "
        "backfill: re-pull (or --replay) a date range of the API sources, chunk by chunk",
    )
    run.add_argument("--start", type=date.fromisoformat, help="backfill: first date (ISO)")
    run.add_argument("--end", type=date.fromisoformat, help="backfill: last date (ISO)")
    run.add_argument(
        "--source", action="append", help="backfill: only this API source (repeatable)"
    )
    run.add_argument(
        "--account", action="append", help="backfill: only this account id (repeatable)"
    )
    run.add_argument(
        "--replay", action="store_true", help="backfill: rebuild from the raw zone, no network"
    )
    run.add_argument(
        "--chunk-days",
        type=int,
        default=DEFAULT_CHUNK_DAYS,
        help=f"backfill: days per published chunk ({DEFAULT_CHUNK_DAYS})",
    )


def _add_ingest(commands: Commands, parents: Parents) -> None:
    ingest = _command(
        commands,
        "ingest",
        "ingest export files or folders, rebuild the metric tables and publish",
        parents,
        [
            "kunci ingest ~/Downloads/Sep-01-2026_Sep-30-2026_123.csv",
            "kunci ingest exports/                      (a folder, recursively)",
            "kunci ingest overview.csv --account x:wisatanusantara",
            "kunci ingest traffic.csv --account web:properties/123 --period 2026-09-01:2026-09-30",
        ],
    )
    ingest.add_argument("paths", nargs="+", help="files or folders of exports")
    ingest.add_argument("--account", help="platform:id of the account exports belong to")
    ingest.add_argument("--period", help="START:END date range of an aggregate export (ISO dates)")


def _add_build(commands: Commands, parents: Parents) -> None:
    _command(
        commands,
        "build",
        "rebuild the metric tables from core (creates the schema in a new file) and publish",
        parents,
        ["kunci build", "kunci build --config kunci.toml --db data/kunci.duckdb --json"],
    )


def _add_status(commands: Commands, parents: Parents) -> None:
    status = _command(
        commands,
        "status",
        "recent loads, failures and quarantine of the published file",
        parents,
        ["kunci status", "kunci status --limit 100", "kunci status --json"],
    )
    status.add_argument("--limit", type=int, default=20, help="loads to show (default 20)")


def _add_serve(commands: Commands, parents: Parents) -> None:
    serve = _command(
        commands,
        "serve",
        "serve the prefect.yaml deployments (nightly on its cron schedule, backfill on demand) "
        "against a running Prefect server: start one with `prefect server start --host "
        "127.0.0.1` and export PREFECT_API_URL=http://127.0.0.1:4200/api",
        parents,
        [
            "kunci serve --config kunci.toml",
            "kunci serve nightly --config kunci.toml --db /srv/kunci/data/kunci.duckdb",
        ],
    )
    serve.add_argument(
        "deployments", nargs="*", help="deployment names from prefect.yaml (default: all)"
    )


def _add_deploy(commands: Commands, parents: Parents) -> None:
    deploy = _command(
        commands,
        "deploy",
        "register the prefect.yaml deployments of one or more workspaces on a process work pool "
        "(created if missing); run them with `prefect worker start --pool NAME` on each machine",
        parents,
        [
            "kunci deploy --pool kunci                          (./kunci.toml, --db or default)",
            "kunci deploy --pool kunci brands/a/kunci.toml brands/b/kunci.toml",
        ],
    )
    deploy.add_argument("--pool", required=True, help="process work pool name")
    deploy.add_argument(
        "configs",
        nargs="*",
        help="workspace kunci.toml files (default: ./kunci.toml); each one's database is "
        "data/kunci.duckdb beside it, or --db for a single workspace",
    )


def _add_metrics(commands: Commands, parents: Parents) -> None:
    metrics = _command(
        commands,
        "metrics",
        "the metric catalog: every metric with its objective, unit, table.column and formula",
        parents,
        [
            "kunci metrics",
            "kunci metrics | grep leads",
            "kunci metrics --caveats | grep reach",
            "kunci metrics --json",
        ],
    )
    metrics.add_argument(
        "--caveats",
        action="store_true",
        help="the catalog's caveats instead: platform differences and eras (why a series steps)",
    )


def _add_formats(commands: Commands, parents: Parents) -> None:
    _command(
        commands,
        "formats",
        "the export formats Kunci recognises (with those declared in kunci.toml)",
        parents,
        ["kunci formats", "kunci formats --config kunci.toml --json"],
    )


def _add_export(commands: Commands, parents: Parents) -> None:
    export = _command(
        commands,
        "export",
        "write a metric or core table to Parquet or CSV (read-only, safe during a run)",
        parents,
        [
            "kunci export awareness_daily                     (awareness_daily.parquet)",
            "kunci export metrics.community_weekly --format csv --out community.csv",
            "kunci export core.post --since 2026-09-01 --until 2026-09-30 --out posts.csv",
            "kunci export leads_daily --json",
            "kunci export --all --to lake/kunci                (hive-partitioned Parquet)",
            "kunci export --all --to s3://bucket/kunci --config kunci.toml   ([zones.storage])",
        ],
    )
    export.add_argument(
        "table",
        nargs="?",
        help="metric table (awareness_daily or metrics.awareness_daily) or core.TABLE",
    )
    export.add_argument(
        "--all",
        action="store_true",
        help="every metric table as hive-partitioned Parquet under --to "
        "(<objective>/<table>/year_month=YYYY-MM/data_0.parquet)",
    )
    export.add_argument(
        "--to", help="--all: folder or URL (s3://, gs://, az://; options from [zones.storage])"
    )
    export.add_argument(
        "--format",
        choices=["parquet", "csv"],
        help="file format (default: from the --out suffix, else parquet)",
    )
    export.add_argument("--out", help="output file (default: TABLE.FORMAT in this folder)")
    export.add_argument(
        "--since",
        type=iso_date,
        help="only rows dated on or after this ISO date (the table's date, week_start, "
        "month_start, ... column; a period table's first day)",
    )
    export.add_argument("--until", type=iso_date, help="only rows dated on or before this date")


def _add_report(commands: Commands, parents: Parents) -> None:
    report = _command(
        commands,
        "report",
        "write the objective report: one self-contained HTML file that opens offline",
        parents,
        [
            "kunci report                                     (report.html next to the database)",
            "kunci report --period week --lang id --out laporan.html",
        ],
    )
    report.add_argument("--out", help="HTML file (default: report.html next to the database)")
    report.add_argument(
        "--period",
        choices=["day", "week", "month"],
        default="month",
        help="grain of the headline figures and trends, each compared with the one before "
        "(default month)",
    )
    report.add_argument(
        "--lang", choices=["en", "id"], default="en", help="labels in English or Indonesian (en)"
    )


def iso_date(text: str) -> date:
    """An ISO date argument; anything else is argparse's one-line usage error."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an ISO date (YYYY-MM-DD)") from None
