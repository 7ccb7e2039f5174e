"""Bytes to sheets of string records: CSV text, XLSX, binary XLS (BIFF8) and XML Spreadsheet 2003.

Every export reaches the formats as named sheets of string cells, whatever container it came in, so
one detector and one set of parsers serve CSV and workbooks alike. Cells are rendered the way the
platform wrote them into the CSV variant of the same export: whole numbers without `.0`, dates as
ISO text, booleans as `TRUE`/`FALSE`. Facebook's legacy `.xls` is really XML Spreadsheet 2003, with
invalid UTF-8 in places; it is decoded with replacement characters (only in free-text cells such as
city names) because strict XML parsers refuse the whole file.
"""

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from xml.etree import ElementTree

import openpyxl
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


def _xlsx_sheets(data: bytes) -> list[Sheet]:
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputError(
            f"file is a zip archive but not a readable Excel workbook ({exc}); "
            "unzip it or re-export as XLSX or CSV"
        ) from None
    try:
        return [
            _typed_sheet(worksheet.title, worksheet.iter_rows(values_only=True))
            for worksheet in book.worksheets
        ]
    finally:
        book.close()


def _biff_sheets(data: bytes) -> list[Sheet]:
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except xlrd.XLRDError as exc:
        raise InputError(f"file is a legacy Excel workbook that cannot be read: {exc}") from None
    sheets = []
    for index in range(book.nsheets):
        worksheet = book.sheet_by_index(index)
        rows = (
            [_biff_value(cell, book.datemode) for cell in worksheet.row(row)]
            for row in range(worksheet.nrows)
        )
        sheets.append(_typed_sheet(worksheet.name, rows))
        book.unload_sheet(index)
    return sheets


def _biff_value(cell: xlrd.sheet.Cell, datemode: int) -> object:
    """A BIFF cell as the Python value openpyxl would give for it (errors read as empty)."""
    if cell.ctype == xlrd.XL_CELL_DATE:
        return xlrd.xldate_as_datetime(cell.value, datemode)
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
    sheets = []
    for worksheet in root.iter(f"{_SS}Worksheet"):
        records = []
        decimals: set[tuple[int, int]] = set()
        for row_index, row in enumerate(worksheet.iter(f"{_SS}Row")):
            cells: list[str] = []
            for cell in row.iter(f"{_SS}Cell"):
                index = cell.get(f"{_SS}Index")
                if index is not None:  # sparse rows skip empty cells by index (1-based)
                    cells.extend([""] * (int(index) - 1 - len(cells)))
                value = _spreadsheet_ml_value(cell)
                if _is_number_cell(cell) and "." in value:
                    decimals.add((row_index, len(cells)))
                cells.append(value)
                cells.extend([""] * int(cell.get(f"{_SS}MergeAcross", "0")))
            records.append(cells)
        sheets.append(
            Sheet(worksheet.get(f"{_SS}Name", ""), records, decimal_cells=frozenset(decimals))
        )
    return sheets


def _is_number_cell(cell: ElementTree.Element) -> bool:
    data = cell.find(f"{_SS}Data")
    return data is not None and data.get(f"{_SS}Type") == "Number"


def _spreadsheet_ml_value(cell: ElementTree.Element) -> str:
    data = cell.find(f"{_SS}Data")
    if data is None:
        return ""
    value = "".join(data.itertext())
    if data.get(f"{_SS}Type") == "DateTime":
        parsed = datetime.fromisoformat(value)
        return render_cell(parsed)
    return value
