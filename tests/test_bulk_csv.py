"""The bulk of a CSV read by polars: the same records, row numbers and errors as the csv module.

A file longer than the records the csv module reads first (`HEAD_RECORDS`) has its bulk read by
polars' CSV reader, unless it is small (`SMALL_FILE`): these tests lower that bound to nothing, so
that polars reads the bulk of their small files as it reads a large export's. The properties
compare both readers on generated files, malformed ones included; the examples check the row rules
(blank, comment, ragged, truncated) where polars read the rows, through `normalize_export`.
"""

import csv
import io
import json
import sys
from collections.abc import Callable, Iterator
from datetime import date

import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from transforms.container import delimited
from transforms.container.delimited import HEAD_RECORDS, read_delimited, split_records
from transforms.container.sheets import FIELDS, WHITESPACE, is_blank
from transforms.context import IngestContext, Normalized, ParsedInput
from transforms.detect import Detection
from transforms.errors import InputError
from transforms.format_spec import FormatSpec
from transforms.headers import dedupe_header
from transforms.normalize import normalize_export
from transforms.table import fit_to_header, to_parsed_input

PROPERTY = settings(max_examples=150, deadline=None)
X_HEADER = (
    "Post id,Date,Post text,Link,Impressions,Likes,Engagements,Bookmarks,Share,New follows,"
    "Replies,Reposts,Profile visits,Detail expands,Url clicks,Hashtag clicks,Permalink clicks"
)
CELLS = ["", "x", "12", " ", "#c", 'q"q', "a,b", "l\nm", "r\r\nn", "é😀", "\\", "\t", "\x01"]


@pytest.fixture(autouse=True, scope="module")
def _bulk_of_every_file() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(delimited, "SMALL_FILE", 0)
        yield


def _x_export(rows: int, text: Callable[[int], str] = lambda n: f"post {n}, day") -> str:
    """An X content export with `rows` posts, every text quoted (commas inside)."""
    lines = [X_HEADER]
    for n in range(rows):
        post, quoted = 1891564128784855141 - n, text(n).replace('"', '""')
        lines.append(
            f'{post},Mon Feb 17 2025,"{quoted}",https://x.com/kunci/status/{post},'
            f"{n},1,2,0,0,0,0,0,0,0,0,0,0"
        )
    return "\r\n".join(lines) + "\r\n"


def _in_bulk(text: str) -> bool:
    """Whether polars reads the rows after the first ones (else the csv module reads them all)."""
    return read_delimited(text.encode("utf-8"))[1] is not None


def _normalize(text: str | bytes) -> Normalized:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return normalize_export(data, IngestContext(source_name="export.csv", as_of=date(2025, 3, 1)))


def _records(read: Callable[[], list[list[str]]]) -> list[list[str]] | str:
    """The records, or the error; polars cannot tell `,,` from an empty line, so neither do we."""
    try:
        records = read()
    except InputError as exc:
        return str(exc)
    return [[] if all(cell == "" for cell in record) else record for record in records]


def _head_and_bulk(text: str, head: int) -> list[list[str]]:
    records, rest = read_delimited(text.encode("utf-8"), head)
    bulk = [] if rest is None else list(rest.iter_rows(named=True))
    return [*records, *map(_fields, bulk)]


def _fields(row: dict[str, object]) -> list[str]:
    count = row[FIELDS]
    assert isinstance(count, int)
    return [str(row[str(i)] or "") for i in range(count)]


@st.composite
def _csv_text(draw: st.DrawFn) -> str:
    """A CSV text: records of varied width, quoted or not, sometimes with one character added."""
    width = draw(st.integers(1, 4))
    records = draw(
        st.lists(
            st.lists(st.sampled_from(CELLS), min_size=0, max_size=width + 2)
            | st.lists(st.sampled_from(CELLS), min_size=width, max_size=width),
            max_size=12,
        )
    )
    buffer = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    line_end = draw(st.sampled_from(["\n", "\r\n"]))
    csv.writer(buffer, lineterminator=line_end, quoting=quoting).writerows(records)
    text = buffer.getvalue()
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(NOISE)) + text[at:]
    return text


