"""Workbooks to sheets of string records: XLSX, binary XLS (BIFF8) and XML Spreadsheet 2003.

Every export reaches the formats as named sheets of string cells, whatever container it came in, so
one detector and one set of parsers serve CSV and workbooks alike (`transforms.container.book`).
Cells are rendered the way the platform wrote them into the CSV variant of the same export: whole
numbers without `.0`, dates as ISO text, booleans as `TRUE`/`FALSE`. Facebook's legacy `.xls` is
really XML Spreadsheet 2003, with invalid UTF-8 in places; it is decoded with replacement characters
(only in free-text cells such as city names) because strict XML parsers refuse the whole file.

What one input may cost is bounded: a sheet may hold at most `MAX_ROWS` rows, `MAX_COLUMNS`
columns and `MAX_CELLS` cells (counting the empty cells a sparse row or an `ss:Index` implies),
checked before the cells are made, so a damaged or hostile workbook (`ss:Index="1000000000"`, a
cell at XFD1048576) is refused in one line instead of exhausting memory. Real exports never come
near: the first two are Excel's own sheet limits, which no export Excel can open exceeds, and the
largest real workbook seen holds under 100,000 cells. A workbook calamine cannot parse (a broken
zip member, a truncated BIFF stream) is refused as a damaged workbook.

XLSX and BIFF `.xls` are read with calamine (Rust; about ten times faster than openpyxl on a
50,000-row sheet, `bench/workbook_readers.py`); it does not read XML Spreadsheet 2003, which is
parsed here with ElementTree.
"""

import io
import lzma
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time
from xml.etree import ElementTree

import python_calamine

from transforms.container.sheets import Sheet
from transforms.errors import InputError

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


def container_of(data: bytes) -> str | None:
    """The workbook kind of an input (`xlsx`, `xls`, `spreadsheetml`), or None for text."""
    if data.startswith(_ZIP):
        return "xlsx"
    if data.startswith(_BIFF):
        return "xls"
    if _XML_START.match(data[:200]) and _SPREADSHEET_ML.encode() in data[:4000]:
        return "spreadsheetml"
    return None


SIGNATURE_BYTES = 4
"""How many leading bytes `read_natively` needs."""


def read_natively(head: bytes) -> bool:
    """Whether a file starting with `head` is read by calamine: a zip (XLSX) or a CFB (`.xls`).

    calamine is Rust, and some damage makes it abort the whole process, which no exception
    handler sees: one changed byte of a real LinkedIn `.xls` has it allocate 343 GB from a
    damaged count. A caller that must outlive a damaged workbook reads these in a process of
    their own. Told by the first bytes, by `container_of`: a zip is read as XLSX whatever its
    name (a zip that is not a workbook is refused before calamine sees it).
    """
    return container_of(head) in ("xlsx", "xls")


def read_sheets(data: bytes, kind: str) -> list[Sheet]:
    """The sheets of a workbook of that kind, in workbook order."""
    if kind == "xlsx":
        return _xlsx_sheets(data)
    if kind == "xls":
        return _biff_sheets(data)
    return _spreadsheet_ml_sheets(data)


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


def _damaged(kind: str, library: str, exc: BaseException) -> InputError:
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
    for name, (rows, columns) in _xlsx_extents(data).items():
        _check_size(name, rows, columns)
    return _calamine_sheets(data, "XLSX workbook")


def _biff_sheets(data: bytes) -> list[Sheet]:
    """A legacy `.xls`: its sheets are bounded by the format (65,536 x 256), checked anyway."""
    return _calamine_sheets(data, "legacy Excel (.xls) workbook")


def _calamine_sheets(data: bytes, kind: str) -> list[Sheet]:
    """Every worksheet (hidden ones too; chart and macro sheets hold no table) in book order.

    calamine returns each sheet as one dense range from A1, so an empty row inside the data is a
    row of empty cells and every row is as wide as the widest; empty rows after the last value
    are not returned.
    """
    with _calamine_errors(kind):
        book = python_calamine.CalamineWorkbook.from_object(io.BytesIO(data))
    sheets = []
    try:
        with _calamine_errors(kind):
            for meta in book.sheets_metadata:
                if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                    continue
                worksheet = book.get_sheet_by_name(meta.name)
                _check_size(meta.name, worksheet.total_height, worksheet.total_width)
                rows = worksheet.to_python(skip_empty_area=False)
                sheets.append(_typed_sheet(meta.name, rows))
    finally:
        book.close()
    return sheets


