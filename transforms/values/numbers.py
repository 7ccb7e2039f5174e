"""Locale-aware number parsing as polars expressions.

`1.234` is one thousand two hundred thirty-four in an Indonesian export and one point two three four
in an English one. Every parser here is strict: a value that does not match the locale's pattern
parses to null, and `invalid_number` flags it so the row is quarantined instead of misread.

Decisions, per locale (`en` groups with `,` and marks decimals with `.`; `id` the other way round):

- Counts written as floats keep at most two zero decimals (`1938.0`, `1938.00`): `1.000` is one
  thousand in Indonesian, so an English count `1.000` is refused rather than read as 1.
- A decimal with one separator followed by three digits (`1,234`, `1.234`) is valid in both
  locales with values a thousand apart; only the locale, which detection takes from the headers,
  decides. With two decimals (`1,234.50`) or two groups (`1,234,567`) the other locale refuses it.
- Negative numbers take a leading minus; a count or rate in parentheses is quarantined.
- Percentages: `12.5%` / `12,5%` (a space before `%` is fine) are always percents. A bare number
  is a fraction for `parse_percent` (X's engagement rate `0.0093`) and percent points for
  `parse_percent_points` (YouTube's CTR `1.68`): the format module decides, once per column.
"""

from functools import lru_cache
from typing import Literal

import polars as pl

Locale = Literal["en", "id"]

PLACEHOLDERS = ("", "-", "--", "—", "n/a", "na", "null", "none", "(not set)")

_GROUP = {"en": ",", "id": r"\."}
_POINT = {"en": r"\.", "id": ","}
_INTEGER = {loc: rf"(\d{{1,3}}({sep}\d{{3}})+|\d+)" for loc, sep in _GROUP.items()}

# Whole counts: digits with optional grouping; exports may write counts as floats ("1938.0").
_COUNT = {loc: rf"^-?{_INTEGER[loc]}({_POINT[loc]}00?)?$" for loc in _GROUP}
_DECIMAL = {loc: rf"^-?{_INTEGER[loc]}({_POINT[loc]}\d+)?$|^-?{_POINT[loc]}\d+$" for loc in _GROUP}


def _stripped(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.String).str.strip_chars(" \t\r\n\u00a0\u202f")


def _compact(column: str) -> pl.Expr:
    """The cell without spaces (including no-break spaces) around or inside it (`1 234`).

    What the parsers match. No placeholder (`-`, `n/a`, `(not set)`) holds a digit, so none
    matches a number pattern: they parse to null like any bad value, and only `invalid_number`
    tells them apart.
    """
    return _stripped(column).str.replace_all("[\u00a0\u202f ]", "")


def _to_float(text: pl.Expr, locale: Locale) -> pl.Expr:
    if locale == "id":
        text = text.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    else:
        text = text.str.replace_all(",", "", literal=True)
    return text.cast(pl.Float64, strict=False)


EXPRESSIONS_KEPT = 4096
"""Parsing expressions kept per parser: building one costs more than parsing a small export with it,
and every export of a format asks for the same ones (an expression is immutable, so shareable)."""


@lru_cache(maxsize=EXPRESSIONS_KEPT)
def parse_count(column: str, locale: Locale) -> pl.Expr:
    """Parse a whole-number count (Int64); anything else becomes null."""
    text = _compact(column)
    value = _to_float(text, locale).cast(pl.Int64, strict=False)
    return pl.when(text.str.contains(_COUNT[locale])).then(value).alias(column)


@lru_cache(maxsize=EXPRESSIONS_KEPT)
def parse_decimal(column: str, locale: Locale) -> pl.Expr:
    """Parse a decimal number (Float64); anything else becomes null."""
    text = _compact(column)
    return pl.when(text.str.contains(_DECIMAL[locale])).then(_to_float(text, locale)).alias(column)


def _percent(column: str, locale: Locale, bare_divisor: float) -> pl.Expr:
    text = _compact(column)
    number = text.str.strip_suffix("%")
    divisor = pl.when(text.str.ends_with("%")).then(100.0).otherwise(bare_divisor)
    value = _to_float(number, locale) / divisor
    return pl.when(number.str.contains(_DECIMAL[locale])).then(value).alias(column)


@lru_cache(maxsize=EXPRESSIONS_KEPT)
def parse_percent(column: str, locale: Locale) -> pl.Expr:
    """Parse `32.30%` (or a bare fraction, `0.323`) into a fraction (0.323)."""
    return _percent(column, locale, 1.0)


@lru_cache(maxsize=EXPRESSIONS_KEPT)
def parse_percent_points(column: str, locale: Locale) -> pl.Expr:
    """Parse `1.68%` or bare percent points (`1.68`, as YouTube writes CTR) into a fraction."""
    return _percent(column, locale, 100.0)


def invalid_number(raw_column: str, parsed: pl.Expr) -> pl.Expr:
    """True where the raw cell held something but it did not parse: the row must be quarantined."""
    placeholder = _stripped(raw_column).str.to_lowercase().is_in(PLACEHOLDERS)
    return pl.col(raw_column).is_not_null() & ~placeholder & parsed.is_null()
