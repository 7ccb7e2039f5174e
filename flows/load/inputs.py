"""Which files a run reads: the configured export sources expanded into files, links checked.

Its own module because finding the inputs is one job and reading them another: the run sequence
(`flows.run.jobs`), staging and the tests list inputs without ingesting anything.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from flows.config.settings import Settings
from transforms.context import Account

IGNORED_PREFIXES = (".", "~$")  # hidden files, Excel lock files


@dataclass(frozen=True)
class InputFile:
    """A file to ingest and the account its source binds it to (if any).

    `ignored` says why a file found in a folder is not read (a link leading out of the folder).
    """

    path: Path
    account: Account | None = None
    ignored: str | None = None


def expand(paths: Iterable[Path], account: Account | None = None) -> Iterator[InputFile]:
    """Files under the given paths, sorted; a missing path is yielded so it fails visibly.

    A path the user names is read even when it is a link. Inside a folder, a link (or a file
    under a linked folder) is read only when its target lies inside that folder: an inbox must
    not copy `/etc/passwd` into the raw zone because someone left a link to it there.
    """
    for path in paths:
        if path.is_dir():
            root = path.resolve()
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not p.name.startswith(IGNORED_PREFIXES)
            )
            yield from (_inside(child, root, account) for child in files)
            if not files:
                yield InputFile(path, account)
        else:
            yield InputFile(path, account)


def _inside(child: Path, root: Path, account: Account | None) -> InputFile:
    target = child.resolve()
    if target.is_relative_to(root):
        return InputFile(child, account)
    return InputFile(child, account, ignored=f"a link to {target}, outside the folder: not read")


def inbox(settings: Settings) -> list[InputFile]:
    """Every file of every configured export source (a file listed by two sources counts once)."""
    seen: dict[Path, InputFile] = {}
    for source in settings.sources:
        for item in expand([source.path], source.account):
            seen.setdefault(item.path.resolve(), item)
    return list(seen.values())