NOISE = ['"', '""', ",", "\n", "\r", "\r\n", " ", "#", "\ufeff", "a"]
TEXTS = _csv_text() | st.lists(st.sampled_from(NOISE), max_size=30).map("".join)


@PROPERTY
@given(TEXTS, st.integers(0, 3))
@example('#\r\n"\n;aa#""', 1)  # polars reads a field left open at the end as closed
@example('x\n"a" ,b\n', 1)  # polars reads text after a closing quote into the field
@example("h\n1,2,3\n4,5,6,", 1)  # polars drops the empty last field of an unended last line
def test_bulk_reader_gives_the_csv_modules_records_or_error(text: str, head: int) -> None:
    expected = _records(lambda: split_records(text)[0])
    assert _records(lambda: _head_and_bulk(text, head)) == expected


def _reference(records: list[list[str]], detection: Detection) -> ParsedInput:
    """The rows of the table, record by record (what `to_parsed_input` did before polars)."""
    header = dedupe_header(records[detection.header_index])
    first = detection.header_index + 1
    described = 0  # rows describing the columns: key column empty, something beside it
    for record in records[first : first + detection.spec.description_rows]:
        if not record or record[0].strip() or is_blank(record[1:]):
            break
        described += 1
    first += described
    rows, numbers, blank = [], [], described
    for number, record in enumerate(records[first:], start=first + 1):
        if record and record[0].lstrip().startswith("#") and is_blank(record[1:]):
            continue
        if is_blank(record):
            blank += 1
            continue
        rows.append(fit_to_header(record, len(header), number))
        numbers.append(number)
    if not rows:
        raise InputError("no data rows under the header")
    columns = {name: [row[at] for row in rows] for name, at in detection.positions.items()}
    raw = [dict(zip(header, row, strict=True)) for row in rows]
    frame = pl.DataFrame(
        {"_row": numbers, "_raw": raw, **columns},
        schema={
            "_row": pl.Int64,
            "_raw": pl.Struct(dict.fromkeys(header, pl.String)),
            **dict.fromkeys(columns, pl.String),
        },
    )
    return ParsedInput(
        frame=frame,
        headers={name: header[at] for name, at in detection.positions.items()},
        locale="en",
        preamble=tuple(tuple(record) for record in records[: detection.header_index]),
        rows_read=len(rows) + blank,
        rows_blank=blank,
        rows_described=described,
    )


def _spec(description_rows: int) -> FormatSpec:
    return FormatSpec("t", "x", "t", {"en": {}}, (), lambda *_: None, (), description_rows)  # type: ignore[arg-type, return-value]


@PROPERTY
@given(TEXTS, st.integers(0, 3), st.integers(0, 2), st.integers(0, 1), st.data())
def test_rows_from_the_bulk_are_the_rows_record_by_record(
    text: str, head: int, header_index: int, description_rows: int, data: st.DataObject
) -> None:
    try:
        records = split_records(text)[0]
    except InputError:
        return
    if len(records) <= header_index or not records[header_index]:
        return
    width = len(records[header_index])
    positions = data.draw(
        st.dictionaries(st.sampled_from(["a", "b", "c"]), st.integers(0, width - 1))
    )
    detection = Detection(_spec(description_rows), "en", header_index, positions)

    def parsed(read: Callable[[], ParsedInput]) -> ParsedInput | str:
        try:
            return read()
        except InputError as exc:
            return str(exc)

    expected = parsed(lambda: _reference(records, detection))
    head_records, rest = read_delimited(text.encode("utf-8"), max(head, header_index + 1))
    actual = parsed(lambda: to_parsed_input(head_records, detection, "", rest))
    if isinstance(expected, str) or isinstance(actual, str):
        assert actual == expected
        return
    assert_frame_equal(actual.frame, expected.frame)
    assert (actual.headers, actual.preamble, actual.rows_read, actual.rows_blank) == (
        expected.headers,
        expected.preamble,
        expected.rows_read,
        expected.rows_blank,
    )


