"""A recognised export none of whose rows Kunci loads: every row skipped, the notes say why."""

import polars as pl

from transforms.canonical.typed import assemble, raw_json
from transforms.context import Normalized, ParsedInput


def skip_every_row(
    format_name: str,
    platform: str,
    parsed: ParsedInput,
    notes: tuple[str, ...],
    also_skipped: int = 0,
) -> Normalized:
    """Load nothing: the frame's rows (plus `also_skipped`, rows already taken out) are skipped."""
    empty = parsed.frame.clear()
    quarantine = empty.select(
        pl.col("_row").alias("row_number"),
        pl.lit("", pl.String).alias("reason"),
        raw_json(empty).alias("raw"),
    )
    skipped = parsed.frame.height + also_skipped
    return assemble(format_name, platform, parsed, empty, quarantine, {}, skipped, notes)
