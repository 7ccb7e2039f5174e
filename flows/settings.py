"""Settings: `kunci.toml` plus environment, resolved once; the only place paths are decided.

Precedence: command-line flags, then environment (`KUNCI_DB`), then `kunci.toml` (from `--config`,
else the working directory), else the bundled demo workspace. Paths in a config file are relative to
that file. Credentials are never stored here, only the names of environment variables holding them.
"""

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from flows.targets import Target, parse_targets
from transforms.context import Account
from transforms.detect import FormatSpec
from transforms.errors import InputError
from transforms.formats import FORMATS, declared

REPO_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = REPO_ROOT / "sql"
DEMO_CONFIG = REPO_ROOT / "data" / "demo" / "kunci.toml"
DEFAULT_DB = Path("data") / "kunci.duckdb"
DEFAULT_TIMEZONE = "Asia/Jakarta"


@dataclass(frozen=True)
class Source:
    """A configured input: a folder or file of exports, optionally bound to one account."""

    kind: str
    path: Path
    account: Account | None = None


API_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    # kind: (default base URL, the id lists a source of that kind may name)
    "meta_graph": ("https://graph.facebook.com/v24.0", ("pages", "instagram_accounts")),
    "youtube_analytics": ("https://youtubeanalytics.googleapis.com", ("channels",)),
    "ga4": ("https://analyticsdata.googleapis.com", ("properties",)),
    "meta_ads": ("https://graph.facebook.com/v24.0", ("ad_accounts",)),
}
DEFAULT_LOOKBACK_DAYS = 7
DEFAULT_WINDOW_DAYS = 90
DEFAULT_HISTORY_DAYS = 30
DEFAULT_POST_REFRESH_DAYS = 28  # posts this young get their lifetime insights read again each run
DEFAULT_CHUNK_DAYS = 30  # days a backfill publishes at a time (`kunci run backfill --chunk-days`)
DEFAULT_MEMORY_LIMIT = "1GB"  # DuckDB's memory for a writing run; beyond it, it spills to disk
DEFAULT_STAGE_TIMEOUT_SECONDS = 15 * 60  # one input's staging; a hung parse is killed after it
RUNNER_KINDS = ("processes", "threads", "dask")
_MEMORY = re.compile(r"^\s*\d+(\.\d+)?\s*([KMGT]i?B|B)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ApiSource:
    """A configured API source: which API, whose token (by variable name), which accounts.

    `ids` maps an id list name (`pages`, `instagram_accounts`, `channels`, `properties`) to its
    ids. `start_date` is where a first pull begins (default: `history_days` before today);
    `lookback_days` are re-pulled every run because recent metrics keep maturing; `window_days`
    caps one request's date range (Meta allows 90). `post_refresh_days`: every run reads the
    lifetime insights of posts published that many days back again (0 turns it off), because
    reach, views and watch time keep growing for weeks after the lookback. `options` holds
    kind-specific keys (`data_base_url` for YouTube, `lead_events` for GA4, `app_secret_env` for
    Meta, ...).
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
    """How inputs are staged in parallel (`[runner]`): see `flows.staging`.

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
    built-in ones. `memory_limit` caps DuckDB's memory in writing runs (`[database]`).
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


def resolve_db(db: str | None) -> Path:
    """The published database path: `--db`, else `KUNCI_DB`, else `data/kunci.duckdb`."""
    return Path(db or os.environ.get("KUNCI_DB") or DEFAULT_DB)


def config_path(config: str | None) -> Path:
    """The config file: `--config`, else `./kunci.toml` if present, else the bundled demo."""
    if config is not None:
        path = Path(config)
        if not path.is_file():
            raise InputError(f"{path}: config file not found")
        return path
    local = Path("kunci.toml")
    return local if local.is_file() else DEMO_CONFIG


def load_settings(config: str | None = None) -> Settings:
    """Read and validate the configuration; raises InputError naming the file and key."""
    path = config_path(config)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from None
    workspace = raw.get("workspace", {})
    timezone = str(workspace.get("timezone", DEFAULT_TIMEZONE))
    accounts = tuple(
        _account(path, i, entry, timezone) for i, entry in enumerate(raw.get("accounts", []))
    )
    partial = Settings(str(workspace.get("name", path.parent.name)), timezone, accounts, (), path)
    entries = list(enumerate(raw.get("sources", [])))
    sources = tuple(
        _source(path, i, entry, partial)
        for i, entry in entries
        if entry.get("kind") not in API_KINDS
    )
    api_sources = tuple(
        _api_source(path, i, entry) for i, entry in entries if entry.get("kind") in API_KINDS
    )
    _unique_names(path, api_sources)
    as_of = workspace.get("as_of")
    return Settings(
        name=partial.name,
        timezone=timezone,
        accounts=accounts,
        sources=sources,
        config_path=path,
        as_of=date.fromisoformat(str(as_of)) if as_of else None,
        formats=_formats(path, raw.get("formats", [])),
        targets=parse_targets(
            path, raw.get("targets", []), SQL_DIR / "seeds" / "metric_catalog.csv"
        ),
        api_sources=api_sources,
        memory_limit=_memory_limit(path, raw.get("database", {})),
        runner=_runner(path, raw.get("runner", {})),
    )


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


def _memory_limit(path: Path, database: Any) -> str:
    """`[database] memory_limit`: a size DuckDB understands, checked here to fail in one line.

    A percentage of the machine's memory is refused on purpose: DuckDB's default (80%) is what
    let a backfill's build reach 3.3 GB, and a size says what the run may take on any machine.
    """
    if not isinstance(database, dict):
        raise InputError(f"{path}: database must be a [database] table")
    value = database.get("memory_limit", DEFAULT_MEMORY_LIMIT)
    if not isinstance(value, str) or not _MEMORY.match(value):
        raise InputError(
            f'{path}: database.memory_limit must be a size such as "1GB" or "512MB", got {value!r}'
        )
    return value.strip()


def _account(path: Path, index: int, entry: dict[str, Any], timezone: str) -> Account:
    for key in ("platform", "account_id"):
        if not entry.get(key):
            raise InputError(f"{path}: accounts[{index}] has no '{key}'")
    handle = entry.get("handle")
    return Account(
        platform=str(entry["platform"]),
        account_id=str(entry["account_id"]),
        handle=str(handle).lower().lstrip("@") if handle else None,
        account_name=entry.get("name"),
        timezone=str(entry.get("timezone", timezone)),
        currency=entry.get("currency"),
        is_own=bool(entry.get("is_own", True)),
        brand=entry.get("brand"),
    )


def _source(path: Path, index: int, entry: dict[str, Any], settings: Settings) -> Source:
    kind = entry.get("kind")
    if kind != "exports":
        known = ", ".join(["exports", *API_KINDS])
        raise InputError(f"{path}: sources[{index}] has unsupported kind {kind!r} (known: {known})")
    if not entry.get("path"):
        raise InputError(f"{path}: sources[{index}] has no 'path'")
    account = settings.account(str(entry["account"])) if entry.get("account") else None
    return Source(kind=kind, path=(path.parent / str(entry["path"])), account=account)


def _api_source(path: Path, index: int, entry: dict[str, Any]) -> ApiSource:
    """Validate one API `[[sources]]` entry; errors name the file, the entry and the key."""
    kind = str(entry["kind"])
    label = f"{path}: sources[{index}] ({kind})"
    default_url, id_keys = API_KINDS[kind]
    token_env = entry.get("token_env")
    if not isinstance(token_env, str) or not token_env:
        raise InputError(f"{label} has no 'token_env' (the environment variable holding the token)")
    ids: dict[str, tuple[str, ...]] = {}
    for key in id_keys:
        values = entry.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str | int) for v in values):
            raise InputError(f"{label}: '{key}' must be a list of ids")
        ids[key] = tuple(str(v) for v in values)
    if not any(ids.values()):
        raise InputError(f"{label} names no ids (give {' or '.join(repr(k) for k in id_keys)})")
    numbers = {}
    for key, default in (
        ("history_days", DEFAULT_HISTORY_DAYS),
        ("lookback_days", DEFAULT_LOOKBACK_DAYS),
        ("window_days", DEFAULT_WINDOW_DAYS),
        ("post_refresh_days", DEFAULT_POST_REFRESH_DAYS),
    ):
        value = entry.get(key, default)
        least = 0 if key in ("lookback_days", "post_refresh_days") else 1
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise InputError(f"{label}: '{key}' must be a whole number of days, got {value!r}")
        numbers[key] = value
    if kind == "meta_graph" and numbers["window_days"] > 90:
        raise InputError(f"{label}: 'window_days' is at most 90 for the Meta Graph API")
    if kind == "meta_ads":
        numbers["lookback_days"] = _attribution_days(label, entry)
    start = entry.get("start_date")
    known = {"kind", "name", "token_env", "base_url", "start_date", *id_keys, *numbers}
    known.add("attribution_window_days")
    return ApiSource(
        name=str(entry.get("name", kind)),
        kind=kind,
        token_env=token_env,
        base_url=str(entry.get("base_url", default_url)).rstrip("/"),
        ids=ids,
        start_date=_iso_date(label, "start_date", start) if start is not None else None,
        options={k: v for k, v in entry.items() if k not in known},
        **numbers,
    )


def _attribution_days(label: str, entry: dict[str, Any]) -> int:
    """Meta ads: `attribution_window_days` (default 7) is the source's lookback.

    Conversions are attributed to the day of the ad's impression, days later, so every run pulls
    that many days before the last pulled date again; `lookback_days` would say the same thing
    twice, so it is refused here.
    """
    if "lookback_days" in entry:
        raise InputError(f"{label}: give 'attribution_window_days' instead of 'lookback_days'")
    value = entry.get("attribution_window_days", DEFAULT_LOOKBACK_DAYS)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InputError(
            f"{label}: 'attribution_window_days' must be a whole number of days, got {value!r}"
        )
    return value


def _iso_date(label: str, key: str, value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"{label}: '{key}' is not an ISO date: {value!r}") from None


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
