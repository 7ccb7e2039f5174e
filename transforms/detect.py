"""Recognise an export from its own content: which format, which header row, which language.

Each format declares the columns it needs under every header language it is exported in; the header
row is searched among the first records, so title lines, `#` comments and `sep=,` need no special
case. When nothing matches, the closest format of the file's own platform family and its missing
columns make the error actionable; a format of another platform is never named.
"""

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from transforms.container.sheets import is_blank
from transforms.errors import InputError
from transforms.format_spec import FoldedAliases, FormatSpec
from transforms.headers import normalize_header
from transforms.values.numbers import Locale

HEADER_SEARCH_DEPTH = 15


@dataclass(frozen=True)
class Detection:
    """Where and how an export matched its format."""

    spec: FormatSpec
    locale: Locale
    header_index: int
    positions: dict[str, int]


def _positions(cells: Sequence[str]) -> dict[str, int]:
    """Folded header cell -> first position (computed once per record, not once per format)."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        positions.setdefault(normalize_header(cell), index)
    return positions


def _match(folded: Mapping[str, int], aliases: FoldedAliases) -> dict[str, int]:
    positions = {}
    for name, names in aliases.fields:
        for alias in names:
            index = folded.get(alias)
            if index is not None:
                positions[name] = index
                break
    return positions


def detect(
    records: Sequence[Sequence[str]], formats: Sequence[FormatSpec], sheet: str = ""
) -> Detection:
    """Find the format whose required columns all appear in one of the first records.

    Among full matches the one recognising the most columns wins (the X content export and the X
    overview share many names; only one has `Post id`). In a workbook only the formats that
    accept the sheet's name are tried, and in a file whose preamble names its platform (GA4's `#`
    lines, a Google Ads title and range) only that platform's: a GA4 report by operating system is
    never a YouTube Studio table of the same columns. When none matches, the error names the
    closest format of the file's own platform (see `_closest`), or none.
    """
    family = _preamble_family(records)
    index_of = _required_index(formats)
    formats = [
        spec
        for spec in formats
        if spec.accepts_sheet(sheet)
        and (spec.platform == family if family is not None else not spec.needs_preamble)
    ]
    headers = [
        (index, record, _positions(record))
        for index, record in enumerate(records[:HEADER_SEARCH_DEPTH])
        if record and not record[0].lstrip().startswith("#")
    ]
    best: Detection | None = None
    best_score = -1
    for index, record, folded in headers:
        specs, pairs = index_of.matching(folded)
        for spec in formats:
            if id(spec) not in specs or not spec.accepts_width(record):
                continue
            for locale, aliases in spec.folded.items():
                if (id(spec), locale) not in pairs or not aliases.can_match(folded):
                    continue
                positions = _match(folded, aliases)
                if len(positions) > best_score:
                    best = Detection(spec, locale, index, positions)
                    best_score = len(positions)
    if best is not None:
        return best
    wrapped = _wrapped_rows(records)
    if wrapped is not None:
        raise InputError(wrapped)
    candidates: list[_Candidate] = []
    for _index, record, folded in headers:
        for spec in formats:
            if not spec.accepts_width(record):
                continue
            for locale, aliases in spec.folded.items():
                positions = _match(folded, aliases)
                if positions:
                    missing = set(spec.required) - positions.keys()
                    share = 1 - len(missing) / len(spec.required)
                    cells = len(set(positions.values()))
                    candidates.append(_Candidate(share, cells, spec, locale, missing))
    closest = _closest(candidates, family)
    if closest is None:
        what = f"no known {_FAMILIES[family]} export's" if family else "no known export's"
        raise InputError(f"unknown format: {what} columns found in the first rows")
    spec, locale, missing = closest.spec, closest.locale, closest.missing
    names = ", ".join(
        f"'{spec.columns[locale][name][0]}'" for name in spec.required if name in missing
    )
    raise InputError(
        f"unknown format: closest is {spec.name} ({spec.title}), missing columns {names}"
    )


_Pair = tuple[int, str]  # (id of a format, header language)


class _RequiredIndex:
    """Which (format, language) pairs can match a header, from the required aliases it holds.

    Checking every format in every language against every header candidate of every file
    (`FoldedAliases.can_match`) was most of detection's cost; a header cell names few aliases, so
    looking its cells up here finds the few pairs worth checking. The check itself still decides.
    """

    def __init__(self, formats: Sequence[FormatSpec]) -> None:
        """Index the required aliases of `formats` (kept, so that their ids stay theirs)."""
        self.formats = tuple(formats)
        self._always: set[_Pair] = set()
        self._needs: dict[_Pair, int] = {}
        self._by_alias: dict[str, list[tuple[_Pair, int]]] = {}
        for spec in self.formats:
            for locale, aliases in spec.folded.items():
                pair = (id(spec), locale)
                self._needs[pair] = len(aliases.required)
                if not aliases.required:
                    self._always.add(pair)
                for field, names in enumerate(aliases.required):
                    for name in names:
                        self._by_alias.setdefault(name, []).append((pair, field))

    def matching(self, header: Mapping[str, int]) -> tuple[set[int], set[_Pair]]:
        """The pairs whose every required field has an alias in `header`, and their formats' ids."""
        found: dict[_Pair, set[int]] = {}
        for cell in header:
            for pair, field in self._by_alias.get(cell, ()):
                found.setdefault(pair, set()).add(field)
        pairs = set(self._always)
        pairs.update(pair for pair, fields in found.items() if len(fields) == self._needs[pair])
        return {spec for spec, _locale in pairs}, pairs


