"""Text to records: delimiter, quoting, preamble lines and ragged rows of CSV exports.

Platform exports are not clean CSV: Google Analytics puts `#` comment lines before the header, Meta
prefixes `sep=,`, Google Ads adds a title and a date-range line, legacy Facebook exports add a
row of descriptions under the header, and Excel re-saves append empty columns. This module turns
text into records and leaves the meaning of each record to the format modules.

Python's csv module defines what a record is. It reads the first records of a file (titles,
comments, the header) and, when anything is unusual, the whole file; the bulk of a large export is
read by polars' CSV reader, ten times faster, into a cells frame: column `"i"` holds field i (null
past the record's end) and `FIELDS` the record's number of fields. Blank, comment and ragged rows
are then found in the frame at once, by the same rules as for a single record.
"""

import csv
import io
import itertools
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache

import polars as pl

from transforms.errors import InputError

_DELIMITERS = (",", ";", "\t")
_SNIFF_LINES = 40
_SNIFF_MAX = 8_000_000  # characters a sniff reads to the end of a quoted field open in its lines
HEAD_RECORDS = 32
"""Records read by the csv module before polars takes over: more than detection searches for a
header (15), plus the description rows under it."""

FIELDS = "_fields"
"""The column of a cells frame that holds each record's number of fields."""
ROW = "_row"
"""The record's number in the file, 1-based as a spreadsheet shows it."""
RAW = "_raw"
"""The original record of a row: a struct of its cells keyed by the file's own column names."""

WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""What `str.strip()` removes, so that polars finds blank the cells `is_blank` does."""

_SPACE = "".join(f"\\x{{{ord(char):x}}}" for char in WHITESPACE)
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

    The frame is None when there are no others, or when `split_records` had to read the whole
    file: polars reads only what it reads exactly as the csv module does, so the records, their
    numbers and every error are the same whichever reader read them.
    """
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


def table_rows(cells: pl.DataFrame, width: int) -> tuple[pl.DataFrame, int]:
    """The rows under a header of `width` names, and how many blank rows were among them.

    `cells` is a cells frame with each record's number in `ROW`. `#` comment rows are dropped
    (and not counted); a short row is kept as it is (its missing cells are null, read as empty,
    see `fit_to_header`); the first row that cannot belong to the table raises
    `fit_to_header`'s error with its number.
    """
    comments = _comment_rows(cells)
    if comments.any():
        cells = cells.filter(~comments)
    blank = blank_rows(cells)
    fields = cells.get_column(FIELDS)
    extra_blank = blank_rows(cells, _cell_columns(cells)[width:])
    misfits = cells.filter(~blank & (fields > width) & ~extra_blank)
    if not misfits.is_empty():
        first = misfits.row(0, named=True)
        record = [first.get(str(i)) or "" for i in range(first[FIELDS])]
        fit_to_header(record, width, first[ROW])
    rows = cells.filter(~blank)
    return rows, cells.height - rows.height


def blank_rows(cells: pl.DataFrame, columns: list[str] | None = None) -> pl.Series:
    """Which rows hold only whitespace in `columns` (by default in every field), as `is_blank`.

    Rows are looked at past their first such cell only when it is blank: most rows are not, so
    this costs about one pass over one column.
    """
    columns = _cell_columns(cells) if columns is None else columns
    if not columns:
        return pl.repeat(True, cells.height, eager=True)
    blank = cells.select(~_has_content(columns[0])).to_series()
    if len(columns) > 1 and blank.any():
        rest = cells.filter(blank).select(~pl.any_horizontal(map(_has_content, columns[1:])))
        blank.scatter(blank.arg_true(), rest.to_series())
    return blank


def normalize_header(cell: str) -> str:
    """Fold a header cell for matching: no BOM, no surrounding space, lower case, single spaces."""
    return " ".join(cell.replace("\ufeff", "").replace("\u00a0", " ").split()).lower()


def dedupe_header(header: list[str]) -> list[str]:
    """Make duplicate column names unique (`Name`, `Name (2)`) so no column is silently dropped."""
    cleaned = [name.replace("\ufeff", "").strip() for name in header]
    used: set[str] = set()
    last_suffix: dict[str, int] = {}  # so that thousands of blank names stay linear, not quadratic
    out = []
    for name in cleaned:
        candidate, suffix = name, last_suffix.get(name, 1)
        while candidate in used:
            suffix += 1
            candidate = f"{name} ({suffix})"
        last_suffix[name] = suffix
        used.add(candidate)
        out.append(candidate)
    return out


def is_blank(record: list[str]) -> bool:
    """True for a record with no content (an empty line, or only empty cells)."""
    return all(not cell.strip() for cell in record)


