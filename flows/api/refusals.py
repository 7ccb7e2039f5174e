"""Asking for metrics an API may refuse: drop the refused ones, remember them, ask again.

Meta and Google refuse a whole request when one of its metrics is unknown or retired (see
`transforms.api.refusals` for their wording). The refusal is kept (the mapping turns it into a
note), the metrics are remembered on the client for the rest of the run (per scope of the
connector's choosing: a metric one request kind refuses may be fine in another), and the request
is asked again without them, so a retired metric costs one column, not the stream.
"""

from collections.abc import Callable, Sequence

from flows.api.client import ApiClient
from flows.api.errors import InvalidMetricError, ItemError
from transforms.api.envelope import Envelope


def ask_for_metrics(
    client: ApiClient,
    scope: str,
    metrics: Sequence[str],
    send: Callable[[list[str]], Envelope],
    kept: list[Envelope],
) -> Envelope | None:
    """`send(metrics)` without the metrics refused so far; None if none is left or no data.

    Refusals and item errors are appended to `kept` (the envelopes the mapping needs). A refusal
    naming no metric that was asked is kept and raised: asking the same again would loop (Meta's
    connector then asks one metric at a time).
    """
    dropped = client.dropped_metrics.setdefault(scope, set())
    while True:
        asked = [metric for metric in metrics if metric not in dropped]
        if not asked:
            return None
        try:
            return send(asked)
        except InvalidMetricError as error:
            if error.envelope is None:
                raise
            kept.append(error.envelope)
            refused = set(error.metrics) & set(asked)
            if not refused:
                raise
            dropped |= refused
        except ItemError as error:
            if error.envelope is None:
                raise
            kept.append(error.envelope)
            return None
