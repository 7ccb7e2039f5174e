"""Date and time parsing, and the rule that local times become UTC instants and local dates."""

import re
from datetime import date, datetime

import polars as pl

from transforms.numbers import Locale

EXCEL_SERIAL = "excel-serial"
"""Pseudo-format: a spreadsheet serial day number (44008 = 2020-06-26), as Excel stores dates."""

_SERIAL = r"^\d{5}(\.\d+)?$"  # 1927-10-14 .. 2173-10-14: no count or year is mistaken for one
_EXCEL_EPOCH = datetime(1899, 12, 30)

# Indonesian month and day names (and their abbreviations) that differ from the English ones, as
# regex alternatives, with the English name polars' strptime knows. Full names map to full names
# and abbreviations to abbreviations, so `%B`/`%A` and `%b`/`%a` keep their English meaning.
_INDONESIAN_NAMES = (
    ("Januari", "January"),
    ("Februari", "February"),
    ("Maret", "March"),
    ("Mei", "May"),
    ("Juni", "June"),
    ("Juli", "July"),
    ("Agustus", "August"),
    ("Agu|Agt", "Aug"),
    ("Oktober", "October"),
    ("Okt", "Oct"),
    ("Desember", "December"),
    ("Des", "Dec"),
    ("Senin", "Monday"),
    ("Selasa", "Tuesday"),
    ("Rabu", "Wednesday"),
    ("Kamis", "Thursday"),
    ("Jum['’]?at", "Friday"),
    ("Sabtu", "Saturday"),
    ("Minggu", "Sunday"),
    ("Sen", "Mon"),
    ("Sel", "Tue"),
    ("Rab", "Wed"),
    ("Kam", "Thu"),
    ("Jum", "Fri"),
    ("Sab", "Sat"),
    ("Min", "Sun"),
)


def _text(column: str, locale: Locale) -> pl.Expr:
    """The cell as text, with Indonesian month and day names put into English for strptime."""
    text = pl.col(column).cast(pl.String).str.strip_chars()
    if locale == "id":
        for names, english in _INDONESIAN_NAMES:
            text = text.str.replace_all(rf"(?i)\b(?:{names})\b", english)
    return text


def _excel_serial(text: pl.Expr) -> pl.Expr:
    days = text.cast(pl.Float64, strict=False)
    instant = pl.lit(_EXCEL_EPOCH) + pl.duration(milliseconds=(days * 86_400_000).round(0))
    return pl.when(text.str.contains(_SERIAL)).then(instant.dt.cast_time_unit("us"))


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
    for (zone,), part in frame.group_by(timezone_column, maintain_order=True):
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
    return pl.concat(parts)


def local_date(instant: str, timezone_column: str, out: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Add `out`: the local calendar date of UTC instant `instant` in each row's timezone."""
    if frame.is_empty():
        return frame.with_columns(pl.lit(None, pl.Date).alias(out))
    parts = []
    for (zone,), part in frame.group_by(timezone_column, maintain_order=True):
        parts.append(
            part.with_columns(pl.col(instant).dt.convert_time_zone(str(zone)).dt.date().alias(out))
        )
    return pl.concat(parts)


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
