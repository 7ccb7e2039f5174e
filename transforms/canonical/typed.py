"""Typed parsing of matched fields, with a quarantine reason for every value that does not parse."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, TypeVar

import polars as pl

from transforms.canonical.platforms import FIRST_DATES, OLDEST_DATE
from transforms.context import RAW, ROW, Normalized, ParsedInput
from transforms.values.dates import parse_date, parse_datetime
from transforms.values.numbers import (
    Locale,
    invalid_number,
    parse_count,
    parse_decimal,
    parse_percent,
)

REASON = "_reason"
_PARSED = "_parsed_"
_FIELDS_AT_ONCE = 4
"""Fields parsed in one pass: each holds a few copies of its column's text until the pass ends
(all 14 counts of an X export at once took 240 MB more for a 210 MB file; four at a time, half)."""
_SMALL_ROWS = 10_000
"""Up to this many rows every field is parsed in one pass: the copies are small, the calls not."""
_SUSPECT = "_suspect_"
QUARANTINE = {"row_number": pl.Int64(), "reason": pl.String(), "raw": pl.String()}
"""The quarantine frame's columns (`split_quarantine`'s, and any a format or an API builds). An API
pull has no sheets: the store gives its quarantine rows sheet '' as it does a CSV's."""

Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)
"""A frame, or a lazy one: a format chains its row checks lazily and runs them in one polars call
(on a small export each call costs more than its work)."""


@dataclass(frozen=True, eq=False)
class FieldType:
    """How to parse one field: a name for messages and an expression builder.

    Compared by identity: `COUNT` and `SIGNED_COUNT` parse alike but are checked apart.
    """

    kind: str
    build: Callable[[str, Locale], pl.Expr]


COUNT = FieldType("whole number", parse_count)
SIGNED_COUNT = FieldType("whole number", parse_count)
"""A count a platform writes below zero (a day's net change, TikTok's daily comment deltas)."""
DECIMAL = FieldType("number", parse_decimal)
PERCENT = FieldType("percentage", parse_percent)

MAX_COUNT = 10**13
"""Larger than any count a platform reports (ten thousand impressions per person alive)."""
MAX_AMOUNT = 1e15
"""Larger than any amount an export states (a quadrillion rupiah is 60 billion dollars)."""


def date_field(*formats: str) -> FieldType:
    """A calendar date in one of `formats` (month and day names in the export's language)."""
    return FieldType("date", lambda column, locale: parse_date(column, formats, locale))


def datetime_field(*formats: str) -> FieldType:
    """A naive local timestamp in one of `formats` (month and day names in the file's language)."""
    return FieldType(
        "date and time", lambda column, locale: parse_datetime(column, formats, locale)
    )


