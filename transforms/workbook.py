"""Bytes to sheets of string records: CSV text, XLSX, binary XLS (BIFF8) and XML Spreadsheet 2003.

Every export reaches the formats as named sheets of string cells, whatever container it came in, so
one detector and one set of parsers serve CSV and workbooks alike. Cells are rendered the way the
platform wrote them into the CSV variant of the same export: whole numbers without `.0`, dates as
ISO text, booleans as `TRUE`/`FALSE`. Facebook's legacy `.xls` is really XML Spreadsheet 2003, with
invalid UTF-8 in places; it is decoded with replacement characters (only in free-text cells such as
city names) because strict XML parsers refuse the whole file.

What one input may cost is bounded: a sheet may hold at most `MAX_ROWS` rows, `MAX_COLUMNS`
columns and `MAX_CELLS` cells (counting the empty cells a sparse row or an `ss:Index` implies),
checked before the cells are made, so a damaged or hostile workbook (`ss:Index="1000000000"`, a
cell at XFD1048576) is refused in one line instead of exhausting memory. Real exports never come
near: the first two are Excel's own sheet limits, which no export Excel can open exceeds, and the
largest real workbook seen holds under 100,000 cells. A workbook the reader libraries cannot parse
(a broken zip member, a truncated BIFF stream) is refused as a damaged workbook.
"""

import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from xml.etree import ElementTree

import polars as pl
import xlrd

from transforms.decode import utf8_bytes
from transforms.errors import InputError
from transforms.tabular import read_delimited, unwrap_text_formulas

_ZIP = b"PK\x03\x04"
_BIFF = b"\xd0\xcf\x11\xe0"
_SPREADSHEET_ML = "urn:schemas-microsoft-com:office:spreadsheet"
_SS = "{" + _SPREADSHEET_ML + "}"
_XML_START = re.compile(rb"^\s*(\xef\xbb\xbf)?\s*<\?xml")

MAX_ROWS = 1_048_576
"""Rows per sheet: Excel's own limit (XLSX); a legacy BIFF sheet stops at 65,536."""
MAX_COLUMNS = 16_384
"""Columns per sheet: Excel's own limit (column XFD)."""
MAX_CELLS = 20_000_000
"""Cells per sheet, empty ones included (about 1 GB of Python strings at worst)."""


@dataclass(frozen=True)
class Sheet:
    """One table of string records: a worksheet, or the whole CSV (name '').

    A CSV keeps its first records in `records` (titles, comments and the header are among them)
    and any others in `rest`, a cells frame read in bulk (see `transforms.tabular`).
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


@dataclass(frozen=True)
class Book:
    """What an input file holds: its container kind and its sheets in workbook order."""

    container: str
    sheets: list[Sheet]


def read_book(data: bytes) -> Book:
    """Split an input into sheets; raises InputError for what is not a tabular export."""
    if data.startswith(_ZIP):
        return Book("xlsx", _xlsx_sheets(data))
    if data.startswith(_BIFF):
        return Book("xls", _biff_sheets(data))
    if _XML_START.match(data[:200]) and _SPREADSHEET_ML.encode() in data[:4000]:
        return Book("spreadsheetml", _spreadsheet_ml_sheets(data))
    utf8, encoding = utf8_bytes(data)
    records, rest = read_delimited(utf8)
    if b'="' in utf8:
        records, rest = unwrap_text_formulas(records, rest)
    return Book(f"csv ({encoding})", [Sheet("", records, rest)])


def render_cell(value: object) -> str:
    """Render a typed workbook cell as the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _damaged(kind: str, library: str, exc: Exception) -> InputError:
    """The one-line refusal of a workbook its reader library could not parse."""
    text = str(exc).splitlines()[0][:160] if str(exc).strip() else ""
    detail = f"{library}: {type(exc).__name__}" + (f" {text}" if text else "")
    return InputError(
        f"damaged workbook: the {kind} cannot be read past its damage ({detail}); re-export it"
    )


