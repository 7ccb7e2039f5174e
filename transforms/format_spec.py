"""What one export format declares: its columns per header language and the transform reading it.

Every format module (`transforms.formats`, and the formats a workspace declares) builds a
`FormatSpec`; detection (`transforms.detect`) only reads them. Its own module so that a format
depends on the declaration, not on the detector.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property

from transforms.context import IngestContext, Normalized, ParsedInput
from transforms.headers import normalize_header
from transforms.values.numbers import Locale


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
    def folded(self) -> dict[Locale, "FoldedAliases"]:
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
            out[locale] = FoldedAliases(fields, required)
        return out

    def accepts_width(self, record: Sequence[str]) -> bool:
        """Whether a header row has no more named (non-blank) columns than `max_columns`."""
        if self.max_columns is None:
            return True
        return sum(1 for cell in record if cell.strip()) <= self.max_columns


@dataclass(frozen=True)
class FoldedAliases:
    """A format's folded aliases in one language, and each required field's set of them."""

    fields: tuple[tuple[str, tuple[str, ...]], ...]
    required: tuple[frozenset[str], ...]

    def can_match(self, header: Mapping[str, int]) -> bool:
        """Whether every required field has an alias among the header's folded cells."""
        keys = header.keys()
        return all(not keys.isdisjoint(aliases) for aliases in self.required)


@cache
def _fold(alias: str) -> str:
    return normalize_header(alias)
