"""Seeded mutations of real exports: the damage files suffer between a platform and Kunci.

Truncation, flipped bytes, other encodings and delimiters, deleted rows and columns, duplicate
header names, garbage in cells (impossible dates, huge numbers), and workbook-specific damage
(a broken zip member, an absurd `ss:Index`). The same seed always gives the same bytes, so a case
that once failed can be replayed (`python -m tests.mutations [--cases N]` sweeps the realdata
folder and prints every exception that is not an InputError).
"""

import argparse
import codecs
import csv
import io
import random
import re
import signal
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import FrameType

import openpyxl

from transforms.context import Account, IngestContext, Normalized
from transforms.errors import InputError
from transforms.normalize import normalize_export

SUFFIXES = (".csv", ".tsv", ".xls", ".xlsx")
GARBAGE = (
    "",
    "abc",
    "-",
    "--",
    "N/A",
    "31/02/2025",
    "2025-02-30",
    "2025-13-45",
    "Feb 30 2025",
    "Sat, Feb 30, 2026",
    "Mon Feb 30 2025",
    "99999999999999999999999",
    "1e400",
    "-5",
    "1.5",
    "NaN",
    "=1+1",
    "0000-00-00",
    "12:99:99",
    "2025-02-28 25:61:00",
    "\u00a0",
    '"',
)
_ACCOUNT_HINT = re.compile(r"this (\w+) export does not name its account")


@dataclass(frozen=True)
class Case:
    """One mutated input: which file, which mutation, and its bytes."""

    source: Path
    kind: str
    data: bytes

    @property
    def label(self) -> str:
        """A short name for reports and test ids."""
        return f"{self.source.parent.name}/{self.source.name}:{self.kind}"


def realdata_files(root: Path) -> list[Path]:
    """The tabular exports of the realdata folder, in a stable order."""
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)


def mutate(path: Path, seed: int) -> Case:
    """The mutation `seed` of the file at `path` (deterministic)."""
    rng = random.Random(f"{path.name}:{seed}")
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        kinds = _XLSX
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        kinds = _BYTES
    elif b"urn:schemas-microsoft-com:office:spreadsheet" in data[:4000]:
        kinds = _SPREADSHEET_ML
    else:
        kinds = _CSV
    name, mutation = kinds[rng.randrange(len(kinds))]
    return Case(path, f"{name}#{seed}", mutation(data, rng))


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, max(2, len(data)))]


def _flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


_BYTES: list[tuple[str, Callable[[bytes, random.Random], bytes]]] = [
    ("truncate", _truncate),
    ("flip", _flip),
]


def _decode(data: bytes) -> tuple[str, str]:
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _records(data: bytes) -> tuple[list[list[str]], str, str]:
    text, encoding = _decode(data)
    first = text[:4000]
    delimiter = max((",", "\t", ";"), key=first.count)
    return list(csv.reader(io.StringIO(text), delimiter=delimiter)), delimiter, encoding


