"""The benchmark's results as targets met or not, and as the tables of `docs/performance.md`.

`render_results` rewrites only what lies between the `results:begin` and `results:end` markers of
the document, so the analysis written around the tables stays as it is.
"""

from pathlib import Path
from typing import Any

from bench.timing import median

BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
Result = dict[str, Any]


def targets(results: Result) -> list[Result]:
    """Each target (issue 8, tightened by issue 17) with its measured value, for what ran."""
    found = []
    for step, measure, key, limit in (
        ("ingest", "ingest ÷ DuckDB read_csv", "ratio", 3.0),
        ("rebuild", "metric rebuild ÷ scan-aggregate", "ratio", 3.0),
        ("nightly", "nightly on 3 years ÷ on 1 month", "ratio", 1.2),
    ):
        if step in results:
            value = results[step][key]
            found.append(_target(measure, value, f"≤ {limit:g}", value <= limit))
    if "backfill" in results:
        peak = results["backfill"]["rss_peak_mb"]
        found.append(
            _target("backfill of 10 million rows, peak RSS (MB)", peak, "< 1536", peak < 1536)
        )
    return found


def _target(measure: str, measured: float, target: str, met: bool) -> Result:
    return {"measure": measure, "measured": measured, "target": target, "met": met}


def render_results(doc: Path, results: Result) -> None:
    """Replace the results section of `doc` (created with the markers if absent)."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else f"{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text += f"\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    doc.write_text(f"{head}{BEGIN}\n{tables(results)}{END}{tail}", encoding="utf-8")


def tables(results: Result) -> str:
    """Markdown: the summary against the targets, then each measurement's details."""
    lines = [_context(results), "", *_summary(results)]
    for step, details in (
        ("ingest", _ingest),
        ("rebuild", _rebuild),
        ("nightly", _nightly),
        ("backfill", _backfill),
        ("overhead", _overhead),
    ):
        if step in results:
            lines += ["", *details(results[step])]
    return "\n".join(lines) + "\n"


def _context(results: Result) -> str:
    m = results["machine"]
    loads = ", ".join(
        f"{step} {results[step]['step']['load_average_before']:.1f}→"
        f"{results[step]['step']['load_average_after']:.1f}"
        for step in ("overhead", "ingest", "rebuild", "nightly", "backfill")
        if step in results
    )
    return (
        f"Run of {results['started_at']} (`python -m bench.run --scale {results['scale']:g} "
        f"--repeat {results['repeat']} --repeat-long {results['repeat_long']}"
        f"{' --prototypes' if results['prototypes'] else ''}`, {results['wall_seconds']:.0f} s "
        f"in all): {m['cpus']} "
        f"CPUs, {m['memory_gb']} GB, Python {m['python']}, DuckDB {m['duckdb']}, polars "
        f"{m['polars']}; medians of {results['repeat']} runs for DuckDB's baselines, the builds "
        f"and the empty nightly, of {results['repeat_long']} for Kunci's ingest and nightly runs. "
        f"The machine was shared with other work: 1-minute "
        f"load average before→after each measurement: {loads}."
    )


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def _summary(results: Result) -> list[str]:
    lines = [
        "| # | measurement | Kunci | baseline | ratio | target | met |",
        "|---|-------------|------:|---------:|------:|-------:|:---:|",
    ]
    met = {t["measure"]: "yes" if t["met"] else "**no**" for t in results["targets"]}
    if "ingest" in results:
        r = results["ingest"]
        lines.append(
            f"| 1 | ingest {r['files']} files, {r['megabytes']} MB, {r['rows']:,} rows → core | "
            f"{_s(r['kunci']['median_seconds'])} | "
            f"read_csv {_s(r['duckdb_read_csv']['median_seconds'])} | {r['ratio']}× | ≤ 3× | "
            f"{met['ingest ÷ DuckDB read_csv']} |"
        )
    if "rebuild" in results:
        r = results["rebuild"]
        lines.append(
            f"| 2 | metric rebuild over {r['snapshots']:,} snapshots | "
            f"{_s(median(r['build_seconds']))} | scan-aggregate "
            f"{_s(median(r['scan_aggregate_by_post_seconds']))} | {r['ratio']}× | ≤ 3× | "
            f"{met['metric rebuild ÷ scan-aggregate']} |"
        )
    if "nightly" in results:
        r = results["nightly"]
        lines.append(
            f"| 3 | nightly, one new day ({r['3y']['inputs']} exports) on 3 years | "
            f"{_s(r['3y']['median_seconds'])} | on 1 month {_s(r['1m']['median_seconds'])} | "
            f"{r['ratio']}× | ≤ 1.2× | {met['nightly on 3 years ÷ on 1 month']} |"
        )
    if "backfill" in results:
        r = results["backfill"]
        lines.append(
            f"| 4 | backfill of {r['rows']:,} rows ({r['files']} exports) and build: peak RSS | "
            f"{r['rss_peak_mb']:,} MB | | | < 1,536 MB | "
            f"{met['backfill of 10 million rows, peak RSS (MB)']} |"
        )
    if "overhead" in results:
        r = results["overhead"]
        lines.append(
            f"| 5 | `kunci run nightly`, empty inbox | {_s(r['median_seconds'])} | | | | |"
        )
    return lines


