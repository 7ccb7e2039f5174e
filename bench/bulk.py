"""Millions of rows of X content exports, written by DuckDB: the input of a large backfill.

The demo writers draw every post in Python, about 20,000 rows a second; a backfill of ten million
rows would take minutes to generate. DuckDB writes the same layout from `range()` in seconds: the
X content export's header and columns, `Fri Jul 03 2026` dates, post texts always quoted (with
commas, doubled quotes and emoji), 19-digit ids, CRLF. Each row's link names one of the workload's
X accounts (`bench.workload.x_account`), so the configured accounts own the posts.
"""

import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb

from demo.x import x_content_csv

_ROWS = """
copy (
    select
        id::varchar as post_id,
        strftime($first::date + (i * $days // $rows)::integer, '%a %b %d %Y') as day,
        'Post ' || i || ', about "destination ' || (i % 97) || '" 🌊 #Klien' as post_text,
        'https://x.com/client_x_' || lpad((i % $accounts)::varchar, 5, '0') || '/status/' || id,
        200 + (i * 7919) % 5000, (i * 31) % 100, (i * 37) % 200, i % 7, i % 3, i % 5, i % 11,
        i % 13, i % 17, i % 19, i % 23, i % 29, i % 31
    from (select i, 1800000000000000000 + i as id from range($start, $stop) as t(i))
) to '{path}' (header false, force_quote (post_text), new_line '\r\n')
"""


def header() -> bytes:
    """The X content export's header line, as the demo writer (and X) writes it."""
    empty = x_content_csv([], date(2026, 1, 1), date(2026, 1, 1))
    return empty.splitlines(keepends=True)[0]


def write_exports(
    folder: Path, rows: int, files: int, accounts: int, first: date, days: int
) -> list[Path]:
    """Write `rows` posts published over `days` days from `first` into `files` exports.

    File i holds rows i*rows/files onwards; its name gives the range of all files, so every
    snapshot is dated `first + days - 1`. Returns the files written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    last = first + timedelta(days - 1)
    con = duckdb.connect()
    written = []
    try:
        for number in range(files):
            start, stop = rows * number // files, rows * (number + 1) // files
            path = folder / (
                f"account_analytics_content_{first.isoformat()}_{last.isoformat()}_{number:03d}.csv"
            )
            body = path.with_name(path.name + ".body")
            con.execute(
                _ROWS.format(path=str(body).replace("'", "''")),
                {
                    "first": first,
                    "days": days,
                    "rows": rows,
                    "accounts": accounts,
                    "start": start,
                    "stop": stop,
                },
            )
            with path.open("wb") as out, body.open("rb") as rest:
                out.write(header())
                shutil.copyfileobj(rest, out, 1 << 20)
            body.unlink()
            written.append(path)
    finally:
        con.close()
    return written
