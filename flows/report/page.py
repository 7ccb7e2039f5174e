"""The Jinja2 environment of the report's templates (`templates/`, shipped as package data).

Autoescaping is on for every template, so a value from the tables is text, never markup; only a
chart's SVG (escaped where it is built, `charts.py`) and the stylesheet are passed as `Markup`.
Undefined names fail loudly. An indented template line continues the line above, so templates
are written readably and the page stays compact (the markup has no whitespace between tags).
"""

import re
from functools import cache
from importlib.resources import files

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from jinja2.ext import Extension
from markupsafe import Markup

_CONTINUATION = re.compile(r"\n[ \t]+(?=[<{])")


class _Continuation(Extension):
    """Joins an indented line starting with a tag or a Jinja delimiter to the line above."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        """The template source with its continuation lines joined."""
        return _CONTINUATION.sub("", source)


ENVIRONMENT = Environment(
    loader=PackageLoader("flows.report", "templates"),
    autoescape=select_autoescape(("html", "html.j2"), default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    keep_trailing_newline=True,
    extensions=[_Continuation],
)


@cache
def stylesheet() -> Markup:
    """The report's CSS, inlined into the page (the CSP allows inline styles and nothing else)."""
    return Markup(files("flows.report").joinpath("templates", "report.css").read_text("utf-8"))
