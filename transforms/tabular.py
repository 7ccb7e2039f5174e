"""Text to records: delimiter, quoting, preamble lines and ragged rows of CSV exports.

Platform exports are not clean CSV: Google Analytics puts `#` comment lines before the header, Meta
prefixes `sep=,`, Google Ads adds a title and a date-range line, legacy Facebook exports add a
row of descriptions under the header, and Excel re-saves append empty columns. This module turns
text into records and leaves the meaning of each record to the format modules.
"""

import csv
import io
from collections import Counter

from transforms.errors import InputError

_DELIMITERS = (",", ";", "\t")
_SNIFF_LINES = 40


def split_records(text: str) -> tuple[list[list[str]], str]:
    """Parse CSV text into records (quoted newlines kept), returning them and the delimiter.

    A quoted field left open at the end of the text means the file was cut off, and raises.
    """
    delimiter = _sniff_delimiter(text)
    body = text
    first_line = text.split("\n", 1)[0].strip().strip('"').lower()
    if first_line.startswith("sep=") and len(first_line) == 5:
        delimiter = first_line[4]
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error as exc:
        raise InputError(
            f"row {reader.line_num}: {exc} (an unterminated quoted field: the file looks truncated)"
        ) from None
    return records, delimiter


def _sniff_delimiter(text: str) -> str:
    """Pick the delimiter giving the most records with the same, largest field count."""
    sample = text.splitlines()[:_SNIFF_LINES]
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


def normalize_header(cell: str) -> str:
    """Fold a header cell for matching: no BOM, no surrounding space, lower case, single spaces."""
    return " ".join(cell.replace("\ufeff", "").replace("\u00a0", " ").split()).lower()


def dedupe_header(header: list[str]) -> list[str]:
    """Make duplicate column names unique (`Name`, `Name (2)`) so no column is silently dropped."""
    cleaned = [name.replace("\ufeff", "").strip() for name in header]
    used: set[str] = set()
    out = []
    for name in cleaned:
        candidate, suffix = name, 1
        while candidate in used:
            suffix += 1
            candidate = f"{name} ({suffix})"
        used.add(candidate)
        out.append(candidate)
    return out


def is_comment(record: list[str]) -> bool:
    """True for a `#` comment line (GA4 preamble or footer), not for data starting with `#`."""
    return bool(record) and record[0].lstrip().startswith("#") and is_blank(record[1:])


def is_blank(record: list[str]) -> bool:
    """True for a record with no content (an empty line, or only empty cells)."""
    return all(not cell.strip() for cell in record)


def fit_to_header(record: list[str], width: int, row_number: int) -> list[str]:
    """Return the record with exactly `width` cells, or raise if it cannot belong to the table.

    Extra cells are accepted only when empty (Excel's trailing separators); a short record means a
    truncated or malformed file, which must fail the whole load rather than load a partial row.
    """
    if len(record) == width:
        return record
    if len(record) > width and is_blank(record[width:]):
        return record[:width]
    raise InputError(
        f"row {row_number}: {len(record)} fields where the header has {width} "
        "(truncated or malformed CSV)"
    )
