"""Date and time parsing, and the rule that local times become UTC instants and local dates."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from itertools import pairwise

import polars as pl

from transforms.values.calendar_names import (
    INTERFACE_LOCALES,
    calendar_names,
    day_names,
    fold,
    language_name,
    month_names,
    width_names,
)
from transforms.values.numbers import EXPRESSIONS_KEPT, Locale

EXCEL_SERIAL = "excel-serial"
"""Pseudo-format: a spreadsheet serial day number (44008 = 2020-06-26), as Excel stores dates."""

_SERIAL = r"^\d{5}(\.\d+)?$"  # 1927-10-14 .. 2173-10-14: no count or year is mistaken for one
_EXCEL_EPOCH = datetime(1899, 12, 30)


@cache
def _english_names(locale: Locale) -> tuple[tuple[str, str], ...]:
    """`locale`'s month and day names that differ from English, as (regex alternatives, English).

    Built from CLDR (`transforms.values.calendar_names`). Full names map to full names and
    abbreviations to abbreviations, so `%B`/`%A` and `%b`/`%a` keep their English meaning; spellings
    the platforms write beside CLDR's (`Agt`, `Agus`, `Peb`, `Nop`, `Jum'at`) are abbreviations of
    their month (`Jum'at` is Friday in full).
    """
    if locale == "en":
        return ()
    pairs: list[tuple[str, str]] = []
    for width in ("wide", "abbreviated"):
        for kind, english in (("month", month_names("en", width)), ("day", day_names("en", width))):
            english_own = width_names("en", kind, width)
            for index, own in enumerate(width_names(locale, kind, width)):
                names = sorted(own - english_own[index], key=len, reverse=True)
                if names:
                    alternatives = "|".join(re.escape(name) for name in names)
                    pairs.append((alternatives, english[index]))
    return tuple(pairs)


def _text(column: str, locale: Locale) -> pl.Expr:
    """The cell as text, with the locale's month and day names put into English for strptime."""
    text = pl.col(column).cast(pl.String).str.strip_chars()
    for names, english in _english_names(locale):
        text = text.str.replace_all(rf"(?i)\b(?:{names})\b", english)
    return text


def _excel_serial(text: pl.Expr) -> pl.Expr:
    days = text.cast(pl.Float64, strict=False)
    instant = pl.lit(_EXCEL_EPOCH) + pl.duration(milliseconds=(days * 86_400_000).round(0))
    return pl.when(text.str.contains(_SERIAL)).then(instant.dt.cast_time_unit("us"))


@lru_cache(maxsize=EXPRESSIONS_KEPT)  # see EXPRESSIONS_KEPT; `formats` must be a tuple
def parse_datetime(column: str, formats: tuple[str, ...], locale: Locale = "en") -> pl.Expr:
    """Parse naive local timestamps, trying each format in turn (null where none fits).

    With `locale="id"`, Indonesian month and day names (`Mei`, `Agt`, `Desember`, `Senin`) are read
    by the English `%b`/`%B`/`%a`/`%A` directives.
    """
    text = _text(column, locale)
    attempts = [
        _excel_serial(text)
        if fmt == EXCEL_SERIAL
        else text.str.strptime(pl.Datetime("us"), fmt, strict=False)
        for fmt in formats
    ]
    return pl.coalesce(attempts).alias(column)


@lru_cache(maxsize=EXPRESSIONS_KEPT)  # see EXPRESSIONS_KEPT; `formats` must be a tuple
def parse_date(column: str, formats: tuple[str, ...], locale: Locale = "en") -> pl.Expr:
    """Parse calendar dates, trying each format in turn (null where none fits).

    `locale` is as for `parse_datetime`.
    """
    text = _text(column, locale)
    attempts = [
        _excel_serial(text).dt.date()
        if fmt == EXCEL_SERIAL
        else text.str.strptime(pl.Date, fmt, strict=False)
        for fmt in formats
    ]
    return pl.coalesce(attempts).alias(column)