def parse_fields(parsed: ParsedInput, types: Mapping[str, FieldType]) -> pl.DataFrame:
    """Parse the present fields of `types`; unparseable cells become null plus a `_reason`.

    Each field is parsed once into a scratch column. Only rows where some non-empty cell parsed
    to null can need a reason, so the (costly) placeholder check runs on those rows alone: on a
    large export that is a handful of rows instead of every cell twice. A small export is parsed
    in two polars calls (fields, then their names), and the checks that almost never find
    anything look at each column's null count or extremes first: on a small export a polars
    call, and each expression in it, costs more than its work (a check of 14 fields against
    their bounds took 0.8 ms for 95 rows, their extremes a few µs).
    """
    frame = parsed.frame
    present = {name: kind for name, kind in types.items() if name in frame.columns}
    scratch = {name: f"{_PARSED}{name}" for name in present}
    fields = list(present.items())
    at_once = len(fields) if frame.height <= _SMALL_ROWS else _FIELDS_AT_ONCE
    for start in range(0, max(len(fields), 1), max(at_once, 1)):
        # lazily, so that polars evaluates what a field's expressions share (its cleaned text)
        # once; in memory, because the streaming engine returns columns cut into unequal chunks,
        # and the next eager step would copy every column to line them up (330 MB for 210 MB)
        lazy = frame.lazy().with_columns(
            kind.build(name, parsed.locale).alias(scratch[name])
            for name, kind in fields[start : start + at_once]
        )
        frame = lazy.collect(engine="in-memory")
    # only a field with a null can hold a cell that did not parse
    nullable = tuple((n, c) for n, c in scratch.items() if frame.get_column(c).null_count())
    suspect = frame.select(_suspect(nullable)).to_series() if nullable else None
    reason: pl.Expr | pl.Series = pl.lit(None, pl.String).alias(REASON)
    if suspect is not None and suspect.any():
        reasons = [
            pl.when(invalid_number(name, pl.col(scratch[name]))).then(
                pl.format(
                    f"column '{parsed.headers.get(name, name)}': '{{}}' is not a {kind.kind}",
                    pl.col(name),
                )
            )
            for name, kind in present.items()
        ]
        reason = pl.repeat(None, frame.height, dtype=pl.String, eager=True).alias(REASON)
        # rechunk: polars 2.1 panics ('i < self.len()') in string functions over some filtered
        # frames
        checked = frame.filter(suspect).rechunk()
        joined = pl.concat_str(reasons, separator="; ", ignore_nulls=True).replace("", None)
        reason.scatter(suspect.arg_true(), checked.select(joined).to_series())
    renamed = [pl.col(column).alias(name) for name, column in scratch.items()]
    schema = frame.schema
    first = FIRST_DATES.get(parsed.platform, OLDEST_DATE)
    checked_fields = tuple(
        _Checked(
            name,
            parsed.headers.get(name, name),
            schema[scratch[name]],
            kind is COUNT,
            kind in (COUNT, SIGNED_COUNT, DECIMAL),
        )
        for name, kind in present.items()
    )
    typed = frame.lazy().with_columns(*renamed, reason).drop(*scratch.values())
    frame = typed.collect(engine="in-memory")
    flagged = _implausible(checked_fields, first, parsed.latest_date)
    if flagged is None or _within_bounds(frame, checked_fields, first, parsed.latest_date):
        return frame
    return frame.with_columns(flagged)


@lru_cache(maxsize=1024)
def _suspect(scratch: tuple[tuple[str, str], ...]) -> pl.Expr:
    """True where a non-empty cell of a field parsed to null (its scratch column is null)."""
    return (
        pl.any_horizontal(
            pl.lit(False),
            *[
                pl.col(column).is_null() & (pl.col(name).str.len_bytes() > 0)
                for name, column in scratch
            ],
        )
        .fill_null(False)
        .alias(_SUSPECT)
    )


def _within_bounds(
    frame: pl.DataFrame, fields: tuple["_Checked", ...], first: date, latest: date | None
) -> bool:
    """Whether no check of `_implausible` holds on any row: each field's extremes pass them all.

    Every check compares a value with a bound (a date before `first` or after `latest`, a
    negative count, a count or amount beyond the limit), so it holds on some row exactly when
    it holds on the field's smallest or largest value; nulls pass, as they do there, and NaN,
    which polars orders above every number, is beyond the limit, as is a date Python cannot
    hold (polars parses year 0). Two look-ups per column instead of an expression per check and
    field.
    """
    for field in fields:
        column = frame.get_column(field.name)
        try:
            low: Any = column.min()  # a date, datetime, int or float, as the field's type
            high: Any = column.max()
        except (ValueError, OverflowError):  # a year polars reads and Python cannot (0, 10000)
            return False
        if low is None or high is None:
            continue
        if field.dtype == pl.Date or isinstance(field.dtype, pl.Datetime):
            low_day = low.date() if isinstance(low, datetime) else low
            high_day = high.date() if isinstance(high, datetime) else high
            if low_day < first or (latest is not None and high_day > latest):
                return False
            continue
        if field.nonnegative and low < 0:
            return False
        if field.bounded and field.dtype.is_numeric():
            limit = MAX_COUNT if field.dtype.is_integer() else MAX_AMOUNT
            if high >= limit or low <= -limit:
                return False
            if field.dtype.is_float() and column.is_nan().any():  # polars: above every number
                return False
    return True


