"""Mutated real exports pushed end to end through `ingest_file`, and the promises each must keep.

`tests/mutations.py` makes the damaged bytes; this module adds the mutations that must not change
what a file means (rows reordered, the file re-encoded, other line ends, trailing blank lines),
the damage issue 19 found (megabyte cells, a lone CR in a quoted cell, NUL bytes, values no
platform writes), and a `Harness`: one DuckDB working file, schema applied, into which each
case is ingested the way `kunci ingest` does it (`flows.load.ingest.ingest_file`, one transaction
per
input), then checked:

- the outcome is loaded, quarantined or failed, and ingesting never raises;
- a load's ledger row adds up (read = loaded + quarantined + skipped) and `ops.quarantine` holds
  exactly its quarantined rows;
- a failed input leaves `core` as it was, and its error is one line without a traceback;
- the same bytes ingested again are skipped and change nothing (`core` compared by row counts
  and row hashes);
- a mutation that keeps the meaning loads exactly the rows the unmutated file loads;
- after a megabyte cell or a lone CR in a quoted cell, a file that loads still loads, every row
  read.

The fast slice (`tests/test_fuzz.py`) and the long one (`python -m bench.fuzz`) share it.
"""

import codecs
import contextlib
import csv
import io
import random
import re
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from flows.config.settings import Settings, today_in
from flows.load import ingest, inputs, outcomes
from flows.run import pipeline
from tests.mutations import Case, _decode, _header_at, mutate
from transforms.canonical.schemas import TABLES
from transforms.context import Account, IngestContext
from transforms.formats import FORMATS
from transforms.normalize import normalize_export

AS_OF = date(2026, 9, 1)
TEXT_SUFFIXES = (".csv", ".tsv")
SETTINGS = Settings(
    name="fuzz",
    timezone="Asia/Jakarta",
    accounts=(),
    sources=(),
    config_path=None,
    as_of=AS_OF,
)
OUT_OF_RUN = "is out of the run of consecutive days"
NAMED_IN_FILE_ORDER = "in file order"  # ads rows keyed by names: `Ad`, `Ad (2)` by position
_ACCOUNT_HINT = re.compile(r"this (\w+) export does not name its account")


# --- mutations that keep the meaning ----------------------------------------------------------


def _text(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding to write it back in (a BOM kept as it was)."""
    text, encoding = _decode(data)
    if encoding == "utf-8" and data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    return text, encoding


def _csv_text(data: bytes) -> tuple[list[list[str]], str, str]:
    """The file's records, its delimiter and the encoding to write it back in."""
    text, encoding = _text(data)
    first = text[:4000]
    delimiter = max((",", "\t", ";"), key=first.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)), delimiter, encoding


def _csv_bytes(records: list[list[str]], delimiter: str, encoding: str, end: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=end).writerows(records)
    return out.getvalue().encode(encoding)


def _shuffle_rows(data: bytes, rng: random.Random) -> bytes:
    """The data rows under the header in another order.

    The header, preamble and anything after the first blank row (a second table, a footer) stay
    where they are, and so do rows right under the header whose first cell is blank: they
    describe the columns (legacy Facebook Insights' row 2), they are not data.
    """
    records, delimiter, encoding = _csv_text(data)
    start = _header_at(records) + 1
    while start < len(records) and records[start] and not records[start][0].strip():
        start += 1
    end = start
    while end < len(records) and any(cell.strip() for cell in records[end]):
        end += 1
    block = records[start:end]
    rng.shuffle(block)
    records[start:end] = block
    return _csv_bytes(records, delimiter, encoding, "\r\n")


def _to_utf16(data: bytes, rng: random.Random) -> bytes:
    text, _ = _text(data)
    return text.encode("utf-16")  # with its byte order mark, as Excel and Google Ads write it


def _to_cp1252(data: bytes, rng: random.Random) -> bytes:
    """Windows-1252 where every character has a byte in it, else UTF-8 with a BOM."""
    text, _ = _text(data)
    try:
        return text.encode("cp1252")
    except UnicodeEncodeError:
        return text.encode("utf-8-sig")


def _relined(data: bytes, end: str) -> bytes:
    """Every record ends in `end`; line breaks inside quoted cells are the cells' text, kept.

    Only the line ends change, byte for byte (a CSV round trip would also requote a damaged
    file, which can change what it says).
    """
    text, encoding = _text(data)
    out: list[str] = []
    quoted = False
    i = 0
    while i < len(text):
        char = text[i]
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:
            i += 2 if text.startswith("\r\n", i) else 1
            out.append(end)
            continue
        out.append(char)
        i += 1
    return "".join(out).encode(encoding)


