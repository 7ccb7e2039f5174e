"""The `kunci` command line: people get short human summaries, machines get `--json`.

Bad input never produces a traceback: each input that could not be read gets one line naming it
and the reason, and the exit status is non-zero. Prefect is imported only by commands that
run flows.
"""

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from flows.settings import configure_prefect, resolve_db
from transforms.errors import InputError

EXIT_OK, EXIT_INPUT_FAILED, EXIT_ERROR = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", help="published DuckDB file (default: $KUNCI_DB or data/kunci.duckdb)"
    )
    common.add_argument("--json", action="store_true", help="machine-readable summary on stdout")
    configured = argparse.ArgumentParser(add_help=False)
    configured.add_argument("--config", help="kunci.toml (default: ./kunci.toml, else the demo)")

    parser = argparse.ArgumentParser(
        prog="kunci",
        description="Social-media success per objective: exports and APIs to DuckDB metric tables.",
        epilog="Example: kunci run nightly   (without a kunci.toml: the bundled demo workspace)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a job", parents=[common, configured])
    run.add_argument(
        "job", choices=["nightly"], help="nightly: ingest what is new, rebuild, publish"
    )
    ingest = commands.add_parser(
        "ingest",
        help="ingest export files or folders",
        parents=[common, configured],
        epilog="Example: kunci ingest overview.csv --account x:wisatanusantara",
    )
    ingest.add_argument("paths", nargs="+", help="files or folders of exports")
    ingest.add_argument("--account", help="platform:id of the account exports belong to")
    ingest.add_argument("--period", help="START:END date range of an aggregate export (ISO dates)")
    commands.add_parser(
        "build", help="rebuild metric tables from core", parents=[common, configured]
    )
    status = commands.add_parser("status", help="recent loads and quarantine", parents=[common])
    status.add_argument("--limit", type=int, default=20, help="loads to show (default 20)")
    commands.add_parser("metrics", help="the metric catalog", parents=[common])
    commands.add_parser(
        "formats",
        help="the export formats Kunci recognises (with those declared in kunci.toml)",
        parents=[common, configured],
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `kunci` script."""
    args = _parser().parse_args(argv)
    db = resolve_db(args.db)
    try:
        if args.command in ("run", "ingest"):
            return _run_flow(args, db)
        if args.command == "build":
            return _build(args, db)
        if args.command == "status":
            return _status(args, db)
        if args.command == "formats":
            return _formats(args)
        return _metrics(args, db)
    except InputError as exc:
        print(f"kunci {args.command}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"kunci {args.command}: interrupted; {db} is unchanged", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:
        # Not a bad input (those never raise): a defect or an environment failure. Prefect's log
        # above holds the traceback; the published database is untouched by construction.
        print(
            f"kunci {args.command}: failed ({type(exc).__name__}: {exc}); {db} is unchanged",
            file=sys.stderr,
        )
        if os.environ.get("KUNCI_DEBUG"):
            raise
        return EXIT_ERROR


def _parse_period(text: str | None) -> tuple[date, date] | None:
    if text is None:
        return None
    start, sep, end = text.partition(":")
    try:
        period = (date.fromisoformat(start), date.fromisoformat(end))
    except ValueError:
        period = None
    if not sep or period is None or period[0] > period[1]:
        raise InputError(f"--period '{text}' is not START:END (e.g. 2026-07-01:2026-07-31)")
    return period


def _run_flow(args: argparse.Namespace, db: Path) -> int:
    configure_prefect()
    from flows.nightly import ingest_flow, nightly_flow

    if args.command == "run":
        summary = nightly_flow(db=str(db), config=args.config)
    else:
        summary = ingest_flow(
            db=str(db),
            paths=args.paths,
            account=args.account,
            period=_parse_period(args.period),
            config=args.config,
        )
    if args.json:
        print(json.dumps(summary.as_dict(), indent=2, default=str))
    else:
        _print_summary(summary.as_dict())
    return EXIT_INPUT_FAILED if summary.failed else EXIT_OK


def _print_summary(summary: dict[str, Any]) -> None:
    inputs = summary["inputs"]
    by_status = {
        s: [i for i in inputs if i["status"] == s] for s in ("loaded", "skipped", "failed")
    }
    print(
        f"{len(inputs)} inputs: {len(by_status['loaded'])} loaded, "
        f"{len(by_status['skipped'])} skipped (already loaded), {len(by_status['failed'])} failed"
    )
    for item in by_status["failed"]:
        print(f"  FAILED {item['path']}: {item['error']}")
    loaded = by_status["loaded"]
    totals = {
        k: sum(i[k] for i in loaded)
        for k in ("rows_read", "rows_loaded", "rows_quarantined", "rows_skipped")
    }
    print(
        f"rows: {totals['rows_read']} read = {totals['rows_loaded']} loaded + "
        f"{totals['rows_quarantined']} quarantined + {totals['rows_skipped']} skipped"
    )
    tables = ", ".join(
        f"{name.removeprefix('metrics.')} {n}" for name, n in summary["tables"].items()
    )
    print(f"metric tables{'' if summary['rebuilt'] else ' (unchanged, not rebuilt)'}: {tables}")
    print(f"published {summary['db']}")


def _build(args: argparse.Namespace, db: Path) -> int:
    from flows import pipeline
    from flows.settings import load_settings

    settings = load_settings(args.config)
    with pipeline.working_database(db) as work, pipeline.open_working(work) as con:
        pipeline.initialise(con, settings)
        tables = pipeline.build(con, settings)
    if args.json:
        print(json.dumps({"db": str(db), "tables": tables}, indent=2))
    else:
        for name, rows in tables.items():
            print(f"{name}: {rows} rows")
        print(f"published {db}")
    return EXIT_OK


def _read_only(db: Path) -> Any:
    from flows import store

    if not db.is_file():
        raise InputError(f"{db}: no database yet; run `kunci run nightly` first")
    return store.connect(db, read_only=True)


def _status(args: argparse.Namespace, db: Path) -> int:
    con = _read_only(db)
    try:
        loads = con.sql(
            "select load_id, status, format, platform, rows_read, rows_loaded, rows_quarantined, "
            "rows_skipped, source, error, finished_at from ops.load order by load_id desc limit ?",
            params=[args.limit],
        ).pl()
        totals = con.execute(
            "select count(*) filter (where status = 'loaded') as loaded, "
            "count(*) filter (where status = 'failed') as failed, "
            "coalesce(sum(rows_quarantined), 0)::bigint as quarantined from ops.load"
        ).fetchone()
    finally:
        con.close()
    loaded, failed, quarantined = totals or (0, 0, 0)
    if args.json:
        print(
            json.dumps(
                {
                    "db": str(db),
                    "loads_loaded": loaded,
                    "loads_failed": failed,
                    "rows_quarantined": quarantined,
                    "recent_loads": loads.to_dicts(),
                },
                indent=2,
                default=str,
            )
        )
        return EXIT_OK
    print(f"{db}: {loaded} loads, {failed} failed, {quarantined} rows in quarantine")
    for row in loads.iter_rows(named=True):
        outcome = (
            row["error"]
            if row["status"] == "failed"
            else (
                f"{row['rows_read']} read, {row['rows_loaded']} loaded, "
                f"{row['rows_quarantined']} quarantined, {row['rows_skipped']} skipped"
            )
        )
        print(
            f"  #{row['load_id']} {row['status']:<6} {row['format'] or '-':<28} "
            f"{Path(row['source']).name}: {outcome}"
        )
    return EXIT_OK


def _metrics(args: argparse.Namespace, db: Path) -> int:
    con = _read_only(db)
    try:
        catalog = con.sql(
            'select metric, objective, "table", "column", formula, unit, description_en '
            "from metrics.catalog order by objective, metric"
        ).pl()
    finally:
        con.close()
    if args.json:
        print(json.dumps(catalog.to_dicts(), indent=2))
        return EXIT_OK
    for row in catalog.iter_rows(named=True):
        print(f"{row['objective']:<10} {row['metric']:<28} {row['unit']:<8} {row['formula']}")
    return EXIT_OK


def _formats(args: argparse.Namespace) -> int:
    from flows.settings import load_settings
    from transforms.formats import FORMATS

    declared = load_settings(args.config).formats
    described: list[dict[str, Any]] = [
        {
            "format": spec.name,
            "platform": spec.platform,
            "title": spec.title,
            "declared": spec in declared,
            "languages": sorted(spec.columns),
            "sheets": list(spec.sheets),
            "required_columns": {
                locale: list(dict.fromkeys(aliases[name][0] for name in spec.required))
                for locale, aliases in spec.columns.items()
            },
        }
        for spec in FORMATS + declared
    ]
    if args.json:
        print(json.dumps(described, indent=2, ensure_ascii=False))
        return EXIT_OK
    for item in described:
        origin = " (declared in kunci.toml)" if item["declared"] else ""
        print(f"{item['format']:<30} {item['platform']:<10} {item['title']}{origin}")
        if item["sheets"]:
            print(f"{'':<30} sheets: {', '.join(item['sheets'])}")
        for locale, columns in item["required_columns"].items():
            print(f"{'':<30} {locale}: {', '.join(columns)}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