def localize(frame: pl.DataFrame, naive: str, timezone_column: str, out: str) -> pl.DataFrame:
    """Read the naive timestamp `naive` in each row's timezone and add `out` as a UTC instant.

    Rows can belong to accounts in different timezones, so the frame is localized per timezone.
    Ambiguous local times (clocks going back) take the earlier instant; times skipped when clocks
    go forward are read as one hour later, the wall time they stand for.
    """
    if frame.is_empty():
        return frame.with_columns(pl.lit(None, pl.Datetime("us", "UTC")).alias(out))
    parts = []
    for zone, part in _by_timezone(frame, timezone_column):
        parts.append(
            part.with_columns(
                pl.coalesce(
                    [
                        (pl.col(naive) + shift)
                        .dt.replace_time_zone(str(zone), ambiguous="earliest", non_existent="null")
                        .dt.convert_time_zone("UTC")
                        for shift in (pl.duration(hours=0), pl.duration(hours=1))
                    ]
                ).alias(out)
            )
        )
    return parts[0] if len(parts) == 1 else pl.concat(parts)


def _by_timezone(frame: pl.DataFrame, timezone_column: str) -> list[tuple[object, pl.DataFrame]]:
    """The frame's rows by timezone, in order of first appearance.

    A frame of one timezone (an export of one account, the usual case) is itself, without the
    polars queries of a grouping: on a small export each costs more than its work.
    """
    zones = frame.get_column(timezone_column).unique(maintain_order=True)
    if zones.len() == 1:
        return [(zones[0], frame)]
    return [(zone, part) for (zone,), part in frame.group_by(timezone_column, maintain_order=True)]


def local_date(instant: str, timezone_column: str, out: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Add `out`: the local calendar date of UTC instant `instant` in each row's timezone."""
    if frame.is_empty():
        return frame.with_columns(pl.lit(None, pl.Date).alias(out))
    parts = [
        part.with_columns(pl.col(instant).dt.convert_time_zone(str(zone)).dt.date().alias(out))
        for zone, part in _by_timezone(frame, timezone_column)
    ]
    return parts[0] if len(parts) == 1 else pl.concat(parts)


_NAME_DATE_PATTERNS = (
    (r"(\d{4}-\d{2}-\d{2})", "%Y-%m-%d"),
    (r"([A-Z][a-z]{2}-\d{1,2}-\d{4})", "%b-%d-%Y"),
)


def dates_in_name(name: str) -> list[date]:
    """Dates in a file name (`..._2024-11-21_2025-02-19.csv`, `Jul-01-2026_Sep-30-2026_...`)."""
    found: list[date] = []
    for pattern, fmt in _NAME_DATE_PATTERNS:
        for text in re.findall(pattern, name):
            try:
                found.append(datetime.strptime(text, fmt).date())
            except ValueError:
                continue
    return found


def snapshot_date(source_name: str, fallback: date) -> tuple[date, str]:
    """The as-of date of lifetime metrics: the export's end date from its name, else `fallback`.

    Returns the date and a note saying where it came from (the ledger keeps the note).
    """
    found = dates_in_name(source_name)
    if found:
        return min(max(found), fallback), "snapshot date taken from the file name's end date"
    return fallback, "snapshot date is the ingest date (the file name states no date range)"


# --- dates with month names in any interface language, and dates without a year ---------------


@dataclass(frozen=True)
class MonthDay:
    """A calendar date as a cell wrote it: month and day, and the year when the cell states one."""

    month: int
    day: int
    year: int | None = None


@dataclass(frozen=True)
class NamedDates:
    """How one column's cells with month names were read.

    `read` maps each cell read to its parts; `ambiguous` maps cells whose month name means
    different months in two languages that read the whole column to a reason; `locale` is the
    language whose names were used (None when no cell has a month name).
    """

    locale: str | None
    read: dict[str, MonthDay]
    ambiguous: dict[str, str]
    alike: tuple[str, ...] = ()

    def note(self, header: str) -> tuple[str, ...]:
        """Which language the column's month names were read in (and which read them alike)."""
        if self.locale is None or not self.read:
            return ()
        note = f"month names of '{header}' read as {language_name(self.locale)}"
        if self.alike:
            others = len(self.alike) - 1
            more = f" and {others} other interface language(s)" if others else ""
            note += f" ({language_name(self.alike[0])}{more} read the same dates)"
        return (note,)


_FOLD_CELL = re.compile(r"[,،]|(?<=\d)\.(?=\s|$)")
_JOINING_WORDS = {"es": ("de", "del"), "pt": ("de",), "ca": ("de",)}  # `8 de marzo de 2025`
_LEAP = 2000  # a leap year, so that February 29 names a day


def _alternation(names: Sequence[str]) -> str:
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))


