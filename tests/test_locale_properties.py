"""Locale-aware numbers and dates: worked examples, then property-based tests in both locales.

The properties render values the way each locale writes them (with the test's own tables of
Indonesian names and its own formatting code) and parse them back; the garbage-text properties
compare every parser with an independent, procedural reference reading of the same text.
"""

import math
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.canonical.typed import date_field, datetime_field, parse_fields
from transforms.context import ParsedInput
from transforms.values.dates import EXCEL_SERIAL, parse_date, parse_datetime
from transforms.values.numbers import (
    Locale,
    invalid_number,
    parse_count,
    parse_decimal,
    parse_percent,
    parse_percent_points,
)

LOCALES: tuple[Locale, ...] = ("en", "id")
FAST = settings(max_examples=40, deadline=None)
Parser = Callable[[str, Locale], pl.Expr]


def _parse(parser: Parser, values: list[str], locale: Locale) -> list[object]:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    return frame.select(parser("v", locale)).get_column("v").to_list()


def _checked(parser: Parser, values: Sequence[str | None], locale: Locale) -> pl.DataFrame:
    """The parsed value and whether the row would be quarantined."""
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    return frame.select(
        parser("v", locale).alias("value"),
        invalid_number("v", parser("v", locale)).alias("invalid"),
    )


# --- numbers: worked examples -------------------------------------------------------------------


def test_float_counts_with_three_zero_decimals_are_refused_in_both_locales() -> None:
    # `1.000` is a thousand in Indonesian and `1,000` a thousand in English: never read as 1.
    english = _checked(parse_count, ["1938.0", "1938.00", "1.000", "1,000"], "en")
    assert english.to_dict(as_series=False) == {
        "value": [1938, 1938, None, 1000],
        "invalid": [False, False, True, False],
    }
    indonesian = _checked(parse_count, ["16.277,0", "16.277,00", "1,000", "1.000"], "id")
    assert indonesian.to_dict(as_series=False) == {
        "value": [16277, 16277, None, 1000],
        "invalid": [False, False, True, False],
    }


def test_three_decimals_are_the_known_ambiguity_of_decimal_parsers() -> None:
    # A decimal with three digits after one separator is valid in both locales: only the
    # locale from detection decides, which is why counts refuse it (see the test above).
    assert _parse(parse_decimal, ["1,234", "1.234"], "en") == [1234.0, 1.234]
    assert _parse(parse_decimal, ["1,234", "1.234"], "id") == [1.234, 1234.0]


def test_parentheses_are_not_negative_counts_or_rates() -> None:
    for parser in (parse_count, parse_decimal, parse_percent):
        assert _parse(parser, ["(12)", "(1,5%)"], "id") == [None, None]


def test_percent_strings_and_percent_points() -> None:
    values = ["12,5%", "12,5 %", "12,5\u00a0%", "-3%", "0,0093", "1,68", "12.5%"]
    assert _parse(parse_percent, values, "id") == [0.125, 0.125, 0.125, -0.03, 0.0093, 1.68, None]
    points = _parse(parse_percent_points, values, "id")
    assert points == [0.125, 0.125, 0.125, -0.03, 0.000093, 0.0168, None]
    assert _parse(parse_percent_points, ["77.77%", "1.68", "1,68"], "en") == [
        0.7777,
        0.0168,
        None,
    ]


# --- dates: worked examples ---------------------------------------------------------------------


