"""Formats declared by the user in `kunci.toml` (`[[formats]]`): sheets of any other tool.

Agency dashboards, hand-kept spreadsheets and research datasets have no fixed layout, so the user
states it once: which export header feeds which canonical column of which table, constant columns,
value maps and date formats. Everything else is the same as for a built-in format: detection by
content (a declared format matches a file whose header holds all its declared headers), strict
parsing by the canonical column's type (counts, decimals, dates, true/false), and a quarantine
reason for every value that does not fit. The module is pure: `declare` validates one `[[formats]]`
table (raising `InputError` with a one-line message), `spec` turns it into a `FormatSpec`.

Decisions:
- **Row ids.** Where the sheet has no id column (`post_id`, `mention_id`), the id is derived from
  the row's content: `row-` and the first 16 hex digits of the SHA-256 of the cells named in `key`
  (default: every cell of the row), trimmed and joined. The same row always gets the same id, so
  loading a sheet twice (or its copy with translated headers) changes nothing. A row whose metrics
  are later edited gets a new id when the metrics are part of the key: declare `key` as the cells
  that identify a row (a date and a caption) for sheets that are kept up to date.
- **Duplicates.** A row identical to an earlier one is skipped as an in-file duplicate. Rows that
  differ but share the table's natural key are quarantined, all of them: a declared key that does
  not identify a row is a configuration mistake, and keeping one of the rows would be a guess.
- **Value maps** are applied to the trimmed, case-folded cell before typing; a non-empty cell not
  in the map is quarantined (never guessed), a value mapped to `""` becomes NULL.
- **Accounts.** Post and account tables take the account from a mapped or constant `account_id`,
  else from `--account` (the source's account); ad tables default `ad_account_id` to it, or `''`.
  Ad rows without `campaign_id` / `ad_id` use `campaign_name` / `ad_name` as ids, else `''`.
- **Time.** A `published_at` format with `%z` gives an instant; without, it is a local time of the
  account (mentions: the workspace timezone). `published_date` / a mention's `date` are derived
  from it unless mapped. Lifetime snapshots without an `as_of_date` column take the snapshot date
  rule of every format (the file name's end date, else the ingest date); aggregate tables without
  `date_start`/`date_end` columns take `--period`, else every row is quarantined.
"""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from typing import Any, cast, get_args

import polars as pl

from transforms.canonical.accounts import account_frame, find_account, hinted_account
from transforms.canonical.platforms import content_type, platform_from_source
from transforms.canonical.schemas import (
    ACCOUNT_DAILY,
    AD_DAILY,
    AD_PERIOD,
    MENTION,
    POST,
    POST_DAILY,
    POST_METRICS,
    WEB_TRAFFIC_DAILY,
    WEB_TRAFFIC_PERIOD,
    CanonicalTable,
)
from transforms.canonical.typed import (
    COUNT,
    DECIMAL,
    REASON,
    FieldType,
    assemble,
    conform,
    date_field,
    datetime_field,
    flag,
    parse_fields,
    require,
    split_quarantine,
)
from transforms.context import RAW, Account, IngestContext, Normalized, ParsedInput
from transforms.errors import InputError
from transforms.format_spec import FormatSpec
from transforms.headers import normalize_header
from transforms.values.dates import local_date, localize, snapshot_date
from transforms.values.numbers import Locale

