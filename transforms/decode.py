"""Bytes to text: detect how an export was encoded, and refuse what is not text.

Exports arrive as UTF-8 (with or without a BOM), UTF-16 with a BOM (Google Ads, some Excel saves) or
Windows-1252 (files re-saved by Excel on Windows). Anything else is refused with a reason
rather than decoded into silently wrong characters.
"""

from transforms.errors import InputError

_CONTAINERS = {
    b"PK\x03\x04": "an Excel workbook or zip archive (XLSX/ZIP)",
    b"\xd0\xcf\x11\xe0": "a legacy Excel workbook (BIFF .xls)",
    b"%PDF": "a PDF document",
}


def decode_text(data: bytes) -> tuple[str, str]:
    """Return the text and the name of the encoding it was read with.

    Raises InputError for empty files, binary containers and bytes that are neither UTF-8 nor
    Windows-1252.
    """
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputError("file is empty")
    for magic, what in _CONTAINERS.items():
        if data.startswith(magic):
            raise InputError(f"file is {what}, not a text export; export it as CSV")
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16"), "utf-16"
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(
            f"wrong encoding: NUL byte at offset {nul} (binary data or UTF-16 without a "
            "byte-order mark); export as CSV in UTF-8"
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _strict(data, "cp1252"), "cp1252"


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise InputError(
            f"wrong encoding: byte 0x{bad} at offset {exc.start} is not valid {encoding}"
            + (" or utf-8" if encoding == "cp1252" else "")
        ) from None
