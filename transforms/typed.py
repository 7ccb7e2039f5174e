"""Typed parsing of matched fields, with a quarantine reason for every value that does not parse."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import polars as pl

from transforms.context import Normalized, ParsedInput
from transforms.dates import parse_date, parse_datetime
from transforms.numbers import Locale, invalid_number, parse_count, parse_decimal, parse_percent

REASON = "_reason"


@dataclass(frozen=True)
class FieldType:
    """How to parse one field: a name for messages and an expression builder."""

    kind: str
    build: Callable[[str, Locale], pl.Expr]


COUNT = FieldType("whole number", parse_count)
DECIMAL = FieldType("number", parse_decimal)
PERCENT = FieldType("percentage", parse_percent)


def date_field(*formats: str) -> FieldType:
    """A calendar date in one of `formats` (month and day names in the export's language)."""
    return FieldType("date", lambda column, locale: parse_date(column, formats, locale))


def datetime_field(*formats: str) -> FieldType:
    """A naive local timestamp in one of `formats` (month and day names in the file's language)."""
    return FieldType(
        "date and time", lambda column, locale: parse_datetime(column, formats, locale)
    )


def parse_fields(parsed: ParsedInput, types: Mapping[str, FieldType]) -> pl.DataFrame:
    """Parse the present fields of `types`; unparseable cells become null plus a `_reason`."""
    frame = parsed.frame
    present = {name: kind for name, kind in types.items() if name in frame.columns}
    reasons = []
    for name, kind in present.items():
        value = kind.build(name, parsed.locale)
        header = parsed.headers.get(name, name)
        bad = invalid_number(name, value)
        reasons.append(
            pl.when(bad).then(
                pl.format(f"column '{header}': '{{}}' is not a {kind.kind}", pl.col(name))
            )
        )
    reason = pl.concat_str(reasons, separator="; ", ignore_nulls=True) if reasons else pl.lit(None)
    frame = frame.with_columns(reason.cast(pl.String).alias(REASON))
    frame = frame.with_columns([kind.build(name, parsed.locale) for name, kind in present.items()])
    return frame.with_columns(
        pl.when(pl.col(REASON) == "").then(None).otherwise(pl.col(REASON)).alias(REASON)
    )


def require(frame: pl.DataFrame, holds: pl.Expr, reason: str) -> pl.DataFrame:
    """Add `reason` to the rows where the condition `holds` is false or null (a missing key)."""
    return frame.with_columns(
        pl.when(~holds.fill_null(False))
        .then(pl.concat_str([pl.col(REASON), pl.lit(reason)], separator="; ", ignore_nulls=True))
        .otherwise(pl.col(REASON))
        .alias(REASON)
    )


def split_quarantine(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split into rows fit to load and the quarantine frame (row_number, reason, raw)."""
    bad = frame.filter(pl.col(REASON).is_not_null())
    quarantine = bad.select(
        pl.col("_row").cast(pl.Int64).alias("row_number"),
        pl.col(REASON).alias("reason"),
        pl.col("_raw").alias("raw"),
    )
    return frame.filter(pl.col(REASON).is_null()).drop(REASON), quarantine


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

    `kept` holds one row per input row that reached the tables (with `_row`); blank rows count as
    skipped on top of `skipped` (totals, in-file duplicates).
    """
    skipped_total = skipped + parsed.rows_blank
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
        notes=notes,
    )


def drop_duplicate_keys(frame: pl.DataFrame, key: list[str]) -> tuple[pl.DataFrame, int]:
    """Keep the last row of each natural key (exports list newest last); return how many dropped."""
    unique = frame.unique(subset=key, keep="last", maintain_order=True)
    return unique, frame.height - unique.height


def skip_rows(frame: pl.DataFrame, condition: pl.Expr) -> tuple[pl.DataFrame, int]:
    """Drop rows that are not data (`Total` rows, repeated headers); return how many, as skipped."""
    kept = frame.filter(~condition.fill_null(False))
    return kept, frame.height - kept.height