# The tables a declared sheet can feed; the first is the one named, post_metrics also fills post.
TABLES: dict[str, tuple[CanonicalTable, ...]] = {
    "post_metrics": (POST_METRICS, POST),
    "post": (POST,),
    "post_daily": (POST_DAILY,),
    "account_daily": (ACCOUNT_DAILY,),
    "mention": (MENTION,),
    "web_traffic_daily": (WEB_TRAFFIC_DAILY,),
    "web_traffic_period": (WEB_TRAFFIC_PERIOD,),
    "ad_daily": (AD_DAILY,),
    "ad_period": (AD_PERIOD,),
}
SOCIAL_PLATFORMS = ("facebook", "instagram", "x", "tiktok", "youtube", "linkedin")
AD_PLATFORMS = ("meta", "google", "tiktok", "linkedin", "x")
_PLATFORMS = {
    **dict.fromkeys(("post_metrics", "post", "post_daily", "account_daily"), SOCIAL_PLATFORMS),
    **dict.fromkeys(("ad_daily", "ad_period"), AD_PLATFORMS),
    **dict.fromkeys(("web_traffic_daily", "web_traffic_period"), ("web",)),
}
# Columns a table cannot do without: each group lists alternatives (mapped or constant).
_NEEDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "post_daily": (("post_id",), ("date",)),
    "account_daily": (("date",),),
    "mention": (("published_at", "date"), ("brand",)),
    "web_traffic_daily": (("date",),),
    "ad_daily": (("date",),),
}
_DERIVED = {"is_own_brand"}  # computed from the configured brands, never declared
_ID_COLUMNS = ("post_id", "mention_id")
_ACCOUNT_COLUMNS = ("account_id", "ad_account_id", "property_id")
_KEYS = {"name", "title", "platform", "table", "locale", "key", "sheet"}
_TABLE_KEYS = {"columns", "constants", "values", "dates"}
_DEFAULT_FORMATS: dict[pl.DataType, tuple[str, ...]] = {
    pl.Date(): ("%Y-%m-%d",),
    pl.Datetime("us", "UTC"): ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"),
}
_TRUE, _FALSE = ("true", "yes", "y", "1", "ya"), ("false", "no", "n", "0", "tidak")
_SCIENTIFIC = r"^\d(\.\d+)?[eE]\+?\d+$"
_SENTIMENTS = ("positive", "neutral", "negative")


@dataclass(frozen=True)
class DeclaredFormat:
    """One validated `[[formats]]` table of `kunci.toml`."""

    name: str
    title: str
    platform: str
    table: str
    columns: Mapping[str, str]  # export header -> canonical column
    constants: Mapping[str, Any]  # canonical column -> typed value
    values: Mapping[str, Mapping[str, str]]  # canonical column -> folded cell -> value
    dates: Mapping[str, tuple[str, ...]]  # canonical date column -> strptime formats
    key: tuple[str, ...] = ()
    locale: Locale = "en"
    sheet: str | None = None

    @property
    def tables(self) -> tuple[CanonicalTable, ...]:
        """The canonical tables the rows feed."""
        return TABLES[self.table]

    def dtype(self, column: str) -> pl.DataType:
        """The canonical type of `column` in the declared table (or its companion)."""
        return next(t.columns[column] for t in self.tables if column in t.columns)

    def given(self, column: str) -> bool:
        """Whether a column is mapped from the sheet or declared constant."""
        return column in self.constants or column in self.columns.values()

    def header(self, column: str) -> str:
        """The export header mapped to `column` (for messages)."""
        return next(h for h, c in self.columns.items() if c == column)


# --- declaring: kunci.toml -> DeclaredFormat --------------------------------------------------


def declare(entry: Mapping[str, Any]) -> DeclaredFormat:
    """Validate one `[[formats]]` table; raises InputError with a one-line reason."""
    unknown = set(entry) - _KEYS - _TABLE_KEYS
    if unknown:
        raise InputError(
            f"unknown key '{sorted(unknown)[0]}' (known: {_known(_KEYS | _TABLE_KEYS)})"
        )
    name, table = _text(entry, "name"), _text(entry, "table")
    if table not in TABLES:
        raise InputError(f"unknown table '{table}' (known: {_known(TABLES)})")
    locale = str(entry.get("locale", "en"))
    if locale not in get_args(Locale):
        raise InputError(f"unknown locale '{locale}' (known: {', '.join(get_args(Locale))})")
    base = DeclaredFormat(
        name=name,
        title=str(entry.get("title") or name),
        platform=_platform_of(entry, table),
        table=table,
        columns=_columns(entry, table),
        constants={},
        values={},
        dates={},
        locale=cast(Locale, locale),
        sheet=str(entry["sheet"]) if entry.get("sheet") else None,
    )
    declared = replace(
        base,
        constants=_constants(entry, base),
        values=_values(entry, base),
        dates=_dates(entry, base),
        key=_key(entry, base),
    )
    _check_needs(declared)
    return declared