@dataclass(frozen=True)
class _Checked:
    """What `_implausible` needs of one parsed field (hashable: its expression is cached)."""

    name: str
    header: str
    dtype: pl.DataType
    nonnegative: bool  # a COUNT: never below zero
    bounded: bool  # a count or an amount: never beyond MAX_COUNT or MAX_AMOUNT


@lru_cache(maxsize=1024)
def _implausible(fields: tuple[_Checked, ...], first: date, latest: date | None) -> pl.Expr | None:
    """Quarantine values no platform can write: they come from a damaged or edited file.

    Dates before the platform existed (`first`) or after the ingest date (`latest`), negative
    counts where the platform never writes one (`SIGNED_COUNT` says where it does), counts and
    amounts beyond any real account. Loading them would put a year-1 day or a 1e20 reach into
    every total. Returns the new `_reason` column over the parsed fields (None: nothing to
    check); cached, as every export of a format asks for the same one.
    """
    checks: list[tuple[pl.Expr, pl.Expr]] = []
    for field in fields:
        value, header, dtype = pl.col(field.name), field.header, field.dtype
        if dtype == pl.Date or isinstance(dtype, pl.Datetime):
            day = value.dt.date() if isinstance(dtype, pl.Datetime) else value
            checks.append(
                (day < first, pl.format(f"column '{header}': {{}} is before {first.year}", day))
            )
            if latest is not None:
                checks.append(
                    (
                        day > latest,
                        pl.format(f"column '{header}': {{}} is after the ingest date", day),
                    )
                )
        elif field.nonnegative:
            checks.append((value < 0, pl.format(f"column '{header}': {{}} is negative", value)))
        if field.bounded and dtype.is_numeric():
            limit = MAX_COUNT if dtype.is_integer() else MAX_AMOUNT
            checks.append(
                (
                    value.abs() >= limit,
                    pl.format(f"column '{header}': {{}} is implausibly large", value),
                )
            )
    return _flagged(checks)


def require(frame: Frame, holds: pl.Expr, reason: str) -> Frame:
    """Add `reason` to the rows where the condition `holds` is false or null (a missing key)."""
    return frame.with_columns(
        pl.when(~holds.fill_null(False))
        .then(pl.concat_str([pl.col(REASON), pl.lit(reason)], separator="; ", ignore_nulls=True))
        .otherwise(pl.col(REASON))
        .alias(REASON)
    )


def flag(frame: Frame, bad: pl.Expr, reason: pl.Expr) -> Frame:
    """Add a reason built per row (naming its value) where `bad` holds; a null `bad` is not bad."""
    return frame.with_columns(
        pl.when(bad.fill_null(False))
        .then(pl.concat_str([pl.col(REASON), reason], separator="; ", ignore_nulls=True))
        .otherwise(pl.col(REASON))
        .alias(REASON)
    )


def _flagged(checks: Sequence[tuple[pl.Expr, pl.Expr]]) -> pl.Expr | None:
    """`_reason` with the reason of every check that holds appended, in order (None: no check).

    What `flag` for one check after another gives, in one expression: on a small export each
    polars call costs more than its work.
    """
    if not checks:
        return None
    bads = [bad.fill_null(False) for bad, _ in checks]
    reasons = [pl.when(bad).then(reason) for bad, (_, reason) in zip(bads, checks, strict=True)]
    return (
        pl.when(pl.any_horizontal(bads))
        .then(pl.concat_str([pl.col(REASON), *reasons], separator="; ", ignore_nulls=True))
        .otherwise(pl.col(REASON))
        .alias(REASON)
    )


