"""Month and day names of every interface language, from CLDR (Babel), to read and write dates.

Platforms write dates in the language of the user's interface (`8 Juli`, `8 de marzo`, `8 thg 3`,
`28 апреля`). One table per locale is built here from CLDR data instead of hand-kept lists: the
wide and abbreviated names in their format and stand-alone forms (Russian `апреля` and `апрель`,
Polish `kwietnia` and `kwiecień`), case-folded with accents kept and abbreviation marks removed
(`janv.` → `janv`), plus the few spellings platforms use that CLDR does not (TikTok's Indonesian
`Peb`, `Nop`, `Agus`, `Agt`; English `Sept`). Tables are built on first use and cached.

Which locale a file's dates are in is decided by the reader per column from the cells themselves
(`transforms.values.dates.read_named_dates`), never from one global table: the same name can mean
different months in two languages (`lip` is July in Polish and June in Croatian).

`INTERFACE_LOCALES` lists the interface languages TikTok Studio, Meta Business Suite and YouTube
Studio offer that have their own month names, Indonesian and English first (the order ties are
broken in).
"""

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

# Babel is imported in the functions that use it: loading CLDR data costs time that a run which
# never meets a month name should not pay.


INTERFACE_LOCALES: tuple[str, ...] = (
    "id",
    "en",
    "ms",
    "jv",
    "fil",
    "ceb",
    "vi",
    "th",
    "km",
    "my",
    "es",
    "pt",
    "fr",
    "de",
    "it",
    "nl",
    "ca",
    "ro",
    "sv",
    "da",
    "nb",
    "fi",
    "pl",
    "cs",
    "sk",
    "hu",
    "hr",
    "sr",
    "bg",
    "el",
    "tr",
    "ru",
    "uk",
    "ar",
    "he",
    "fa",
    "ur",
    "hi",
    "bn",
    "ta",
    "te",
    "mr",
    "ja",
    "ko",
    "zh_Hans",
    "zh_Hant",
    "sw",
)
"""CLDR locales of the platforms' interface languages, in the order ties are broken."""

Width = Literal["wide", "abbreviated"]

# Spellings platforms write that CLDR does not list (folded), per locale: (kind, width) -> index
# (month 0..11, day 0..6 from Monday) -> names. TikTok Studio's Indonesian interface writes `Peb`,
# `Agt`, `Agus` and `Nop`; `Jum'at` is the older spelling of Friday; English `Sept`.
_PLATFORM_NAMES: dict[str, dict[tuple[str, str], dict[int, tuple[str, ...]]]] = {
    "id": {
        ("month", "abbreviated"): {1: ("peb",), 7: ("agt", "agus"), 10: ("nop",)},
        ("day", "wide"): {4: ("jum'at", "jum’at")},
    },
    "en": {("month", "abbreviated"): {8: ("sept",)}},
}
Kind = Literal["month", "day"]
_MARKS = ".\u0970\u05f3'"  # abbreviation marks: dot, Devanagari ॰, Hebrew geresh, apostrophe
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """A name as the tables hold it: case-folded, spaces collapsed, abbreviation marks removed.

    Accents are kept (`mär` is not `mar`); a mark is removed only at the end of a word, so Thai
    `ม.ค.` keeps its inner dot.
    """
    folded = _SPACES.sub(" ", text.casefold()).strip()
    return " ".join(word.rstrip(_MARKS) or word for word in folded.split(" "))


@dataclass(frozen=True)
class CalendarNames:
    """One locale's folded month names (-> 1..12) and day names (-> ISO weekday 1..7)."""

    locale: str
    months: dict[str, int]
    days: dict[str, int]


def _variants(name: str) -> set[str]:
    """The folded name, and without a leading article CLDR includes (Catalan `de gen.`)."""
    folded = fold(name)
    found = {folded}
    for article in ("de ", "d’", "d'"):
        if folded.startswith(article) and len(folded) > len(article):
            found.add(folded[len(article) :])
    return found


@cache
def width_names(locale: str, kind: Kind, width: Width) -> tuple[frozenset[str], ...]:
    """The folded names of each month (12) or day (7, Monday first) of `locale` in one width.

    Format and stand-alone forms together (Russian `апреля` and `апрель`), plus the platforms'
    own spellings of that width.
    """
    from babel.dates import get_day_names, get_month_names

    count = 12 if kind == "month" else 7
    found: list[set[str]] = [set() for _ in range(count)]
    for context in ("format", "stand-alone"):
        if kind == "month":
            table = {
                month - 1: name for month, name in get_month_names(width, context, locale).items()
            }
        else:
            table = dict(get_day_names(width, context, locale).items())
        for index, name in table.items():
            found[index] |= _variants(str(name))
    for index, names in _PLATFORM_NAMES.get(locale, {}).get((kind, width), {}).items():
        found[index].update(names)
    return tuple(frozenset(names) for names in found)


@cache
def calendar_names(locale: str) -> CalendarNames:
    """The month and day names of `locale` (a CLDR locale such as `id`, `es`, `zh_Hans`)."""
    months: dict[str, int] = {}
    days: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for index, names in enumerate(width_names(locale, "month", width)):
            months.update((name, index + 1) for name in sorted(names) if name not in months)
        for index, names in enumerate(width_names(locale, "day", width)):
            days.update((name, index + 1) for name in sorted(names) if name not in days)
    return CalendarNames(locale, months, days)


@cache
def language_name(locale: str) -> str:
    """The locale's language in English, for notes and reasons (`Spanish`)."""
    from babel import Locale

    return str(Locale.parse(locale).english_name)


@cache
def month_names(locale: str, width: Width = "wide") -> tuple[str, ...]:
    """The twelve month names as `locale` writes them in a date (`Januari`, `Jan`), for display."""
    from babel.dates import get_month_names

    names = get_month_names(width, "format", locale)
    return tuple(str(names[month]) for month in range(1, 13))


@cache
def day_names(locale: str, width: Width = "wide") -> tuple[str, ...]:
    """The seven day names of `locale`, Monday first, as written in a date, for display."""
    from babel.dates import get_day_names

    names = get_day_names(width, "format", locale)
    return tuple(str(names[weekday]) for weekday in range(7))
