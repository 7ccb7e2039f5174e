"""Settings: `kunci.toml` plus environment, resolved once; the only place paths are decided.

Precedence: command-line flags, then environment (`KUNCI_DB`, `KUNCI_CONFIG`), then `kunci.toml` in
the working directory. Without any configuration a command works on an empty workspace: the bundled
demo is used only when named (`make demo`), so its accounts and targets never reach a user's
database. Paths in a config file are relative to that file. Credentials are never stored here, only
the names of environment variables holding them.
"""

import os
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

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
from flows.config.targets import Target, parse_targets
from flows.zones import ZonesConfig, parse_zones, root_of
from transforms.context import Account
from transforms.errors import InputError
from transforms.format_spec import FormatSpec
from transforms.formats import FORMATS, declared

if TYPE_CHECKING:  # the pydantic models are imported where a `kunci.toml` is read
    from flows.config import tables as config_tables

REPO_ROOT = Path(__file__).resolve().parents[2]
SQL_DIR = REPO_ROOT / "sql"
DEFAULT_DB = Path("data") / "kunci.duckdb"


@dataclass(frozen=True)
class Source:
    """A configured input: a folder or file of exports, optionally bound to one account."""

    kind: str
    path: Path
    account: Account | None = None


DEFAULT_CHUNK_DAYS = 30  # days a backfill publishes at a time (`kunci run backfill --chunk-days`)
DEFAULT_STAGE_TIMEOUT_SECONDS = 15 * 60  # one input's staging; a hung parse is killed after it
RUNNER_KINDS = ("processes", "threads", "dask")


@dataclass(frozen=True)
class ApiSource:
    """A configured API source: which API, whose token (by variable name), which accounts.

    `ids` maps an id list name (`pages`, `instagram_accounts`, `channels`, `properties`) to its
    ids. `start_date` is where a first pull begins (default: `history_days` before today);
    `lookback_days` are re-pulled every run because recent metrics keep maturing; `window_days`
    caps one request's date range (Meta allows 90). `post_refresh_days`: every run reads the
    lifetime insights of posts published that many days back again (0 turns it off), because
    reach, views and watch time keep growing for weeks after the lookback. `options` holds the
    kind-specific keys the entry gives, as its kind declares them in `config_tables.API_KINDS`
    (`data_base_url` for YouTube, `lead_events` for GA4, `app_secret_env` for Meta, ...).
    """

    name: str
    kind: str
    token_env: str
    base_url: str
    ids: dict[str, tuple[str, ...]]
    start_date: date | None = None
    history_days: int = DEFAULT_HISTORY_DAYS
    lookback_days: int = DEFAULT_LOOKBACK_DAYS
    window_days: int = DEFAULT_WINDOW_DAYS
    post_refresh_days: int = DEFAULT_POST_REFRESH_DAYS
    options: dict[str, Any] = field(default_factory=dict)

    def token(self) -> str:
        """The token from the environment; a missing variable fails this source in one line."""
        value = os.environ.get(self.token_env, "").strip()
        if not value:
            raise InputError(
                f"source '{self.name}': environment variable {self.token_env} is not set"
            )
        return value


@dataclass(frozen=True)
class RunnerConfig:
    """How inputs are staged in parallel (`[runner]`): see `flows.load.staging`.

    `kind` is `processes` (worker processes, one killed when its input overruns the timeout),
    `threads`, or `dask` (a `dask.distributed` cluster at `dask_address`, else a local one).
    `workers` 0 means one per CPU.
    """

    kind: str = "processes"
    workers: int = 0
    dask_address: str | None = None
    timeout_seconds: float = DEFAULT_STAGE_TIMEOUT_SECONDS

    def worker_count(self, inputs: int) -> int:
        """Workers worth starting for `inputs` inputs (never more than there are inputs)."""
        wanted = self.workers or os.cpu_count() or 1
        return max(1, min(wanted, inputs))