def fit_to_header(record: list[str], width: int, row_number: int) -> list[str]:
    """Return the record with exactly `width` cells, or raise if it cannot belong to the table.

    Extra cells are accepted only when empty (Excel's trailing separators). A short record is
    padded with empty cells: Meta leaves the last empty columns off some rows of its exports, and
    a CSV record cannot lose cells anywhere but at its end. A file cut off inside a quoted field
    is refused by `split_records`; a record with more (non-empty) fields than the header is
    refused here, since no cell of it can be placed.
    """
    if len(record) == width:
        return record
    if len(record) < width:
        return record + [""] * (width - len(record))
    if is_blank(record[width:]):
        return record[:width]
    raise InputError(
        f"row {row_number}: {len(record)} fields where the header has {width} "
        "(more fields than the header: malformed CSV)"
    )


def _cell_columns(cells: pl.DataFrame) -> list[str]:
    return [name for name in cells.columns if name.isdigit()]


def _has_content(column: str) -> pl.Expr:
    return pl.col(column).str.contains(f"[^{_SPACE}]").fill_null(False)


def _comment_rows(cells: pl.DataFrame) -> pl.Series:
    """`#` comment rows (GA4 preamble or footer), not data starting with `#`."""
    columns = _cell_columns(cells)
    if not columns:
        return pl.repeat(False, cells.height, eager=True)
    first = pl.col(columns[0]).str.contains(f"^[{_SPACE}]*#").fill_null(False)
    comments = cells.select(first).to_series()
    if comments.any():
        comments.scatter(comments.arg_true(), blank_rows(cells.filter(comments), columns[1:]))
    return comments


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
            for name in _cell_columns(rest)
        )
    return records, rest


_TOTAL_LABELS = ("grand total", "totals", "total")


def move_total_labels(cells: pl.DataFrame, width: int) -> pl.DataFrame:
    """Put a totals label written one cell past the header's end into the row's first cell.

    A GA4 exploration writes its `Grand total` line as `,,,48,5,…,3,Grand total`: the label in an
    extra column after the last metric, the dimension cells empty. Moved to the (empty) first
    cell, the row fits the table and is a totals row as the formats know it.
    """
    label = str(width)
    if label not in cells.columns or width == 0:
        return cells
    text = pl.col(label).str.strip_chars().str.to_lowercase()
    first = pl.col("0").fill_null("").str.strip_chars()
    moved = (pl.col(FIELDS) == width + 1) & text.is_in(_TOTAL_LABELS) & (first == "")
    moved = moved.fill_null(False)
    return cells.with_columns(
        pl.when(moved).then(pl.col(label).str.strip_chars()).otherwise(pl.col("0")).alias("0"),
        pl.when(moved).then(None).otherwise(pl.col(label)).alias(label),
        pl.when(moved).then(width).otherwise(pl.col(FIELDS)).alias(FIELDS),
    )


_TABLE_PREAMBLE = re.compile(r"^\s*#\s*(-{10,}|[^:]+:\s*\S)")
"""A `#` line that opens a stacked table: a dashed rule or a `label: value` (GA4's dates)."""


def stacked_tables(cells: pl.DataFrame) -> tuple[pl.DataFrame, int, list[str]]:
    """Cut the cells after the first table of a file that stacks several, `#` lines between.

    GA4's Reports snapshot download is one table per card, each after a blank line and its own
    `# Start date` / `# End date` comments. The first table ends at the blank line before the next
    such block: comments that state something (`# label: value`, a dashed rule), not a remark
    someone typed between rows. Returns the first table's cells, the number of data rows of the
    tables below it (their header rows not counted) and those tables' header rows, for the notes.
    """
    comments = _comment_rows(cells)
    if not comments.any():
        return cells, 0, []
    blank = blank_rows(cells).to_list()
    comment = comments.to_list()
    first_cells = cells.get_column(_cell_columns(cells)[0]).fill_null("").to_list()
    cut = None
    for index, is_blank_row in enumerate(blank):
        if not is_blank_row:
            continue
        following = next(
            (i for i in range(index + 1, len(blank)) if not blank[i] or comment[i]), None
        )
        if following is None or not comment[following]:
            continue
        block = []
        for i in range(following, len(blank)):
            if not (comment[i] or blank[i]):
                break
            block.append(first_cells[i])
        if any(_TABLE_PREAMBLE.match(line) for line in block):
            cut = index
            break
    if cut is None:
        return cells, 0, []
    rows, headers, after_comment = 0, [], False
    for index in range(cut, len(blank)):
        if comment[index]:
            after_comment = True
        elif not blank[index]:
            if after_comment:
                record = cells.row(index, named=True)
                headers.append(",".join(record.get(str(i)) or "" for i in range(record[FIELDS])))
            else:
                rows += 1
            after_comment = False
    return cells.head(cut), rows, headers
