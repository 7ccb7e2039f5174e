"""Google Analytics 4 report and exploration CSV exports of traffic by session source / medium.

GA4 writes a `#` preamble (report name, account, property, `Start date: 20260701`, `End date: ...`)
above the header. With a `Date` column the rows are daily (`core.web_traffic_daily`); without one
the rows aggregate the preamble's date range and go to `core.web_traffic_period`, never split
into days.
The property is the `kunci.toml` source's web account when given, else the preamble's property name.
"""

import re
from datetime import date, datetime

import polars as pl

from transforms.context import IngestContext, Normalized, ParsedInput
from transforms.detect import FormatSpec
from transforms.errors import InputError
from transforms.platforms import platform_from_source
from transforms.schemas import WEB_TRAFFIC_DAILY, WEB_TRAFFIC_PERIOD
from transforms.typed import (
    COUNT,
    DECIMAL,
    assemble,
    conform,
    date_field,
    drop_duplicate_keys,
    parse_fields,
    require,
    split_quarantine,
)

_NOT_SET = "(not set)"


def _preamble_value(parsed: ParsedInput, label: str) -> str | None:
    pattern = re.compile(rf"^#\s*{label}\s*:\s*(.+)$", re.IGNORECASE)
    for record in parsed.preamble:
        match = pattern.match(",".join(record).strip())
        if match:
            return match.group(1).strip()
    return None


def _preamble_period(parsed: ParsedInput) -> tuple[date, date] | None:
    start, end = _preamble_value(parsed, "Start date"), _preamble_value(parsed, "End date")
    if start is None or end is None:
        return None
    try:
        return (
            datetime.strptime(start, "%Y%m%d").date(),
            datetime.strptime(end, "%Y%m%d").date(),
        )
    except ValueError as exc:
        raise InputError(f"GA4 preamble has an unreadable date range: {exc}") from None


def _property_id(parsed: ParsedInput, ctx: IngestContext) -> str:
    if ctx.account is not None and ctx.account.platform == "web":
        return ctx.account.account_id
    name = _preamble_value(parsed, "Property")
    if name is None:
        raise InputError("GA4 export names no property: pass --account web:<property id>")
    return name


def normalize_traffic(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map traffic rows to daily or period web-traffic facts, with the platform derived."""
    if not {"source_medium", "source"} & parsed.headers.keys():
        raise InputError("GA4 export has no 'Session source / medium' or 'Session source' column")
    property_id = _property_id(parsed, ctx)
    frame = parse_fields(
        parsed,
        {
            "date": date_field("%Y%m%d", "%Y-%m-%d"),
            "sessions": COUNT,
            "engaged_sessions": COUNT,
            "bounces": COUNT,
            "conversions": DECIMAL,
            "leads": DECIMAL,
            "revenue": DECIMAL,
        },
    )
    if "source_medium" in frame.columns:
        parts = pl.col("source_medium").str.split_exact(" / ", 1)
        frame = frame.with_columns(
            parts.struct.field("field_0").alias("source"),
            parts.struct.field("field_1").alias("medium"),
        )
    frame = frame.with_columns(
        [
            pl.col(name).fill_null(_NOT_SET).replace("", _NOT_SET).alias(name)
            if name in frame.columns
            else pl.lit(_NOT_SET).alias(name)
            for name in ("source", "medium", "campaign")
        ]
    ).with_columns(pl.lit(property_id).alias("property_id"))
    frame = frame.with_columns(platform_from_source("source"))

    daily = "date" in frame.columns
    if daily:
        frame = require(frame, pl.col("date").is_not_null(), "no date")
        key, table = ["date", "source", "medium", "campaign"], WEB_TRAFFIC_DAILY
    else:
        period = ctx.period or _preamble_period(parsed)
        if period is None:
            frame = require(
                frame, pl.lit(False), "aggregate export without a date range: pass --period"
            )
            period = (date.min, date.min)
        frame = frame.with_columns(
            pl.lit(period[0]).alias("date_start"), pl.lit(period[1]).alias("date_end")
        )
        key, table = ["source", "medium", "campaign"], WEB_TRAFFIC_PERIOD
    kept, quarantine = split_quarantine(frame)
    kept, duplicates = drop_duplicate_keys(kept, key)
    return assemble(
        "ga4_traffic",
        "web",
        parsed,
        kept,
        quarantine,
        {table.name: conform(kept, table.columns)},
        skipped=duplicates,
    )


TRAFFIC = FormatSpec(
    name="ga4_traffic",
    platform="web",
    title="Google Analytics 4 traffic acquisition export (session source / medium)",
    columns={
        "en": {
            "date": ("Date",),
            "source_medium": ("Session source / medium",),
            "source": ("Session source",),
            "medium": ("Session medium",),
            "campaign": ("Session campaign",),
            "sessions": ("Sessions",),
            "engaged_sessions": ("Engaged sessions",),
            "conversions": ("Key events", "Conversions"),
            "leads": ("Key events (generate_lead)", "generate_lead"),
            "revenue": ("Total revenue",),
        },
        "id": {
            "date": ("Tanggal",),
            "source_medium": ("Sumber / media sesi",),
            "source": ("Sumber sesi",),
            "medium": ("Media sesi",),
            "campaign": ("Kampanye sesi",),
            "sessions": ("Sesi",),
            "engaged_sessions": ("Sesi dengan interaksi",),
            "conversions": ("Peristiwa utama", "Konversi"),
            "leads": ("Peristiwa utama (generate_lead)",),
            "revenue": ("Total pendapatan",),
        },
    },
    required=("sessions", "engaged_sessions"),
    normalize=normalize_traffic,
)
