"""The shape of `kunci.toml`: one pydantic model per table, unknown keys refused.

A typo in a configuration used to be ignored (a misspelt `timezone` silently fell back to the
workspace's); every table here forbids keys it does not declare, and `read` turns pydantic's
multi-line report into the one line the command line prints, naming the file, the entry and the
key (with the closest known key when one is close). A new table is one more model and one more
field of `ConfigFile`; a new API kind is one entry of `API_KINDS`.
"""

import difflib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from flows.config.defaults import (
    DEFAULT_HISTORY_DAYS,
    DEFAULT_KEEP_PREVIOUS,
    DEFAULT_LOCK_WAIT_SECONDS,
    DEFAULT_LOOKBACK_DAYS,
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_POST_REFRESH_DAYS,
    DEFAULT_TIMEZONE,
    DEFAULT_WINDOW_DAYS,
)
from transforms.errors import InputError

META_GRAPH_MAX_WINDOW_DAYS = 90
_MEMORY = re.compile(r"^\s*\d+(\.\d+)?\s*([KMGT]i?B|B)\s*$", re.IGNORECASE)
_SENTENCE = "sentence"  # an error that continues the entry's label ("... has no 'x'")


@dataclass(frozen=True)
class ApiKind:
    """What an API kind's `[[sources]]` entry may say beyond the keys every API source has.

    `ids`: the id lists it may name; `options`: its own keys with their types, handed to the
    connector as `ApiSource.options` (only those the entry gives, so connectors keep defaults).
    `history_days`: where a first pull starts by default; an API that keeps a short history
    starts at all of it (TikTok: 60 days).
    """

    base_url: str
    ids: tuple[str, ...]
    options: dict[str, Any]
    history_days: int = DEFAULT_HISTORY_DAYS


_ACTION_TYPES = Any  # alternatives, each a type or a list of types: checked by the connector
API_KINDS: dict[str, ApiKind] = {
    # kind: ApiKind(default base URL, id lists, {option key: type}) — one line per kind
    "meta_graph": ApiKind(
        "https://graph.facebook.com/v24.0",
        ("pages", "instagram_accounts"),
        {"app_secret_env": str},
    ),
    "youtube_analytics": ApiKind(
        "https://youtubeanalytics.googleapis.com",
        ("channels",),
        {"data_base_url": str, "audience_days": int},
    ),
    "ga4": ApiKind(
        "https://analyticsdata.googleapis.com",
        ("properties",),
        {"lead_events": list[str], "page_size": int},
    ),
    "meta_ads": ApiKind(
        "https://graph.facebook.com/v24.0",
        ("ad_accounts",),
        {
            "app_secret_env": str,
            "conversion_action_types": _ACTION_TYPES,
            "lead_action_types": _ACTION_TYPES,
            "sync_max_days": int,
            "page_size": int,
            "poll_seconds": float,
            "job_timeout_seconds": float,
        },
    ),
    "tiktok_business": ApiKind(
        "https://business-api.tiktok.com/open_api/v1.3", ("business_ids",), {}, history_days=60
    ),
    "x_api": ApiKind("https://api.x.com/2", ("users",), {"read_budget": int, "page_size": int}),
    "linkedin_community": ApiKind(
        "https://api.linkedin.com/rest",
        ("organizations",),
        {"linkedin_version": str, "page_size": int},
    ),
}
EXPORT_KINDS = ("exports",)


def _text(value: Any) -> Any:
    """Ids and names written as TOML numbers (`account_id = 81234567`) are read as text."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


Text = Annotated[str, BeforeValidator(_text)]
Required = Annotated[str, BeforeValidator(_text), Field(min_length=1)]


class Table(BaseModel):
    """A table of `kunci.toml`: every key it may hold is declared; any other is refused."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class WorkspaceTable(Table):
    """`[workspace]`: the workspace's name, timezone and "today" (`as_of`)."""

    name: Text | None = None
    timezone: Text = DEFAULT_TIMEZONE
    as_of: date | None = None


class DatabaseTable(Table):
    """`[database]`: how a writing run may use DuckDB, and whether it keeps the replaced file."""

    memory_limit: str = DEFAULT_MEMORY_LIMIT
    lock_wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS
    keep_previous: bool = DEFAULT_KEEP_PREVIOUS

    @field_validator("lock_wait_seconds", mode="before")
    @classmethod
    def _seconds(cls, value: Any) -> float:
        """A second writing run waits this long for the writer lock, then gives up."""
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError(f"must be a number of seconds, got {value!r}")
        return float(value)

    @field_validator("memory_limit", mode="before")
    @classmethod
    def _a_size(cls, value: Any) -> str:
        """A size DuckDB understands, checked here to fail in one line.

        A percentage of the machine's memory is refused on purpose: DuckDB's default (80%) is
        what let a backfill's build reach 3.3 GB, and a size says what the run may take on any
        machine.
        """
        if not isinstance(value, str) or not _MEMORY.match(value):
            raise ValueError(f'must be a size such as "1GB" or "512MB", got {value!r}')
        return value.strip()