def _crlf(data: bytes, rng: random.Random) -> bytes:
    return _relined(data, "\r\n")


def _lf(data: bytes, rng: random.Random) -> bytes:
    return _relined(data, "\n")


def _trailing_blank_lines(data: bytes, rng: random.Random) -> bytes:
    text, encoding = _text(data)
    end = "\r\n" if "\r\n" in text[:4000] else "\n"
    if not text.endswith(("\n", "\r")):
        text += end
    return (text + end * rng.randint(1, 4)).encode(encoding)


SAME_MEANING = (
    ("shuffle-rows", _shuffle_rows),
    ("utf-16", _to_utf16),
    ("cp1252", _to_cp1252),
    ("crlf", _crlf),
    ("lf", _lf),
    ("trailing-blank-lines", _trailing_blank_lines),
)


def same_meaning(path: Path, seed: int, kind: str | None = None) -> Case:
    """Mutation `seed` (of the given kind, else one drawn) of a text export that must load
    exactly as the file itself (deterministic)."""
    rng = random.Random(f"same:{path.name}:{seed}")
    name, mutation = SAME_MEANING[rng.randrange(len(SAME_MEANING))]
    if kind is not None:
        name, mutation = kind, dict(SAME_MEANING)[kind]
    return Case(path, f"{name}#{seed}", mutation(path.read_bytes(), rng))


# --- damage that must not refuse a file the platform could have written ------------------------


def _line_end(data: bytes) -> str:
    text, _ = _text(data)
    return "\r\n" if "\r\n" in text[:20000] else "\n"


def _edit_cell(data: bytes, rng: random.Random, value: Callable[[str], str]) -> bytes:
    """One cell of one data row rewritten as `value(old)`, the file's own line ends kept."""
    records, delimiter, encoding = _csv_text(data)
    header = _header_at(records)
    rows = [i for i in range(header + 1, len(records)) if any(c.strip() for c in records[i])]
    if not rows:
        return data
    at = rng.choice(rows)
    column = rng.randrange(len(records[at]))
    records[at][column] = value(records[at][column])
    out = io.StringIO()
    end = _line_end(data)
    csv.writer(out, delimiter=delimiter, lineterminator=end).writerows(records[:at])
    # quoted whatever it holds (csv quotes a lone CR only where it is part of the line end)
    edited = csv.writer(out, delimiter=delimiter, lineterminator=end, quoting=csv.QUOTE_ALL)
    edited.writerow(records[at])
    csv.writer(out, delimiter=delimiter, lineterminator=end).writerows(records[at + 1 :])
    return out.getvalue().encode(encoding)