def _write(records: list[list[str]], delimiter: str, encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(records)
    return out.getvalue().encode(encoding, errors="replace")


def _header_at(records: list[list[str]]) -> int:
    depth = records[:15]
    return max(range(len(depth)), key=lambda i: len([c for c in depth[i] if c]), default=0)


def _csv_edit(
    edit: Callable[[list[list[str]], int, random.Random], None],
) -> Callable[[bytes, random.Random], bytes]:
    def mutation(data: bytes, rng: random.Random) -> bytes:
        records, delimiter, encoding = _records(data)
        if not records:
            return data
        edit(records, _header_at(records), rng)
        return _write(records, delimiter, encoding)

    return mutation


def _delete_rows(records: list[list[str]], header: int, rng: random.Random) -> None:
    for _ in range(rng.randint(1, 5)):
        if len(records) > header + 1:
            del records[rng.randrange(header + 1, len(records))]


def _delete_column(records: list[list[str]], header: int, rng: random.Random) -> None:
    width = len(records[header])
    if width < 2:
        return
    column = rng.randrange(width)
    for record in records[header:]:
        if column < len(record):
            del record[column]


def _duplicate_header(records: list[list[str]], header: int, rng: random.Random) -> None:
    names = records[header]
    if len(names) >= 2:
        a, b = rng.sample(range(len(names)), 2)
        names[b] = names[a]


def _garble_cells(records: list[list[str]], header: int, rng: random.Random) -> None:
    rows = range(header + 1, len(records))
    for _ in range(rng.randint(1, 6)):
        if not rows:
            return
        record = records[rng.choice(rows)]
        if record:
            record[rng.randrange(len(record))] = rng.choice(GARBAGE)


def _cut_rows(records: list[list[str]], header: int, rng: random.Random) -> None:
    for _ in range(rng.randint(1, 4)):
        if len(records) > header + 1:
            record = records[rng.randrange(header + 1, len(records))]
            del record[rng.randrange(len(record) + 1) :]


def _extra_cells(records: list[list[str]], header: int, rng: random.Random) -> None:
    if len(records) > header + 1:
        records[rng.randrange(header + 1, len(records))].extend(["x"] * rng.randint(1, 3))


def _repeat_header(records: list[list[str]], header: int, rng: random.Random) -> None:
    records.insert(rng.randrange(header + 1, len(records) + 1), list(records[header]))


def _header_only(records: list[list[str]], header: int, rng: random.Random) -> None:
    del records[header + 1 :]


def _reencode(data: bytes, rng: random.Random) -> bytes:
    text, _ = _decode(data)
    encoding = rng.choice(("utf-16", "utf-16-le", "cp1252", "latin-1", "utf-8-sig", "utf-32"))
    return text.encode(encoding, errors="replace")


def _redelimit(data: bytes, rng: random.Random) -> bytes:
    records, delimiter, encoding = _records(data)
    other = rng.choice([d for d in (",", ";", "\t", "|") if d != delimiter])
    return _write(records, other, encoding)


def _line_endings(data: bytes, rng: random.Random) -> bytes:
    text, encoding = _decode(data)
    text = text.replace("\r\n", "\n")
    return text.replace("\n", rng.choice(("\r", "\r\n", "\n\n"))).encode(encoding)


_CSV: list[tuple[str, Callable[[bytes, random.Random], bytes]]] = [
    *_BYTES,
    ("delete-rows", _csv_edit(_delete_rows)),
    ("delete-column", _csv_edit(_delete_column)),
    ("duplicate-header", _csv_edit(_duplicate_header)),
    ("garble-cells", _csv_edit(_garble_cells)),
    ("garble-cells", _csv_edit(_garble_cells)),
    ("cut-rows", _csv_edit(_cut_rows)),
    ("extra-cells", _csv_edit(_extra_cells)),
    ("repeat-header", _csv_edit(_repeat_header)),
    ("header-only", _csv_edit(_header_only)),
    ("reencode", _reencode),
    ("redelimit", _redelimit),
    ("line-endings", _line_endings),
]


def _xlsx_edit(
    edit: Callable[[openpyxl.worksheet.worksheet.Worksheet, random.Random], None],
) -> Callable[[bytes, random.Random], bytes]:
    def mutation(data: bytes, rng: random.Random) -> bytes:
        book = openpyxl.load_workbook(io.BytesIO(data))
        edit(book.worksheets[rng.randrange(len(book.worksheets))], rng)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    return mutation


def _xlsx_delete_column(sheet: openpyxl.worksheet.worksheet.Worksheet, rng: random.Random) -> None:
    sheet.delete_cols(rng.randint(1, max(1, sheet.max_column)))


def _xlsx_delete_rows(sheet: openpyxl.worksheet.worksheet.Worksheet, rng: random.Random) -> None:
    sheet.delete_rows(rng.randint(2, max(2, sheet.max_row)), rng.randint(1, 5))


def _xlsx_garble(sheet: openpyxl.worksheet.worksheet.Worksheet, rng: random.Random) -> None:
    for _ in range(rng.randint(1, 6)):
        cell = sheet.cell(rng.randint(2, max(2, sheet.max_row)), rng.randint(1, sheet.max_column))
        cell.value = rng.choice((*GARBAGE, -1.0, 1e300, 45071.5, True))


def _xlsx_far_cell(sheet: openpyxl.worksheet.worksheet.Worksheet, rng: random.Random) -> None:
    sheet.cell(rng.choice((1_048_576, 500_000, 20)), rng.choice((16_384, 2, 5_000))).value = 1


def _zip_member(data: bytes, rng: random.Random) -> bytes:
    """Damage one XML part of the workbook but keep the zip itself valid."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = [n for n in source.namelist() if n.endswith(".xml")]
    victim = rng.choice(names)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            body = source.read(name)
            if name == victim:
                body = _truncate(body, rng) if rng.random() < 0.5 else _flip(body, rng)
            target.writestr(name, body)
    return out.getvalue()


_XLSX: list[tuple[str, Callable[[bytes, random.Random], bytes]]] = [
    *_BYTES,
    ("zip-member", _zip_member),
    ("zip-member", _zip_member),
    ("delete-column", _xlsx_edit(_xlsx_delete_column)),
    ("delete-rows", _xlsx_edit(_xlsx_delete_rows)),
    ("garble-cells", _xlsx_edit(_xlsx_garble)),
    ("garble-cells", _xlsx_edit(_xlsx_garble)),
    ("far-cell", _xlsx_edit(_xlsx_far_cell)),
]


def _sml_text(edit: Callable[[str, random.Random], str]) -> Callable[[bytes, random.Random], bytes]:
    def mutation(data: bytes, rng: random.Random) -> bytes:
        return edit(data.decode("utf-8", errors="replace"), rng).encode("utf-8")

    return mutation


def _sml_pick(text: str, pattern: str, rng: random.Random) -> re.Match[str] | None:
    found = list(re.finditer(pattern, text))
    return rng.choice(found) if found else None


def _sml_index(text: str, rng: random.Random) -> str:
    match = _sml_pick(text, r"<(?:ss:)?(Cell|Row)\b", rng)
    if match is None:
        return text
    value = rng.choice(("1000000000", "70000", "0", "-3", "1", "abc", "1.5"))
    at = match.end()
    return f'{text[:at]} ss:Index="{value}"{text[at:]}'


def _sml_merge(text: str, rng: random.Random) -> str:
    match = _sml_pick(text, r"<(?:ss:)?Cell\b", rng)
    if match is None:
        return text
    value = rng.choice(("1000000000", "-2", "x"))
    return f'{text[: match.end()]} ss:MergeAcross="{value}"{text[match.end() :]}'


def _sml_data(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 4)):
        match = _sml_pick(text, r"(<(?:ss:)?Data[^>]*>)([^<]*)(</)", rng)
        if match is None:
            return text
        value = rng.choice((*GARBAGE[:12], "2025-02-30T00:00:00.000", "x"))
        typed = rng.choice(('ss:Type="Number"', 'ss:Type="DateTime"', 'ss:Type="String"'))
        opening = re.sub(r'ss:Type="\w+"', typed, match.group(1))
        text = text[: match.start()] + opening + value + text[match.start(3) :]
    return text


def _sml_delete_cell(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 5)):
        match = _sml_pick(text, r"<(?:ss:)?Cell\b.*?</(?:ss:)?Cell>", rng)
        if match is None:
            return text
        text = text[: match.start()] + text[match.end() :]
    return text


_SPREADSHEET_ML: list[tuple[str, Callable[[bytes, random.Random], bytes]]] = [
    *_BYTES,
    ("ss-index", _sml_text(_sml_index)),
    ("ss-index", _sml_text(_sml_index)),
    ("merge-across", _sml_text(_sml_merge)),
    ("garble-data", _sml_text(_sml_data)),
    ("garble-data", _sml_text(_sml_data)),
    ("delete-cell", _sml_text(_sml_delete_cell)),
]


class _Timeout(Exception):
    pass


def normalize_case(case: Case, as_of: date = date(2026, 9, 1)) -> Normalized:
    """Normalize a mutated input; an export that needs `--account` gets one for its platform."""
    ctx = IngestContext(source_name=case.source.name, as_of=as_of)
    try:
        return normalize_export(case.data, ctx)
    except InputError as exc:
        hint = _ACCOUNT_HINT.search(str(exc))
        if hint is None:
            raise
    account = Account(hint.group(1), "mutated")
    ctx = IngestContext(source_name=case.source.name, as_of=as_of, account=account)
    return normalize_export(case.data, ctx)


def outcome(case: Case) -> str:
    """'ok …', 'refused: reason', or 'CRASH Type: message' for one case."""
    try:
        result = normalize_case(case)
    except InputError as exc:
        return f"refused: {exc}"
    except Exception as exc:  # the sweep's whole point is to find these
        return f"CRASH {type(exc).__name__}: {str(exc)[:200]}"
    except BaseException as exc:  # polars' PanicException is a BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return f"CRASH {type(exc).__name__}: {str(exc)[:200]}"
    return f"ok read={result.rows_read} quarantined={result.rows_quarantined}"


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise _Timeout


def main() -> int:
    """Sweep: `--cases` mutations of every realdata file; print crashes and slow cases."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=Path(__file__).parents[2] / "shared/realdata")
    parser.add_argument("--cases", type=int, default=15, help="mutations per file")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--timeout", type=int, default=20)
    parser.add_argument("--match", default="")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    crashes = 0
    total = 0
    for path in realdata_files(args.root):
        if args.match not in str(path):
            continue
        for seed in range(args.first_seed, args.first_seed + args.cases):
            total += 1
            try:
                case = mutate(path, seed)
            except Exception as exc:  # a mutation that cannot apply
                print(f"skip {path.name}#{seed}: {type(exc).__name__}: {exc}")
                continue
            started = time.perf_counter()
            signal.alarm(args.timeout)
            try:
                result = outcome(case)
            except _Timeout:
                result = f"CRASH timeout after {args.timeout} s"
            finally:
                signal.alarm(0)
            seconds = time.perf_counter() - started
            if result.startswith("CRASH") or seconds > 5:
                crashes += result.startswith("CRASH")
                print(f"{case.label} ({seconds:.1f} s): {result}", flush=True)
    print(f"{total} cases, {crashes} crashes")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
