"""A parser plug-in whose import takes seconds, as a heavy one's does on a busy machine.

A worker imports it the first time it unpickles a job carrying its parser; how long is read
from `IMPORT_SECONDS_ENV` (absent: no wait), so the test importing it first waits for nothing.
"""

import os
import time

from transforms.context import IngestContext, Normalized, ParsedInput

IMPORT_SECONDS_ENV = "KUNCI_TEST_IMPORT_SECONDS"
time.sleep(float(os.environ.get(IMPORT_SECONDS_ENV, "0")))


def refuse(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Fail at once, so the input's reason says the parse ran (and was not timed out)."""
    raise KeyError("parsed after a slow import")
