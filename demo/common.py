"""What every family of demo files shares: the calendar, the campaign, noise and file encodings.

The demo's story is one office over 90 days with one campaign: Independence Day (17 August), the
`kemerdekaan_2026` campaign around it, weekends that lift social audiences and lower office web
traffic. Each platform module draws its numbers from these curves so that the files agree with
each other the way real exports of one account do.
"""

import io
import math
import random
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Literal, Protocol

import openpyxl
from babel.dates import get_day_names, get_month_names
from openpyxl.writer.excel import ExcelWriter

DEFAULT_SEED = 2026
START = date(2026, 7, 3)
END = date(2026, 9, 30)
INDEPENDENCE_DAY = date(2026, 8, 17)
CAMPAIGN = "kemerdekaan_2026"
CAMPAIGN_DAYS = (date(2026, 8, 10), date(2026, 8, 24))

BRAND = "Wisata Nusantara"
COMPETITOR = "Pesona Negeri"

Language = Literal["en", "id"]
Cell = str | int | float | date | datetime | None


def month_names(locale: str, width: Literal["wide", "abbreviated"]) -> tuple[str, ...]:
    """The twelve month names as `locale` writes them in a date, from CLDR.

    Taken from Babel here, not from the readers' tables (`transforms.values.calendar_names`): the
    files the readers are tested on must not be written with the readers' own code.
    """
    names = get_month_names(width, "format", locale)
    return tuple(str(names[month]) for month in range(1, 13))


def day_names(locale: str, width: Literal["wide", "abbreviated"]) -> tuple[str, ...]:
    """The seven day names of `locale`, Monday first, as written in a date, from CLDR."""
    names = get_day_names(width, "format", locale)
    return tuple(str(names[weekday]) for weekday in range(7))


# English day and month names as the platforms' English exports write them (CLDR data)
WEEKDAYS = day_names("en", "abbreviated")
MONTHS = month_names("en", "abbreviated")
MONTH_NAMES = month_names("en", "wide")
SHORTCODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_X_EPOCH_MS = 1288834974657  # Twitter's snowflake epoch: post ids encode their creation time
_JAKARTA_UTC_OFFSET = timedelta(hours=7)  # Asia/Jakarta has no daylight saving time
# Workbook timestamps (document properties and zip entries) are fixed so a regenerated workbook
# is byte-identical; openpyxl would otherwise stamp the time of writing.
_WORKBOOK_STAMP = datetime(2026, 10, 8, 9, 0, 0)

DESTINATIONS = (
    "Danau Toba",
    "Labuan Bajo",
    "Raja Ampat",
    "Candi Borobudur",
    "Gunung Bromo",
    "Mandalika",
    "Likupang",
    "Wakatobi",
    "Tana Toraja",
    "Kepulauan Derawan",
    "Belitung",
    "Kawah Ijen",
    "Pantai Pink Lombok",
    "Desa Penglipuran",
    "Kota Tua Jakarta",
    "Bukittinggi",
)
EMOJI = ("🌊", "🏝️", "⛰️", "🌅", "✨", "📸", "🇮🇩", "🛶", "🌿", "☀️", "😍", "🙌")


# ---------------------------------------------------------------------------------------------
# Calendar and shapes
# ---------------------------------------------------------------------------------------------


def demo_days(start: date = START, end: date = END) -> list[date]:
    """Every calendar day of the demo period, inclusive, so each file covers the same days."""
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def buzz(day: date) -> float:
    """Attention multiplier of a day: a bell around Independence Day, flat elsewhere.

    The Kemerdekaan campaign is the story the demo tells; metrics views should show it.
    """
    distance = (day - INDEPENDENCE_DAY).days
    return 1.0 + 1.6 * math.exp(-((distance / 3.0) ** 2))


def in_campaign(day: date) -> bool:
    """Whether a day falls in the Kemerdekaan campaign window (UTM-tagged links in use)."""
    return CAMPAIGN_DAYS[0] <= day <= CAMPAIGN_DAYS[1]


def is_weekend(day: date) -> bool:
    """Saturday or Sunday: social audiences rise and office web traffic falls on those days."""
    return day.weekday() >= 5


def lifetime_share(published: datetime, snapshot: date) -> float:
    """Share of a post's final lifetime numbers reached by the end of `snapshot` (local time).

    Posts gather most of their audience in the first two days and keep growing slowly after,
    which is why a later export of the same posts shows higher lifetime numbers.
    """
    cutoff = datetime.combine(snapshot + timedelta(days=1), time())
    age = max((cutoff - published).total_seconds() / 86400, 0.02)
    return age / (age + 0.6)


def grown(final: int, published: datetime, snapshot: date) -> int:
    """A lifetime count as of the end of `snapshot`: never more than `final`, never shrinking."""
    if snapshot < published.date():
        return 0
    return math.floor(final * lifetime_share(published, snapshot))


class Published(Protocol):
    """A post, video or update: something with a local publish time and lifetime counts."""

    @property
    def published(self) -> datetime:
        """Local (Asia/Jakarta) publish time."""
        ...


def grown_counts(post: Published, names: Iterable[str], snapshot: date) -> dict[str, int]:
    """The named lifetime counts of `post` as of the end of `snapshot`, each as `grown` has it."""
    return {name: grown(getattr(post, name), post.published, snapshot) for name in names}


def month_end(day: date) -> date:
    """Last day of the month of `day`."""
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# Draws
# ---------------------------------------------------------------------------------------------


def noise(rng: random.Random, spread: float) -> float:
    """Draw a positive multiplicative noise factor (log-normal, median 1)."""
    return math.exp(rng.gauss(0.0, spread))