def _stage_rows(stages: dict[str, float]) -> list[str]:
    return [f"| {label} | {_s(seconds)} |" for label, seconds in stages.items()]


def _ingest(r: Result) -> list[str]:
    k, d = r["kunci"], r["duckdb_read_csv"]
    found = [
        f"**1. Ingest.** {r['files']} exports of the seeded workload (generated in "
        f"{r['generate_seconds']:.1f} s). Kunci: {k['megabytes_per_second']} MB/s, "
        f"{k['rows_per_second']:,} rows/s ({1000 * k['median_seconds'] / r['files']:.0f} ms per "
        f"file), peak RSS {k['rss_peak_mb']} MB; DuckDB `read_csv` (all_varchar, one file at a "
        f"time): {d['megabytes_per_second']} MB/s ({1000 * d['median_seconds'] / r['files']:.1f} "
        f"ms per file). Where Kunci's time goes (last run):",
        "",
        "| stage | seconds |",
        "|-------|--------:|",
        *_stage_rows(k["stages_seconds"]),
    ]
    return found


def _rebuild(r: Result) -> list[str]:
    h = r["history"]["tables"]
    lines = [
        f"**2. Metric rebuild.** `core`: {h['post']:,} posts, {h['post_metrics']:,} snapshots, "
        f"{h['account_daily']:,} account-days ({r['history']['megabytes']} MB). Build (all "
        f"{r['threads']} threads, as `build_metrics` runs): {_s(median(r['build_seconds']))}. "
        f"Baselines: group by post with all {r['threads']} threads "
        f"{_s(median(r['scan_aggregate_by_post_seconds']))}, one thread "
        f"{_s(median(r['scan_aggregate_by_post_1_thread_seconds']))}; group by platform "
        f"{_s(median(r['scan_aggregate_by_platform_seconds']))}. Writing the build's tables "
        f"again (each copied whole, one transaction, committed; the floor under any build that "
        f"materializes them): {_s(median(r['write_floor_seconds']))}, "
        f"{r['write_floor_ratio']}× the scan-aggregate.",
    ]
    return [
        *lines,
        "",
        "| slowest statements of the build | seconds |",
        "|-------------------------------|--------:|",
        *_stage_rows(r["build_stages_seconds"]),
    ]


def _nightly(r: Result) -> list[str]:
    long, short = r["3y"], r["1m"]
    lines = [
        f"**3. Nightly.** {long['inputs']} new exports ({long['rows']:,} rows) of one day. "
        f"Three years: {long['history']['tables']['post_metrics']:,} snapshots, "
        f"{long['megabytes']} MB; one month: {short['history']['tables']['post_metrics']:,} "
        f"snapshots, {short['megabytes']} MB. `kunci run nightly` on the one-month history: "
        f"{_s(r['kunci_run_nightly_1m_seconds'])}, of which Prefect and the process "
        f"{_s(r['prefect_and_process_overhead_1m_seconds'])}.",
        "",
        "| step (median) | 3 years | 1 month |",
        "|---------------|--------:|--------:|",
    ]
    for label, seconds in long["steps_seconds"].items():
        lines.append(f"| {label} | {_s(seconds)} | {_s(short['steps_seconds'].get(label, 0.0))} |")
    if "prototype_upsert_accounts_declared_seconds" in short:
        lines += [
            "",
            f"Prototype: declaring the {short['prototype_accounts']} configured accounts "
            f"(`initialise`): {_s(short['prototype_upsert_accounts_declared_seconds'])} one "
            f"statement per account, {_s(short['prototype_upsert_accounts_one_statement_seconds'])}"
            f" in one statement (same rows: {short['prototype_upsert_accounts_same_rows']}).",
        ]
    return lines


def _backfill(r: Result) -> list[str]:
    return [
        f"**4. Backfill.** {r['files']} X content exports, {r['megabytes']:,} MB (generated by "
        f"DuckDB in {r['generate_seconds']:.0f} s), loaded through one working copy as "
        f"`kunci ingest` does, then built: ingest {_s(r['ingest_seconds'])} "
        f"({r['rows'] / r['ingest_seconds']:,.0f} rows/s; DuckDB `read_csv` of the same files "
        f"{_s(r['duckdb_read_csv_seconds'])}, so {r['ingest_ratio']}× at this file size), build "
        f"{_s(r['build_seconds'])}; {r['snapshots_stored']:,} snapshots stored, database "
        f"{r['megabytes_database']:,} MB. Peak RSS: {r['rss_after_ingest_mb']:,} MB after "
        f"ingest, {r['rss_after_build_mb']:,} MB after the build (imports alone "
        f"{r['rss_ready_mb']} MB), with `[database] memory_limit` at its default, 1 GB.",
    ]


def _overhead(r: Result) -> list[str]:
    return [
        f"**5. Fixed overhead.** `kunci run nightly` with nothing to load, warm: "
        f"{_s(r['median_seconds'])}; the first run ever (Prefect creates its database): "
        f"{_s(r['first_run_seconds'])}; `import flows.run.nightly` alone: "
        f"{_s(r['import_flows_nightly_seconds'])}.",
    ]
