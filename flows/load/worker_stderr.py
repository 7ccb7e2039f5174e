"""A staging worker's stderr, kept off the terminal until Kunci knows what it was.

Native code that aborts a worker (calamine's Rust: "memory allocation of N bytes failed", and with
`RUST_BACKTRACE=1` some 60 lines of backtrace) writes to the worker's stderr, which was the
command's: those lines landed around Kunci's one line per failed input. Each worker now writes its
stderr to an unnamed temporary file of its own, read after each input:
- the input staged: what the worker wrote meanwhile (warnings) is relayed to this process's stderr
  as it was written, so nothing is lost or reworded;
- the worker died (or was killed at the timeout): its output goes to the `kunci.workers` log (shown
  by `--verbose`), and the first meaningful line of it joins the input's one-line reason.
"""

import logging
import os
import re
import sys
import tempfile

LOGGER = logging.getLogger("kunci.workers")
LOGGER.addHandler(logging.NullHandler())  # a library caller sees nothing unless it configures it

MESSAGE_CHARACTERS = 200  # of the native message in a reason: one line of a terminal or two
_READ_BYTES = 1 << 20  # read at a time: a worker's output is relayed or logged in pieces
_PYTHON_WARNING = re.compile(r"^\S.*:\d+: \w*Warning: ")
_TRACEBACK = "Traceback (most recent call last):"


class WorkerStderr:
    """The temporary file one worker process writes its stderr to, and how much of it was read.

    The worker shares the file's offset (it inherits the descriptor), so this side reads with
    `os.pread`, which leaves the offset where the worker's next write goes.
    """

    def __init__(self) -> None:
        """An empty file, removed by the system once closed (it has no name)."""
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by `close`, as the worker ends)
        self._read = 0

    def relay(self) -> None:
        """Copy what the worker wrote since the last read to this process's stderr."""
        while chunk := self._next():
            sys.stderr.write(chunk.decode(errors="replace"))
        sys.stderr.flush()

    def last_words(self, source: str) -> str | None:
        """Log what the dead worker wrote since the last read; its first meaningful line, if any."""
        text = b"".join(iter(self._next, b"")).decode(errors="replace")
        if not text.strip():
            return None
        LOGGER.warning("the worker staging %s wrote before it ended:\n%s", source, text.rstrip())
        return first_message(text)

    def close(self) -> None:
        """Remove the file."""
        self.file.close()

    def _next(self) -> bytes:
        chunk = os.pread(self.file.fileno(), _READ_BYTES, self._read)
        self._read += len(chunk)
        return chunk


def first_message(text: str) -> str | None:
    """The line of a dying process's output that says what happened, cut to one line of a reason.

    Skips what is not the message: blank and indented lines (backtrace frames, a warning's
    source line), Rust's `note:` hints, Python warnings written before the crash. A line ending
    in a colon is joined with the next (Rust's "thread … panicked at src/x.rs:1:2:" then its
    message); a Python traceback gives its last line, the exception.
    """
    lines = [
        line.strip()
        for line in text.splitlines()
        if line.strip()
        and not line[0].isspace()
        and not line.startswith("note: ")
        and not _PYTHON_WARNING.match(line)
    ]
    if not lines:
        return None
    if lines[0] == _TRACEBACK:
        message = lines[-1]
    elif lines[0].endswith(":") and len(lines) > 1:
        message = f"{lines[0]} {lines[1]}"
    else:
        message = lines[0]
    if len(message) > MESSAGE_CHARACTERS:
        return message[: MESSAGE_CHARACTERS - 1] + "…"
    return message