def test_indonesian_month_and_day_names() -> None:
    values = ["12 Mei 2026", "3 Agu 2026", "3 Agt 2026", "10 Okt 2026", "24 Des 2026"]
    values += ["1 Januari 2026", "17 AGUSTUS 2026", "Selasa, 12 Mei 2026", "Jum'at, 1 Mei 2026"]
    values += ["Senin, 12 Mei 2026", "12 May 2026", "12 Mai 2026"]
    formats = ("%d %b %Y", "%d %B %Y", "%A, %d %B %Y")
    frame = pl.DataFrame({"d": values})
    indonesian = frame.select(parse_date("d", formats, "id")).get_column("d").to_list()
    assert indonesian == [
        date(2026, 5, 12),
        date(2026, 8, 3),
        date(2026, 8, 3),
        date(2026, 10, 10),
        date(2026, 12, 24),
        date(2026, 1, 1),
        date(2026, 8, 17),
        date(2026, 5, 12),
        date(2026, 5, 1),
        None,  # 12 May 2026 is a Tuesday: a wrong day name is not a date
        date(2026, 5, 12),  # English names stay readable in an Indonesian file
        None,
    ]
    english = frame.select(parse_date("d", formats)).get_column("d").to_list()
    assert english == [None] * 10 + [date(2026, 5, 12), None]


def test_indonesian_timestamp_with_abbreviated_day_name() -> None:
    frame = pl.DataFrame({"t": ["Sel, 12 Mei 2026 14.30", "Min, 27 Des 2026 08.05"]})
    result = frame.select(parse_datetime("t", ("%a, %d %b %Y %H.%M",), "id"))
    assert result.get_column("t").to_list() == [
        datetime(2026, 5, 12, 14, 30),
        datetime(2026, 12, 27, 8, 5),
    ]


def test_date_fields_read_names_in_the_files_locale() -> None:
    raw = pl.DataFrame(
        {"_row": [2, 3], "_raw": ["{}", "{}"], "d": ["3 Agt 2026", "3 Aug 2026"], "t": ["x", None]}
    )
    parsed = ParsedInput(raw, {"d": "Tanggal", "t": "Waktu"}, "id", (), 2, 0)
    types = {"d": date_field("%d %b %Y"), "t": datetime_field("%d %b %Y %H:%M")}
    result = parse_fields(parsed, types)
    assert result.get_column("d").to_list() == [date(2026, 8, 3), date(2026, 8, 3)]
    assert result.get_column("_reason").to_list() == [
        "column 'Waktu': 'x' is not a date and time",
        None,
    ]


def test_excel_serials() -> None:
    frame = pl.DataFrame({"d": ["44008", "44008.5", "32874", "1234", "440080", "4400a"]})
    dates = frame.select(parse_date("d", (EXCEL_SERIAL,))).get_column("d").to_list()
    assert dates == [date(2020, 6, 26), date(2020, 6, 26), date(1990, 1, 1), None, None, None]
    times = frame.head(2).select(parse_datetime("d", (EXCEL_SERIAL,))).get_column("d").to_list()
    assert times == [datetime(2020, 6, 26), datetime(2020, 6, 26, 12)]


# --- rendering, as each locale writes values ----------------------------------------------------
SEPARATORS: dict[Locale, tuple[str, str]] = {"en": (",", "."), "id": (".", ",")}


def _digits(n: int, locale: Locale, grouped: bool) -> str:
    text = f"{abs(n):,}" if grouped else str(abs(n))
    return ("-" if n < 0 else "") + text.replace(",", SEPARATORS[locale][0])