@cache
def _grammar(locale: str) -> tuple[re.Pattern[str], ...]:
    """The shapes a date with a month name takes in `locale`'s cells (on folded text).

    Day first (`8 juli`, `8 de marzo de 2025`, `8. märz`, `8 thg 3`, `28 апреля`), month first
    (`april 12`, `apr 12 2025`, `márc 8`, CJK `3月8日`, `2025年3月8日`, Korean `3월 8일`), each
    optionally led by a day name (`senin 8 juli`, `tue feb 18 2025`).
    """
    names = calendar_names(locale)
    month, weekday = _alternation(list(names.months)), _alternation(list(names.days))
    lead = rf"(?:(?:{weekday}) )?" if weekday else ""
    lead += "(?:ngày )?" if locale == "vi" else ""
    joins = _JOINING_WORDS.get(locale, ())
    join = f"(?:(?:{'|'.join(joins)}) )?" if joins else ""
    return (
        re.compile(
            rf"{lead}(?P<day>\d{{1,2}}) ?{join}(?P<month>{month})(?: {join}(?P<year>\d{{4}}))?"
        ),
        re.compile(
            rf"{lead}(?:(?P<year>\d{{4}}) ?(?:年|년)? ?)?(?P<month>{month}) ?(?P<day>\d{{1,2}})"
            rf"(?: ?(?:日|일))?(?: (?P<year2>\d{{4}}))?"
        ),
    )


def _valid(month: int, day: int, year: int | None) -> bool:
    try:
        date(year if year is not None else _LEAP, month, day)
    except ValueError:
        return False
    return True


def _read_named(cell: str, locale: str) -> MonthDay | None:
    """`cell` read with `locale`'s names, or None when it is not a date in that language."""
    text = fold(_FOLD_CELL.sub(" ", cell))
    months = calendar_names(locale).months
    for pattern in _grammar(locale):
        found = pattern.fullmatch(text)
        if found is None:
            continue
        parts = found.groupdict()
        year_text = parts.get("year") or parts.get("year2")
        year = int(year_text) if year_text else None
        month, day = months[fold(parts["month"])], int(parts["day"])
        if _valid(month, day, year):
            return MonthDay(month, day, year)
    return None


_SURE = ("id", "en")
"""Languages whose month names mean one month in every interface language (a test checks it)."""
_SAMPLE = 12