def whole(value: float) -> int:
    """Round a non-negative measure to a count."""
    return max(round(value), 0)


def pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    """Draw one key of `weights`, in proportion to its weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def digits(rng: random.Random, count: int) -> str:
    """Draw a numeric id of `count` digits (no leading zero), as platforms number things."""
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(count - 1))


def local_at(day: date, hour: int, minute: int) -> datetime:
    """A local (Asia/Jakarta) time of day, naive, as the exports write it."""
    return datetime.combine(day, time(hour, minute))


def split_whole(total: int, weights: Sequence[float]) -> list[int]:
    """Split a count by weights into counts that add up to it exactly (largest remainders)."""
    scale = sum(weights)
    exact = [total * w / scale for w in weights]
    parts = [math.floor(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def utc_ms(local: datetime) -> int:
    """Milliseconds since the Unix epoch of a Jakarta local time."""
    epoch = datetime(1970, 1, 1)
    return int((local - _JAKARTA_UTC_OFFSET - epoch).total_seconds() * 1000)


def x_snowflake(rng: random.Random, local: datetime) -> str:
    """Make an X post id for a Jakarta local time: ms since X's epoch, shifted by 22 bits."""
    return str(((utc_ms(local) - _X_EPOCH_MS) << 22) | rng.getrandbits(22))


def tiktok_id(rng: random.Random, local: datetime) -> str:
    """Make a TikTok video id for a Jakarta local time: Unix seconds, shifted by 32 bits."""
    return str(((utc_ms(local) // 1000) << 32) | rng.getrandbits(32))


# ---------------------------------------------------------------------------------------------
# Writing numbers and names the way exports do
# ---------------------------------------------------------------------------------------------


def grouped(value: int, language: Language) -> str:
    """Write a count as the interface language does: `1.234` in Indonesian, `1234` in English.

    The English Meta export writes plain digits; the Indonesian one groups thousands with dots,
    which is exactly what the parser must not read as a decimal point.
    """
    if language == "id" and value >= 1000:
        return f"{value:,}".replace(",", ".")
    return str(value)


def amount(value: float, language: Language, places: int = 2) -> str:
    """Write an amount with grouped thousands: `1,234,567.89` (en) or `1.234.567,89` (id)."""
    text = f"{value:,.{places}f}"
    if language == "id":
        return text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def meta_range(first: date, last: date) -> str:
    """Meta's date range in download names: `Jul-03-2026_Jul-31-2026` (the end date matters)."""
    return "_".join(f"{MONTHS[d.month - 1]}-{d.day:02d}-{d.year}" for d in (first, last))


def long_date(day: date) -> str:
    """`July 3, 2026`, as Google Ads writes report ranges."""
    return f"{MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"


# ---------------------------------------------------------------------------------------------
# File containers
# ---------------------------------------------------------------------------------------------


def csv_text(
    rows: Iterable[Sequence[str]],
    newline: str = "\n",
    quote_all: bool = False,
    quoted_columns: frozenset[int] = frozenset(),  # always quoted in data rows, not the header
    final_newline: bool = True,
) -> str:
    """Serialize records the way a given exporter does (quoting, line ends).

    The `csv` module cannot quote some columns always and others only when needed, as X does for
    post texts, so fields are quoted here: always when asked, else when they hold a delimiter,
    a quote or a line break (doubling inner quotes, as every exporter does).
    """

    def field(index: int, value: str, header: bool) -> str:
        forced = quote_all or (index in quoted_columns and not header)
        if forced or any(c in value for c in ',"\r\n'):
            return '"' + value.replace('"', '""') + '"'
        return value

    lines = [
        ",".join(field(i, value, number == 0) for i, value in enumerate(row))
        for number, row in enumerate(rows)
    ]
    return newline.join(lines) + (newline if final_newline else "")


def csv_bytes(
    rows: Iterable[Sequence[str]],
    newline: str = "\n",
    quote_all: bool = False,
    quoted_columns: frozenset[int] = frozenset(),
    final_newline: bool = True,
    bom: bool = False,
) -> bytes:
    """Serialize records as `csv_text` does, as UTF-8 bytes (with a BOM where the tool adds one)."""
    text = csv_text(rows, newline, quote_all, quoted_columns, final_newline)
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def utf16_bytes(text: str) -> bytes:
    """Encode text as UTF-16 little-endian with its byte-order mark, as Excel-minded tools do.

    Spelled out rather than Python's `utf-16` codec, whose byte order follows the machine.
    """
    return b"\xff\xfe" + text.encode("utf-16-le")


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[Sequence[Cell]]]]) -> bytes:
    """Build an XLSX workbook of named sheets of typed cells, byte-identical for the same input.

    openpyxl stamps the creation and modification times into `docProps/core.xml` and the time of
    writing into every zip entry; both are set to one fixed time here. The workbook is written
    with openpyxl's writer directly because `Workbook.save` overwrites the modification time.
    """
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])  # the empty default sheet
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    book.properties.created = _WORKBOOK_STAMP
    book.properties.modified = _WORKBOOK_STAMP
    written = io.BytesIO()
    ExcelWriter(book, zipfile.ZipFile(written, "w", zipfile.ZIP_DEFLATED)).save()
    return _restamped(written.getvalue())


def _restamped(archive: bytes) -> bytes:
    """Rewrite a zip archive with the fixed time and permissions on every entry, same order."""
    stamp = _WORKBOOK_STAMP.timetuple()[:6]
    fixed = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(archive)) as source,
        zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry.filename))
    return fixed.getvalue()
