"""What the Google API mappings (YouTube Analytics, GA4) share: typed cells, errors, the result.

Both APIs answer errors with Google's JSON `{"error": {"code", "message", "status", "errors":
[{"reason"}]}}`. A connector keeps two kinds of error envelope: a refusal naming invalid metrics
(the request is then repeated without them), which becomes a note, and an error of one item that
gave no data, which becomes a quarantine row. Both mappings build their frames from JSON cells,
so a cell that does not have its column's type quarantines its row instead of turning into NULL.
"""

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import polars as pl

from transforms.api.envelope import Envelope
from transforms.api.refusals import google_refused, one_line
from transforms.canonical.typed import QUARANTINE, REASON
from transforms.context import Normalized
from transforms.errors import InputError

_KINDS: dict[pl.DataType, str] = {pl.Int64(): "whole number", pl.Float64(): "number"}


def error_of(envelope: Envelope) -> dict[str, Any]:
    """The `error` object of a Google error body (a body that is not one gives its text)."""
    try:
        data = envelope.data()
    except ValueError:
        data = None
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        return error
    return {"code": envelope.status, "message": envelope.body.strip()[:200]}


@contextmanager
def documented_shape(product: str, envelope: Envelope) -> Iterator[None]:
    """Turn a body that is not shaped as the API documents into one line naming the answer."""
    try:
        yield
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        where = f"{envelope.method} {envelope.url} (page {envelope.page})"
        raise InputError(
            f"{product}: the answer of {where} is not as documented: {exc!r}"
        ) from None


def _reason(product: str, error: dict[str, Any]) -> str:
    status = error.get("status") or ""
    message = one_line(str(error.get("message", "")))
    return f"{product} error {error.get('code', '')} {status}: {message}".replace("  ", " ")


def error_outcomes(
    product: str, envelopes: Iterable[Envelope], first_row: int
) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """Quarantine rows for item errors and notes for dropped metrics, from the error envelopes.

    Quarantine rows are numbered from `first_row` on; `raw` holds the item's context (which
    video, which request) and the error as JSON.
    """
    rows: list[tuple[int, str, str]] = []
    notes: list[str] = []
    for envelope in envelopes:
        if envelope.ok:
            continue
        error = error_of(envelope)
        dropped = google_refused(str(error.get("message", "")))
        if dropped:
            notes.append(f"dropped invalid metrics: {', '.join(dropped)}")
            continue
        raw = json.dumps({"item": envelope.item, "error": error}, sort_keys=True)
        rows.append((first_row + len(rows), _reason(product, error), raw))
    return pl.DataFrame(rows, schema=QUARANTINE, orient="row"), tuple(notes)


def _typed(value: Any, dtype: pl.DataType) -> tuple[Any, bool]:
    """A JSON cell as `dtype` (String, Int64 or Float64) and whether it is unusable.

    GA4 sends numbers as strings ("1234", "56.7"), YouTube as JSON numbers; both read here.
    """
    if value is None:
        return None, False
    if dtype == pl.String():
        return str(value), False
    if dtype == pl.Int64() and isinstance(value, int | str) and str(value).isdigit():
        return int(value), False  # exact, whatever its size
    try:
        number = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        number = None
    if number is None or (dtype == pl.Int64() and not number.is_integer()):
        return None, True
    return (int(number) if dtype == pl.Int64() else number), False


def typed_frame(
    cells: dict[str, list[Any]], types: dict[str, pl.DataType], first_row: int
) -> pl.DataFrame:
    """A frame of JSON cells read as `types`, with `_row`, `_raw` (the row as JSON), `_reason`.

    Columns missing from `types` are strings. A cell that does not read as its type is NULL and
    gives its row a reason naming the column and the value, so `split_quarantine` sends the row
    to quarantine rather than loading a NULL the API never meant.
    """
    height = len(next(iter(cells.values()), []))
    reasons: list[list[str]] = [[] for _ in range(height)]
    columns = []
    for name, values in cells.items():
        dtype = types.get(name, pl.String())
        typed = []
        for index, value in enumerate(values):
            cell, bad = _typed(value, dtype)
            if bad:
                reasons[index].append(f"'{name}': {json.dumps(value)} is not a {_KINDS[dtype]}")
            typed.append(cell)
        columns.append(pl.Series(name, typed, dtype=dtype))
    raws = [
        json.dumps({name: values[index] for name, values in cells.items()})
        for index in range(height)
    ]
    return pl.DataFrame(columns).with_columns(
        pl.Series("_row", range(first_row, first_row + height), dtype=pl.Int64()),
        pl.Series("_raw", raws, dtype=pl.String()),
        pl.Series(REASON, ["; ".join(r) or None for r in reasons], dtype=pl.String()),
    )


def sum_or_null(*columns: pl.Expr) -> pl.Expr:
    """The sum of the given values, NULL only when every one is NULL (missing is never 0)."""
    return (
        pl.when(pl.any_horizontal(column.is_not_null() for column in columns))
        .then(pl.sum_horizontal(columns))
        .otherwise(None)
    )


def result(
    format_name: str,
    platform: str,
    tables: dict[str, pl.DataFrame],
    *,
    rows_read: int,
    loaded: int,
    quarantine: Sequence[pl.DataFrame],
    skipped: int,
    notes: Sequence[str],
) -> Normalized:
    """The normalized result, refusing counts that do not add up (a record must never vanish)."""
    held = pl.concat(
        [
            q.select(pl.col(name).cast(dtype) for name, dtype in QUARANTINE.items())
            for q in quarantine
        ]
    )
    if loaded + held.height + skipped != rows_read:
        raise AssertionError(
            f"{format_name}: {rows_read} records read but {loaded} loaded + {held.height} "
            f"quarantined + {skipped} skipped"
        )
    return Normalized(
        format=format_name,
        platform=platform,
        tables=tables,
        quarantine=held,
        rows_read=rows_read,
        rows_skipped=skipped,
        notes=tuple(dict.fromkeys(notes)),
    )
