"""Locale-aware number parsing as polars expressions.

`1.234` is one thousand two hundred thirty-four in an Indonesian export and one point two three four
in an English one. Every parser here is strict: a value that does not match the locale's pattern
parses to null, and `invalid_number` flags it so the row is quarantined instead of misread.
"""

from typing import Literal

import polars as pl

Locale = Literal["en", "id"]

PLACEHOLDERS = ("", "-", "--", "—", "n/a", "na", "null", "none", "(not set)")

# Whole counts: digits with optional grouping; English files may write counts as floats ("1938.0").
_COUNT = {
    "en": r"^-?(\d{1,3}(,\d{3})+|\d+)(\.0+)?$",
    "id": r"^-?(\d{1,3}(\.\d{3})+|\d+)(,0+)?$",
}
_DECIMAL = {
    "en": r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^-?\.\d+$",
    "id": r"^-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$|^-?,\d+$",
}


def _clean(column: str) -> pl.Expr:
    """Strip spaces (including no-break spaces) and fold placeholders to null."""
    text = pl.col(column).cast(pl.String).str.strip_chars(" \t\r\n\u00a0\u202f")
    compact = text.str.replace_all("[\u00a0\u202f ]", "")
    return pl.when(text.str.to_lowercase().is_in(PLACEHOLDERS)).then(None).otherwise(compact)


def _to_float(text: pl.Expr, locale: Locale) -> pl.Expr:
    if locale == "id":
        return text.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    return text.str.replace_all(",", "", literal=True)


def parse_count(column: str, locale: Locale) -> pl.Expr:
    """Parse a whole-number count (Int64); anything else becomes null."""
    text = _clean(column)
    valid = text.str.contains(_COUNT[locale])
    value = _to_float(text, locale).cast(pl.Float64, strict=False).cast(pl.Int64, strict=False)
    return pl.when(valid).then(value).otherwise(None).alias(column)


def parse_decimal(column: str, locale: Locale) -> pl.Expr:
    """Parse a decimal amount (Float64); anything else becomes null."""
    text = _clean(column)
    valid = text.str.contains(_DECIMAL[locale])
    value = _to_float(text, locale).cast(pl.Float64, strict=False)
    return pl.when(valid).then(value).otherwise(None).alias(column)


def parse_percent(column: str, locale: Locale) -> pl.Expr:
    """Parse `32.30%` (or a bare fraction) into a fraction (0.323)."""
    text = _clean(column)
    has_sign = text.str.ends_with("%")
    number = text.str.strip_suffix("%")
    valid = number.str.contains(_DECIMAL[locale])
    value = _to_float(number, locale).cast(pl.Float64, strict=False)
    scaled = pl.when(has_sign).then(value / 100).otherwise(value)
    return pl.when(valid).then(scaled).otherwise(None).alias(column)


def invalid_number(raw_column: str, parsed: pl.Expr) -> pl.Expr:
    """True where the raw cell held something but it did not parse: the row must be quarantined."""
    return _clean(raw_column).is_not_null() & parsed.is_null()