_INDEXES: dict[tuple[int, ...], _RequiredIndex] = {}
_INDEXES_KEPT = 16  # format lists of a few workspaces (built-in formats plus declared ones)


def _required_index(formats: Sequence[FormatSpec]) -> _RequiredIndex:
    """The index of a list of formats, built once per list (the index keeps the list alive)."""
    key = tuple(id(spec) for spec in formats)
    index = _INDEXES.get(key)
    if index is None:
        if len(_INDEXES) >= _INDEXES_KEPT:
            _INDEXES.clear()
        index = _INDEXES[key] = _RequiredIndex(formats)
    return index


@dataclass(frozen=True)
class _Candidate:
    """How well one header record matched one format: required share, header cells matched."""

    share: float
    cells: int
    spec: FormatSpec
    locale: Locale
    missing: set[str]


_FAMILIES = {"web": "Google Analytics", "google": "Google Ads"}
# GA4's `#` preamble in any language: its dashed rule, or the English labels.
_GA4_PREAMBLE = re.compile(r"(?i)^#\s*(-{10,}$|(property|account|start date|end date)\s*:)")
_DATE_RANGE_LINE = re.compile(r"^\D*\d.*\d{4}\s*[-–]\s*\D*\d.*\d{4}\D*$|^(?i:all time)$")


def _preamble_family(records: Sequence[Sequence[str]]) -> str | None:
    """The platform the lines above the header name: GA4's `#` lines, Google Ads' title + range."""
    lines = [",".join(record).strip().strip(",") for record in records[:HEADER_SEARCH_DEPTH]]
    if any(_GA4_PREAMBLE.match(line) for line in lines):
        return "web"
    titled = len(lines) > 2 and len([cell for cell in records[0] if cell.strip()]) == 1
    if titled and not lines[0].startswith("#") and _DATE_RANGE_LINE.match(lines[1]):
        return "google"
    return None


def _closest(candidates: list[_Candidate], family: str | None) -> _Candidate | None:
    """The format to name when none matched: of the file's platform family, or none at all.

    The family is what the preamble names, else the platform whose formats recognise the most
    header cells (ties keep every tied platform). A format qualifies with at least half of its
    required columns, so a GA4 report is never told it is nearly a YouTube export.
    """
    if family is None:
        scores: dict[str, int] = {}
        for candidate in candidates:
            platform = candidate.spec.platform
            scores[platform] = max(scores.get(platform, 0), candidate.cells)
        top = max(scores.values(), default=0)
        families = {platform for platform, score in scores.items() if score == top}
    else:
        families = {family}
    eligible = [c for c in candidates if c.spec.platform in families and c.share >= 0.5]
    return max(eligible, key=lambda c: (c.share, c.cells), default=None)


def _wrapped_rows(records: Sequence[Sequence[str]]) -> str | None:
    """Say so when every row is one quoted cell holding a whole row (else None).

    Opening a comma-separated export in a spreadsheet set to another separator and saving it
    puts each line into one cell, which is then written quoted (`"Video asset ID,""Page ID""…"`):
    no header is found, and "unknown format" would not tell why.
    """
    filled = [record for record in records[:HEADER_SEARCH_DEPTH] if not is_blank(record)]
    one_cell = [bool(record[0].strip()) and is_blank(record[1:]) for record in filled]
    # The lines of a multi-line caption are cells of their own, and one with a comma in it is
    # not re-quoted: the first row (the header) and most rows are what tells.
    if not filled or not one_cell[0] or 2 * sum(one_cell) < len(one_cell):
        return None
    cell = filled[0][0]
    # its first record: csv refuses a line break outside quotes in a line it is given as one
    first = (next(csv.reader(io.StringIO(cell, newline=""), delimiter=d), []) for d in ",;\t")
    if max(len(record) for record in first) < 3:
        return None
    line = " ".join(cell.splitlines())  # the message is one line
    shown = line if len(line) <= 60 else line[:60] + "…"
    return (
        f"every row is one cell holding a whole row ('{shown}'): a spreadsheet program re-saved "
        "this export with another separator; download it again and ingest it without opening "
        "it in a spreadsheet"
    )
