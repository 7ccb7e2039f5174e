"""The `kunci` command line: people get short summaries and tables, machines get `--json`.

Bad input never produces a traceback: each input that could not be read gets one line naming it
and the reason, and the exit status is non-zero. Prefect is imported only by tracked runs (a
Prefect API is configured, `flows.run.orchestration`) and `kunci serve`. Each command is one
builder in `flows.cli.parser` and one handler in `HANDLERS`; tables for people are drawn by
`flows.console`.
"""

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flows.cli.parser import build_parser
from flows.config.settings import (
    Settings,
    configure_prefect,
    load_settings,
    resolve_db,
)
from flows.load import stage_watch
from flows.publish.working_file import DatabaseBusy
from transforms.errors import InputError

if TYPE_CHECKING:
    from flows.run.backfill_run import BackfillSummary
    from flows.run.runs import RunSummary

EXIT_OK, EXIT_INPUT_FAILED, EXIT_ERROR = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `kunci` script (`argv` None: this process's own command line)."""
    args = build_parser().parse_args(argv)
    if argv is None:  # running its own command line, the process may run it again
        stage_watch.allow_restart()
    db = resolve_db(args.db)
    published = _published_file(db)
    try:
        return HANDLERS[args.command](args, db)
    except (InputError, DatabaseBusy) as exc:
        return _error(args, str(exc))
    except KeyboardInterrupt:
        return _error(args, f"interrupted; {_what_became_of(db, published)}")
    except Exception as exc:
        # Not a bad input (those never raise): a defect or an environment failure. `--verbose`
        # (or the Prefect server's log) holds the traceback.
        if os.environ.get("KUNCI_DEBUG"):
            raise
        what = _what_became_of(db, published)
        return _error(args, f"failed ({type(exc).__name__}: {exc}); {what}")


def _published_file(db: Path) -> tuple[int, int] | None:
    """The published file's identity: a publish replaces it (`os.replace`), a new inode."""
    try:
        stat = db.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns


def _what_became_of(db: Path, before: tuple[int, int] | None) -> str:
    """Whether the command published before it stopped (a run only ever publishes whole files).

    A failure after the publish (writing the report, printing to a closed pipe) or a backfill
    interrupted after some chunks leaves a new published file: saying "unchanged" would be false.
    """
    if _published_file(db) == before:
        return f"{db} is unchanged"
    return f"{db} was published before it stopped (rerun the command to finish what remained)"


def _error(args: argparse.Namespace, message: str) -> int:
    """A command that could not run: one line on stderr and, with `--json`, an object on stdout.

    A script reading `--json` must learn why there is no summary without parsing stderr.
    """
    print(f"kunci {args.command}: {message}", file=sys.stderr)
    if getattr(args, "json", False):
        _print_json({"command": args.command, "status": "error", "error": message})
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
    from flows.run import orchestration

    settings = _check_before_running(args, db)
    configure_prefect()
    orchestration.show_logs(args.verbose)
    if args.command == "run" and args.job == "backfill":
        return _backfill(args, db, settings)
    from flows.run.runs import RunFailed

    try:
        if args.command == "run":
            summary = orchestration.run_nightly(db, args.config, args.lock_wait)
        else:
            summary = orchestration.run_ingest(
                db,
                args.paths,
                args.account,
                _parse_period(args.period),
                args.config,
                args.lock_wait,
            )
    except RunFailed as failed:  # what loaded was published, then the run ended Failed
        summary = failed.summary
    if args.json:
        _print_json(summary.as_dict())
    else:
        _print_summary(summary)
    if summary.status == "failed":
        print(summary.message(), file=sys.stderr)
        return EXIT_INPUT_FAILED
    return EXIT_OK


def _check_before_running(args: argparse.Namespace, db: Path) -> Settings:
    """Refuse in one line what would make the run fail at its start; return the settings.

    A bad config, account or period, or a database another run is still writing after the
    wait: inside a tracked flow run, Prefect would log each as a traceback before the one-line
    reason. (A local run waits for the lock where it takes it.)
    """
    from flows.publish import working_file
    from flows.run import orchestration

    settings = load_settings(args.config)
    if getattr(args, "account", None):
        settings.account(args.account)
    _parse_period(getattr(args, "period", None))
    if orchestration.is_tracked() or (args.command == "run" and args.job == "backfill"):
        working_file.check_unlocked(db, _lock_wait(args, settings))
    return settings


def _lock_wait(args: argparse.Namespace, settings: Settings) -> float:
    """`--lock-wait`, else `[database] lock_wait_seconds`."""
    wait: float = settings.lock_wait_seconds if args.lock_wait is None else args.lock_wait
    return wait


def _backfill(args: argparse.Namespace, db: Path, settings: Settings) -> int:
    """Run a backfill; one line per chunk, one per failed pull."""
    if args.start is None or args.end is None:
        raise InputError("run backfill needs --start DATE and --end DATE")
    from flows.run import orchestration
    from flows.run.backfill_run import BackfillFailed, check

    check(settings, args.start, args.end, args.source, args.chunk_days)
    try:
        summary = orchestration.run_backfill(
            db,
            args.start,
            args.end,
            args.source,
            args.account,
            args.replay,
            args.config,
            args.chunk_days,
        )
    except BackfillFailed as crashed:  # the chunks before the crashed one are published
        print(f"kunci {args.command}: {crashed.message}", file=sys.stderr)
        if args.json:
            _print_json(crashed.summary.as_dict() | {"status": "error", "error": crashed.message})
        else:
            _print_chunks(crashed.summary)
        return EXIT_ERROR
    if args.json:
        _print_json(summary.as_dict())
    else:
        _print_chunks(summary)
        print(f"published {summary.db}")
    return EXIT_INPUT_FAILED if summary.failed else EXIT_OK


def _print_chunks(summary: "BackfillSummary") -> None:
    """One line per published chunk, one per failed pull."""
    for chunk in summary.chunks:
        state = "published earlier" if chunk.done_before else f"{len(chunk.outcomes)} pulls"
        print(f"{chunk.start}..{chunk.end}: {state}, {len(chunk.failed)} failed")
        for outcome in chunk.failed:
            print(f"  FAILED {outcome.path}: {outcome.error}")


def _print_json(value: object) -> None:
    print(json.dumps(value, indent=2, default=str))


def _print_summary(summary: "RunSummary") -> None:
    emptied = [o for o in summary.inputs if o.status == "quarantined"]
    ignored = [o for o in summary.inputs if o.status == "ignored"]
    print(
        f"{len(summary.inputs)} inputs: {summary.count('loaded')} loaded, "
        + (f"{len(emptied)} with every row quarantined, " if emptied else "")
        + f"{summary.count('skipped')} skipped (already loaded), "
        + (f"{len(ignored)} ignored, " if ignored else "")
        + f"{len(summary.failed)} failed"
    )
    for outcome in summary.failed:
        print(f"  FAILED {outcome.path}: {outcome.error}")
    for outcome in emptied:
        print(f"  NOTHING LOADED {outcome.path}: {outcome.error}")
    for outcome in ignored:
        print(f"  IGNORED {outcome.path}: {outcome.error}")
    rows = summary.rows()  # only loaded inputs have rows
    print(
        f"rows: {rows['rows_read']} read = {rows['rows_loaded']} loaded + "
        f"{rows['rows_quarantined']} quarantined + {rows['rows_skipped']} skipped"
    )
    refreshed = summary.refreshed()
    if refreshed:
        print("posts refreshed: " + ", ".join(f"{name} {n}" for name, n in refreshed.items()))
    reads = summary.reads()
    if reads:
        print("API reads used: " + ", ".join(f"{name} {n}" for name, n in reads.items()))
    tables = ", ".join(f"{name.removeprefix('metrics.')} {n}" for name, n in summary.tables.items())
    print(f"metric tables{'' if summary.rebuilt else ' (unchanged, not rebuilt)'}: {tables}")
    print(f"published {summary.db}")
    if summary.report:
        print(f"report {summary.report}")


def _build(args: argparse.Namespace, db: Path) -> int:
    from flows.build import models
    from flows.run import jobs, pipeline

    settings = load_settings(args.config)
    wait = _lock_wait(args, settings)
    with pipeline.working_database(
        db, settings.memory_limit, wait, settings.keep_previous
    ) as working:
        pipeline.initialise(working.con, settings)
        tables = models.build_metrics(working.con, settings.targets)
    report = jobs.report(db) if jobs.report_exists(db) else None
    if args.json:
        _print_json({"db": str(db), "tables": tables, "report": report})
    else:
        for name, rows in tables.items():
            print(f"{name}: {rows} rows")
        print(f"published {db}")
        if report:
            print(f"report {report}")
    return EXIT_OK


def _require_db(db: Path) -> None:
    if not db.is_file():
        raise InputError(f"{db}: no database yet; run `kunci run nightly` first")


def _read_only(db: Path) -> Any:
    from flows.load import store

    _require_db(db)
    return store.connect(db, read_only=True)


def _status(args: argparse.Namespace, db: Path) -> int:
    from flows.run import runs

    con = _read_only(db)
    try:
        loads = con.sql(
            "select load_id, status, format, platform, rows_read, rows_loaded, rows_quarantined, "
            "rows_skipped, source, error, finished_at from ops.load order by load_id desc limit ?",
            params=[args.limit],
        ).pl()
        recent = runs.recent_runs(con, 5)
        totals = con.execute(
            "select count(*) filter (where status = 'loaded') as loaded, "
            "count(*) filter (where status = 'failed') as failed, "
            "coalesce(sum(rows_quarantined), 0)::bigint as quarantined from ops.load"
        ).fetchone()
    finally:
        con.close()
    loaded, failed, quarantined = totals or (0, 0, 0)
    if args.json:
        _print_json(
            {
                "db": str(db),
                "loads_loaded": loaded,
                "loads_failed": failed,
                "rows_quarantined": quarantined,
                "recent_loads": loads.to_dicts(),
                "runs": recent,
            }
        )
        return EXIT_OK
    from flows import console

    headline = f"{db}: {loaded} loads, {failed} failed, {quarantined} rows in quarantine"
    parts = [headline, *(["recent runs:", *map(runs.describe, recent)] if recent else [])]
    console.show(*parts, *([_loads_table(loads.to_dicts())] if not loads.is_empty() else []))
    return EXIT_OK


LOAD_COUNTS = {
    "read": "rows_read",
    "loaded": "rows_loaded",
    "quarantined": "rows_quarantined",
    "skipped": "rows_skipped",
}


def _loads_table(loads: list[dict[str, Any]]) -> Any:
    """One row per load; the error column only when some load failed."""
    from flows import console

    errors = any(load["error"] for load in loads)
    headers = ["load", "status", "format", "input", *LOAD_COUNTS, "finished (UTC)"]
    rows = [
        [
            load["load_id"],
            load["status"],
            load["format"],
            load["source"] if load["source"].startswith("api://") else Path(load["source"]).name,
            *(load[column] for column in LOAD_COUNTS.values()),
            f"{load['finished_at']:%Y-%m-%d %H:%M}" if load["finished_at"] else None,
            *([load["error"]] if errors else []),
        ]
        for load in loads
    ]
    numeric = ["load", *LOAD_COUNTS]
    return console.table(
        [*headers, *(["error"] if errors else [])],
        rows,
        numeric=numeric,
        row_style=lambda row: "red" if row[1] == "failed" else None,
    )


def _metrics(args: argparse.Namespace, db: Path) -> int:
    con = _read_only(db)
    try:
        catalog = con.sql(
            'select metric, objective, "table", "column", formula, unit, description_en'
            + (", caveats" if args.caveats else "")
            + " from metrics.catalog order by objective, metric"
        ).pl()
    finally:
        con.close()
    if args.json:
        print(json.dumps(catalog.to_dicts(), indent=2))
        return EXIT_OK
    from flows import console

    if args.caveats:
        noted = [
            [r["objective"], r["metric"], r["caveats"]]
            for r in catalog.iter_rows(named=True)
            if r["caveats"]
        ]
        console.show(console.table(["objective", "metric", "caveats"], noted))
        return EXIT_OK

    rows = [
        [r["objective"], r["metric"], r["unit"], f"{r['table']}.{r['column']}", r["formula"]]
        for r in catalog.iter_rows(named=True)
    ]
    console.show(console.table(["objective", "metric", "unit", "table.column", "formula"], rows))
    return EXIT_OK


def _formats(args: argparse.Namespace, db: Path) -> int:
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


def _export(args: argparse.Namespace, db: Path) -> int:
    from flows.publish import export

    if args.all:
        return _export_all(args, db)
    if args.table is None or args.to:
        raise InputError("give one TABLE (with --out), or --all with --to DIR_OR_URL")
    if args.since and args.until and args.since > args.until:
        raise InputError(f"--since {args.since} is after --until {args.until}")
    out = Path(args.out) if args.out else None
    fmt = export.format_for(out, args.format)
    con = _read_only(db)
    try:
        result = export.export_table(con, args.table, fmt, out, args.since, args.until)
    finally:
        con.close()
    if args.json:
        _print_json(result.as_dict())
    else:
        print(f"{result.table}: {result.rows} rows written to {result.path} ({result.format})")
    return EXIT_OK


def _export_all(args: argparse.Namespace, db: Path) -> int:
    from flows import zones
    from flows.publish import export

    if args.table or not args.to or args.out or args.format == "csv" or args.since or args.until:
        raise InputError("--all takes --to DIR_OR_URL only (every metric table, whole, as Parquet)")
    storage = load_settings(args.config).zones.storage
    con = _read_only(db)
    try:
        results = export.export_all(con, zones.Zone(args.to, storage))
    finally:
        con.close()
    if args.json:
        _print_json([r.as_dict() for r in results])
    else:
        rows = sum(r.rows for r in results)
        print(f"{len(results)} metric tables, {rows} rows, written to {args.to} (hive-partitioned)")
    return EXIT_OK


def _report(args: argparse.Namespace, db: Path) -> int:
    from flows.report import write_report  # the report's modules load only when asked for

    _require_db(db)
    out = Path(args.out) if args.out else None
    path = write_report(db, out, period=args.period, lang=args.lang)
    if args.json:
        _print_json({"db": str(db), "path": str(path), "period": args.period, "lang": args.lang})
    else:
        print(f"report written to {path}")
    return EXIT_OK


def _serve(args: argparse.Namespace, db: Path) -> int:
    configure_prefect()
    from flows.run.serve import serve

    serve(db, args.config, args.deployments)
    return EXIT_OK


def _deploy(args: argparse.Namespace, db: Path) -> int:
    configure_prefect()
    from flows.config.settings import config_path
    from flows.run import deploy

    if len(args.configs) > 1 and args.db:
        raise InputError("--db names one database: give it with one workspace only")
    if args.configs:
        places = [
            deploy.workspace(Path(c), Path(args.db) if args.db else None) for c in args.configs
        ]
    else:
        found = config_path(None)
        if found is None:
            raise InputError("no kunci.toml here: name each workspace's config file to deploy")
        places = [deploy.workspace(found, db)]
    names = deploy.deploy(places, args.pool)
    if args.json:
        _print_json({"pool": args.pool, "deployments": names})
    else:
        for name in names:
            print(f"{name}  (pool {args.pool})")
    return EXIT_OK


HANDLERS: dict[str, Callable[[argparse.Namespace, Path], int]] = {
    "run": _run_flow,
    "ingest": _run_flow,
    "build": _build,
    "status": _status,
    "metrics": _metrics,
    "formats": _formats,
    "export": _export,
    "report": _report,
    "serve": _serve,
    "deploy": _deploy,
}

if __name__ == "__main__":
    sys.exit(main())
