"""Zones: where the raw inputs and the staged frames live, a local folder or an object-storage URL.

A zone is a root (a path, or an fsspec URL such as `s3://bucket/raw`, `gs://...`, `az://...`,
`memory://...`) and the few operations the raw zone, the API raw log and staging need: write an
object whole, read it, test it, list a prefix, remove it, name it, fetch it as a local file.
Objects are addressed by a POSIX path relative to the root, which is what the ledger keeps
(`ops.load.raw_path`), so moving a zone changes one setting, not the database.

Writes appear whole or not at all: a local file is written beside its target and renamed over it;
an object store publishes an object only when its upload completes (an S3 PUT or a completed
multipart upload, a GCS or Azure blob upload), so a reader never sees half an object. Object
storage has no rename, and needs none here: raw inputs are content-addressed by their SHA-256, so
an object written early by a run that later fails is the same object the rerun would write, and
manifests are written last, once what they list is stored.

Credentials never live in the configuration or in a `Zone`: `[zones.storage]` names the
environment variables holding them (`key_env = "KUNCI_S3_KEY"`), and they are read when a
filesystem is opened, in the process that opens it. A `Zone` therefore pickles to process and Dask
workers without carrying a secret. fsspec and its backends load only when a URL zone is used.
"""

import contextlib
import os
import secrets
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from transforms.errors import InputError

DEFAULT_RAW = "raw"  # folder names beside the published database when no URL is configured
DEFAULT_STAGING = "staging"
# Options that hold a secret: refused as literal values, given as `<name>_env` instead.
SECRET_OPTIONS = frozenset(
    {
        "key",
        "secret",
        "token",
        "password",
        "session_token",
        "account_key",
        "sas_token",
        "connection_string",
        "client_secret",
        "credentials",
    }
)
# Values of those options that name an authentication method rather than hold a secret: gcsfs'
# `token = "anon"` (a public bucket, or a local emulator) or `"google_default"` (the machine's
# application-default credentials).
METHOD_VALUES = {"token": frozenset({"anon", "google_default", "cloud", "cache"})}


@dataclass(frozen=True)
class Storage:
    """fsspec storage options: plain values, and secrets by the name of their variable."""

    options: tuple[tuple[str, Any], ...] = ()
    secret_envs: tuple[tuple[str, str], ...] = ()  # (option, environment variable name)

    def resolve(self) -> dict[str, Any]:
        """The options fsspec takes, secrets read from the environment now.

        A missing variable is a one-line error naming it (never a value).
        """
        resolved = dict(self.options)
        for option, variable in self.secret_envs:
            value = os.environ.get(variable, "")
            if not value:
                raise InputError(f"zones.storage: environment variable {variable} is not set")
            resolved[option] = value
        return resolved


