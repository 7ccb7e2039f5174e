"""Benchmarks: scripts that measure Kunci against DuckDB on generated workloads (not tests)."""
