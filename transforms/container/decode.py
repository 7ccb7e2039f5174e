"""Bytes to text: detect how an export was encoded, and refuse what is not text.

Exports arrive as UTF-8 (with or without a BOM), UTF-16 with a BOM (Google Ads, some Excel saves) or
Windows-1252 (files re-saved by Excel on Windows). Anything else is refused with a reason
rather than decoded into silently wrong characters.
"""

import re

import polars as pl

from transforms.errors import InputError

_CONTAINERS = {
    b"PK\x03\x04": "an Excel workbook or zip archive (XLSX/ZIP)",
    b"\xd0\xcf\x11\xe0": "a legacy Excel workbook (BIFF .xls)",
    b"%PDF": "a PDF document",
}
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_BLANK = re.compile(b"[ \t\r\n" + _UTF8_BOM + b"]*")
_CHUNK = 8 << 20


def utf8_bytes(data: bytes) -> tuple[bytes, str]:
    """Return the export as UTF-8 bytes without a byte-order mark, and the encoding it was in.

    Raises InputError for empty files, binary containers and bytes that are neither UTF-8 nor
    Windows-1252. A UTF-8 export is validated, not decoded: as a Python string a 100 MB export
    with emoji takes 400 MB and a tenth of a second to build, and the bulk CSV reader wants bytes
    anyway.
    """
    if _BLANK.fullmatch(data):
        raise InputError("file is empty")
    for magic, what in _CONTAINERS.items():
        if data.startswith(magic):
            raise InputError(f"file is {what}, not a text export; export it as CSV")
    if data.startswith(_UTF8_BOM):
        body = data[len(_UTF8_BOM) :]
        if not _is_utf8(body):
            _strict(body, "utf-8")  # raises, naming the first invalid byte
        return body, "utf-8-sig"
    if data.startswith(_UTF16_BOMS):
        return _strict(data, "utf-16").encode("utf-8"), "utf-16"
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(
            f"wrong encoding: NUL byte at offset {nul} (binary data or UTF-16 without a "
            "byte-order mark); export as CSV in UTF-8"
        )
    if _is_utf8(data):
        return data, "utf-8"
    return _strict(data, "cp1252").encode("utf-8"), "cp1252"


def _is_utf8(data: bytes) -> bool:
    """Validate UTF-8 without building a Python string (the same rules as Python's codec).

    A few megabytes at a time, cut where a character starts, so a 200 MB export costs one chunk of
    memory instead of a second copy of the file.
    """
    if data.isascii():
        return True
    start = 0
    while start < len(data):
        end = min(start + _CHUNK, len(data))
        for _ in range(3):  # a character is at most four bytes: back off to where one starts
            if end < len(data) and data[end] & 0xC0 == 0x80:
                end -= 1
        try:
            pl.Series([data[start:end]], dtype=pl.Binary).cast(pl.String)
        except pl.exceptions.ComputeError:  # what polars raises for invalid UTF-8
            return False
        start = end
    return True


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise InputError(
            f"wrong encoding: byte 0x{bad} at offset {exc.start} is not valid {encoding}"
            + (" or utf-8" if encoding == "cp1252" else "")
        ) from None