def test_whitespace_is_what_str_strip_removes() -> None:
    assert "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()) == WHITESPACE


def test_a_large_export_is_read_in_bulk() -> None:
    records, rest = read_delimited(_x_export(100).encode("utf-8"))
    assert (len(records), rest is not None and rest.height) == (HEAD_RECORDS, 101 - HEAD_RECORDS)
    result = _normalize(_x_export(100))
    assert (result.rows_read, result.rows_loaded) == (100, 100)
    assert result.tables["post"]["text"][99] == "post 99, day"


def test_short_row_in_the_bulk_is_padded_and_judged_by_its_format() -> None:
    text = _x_export(80).replace("\r\n1891564128784855071,", "\r\n1891564128784855071,x\r\n", 1)
    assert _in_bulk(text)
    result = _normalize(text)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (81, 79, 2)
    rows = dict(result.quarantine.select("row_number", "reason").iter_rows())
    assert sorted(rows) == [72, 73]
    assert "'Date': 'x'" in rows[72]


def test_empty_extra_fields_are_accepted_but_not_extra_content() -> None:
    header, *rows = _x_export(60).split("\r\n")
    lines = [header, *(row + ",," if row else row for row in rows)]
    assert _in_bulk("\r\n".join(lines))
    assert _normalize("\r\n".join(lines)).rows_loaded == 60
    lines[55] += "7"
    with pytest.raises(InputError, match=r"^row 56: 19 fields where the header has 17 "):
        _normalize("\r\n".join(lines))


def test_row_longer_than_the_first_of_the_bulk_is_read_by_the_csv_module() -> None:
    lines = _x_export(60).split("\r\n")
    lines[50] += ",,"
    assert not _in_bulk("\r\n".join(lines))
    assert _normalize("\r\n".join(lines)).rows_loaded == 60
    lines[55] += ",7"
    with pytest.raises(InputError, match=r"^row 56: 18 fields where the header has 17 "):
        _normalize("\r\n".join(lines))


def test_short_row_ending_in_a_separator_is_padded_like_empty_last_fields() -> None:
    lines = _x_export(60).split("\r\n")
    lines[40] = lines[40].rsplit(",", 1)[0] + ","  # 17 fields, the last one empty
    lines[45] = lines[45].rsplit(",", 2)[0] + ","  # 16 fields: the last one left off
    assert _in_bulk("\r\n".join(lines))
    result = _normalize("\r\n".join(lines))
    assert (result.rows_loaded, result.rows_quarantined) == (60, 0)
    assert result.tables["post_metrics"].height == 60


def test_truncated_export_fails_as_the_csv_module_says() -> None:
    text = _x_export(60)[:-40]
    text = text[: text.rindex('"')] + '"cut'
    with pytest.raises(InputError) as caught:
        _normalize(text)
    assert str(caught.value).endswith("(an unterminated quoted field: the file looks truncated)")
    with pytest.raises(InputError) as expected:
        split_records(text)
    assert str(caught.value) == str(expected.value)


def test_blank_and_comment_rows_in_the_bulk_are_counted_and_skipped() -> None:
    lines = _x_export(60).split("\r\n")
    lines[40:40] = ["", " , ,", "# exported by Kunci", "#,,"]
    assert _in_bulk("\r\n".join(lines))
    result = _normalize("\r\n".join(lines))
    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (62, 60, 2)