@dataclass(frozen=True)
class Settings:
    """The resolved workspace: accounts, sources, timezone, snapshot date, declared formats.

    `formats` are the export formats declared in `[[formats]]`; detection tries them beside the
    built-in ones. `memory_limit` caps DuckDB's memory in writing runs, `lock_wait_seconds`
    bounds how long a writing run waits while another one writes the database, and
    `keep_previous` whether a publish keeps the file it replaces for the next run to start from
    (`[database]`, `flows.publish.previous_generation`).
    `zones` says where the raw and staging zones live (`[zones]`: folders beside the database,
    or URLs); `parquet_export` where every published run also writes its metric tables as
    hive-partitioned Parquet (`[publish] parquet`).
    """

    name: str
    timezone: str
    accounts: tuple[Account, ...]
    sources: tuple[Source, ...]
    config_path: Path | None
    as_of: date | None = None
    formats: tuple[FormatSpec, ...] = ()
    targets: tuple[Target, ...] = ()
    api_sources: tuple[ApiSource, ...] = ()
    memory_limit: str = DEFAULT_MEMORY_LIMIT
    lock_wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS
    keep_previous: bool = DEFAULT_KEEP_PREVIOUS
    zones: ZonesConfig = field(default_factory=ZonesConfig)
    parquet_export: str | None = None  # `[publish] parquet`: folder or URL; None: no export
    runner: RunnerConfig = field(default_factory=RunnerConfig)

    def account(self, reference: str) -> Account:
        """Resolve `platform:account_id` (or `platform:handle`) to a configured or new account."""
        platform, sep, ident = reference.partition(":")
        if not sep or not platform or not ident:
            raise InputError(f"account reference '{reference}' is not platform:id")
        for account in self.accounts:
            if account.platform == platform and ident in (account.account_id, account.handle):
                return account
        return Account(platform=platform, account_id=ident, timezone=self.timezone)

    def posts_from_api(self) -> tuple[tuple[str, str, str], ...]:
        """(platform, account id, API source name) of accounts whose exports' posts are skipped.

        An API source loads these accounts' posts under ids no export of theirs uses. LinkedIn's
        API names a Page's posts by share/ugcPost URNs, its content export by activity URNs, and
        no documented mapping joins them: loading both would count every post twice.
        """
        return tuple(
            ("linkedin", account_id_for("organizations", raw_id), source.name)
            for source in self.api_sources
            if source.kind == "linkedin_community"
            for raw_id in source.ids.get("organizations", ())
        )


def today_in(timezone: str) -> date:
    """The local date in the workspace timezone (the default snapshot date)."""
    return datetime.now(ZoneInfo(timezone)).date()


def account_id_for(ids_key: str, raw_id: str) -> str:
    """The canonical account id of a configured id (GA4 `properties/<id>`, Meta ads `act_<id>`).

    A LinkedIn organization is its numeric id (`urn:li:organization:<id>` configured), as the
    Page exports name it (`--account linkedin:<organization id>`).
    """
    if ids_key == "properties" and not raw_id.startswith("properties/"):
        return f"properties/{raw_id}"
    if ids_key == "ad_accounts" and not raw_id.startswith("act_"):
        return f"act_{raw_id}"
    if ids_key == "organizations":
        return raw_id.removeprefix("urn:li:organization:")
    return raw_id


def resolve_db(db: str | None) -> Path:
    """The published database path: `--db`, else `KUNCI_DB`, else `data/kunci.duckdb`."""
    return Path(db or os.environ.get("KUNCI_DB") or DEFAULT_DB)


def config_path(config: str | None) -> Path | None:
    """The config file: `--config`, else `KUNCI_CONFIG`, else `./kunci.toml`; None if none."""
    named = config or os.environ.get("KUNCI_CONFIG")
    if named:
        path = Path(named)
        if not path.is_file():
            raise InputError(f"{path}: config file not found")
        return path
    local = Path("kunci.toml")
    return local if local.is_file() else None


def load_settings(config: str | None = None) -> Settings:
    """Read and validate the configuration; raises InputError naming the file and key."""
    path = config_path(config)
    if path is None:
        return Settings(name=Path.cwd().name, timezone=DEFAULT_TIMEZONE, accounts=(), sources=(),
                        config_path=None)  # fmt: skip
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from None
    # Imported here: a command without a configuration and a staging worker never build them.
    from flows.config import tables as config_tables

    config_file, api_tables = config_tables.read(path, raw)
    workspace = config_file.workspace
    accounts = tuple(_account(entry, workspace.timezone) for entry in config_file.accounts)
    partial = Settings(workspace.name or path.parent.name, workspace.timezone, accounts, (), path)
    sources = tuple(
        Source(
            kind=entry.kind,
            path=path.parent / entry.path,
            account=partial.account(entry.account) if entry.account else None,
        )
        for entry in config_tables.export_sources(path, config_file)
    )
    api_sources = tuple(_api_source(table) for table in api_tables)
    _unique_names(path, api_sources)
    return Settings(
        name=partial.name,
        timezone=workspace.timezone,
        accounts=accounts,
        sources=sources,
        config_path=path,
        as_of=workspace.as_of,
        formats=_formats(path, config_file.formats),
        targets=parse_targets(path, config_file.targets, SQL_DIR / "seeds" / "metric_catalog.csv"),
        api_sources=api_sources,
        memory_limit=config_file.database.memory_limit,
        lock_wait_seconds=config_file.database.lock_wait_seconds,
        keep_previous=config_file.database.keep_previous,
        zones=parse_zones(path, config_file.zones),
        parquet_export=_parquet_export(path, config_file.publish),
        runner=_runner(path, config_file.runner),
    )


