"""Workbook containers read into sheets of string cells (inline workbooks built in the test)."""

import io
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import openpyxl
import pytest

from transforms.container.book import read_book
from transforms.container.workbooks import render_cell
from transforms.errors import InputError


def _xlsx(rows: list[list[object]], title: str = "Overview") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_cells_render_like_their_csv_export() -> None:
    data = _xlsx(
        [["Date", "Views", "Rate"], [datetime(2026, 4, 12), 1938.0, 0.0102], ["x", None, True]]
    )
    book = read_book(data)
    assert book.container == "xlsx"
    assert book.sheets[0].name == "Overview"
    assert book.sheets[0].records == [
        ["Date", "Views", "Rate"],
        ["2026-04-12", "1938", "0.0102"],
        ["x", "", "TRUE"],
    ]


def test_render_cell_keeps_times_and_large_floats() -> None:
    assert render_cell(datetime(2017, 7, 22, 5, 30)) == "2017-07-22 05:30:00"
    assert render_cell(1.81064e16) == "1.81064e+16"
    assert render_cell(-3.0) == "-3"


def test_spreadsheet_ml_sparse_cells_and_invalid_bytes() -> None:
    xml = (
        '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        '<Worksheet ss:Name="Key Metrics"><Table>'
        '<Row><Cell><Data ss:Type="String">Date</Data></Cell>'
        '<Cell ss:Index="3"><Data ss:Type="String">City</Data></Cell></Row>'
        '<Row><Cell><Data ss:Type="DateTime">2017-06-09T00:00:00.000</Data></Cell>'
        '<Cell ss:MergeAcross="1"><Data ss:Type="Number">5</Data></Cell>'
        '<Cell><Data ss:Type="String">Thi X\xc3?</Data></Cell></Row>'
        "</Table></Worksheet></Workbook>"
    ).encode("latin-1")
    book = read_book(xml)
    assert book.container == "spreadsheetml"
    assert book.sheets[0].records == [["Date", "", "City"], ["2017-06-09", "5", "", "Thi X\ufffd?"]]


def test_a_zip_that_is_not_a_workbook_is_refused_in_one_line() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("export.csv", "a,b\n1,2\n")
    with pytest.raises(InputError) as caught:
        read_book(buffer.getvalue())
    assert "not a readable Excel workbook" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_typed_decimals_follow_the_locale_text_cells_keep_their_own() -> None:
    sheet = read_book(_xlsx([["Jumlah", "Teks"], [1.125, "1.125"], [3.0, "2,5"]])).sheets[0]
    assert sheet.records_in("en") == [["Jumlah", "Teks"], ["1.125", "1.125"], ["3", "2,5"]]
    assert sheet.records_in("id") == [["Jumlah", "Teks"], ["1,125", "1.125"], ["3", "2,5"]]


def test_xlsx_cells_of_every_type_hidden_sheets_and_merged_cells_read_as_before() -> None:
    """The renderings openpyxl gave, kept when calamine replaced it (dates, times, durations)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        [time(0, 1, 5), timedelta(hours=30, minutes=2), datetime(2024, 1, 2, 3, 4, 5),
         date(2024, 1, 2), 1.5, 3.0, True, None, "  x "]
    )  # fmt: skip
    sheet["B1"].number_format = "[h]:mm:ss"
    sheet.merge_cells("A3:C3")
    sheet["A3"] = "merged"
    hidden = book.create_sheet("Hidden")
    hidden.sheet_state = "hidden"
    hidden["B2"] = "h"
    buffer = io.BytesIO()
    book.save(buffer)

    read = read_book(buffer.getvalue())

    assert [(s.name, s.records) for s in read.sheets] == [
        (
            "Sheet",
            [
                [
                    "00:01:05",
                    "1 day, 6:02:00",
                    "2024-01-02 03:04:05",
                    "2024-01-02",
                    "1.5",
                    "3",
                    "TRUE",
                    "",
                    "  x ",
                ],
                [""] * 9,
                ["merged"] + [""] * 8,
            ],
        ),
        ("Hidden", [["", ""], ["", "h"]]),
    ]
    assert read.sheets[0].decimal_cells == {(0, 4)}


def test_a_workbook_whose_compressed_xml_is_damaged_is_refused_in_one_line() -> None:
    # found by the fuzz suite: flipped bytes inside a deflated member raised zlib.error
    book = openpyxl.Workbook()
    for row in range(300):
        book.active.append([f"row {row}", row, row * 1.5])
    buffer = io.BytesIO()
    book.save(buffer)
    data = bytearray(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        member = archive.getinfo("xl/workbook.xml")
    start = member.header_offset + 30 + len(member.filename) + len(member.extra)
    for at in range(start + 8, start + member.compress_size - 4, 7):
        data[at] ^= 0x5A

    with pytest.raises(InputError, match=r"^damaged workbook: the XLSX workbook cannot be read"):
        read_book(bytes(data))


# --- damaged zip containers: found by a mutation sweep, each raised from zipfile or ElementTree ---


def _central_entry(data: bytes, name: str) -> int:
    """Where the central directory record of member `name` starts."""
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + length] == name.encode():
            return at
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"no member {name}")


def _poke(data: bytes, name: str, field: int, value: int) -> bytes:
    """Overwrite a two-byte field of member `name`'s central directory record."""
    at = _central_entry(data, name) + field
    return data[:at] + value.to_bytes(2, "little") + data[at + 2 :]


