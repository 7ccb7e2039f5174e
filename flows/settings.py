"""Settings: `kunci.toml` plus environment, resolved once; the only place paths are decided.

Precedence: command-line flags, then environment (`KUNCI_DB`), then `kunci.toml` (from `--config`,
else the working directory), else the bundled demo workspace. Paths in a config file are relative to
that file. Credentials are never stored here, only the names of environment variables holding them.
"""

import os
import tomllib
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Settings:
    """The resolved workspace: accounts, sources, timezone, snapshot date, declared formats.

    `formats` are the export formats declared in `[[formats]]`; detection tries them beside the
    built-in ones.
    """

    name: str
    timezone: str
    accounts: tuple[Account, ...]
    sources: tuple[Source, ...]
    config_path: Path | None
    as_of: date | None = None
    formats: tuple[FormatSpec, ...] = ()
    targets: tuple[Target, ...] = ()

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
    sources = tuple(
        _source(path, i, entry, partial) for i, entry in enumerate(raw.get("sources", []))
    )
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
    )


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
        raise InputError(f"{path}: sources[{index}] has unsupported kind {kind!r} (known: exports)")
    if not entry.get("path"):
        raise InputError(f"{path}: sources[{index}] has no 'path'")
    account = settings.account(str(entry["account"])) if entry.get("account") else None
    return Source(kind=kind, path=(path.parent / str(entry["path"])), account=account)


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