def _parquet_export(path: Path, publish: Any) -> str | None:
    """`[publish] parquet`: a folder (relative to the config file) or a URL, or None."""
    if not isinstance(publish, dict):
        raise InputError(f"{path}: publish must be a [publish] table")
    unknown = sorted(set(publish) - {"parquet"})
    if unknown:
        raise InputError(f"{path}: publish has unknown key {', '.join(unknown)}")
    value = publish.get("parquet")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{path}: publish.parquet must be a folder or a URL, got {value!r}")
    return root_of(path, value.strip())


def _runner(path: Path, entry: Any) -> RunnerConfig:
    """`[runner]`: how inputs are staged in parallel; errors name the file and the key."""
    if not isinstance(entry, dict):
        raise InputError(f"{path}: runner must be a [runner] table")
    unknown = set(entry) - {"kind", "workers", "dask_address", "timeout_seconds"}
    if unknown:
        raise InputError(f"{path}: runner has unknown keys: {', '.join(sorted(unknown))}")
    kind = entry.get("kind", "processes")
    if kind not in RUNNER_KINDS:
        raise InputError(
            f"{path}: runner.kind must be one of {', '.join(RUNNER_KINDS)}, got {kind!r}"
        )
    workers = entry.get("workers", 0)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
        raise InputError(
            f"{path}: runner.workers must be a whole number (0: one per CPU), got {workers!r}"
        )
    timeout = entry.get("timeout_seconds", DEFAULT_STAGE_TIMEOUT_SECONDS)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise InputError(
            f"{path}: runner.timeout_seconds must be a positive number, got {timeout!r}"
        )
    address = entry.get("dask_address")
    if address is not None and (not isinstance(address, str) or "://" not in address):
        raise InputError(
            f"{path}: runner.dask_address must be a URL such as tcp://host:8786, got {address!r}"
        )
    return RunnerConfig(str(kind), workers, address, float(timeout))


def _account(entry: "config_tables.AccountTable", timezone: str) -> Account:
    return Account(
        platform=entry.platform,
        account_id=entry.account_id,
        handle=entry.handle.lower().lstrip("@") if entry.handle else None,
        account_name=entry.name,
        timezone=entry.timezone or timezone,
        currency=entry.currency,
        is_own=entry.is_own,
        brand=entry.brand,
    )


def _api_source(table: "config_tables.ApiSourceTable") -> ApiSource:
    """The connector's view of a validated API entry: ids by list, options as given."""
    from flows.config.tables import API_KINDS  # imported by `load_settings`, its only caller

    kind = API_KINDS[table.kind]
    given = table.model_fields_set
    lookback = getattr(table, "attribution_window_days", table.lookback_days)
    return ApiSource(
        name=table.name or table.kind,
        kind=table.kind,
        token_env=table.token_env,
        base_url=(table.base_url or kind.base_url).rstrip("/"),
        ids={key: getattr(table, key) for key in kind.ids},
        start_date=table.start_date,
        history_days=table.history_days if "history_days" in given else kind.history_days,
        lookback_days=lookback,
        window_days=table.window_days,
        post_refresh_days=table.post_refresh_days,
        options={key: getattr(table, key) for key in kind.options if key in given},
    )


def _unique_names(path: Path, sources: tuple[ApiSource, ...]) -> None:
    """Source names key the incremental state and the raw zone, so they must be unique."""
    seen: set[str] = set()
    for source in sources:
        if source.name in seen:
            raise InputError(
                f"{path}: two API sources are named '{source.name}'; give each a distinct 'name'"
            )
        seen.add(source.name)


def _formats(path: Path, entries: Any) -> tuple[FormatSpec, ...]:
    """Validate `[[formats]]`: one-line errors naming the entry, names unique among all formats."""
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InputError(f"{path}: formats must be [[formats]] tables")
    taken = {spec.name for spec in FORMATS}
    specs = []
    for index, entry in enumerate(entries):
        label = f"formats[{index}]" + (f" ({entry['name']})" if entry.get("name") else "")
        try:
            spec = declared.spec(declared.declare(entry))
        except InputError as exc:
            raise InputError(f"{path}: {label}: {exc}") from None
        if spec.name in taken:
            raise InputError(f"{path}: {label}: name '{spec.name}' is already a format's name")
        taken.add(spec.name)
        specs.append(spec)
    return tuple(specs)


def configure_prefect() -> None:
    """Make Prefect run offline and self-contained unless the user configured it otherwise.

    Must run before `prefect` is imported: Prefect reads these settings at import time.
    """
    os.environ.setdefault("PREFECT_HOME", str(REPO_ROOT / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("PREFECT_UI_ENABLED", "false")
    os.environ.setdefault("PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY", "false")
