"""Bytes to a book of sheets: a workbook read by its reader, anything else read as CSV text.

The first stage of reading an export. Whatever the container (`transforms.container.workbooks` for
XLSX, XLS and XML Spreadsheet 2003, `transforms.container.delimited` for text in any encoding
`transforms.container.decode` recognises), what comes out is the same: named sheets of string
records (`transforms.container.sheets`), which detection and the formats read alike.
"""

from transforms.container import delimited, workbooks
from transforms.container.decode import utf8_bytes
from transforms.container.sheets import Book, Sheet


def read_book(data: bytes) -> Book:
    """Split an input into sheets; raises InputError for what is not a tabular export."""
    kind = workbooks.container_of(data)
    if kind is not None:
        return Book(kind, workbooks.read_sheets(data, kind))
    utf8, encoding = utf8_bytes(data)
    records, rest = delimited.read_delimited(utf8)
    if b'="' in utf8:
        records, rest = delimited.unwrap_text_formulas(records, rest)
    return Book(f"csv ({encoding})", [Sheet("", records, rest)])
