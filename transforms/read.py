"""The whole normalize step for one export: bytes in, canonical frames and quarantine out."""

import json
from collections.abc import Sequence

import polars as pl

from transforms.context import IngestContext, Normalized, ParsedInput
from transforms.decode import decode_text
from transforms.detect import Detection, FormatSpec, detect
from transforms.errors import InputError
from transforms.formats import FORMATS
from transforms.tabular import dedupe_header, fit_to_header, is_blank, is_comment, split_records


def normalize_export(
    data: bytes, ctx: IngestContext, formats: Sequence[FormatSpec] = FORMATS
) -> Normalized:
    """Decode, detect, parse and map one export; raises InputError when it cannot be read at all."""
    text, _encoding = decode_text(data)
    records, _delimiter = split_records(text)
    if not records:
        raise InputError("file is empty")
    detection = detect(records, formats)
    parsed = to_parsed_input(records, detection)
    return detection.spec.normalize(parsed, ctx)


def to_parsed_input(records: list[list[str]], detection: Detection) -> ParsedInput:
    """Cut the records at the detected header and build the string frame the formats read."""
    header_index = detection.header_index
    header = dedupe_header(records[header_index])
    width = len(header)
    rows: list[list[str]] = []
    numbers: list[int] = []
    blank = 0
    data_records = records[header_index + 1 :]
    for offset, record in enumerate(data_records):
        row_number = header_index + offset + 2
        if is_comment(record):
            continue
        if is_blank(record):
            blank += 1
            continue
        rows.append(fit_to_header(record, width, row_number))
        numbers.append(row_number)
    if not rows:
        raise InputError("no data rows under the header")
    columns = {
        name: [row[position] for row in rows] for name, position in detection.positions.items()
    }
    raw = [json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False) for row in rows]
    frame = pl.DataFrame(
        {"_row": numbers, "_raw": raw, **columns},
        schema={"_row": pl.Int64, "_raw": pl.String, **dict.fromkeys(columns, pl.String)},
    )
    headers = {name: header[position] for name, position in detection.positions.items()}
    return ParsedInput(
        frame=frame,
        headers=headers,
        locale=detection.locale,
        preamble=tuple(tuple(record) for record in records[:header_index]),
        rows_read=len(rows) + blank,
        rows_blank=blank,
    )