def test_quarantined_row_from_the_bulk_keeps_its_number_and_record() -> None:
    text = _x_export(60, lambda n: 'says "hi",\n\\ \t' if n == 50 else f"post {n}")
    text = text.replace(",50,1,2,", ",5O,1,2,")
    assert _in_bulk(text)
    result = _normalize(text)
    assert result.quarantine.select("row_number", "reason").rows() == [
        (52, "column 'Impressions': '5O' is not a whole number")
    ]
    record = next(r for r in csv.reader(io.StringIO(text, newline="")) if r[4] == "5O")
    # polars' JSON encoding: what `json.dumps` writes without spaces and without escaping non-ASCII
    original = dict(zip(X_HEADER.split(","), record, strict=True))
    expected = json.dumps(original, ensure_ascii=False, separators=(",", ":"))
    assert result.quarantine["raw"][0] == expected


@pytest.mark.parametrize(
    ("encode", "what"),
    [
        (lambda text: text.encode("cp1252"), "Windows-1252"),
        (lambda text: text.replace("\r\n", "\r").encode("utf-8"), "old Mac line ends"),
        (lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"), "a byte-order mark"),
        (lambda text: text.encode("utf-16"), "UTF-16"),
    ],
)
def test_every_encoding_and_line_end_reads_the_same(
    encode: Callable[[str], bytes], what: str
) -> None:
    text = _x_export(60, lambda n: f"página {n}, €5")
    result = _normalize(encode(text))
    assert (result.rows_loaded, result.tables["post"]["text"][59]) == (60, "página 59, €5"), what


@pytest.mark.parametrize("row", [3, 50])  # read by the csv module, and in the bulk by polars
def test_a_megabyte_cell_is_read_whichever_reader_meets_it(row: int) -> None:
    text = _x_export(60, lambda n: "x" * 1_000_000 if n == row else "post")
    result = _normalize(text)
    assert result.rows_loaded == 60
    assert sorted(result.tables["post"]["text"].str.len_chars())[-2:] == [4, 1_000_000]


def test_byte_order_mark_starting_a_line_of_the_bulk_is_kept() -> None:
    lines = _x_export(60).split("\r\n")
    lines[HEAD_RECORDS] = "\ufeff" + lines[HEAD_RECORDS]
    result = _normalize("\r\n".join(lines))
    assert result.rows_quarantined == 1
    assert result.quarantine["reason"][0] == "post id is not a number"


def test_a_broken_quote_mid_file_is_bad_csv_not_truncation() -> None:
    text = _x_export(60).replace('"post 30, day"', '"post 30" day', 1)
    with pytest.raises(InputError) as caught:
        _normalize(text)
    assert str(caught.value) == "row 32: ',' expected after '\"' (bad CSV)"


def test_a_lone_carriage_return_inside_a_quoted_cell_of_an_lf_file_is_text() -> None:
    text = _x_export(60).replace("\r\n", "\n").replace('"post 30, day"', '"post 30,\rday"', 1)
    result = _normalize(text)
    assert result.rows_loaded == 60
    assert "post 30,\rday" in result.tables["post"]["text"].to_list()


def test_a_small_file_is_read_whole_by_the_csv_module_to_the_same_result() -> None:
    lines = _x_export(60, lambda n: 'says "hi",\n\\ \t' if n == 50 else f"post {n}").split("\r\n")
    lines[40:40] = ["", " , ,", "# exported by Kunci", "#,,"]
    lines[45] = lines[45].rsplit(",", 2)[0] + ","  # a short row
    lines[31] = lines[31].replace(",30,1,2,", ",3O,1,2,")  # quarantined
    data = "\r\n".join(lines).encode("utf-8")
    in_bulk = _normalize(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(delimited, "SMALL_FILE", len(data))
        assert read_delimited(data)[1] is None
        whole = _normalize(data)
    assert (whole.rows_read, whole.rows_loaded, whole.rows_quarantined) == (62, 59, 1)
    assert (whole.rows_read, whole.rows_skipped, whole.notes) == (
        in_bulk.rows_read,
        in_bulk.rows_skipped,
        in_bulk.notes,
    )
    assert_frame_equal(whole.quarantine, in_bulk.quarantine)
    assert whole.tables.keys() == in_bulk.tables.keys()
    for name, frame in whole.tables.items():
        assert_frame_equal(frame, in_bulk.tables[name])
