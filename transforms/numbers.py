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
- Negative numbers take a leading minus. Parentheses mean a negative only in money (`parse_amount`,
  the accounting convention); a count or rate in parentheses is quarantined.
- Percentages: `12.5%` / `12,5%` (a space before `%` is fine) are always percents. A bare number
  is a fraction for `parse_percent` (X's engagement rate `0.0093`) and percent points for
  `parse_percent_points` (YouTube's CTR `1.68`): the format module decides, once per column.
- Abbreviated counts, as platform UIs show them (`parse_abbreviated_count`): English `1.2K`, `3.4M`,
  `1.1B` (thousand, million, billion); Indonesian `1,2 rb`/`ribu`, `3,4 jt`/`juta`, `1,5 M`/`miliar`
  (thousand, million, billion). Suffixes are case-insensitive. `M` is the one suffix both locales
  use with different meanings (million in English, *miliar* = billion in Indonesian). It is read by
  the file's locale, which detection takes from the headers; a whole `3M` cannot tell the two apart.
  An Indonesian file never accepts `K`, so English-style abbreviations in it (`1,2K`) are
  quarantined and expose the mix-up instead of loading beside a misread `M`.
  A UI abbreviation is a rounded (usually truncated) count: `1,2 rb` stands for 1 200 to 1 299 and
  is loaded as 1 200. The mantissa has at most three digits and two decimals, so the parsed value
  is exact to the unit of its last digit; `is_abbreviated` tells which values were approximate so a
  format can say so in its notes.
- Money (`parse_amount`): the amount may carry a mark of the column's currency before or after it
  (`Rp 1.234.567`, `Rp1.234.567,00`, `$1,234.56`, `₹25,881`, `1.234 IDR`); the mark of another
  currency makes the value invalid: a dollar amount in a rupiah column is not a rupiah amount.
"""

import re
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

# Abbreviation suffix (lower case) -> power of ten, per locale.
_SCALES: dict[Locale, dict[str, int]] = {
    "en": {"k": 3, "m": 6, "b": 9},
    "id": {"rb": 3, "ribu": 3, "jt": 6, "juta": 6, "m": 9, "miliar": 9},
}
_ABBREVIATED = {
    loc: rf"^(-?\d{{1,3}}(?:{_POINT[loc]}\d{{1,2}})?)(?i:({'|'.join(scales)}))$"
    for loc, scales in _SCALES.items()
}

# Marks written next to amounts, besides the ISO code itself; `$` is shared by the dollars.
_CURRENCY_MARKS = {
    "IDR": ("Rp.", "Rp"),
    "USD": ("US$", "$"),
    "INR": ("₹", "Rs.", "Rs"),
    "EUR": ("€",),
    "GBP": ("£",),
    "MYR": ("RM",),
    "SGD": ("S$", "$"),
    "AUD": ("A$", "$"),
}


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


def parse_count(column: str, locale: Locale) -> pl.Expr:
    """Parse a whole-number count (Int64); anything else becomes null."""
    text = _compact(column)
    value = _to_float(text, locale).cast(pl.Int64, strict=False)
    return pl.when(text.str.contains(_COUNT[locale])).then(value).alias(column)


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


def parse_percent(column: str, locale: Locale) -> pl.Expr:
    """Parse `32.30%` (or a bare fraction, `0.323`) into a fraction (0.323)."""
    return _percent(column, locale, 1.0)


def parse_percent_points(column: str, locale: Locale) -> pl.Expr:
    """Parse `1.68%` or bare percent points (`1.68`, as YouTube writes CTR) into a fraction."""
    return _percent(column, locale, 100.0)


def parse_abbreviated_count(column: str, locale: Locale) -> pl.Expr:
    """Parse a count as a UI shows it (`1,2 rb`, `3.4M`, or plain `950`) into an Int64.

    See the module docstring for the suffixes of each locale and why the result is approximate.
    """
    parts = _compact(column).str.extract_groups(_ABBREVIATED[locale])
    scale = (
        parts.struct[1]
        .str.to_lowercase()
        .replace_strict(
            {suffix: 10.0**power for suffix, power in _SCALES[locale].items()},
            default=None,
            return_dtype=pl.Float64,
        )
    )
    scaled = (_to_float(parts.struct[0], locale) * scale).round(0).cast(pl.Int64, strict=False)
    return pl.coalesce(scaled, parse_count(column, locale)).alias(column)


def is_abbreviated(column: str, locale: Locale) -> pl.Expr:
    """True where `parse_abbreviated_count` read a rounded UI abbreviation, not an exact count.

    Like `invalid_number`, the flag is unnamed: alias it (it must not replace the value column).
    """
    return _compact(column).str.contains(_ABBREVIATED[locale]).fill_null(False)


def _amount_pattern(locale: Locale, currency: str | None) -> tuple[str, str]:
    """The full-value pattern for amounts, and the pattern of the currency marks (or "")."""
    number = rf"{_INTEGER[locale]}(?:{_POINT[locale]}\d+)?"
    if currency is None:
        return rf"^(?:-?{number}|\({number}\))$", ""
    marks = sorted({currency, *_CURRENCY_MARKS.get(currency, ())}, key=len, reverse=True)
    mark = f"(?i:{'|'.join(re.escape(m) for m in marks)})"
    shapes = (
        rf"-?{mark}?{number}",
        rf"{mark}-{number}",
        rf"-?{number}{mark}",
        rf"\({mark}?{number}\)",
        rf"\({number}{mark}\)",
    )
    return f"^(?:{'|'.join(shapes)})$", mark


def parse_amount(column: str, locale: Locale, currency: str | None = None) -> pl.Expr:
    """Parse a money amount (Float64): `Rp 1.234.567,00`, `-$1,234.56`, `(1,234.50)`.

    `currency` is the ISO code the column is in; its code and symbols (`Rp`, `$`, `₹`, …) may be
    written before or after the number. Without a currency, only bare amounts are accepted. A
    negative amount takes a leading minus or accounting parentheses.
    """
    text = _compact(column)
    pattern, mark = _amount_pattern(locale, currency)
    number = text.str.replace_all(f"{mark}|[()-]" if mark else "[()-]", "")
    negative = text.str.starts_with("(") | text.str.contains("-", literal=True)
    value = _to_float(number, locale)
    signed = pl.when(negative).then(-value).otherwise(value)
    return pl.when(text.str.contains(pattern)).then(signed).alias(column)


def invalid_number(raw_column: str, parsed: pl.Expr) -> pl.Expr:
    """True where the raw cell held something but it did not parse: the row must be quarantined."""
    placeholder = _stripped(raw_column).str.to_lowercase().is_in(PLACEHOLDERS)
    return pl.col(raw_column).is_not_null() & ~placeholder & parsed.is_null()