def _hundredths(cents: int, locale: Locale, grouped: bool) -> str:
    """`cents` / 100 written with exactly two decimals (`-1.234,05` in Indonesian)."""
    whole = _digits(abs(cents) // 100, locale, grouped)
    text = f"{whole}{SEPARATORS[locale][1]}{abs(cents) % 100:02d}"
    return "-" + text if cents < 0 else text


def _other(locale: Locale) -> Locale:
    return "id" if locale == "en" else "en"


# --- numbers: properties ------------------------------------------------------------------------

# Round thousands are where `1,000` / `1.000` could be misread as 1, so they are drawn often.
integer = (
    st.integers(-(10**15), 10**15)
    | st.integers(-9999, 9999)
    | st.integers(-999, 999).map(lambda k: k * 1000)
)
integers = st.lists(integer, min_size=1, max_size=40)
cents_lists = st.lists(st.integers(-(10**13), 10**13), min_size=1, max_size=40)


@FAST
@given(integers, st.sampled_from(LOCALES), st.booleans())
def test_integers_round_trip(values: list[int], locale: Locale, grouped: bool) -> None:
    texts = [_digits(n, locale, grouped) for n in values]
    assert _parse(parse_count, texts, locale) == values
    assert _parse(parse_decimal, texts, locale) == [float(n) for n in values]


@FAST
@given(cents_lists, st.sampled_from(LOCALES), st.booleans())
def test_two_decimal_values_round_trip(values: list[int], locale: Locale, grouped: bool) -> None:
    texts = [_hundredths(c, locale, grouped) for c in values]
    exact = [float(Decimal(c) / 100) for c in values]
    assert _parse(parse_decimal, texts, locale) == exact


@FAST
@given(st.lists(st.integers(-(10**7), 10**7), min_size=1, max_size=40), st.sampled_from(LOCALES))
def test_percent_round_trips_to_a_fraction(values: list[int], locale: Locale) -> None:
    # `values` are hundredths of a percent: 1250 is written `12.50%` and is the fraction 0.125.
    texts = [_hundredths(v, locale, grouped=False) for v in values]
    fractions = [v / 10_000 for v in values]
    for parsed in (
        _parse(parse_percent, [t + "%" for t in texts], locale),
        _parse(parse_percent, [t + " %" for t in texts], locale),
        _parse(parse_percent_points, texts, locale),
    ):
        assert _same(parsed, fractions)


@FAST
@given(integers, cents_lists, st.sampled_from(LOCALES), st.booleans())
def test_a_value_never_changes_meaning_across_locales(
    values: list[int], cents: list[int], locale: Locale, grouped: bool
) -> None:
    other = _other(locale)
    counts = _parse(parse_count, [_digits(n, locale, grouped) for n in values], other)
    assert all(p is None or p == n for p, n in zip(counts, values, strict=True))
    amounts = [_hundredths(c, locale, grouped) for c in cents]
    exact = [float(Decimal(c) / 100) for c in cents]
    for parser in (parse_decimal, parse_percent):
        parsed = _parse(parser, amounts, other)
        assert all(p is None or p == e for p, e in zip(parsed, exact, strict=True))


# --- numbers: garbage text against an independent reference ------------------------------------

TOKENS = [*"0123456789.,-%() kKmMbBxe$₹\u00a0\t", "rb", "jt", "Rp", "IDR", "US$", "n/a", "٣"]
# Near misses of every pattern: numbers grouped either way, with any decimals, marks and suffixes.
PREFIXES = (
    "",
    "-",
    "(",
    "(-",
    "--",
    "Rp",
    "Rp ",
    "rp.",
    "-Rp",
    "Rp-",
    "$",
    "-$",
    "$-",
    "($",
    "US$",
)
SUFFIXES: tuple[str, ...] = (
    "",
    ")",
    "%",
    " %",
    "%%",
    "k",
    "K",
    " M",
    "B",
    "rb",
    " jt",
    " juta",
    " Miliar",
    " IDR",
)
SUFFIXES += ("Rp", "x", ".", "-")


def _near_number(parts: tuple[str, int, str, str, str, str]) -> str:
    prefix, n, group, point, decimals, suffix = parts
    whole = f"{n:,}".replace(",", group) if group else str(n)
    return f"{prefix}{whole}{point}{decimals}{suffix}"


near_number = st.tuples(
    st.sampled_from(PREFIXES),
    st.integers(0, 10**4) | st.integers(0, 10**8),
    st.sampled_from(("", ",", ".")),
    st.sampled_from(("", ",", ".")),
    st.text("0123456789", max_size=4),
    st.sampled_from(SUFFIXES),
).map(_near_number)
garbage = st.lists(
    near_number
    | st.lists(st.sampled_from(TOKENS), max_size=10).map("".join)
    | st.text(st.characters(codec="utf-8"), max_size=8),
    min_size=1,
    max_size=60,
)
PLACEHOLDER_TEXTS = ("", "-", "--", "—", "n/a", "na", "null", "none", "(not set)")


def _compact(text: str) -> str | None:
    stripped = text.strip(" \t\r\n\u00a0\u202f")
    if stripped.lower() in PLACEHOLDER_TEXTS:
        return None
    return stripped.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")


def _is_digits(text: str) -> bool:
    return text != "" and all(c in "0123456789" for c in text)


def _grouped_integer(text: str, group: str) -> bool:
    first, *rest = text.split(group)
    if not rest:
        return _is_digits(first)
    return (
        1 <= len(first) <= 3
        and _is_digits(first)
        and all(len(g) == 3 and _is_digits(g) for g in rest)
    )


def _ref_unsigned(text: str, locale: Locale, *, count: bool, bare_fraction: bool) -> Decimal | None:
    group, point = SEPARATORS[locale]
    whole, has_point, fraction = text.partition(point)
    if has_point and not _is_digits(fraction):
        return None
    if count and has_point and fraction not in ("0", "00"):
        return None
    if whole == "" and has_point and bare_fraction and not count:
        return Decimal("0." + fraction)
    if not _grouped_integer(whole, group):
        return None
    return Decimal(whole.replace(group, "") + ("." + fraction if has_point else ""))


def _ref_signed(text: str, locale: Locale, **kind: bool) -> Decimal | None:
    negative = text.startswith("-")
    value = _ref_unsigned(text[1:] if negative else text, locale, **kind)
    return None if value is None else (-value if negative else value)


def _ref_count(text: str, locale: Locale) -> int | None:
    compact = _compact(text)
    value = (
        None if compact is None else _ref_signed(compact, locale, count=True, bare_fraction=False)
    )
    return None if value is None else int(value)


def _ref_decimal(text: str, locale: Locale) -> float | None:
    compact = _compact(text)
    value = (
        None if compact is None else _ref_signed(compact, locale, count=False, bare_fraction=True)
    )
    return None if value is None else float(value)


def _ref_percent(text: str, locale: Locale, bare: float) -> float | None:
    compact = _compact(text)
    if compact is None:
        return None
    number = compact.removesuffix("%")
    value = _ref_signed(number, locale, count=False, bare_fraction=True)
    if value is None:
        return None
    return float(value) / (100.0 if compact.endswith("%") else bare)


def _same(parsed: Sequence[object], expected: Sequence[float | int | None]) -> bool:
    return all(
        (p is None and e is None)
        or (isinstance(p, int | float) and e is not None and math.isclose(p, e, rel_tol=1e-12))
        for p, e in zip(parsed, expected, strict=True)
    )


REFERENCES: list[tuple[Parser, Callable[[str, Locale], float | int | None]]] = [
    (parse_count, _ref_count),
    (parse_decimal, _ref_decimal),
    (parse_percent, lambda t, loc: _ref_percent(t, loc, 1.0)),
    (parse_percent_points, lambda t, loc: _ref_percent(t, loc, 100.0)),
]


def _assert_like_the_references(texts: list[str], locale: Locale) -> None:
    for parser, reference in REFERENCES:
        parsed = _parse(parser, texts, locale)
        wrong = [
            (t, p, e)
            for t, p, e in zip(texts, parsed, [reference(t, locale) for t in texts], strict=True)
            if not _same([p], [e])
        ]
        assert wrong == [], parser


@settings(max_examples=50, deadline=None)
@given(garbage, st.sampled_from(LOCALES))
def test_garbage_parses_like_the_reference_and_never_raises(
    texts: list[str], locale: Locale
) -> None:
    _assert_like_the_references(texts, locale)


BODIES: tuple[str, ...] = (
    "5",
    "0",
    "12,5",
    "12.5",
    "1.234",
    "1,234",
    "1.234,5",
    "1,234.5",
    "1,000",
    "1.000",
)
BODIES += ("1.000,00", "1,000.00", "1938,0", "1938.0", ".5", ",5", "1,23", "1.2345", "", "1000")


@pytest.mark.parametrize("locale", LOCALES)
def test_every_near_miss_parses_like_the_reference(locale: Locale) -> None:
    # Every prefix, body and suffix together: the combinations random draws rarely reach.
    texts = [p + b + s for p in PREFIXES for b in BODIES for s in SUFFIXES]
    _assert_like_the_references(texts, locale)


# --- dates: properties --------------------------------------------------------------------------

ID_MONTHS: tuple[str, ...] = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
)
ID_MONTHS += ("September", "Oktober", "November", "Desember")
ID_MONTHS_SHORT = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Mei",
    "Jun",
    "Jul",
    "Agu",
    "Sep",
    "Okt",
    "Nov",
    "Des",
)
ID_DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
EXCEL_EPOCH = datetime(1899, 12, 30)


