"""The whole normalize step for one export: bytes in, canonical frames and quarantine out.

One pass through the stages, each entered once per sheet and never calling back into an earlier
one: the container (`transforms.container.book`: bytes to named sheets of string records),
detection (`transforms.detect`: which format, header row, columns and header language), the table
(`transforms.table`: the detected table as the string frame a format reads), the format
(`transforms.formats`: that frame to canonical frames and quarantine). What stays here is the
bookkeeping across sheets: rows of unrecognised sheets counted as skipped, columns not used named,
and the sheets' results merged into one load.
"""

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import polars as pl

from transforms.canonical.accounts import sole_account_note
from transforms.canonical.schemas import TABLES
from transforms.container.book import read_book
from transforms.container.sheets import Book, Sheet
from transforms.context import IngestContext, Normalized, ParsedInput
from transforms.detect import detect
from transforms.errors import InputError
from transforms.format_spec import FormatSpec
from transforms.formats import FORMATS
from transforms.table import to_parsed_input


def normalize_export(
    data: bytes, ctx: IngestContext, formats: Sequence[FormatSpec] = FORMATS
) -> Normalized:
    """Decode, detect, parse and map one export; raises InputError when it cannot be read at all.

    A workbook is read sheet by sheet: every recognised sheet is normalized and the results are
    merged into one load; the rows of sheets no format recognises are counted as skipped and named
    in the notes, so a workbook never loses rows silently.
    """
    return _normalize_book(read_book(data), ctx, formats)


def _normalize_book(book: Book, ctx: IngestContext, formats: Sequence[FormatSpec]) -> Normalized:
    results: list[Normalized] = []
    unused: list[tuple[Sheet, int, str]] = []
    for sheet in book.sheets:
        rows = sheet.filled_rows()
        if not rows:
            continue
        try:
            detection = detect(sheet.records, formats, sheet.name)
        except InputError as exc:
            unused.append((sheet, rows, str(exc)))
            continue
        parsed = to_parsed_input(
            sheet.records_in(detection.locale), detection, sheet.name, sheet.rest
        )
        parsed = replace(parsed, platform=detection.spec.platform, latest_date=ctx.latest_plausible)
        result = detection.spec.normalize(parsed, ctx)
        results.append(_with_sheet(result, sheet.name, _accounting_notes(parsed, result, ctx)))
    if not results:
        if not unused:
            raise InputError("file is empty")
        sheet, _rows, reason = unused[0]
        raise InputError(f"sheet '{sheet.name}': {reason}" if sheet.name else reason)
    return _merge(results, unused)


def normalize_file(
    path: Path, ctx: IngestContext, formats: Sequence[FormatSpec] = FORMATS
) -> Normalized:
    """`normalize_export` of a file's bytes, which are freed as soon as the file is split.

    A caller holding the bytes keeps a second copy of the export alive through the whole
    normalize step (a 210 MB export is 210 MB of bytes beside its string frame); read here, they
    live only until `read_book` has made the frame.
    """
    return _normalize_book(read_book(path.read_bytes()), ctx, formats)


def _accounting_notes(parsed: ParsedInput, result: Normalized, ctx: IngestContext) -> list[str]:
    """What the load must say beyond the format's own notes: unused columns, an implied account.

    Every column of a recognised export is either read or named here, so no measure disappears
    without a word (a new platform column shows up in `ops.load.notes` the first time it is met).
    """
    where = f"sheet '{parsed.sheet}': " if parsed.sheet else ""
    notes = []
    if parsed.rows_described:
        notes.append(f"{where}{parsed.rows_described} row(s) describing the columns skipped")
    if parsed.unused:
        listed = ", ".join(f"'{name}'" for name in parsed.unused)
        notes.append(f"{where}columns not used by Kunci: {listed}")
    note = sole_account_note(ctx, result.platform, result.tables)
    if note is not None:
        notes.append(note)
    return notes


def _with_sheet(result: Normalized, sheet: str, notes: list[str]) -> Normalized:
    quarantine = result.quarantine.with_columns(pl.lit(sheet, pl.String).alias("sheet"))
    return Normalized(
        format=result.format,
        platform=result.platform,
        tables=result.tables,
        quarantine=quarantine,
        rows_read=result.rows_read,
        rows_skipped=result.rows_skipped,
        notes=tuple(dict.fromkeys([*result.notes, *notes])),
    )


def _merge(results: list[Normalized], unused: list[tuple[Sheet, int, str]]) -> Normalized:
    """One load from several sheets: rows of one natural key from two sheets become one row."""
    if len(results) == 1 and not unused:
        return results[0]
    names: dict[str, list[pl.DataFrame]] = {}
    for result in results:
        for name, frame in result.tables.items():
            names.setdefault(name, []).append(frame)
    tables = {name: _combine(name, frames) for name, frames in names.items()}
    skipped_rows = sum(rows for _sheet, rows, _reason in unused)
    notes = [note for result in results for note in result.notes]
    notes += [
        f"sheet '{sheet.name}' is not a known export ({rows} rows skipped)"
        for sheet, rows, _reason in unused
    ]
    formats = list(dict.fromkeys(result.format for result in results))
    return Normalized(
        format="+".join(formats),
        platform=results[0].platform,
        tables=tables,
        quarantine=pl.concat([result.quarantine for result in results], how="vertical_relaxed"),
        rows_read=sum(result.rows_read for result in results) + skipped_rows,
        rows_skipped=sum(result.rows_skipped for result in results) + skipped_rows,
        notes=tuple(dict.fromkeys(notes)),
    )


def _combine(name: str, frames: list[pl.DataFrame]) -> pl.DataFrame:
    if len(frames) == 1:
        return frames[0]
    combined = pl.concat(frames, how="diagonal_relaxed")
    key = list(TABLES[name].key)
    return combined.group_by(key, maintain_order=True).agg(pl.exclude(key).drop_nulls().first())