def _within_bounds(rows: int, columns: int) -> bool:
    return rows <= MAX_ROWS and columns <= MAX_COLUMNS and rows * columns <= MAX_CELLS


def _check_size(sheet: str, rows: int, columns: int) -> None:
    """Refuse a sheet beyond the bounds before its cells are made (see `MAX_CELLS`)."""
    if not _within_bounds(rows, columns):
        raise InputError(
            f"sheet '{sheet}' is too large to be an export: {rows:,} rows x {columns:,} columns "
            f"(at most {MAX_ROWS:,} rows, {MAX_COLUMNS:,} columns and {MAX_CELLS:,} cells)"
        )


def _xlsx_sheets(data: bytes) -> list[Sheet]:
    import openpyxl  # a third of a second to import: only when a workbook arrives

    try:
        with warnings.catch_warnings():  # e.g. 'no default style': nothing the user can act on
            warnings.simplefilter("ignore", UserWarning)
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputError(
            f"file is a zip archive but not a readable Excel workbook ({exc}); "
            "unzip it or re-export as XLSX or CSV"
        ) from None
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises whatever its XML and zip parsers raise
        raise _damaged("XLSX workbook", "openpyxl", exc) from None
    try:
        return [_xlsx_sheet(worksheet) for worksheet in book.worksheets]
    except (InputError, MemoryError):
        raise
    except Exception as exc:
        raise _damaged("XLSX workbook", "openpyxl", exc) from None
    finally:
        book.close()


def _xlsx_sheet(worksheet: Any) -> Sheet:
    """One worksheet, padded to its stated dimension when that is within bounds.

    The stated dimension (`A1:Q142`) is what openpyxl pads rows to; a dimension beyond the bounds
    (damaged, or a stray cell far away) is dropped, the rows are read as they are, and the sheet
    is refused only if its real extent is beyond the bounds too.
    """
    rows, columns = worksheet.max_row or 0, worksheet.max_column or 0
    if not _within_bounds(rows, columns):
        worksheet.reset_dimensions()
    return _typed_sheet(
        worksheet.title, _bounded(worksheet.title, worksheet.iter_rows(values_only=True))
    )


def _bounded(sheet: str, rows: Iterable[Sequence[object]]) -> Iterator[Sequence[object]]:
    """Pass rows on while the sheet stays within the bounds (widest row x rows so far)."""
    width = 0
    for count, row in enumerate(rows, start=1):
        width = max(width, len(row))
        _check_size(sheet, count, width)
        yield row


def _biff_sheets(data: bytes) -> list[Sheet]:
    try:
        # xlrd reports damage it works around on stdout: keep it out of the run's output
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    except xlrd.XLRDError as exc:
        raise InputError(f"file is a legacy Excel workbook that cannot be read: {exc}") from None
    except MemoryError:
        raise
    except Exception as exc:  # xlrd raises IndexError, struct.error, ... on a damaged stream
        raise _damaged("legacy Excel (.xls) workbook", "xlrd", exc) from None
    sheets = []
    try:
        for index in range(book.nsheets):
            worksheet = book.sheet_by_index(index)
            _check_size(worksheet.name, worksheet.nrows, worksheet.ncols)
            rows = (
                [_biff_value(cell, book.datemode) for cell in worksheet.row(row)]
                for row in range(worksheet.nrows)
            )
            sheets.append(_typed_sheet(worksheet.name, rows))
            book.unload_sheet(index)
    except (InputError, MemoryError):
        raise
    except Exception as exc:
        raise _damaged("legacy Excel (.xls) workbook", "xlrd", exc) from None
    return sheets


def _biff_value(cell: xlrd.sheet.Cell, datemode: int) -> object:
    """A BIFF cell as the Python value openpyxl would give for it (errors read as empty)."""
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError):  # a serial no calendar has: keep the number
            return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return None
    return cell.value


