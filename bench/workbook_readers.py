"""Benchmark: read a 50,000-row XLSX export with openpyxl (the old reader) and with calamine.

Writes a deterministic workbook (dates, whole and decimal numbers, text, empty cells) with
openpyxl, then times in one run, median of `--repeat`:

- `openpyxl`: `load_workbook(read_only=True, data_only=True)`, `iter_rows(values_only=True)`,
  every cell rendered with `render_cell` (what `transforms.container.workbooks` did before
  calamine);
- `read_book`: `transforms.container.book.read_book` (calamine, with the cell-reference scan
  that bounds a sheet's size before it is read);
- `calamine_only`: calamine's `to_python` and `render_cell` alone, to show what the scan costs.

The readers must give the same cells (trailing empty cells aside), or the script stops. Figures go
to `bench/results/workbook_readers.json`.

    .venv/bin/python bench/workbook_readers.py [--rows 50000] [--repeat 3]
"""

import argparse
import io
import json
import random
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import python_calamine

from transforms.container.book import read_book
from transforms.container.workbooks import render_cell

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "workbook_readers.json"
HEADER = ["Date", "Post", "Views", "Likes", "Comments", "Shares", "Rate", "Watch", "Country"]


def workbook(rows: int) -> bytes:
    """A TikTok-like export: a title row, a header, then `rows` rows with a few empty cells."""
    rng = random.Random(20261207)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(["Content export"])
    sheet.append(HEADER)
    start = datetime(2024, 1, 1)
    for index in range(rows):
        sheet.append(
            [
                start + timedelta(days=index % 900),
                f"post {index} about wisata, kuliner & budaya",
                rng.randrange(1_000_000),
                rng.randrange(10_000),
                None if index % 7 == 0 else rng.randrange(500),
                rng.randrange(300),
                round(rng.random(), 4),
                rng.random() * 60,
                rng.choice(["ID", "MY", "SG", None]),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_openpyxl(data: bytes) -> list[list[str]]:
    """The reader before calamine, as `transforms.container.workbooks` used it."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    worksheet = book.worksheets[0]
    records = [[render_cell(v) for v in row] for row in worksheet.iter_rows(values_only=True)]
    book.close()
    return records


def with_read_book(data: bytes) -> list[list[str]]:
    """Today's reader: the reference scan, then calamine."""
    return read_book(data).sheets[0].records


def with_calamine_only(data: bytes) -> list[list[str]]:
    """Calamine without the reference scan, to show what the scan costs."""
    book = python_calamine.CalamineWorkbook.from_object(io.BytesIO(data))
    rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    return [[render_cell(v) for v in row] for row in rows]


def trimmed(records: list[list[str]]) -> list[list[str]]:
    """Without trailing empty cells: openpyxl leaves a row ragged where calamine pads it."""
    out = [list(record) for record in records]
    for record in out:
        while record and record[-1] == "":
            record.pop()
    return out


def main() -> None:
    """Generate, check that the readers agree, time them and write the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = workbook(args.rows)
    readers: dict[str, Callable[[bytes], list[list[str]]]] = {
        "openpyxl": with_openpyxl,
        "read_book": with_read_book,
        "calamine_only": with_calamine_only,
    }
    expected = trimmed(with_openpyxl(data))
    results: dict[str, object] = {"rows": args.rows, "bytes": len(data)}
    for name, reader in readers.items():
        if trimmed(reader(data)) != expected:
            raise SystemExit(f"{name} does not give the cells openpyxl gives")
        seconds = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            reader(data)
            seconds.append(time.perf_counter() - started)
        results[name] = {"median_s": round(statistics.median(seconds), 3), "runs_s": seconds}
    base = results["openpyxl"]["median_s"]  # type: ignore[index]
    for name in readers:
        median = results[name]["median_s"]  # type: ignore[index]
        print(f"{name:14} {median:7.3f} s   openpyxl / this = {base / median:5.1f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
