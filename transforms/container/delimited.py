"""Text to records: delimiter, quoting, preamble lines and ragged rows of CSV exports.

Platform exports are not clean CSV: Google Analytics puts `#` comment lines before the header, Meta
prefixes `sep=,`, Google Ads adds a title and a date-range line, legacy Facebook exports add a
row of descriptions under the header, and Excel re-saves append empty columns. This module turns
text into records and leaves the meaning of each record to the format modules.

Python's csv module defines what a record is. It reads the first records of a file (titles,
comments, the header) and, when anything is unusual or the file is small, the whole file; the bulk
of a large export is read by polars' CSV reader, ten times faster, into a cells frame: column `"i"`
holds field i (null past the record's end) and `FIELDS` the record's number of fields. Blank,
comment and ragged rows are then found in the frame at once, by the same rules as for a single
record.
"""

import csv
import io
import itertools
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache

import polars as pl

from transforms.container.sheets import FIELDS, cell_columns
from transforms.errors import InputError

_DELIMITERS = (",", ";", "\t")

_SNIFF_LINES = 40

_SNIFF_MAX = 8_000_000  # characters a sniff reads to the end of a quoted field open in its lines

HEAD_RECORDS = 32
"""Records read by the csv module before polars takes over: more than detection searches for a
header (15), plus the description rows under it."""

SMALL_FILE = 64 * 1024
"""Bytes up to which the csv module reads the whole file. polars' reader and the checks that keep
it equal to the csv module cost about four milliseconds per file whatever its size; the csv module
reads a 15 KB export, and its records become a cells frame, in one. The two cost the same near
200 KB."""

_LONE_CR = re.compile(rb"\r(?!\n)")

# A cell may legally hold megabytes (a long post text, a pasted page); the csv module's default
# limit of 128 KB would refuse such a file as broken. One input's size is bounded upstream.
csv.field_size_limit(2**31 - 1)

_UTF8_BOM = b"\xef\xbb\xbf"


def split_records(text: str) -> tuple[list[list[str]], str]:
    """Parse CSV text into records (quoted newlines kept), returning them and the delimiter.

    A quoted field left open at the end of the text means the file was cut off, and raises.
    """
    delimiter = _delimiter(_first_lines(text))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error as exc:
        # at the file's last line the break is where the file ends: it was cut off
        lines = text.count("\n") + (not text.endswith("\n"))
        cut_off = "unexpected end of data" in str(exc) or reader.line_num >= lines
        why = "an unterminated quoted field: the file looks truncated" if cut_off else "bad CSV"
        raise InputError(f"row {reader.line_num}: {exc} ({why})") from None
    return records, delimiter


def read_delimited(
    data: bytes, head: int = HEAD_RECORDS
) -> tuple[list[list[str]], pl.DataFrame | None]:
    """Read UTF-8 CSV bytes into their first `head` records and a cells frame of the others.

    The frame is None when there are no others, or when `split_records` read the whole file (a
    small one, or one polars cannot read as the csv module does): polars reads only what it reads
    exactly as the csv module does, so the records, their numbers and every error are the same
    whichever reader read them.
    """
    if len(data) <= SMALL_FILE:
        return _all_records(data), None
    sample = data[: _line_end(data, 0, _SNIFF_LINES)]
    if sample.count(b'"') % 2:  # a quoted field open past the first lines: read on to its end
        sample = data[: _SNIFF_MAX * 4]
    delimiter = _delimiter(_first_lines(sample.decode("utf-8", "ignore")))
    if _LONE_CR.search(data):  # the csv module ends a record there, polars does not
        return _all_records(data), None
    reader = csv.reader(_lines(data), delimiter=delimiter, strict=True)
    try:
        records = list(itertools.islice(reader, head))
    except csv.Error:  # split_records raises it, with its row number
        return _all_records(data), None
    offset = _line_end(data, 0, reader.line_num)
    if offset == len(data):
        return records, None
    rest = _read_rest(data, offset, reader.line_num, delimiter)
    if rest is None:
        return _all_records(data), None
    return records, rest


