"""Prefect flows, DuckDB I/O, settings and the `kunci` command line."""
