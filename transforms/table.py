"""The detected table as the string frame the formats read: one row per data record.

Given a sheet's records and where detection found the header, cut the records there, set aside
what is not data (the description rows some formats write under the header, blank and `#` comment
rows, the tables a GA4 snapshot stacks below the first), move a misplaced totals label into its
row, and refuse the first row that cannot belong to the table. Every record is counted: read,
blank, describing the columns, or in a stacked table.
"""

import re

import polars as pl

from transforms.container.sheets import (
    FIELDS,
    SPACE,
    blank_rows,
    cell_columns,
    cells_frame,
    is_blank,
)
from transforms.context import RAW, ROW, ParsedInput
from transforms.detect import Detection
from transforms.errors import InputError
from transforms.headers import dedupe_header


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
    cells, further_rows, further, comments = stacked_tables(
        move_total_labels(cells.slice(described), len(header))
    )
    rows, blank = table_rows(cells, len(header), comments)
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


def table_rows(cells: pl.DataFrame, width: int, comments: pl.Series) -> tuple[pl.DataFrame, int]:
    """The rows under a header of `width` names, and how many blank rows were among them.

    `cells` is a cells frame with each record's number in `ROW`, `comments` its `#` comment
    rows (`stacked_tables` found them), which are dropped (and not counted); a short row is kept
    as it is (its missing cells are null, read as empty, see `fit_to_header`); the first row
    that cannot belong to the table raises `fit_to_header`'s error with its number. A step with
    nothing to do is skipped on a look at one column: on a small export each polars query costs
    more than its work.
    """
    if comments.any():
        cells = cells.filter(~comments)
    blank = blank_rows(cells)
    fields = cells.get_column(FIELDS)
    longer = fields > width
    if longer.any():
        extra_blank = blank_rows(cells, cell_columns(cells)[width:])
        misfits = cells.filter(~blank & longer & ~extra_blank)
        if not misfits.is_empty():
            first = misfits.row(0, named=True)
            record = [first.get(str(i)) or "" for i in range(first[FIELDS])]
            fit_to_header(record, width, first[ROW])
    if not blank.any():
        return cells, 0
    rows = cells.filter(~blank)
    return rows, cells.height - rows.height


def fit_to_header(record: list[str], width: int, row_number: int) -> list[str]:
    """Return the record with exactly `width` cells, or raise if it cannot belong to the table.

    Extra cells are accepted only when empty (Excel's trailing separators). A short record is
    padded with empty cells: Meta leaves the last empty columns off some rows of its exports, and
    a CSV record cannot lose cells anywhere but at its end. A file cut off inside a quoted field
    is refused by `split_records`; a record with more (non-empty) fields than the header is
    refused here, since no cell of it can be placed.
    """
    if len(record) == width:
        return record
    if len(record) < width:
        return record + [""] * (width - len(record))
    if is_blank(record[width:]):
        return record[:width]
    raise InputError(
        f"row {row_number}: {len(record)} fields where the header has {width} "
        "(more fields than the header: malformed CSV)"
    )


def _comment_rows(cells: pl.DataFrame) -> pl.Series:
    """`#` comment rows (GA4 preamble or footer), not data starting with `#`."""
    columns = cell_columns(cells)
    if not columns:
        return pl.repeat(False, cells.height, eager=True)
    first = pl.col(columns[0]).str.contains(f"^[{SPACE}]*#").fill_null(False)
    comments = cells.select(first).to_series()
    if comments.any():
        comments.scatter(comments.arg_true(), blank_rows(cells.filter(comments), columns[1:]))
    return comments


_TOTAL_LABELS = ("grand total", "totals", "total")


def move_total_labels(cells: pl.DataFrame, width: int) -> pl.DataFrame:
    """Put a totals label written one cell past the header's end into the row's first cell.

    A GA4 exploration writes its `Grand total` line as `,,,48,5,…,3,Grand total`: the label in an
    extra column after the last metric, the dimension cells empty. Moved to the (empty) first
    cell, the row fits the table and is a totals row as the formats know it.
    """
    label = str(width)
    if label not in cells.columns or width == 0:
        return cells
    text = pl.col(label).str.strip_chars().str.to_lowercase()
    first = pl.col("0").fill_null("").str.strip_chars()
    moved = (pl.col(FIELDS) == width + 1) & text.is_in(_TOTAL_LABELS) & (first == "")
    moved = moved.fill_null(False)
    return cells.with_columns(
        pl.when(moved).then(pl.col(label).str.strip_chars()).otherwise(pl.col("0")).alias("0"),
        pl.when(moved).then(None).otherwise(pl.col(label)).alias(label),
        pl.when(moved).then(width).otherwise(pl.col(FIELDS)).alias(FIELDS),
    )


_TABLE_PREAMBLE = re.compile(r"^\s*#\s*(-{10,}|[^:]+:\s*\S)")
"""A `#` line that opens a stacked table: a dashed rule or a `label: value` (GA4's dates)."""


def stacked_tables(cells: pl.DataFrame) -> tuple[pl.DataFrame, int, list[str], pl.Series]:
    """Cut the cells after the first table of a file that stacks several, `#` lines between.

    GA4's Reports snapshot download is one table per card, each after a blank line and its own
    `# Start date` / `# End date` comments. The first table ends at the blank line before the next
    such block: comments that state something (`# label: value`, a dashed rule), not a remark
    someone typed between rows. Returns the first table's cells, the number of data rows of the
    tables below it (their header rows not counted), those tables' header rows, for the notes,
    and which of the first table's rows are comments.
    """
    comments = _comment_rows(cells)
    if not comments.any():
        return cells, 0, [], comments
    blank = blank_rows(cells).to_list()
    comment = comments.to_list()
    first_cells = cells.get_column(cell_columns(cells)[0]).fill_null("").to_list()
    cut = None
    for index, is_blank_row in enumerate(blank):
        if not is_blank_row:
            continue
        following = next(
            (i for i in range(index + 1, len(blank)) if not blank[i] or comment[i]), None
        )
        if following is None or not comment[following]:
            continue
        block = []
        for i in range(following, len(blank)):
            if not (comment[i] or blank[i]):
                break
            block.append(first_cells[i])
        if any(_TABLE_PREAMBLE.match(line) for line in block):
            cut = index
            break
    if cut is None:
        return cells, 0, [], comments
    rows, headers, after_comment = 0, [], False
    for index in range(cut, len(blank)):
        if comment[index]:
            after_comment = True
        elif not blank[index]:
            if after_comment:
                record = cells.row(index, named=True)
                headers.append(",".join(record.get(str(i)) or "" for i in range(record[FIELDS])))
            else:
                rows += 1
            after_comment = False
    return cells.head(cut), rows, headers, comments.head(cut)
