"""Numbers, money, percentages and dates written the way each report language writes them.

English writes `1,234.5`, Indonesian `1.234,5`; money keeps its currency code in front and is never
converted. A missing value is printed as "n/a" (Indonesian "t/a"), never as a made-up 0. Negative
numbers use the typographic minus, so a change reads the same in every cell.
"""

import math
from datetime import date

from transforms.values.calendar_names import month_names

MINUS = "\u2212"
SEPARATORS = {"en": (",", "."), "id": (".", ",")}
MISSING = {"en": "n/a", "id": "t/a"}
# Compact magnitudes for chart axes: English K/M/B, Indonesian rb (ribu), jt (juta), M (miliar).
COMPACT = {
    "en": ((1e9, "B"), (1e6, "M"), (1e3, "K")),
    "id": ((1e9, " M"), (1e6, " jt"), (1e3, " rb")),
}
# Month names as each report language writes them in a date, from CLDR (one source for every
# language Kunci reads or writes: transforms/values/calendar_names.py).
MONTHS = {lang: month_names(lang, "wide") for lang in ("en", "id")}
SHORT_MONTHS = {lang: month_names(lang, "abbreviated") for lang in ("en", "id")}
WEEK_OF = {"en": "Week of {}", "id": "Pekan {}"}


def missing(lang: str) -> str:
    """The word for a value the data does not hold."""
    return MISSING[lang]


def number(value: float, lang: str, decimals: int = 0) -> str:
    """A number with the language's grouping and decimal marks, rounded to `decimals`."""
    thousands, point = SEPARATORS[lang]
    text = f"{abs(value):,.{decimals}f}"
    text = text.replace(",", "\x00").replace(".", point).replace("\x00", thousands)
    negative = round(value, decimals) < 0
    return MINUS + text if negative else text


def count(value: float | None, lang: str) -> str:
    """A count: whole numbers exactly, averages (online followers) with one decimal."""
    if value is None:
        return missing(lang)
    return number(value, lang, 0 if float(value).is_integer() else 1)


def percent_decimals(*values: float | None) -> int:
    """Decimals that keep small rates readable: 4.5%, 0.26%, 0.051%."""
    smallest = min((abs(v) for v in values if v), default=1.0)
    return 1 if smallest >= 0.01 else 2 if smallest >= 0.001 else 3


def percent(value: float | None, lang: str, decimals: int | None = None) -> str:
    """A fraction (0.045) as a percentage (4.5%)."""
    if value is None:
        return missing(lang)
    places = percent_decimals(value) if decimals is None else decimals
    return number(value * 100, lang, places) + "%"


def money(value: float | None, currency: str | None, lang: str) -> str:
    """An amount with its currency code; cents only where they matter (below 100)."""
    if value is None:
        return missing(lang)
    amount = number(value, lang, 0 if abs(value) >= 100 else 2)
    return f"{currency} {amount}" if currency else amount


def multiple(value: float | None, lang: str) -> str:
    """A ratio read as 'times' (ROAS 3.90×)."""
    if value is None:
        return missing(lang)
    return number(value, lang, 2) + "\u00d7"


def compact(value: float, lang: str) -> str:
    """A short axis label: 1.2M / 1,2 jt, 350K / 350 rb."""
    for size, suffix in COMPACT[lang]:
        if abs(value) >= size:
            return _trimmed(value / size, lang, 1) + suffix
    return _trimmed(value, lang, 2)


def _trimmed(value: float, lang: str, decimals: int) -> str:
    """A number with at most `decimals` decimals and no trailing zeros (2.5, not 2.50)."""
    text = number(value, lang, decimals)
    point = SEPARATORS[lang][1]
    if point in text:
        text = text.rstrip("0").rstrip(point)
    return text


def change_percent(current: float | None, previous: float | None, lang: str) -> str | None:
    """Relative change (+12.3%); None where it cannot be said (a missing value, or from 0)."""
    if current is None or previous is None or previous == 0:
        return None
    ratio = (current - previous) / abs(previous)
    return _signed(ratio * 100, lang) + "%"


def change_points(current: float | None, previous: float | None, lang: str) -> str | None:
    """Change of a rate in percentage points (+1.2 pp): a relative change of a rate misleads."""
    if current is None or previous is None:
        return None
    places = percent_decimals(current, previous)
    return _signed((current - previous) * 100, lang, places) + (" pp" if lang == "en" else " poin")


def _signed(value: float, lang: str, decimals: int = 1) -> str:
    text = number(value, lang, decimals)
    return text if text.startswith(MINUS) else "+" + text


def sign(current: float | None, previous: float | None) -> int:
    """-1, 0 or 1: which way the value moved (0 where it cannot be said or did not move)."""
    if current is None or previous is None or math.isclose(current, previous, abs_tol=1e-12):
        return 0
    return 1 if current > previous else -1


def day(value: date, lang: str) -> str:
    """30 Sep 2026."""
    return f"{value.day} {SHORT_MONTHS[lang][value.month - 1]} {value.year}"


def short_day(value: date, lang: str) -> str:
    """30 Sep (an axis tick)."""
    return f"{value.day} {SHORT_MONTHS[lang][value.month - 1]}"


def month(value: date, lang: str) -> str:
    """September 2026."""
    return f"{MONTHS[lang][value.month - 1]} {value.year}"


def short_month(value: date, lang: str) -> str:
    """Sep 2026 (an axis tick)."""
    return f"{SHORT_MONTHS[lang][value.month - 1]} {value.year}"


def period(start: date, grain: str, lang: str) -> str:
    """A period by its first day: a date, the week of a date, or a month."""
    if grain == "month":
        return month(start, lang)
    if grain == "week":
        return WEEK_OF[lang].format(day(start, lang))
    return day(start, lang)


def tick(start: date, grain: str, lang: str) -> str:
    """A period as a short axis label."""
    return short_month(start, lang) if grain == "month" else short_day(start, lang)