def _indonesian_short(day: date) -> str:
    """`3 Agu 2026`, with August's other abbreviation `Agt` on odd days."""
    month = ID_MONTHS_SHORT[day.month - 1]
    if month == "Agu" and day.day % 2:
        month = "Agt"
    return f"{day.day} {month} {day.year}"


RENDERERS: dict[str, tuple[Locale, str, Callable[[date], str]]] = {
    "english day month": ("en", "%d %B %Y", lambda d: d.strftime("%d %B %Y")),
    "english month day": ("en", "%b %d, %Y", lambda d: d.strftime("%b %d, %Y")),
    "english weekday": ("en", "%a, %b %d, %Y", lambda d: d.strftime("%a, %b %d, %Y")),
    "US numeric": ("en", "%m/%d/%Y", lambda d: d.strftime("%m/%d/%Y")),
    "day-month-year": ("id", "%d-%m-%Y", lambda d: d.strftime("%d-%m-%Y")),
    "ISO": ("id", "%Y-%m-%d", date.isoformat),
    "indonesian": ("id", "%d %B %Y", lambda d: f"{d.day} {ID_MONTHS[d.month - 1]} {d.year}"),
    "indonesian short": ("id", "%d %b %Y", lambda d: _indonesian_short(d)),
    "indonesian weekday": (
        "id",
        "%A, %d %B %Y",
        lambda d: f"{ID_DAYS[d.weekday()]}, {d.day} {ID_MONTHS[d.month - 1].lower()} {d.year}",
    ),
    "excel serial": ("en", EXCEL_SERIAL, lambda d: str((d - EXCEL_EPOCH.date()).days)),
}

dates = st.lists(st.dates(date(1990, 1, 1), date(2100, 12, 31)), min_size=1, max_size=40)


@pytest.mark.parametrize("style", list(RENDERERS))
@FAST
@given(dates)
def test_dates_round_trip_in_every_supported_format(style: str, values: list[date]) -> None:
    locale, fmt, render = RENDERERS[style]
    frame = pl.DataFrame({"d": [render(d) for d in values]})
    assert frame.select(parse_date("d", (fmt,), locale)).get_column("d").to_list() == values


@FAST
@given(
    st.lists(st.datetimes(datetime(1990, 1, 1), datetime(2100, 12, 31)), min_size=1, max_size=40)
)
def test_excel_serial_datetimes_round_trip_to_the_second(values: list[datetime]) -> None:
    seconds = [v.replace(microsecond=0) for v in values]
    serials = [(v - EXCEL_EPOCH) / timedelta(days=1) for v in seconds]
    for texts in ([repr(s) for s in serials], [f"{s:.10f}" for s in serials]):
        frame = pl.DataFrame({"t": texts})
        assert (
            frame.select(parse_datetime("t", (EXCEL_SERIAL,))).get_column("t").to_list() == seconds
        )