def _typed_sheet(name: str, rows: Iterable[Sequence[object]]) -> Sheet:
    """A sheet of typed cells rendered as text, noting the numbers rendered with a decimal point."""
    records = []
    decimals: set[tuple[int, int]] = set()
    for row_index, row in enumerate(rows):
        cells = [render_cell(value) for value in row]
        decimals.update(
            (row_index, column)
            for column, (value, text) in enumerate(zip(row, cells, strict=True))
            if isinstance(value, float) and "." in text
        )
        records.append(cells)
    return Sheet(name, records, decimal_cells=frozenset(decimals))


def _spreadsheet_ml_sheets(data: bytes) -> list[Sheet]:
    text = data.decode("utf-8", errors="replace")
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise InputError(f"file is an XML spreadsheet that is not well-formed: {exc}") from None
    return [_spreadsheet_ml_sheet(worksheet) for worksheet in root.iter(f"{_SS}Worksheet")]


def _spreadsheet_ml_sheet(worksheet: ElementTree.Element) -> Sheet:
    """One worksheet; `ss:Index` (1-based) skips empty cells or rows, within the bounds."""
    name = worksheet.get(f"{_SS}Name", "")
    records: list[list[str]] = []
    decimals: set[tuple[int, int]] = set()
    width = 0
    for row in worksheet.iter(f"{_SS}Row"):
        at = _ss_index(row, name, len(records), "row", MAX_ROWS)
        cells: list[str] = []
        for cell in row.iter(f"{_SS}Cell"):
            position = _ss_index(cell, name, len(cells), f"row {at + 1}: cell", MAX_COLUMNS)
            merged = _ss_count(cell, "MergeAcross", name, at + 1)
            width = max(width, position + 1 + merged)
            _check_size(name, at + 1, width)  # before the empty cells and rows are made
            cells.extend([""] * (position - len(cells)))
            value = _spreadsheet_ml_value(cell)
            if _is_number_cell(cell) and "." in value:
                decimals.add((at, position))
            cells.append(value)
            cells.extend([""] * merged)
        _check_size(name, at + 1, width)
        records.extend([] for _ in range(at - len(records)))
        records.append(cells)
    return Sheet(name, records, decimal_cells=frozenset(decimals))


def _ss_index(element: ElementTree.Element, sheet: str, next_at: int, what: str, limit: int) -> int:
    """The 0-based position of a row or cell: its `ss:Index`, else right after the previous one.

    An index that is not a whole number, points back over what came before, or lies beyond the
    sheet bounds is damage the file cannot be read past.
    """
    given = element.get(f"{_SS}Index")
    if given is None:
        return next_at
    position = int(given) - 1 if given.strip().isdigit() else -1
    if position < next_at or position >= limit:
        raise InputError(
            f"damaged workbook: sheet '{sheet}' {what} {next_at + 1} has ss:Index=\"{given[:20]}\" "
            f"(must be a whole number from {next_at + 1} to {limit:,})"
        )
    return position


def _ss_count(cell: ElementTree.Element, attribute: str, sheet: str, row: int) -> int:
    given = cell.get(f"{_SS}{attribute}", "0")
    if not given.strip().isdigit() or int(given) >= MAX_COLUMNS:
        raise InputError(
            f"damaged workbook: sheet '{sheet}' row {row} has ss:{attribute}=\"{given[:20]}\" "
            f"(must be a whole number below {MAX_COLUMNS:,})"
        )
    return int(given)


def _is_number_cell(cell: ElementTree.Element) -> bool:
    data = cell.find(f"{_SS}Data")
    return data is not None and data.get(f"{_SS}Type") == "Number"


def _spreadsheet_ml_value(cell: ElementTree.Element) -> str:
    data = cell.find(f"{_SS}Data")
    if data is None:
        return ""
    value = "".join(data.itertext())
    if data.get(f"{_SS}Type") == "DateTime":
        try:
            return render_cell(datetime.fromisoformat(value))
        except ValueError:  # not a date (`2017-02-30T00:00:00`): the format names the cell
            return value
    return value