class AccountTable(Table):
    """One `[[accounts]]` entry."""

    platform: Required
    account_id: Required
    handle: Text | None = None
    name: Text | None = None
    timezone: Text | None = None
    currency: Text | None = None
    is_own: bool = True
    brand: Text | None = None


class ExportSourceTable(Table):
    """One `[[sources]]` entry of kind `exports`: a folder or file, optionally of one account."""

    kind: Literal["exports"]
    path: Required
    account: Text | None = None


def _whole_days(value: Any, info: ValidationInfo) -> int:
    least = 0 if info.field_name in ("lookback_days", "post_refresh_days") else 1
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ValueError(f"must be a whole number of days, got {value!r}")
    return value


def _iso_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"is not an ISO date: {value!r}") from None


def _ids(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise ValueError("must be a list of ids")
    return tuple(str(v) for v in value)


Days = Annotated[int, BeforeValidator(_whole_days)]
Ids = Annotated[tuple[str, ...], BeforeValidator(_ids)]


class ApiSourceTable(Table):
    """The keys every API `[[sources]]` entry may have; each kind's model adds its own."""

    kind: str
    name: Text | None = None
    token_env: Annotated[
        str, Field(min_length=1, description="the environment variable holding the token")
    ]
    base_url: Text | None = None
    start_date: Annotated[date | None, BeforeValidator(_iso_date)] = None
    history_days: Days = DEFAULT_HISTORY_DAYS
    lookback_days: Days = DEFAULT_LOOKBACK_DAYS
    window_days: Days = DEFAULT_WINDOW_DAYS
    post_refresh_days: Days = DEFAULT_POST_REFRESH_DAYS

    @model_validator(mode="after")
    def _names_ids(self) -> "ApiSourceTable":
        id_keys = API_KINDS[self.kind].ids
        if not any(getattr(self, key) for key in id_keys):
            raise PydanticCustomError(
                _SENTENCE, "names no ids (give {keys})", {"keys": " or ".join(map(repr, id_keys))}
            )
        return self


class MetaGraphSourceTable(ApiSourceTable):
    """Meta's Graph API answers at most 90 days per insights request."""

    @field_validator("window_days")
    @classmethod
    def _at_most_90(cls, value: int) -> int:
        if value > META_GRAPH_MAX_WINDOW_DAYS:
            raise ValueError("is at most 90 for the Meta Graph API")
        return value


class MetaAdsSourceTable(ApiSourceTable):
    """Meta ads: `attribution_window_days` (default 7) is the source's lookback.

    Conversions are attributed to the day of the ad's impression, days later, so every run pulls
    that many days before the last pulled date again; `lookback_days` would say the same thing
    twice, so it is refused.
    """

    attribution_window_days: int = DEFAULT_LOOKBACK_DAYS

    @model_validator(mode="before")
    @classmethod
    def _no_lookback(cls, data: Any) -> Any:
        if isinstance(data, dict) and "lookback_days" in data:
            raise ValueError("give 'attribution_window_days' instead of 'lookback_days'")
        return data

    @field_validator("attribution_window_days", mode="before")
    @classmethod
    def _whole(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"must be a whole number of days, got {value!r}")
        return value


_KIND_BASES: dict[str, type[ApiSourceTable]] = {
    "meta_graph": MetaGraphSourceTable,
    "meta_ads": MetaAdsSourceTable,
}


def _kind_model(kind: str, spec: ApiKind) -> type[ApiSourceTable]:
    """The model of one API kind: the shared keys, its id lists and its options."""
    fields: dict[str, Any] = {"kind": (Literal[kind], ...)}
    fields.update({key: (Ids, ()) for key in spec.ids})
    fields.update({key: (kind_type | None, None) for key, kind_type in spec.options.items()})
    return create_model(f"{kind}_source", __base__=_KIND_BASES.get(kind, ApiSourceTable), **fields)


API_SOURCE_MODELS: dict[str, type[ApiSourceTable]] = {
    kind: _kind_model(kind, spec) for kind, spec in API_KINDS.items()
}


class ConfigFile(Table):
    """`kunci.toml` as a whole: one field per table.

    `[[targets]]`, `[[formats]]`, `[zones]`, `[publish]` and `[runner]` keep their own parsers
    (`flows.config.targets`, `transforms.formats.declared`, `flows.zones.parse_zones`,
    `flows.config.settings`), which refuse unknown keys the same way.
    """

    workspace: WorkspaceTable = WorkspaceTable()
    accounts: list[AccountTable] = []
    sources: list[dict[str, Any]] = []
    database: DatabaseTable = DatabaseTable()
    targets: Any = []
    formats: Any = []
    zones: Any = {}
    publish: Any = {}
    runner: Any = {}


def read(path: Path, raw: dict[str, Any]) -> tuple[ConfigFile, list[ApiSourceTable]]:
    """Validate a parsed `kunci.toml`; the first problem becomes a one-line InputError.

    Returns the file and its API sources; the export sources are `ConfigFile.sources` entries
    validated as `ExportSourceTable` (their order is kept by `export_sources`).
    """
    config = _validated(path, raw, ConfigFile, ())
    api: list[ApiSourceTable] = []
    known = ", ".join([*EXPORT_KINDS, *API_KINDS])
    for index, entry in enumerate(config.sources):
        kind = entry.get("kind")
        if kind not in API_KINDS and kind not in EXPORT_KINDS:
            raise InputError(
                f"{path}: sources[{index}] has unsupported kind {kind!r} (known: {known})"
            )
        if kind in API_KINDS:
            api.append(_validated(path, entry, API_SOURCE_MODELS[kind], ("sources", index)))
    return config, api


def export_sources(path: Path, config: ConfigFile) -> list[ExportSourceTable]:
    """The `exports` entries of `[[sources]]`, validated, in file order."""
    return [
        _validated(path, entry, ExportSourceTable, ("sources", index))
        for index, entry in enumerate(config.sources)
        if entry.get("kind") in EXPORT_KINDS
    ]


_Model = TypeVar("_Model", bound=BaseModel)


def _validated(
    path: Path, data: dict[str, Any], model: type[_Model], where: tuple[str | int, ...]
) -> _Model:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(one_line(path, data, exc.errors()[0], where, model)) from None


def one_line(
    path: Path,
    data: dict[str, Any],
    error: ErrorDetails,
    where: tuple[str | int, ...],
    model: type[BaseModel],
) -> str:
    """One pydantic error as `file: entry: key problem`, in the words of the old messages."""
    loc = (*where, *error["loc"])
    entry, key, owner = _entry(loc, data, where, model)
    kind, text = error["type"], error["msg"]
    label = f"{path}: {entry}" if entry else str(path)
    if kind == "extra_forbidden":
        return f"{label}: unknown key '{key}' ({_suggestion(str(key), owner)})"
    if kind == "missing" or (kind in ("string_too_short", "too_short") and not error["input"]):
        hint = owner.model_fields[str(key)].description if key in owner.model_fields else None
        return f"{label} has no '{key}'" + (f" ({hint})" if hint else "")
    if kind == _SENTENCE:
        return f"{label} {text}"
    if kind == "value_error":
        text = str(error.get("ctx", {}).get("error", text))
    elif kind == "model_type" and not entry:
        return f"{path}: {key} must be a [{key}] table"
    elif kind in ("list_type", "model_type", "dict_type") and not entry:
        return f"{path}: {key} must be [[{key}]] tables"
    else:
        text = f"{text[0].lower()}{text[1:]}, got {error['input']!r}"
    if key is None:
        return f"{label}: {text}"
    if isinstance(loc[0], str) and len(loc) == 2 and not where:
        return f"{path}: {loc[0]}.{key} {text}"  # a plain table's key: `database.memory_limit`
    return f"{label}: '{key}' {text}"


def _entry(
    loc: tuple[str | int, ...],
    data: dict[str, Any],
    where: tuple[str | int, ...],
    model: type[BaseModel],
) -> tuple[str, str | int | None, type[BaseModel]]:
    """The label of the entry an error is in, the key it is about and the model declaring it.

    `accounts[2] (instagram:123)`, `sources[0] (ga4)`, or the empty label for a top-level key.
    """
    if where:
        index = where[1]
        kind = data.get("kind")
        entry = f"{where[0]}[{index}]" + (f" ({kind})" if kind in API_KINDS else "")
        return entry, loc[len(where)] if len(loc) > len(where) else None, model
    if len(loc) >= 3 and loc[0] == "accounts" and isinstance(loc[1], int):
        account = data["accounts"][loc[1]]
        ident = f" ({account['platform']}:{account['account_id']})" if _named(account) else ""
        return f"accounts[{loc[1]}]{ident}", loc[2], AccountTable
    if len(loc) >= 2 and loc[0] in ("workspace", "database"):
        table = ConfigFile.model_fields[str(loc[0])].annotation
        assert isinstance(table, type) and issubclass(table, BaseModel)
        return str(loc[0]), loc[1], table
    return "", loc[0], ConfigFile


def _named(account: Any) -> bool:
    return isinstance(account, dict) and bool(account.get("platform") and account.get("account_id"))


def _suggestion(key: str, model: type[BaseModel]) -> str:
    """`did you mean 'timezone'?` when a declared key is close, else the declared keys."""
    known = list(model.model_fields)
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else f"known: {', '.join(known)}"