@contextmanager
def _calamine_errors(kind: str) -> Iterator[None]:
    """Refuse in one line what calamine raises reading a damaged workbook of that kind.

    Its zip, XML and BIFF parsers raise all sorts of exceptions, and a Rust panic (`_is_panic`):
    all are damage here. Our own refusals, running out of memory, interrupts and exits pass.
    """
    try:
        yield
    except (InputError, MemoryError):
        raise
    except BaseException as exc:
        if not isinstance(exc, Exception) and not _is_panic(exc):  # an interrupt, an exit
            raise
        raise _damaged(kind, "calamine", exc) from None


def _is_panic(exc: BaseException) -> bool:
    """Whether calamine's Rust code panicked: pyo3 raises `pyo3_runtime.PanicException`.

    Some damaged workbooks make calamine panic (a truncated BIFF stream: `slice index starts at
    84480 but ends at 84423`). The exception is a BaseException that cannot be imported by
    name, so it is told by its type's module and name.
    """
    return (type(exc).__module__, type(exc).__name__) == ("pyo3_runtime", "PanicException")


_NOT_A_WORKBOOK = (zipfile.BadZipFile, KeyError, OSError)
"""What zipfile raises for bytes it finds no zip archive in, or a zip without a workbook part."""
_DAMAGED_ZIP = (zlib.error, EOFError, lzma.LZMAError, ValueError, NotImplementedError, RuntimeError)
"""What zipfile raises past damaged headers or members (each seen in a mutation sweep): a member
that does not inflate (zlib.error, EOFError, LZMAError), offsets moved by lost bytes (ValueError:
negative seek value), a name flagged UTF-8 that is not (UnicodeDecodeError, a ValueError), a
compression method, version or flag bit it does not handle (NotImplementedError), the encryption
flag set (RuntimeError)."""
_DAMAGED_XML = (ElementTree.ParseError, LookupError, ValueError)
"""What ElementTree raises for a part that is not well-formed (ParseError) or declares an unknown
(LookupError) or multi-byte (ValueError) encoding."""


def _zip_errors(exc: Exception) -> InputError:
    """The one-line refusal of what zipfile or ElementTree raised reading the workbook's parts."""
    if isinstance(exc, _NOT_A_WORKBOOK):
        return InputError(
            f"file is a zip archive but not a readable Excel workbook ({exc}); "
            "unzip it or re-export as XLSX or CSV"
        )
    return _damaged("XLSX workbook", "zip", exc)


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (*_NOT_A_WORKBOOK, *_DAMAGED_ZIP) as exc:
        raise _zip_errors(exc) from None


def _part(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except (*_NOT_A_WORKBOOK, *_DAMAGED_ZIP) as exc:
        raise _zip_errors(exc) from None


def _xml_part(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    xml = _part(archive, name)
    try:
        return ElementTree.fromstring(xml)
    except _DAMAGED_XML as exc:
        raise _zip_errors(exc) from None


_REF = re.compile(rb' r="([A-Z]{0,3})([0-9]{1,9})"')  # cells' `A1` and rows' `1` references
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DOC_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _xlsx_extents(data: bytes) -> dict[str, tuple[int, int]]:
    """Rows and columns each worksheet reaches, from its references, before it is read.

    calamine makes a sheet one dense range from A1 to its farthest cell, so a single stray cell
    at XFD1048576 would cost gigabytes; the references are checked first so such a sheet is
    refused in one line instead. The library calls are wrapped one by one (`_open_zip`, `_part`,
    `_xml_part`) so that what they raise on damaged bytes is refused in one line, and a mistake
    of this function's own is not taken for damage.
    """
    with _open_zip(data) as archive:
        names = set(archive.namelist())
        book = _xml_part(archive, "xl/workbook.xml")
        rels_name = "xl/_rels/workbook.xml.rels"
        rels = _xml_part(archive, rels_name) if rels_name in names else None
        targets = {
            rel.get("Id"): rel.get("Target", "")
            for rel in (rels.iter(_RELATIONSHIP) if rels is not None else ())
        }
        extents = {}
        for sheet in book.iter(f"{_MAIN}sheet"):
            target = targets.get(sheet.get(_DOC_RELATIONSHIP), "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            if part in names:
                extents[sheet.get("name", "")] = _extent(_part(archive, part))
        return extents


def _extent(xml: bytes) -> tuple[int, int]:
    """The farthest row and column any cell or row reference of a sheet's XML names."""
    references = _REF.findall(xml)
    columns = max((_column_number(c) for c in {c for c, _ in references if c}), default=0)
    return max((int(r) for r in {r for _, r in references}), default=0), columns


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


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
