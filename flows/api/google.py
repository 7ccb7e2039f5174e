"""What the Google connectors (YouTube Analytics, GA4) share: asking for metrics an API may refuse.

Google refuses a whole report when one of its metrics is unknown or retired (`Unknown identifier
(x) given in field parameters.metrics`, `Field x is not a valid metric`). The refusal is kept (the
mapping turns it into a note), the metrics are remembered on the client for the rest of the run
(per request kind: a metric one report refuses may be fine in another), and the report is asked
again without them, so a retired metric costs one column, not the stream.
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

    Refusals and item errors are appended to `kept` (the envelopes the mapping needs). An
    invalid-metric error naming no metric that was asked is raised: asking again would loop.
    """
    dropped = client.dropped_metrics.setdefault(scope, set())
    while True:
        asked = [metric for metric in metrics if metric not in dropped]
        if not asked:
            return None
        try:
            return send(asked)
        except InvalidMetricError as error:
            refused = set(error.metrics) & set(asked)
            if not refused or error.envelope is None:
                raise
            kept.append(error.envelope)
            dropped |= refused
        except ItemError as error:
            if error.envelope is None:
                raise
            kept.append(error.envelope)
            return None
