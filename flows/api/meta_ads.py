"""Meta Marketing API connector: ad-level daily insights of each configured ad account.

One stream, `ad_insights` (ad_accounts, windowed): `/act_<id>/insights` with `level=ad`,
`time_increment=1` and the fields the mapping (`transforms.api.meta_ads`) reads, over the pull's
window as `time_range` (the ad account's own dates), `use_unified_attribution_setting=true` so
that actions count as Ads Manager counts them.

Two ways to ask, because Meta answers a large report only as a job:

- **Synchronous** (windows of at most `options.sync_max_days`, default 14 days: the nightly
  re-pull of the attribution window): GET, paged by `paging.next`.
- **Async report job** (longer windows, and any request Meta refuses as too large: code 100
  subcode 1487534 or "Please reduce the amount of data"): POST `/act_<id>/insights` gives a
  `report_run_id`; GET `/<report_run_id>` is polled (`async_status`,
  `async_percent_completion`) every `options.poll_seconds` (default 5, doubling up to 60)
  until "Job Completed", for at most `options.job_timeout_seconds` (default 1800); then GET
  `/<report_run_id>/insights`, paged. "Job Failed" or "Job Skipped" fails the pull (the next
  run asks again).

Every kept envelope carries `item["request"]`: `insights` (a page of rows), `refused` (the
synchronous answer that was too large, noted by the mapping), `job` (the POST's answer),
`status` (the final poll). Throttling (HTTP 429, codes 4, 17, 80000-80014 such as 80004 for ads
insights, `x-fb-ads-insights-throttle` and `x-business-use-case-usage`) is the client's.
"""

import json
from dataclasses import dataclass, field, replace
from typing import Any

from flows.api.classify import meta_error
from flows.api.client import ApiClient
from flows.api.errors import ApiError
from flows.api.rawlog import RawLog
from flows.api.streams import Stream
from flows.config.settings import ApiSource
from transforms.api.envelope import Envelope, Window
from transforms.api.meta_ads import DEFAULT_ACTION_TYPES, FIELDS, action_types, too_much_data
from transforms.errors import InputError

STREAMS = (Stream("ad_insights", "ad_accounts"),)
DEFAULT_SYNC_MAX_DAYS = 14
DEFAULT_PAGE_SIZE = 500
DEFAULT_POLL_SECONDS = 5.0
MAX_POLL_SECONDS = 60.0
DEFAULT_JOB_TIMEOUT_SECONDS = 1800.0
JOB_DONE = "Job Completed"
JOB_DEAD = frozenset({"Job Failed", "Job Skipped"})


class AdsClient(ApiClient):
    """The Graph API client, with `wait`: a pause between polls of a report job."""

    def wait(self, seconds: float, why: str) -> None:
        """Pause (through the client's injectable sleep, so tests choose how long)."""
        self._pause(seconds, why)


def client_for(source: ApiSource, token: str, rawlog: RawLog | None, **kw: Any) -> AdsClient:
    """The Marketing API client: token as `access_token`, Meta's error sorting."""
    return AdsClient(
        source=source, token=token, rawlog=rawlog, auth="query", classify=meta_error, **kw
    )


def pull(
    client: ApiClient, source: ApiSource, stream: Stream, account_id: str, window: Window
) -> list[Envelope]:
    """Every envelope the mapping needs for one ad account and window, in the order received.

    The action types that count as conversions and leads travel in each page's `item`, so the
    mapping (and a replay of the raw zone) reads the rows as they were asked for.
    """
    if stream.name != "ad_insights":
        raise ValueError(f"Meta ads has no stream '{stream.name}'")
    try:
        counted = {
            key: json.dumps(action_types(source.options.get(key, default)))
            for key, default in DEFAULT_ACTION_TYPES.items()
        }
    except InputError as exc:
        raise ApiError(f"source '{source.name}': {exc}") from None
    call = _Call(client, source, stream.name, account_id, window, counted)
    days = (window.end - window.start).days + 1
    if days > int(source.options.get("sync_max_days", DEFAULT_SYNC_MAX_DAYS)):
        call.report_job()
        return call.kept
    try:
        call.synchronous()
    except ApiError as error:
        if error.envelope is None or not too_much_data(error.envelope):
            raise
        refused = error.envelope
        call.kept = [replace(refused, item={**refused.item, "request": "refused"})]
        call.report_job()
    return call.kept


@dataclass
class _Call:
    """One pull in progress: what to ask and what has come back."""

    client: ApiClient
    source: ApiSource
    stream: str
    account_id: str
    window: Window
    counted: dict[str, str]
    kept: list[Envelope] = field(default_factory=list)

    def report(self) -> dict[str, str]:
        """The report's parameters, the same for a synchronous request and a job."""
        since, until = self.window.start.isoformat(), self.window.end.isoformat()
        return {
            "level": "ad",
            "time_increment": "1",
            "time_range": json.dumps({"since": since, "until": until}, separators=(",", ":")),
            "fields": ",".join(FIELDS),
            "use_unified_attribution_setting": "true",
        }

    def limit(self) -> dict[str, str]:
        return {"limit": str(int(self.source.options.get("page_size", DEFAULT_PAGE_SIZE)))}

    def context(self, request: str) -> dict[str, Any]:
        item = {"request": request, **(self.counted if request == "insights" else {})}
        return {
            "stream": self.stream,
            "account_id": self.account_id,
            "window": self.window,
            "item": item,
        }

    def synchronous(self) -> None:
        """GET the insights edge, every page."""
        params = {**self.report(), **self.limit()}
        path = f"{self.account_id}/insights"
        for envelope in self.client.paged(path, params, **self.context("insights")):
            self.kept.append(envelope)

    def report_job(self) -> None:
        """POST a report job, wait for it, then read its result pages."""
        path = f"{self.account_id}/insights"
        answer = self.client.post(path, self.report(), **self.context("job"))
        self.kept.append(answer)
        data = answer.data()
        run = str(data.get("report_run_id") or "") if isinstance(data, dict) else ""
        if not run.isdigit():
            raise ApiError(f"{self.account_id}: the job's answer names no report_run_id", answer)
        self.kept.append(self._wait_for(run))
        for envelope in self.client.paged(
            f"{run}/insights", self.limit(), **self.context("insights")
        ):
            self.kept.append(envelope)

    def _wait_for(self, run: str) -> Envelope:
        """Poll the job until it completes; its last status answer."""
        options = self.source.options
        pause = float(options.get("poll_seconds", DEFAULT_POLL_SECONDS))
        budget = float(options.get("job_timeout_seconds", DEFAULT_JOB_TIMEOUT_SECONDS))
        waited = 0.0
        fields = {"fields": "id,async_status,async_percent_completion"}
        while True:
            status = self.client.get(run, fields, **self.context("status"))
            data = status.data()
            state = str(data.get("async_status")) if isinstance(data, dict) else ""
            percent = data.get("async_percent_completion") if isinstance(data, dict) else None
            if state == JOB_DONE and percent in (None, 100):
                return status
            if state in JOB_DEAD:
                raise ApiError(
                    f"{self.account_id}: report job {run}: {state} at {percent}%", status
                )
            if waited >= budget:
                raise ApiError(
                    f"{self.account_id}: report job {run} not completed after {budget:.0f}s "
                    f"({state}, {percent}%)",
                    status,
                )
            if isinstance(self.client, AdsClient):
                self.client.wait(pause, f"report job {run}: {state}, {percent}%")
            waited += pause
            pause = min(pause * 2, max(MAX_POLL_SECONDS, pause))