def _long_cell(data: bytes, rng: random.Random) -> bytes:
    """A megabyte cell (with the delimiter, quotes and line breaks in it): legal CSV."""
    chunk = rng.choice(("x", 'a, "b"; c\t', "baris\n"))
    return _edit_cell(data, rng, lambda _old: chunk * (1_000_000 // len(chunk)))


def _lone_cr(data: bytes, rng: random.Random) -> bytes:
    """A carriage return alone inside a (quoted) cell, in a file of whatever line ends."""
    return _edit_cell(data, rng, lambda old: f"{old[: len(old) // 2]}\r{old[len(old) // 2 :]}")


def _nul_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        out.insert(rng.randrange(len(out) + 1), 0)
    return bytes(out)


def _extreme_values(data: bytes, rng: random.Random) -> bytes:
    """Values no platform writes: year 1 and 9999, counts of 1e20, negative counts, formulas."""
    values = (
        "0001-01-01",
        "9999-12-31",
        "Fri, Dec 31, 9999",
        "1e20",
        "100000000000000000000",
        "-7",
        '=HYPERLINK("http://x")',
        "<script>alert(1)</script>",
    )
    for _ in range(rng.randint(1, 4)):
        data = _edit_cell(data, rng, lambda _old: rng.choice(values))
    return data


READ_AS_THE_FILE = (("long-cell", _long_cell), ("lone-cr", _lone_cr))
"""Kinds after which a file the unmutated export loads must still load, every row read."""
DAMAGE = (*READ_AS_THE_FILE, ("nul-bytes", _nul_bytes), ("extreme-values", _extreme_values))


def damaged(path: Path, seed: int, kind: str | None = None) -> Case:
    """Mutation `seed` of a text export with the damage issue 19 found (deterministic)."""
    rng = random.Random(f"damage:{path.name}:{seed}")
    name, mutation = DAMAGE[rng.randrange(len(DAMAGE))]
    if kind is not None:
        name, mutation = kind, dict(DAMAGE)[kind]
    return Case(path, f"{name}#{seed}", mutation(path.read_bytes(), rng))


def is_text_export(path: Path) -> bool:
    """A CSV or TSV export (the same-meaning mutations rewrite text, not workbooks)."""
    return path.suffix.lower() in TEXT_SUFFIXES


def fuzz_case(path: Path, seed: int) -> Case:
    """A case of the sweep: of a text export, every fourth seed keeps the meaning and every
    fourth is issue 19's damage (`damaged`)."""
    if is_text_export(path) and seed % 4 == 3:
        return same_meaning(path, seed)
    if is_text_export(path) and seed % 4 == 1:
        return damaged(path, seed)
    return mutate(path, seed)


def reads_as_the_file(case: Case) -> bool:
    """Whether the case must load whenever the unmutated file loads, with every row read."""
    return case.kind.split("#")[0] in dict(READ_AS_THE_FILE)


def keeps_meaning(case: Case) -> bool:
    """Whether the case's mutation must load exactly as the unmutated file."""
    return case.kind.split("#")[0] in dict(SAME_MEANING)


# --- the harness ------------------------------------------------------------------------------

Rows = list[tuple[object, ...]]


@dataclass
class Reference:
    """What the unmutated file loaded: its outcome and, per core table, the rows of its load."""

    outcome: outcomes.LoadOutcome
    columns: dict[str, list[str]]
    rows: dict[str, Rows]
    reasons: list[str]
    notes: str


@dataclass
class Result:
    """One case's outcome and every promise it broke (empty: all kept)."""

    case: Case
    status: str
    broken: list[str] = field(default_factory=list)


class Harness:
    """One DuckDB working file under `folder`, into which cases are ingested and checked."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(folder / "fuzz.duckdb"))
        pipeline.initialise(self.con, SETTINGS)
        self.raw = folder / "raw"
        self.tables = [
            name
            for (name,) in self.con.execute(
                "select table_name from duckdb_tables() where schema_name = 'core' order by 1"
            ).fetchall()
        ]
        self._references: dict[Path, Reference] = {}
        self._serial = 0

    def close(self) -> None:
        """Close the connection (the folder is the caller's)."""
        self.con.close()

    def core_state(self) -> dict[str, tuple[int, int]]:
        """Per core table, its row count and a sum of row hashes (an update shows too)."""
        query = " union all ".join(
            f"select '{table}', count(*), coalesce(sum(hash(t)), 0) from core.{table} t"
            for table in self.tables
        )
        return {table: (int(n), int(h)) for table, n, h in self.con.execute(query).fetchall()}

    def _load_rows(self, load_id: int, columns: dict[str, list[str]]) -> dict[str, Rows]:
        """Per core table, the given columns of a load's rows (the columns it wrote: the others
        may hold what another file said about the same key)."""
        rows = {}
        for table, names in columns.items():
            found = self.con.execute(
                f"select {', '.join(names)} from core.{table} where load_id = ? order by all",
                [load_id],
            ).fetchall()
            if found:
                rows[table] = found
        return rows

    def _reasons(self, load_id: int) -> list[str]:
        found = self.con.execute(
            "select reason from ops.quarantine where load_id = ? order by reason", [load_id]
        ).fetchall()
        return [reason for (reason,) in found]

    def _write(self, case: Case) -> Path:
        """The case's bytes under the source's own name (formats read dates from names)."""
        self._serial += 1
        folder = self.folder / "cases" / str(self._serial)
        folder.mkdir(parents=True)
        path = folder / case.source.name
        path.write_bytes(case.data)
        return path

    def _ingest(self, path: Path, account: Account | None) -> outcomes.LoadOutcome:
        return ingest.ingest_file(self.con, inputs.InputFile(path, account), SETTINGS, self.raw)

    def ingest_path(self, path: Path) -> tuple[outcomes.LoadOutcome, Account | None]:
        """Ingest a file; one that needs `--account` is ingested again bound to one."""
        outcome = self._ingest(path, None)
        hint = _ACCOUNT_HINT.search(outcome.error or "") if outcome.status == "failed" else None
        if hint is None:
            return outcome, None
        account = Account(hint.group(1), "fuzz")
        return self._ingest(path, account), account

    def reference(self, source: Path) -> Reference:
        """The unmutated file loaded once, and the rows of that load (taken right after it)."""
        if source not in self._references:
            data = source.read_bytes()
            outcome, account = self.ingest_path(self._write(Case(source, "original", data)))
            reference = Reference(outcome, {}, {}, [], "")
            if outcome.status != "failed" and outcome.load_id is not None:
                reference.columns = _written_columns(data, source.name, account)
                reference.rows = self._load_rows(outcome.load_id, reference.columns)
                reference.reasons = self._reasons(outcome.load_id)
                reference.notes = self._notes(outcome.load_id)
            self._references[source] = reference
        return self._references[source]

    def _notes(self, load_id: int) -> str:
        row = self.con.execute("select notes from ops.load where load_id = ?", [load_id]).fetchone()
        return str(row[0] or "") if row else ""

    def run(self, case: Case) -> Result:
        """Ingest one case and check every promise; never raises for what the case does."""
        path = self._write(case)
        try:
            # the file itself first, before any mutation that may give the same bytes
            reference = self.reference(case.source) if is_text_export(case.source) else None
            before = self.core_state()
            outcome, account = self.ingest_path(path)
        except BaseException as exc:  # the promise is that nothing raises; polars panics too
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            self._reset()
            return Result(case, "raised", [f"ingest raised {type(exc).__name__}: {exc}"[:300]])
        result = Result(case, outcome.status)
        broken = result.broken
        if reference is not None and reads_as_the_file(case):
            self._check_read(outcome, reference.outcome, broken)
        if not keeps_meaning(case):
            reference = None
        after = self.core_state()
        if outcome.status == "skipped":  # bytes an earlier case (or the file itself) loaded
            self._check_skipped(outcome, before, after, broken)
            return result
        if outcome.status not in ("loaded", "quarantined", "failed"):
            broken.append(f"status {outcome.status!r}")
        if outcome.status == "failed":
            self._check_failed(outcome, before, after, broken)
        elif outcome.load_id is not None:
            self._check_ledger(outcome, broken)
        if reference is not None:
            self._check_meaning(outcome, reference, broken)
        self._check_again(path, account, outcome, after, broken)
        if broken:
            self._reset()
        return result

    def _reset(self) -> None:
        """After a broken promise, leave no transaction open for the next case."""
        with contextlib.suppress(duckdb.Error):
            self.con.rollback()

    @staticmethod
    def _check_read(
        outcome: outcomes.LoadOutcome, original: outcomes.LoadOutcome, broken: list[str]
    ) -> None:
        if original.status == "failed":
            return
        if outcome.status == "failed":
            broken.append(f"refused what the file itself loads: {outcome.error}"[:300])
        elif _accounting(outcome)[3] != _accounting(original)[3]:
            broken.append(
                f"rows read (less skipped) {_accounting(outcome)[3]}, "
                f"the file itself {_accounting(original)[3]}"
            )

    def _check_skipped(
        self,
        outcome: outcomes.LoadOutcome,
        before: dict[str, tuple[int, int]],
        after: dict[str, tuple[int, int]],
        broken: list[str],
    ) -> None:
        row = self.con.execute(
            "select status from ops.load where load_id = ?", [outcome.load_id]
        ).fetchone()
        if row is None or row[0] != "loaded":
            broken.append(f"skipped as load {outcome.load_id}, which is not a loaded input")
        if before != after:
            broken.append("a skipped input changed core")

    def _check_failed(
        self,
        outcome: outcomes.LoadOutcome,
        before: dict[str, tuple[int, int]],
        after: dict[str, tuple[int, int]],
        broken: list[str],
    ) -> None:
        changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
        if changed:
            broken.append(f"failed input changed core: {changed}")
        error = outcome.error or ""
        if not error:
            broken.append("failed without an error")
        if "\n" in error or "Traceback" in error or "internal error" in error:
            broken.append(f"error is not one line in the file's terms: {error[:300]!r}")

    def _check_ledger(self, outcome: outcomes.LoadOutcome, broken: list[str]) -> None:
        row = self.con.execute(
            "select status, rows_read, rows_loaded, rows_quarantined, rows_skipped "
            "from ops.load where load_id = ?",
            [outcome.load_id],
        ).fetchone()
        if row is None:
            broken.append(f"load {outcome.load_id} is not in ops.load")
            return
        status, read, loaded, quarantined, skipped = row
        if status != "loaded":
            broken.append(f"ops.load status {status!r} for a {outcome.status} input")
        if min(read, loaded, quarantined, skipped) < 0 or read != loaded + quarantined + skipped:
            broken.append(
                f"rows read {read} != loaded {loaded} + quarantined {quarantined} "
                f"+ skipped {skipped}"
            )
        held = self.con.execute(
            "select count(*) from ops.quarantine where load_id = ?", [outcome.load_id]
        ).fetchone()
        if held is None or held[0] != quarantined:
            broken.append(
                f"ops.quarantine holds {held and held[0]} rows, the load says {quarantined}"
            )
        if (outcome.rows_loaded, outcome.rows_quarantined) != (loaded, quarantined):
            broken.append("the outcome's counts differ from the ledger's")

    def _check_meaning(
        self, outcome: outcomes.LoadOutcome, reference: Reference, broken: list[str]
    ) -> None:
        original = reference.outcome
        if outcome.status != original.status:
            broken.append(
                f"meaning changed: {outcome.status} ({outcome.error}), the file itself "
                f"{original.status} ({original.error})"
            )
            return
        if outcome.status == "failed" or outcome.load_id is None:
            return
        mine, theirs = _accounting(outcome), _accounting(original)
        rows = self._load_rows(outcome.load_id, reference.columns)
        reasons = self._reasons(outcome.load_id)
        if self._out_of_run(reasons, reference, rows):
            return
        if mine != theirs:
            broken.append(f"meaning changed: {mine}, the file itself {theirs}")
        for table in sorted(set(rows) | set(reference.rows)):
            got, want = rows.get(table, []), reference.rows.get(table, [])
            if NAMED_IN_FILE_ORDER in reference.notes:  # rows told apart by position: by design
                got, want = [()] * len(got), [()] * len(want)
            if got != want:
                diff = next(
                    ((g, w) for g, w in zip(got, want, strict=False) if g != w),
                    (len(got), len(want)),
                )
                broken.append(f"meaning changed in core.{table}: {str(diff)[:400]}")
        if reasons != reference.reasons:
            broken.append("meaning changed: other quarantine reasons")

    @staticmethod
    def _out_of_run(reasons: list[str], reference: Reference, rows: dict[str, Rows]) -> bool:
        """Rows of a yearless daily export moved out of its run of days: by design, its order
        pins the years (`transforms/values/dates.py`), so they are quarantined, loudly; every row
        that did load must be one the file itself loads."""
        added = Counter(reasons) - Counter(reference.reasons)
        if not added or not all(OUT_OF_RUN in reason for reason in added):
            return False
        return all(
            not Counter(got) - Counter(reference.rows.get(table, [])) for table, got in rows.items()
        )

    def _check_again(
        self,
        path: Path,
        account: Account | None,
        first: outcomes.LoadOutcome,
        counts: dict[str, tuple[int, int]],
        broken: list[str],
    ) -> None:
        try:
            again = self._ingest(path, account)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            broken.append(f"second ingest raised {type(exc).__name__}: {exc}"[:300])
            return
        expected = "failed" if first.status == "failed" else "skipped"
        if again.status != expected:
            broken.append(f"the same bytes again: {again.status}, not {expected}")
        elif expected == "skipped" and again.load_id != first.load_id:
            broken.append(f"skipped as load {again.load_id}, not {first.load_id}")
        if self.core_state() != counts:
            broken.append("the same bytes again changed core")


def _accounting(outcome: outcomes.LoadOutcome) -> tuple[object, ...]:
    """What a load must keep under a mutation that keeps the meaning (blank rows may be added,
    and are read and skipped)."""
    return (
        outcome.format,
        outcome.rows_loaded,
        outcome.rows_quarantined,
        outcome.rows_read - outcome.rows_skipped,
    )


def _written_columns(data: bytes, name: str, account: Account | None) -> dict[str, list[str]]:
    """Per core table (but `account`, whose stored attributes are kept), the columns the file
    writes, read as `ingest_file` reads it."""
    ctx = IngestContext(
        source_name=name,
        as_of=AS_OF,
        ingested_on=today_in(SETTINGS.timezone),
        default_timezone=SETTINGS.timezone,
        account=account,
    )
    result = normalize_export(data, ctx, FORMATS)
    return {
        table: [c for c in frame.columns if c in TABLES[table].columns]
        for table, frame in result.tables.items()
        if table != "account" and frame.height
    }


def cleanup(folder: Path) -> None:
    """Remove a harness folder."""
    shutil.rmtree(folder, ignore_errors=True)
