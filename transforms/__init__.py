"""Pure polars transforms: exports in, canonical frames out (no I/O, no Prefect, no DuckDB)."""
