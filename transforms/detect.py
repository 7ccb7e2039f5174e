"""Recognise an export from its own content: which format, which header row, which language.

Each format declares the columns it needs under every header language it is exported in; the header
row is searched among the first records, so title lines, `#` comments and `sep=,` need no special
case. When nothing matches, the closest format of the file's own platform family and its missing
columns make the error actionable; a format of another platform is never named.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property

from transforms.context import IngestContext, Normalized, ParsedInput
from transforms.errors import InputError
from transforms.numbers import Locale
from transforms.tabular import normalize_header

HEADER_SEARCH_DEPTH = 15


@dataclass(frozen=True)
class FormatSpec:
    """One export format: its columns per header language and the transform that reads it.

    `sheets` restricts a workbook format to worksheets whose names start with one of these
    (Excel cuts sheet names to 31 characters); empty means any sheet or a CSV file.
    `description_rows` is how many rows under the header describe the columns instead of holding
    data (legacy Facebook Insights writes one). `reads_column` names the columns a format reads
    by their own name from each row's `_raw` record (breakdowns keyed by a city or an hour, which
    no alias can list), so they are not reported as unused. `max_columns` caps how many named
    columns the header row may have: a layout known by its exact shape (a date and one metric)
    must not take a wider export of another platform that happens to contain those columns.
    `needs_preamble` limits a format to files whose preamble names its platform (GA4's `#` lines):
    a catch-all for any table of such a file, never tried on a file without it.
    """

    name: str
    platform: str
    title: str
    columns: Mapping[Locale, Mapping[str, tuple[str, ...]]]
    required: tuple[str, ...]
    normalize: Callable[[ParsedInput, IngestContext], Normalized]
    sheets: tuple[str, ...] = ()
    description_rows: int = 0
    reads_column: Callable[[str], bool] | None = None
    max_columns: int | None = None
    needs_preamble: bool = False

    def accepts_sheet(self, sheet: str) -> bool:
        """Whether this format can live in a worksheet (or CSV file, name '') of that name."""
        if not self.sheets:
            return True
        folded = normalize_header(sheet)
        return any(folded.startswith(normalize_header(name)[:31]) for name in self.sheets)

    @cached_property
    def folded(self) -> dict[Locale, "_Folded"]:
        """Per header language, the aliases as `normalize_header` folds them (computed once).

        Detection compares every format with every header candidate of every file: folding the
        aliases again each time was most of its cost.
        """
        out = {}
        for locale, aliases in self.columns.items():
            fields = tuple(
                (name, tuple(_fold(a) for a in names)) for name, names in aliases.items()
            )
            by_name = dict(fields)
            required = tuple(frozenset(by_name.get(name, ())) for name in self.required)
            out[locale] = _Folded(fields, required)
        return out

    def accepts_width(self, record: Sequence[str]) -> bool:
        """Whether a header row has no more named (non-blank) columns than `max_columns`."""
        if self.max_columns is None:
            return True
        return sum(1 for cell in record if cell.strip()) <= self.max_columns


@dataclass(frozen=True)
class _Folded:
    """A format's folded aliases in one language, and each required field's set of them."""

    fields: tuple[tuple[str, tuple[str, ...]], ...]
    required: tuple[frozenset[str], ...]

    def can_match(self, header: Mapping[str, int]) -> bool:
        """Whether every required field has an alias among the header's folded cells."""
        keys = header.keys()
        return all(not keys.isdisjoint(aliases) for aliases in self.required)


@dataclass(frozen=True)
class Detection:
    """Where and how an export matched its format."""

    spec: FormatSpec
    locale: Locale
    header_index: int
    positions: dict[str, int]


@cache
def _fold(alias: str) -> str:
    return normalize_header(alias)


def _positions(cells: Sequence[str]) -> dict[str, int]:
    """Folded header cell -> first position (computed once per record, not once per format)."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        positions.setdefault(normalize_header(cell), index)
    return positions


def _match(folded: Mapping[str, int], aliases: _Folded) -> dict[str, int]:
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
        for spec in formats:
            if not spec.accepts_width(record):
                continue
            for locale, aliases in spec.folded.items():
                if not aliases.can_match(folded):
                    continue
                positions = _match(folded, aliases)
                if len(positions) > best_score:
                    best = Detection(spec, locale, index, positions)
                    best_score = len(positions)
    if best is not None:
        return best
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
