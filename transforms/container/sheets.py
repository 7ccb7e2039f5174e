"""What the container stage hands on: named sheets of string records and their cells frames.

A sheet keeps its first records as lists of strings (titles, comments and the header are among
them) and the bulk of a large CSV as a cells frame: column `"i"` holds field i (null past the
record's end) and `FIELDS` the record's number of fields. Blank rows are found the same way in
both, so every later stage counts them alike.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

FIELDS = "_fields"
"""The column of a cells frame that holds each record's number of fields."""

WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""What `str.strip()` removes, so that polars finds blank the cells `is_blank` does."""

SPACE = "".join(f"\\x{{{ord(char):x}}}" for char in WHITESPACE)


@dataclass(frozen=True)
class Sheet:
    """One table of string records: a worksheet, or the whole CSV (name '').

    A CSV keeps its first records in `records` (titles, comments and the header are among them)
    and any others in `rest`, a cells frame read in bulk (see `transforms.container.delimited`).
    """

    name: str
    records: list[list[str]]
    rest: pl.DataFrame | None = None
    decimal_cells: frozenset[tuple[int, int]] = frozenset()

    def records_in(self, locale: str) -> list[list[str]]:
        """The records with typed decimal cells written as that locale writes them.

        A workbook stores `1.125` as a number, rendered here with a decimal point; an Indonesian
        export's text cells use a decimal comma, so the number would read as 1125 there.
        """
        if locale != "id" or not self.decimal_cells:
            return self.records
        records = [list(record) for record in self.records]
        for row, column in self.decimal_cells:
            records[row][column] = records[row][column].replace(".", ",")
        return records

    def filled_rows(self) -> int:
        """How many records of the sheet hold anything."""
        rows = sum(1 for record in self.records if not is_blank(record))
        if self.rest is not None:
            rows += self.rest.height - int(blank_rows(self.rest).sum())
        return rows


@dataclass(frozen=True)
class Book:
    """What an input file holds: its container kind and its sheets in workbook order."""

    container: str
    sheets: list[Sheet]


def cells_frame(records: list[list[str]]) -> pl.DataFrame:
    """Records as a cells frame (the same layout polars' reading of the bulk has)."""
    width = max(map(len, records), default=0)
    columns = {
        str(i): [record[i] if i < len(record) else None for record in records] for i in range(width)
    }
    return pl.DataFrame(
        {FIELDS: [len(record) for record in records], **columns},
        schema={FIELDS: pl.Int64, **dict.fromkeys(columns, pl.String)},
    )


def blank_rows(cells: pl.DataFrame, columns: list[str] | None = None) -> pl.Series:
    """Which rows hold only whitespace in `columns` (by default in every field), as `is_blank`.

    Rows are looked at past their first such cell only when it is blank: most rows are not, so
    this costs about one pass over one column.
    """
    columns = cell_columns(cells) if columns is None else columns
    if not columns:
        return pl.repeat(True, cells.height, eager=True)
    blank = cells.select(~has_content(columns[0])).to_series()
    if len(columns) > 1 and blank.any():
        rest = cells.filter(blank).select(~pl.any_horizontal(map(has_content, columns[1:])))
        blank.scatter(blank.arg_true(), rest.to_series())
    return blank


def is_blank(record: Sequence[str]) -> bool:
    """True for a record with no content (an empty line, or only empty cells)."""
    return all(not cell.strip() for cell in record)


def cell_columns(cells: pl.DataFrame) -> list[str]:
    """The field columns of a cells frame, in field order."""
    return [name for name in cells.columns if name.isdigit()]


def has_content(column: str) -> pl.Expr:
    """Whether a cell holds anything but whitespace (a missing cell does not)."""
    return pl.col(column).str.contains(f"[^{SPACE}]").fill_null(False)