def split_quarantine(
    frame: pl.DataFrame, keep_record: bool = False
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split into rows fit to load and the quarantine frame (row_number, reason, raw).

    The rows to load lose their original record (`RAW`) unless `keep_record` says the caller
    still compares whole records: carried on, every filter, join and `unique` after this one
    would copy a reference to each of its cells. Where no row has a reason, nothing is filtered:
    on a small export each polars query costs more than its work.
    """
    kept = frame if keep_record else frame.drop(RAW, strict=False)
    if frame.get_column(REASON).null_count() == frame.height:  # the usual case: nothing to split
        return kept.drop(REASON), pl.DataFrame(schema=QUARANTINE)
    bad = frame.filter(pl.col(REASON).is_not_null())
    quarantine = bad.select(
        pl.col(ROW).cast(pl.Int64).alias("row_number"),
        pl.col(REASON).alias("reason"),
        raw_json(bad).alias("raw"),
    )
    return kept.filter(pl.col(REASON).is_null()).drop(REASON), quarantine


def raw_json(frame: pl.DataFrame) -> pl.Expr:
    """The original record of each row (`RAW`) as JSON text, for the quarantine.

    A file's row carries its cells as a struct, encoded here by polars' own JSON writer and so
    only for the rows that are quarantined: as text for every row it cost more memory than the
    export itself. An API row's record is JSON text already.
    """
    raw = pl.col(RAW)
    return raw.struct.json_encode() if isinstance(frame.schema[RAW], pl.Struct) else raw


def conform(frame: pl.DataFrame, columns: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Select the canonical columns this frame provides, cast to their canonical types."""
    return frame.select(
        [pl.col(name).cast(dtype) for name, dtype in columns.items() if name in frame.columns]
    )


def assemble(
    format_name: str,
    platform: str,
    parsed: ParsedInput,
    kept: pl.DataFrame,
    quarantine: pl.DataFrame,
    tables: dict[str, pl.DataFrame],
    skipped: int = 0,
    notes: tuple[str, ...] = (),
) -> Normalized:
    """Build the result, refusing counts that do not add up (a row must never vanish).

    `kept` holds one row per input row that reached the tables (with `_row`); blank rows and rows
    of further stacked tables count as skipped on top of `skipped` (totals, in-file duplicates);
    the input's own notes (`parsed.notes`) follow the format's.
    """
    skipped_total = skipped + parsed.rows_blank + parsed.rows_set_aside
    if kept.height + quarantine.height + skipped_total != parsed.rows_read:
        raise AssertionError(
            f"{format_name}: {parsed.rows_read} rows read but {kept.height} loaded + "
            f"{quarantine.height} quarantined + {skipped_total} skipped"
        )
    return Normalized(
        format=format_name,
        platform=platform,
        tables=tables,
        quarantine=quarantine,
        rows_read=parsed.rows_read,
        rows_skipped=skipped_total,
        notes=notes + parsed.notes,
    )


def drop_duplicate_keys(frame: pl.DataFrame, key: list[str]) -> tuple[pl.DataFrame, int]:
    """Keep the last row of each natural key (exports list newest last); return how many dropped.

    An export without duplicates (the usual case) is returned as it is: `unique` would copy
    every column of it. A one-column key is compared as it is, without the row encoding of a
    struct (120 MB instead of 30 for the post ids of a 210 MB export).
    """
    keys = pl.col(key[0]) if len(key) == 1 else pl.struct(key)
    last = frame.select(keys.is_last_distinct()).to_series()
    if last.all():
        return frame, 0
    return frame.filter(last), frame.height - int(last.sum())


def skip_rows(frame: pl.DataFrame, condition: pl.Expr) -> tuple[pl.DataFrame, int]:
    """Drop rows that are not data (`Total` rows, repeated headers); return how many, as skipped."""
    kept = frame.filter(~condition.fill_null(False))
    return kept, frame.height - kept.height
