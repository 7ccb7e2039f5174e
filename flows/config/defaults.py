"""The defaults of `kunci.toml`'s keys, apart from the models that validate it.

Modules that need a default without reading a configuration (the command line's options, the
run's working database, a staging worker unpickling its settings) import it from here, not from
`flows.config.tables`, whose pydantic models cost a fifth of a second to import and build: a
command without a `kunci.toml` and a worker process never pay for them.
"""

DEFAULT_TIMEZONE = "Asia/Jakarta"
DEFAULT_LOOKBACK_DAYS = 7
DEFAULT_WINDOW_DAYS = 90
DEFAULT_HISTORY_DAYS = 30
DEFAULT_POST_REFRESH_DAYS = 28  # posts this young get their lifetime insights read again each run
DEFAULT_MEMORY_LIMIT = "1GB"  # DuckDB's memory for a writing run; beyond it, it spills to disk
DEFAULT_LOCK_WAIT_SECONDS = 120.0  # how long a writing run waits for another run's writer lock
DEFAULT_KEEP_PREVIOUS = True  # a publish keeps the replaced file as the next run's head start