def _first_lines(text: str) -> str:
    """The text up to the end of its first lines, enough to sniff the delimiter from.

    A quoted field still open there (a post text of many lines) is read to its end, up to
    `_SNIFF_MAX` characters: cut inside it, no delimiter gives whole records and the sniff
    would pick a wrong one (a comma inside the text) for a tab-separated file.
    """
    end = 0
    for _ in range(_SNIFF_LINES):
        end = text.find("\n", end) + 1
        if not end:
            return text
    quotes = text.count('"', 0, end)
    while quotes % 2 and end < min(len(text), _SNIFF_MAX):
        after = text.find("\n", end) + 1 or len(text)
        quotes += text.count('"', end, after)
        end = after
    return text[:end]


def _delimiter(head: str) -> str:
    """The delimiter a `sep=` first line names, else the sniffed one."""
    first_line = head.split("\n", 1)[0].strip().strip('"').lower()
    if first_line.startswith("sep=") and len(first_line) == 5:
        return first_line[4]
    return _sniff_delimiter(head.splitlines())


def _sniff_delimiter(sample: list[str]) -> str:
    """Pick the delimiter giving the most records with the same, largest field count."""
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        try:
            counts = Counter(
                len(row)
                for row in csv.reader(sample, delimiter=delimiter)
                if row and not row[0].startswith("#")
            )
        except csv.Error:  # a field longer than csv's limit: not this delimiter
            continue
        width, rows = max(counts.items(), key=lambda item: (item[1], item[0]), default=(0, 0))
        if width > 1 and (rows, width) > best_score:
            best, best_score = delimiter, (rows, width)
    return best


def _line_end(data: bytes, start: int, lines: int) -> int:
    """The offset just past `lines` more newline-terminated lines from `start`, or the end."""
    for _ in range(lines):
        start = data.find(b"\n", start) + 1
        if not start:
            return len(data)
    return start


def _lines(data: bytes) -> Iterator[str]:
    """Yield the lines of UTF-8 bytes with their line ends (no character's bytes hold a newline)."""
    start = 0
    while start < len(data):
        end = _line_end(data, start, 1)
        yield data[start:end].decode("utf-8")
        start = end


def _all_records(data: bytes) -> list[list[str]]:
    return split_records(data.decode("utf-8"))[0]