def read_named_dates(cells: Sequence[str], preferred: Sequence[str] = ()) -> NamedDates:
    """Read dates written with a month name, deciding the language from the cells themselves.

    The language is the first of `preferred` (the language of the export's headers, when not
    English) if it reads any cell; else Indonesian or English when one of them reads every cell
    (their names mean the same month in every interface language, so no other need be loaded);
    else the language whose names read the most cells, ties broken in the order of
    `INTERFACE_LOCALES`. A cell that languages in that tie read as different dates (`8 lip` is
    July in Polish and June in Croatian) is not guessed: it gets a reason instead.
    """
    # a date always has a number (its day): text without one is no date in any language, and
    # must not make every language's names load (a report title above a table)
    unique = sorted({cell.strip() for cell in cells if cell and any(c.isdigit() for c in cell)})
    readings: dict[str, dict[str, MonthDay]] = {}

    def reading(locale: str) -> dict[str, MonthDay]:
        if locale not in readings:
            readings[locale] = {
                cell: part for cell in unique if (part := _read_named(cell, locale)) is not None
            }
        return readings[locale]

    if not unique:
        return NamedDates(None, {}, {})
    if preferred and reading(preferred[0]):  # the headers' language is the interface's
        return NamedDates(preferred[0], reading(preferred[0]), {})
    whole = [locale for locale in _SURE if len(reading(locale)) == len(unique)]
    if whole:
        alike = tuple(loc for loc in whole[1:] if reading(loc) == reading(whole[0]))
        return NamedDates(whole[0], reading(whole[0]), {}, alike)
    # other languages: a sample of cells picks the contenders, which then read every cell
    step = max(1, len(unique) // _SAMPLE)
    sample = unique[::step][:_SAMPLE]
    order = list(dict.fromkeys([*preferred, *INTERFACE_LOCALES]))
    scores = {loc: sum(_read_named(cell, loc) is not None for cell in sample) for loc in order}
    if max(scores.values()) == 0:
        return NamedDates(None, {}, {})
    contenders = [loc for loc in order if scores[loc] == max(scores.values())]
    best = max(len(reading(locale)) for locale in contenders)
    tied = [locale for locale in contenders if len(reading(locale)) == best]
    chosen = tied[0]
    read = dict(readings[chosen])
    ambiguous: dict[str, str] = {}
    for cell, part in readings[chosen].items():
        other = next((loc for loc in tied[1:] if readings[loc].get(cell, part) != part), None)
        if other is not None:
            theirs = readings[other][cell]
            ambiguous[cell] = (
                f"'{cell}' is {_show(part)} in {language_name(chosen)} but {_show(theirs)} in "
                f"{language_name(other)}: the export's language cannot be told from its dates"
            )
            del read[cell]
    alike = tuple(locale for locale in tied[1:] if readings[locale] == readings[chosen])
    return NamedDates(chosen, read, ambiguous, alike)


def _show(part: MonthDay) -> str:
    shown = f"{month_names('en')[part.month - 1]} {part.day}"
    return shown if part.year is None else f"{shown}, {part.year}"


def latest_on_or_before(month: int, day: int, reference: date) -> date | None:
    """The latest date with this month and day on or before `reference` (February 29 included)."""
    for year in range(reference.year, reference.year - 9, -1):
        if _valid(month, day, year):
            found = date(year, month, day)
            if found <= reference:
                return found
    return None


MAX_RUN_GAP = 31
"""Days a daily export's run may skip between two rows before a row is taken as out of order."""


@dataclass(frozen=True)
class PlacedRun:
    """A daily column's dates placed by its run: a date or a reason per row, and notes."""

    dates: list[date | None]
    reasons: list[str | None]
    notes: tuple[str, ...]


def _day_of_year(part: MonthDay) -> int:
    return date(_LEAP, part.month, part.day).timetuple().tm_yday


def _descending(blocks: Sequence[MonthDay]) -> bool:
    """Whether the rows run back in time (most steps between neighbours go one day back)."""
    forward = backward = 0
    for earlier, later in pairwise(blocks):
        step = (_day_of_year(later) - _day_of_year(earlier)) % 366
        forward += 1 <= step <= MAX_RUN_GAP
        backward += 1 <= 366 - step <= MAX_RUN_GAP
    return backward > forward


def place_daily_run(
    parts: Sequence[MonthDay | None],
    cells: Sequence[str | None],
    anchor: date,
    anchor_source: str,
    header: str,
    repeats: bool = False,
) -> PlacedRun:
    """Give the yearless dates of a daily export their years from the run of days they form.

    A daily export is a run of consecutive days, so its own order pins the years: the
    chronologically last day is the latest of its month and day on or before `anchor` (the file
    name's end date, the workspace `as_of` or the ingest date, as `anchor_source` says), and each
    earlier day is the latest of its month and day before the day after it. A 365-day file
    ingested months after its end keeps every day in place, and a run across New Year gets two
    years. Dates that state their year keep it and anchor the days before them.

    The run is the rows in file order (either direction), with neighbouring rows of the same date
    as one day (`repeats`: the date repeats by design, as per hour in FollowerActivity, so the
    run is the distinct dates in order of first appearance). A row that the run cannot reach
    within `MAX_RUN_GAP` days (out of order, or a date repeated apart from its first listing) gets
    a reason instead of a date a year off.
    """
    rows = [index for index, part in enumerate(parts) if part is not None]
    blocks: list[tuple[MonthDay, list[int]]] = []
    first: dict[MonthDay, int] = {}
    for index in rows:
        part = parts[index]
        assert part is not None
        if repeats and part in first:
            blocks[first[part]][1].append(index)
        elif not repeats and blocks and blocks[-1][0] == part:
            blocks[-1][1].append(index)
        else:
            first.setdefault(part, len(blocks))
            blocks.append((part, [index]))
    repeated: list[str | None] = [None] * len(parts)
    descending = _descending([part for part, _ in blocks])
    if not repeats:
        blocks = _drop_repeats(blocks, cells, header, repeated, descending)
    chronological = list(reversed(blocks)) if descending else blocks
    chronological = _longest_run(chronological, cells, header, repeated)
    walk = _walk(chronological, cells, len(parts), anchor, header)
    first_end = end = walk.end
    # A run holding February 29 ends in the year that makes it exist: try earlier ends
    for _ in range(4):
        if walk.broken == 0 or end is None:
            break
        end = end.replace(year=end.year - 1) if not (end.month == 2 and end.day == 29) else None
        if end is None:
            break
        earlier = _walk(chronological, cells, len(parts), end, header)
        if earlier.broken < walk.broken:
            walk = earlier
    shifted = walk.end is not None and walk.end != first_end
    if shifted:
        anchor_source += ", moved back to a year in which every day of the run exists (February 29)"
    notes = _run_notes(parts, walk.dates, header, anchor_source, walk.gaps)
    reasons = [own or other for own, other in zip(repeated, walk.reasons, strict=True)]
    return PlacedRun(walk.dates, reasons, notes)


def _follows(earlier: MonthDay, later: MonthDay) -> bool:
    """Whether `later` can come 1 to `MAX_RUN_GAP` days after `earlier`."""
    if earlier.year is not None and later.year is not None:
        step = (
            date(later.year, later.month, later.day)
            - date(earlier.year, earlier.month, earlier.day)
        ).days
    else:
        step = (_day_of_year(later) - _day_of_year(earlier)) % 366
    return 1 <= step <= MAX_RUN_GAP


_SKIPPABLE = 8  # rows out of order that the run may step over


def _longest_run(
    chronological: list[tuple[MonthDay, list[int]]],
    cells: Sequence[str | None],
    header: str,
    reasons: list[str | None],
) -> list[tuple[MonthDay, list[int]]]:
    """The longest chain of rows that follow each other in time; the yearless rest get a reason.

    A row out of order (anywhere, first and last included) would otherwise pin the years of the
    others a year off; rows that state their year keep it and stay.
    """
    size = len(chronological)
    length = [1] * size
    previous: list[int | None] = [None] * size
    for later in range(size):
        for earlier in range(max(0, later - _SKIPPABLE), later):
            if length[earlier] + 1 > length[later] and _follows(
                chronological[earlier][0], chronological[later][0]
            ):
                length[later], previous[later] = length[earlier] + 1, earlier
    if not size:
        return chronological
    position: int | None = max(range(size), key=lambda index: (length[index], index))
    chain: set[int] = set()
    while position is not None:
        chain.add(position)
        position = previous[position]
    kept = []
    for position, (part, indices) in enumerate(chronological):
        if position in chain or part.year is not None:
            kept.append((part, indices))
            continue
        for index in indices:
            reasons[index] = (
                f"'{str(cells[index]).strip()}' in '{header}' is out of the run of consecutive "
                "days the other rows form, so the year of this date written without one cannot "
                "be told"
            )
    return kept


def _drop_repeats(
    blocks: list[tuple[MonthDay, list[int]]],
    cells: Sequence[str | None],
    header: str,
    reasons: list[str | None],
    descending: bool,
) -> list[tuple[MonthDay, list[int]]]:
    """Take out a yearless date listed twice apart, keeping the listing that fits its neighbours.

    A run of at most 366 days holds each month and day once; of the listings, the one between
    consecutive neighbours stays (the last when several do), the others get a reason.
    """
    if len(blocks) > 366:
        return blocks
    listings: dict[MonthDay, list[int]] = {}
    for position, (part, _) in enumerate(blocks):
        if part.year is None:
            listings.setdefault(part, []).append(position)
    dropped: set[int] = set()
    for positions in listings.values():
        if len(positions) < 2:
            continue

        def fits(position: int) -> int:
            part = blocks[position][0]
            pairs = []
            if position > 0:
                pairs.append((blocks[position - 1][0], part))
            if position + 1 < len(blocks):
                pairs.append((part, blocks[position + 1][0]))
            return sum(
                _follows(*((later, earlier) if descending else (earlier, later)))
                for earlier, later in pairs
            )

        keep = max(reversed(positions), key=fits)  # the best fit, the last among equals
        for position in positions:
            if position == keep:
                continue
            dropped.add(position)
            for index in blocks[position][1]:
                reasons[index] = (
                    f"'{str(cells[index]).strip()}' in '{header}' is listed again apart from its "
                    "place in the run of consecutive days: a repeated date, not loaded"
                )
    return [block for position, block in enumerate(blocks) if position not in dropped]


@dataclass(frozen=True)
class _Walk:
    dates: list[date | None]
    reasons: list[str | None]
    end: date | None
    gaps: int
    broken: int


def _walk(
    chronological: Sequence[tuple[MonthDay, list[int]]],
    cells: Sequence[str | None],
    size: int,
    anchor: date,
    header: str,
) -> _Walk:
    """Walk the run back from its last day, the latest of its month and day on or before anchor."""
    dates: list[date | None] = [None] * size
    reasons: list[str | None] = [None] * size
    placed: set[MonthDay] = set()
    later: tuple[date, str] | None = None  # the day placed after this one, and its cell
    end: date | None = None
    gaps = broken = 0
    for part, indices in reversed(chronological):
        cell = str(cells[indices[0]]).strip()
        if part.year is not None:
            day: date | None = date(part.year, part.month, part.day)
        elif later is None:
            day = latest_on_or_before(part.month, part.day, anchor)
        else:
            day = latest_on_or_before(part.month, part.day, later[0] - timedelta(days=1))
        if day is not None and later is not None and part.year is None:
            if (later[0] - day).days > MAX_RUN_GAP:
                what = (
                    "repeats a date listed elsewhere in the file"
                    if part in placed
                    else f"is not among the days just before '{later[1]}'"
                )
                reason = (
                    f"'{cell}' in '{header}' {what}: the run of consecutive days is broken, so "
                    "the year of this date written without one cannot be told"
                )
                broken += len(indices)
                for index in indices:
                    reasons[index] = reason
                continue
            gaps += (later[0] - day).days > 1
        if day is None:
            continue
        placed.add(part)
        end = end or day
        later = (day, cell)
        for index in indices:
            dates[index] = day
    return _Walk(dates, reasons, end, gaps, broken)


def _run_notes(
    parts: Sequence[MonthDay | None],
    dates: Sequence[date | None],
    header: str,
    anchor_source: str,
    gaps: int,
) -> tuple[str, ...]:
    yearless = [
        day
        for part, day in zip(parts, dates, strict=True)
        if part is not None and part.year is None and day is not None
    ]
    if not yearless:
        return ()
    years = ", ".join(str(year) for year in sorted({day.year for day in yearless}))
    notes = [
        f"year {years} of '{header}' dates written without one: the run of days ends "
        f"{max(yearless)}, the latest such day on or before {anchor_source}, and each earlier row "
        "is the day before the next"
    ]
    if gaps:
        notes.append(f"the run of days in '{header}' skips days {gaps} time(s)")
    return tuple(notes)