def _rezipped(data: bytes, name: str, body: bytes | None = None) -> bytes:
    """The workbook with member `name` first, its bytes replaced by `body` if given."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        target.writestr(name, source.read(name) if body is None else body)
        for member in source.namelist():
            if member != name:
                target.writestr(member, source.read(member))
    return out.getvalue()


def _bytes_lost(data: bytes) -> bytes:
    """13 bytes lost inside the first member: zipfile seeks 13 bytes before the file's start."""
    first = _rezipped(data, "xl/workbook.xml")
    return first[:100] + first[113:]


_VERSION_NEEDED, _FLAGS, _METHOD = 6, 8, 10
_WORKBOOK = _xlsx([["Date", "Views"], ["2026-04-12", 1938]])


@pytest.mark.parametrize(
    ("damage", "detail"),
    [
        (_bytes_lost, "zip: ValueError negative seek value -13"),
        (
            lambda d: _poke(d, "xl/workbook.xml", _METHOD, 99),
            "zip: NotImplementedError That compression method is not supported",
        ),
        (
            lambda d: _poke(d, "xl/workbook.xml", _FLAGS, 0x1),
            "zip: RuntimeError File 'xl/workbook.xml' is encrypted, password required for "
            "extraction",
        ),
        (
            lambda d: _poke(d, "xl/workbook.xml", _FLAGS, 0x20),
            "zip: NotImplementedError compressed patched data (flag bit 5)",
        ),
        (
            lambda d: _poke(d, "xl/workbook.xml", _VERSION_NEEDED, 71),
            "zip: NotImplementedError zip file version 7.1",
        ),
        (
            lambda d: _poke(d, "xl/workbook.xml", _FLAGS, 0x800).replace(
                b"xl/workbook.xml", b"xl/w\xffrkbook.xml"
            ),
            "zip: UnicodeDecodeError 'utf-8' codec can't decode byte 0xff in position 4: invalid "
            "start byte",
        ),
        (
            lambda d: _rezipped(
                d, "xl/workbook.xml", b'<?xml version="1.0" encoding="XFD1048577"?><workbook/>'
            ),
            "zip: LookupError unknown encoding: XFD1048577",
        ),
        (
            lambda d: _rezipped(
                d, "xl/workbook.xml", b'<?xml version="1.0" encoding="utf-32"?><workbook/>'
            ),
            "zip: ValueError multi-byte encodings are not supported",
        ),
    ],
    ids=[
        "bytes lost",
        "unknown method",
        "encrypted flag",
        "patched flag",
        "zip version",
        "name not utf-8",
        "unknown xml encoding",
        "multi-byte xml encoding",
    ],
)
def test_a_workbook_with_a_damaged_zip_header_is_refused_in_one_line(
    damage: Callable[[bytes], bytes], detail: str
) -> None:
    with pytest.raises(InputError) as refused:
        read_book(damage(_WORKBOOK))
    assert str(refused.value) == (
        f"damaged workbook: the XLSX workbook cannot be read past its damage ({detail}); "
        "re-export it"
    )