def _read_rest(data: bytes, offset: int, skip: int, delimiter: str) -> pl.DataFrame | None:
    """Read the records from line `skip` (byte `offset`) on with polars, or None if it cannot.

    polars reads well-formed CSV as the csv module does but is lenient where the csv module is
    strict (text after a closing quote, a quote inside an unquoted field, an open quote at the end)
    and differs at the edges: it drops a byte-order mark at the start and an empty last field on an
    unterminated last line, and knows no field size limit. Such files are left to
    `split_records`, which raises the precise error or reads them.
    """
    if data.startswith(_UTF8_BOM, offset) or not _well_quoted(data, offset, delimiter):
        return None
    if not data.endswith(b"\n") and data.rstrip(b"\r").endswith(delimiter.encode()):
        return None
    try:
        frame = pl.read_csv(
            data,
            has_header=False,
            separator=delimiter,
            skip_lines=skip,
            infer_schema=False,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError:  # e.g. a row longer than the first: split_records decides
        return None
    frame.columns = [str(i) for i in range(frame.width)]
    longest = frame.select(pl.max_horizontal(pl.all().str.len_bytes().max())).item()
    if longest is not None and longest > csv.field_size_limit():
        return None
    return frame.insert_column(0, _field_counts(frame, data, skip, delimiter))


def _well_quoted(data: bytes, offset: int, delimiter: str) -> bool:
    """Whether every quote from `offset` on opens, closes or doubles inside a quoted field.

    A quoted field must start where a field can start (after a separator or a line end) and end
    where a field can end (before a separator, a line end or the end of the file), with doubled
    quotes inside; an odd number of quotes leaves a field open. The csv module accepts a quote
    inside an unquoted field, so an odd number of quotes in the first records (which it read) would
    shift the fields: such a file is left to it as well. One regular-expression pass with
    possessive repeats, which never backtracks: splitting a 210 MB export at its quotes instead took
    five seconds and 1.3 GB.
    """
    before = data.count(b'"', 0, offset)
    if before % 2:
        return False
    if data.find(b'"', offset) < 0:
        return True
    match = _quoting(delimiter).match(data, offset)
    return match is not None and match.end() == len(data)


@cache
def _quoting(delimiter: str) -> re.Pattern[bytes]:
    """Text without quotes, and whole quoted fields standing where a field starts and ends."""
    edge = re.escape(delimiter.encode())
    starts = rb"(?:(?<=[" + edge + rb"\n])|(?<![\s\S]))"  # after a separator, a line end, or first
    ends = rb"(?=[" + edge + rb"\n]|\r\n|\Z)"
    return re.compile(rb'(?:[^"]++|' + starts + rb'"(?:[^"]++|"")*+"' + ends + rb")*+")


def _field_counts(frame: pl.DataFrame, data: bytes, skip: int, delimiter: str) -> pl.Series:
    """The number of fields of each record polars read (`FIELDS`).

    polars reads an unquoted empty field and a missing one alike as null, so a record whose last
    cells are null may be short (`1,2` under three columns) or end in empty fields (`1,2,`). Such a
    record's count is settled from its last line: the fields after its last non-null one are empty
    and unquoted, one separator each, so that line's trailing separators count them.
    """
    filled = pl.max_horizontal(
        pl.when(pl.col(name).is_not_null()).then(pl.lit(i + 1, pl.Int64))
        for i, name in enumerate(frame.columns)
    )
    counts = frame.select(filled.fill_null(0).alias(FIELDS)).to_series()
    open_ended = (counts > 0) & (counts < frame.width)
    if not open_ended.any():
        return counts
    newlines = pl.sum_horizontal(
        pl.lit(0, pl.Int64),
        *[
            pl.col(name).str.count_matches("\n", literal=True).fill_null(0)
            for name in frame.columns
        ],
    )
    last_lines = frame.select((newlines + 1).cum_sum() - 1 + skip).to_series().filter(open_ended)
    lines = data.split(b"\n")
    tails = pl.Series([lines[line] for line in last_lines], dtype=pl.Binary).cast(pl.String)
    tails = tails.str.strip_chars_end("\r")
    separators = tails.str.len_bytes() - tails.str.strip_chars_end(delimiter).str.len_bytes()
    counts.scatter(open_ended.arg_true(), counts.filter(open_ended) + separators.cast(pl.Int64))
    return counts


_TEXT_FORMULA_EXPR = r'^="((?:[^"]|"")*)"$'  # one pattern for the csv module's records and polars

_TEXT_FORMULA = re.compile(_TEXT_FORMULA_EXPR, re.DOTALL)


def unwrap_text_formulas(
    records: list[list[str]], rest: pl.DataFrame | None
) -> tuple[list[list[str]], pl.DataFrame | None]:
    """Cells written as Excel text formulas (`="1865607983072722"`) as their text.

    TikTok Ads Manager writes every cell of its "Excel" download that way, so that Excel keeps long
    ids as text. Only a cell that is wholly one such formula is unwrapped (`""` inside stands for
    `"`); a formula mixed with other text is data and stays as written.
    """

    def unwrap(cell: str) -> str:
        match = _TEXT_FORMULA.match(cell)
        return match.group(1).replace('""', '"') if match else cell

    records = [[unwrap(cell) for cell in record] for record in records]
    if rest is not None:
        rest = rest.with_columns(
            pl.when(pl.col(name).str.contains(_TEXT_FORMULA_EXPR))
            .then(
                pl.col(name)
                .str.replace(_TEXT_FORMULA_EXPR, "${1}")
                .str.replace_all('""', '"', literal=True)
            )
            .otherwise(pl.col(name))
            for name in cell_columns(rest)
        )
    return records, rest
