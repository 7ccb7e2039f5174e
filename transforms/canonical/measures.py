"""Canonical measures the export formats build from several columns of one export."""

import polars as pl


def total(*columns: str) -> pl.Expr:
    """Sum of `columns` that is NULL only when every part is NULL (METRICS.md conventions).

    A part the export leaves empty adds nothing; a sum of nothing but empty parts is not provided
    (NULL), never 0.
    """
    parts = [pl.col(column) for column in columns]
    return pl.when(pl.any_horizontal([part.is_not_null() for part in parts])).then(
        pl.sum_horizontal(parts)
    )