def _platform_of(entry: Mapping[str, Any], table: str) -> str:
    """The platform code, checked against the table (web tables need none)."""
    if table.startswith("web"):
        platform = str(entry.get("platform", "web"))
    else:
        platform = _text(entry, "platform")
    allowed = _PLATFORMS.get(table)
    if allowed and platform not in allowed:
        raise InputError(
            f"platform '{platform}' does not fit table {table} (known: {', '.join(allowed)})"
        )
    return platform


def _known(names: Any) -> str:
    return ", ".join(sorted(names))


def _text(entry: Mapping[str, Any], key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"has no '{key}'")
    return value.strip()


def _table(entry: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = entry.get(key, {})
    if not isinstance(value, Mapping):
        raise InputError(f"'{key}' must be a table ([formats.{key}])")
    return value


def _declarable(table: str) -> set[str]:
    columns = {name for t in TABLES[table] for name in t.columns} - _DERIVED
    if not table.startswith(("web", "mention")):
        columns.discard("platform")
    return columns


def _columns(entry: Mapping[str, Any], table: str) -> dict[str, str]:
    columns = _table(entry, "columns")
    if not columns:
        raise InputError("has no [formats.columns]: map at least one export header")
    allowed, seen, folded = _declarable(table), set[str](), set[str]()
    for header, column in columns.items():
        if column not in allowed:
            raise InputError(
                f"columns: '{header}' maps to unknown column '{column}' of table {table} "
                f"(known: {_known(allowed)})"
            )
        if column in seen:
            raise InputError(f"columns: column '{column}' is mapped twice")
        if normalize_header(header) in folded or not header.strip():
            raise InputError(f"columns: header '{header}' is empty or listed twice")
        seen.add(column)
        folded.add(normalize_header(header))
    return {str(header): str(column) for header, column in columns.items()}


def _constants(entry: Mapping[str, Any], declared: DeclaredFormat) -> dict[str, Any]:
    constants: dict[str, Any] = {}
    allowed = _declarable(declared.table)
    for column, value in _table(entry, "constants").items():
        if column not in allowed:
            raise InputError(
                f"constants: unknown column '{column}' of table {declared.table} "
                f"(known: {_known(allowed)})"
            )
        if column in declared.columns.values():
            raise InputError(f"constants: column '{column}' is also mapped from the sheet")
        if column in _ID_COLUMNS:
            raise InputError(f"constants: '{column}' cannot be constant (every row needs its own)")
        constants[column] = _typed_constant(column, value, declared.dtype(column))
    return constants


def _typed_constant(column: str, value: Any, dtype: pl.DataType) -> Any:
    """The constant as its column's Python type, or an error naming it."""
    if dtype == pl.Int64() and isinstance(value, int) and not isinstance(value, bool):
        return value
    if dtype == pl.Float64() and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if dtype == pl.Boolean() and isinstance(value, bool):
        return value
    if dtype == pl.Date() and isinstance(value, date | str):
        try:
            return value if isinstance(value, date) else date.fromisoformat(value)
        except ValueError:
            pass
    if dtype == pl.String() and isinstance(value, str):
        return value
    raise InputError(f"constants: {column} = {value!r} is not a {_type_name(dtype)}")


def _type_name(dtype: pl.DataType) -> str:
    names = {
        pl.Int64(): "whole number",
        pl.Float64(): "number",
        pl.Boolean(): "true or false",
        pl.Date(): "date (YYYY-MM-DD)",
        pl.String(): "text",
    }
    return names.get(dtype, "value of this column (declare it as a column instead)")


def _values(entry: Mapping[str, Any], declared: DeclaredFormat) -> dict[str, dict[str, str]]:
    values: dict[str, dict[str, str]] = {}
    for column, mapping in _table(entry, "values").items():
        if column not in declared.columns.values():
            raise InputError(f"values: column '{column}' is not mapped from the sheet")
        if not isinstance(mapping, Mapping) or not all(
            isinstance(v, str) for v in mapping.values()
        ):
            raise InputError(f"values.{column} must map cell values to text")
        folded = {str(cell).strip().lower(): value.strip() for cell, value in mapping.items()}
        if len(folded) != len(mapping):
            raise InputError(f"values.{column} lists a cell value twice")
        values[column] = folded
    return values


def _dates(entry: Mapping[str, Any], declared: DeclaredFormat) -> dict[str, tuple[str, ...]]:
    dates: dict[str, tuple[str, ...]] = {}
    for column, formats in _table(entry, "dates").items():
        if column not in declared.columns.values() or declared.dtype(column) not in (
            pl.Date(),
            pl.Datetime("us", "UTC"),
        ):
            raise InputError(f"dates: '{column}' is not a date column mapped from the sheet")
        listed = (formats,) if isinstance(formats, str) else tuple(formats)
        if not listed or not all(isinstance(f, str) and f for f in listed):
            raise InputError(f"dates.{column} must be a format string or a list of them")
        if len({"%z" in f for f in listed}) > 1:
            raise InputError(f"dates.{column} mixes formats with and without an offset (%z)")
        dates[column] = listed
    return dates


def _key(entry: Mapping[str, Any], declared: DeclaredFormat) -> tuple[str, ...]:
    key = entry.get("key", [])
    if not key:
        return ()
    if not isinstance(key, list) or not all(isinstance(h, str) and h.strip() for h in key):
        raise InputError("key must be a list of export headers")
    ids = [c for c in _ID_COLUMNS if any(c in t.columns for t in declared.tables)]
    if not ids or declared.given(ids[0]):
        raise InputError("key is only for post or mention sheets without an id column")
    return tuple(key)


def _check_needs(declared: DeclaredFormat) -> None:
    if declared.given("date_start") != declared.given("date_end"):
        raise InputError("date_start and date_end are declared together or not at all")
    for group in _NEEDS.get(declared.table, ()):
        if not any(declared.given(column) for column in group):
            raise InputError(
                f"table {declared.table} needs a column mapped to {' or '.join(group)}"
            )


# --- the FormatSpec -----------------------------------------------------------------------------


def spec(declared: DeclaredFormat) -> FormatSpec:
    """The detectable format: every declared header (and key header) must be in the file."""
    fields = {column: (header,) for header, column in declared.columns.items()}
    fields |= {f"_key{i}": (header,) for i, header in enumerate(declared.key)}
    return FormatSpec(
        name=declared.name,
        platform=declared.platform,
        title=declared.title,
        columns={declared.locale: fields},
        required=tuple(fields),
        normalize=partial(normalize_declared, declared),
        sheets=(declared.sheet,) if declared.sheet else (),
    )


# --- normalizing ------------------------------------------------------------------------------


def _boolean(column: str, _locale: Locale) -> pl.Expr:
    folded = pl.col(column).str.strip_chars().str.to_lowercase()
    return (
        pl.when(folded.is_in(_TRUE))
        .then(True)
        .when(folded.is_in(_FALSE))
        .then(False)
        .otherwise(None)
        .alias(column)
    )


def _field_types(declared: DeclaredFormat) -> dict[str, FieldType]:
    types: dict[str, FieldType] = {}
    for column in declared.columns.values():
        dtype = declared.dtype(column)
        formats = declared.dates.get(column) or _DEFAULT_FORMATS.get(dtype, ())
        if dtype == pl.Int64():
            types[column] = COUNT
        elif dtype == pl.Float64():
            types[column] = DECIMAL
        elif dtype == pl.Boolean():
            types[column] = FieldType("true or false", _boolean)
        elif dtype == pl.Date():
            types[column] = date_field(*formats)
        elif isinstance(dtype, pl.Datetime):
            types[column] = datetime_field(*formats)
    return types


def _map_values(parsed: ParsedInput, declared: DeclaredFormat) -> ParsedInput:
    """Replace mapped cells; keep an unmapped non-empty cell in `_unmapped_<column>`."""
    frame = parsed.frame
    for column, mapping in declared.values.items():
        raw = pl.col(column).str.strip_chars()
        folded = raw.str.to_lowercase()
        known = folded.is_in(list(mapping))
        frame = frame.with_columns(
            pl.when(~known & (raw != "")).then(raw).alias(f"_unmapped_{column}"),
            folded.replace_strict(mapping, default=None, return_dtype=pl.String)
            .replace("", None)
            .alias(column),
        )
    return replace(parsed, frame=frame)


def _typed(parsed: ParsedInput, declared: DeclaredFormat) -> pl.DataFrame:
    """Cells mapped, parsed by canonical type, constants added; reasons for what does not fit."""
    mapped = _map_values(parsed, declared)
    frame = parse_fields(mapped, _field_types(declared))
    for column, mapping in declared.values.items():
        unmapped = pl.col(f"_unmapped_{column}")
        frame = flag(
            frame,
            unmapped.is_not_null(),
            pl.format(
                f"column '{declared.header(column)}': '{{}}' is not in values.{column} "
                f"({', '.join(mapping)})",
                unmapped,
            ),
        )
    strings = [
        pl.col(c).str.strip_chars().replace("", None)
        for c in declared.columns.values()
        if declared.dtype(c) == pl.String()
    ]
    constants = [
        pl.lit(value, declared.dtype(column)).alias(column)
        for column, value in declared.constants.items()
    ]
    return frame.with_columns(strings).with_columns(constants)


def _row_id(values: Sequence[Any]) -> str:
    material = "\x1f".join(str(value or "").strip() for value in values)
    return "row-" + hashlib.sha256(material.encode()).hexdigest()[:16]


def _derived_ids(
    frame: pl.DataFrame, declared: DeclaredFormat, column: str
) -> tuple[pl.DataFrame, str]:
    """Ids from the `key` cells, else from every cell of the row (see the module docstring)."""
    if declared.key:
        fields = [f"_key{i}" for i in range(len(declared.key))]
        ids = pl.struct(fields).map_elements(
            lambda row: _row_id([row[f] for f in fields]), return_dtype=pl.String
        )
        note = f"{column} derived from the cells {', '.join(declared.key)}"
    else:
        ids = pl.col(RAW).map_elements(
            lambda record: _row_id(list(record.values())), return_dtype=pl.String
        )
        note = f"{column} derived from the content of each row"
    return frame.with_columns(ids.alias(column)), note


def _ids(
    frame: pl.DataFrame, declared: DeclaredFormat, column: str
) -> tuple[pl.DataFrame, str | None]:
    """Check a mapped id column, or derive the ids."""
    if not declared.given(column):
        return _derived_ids(frame, declared, column)
    header = declared.header(column)
    frame = require(frame, pl.col(column).is_not_null(), f"column '{header}': no id")
    return require(
        frame,
        ~pl.col(column).str.contains(_SCIENTIFIC),
        f"column '{header}' holds a number in scientific notation (a spreadsheet program "
        "rounded the ID): the ID is lost",
    ), None


def _resolved(declared: DeclaredFormat) -> list[str]:
    """The columns every row needs a value for: the natural key, the account, the platform."""
    columns = list(declared.tables[0].key)
    if any("account_id" in t.columns for t in declared.tables):
        columns.append("account_id")
    if declared.table.startswith("web"):
        columns.append("platform")
    return list(dict.fromkeys(columns))


def _keys(
    frame: pl.DataFrame, declared: DeclaredFormat, ctx: IngestContext
) -> tuple[pl.DataFrame, list[str]]:
    """Fill every key column the sheet does not give, and flag rows missing one it does give."""
    notes: list[str] = []
    for column in _resolved(declared):
        if column in _ID_COLUMNS:
            frame, note = _ids(frame, declared, column)
        elif column == "platform":
            frame, note = _platform(frame, declared), None
        elif declared.given(column):
            frame, note = _given_key(frame, declared, column), None
        else:
            frame, note = _default_key(frame, declared, ctx, column)
        notes += [note] if note else []
    return frame, notes


def _given_key(frame: pl.DataFrame, declared: DeclaredFormat, column: str) -> pl.DataFrame:
    """A mapped key column: dimensions default to `''`; dates and accounts must be there."""
    if column in ("campaign_id", "ad_id"):
        return _ad_id(frame, declared, column)
    if declared.dtype(column) == pl.String() and column not in _ACCOUNT_COLUMNS:
        return frame.with_columns(pl.col(column).fill_null(""))
    header = declared.header(column) if column in declared.columns.values() else column
    return require(frame, pl.col(column).is_not_null(), f"column '{header}' is empty")


def _default_key(
    frame: pl.DataFrame, declared: DeclaredFormat, ctx: IngestContext, column: str
) -> tuple[pl.DataFrame, str | None]:
    """A key column the sheet does not give: from the context, a rule, or `''`."""
    if column in _ACCOUNT_COLUMNS:
        return frame.with_columns(pl.lit(_hinted(declared, ctx, column)).alias(column)), None
    if column == "as_of_date":
        as_of, note = snapshot_date(ctx.source_name, ctx.as_of)
        return frame.with_columns(pl.lit(as_of).alias(column)), note
    if column in ("date_start", "date_end"):
        return _period(frame, ctx)
    if column in ("campaign_id", "ad_id"):
        return _ad_id(frame, declared, column), None
    return frame.with_columns(pl.lit("").alias(column)), None


def _platform(frame: pl.DataFrame, declared: DeclaredFormat) -> pl.DataFrame:
    """The row's platform: declared per row (mentions, traffic), else derived or the format's."""
    if declared.table.startswith("web"):
        fallback = platform_from_source("source")
    else:
        fallback = pl.lit(declared.platform)
    given = [pl.col("platform")] if declared.given("platform") else []
    return frame.with_columns(pl.coalesce(*given, fallback).alias("platform"))


def _ad_id(frame: pl.DataFrame, declared: DeclaredFormat, column: str) -> pl.DataFrame:
    """An ad or campaign id, else its name, else `''`."""
    name = column.replace("_id", "_name")
    parts = [pl.col(c) for c in (column, name) if declared.given(c)]
    return frame.with_columns(pl.coalesce(*parts, pl.lit("")).alias(column))


def _hinted(declared: DeclaredFormat, ctx: IngestContext, column: str) -> str:
    if column == "account_id":
        return hinted_account(ctx, declared.platform).account_id
    if column == "property_id":
        if ctx.account is None or ctx.account.platform != "web":
            raise InputError(
                f"sheet {declared.name} names no property: pass --account web:<property id> "
                "or declare constants.property_id"
            )
        return ctx.account.account_id
    hint = ctx.account
    return hint.account_id if hint is not None and hint.platform == declared.platform else ""


def _period(frame: pl.DataFrame, ctx: IngestContext) -> tuple[pl.DataFrame, str | None]:
    if "date_start" in frame.columns:  # both filled on the first of the two key columns
        return frame, None
    if ctx.period is None:
        frame = require(frame, pl.lit(False), "aggregate sheet without a date range: pass --period")
    start, end = ctx.period or (date.min, date.min)
    frame = frame.with_columns(pl.lit(start).alias("date_start"), pl.lit(end).alias("date_end"))
    return frame, "date range from --period" if ctx.period else None


def _checks(frame: pl.DataFrame, declared: DeclaredFormat) -> pl.DataFrame:
    """Table rules beyond types: a mention needs a brand and a known sentiment."""
    if declared.table != "mention":
        return frame
    frame = require(frame, pl.col("brand").is_not_null(), "no brand")
    when = "published_at" if declared.given("published_at") else "date"
    frame = require(frame, pl.col(when).is_not_null(), "no date")
    if "sentiment" not in frame.columns:
        return frame
    sentiment = pl.col("sentiment").str.to_lowercase()
    frame = flag(
        frame,
        ~sentiment.is_in(_SENTIMENTS) & sentiment.is_not_null(),
        pl.format(
            "sentiment '{}' is not positive, neutral or negative (declare values.sentiment)",
            pl.col("sentiment"),
        ),
    )
    return frame.with_columns(sentiment.alias("sentiment"))


def _one_row_per_key(kept: pl.DataFrame, key: list[str]) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Skip exact duplicates; quarantine all rows of a key that several differing rows share."""
    unique = kept.unique(subset=[RAW], keep="first", maintain_order=True)
    shared = (
        unique.group_by(key)
        .agg(pl.col("_row").sort().cast(pl.String).str.join(", ").alias("_rows"), pl.len())
        .filter(pl.col("len") > 1)
    )
    flagged = unique.join(shared, on=key, how="left", maintain_order="left").with_columns(
        pl.when(pl.col("len").is_not_null())
        .then(pl.format("rows {} share the key ({})", pl.col("_rows"), pl.lit(", ".join(key))))
        .alias(REASON)
    )
    loaded, clashes = split_quarantine(flagged)
    return loaded.drop("_rows", "len"), clashes, kept.height - unique.height


def _timezones(
    frame: pl.DataFrame, declared: DeclaredFormat, ctx: IngestContext
) -> tuple[pl.DataFrame, list[Account]]:
    """Accounts of the rows (post and account tables) and each row's timezone in `_tz`."""
    if "account_id" not in frame.columns:
        return frame.with_columns(pl.lit(ctx.default_timezone).alias("_tz")), []
    ids = frame["account_id"].unique(maintain_order=True).to_list()
    accounts = [find_account(ctx, declared.platform, account_id=i) for i in ids]
    zones = pl.DataFrame(
        {"account_id": ids, "_tz": [a.timezone for a in accounts]},
        schema={"account_id": pl.String, "_tz": pl.String},
    )
    return frame.join(zones, on="account_id", how="left"), accounts


def _times(frame: pl.DataFrame, declared: DeclaredFormat) -> pl.DataFrame:
    """UTC `published_at` from local times, and the local dates derived from it."""
    if "published_at" not in frame.columns:
        return frame
    if frame.schema["published_at"] == pl.Datetime("us"):
        frame = localize(frame.rename({"published_at": "_local"}), "_local", "_tz", "published_at")
    derived = "date" if declared.table == "mention" else "published_date"
    if derived in frame.columns:
        return frame
    return local_date("published_at", "_tz", derived, frame)


def _tables(
    frame: pl.DataFrame, declared: DeclaredFormat, accounts: list[Account], ctx: IngestContext
) -> dict[str, pl.DataFrame]:
    if "content_type" in frame.columns:
        frame = frame.with_columns(content_type("content_type"))
    if declared.table == "mention":
        own = [a.brand.lower() for a in ctx.accounts if a.is_own and a.brand]
        frame = frame.with_columns(
            pl.col("brand").str.to_lowercase().is_in(own).alias("is_own_brand")
        )
    tables = {t.name: conform(frame, t.columns) for t in declared.tables}
    if accounts:
        tables["account"] = account_frame(accounts)
    return tables


def normalize_declared(
    declared: DeclaredFormat, parsed: ParsedInput, ctx: IngestContext
) -> Normalized:
    """Map a declared sheet to its canonical table(s), by the declaration alone."""
    frame = _typed(parsed, declared)
    frame, notes = _keys(frame, declared, ctx)
    frame = _checks(frame, declared)
    kept, quarantine = split_quarantine(frame, keep_record=True)
    kept, clashes, duplicates = _one_row_per_key(kept, list(declared.tables[0].key))
    kept, accounts = _timezones(kept, declared, ctx)
    kept = _times(kept, declared)
    if duplicates:
        notes.append(f"{duplicates} rows repeated an earlier row and were skipped")
    return assemble(
        declared.name,
        declared.platform,
        parsed,
        kept,
        pl.concat([quarantine, clashes]),
        _tables(kept, declared, accounts, ctx),
        skipped=duplicates,
        notes=tuple(notes),
    )