@dataclass(frozen=True)
class Zone:
    """A root (local folder or URL) and the object operations the zones need."""

    location: str
    storage: Storage = field(default_factory=Storage)

    @property
    def is_local(self) -> bool:
        """A plain path (or a `file://` URL) is used through the OS, without fsspec."""
        return "://" not in self.location or self.location.startswith("file://")

    def url_of(self, relative: str) -> str:
        """The object's full path or URL, for messages and for readers such as DuckDB."""
        if self.is_local:
            return str(self._local(relative))
        return f"{self.location.rstrip('/')}/{_checked(relative)}"

    def write(self, relative: str, data: bytes) -> None:
        """Store `data` at `relative`, whole or not at all (replacing what was there)."""
        if self.is_local:
            target = self._local(relative)
            # A name of its own, so two processes landing the same object never share a file.
            partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
            write_creating_folders(partial, lambda path: path.write_bytes(data))
            partial.replace(target)
            return
        fs, root = self._fs()
        fs.pipe_file(f"{root}/{_checked(relative)}", data)

    def read(self, relative: str) -> bytes:
        """The object's bytes; FileNotFoundError (an OSError) when it is absent."""
        if self.is_local:
            return self._local(relative).read_bytes()
        fs, root = self._fs()
        data: bytes = fs.cat_file(f"{root}/{_checked(relative)}")
        return data

    def exists(self, relative: str) -> bool:
        """Whether the object is there."""
        if self.is_local:
            return self._local(relative).is_file()
        fs, root = self._fs()
        path = f"{root}/{_checked(relative)}"
        fs.invalidate_cache(path)  # another process may have written it since we last looked
        return bool(fs.exists(path))

    def list(self, prefix: str = "") -> list[str]:
        """Relative paths of every object under `prefix`, sorted; hidden (partial) names skipped."""
        if self.is_local:
            base = self._local(prefix) if prefix else Path(self._local_root())
            found = [p for p in base.rglob("*") if p.is_file()] if base.is_dir() else []
            names = [p.relative_to(self._local_root()).as_posix() for p in found]
        else:
            fs, root = self._fs()
            start = f"{root}/{_checked(prefix)}" if prefix else root
            fs.invalidate_cache(start)
            names = [str(p)[len(root) + 1 :] for p in fs.find(start)]
        return sorted(n for n in names if not any(part.startswith(".") for part in n.split("/")))

    def remove(self, relative: str) -> None:
        """Delete the object (or, locally, the folder); absent is not an error."""
        if self.is_local:
            target = self._local(relative)
            if target.is_dir():
                shutil.rmtree(target, ignore_errors=True)
            else:
                target.unlink(missing_ok=True)
            return
        fs, root = self._fs()
        path = f"{root}/{_checked(relative)}"
        fs.invalidate_cache(path)
        if fs.exists(path):
            fs.rm(path, recursive=True)

    def remove_root_if_empty(self) -> None:
        """Remove a local root folder that holds nothing; a URL zone has no folders to remove.

        Writes create the folders they need (`write`), so nothing relies on an empty root. A
        root holding anything (another database's staging) stays, and so does an empty one that
        cannot be removed (a mount point, a parent not writable): it holds nothing to lose.
        """
        if not self.is_local:
            return  # object storage keeps objects, not folders: removing them left no prefix
        with contextlib.suppress(OSError):  # not empty, absent, busy or not ours to remove
            self._local_root().rmdir()

    def fetch(self, relatives: Sequence[str], into: Path) -> Sequence[Path]:
        """Local files holding these objects, for readers that need files (DuckDB's Parquet).

        A local zone's files are used in place. A URL zone's objects are downloaded into the
        local folder `into`, all at once (fsspec's concurrent `get`): DuckDB reading them
        through a registered fsspec filesystem makes many small requests one after another,
        11x slower on moto's server (`docs/DECISIONLOG.md`).
        """
        if self.is_local:
            return [self._local(relative) for relative in relatives]
        targets = [into / _checked(relative) for relative in relatives]
        for parent in {target.parent for target in targets}:
            parent.mkdir(parents=True, exist_ok=True)
        fs, root = self._fs()
        fs.get([f"{root}/{_checked(r)}" for r in relatives], [str(t) for t in targets])
        return targets

    def replace_tree(self, relative: str, folder: Path) -> None:
        """Make `relative` hold exactly the files of the local `folder` (consumed).

        Locally two renames on one filesystem: a reader sees the old tree or the new one, never
        a mix (for an instant, between the renames, neither). Object storage has no rename of a
        prefix: the old objects are deleted and the new ones uploaded, each object whole, so a
        reader listing during the swap can see part of the tree; readers wait for a marker
        written last (`flows.publish.export` writes `_SUCCESS`).
        """
        if self.is_local:
            target = self._local(relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            if target.exists():
                target.replace(old)
            folder.replace(target)
            shutil.rmtree(old, ignore_errors=True)
            return
        self.remove(relative)
        fs, root = self._fs()
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            fs.put_file(
                str(path), f"{root}/{_checked(relative)}/{path.relative_to(folder).as_posix()}"
            )
        shutil.rmtree(folder, ignore_errors=True)

    def _local_root(self) -> Path:
        return Path(self.location.removeprefix("file://"))

    def _local(self, relative: str) -> Path:
        return self._local_root() / _checked(relative)

    def _fs(self) -> tuple[Any, str]:
        """The fsspec filesystem and the root's path within it (fsspec caches the instance)."""
        from fsspec.core import url_to_fs  # type: ignore[import-untyped]  # URL zones only

        fs, root = url_to_fs(self.location, **self.storage.resolve())
        return fs, str(root).rstrip("/")


def write_creating_folders(path: Path, write: Callable[[Path], object]) -> None:
    """`write(path)`, creating the path's folders only when they are missing.

    Tried first, since the folder is there for all but the first of the many objects written
    into it: asking for it before every write cost a system call per object, about 0.1 ms each
    on this machine's disk, three times per staged input.
    """
    try:
        write(path)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(path)


@dataclass(frozen=True)
class ZonesConfig:
    """`[zones]`: the raw and staging roots (None: the folders beside the database)."""

    raw: str | None = None
    staging: str | None = None
    storage: Storage = field(default_factory=Storage)

    def raw_for(self, published: Path) -> Zone:
        """The raw zone of a workspace whose published database is `published`."""
        return Zone(self.raw or str(published.parent / DEFAULT_RAW), self.storage)

    def staging_for(self, published: Path) -> Zone:
        """The staging zone of that workspace."""
        return Zone(self.staging or str(published.parent / DEFAULT_STAGING), self.storage)


def at(location: "Zone | Path | str") -> Zone:
    """A zone as given, or the zone rooted at a path or URL (no storage options)."""
    return location if isinstance(location, Zone) else Zone(str(location))


def parse_zones(config: Path, table: Any) -> ZonesConfig:
    """Validate `[zones]` of `config`; local roots are relative to the config file.

    Errors name the file and the key in one line; a secret given as a value is refused.
    """
    if not isinstance(table, dict):
        raise InputError(f"{config}: zones must be a [zones] table")
    unknown = sorted(set(table) - {"raw", "staging", "storage"})
    if unknown:
        raise InputError(f"{config}: zones has unknown key {', '.join(unknown)}")
    roots: dict[str, str | None] = {}
    for key in ("raw", "staging"):
        value = table.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise InputError(f"{config}: zones.{key} must be a path or a URL, got {value!r}")
        roots[key] = root_of(config, value.strip()) if value else None
    return ZonesConfig(roots["raw"], roots["staging"], _storage(config, table.get("storage", {})))


def root_of(config: Path, value: str) -> str:
    """A configured root: a URL as given, a path made absolute against the config file."""
    if "://" in value:
        return value.rstrip("/")
    return str((config.parent / value).resolve())


def _storage(config: Path, table: Any) -> Storage:
    if not isinstance(table, Mapping):
        raise InputError(f"{config}: zones.storage must be a [zones.storage] table")
    options, secret_envs = [], []
    for key, value in table.items():
        if key in SECRET_OPTIONS and value not in METHOD_VALUES.get(key, ()):
            raise InputError(
                f"{config}: zones.storage.{key} holds a secret: give {key}_env, the name of the "
                "environment variable holding it"
            )
        if key.endswith("_env"):
            if not isinstance(value, str) or not value:
                raise InputError(f"{config}: zones.storage.{key} must name a variable")
            secret_envs.append((key.removesuffix("_env"), value))
        elif isinstance(value, str | int | float | bool):
            options.append((key, value))
        else:
            raise InputError(f"{config}: zones.storage.{key} must be a string, number or boolean")
    return Storage(tuple(options), tuple(secret_envs))


def _checked(relative: str) -> str:
    """A relative object path that cannot leave the zone (no absolute path, no `..`)."""
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts:
        raise ValueError(f"{relative!r} is not a path inside the zone")
    return path.as_posix()
