"""The whole normalize step for one export: bytes in, canonical frames and quarantine out."""

import csv
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import polars as pl

from transforms.accounts import sole_account_note
from transforms.context import IngestContext, Normalized, ParsedInput
from transforms.detect import HEADER_SEARCH_DEPTH, Detection, detect
from transforms.errors import InputError
from transforms.format_spec import FormatSpec
from transforms.formats import FORMATS
from transforms.schemas import TABLES
from transforms.tabular import (
    FIELDS,
    RAW,
    ROW,
    blank_rows,
    cells_frame,
    dedupe_header,
    is_blank,
    move_total_labels,
    stacked_tables,
    table_rows,
)
from transforms.workbook import Book, Sheet, read_book


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
        rows = _filled_rows(sheet)
        if not rows:
            continue
        try:
            detection = detect(sheet.records, formats, sheet.name)
        except InputError as exc:
            unused.append((sheet, rows, _wrapped_rows(sheet.records) or str(exc)))
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


def to_parsed_input(
    records: list[list[str]],
    detection: Detection,
    sheet: str = "",
    rest: pl.DataFrame | None = None,
) -> ParsedInput:
    """Cut the records at the detected header and build the string frame the formats read.

    `rest` holds the records that follow `records`, as a cells frame (the bulk of a large CSV).
    """
    header_index = detection.header_index
    header = dedupe_header(records[header_index])
    cells = pl.concat([cells_frame(records), *([] if rest is None else [rest])], how="diagonal")
    cells = cells.with_row_index(ROW, offset=1).slice(header_index + 1)
    described = _description_rows(cells, detection.spec.description_rows)
    cells, further_rows, further = stacked_tables(
        move_total_labels(cells.slice(described), len(header))
    )
    rows, blank = table_rows(cells, len(header))
    if rows.is_empty():
        raise InputError("no data rows under the header")
    table = rows.select(pl.col(ROW).cast(pl.Int64), *_cell_texts(len(header)))
    frame = table.select(
        ROW,
        pl.struct(pl.col(str(at)).alias(name) for at, name in enumerate(header)).alias(RAW),
        *[pl.col(str(at)).alias(name) for name, at in detection.positions.items()],
    )
    headers = {name: header[position] for name, position in detection.positions.items()}
    matched = set(detection.positions.values())
    reads = detection.spec.reads_column or (lambda _name: False)
    unused = tuple(
        name
        for position, name in enumerate(header)
        if name and position not in matched and not reads(name)
    )
    return ParsedInput(
        frame=frame,
        headers=headers,
        locale=detection.locale,
        preamble=tuple(tuple(record) for record in records[:header_index]),
        rows_read=rows.height + blank + described + further_rows,
        rows_blank=blank + described,
        rows_described=described,
        sheet=sheet,
        unused=unused,
        rows_set_aside=further_rows,
        notes=_further_tables_note(further_rows, further),
    )


def _further_tables_note(rows: int, headers: list[str]) -> tuple[str, ...]:
    """Name the tables stacked below the first (see `stacked_tables`), whose rows are not read."""
    if not headers:
        return ()
    return (
        f"{len(headers)} more tables follow the first, their {rows} rows not read (one table per "
        "card, as a GA4 Reports snapshot stacks them): " + "; ".join(f"'{h}'" for h in headers),
    )


def _description_rows(cells: pl.DataFrame, expected: int) -> int:
    """How many of the first rows under the header describe the columns instead of holding data.

    A format says how many such rows its exports write (legacy Facebook Insights: one, with an
    empty key column and a sentence per metric). A row counts as one only when it looks like it:
    the first column empty, another filled. People delete that row in a spreadsheet, and the data
    row that moves up must then be read, not dropped in its place.
    """
    described = 0
    for row in cells.head(expected).iter_rows(named=True):
        values = [row.get(str(i)) or "" for i in range(row[FIELDS] or 0)]
        if not values or values[0].strip() or not any(v.strip() for v in values[1:]):
            break
        described += 1
    return described


def _cell_texts(width: int) -> list[pl.Expr]:
    """The cells of the table's `width` columns, a missing cell (a short row) read as empty.

    Filled once, so that the original record (`RAW`) and the matched fields share every cell: a
    struct of existing columns and a renamed column are views of the same strings, not copies.
    """
    return [pl.col(str(position)).fill_null("") for position in range(width)]


def _wrapped_rows(records: list[list[str]]) -> str | None:
    """Say so when every row is one quoted cell holding a whole row (else None).

    Opening a comma-separated export in a spreadsheet set to another separator and saving it
    puts each line into one cell, which is then written quoted (`"Video asset ID,""Page ID""…"`):
    no header is found, and "unknown format" would not tell why.
    """
    filled = [record for record in records[:HEADER_SEARCH_DEPTH] if not is_blank(record)]
    one_cell = [bool(record[0].strip()) and is_blank(record[1:]) for record in filled]
    # The lines of a multi-line caption are cells of their own, and one with a comma in it is
    # not re-quoted: the first row (the header) and most rows are what tells.
    if not filled or not one_cell[0] or 2 * sum(one_cell) < len(one_cell):
        return None
    cell = filled[0][0]
    if max(len(next(csv.reader([cell], delimiter=d), [])) for d in ",;\t") < 3:
        return None
    shown = cell if len(cell) <= 60 else cell[:60] + "…"
    return (
        f"every row is one cell holding a whole row ('{shown}'): a spreadsheet program re-saved "
        "this export with another separator; download it again and ingest it without opening "
        "it in a spreadsheet"
    )


def _filled_rows(sheet: Sheet) -> int:
    """How many records of a sheet hold anything."""
    rows = sum(1 for record in sheet.records if not is_blank(record))
    if sheet.rest is not None:
        rows += sheet.rest.height - int(blank_rows(sheet.rest).sum())
    return rows


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
