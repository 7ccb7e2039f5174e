"""How Meta and Google word a refused metric, read once for the connectors and the mappings.

The connector (`flows.api.classify`) reads a refusal to drop the metrics and ask again; the mapping
reads the same envelope to note which metrics were dropped. Both read it here, so the note names
the metrics the connector dropped and an answer is a refusal for both or for neither.
"""

import re
from collections.abc import Mapping
from typing import Any

# Where Meta names the metric it refuses, e.g. "the impressions metric is no longer supported",
# "does not support the views metric for this media product type", "The metric shares is not
# supported", "must be a valid insights metric: page_fans".
_META_NAMED = (
    re.compile(r"\bthe (\w+) metric is no longer supported", re.IGNORECASE),
    re.compile(r"\bdoes not support the (\w+) metric\b", re.IGNORECASE),
    re.compile(r"\bthe metric (\w+) is (?:not|no longer) supported", re.IGNORECASE),
    re.compile(r"\bmust be a valid insights metric: *(\w+)", re.IGNORECASE),
)
# Where Meta refuses a metric without naming it: by position, or not at all.
_META_POSITION = re.compile(r"\bmetric\[(\d+)\] must be one of the following values")
_META_UNNAMED = re.compile(
    r"must be a valid insights metric|metric .*is no longer supported", re.IGNORECASE
)
_POSITION_REF = re.compile(r"metric\[(\d+)\]")
# GA4: "Field pageViews is not a valid metric. ..."; YouTube Analytics: "Unknown identifier
# (impressions) given in field parameters.metrics."
_GOOGLE_NAMED = (
    re.compile(r"\bField (\S+?) is not a valid metric"),
    re.compile(r"\bUnknown identifier \(([^)]+)\) given in field parameters\.metrics"),
)


def one_line(text: str) -> str:
    """The text with its line breaks and runs of spaces folded, for one-line messages."""
    return " ".join(text.split())


def meta_refused(message: str) -> tuple[str, ...] | None:
    """The metric names (or `metric[N]` positions) a Graph API code-100 message refuses.

    Empty when it refuses metrics without naming one; None when it refuses no metric.
    """
    for pattern in _META_NAMED:
        found = pattern.findall(message)
        if found:
            return tuple(dict.fromkeys(found))
    positions = _META_POSITION.findall(message)
    if positions:
        return tuple(f"metric[{n}]" for n in dict.fromkeys(positions))
    return () if _META_UNNAMED.search(message) else None


def named_metrics(metrics: tuple[str, ...], params: Mapping[str, Any]) -> tuple[str, ...]:
    """Replace `metric[N]` positions by the names asked for in the comma-separated `metric` param.

    When the API named nothing and only one metric was asked for, that one is the culprit.
    """
    asked = [m.strip() for m in str(params.get("metric", "")).split(",") if m.strip()]
    if not metrics:
        return tuple(asked) if len(asked) == 1 else ()
    names = []
    for metric in metrics:
        ref = _POSITION_REF.fullmatch(metric)
        if ref and int(ref.group(1)) < len(asked):
            names.append(asked[int(ref.group(1))])
        else:
            names.append(metric)
    return tuple(dict.fromkeys(names))


def google_refused(message: str) -> tuple[str, ...]:
    """The metric names a YouTube Analytics or GA4 error message refuses (empty when none)."""
    return tuple(dict.fromkeys(name for p in _GOOGLE_NAMED for name in p.findall(message)))
