"""What the command line shows people: rich tables on stdout and progress bars on stderr.

A terminal gets colours and a live progress bar. A pipe, a file or a log (or `NO_COLOR` set) gets
plain text with no escape codes and one line per table row, so `grep` and CI logs keep working;
progress is then silent, since a bar redrawn in a log file is noise. Machines use `--json` instead.
rich loads only when something is drawn: a run that nobody watches on a terminal (a pipe, a log, a
scheduler) never imports it, so a command's start stays short.
"""

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

PLAIN_WIDTH = 1000  # wide enough that a plain table row is never wrapped


def is_plain(stream: IO[str]) -> bool:
    """True when `stream` is not a terminal or the user asked for no colour (`NO_COLOR`)."""
    return bool(os.environ.get("NO_COLOR")) or not stream.isatty()


def stdout_console() -> "Console":
    """A console on the current stdout: styled on a terminal, plain text otherwise."""
    from rich.console import Console

    stream = sys.stdout
    if is_plain(stream):
        return Console(
            file=stream,
            force_terminal=False,
            color_system=None,
            width=PLAIN_WIDTH,
            highlight=False,
            markup=False,
            emoji=False,
        )
    return Console(file=stream, highlight=False, markup=False, emoji=False)


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    numeric: Iterable[str] = (),
    row_style: Callable[[Sequence[object]], str | None] | None = None,
) -> "Table":
    """A table in the house look; None shows as blank; long text wraps, it is never cut.

    `numeric` columns are right-aligned; `row_style` gives a row's style on a terminal (e.g.
    "red" for a failed load).
    """
    from rich import box
    from rich.table import Table

    right = set(numeric)
    grid = Table(box=box.SIMPLE_HEAD, header_style="bold", show_edge=False, pad_edge=False)
    for header in headers:
        grid.add_column(header, justify="right" if header in right else "left", overflow="fold")
    for row in rows:
        cells = ["" if value is None else str(value) for value in row]
        grid.add_row(*cells, style=row_style(row) if row_style else None)
    return grid


def show(*lines: "str | Table") -> None:
    """Print text lines and tables to stdout; plain output carries no trailing blanks."""
    out = stdout_console()
    if not is_plain(out.file):
        for line in lines:
            out.print(line)
        return
    with out.capture() as captured:
        for line in lines:
            out.print(line)
    out.file.write("".join(f"{row.rstrip()}\n" for row in captured.get().splitlines()))


@contextmanager
def progress(
    description: str, total: int | None = None, stream: IO[str] | None = None
) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr while the block runs; yields `advance(label)` to call per step.

    Silent (the yielded function does nothing) when stderr is not a terminal or `NO_COLOR` is
    set. `label` names the item just finished (a file name); `total` None shows a spinner only.
    """
    target = sys.stderr if stream is None else stream
    if is_plain(target):
        yield _ignore
        return
    from rich.console import Console
    from rich.progress import (  # only a terminal draws a bar
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[label]}"),
        console=Console(file=target, highlight=False, markup=False, emoji=False),
        transient=True,
    )
    with bar:
        task = bar.add_task(description, total=total, label="")

        def advance(label: str) -> None:
            bar.update(task, advance=1, label=label, refresh=True)

        yield advance


def _ignore(label: str) -> None:
    """The silent progress: nothing to show when nobody watches a terminal."""
