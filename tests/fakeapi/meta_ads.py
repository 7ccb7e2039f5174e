"""Fake Meta Marketing API for connector tests: one ad account's ad-level daily insights.

`install(fake, AdsWorld())` serves under `/ads/v24.0` (point a source's `base_url` at
`fake.base_url + "/ads/v24.0"`): the prefix keeps it apart from the Graph fake, whose routes take
any node under `/v24.0`, so both share one server.

- `GET /act_<id>/insights?level=ad&time_increment=1&time_range={...}&fields=...` answers the
  rows synchronously, `page_size` a page with `paging.next` links carrying the received
  `access_token`, as Meta does; a range longer than `sync_max_days` days answers code 100
  subcode 1487534 ("Please reduce the amount of data ...").
- `POST /act_<id>/insights` (JSON body) answers `{"report_run_id"}`; `GET /<report_run_id>` says
  "Job Not Started" (0 %), then "Job Running" (50 %) for `job_polls` - 1 more polls, then "Job
  Completed" (100 %); `GET /<report_run_id>/insights` pages the rows like the synchronous edge.
  A job id in `failing_jobs` ends "Job Failed".
- Every insights answer carries `x-fb-ads-insights-throttle` and `x-business-use-case-usage`
  at `usage_pct` percent (default 5: no pause).

The world (days `first_day`..`last_day`, index i from first_day; `ADS` below):
- ad 1 (leads campaign): spend 150000 + 1000 i, impressions 4000 + 10 i, reach 3000 + 5 i,
  clicks 120 + i, inline_link_clicks 80 + i; actions `lead` 3 + i % 4 (plus `late_leads` of that
  day), listed again as `onsite_conversion.lead_grouped` (the same leads under their channel
  name, as Meta does), `link_click`, `video_view` 900 + i.
- ad 2 (sales campaign): spend 200000 + 2000 i, impressions 5000 + 20 i, reach 3500 + 10 i,
  clicks 150 + 2 i, inline_link_clicks 100 + i; actions `purchase`, `omni_purchase` and
  `offsite_conversion.fb_pixel_purchase` all 1 + i % 3; action_values the same types at
  250000 per purchase.
- ad 3 (awareness campaign): spend 50000 + 500 i, impressions 9000 + 30 i, reach 7000 + 20 i,
  clicks 40 + i % 5, inline_link_clicks 10 + i % 3; no `actions` at all (Meta leaves it out).
- ad 4 (leads campaign, from day 20 on): spend 30000, impressions 1000, reach 800, clicks 30,
  inline_link_clicks 20; `onsite_conversion.lead_grouped` 2 and `offsite_conversion.fb_pixel_lead`
  1 without the `lead` total.
When `token` is set, any other token gets code 190.
"""

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from tests.fakeapi.server import FakeApi, Reply, Request

PREFIX = "/ads/v24.0"
ACCOUNT = "482913570264815"


@dataclass(frozen=True)
class Ad:
    """One ad and the campaign and ad set it belongs to."""

    ad_id: str
    ad_name: str
    adset_id: str
    adset_name: str
    campaign_id: str
    campaign_name: str
    objective: str
    first_index: int = 0


ADS = (
    Ad(
        "120210000000000001",
        "Form relawan",
        "120205000000000001",
        "Jakarta 18-34",
        "120200000000000001",
        "Relawan - Prospek",
        "OUTCOME_LEADS",
    ),
    Ad(
        "120210000000000002",
        "Kaos Wisata",
        "120205000000000002",
        "Pembeli Indonesia",
        "120200000000000002",
        "Merchandise - Penjualan",
        "OUTCOME_SALES",
    ),
    Ad(
        "120210000000000003",
        "Video pantai",
        "120205000000000003",
        "Luas",
        "120200000000000003",
        "Pantai - Awareness",
        "OUTCOME_AWARENESS",
    ),
    Ad(
        "120210000000000004",
        "Form relawan (situs)",
        "120205000000000001",
        "Jakarta 18-34",
        "120200000000000001",
        "Relawan - Prospek",
        "OUTCOME_LEADS",
        first_index=20,
    ),
)


@dataclass
class AdsWorld:
    """What the fake Marketing API knows; tests may change `late_leads` between runs."""

    account_id: str = ACCOUNT
    currency: str = "IDR"
    first_day: date = date(2026, 10, 25)
    last_day: date = date(2026, 11, 23)
    ads: tuple[Ad, ...] = ADS
    page_size: int = 10
    sync_max_days: int = 20
    job_polls: int = 2
    usage_pct: int = 5
    token: str | None = None
    late_leads: dict[date, int] = field(default_factory=dict)
    failing_jobs: frozenset[str] = frozenset()
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def index(self, day: date) -> int:
        return (day - self.first_day).days

    def row(self, ad: Ad, day: date) -> dict[str, Any] | None:
        """The insights row of an ad on a day, as Meta writes it (numbers as strings)."""
        i = self.index(day)
        if i < ad.first_index:
            return None
        number = int(ad.ad_id[-1])
        measures, actions, values = _measures(number, i, self.late_leads.get(day, 0))
        row: dict[str, Any] = {
            "account_id": self.account_id,
            "account_currency": self.currency,
            "campaign_id": ad.campaign_id,
            "campaign_name": ad.campaign_name,
            "objective": ad.objective,
            "adset_id": ad.adset_id,
            "adset_name": ad.adset_name,
            "ad_id": ad.ad_id,
            "ad_name": ad.ad_name,
            **{k: str(v) for k, v in measures.items()},
            "date_start": day.isoformat(),
            "date_stop": day.isoformat(),
        }
        if actions:
            row["actions"] = [{"action_type": k, "value": str(v)} for k, v in actions.items()]
        if values:
            row["action_values"] = [{"action_type": k, "value": str(v)} for k, v in values.items()]
        return row

    def rows(self, since: date, until: date) -> list[dict[str, Any]]:
        """Every ad's row of every day in [since, until] the world has, by day then ad."""
        out = []
        day = max(since, self.first_day)
        while day <= min(until, self.last_day):
            out.extend(r for ad in self.ads if (r := self.row(ad, day)) is not None)
            day += timedelta(days=1)
        return out


def _measures(
    number: int, i: int, late: int
) -> tuple[dict[str, Any], dict[str, int], dict[str, int]]:
    """An ad's measures, actions and action values on day index i (see the module docstring)."""
    if number == 1:
        leads = 3 + i % 4 + late
        measures = {"spend": 150000 + 1000 * i, "impressions": 4000 + 10 * i}
        measures |= {"reach": 3000 + 5 * i, "clicks": 120 + i, "inline_link_clicks": 80 + i}
        actions = {
            "link_click": 80 + i,
            "video_view": 900 + i,
            "lead": leads,
            "onsite_conversion.lead_grouped": leads,
        }
        return measures, actions, {}
    if number == 2:
        purchases = 1 + i % 3
        measures = {"spend": 200000 + 2000 * i, "impressions": 5000 + 20 * i}
        measures |= {"reach": 3500 + 10 * i, "clicks": 150 + 2 * i, "inline_link_clicks": 100 + i}
        kinds = ("purchase", "omni_purchase", "offsite_conversion.fb_pixel_purchase")
        actions = {"link_click": 100 + i} | dict.fromkeys(kinds, purchases)
        return measures, actions, dict.fromkeys(kinds, 250000 * purchases)
    if number == 3:
        measures = {"spend": 50000 + 500 * i, "impressions": 9000 + 30 * i}
        measures |= {"reach": 7000 + 20 * i, "clicks": 40 + i % 5, "inline_link_clicks": 10 + i % 3}
        return measures, {}, {}
    measures = {"spend": 30000, "impressions": 1000, "reach": 800, "clicks": 30}
    measures |= {"inline_link_clicks": 20}
    actions = {"onsite_conversion.lead_grouped": 2, "offsite_conversion.fb_pixel_lead": 1}
    return measures, actions, {}


def install(fake: FakeApi, world: AdsWorld) -> None:
    """Serve `world` on `fake` under `/ads/v24.0`."""
    fake.route("GET", f"{PREFIX}/{{node}}/insights", _guarded(fake, world, _get_insights))
    fake.route("POST", f"{PREFIX}/{{node}}/insights", _guarded(fake, world, _post_insights))
    fake.route("GET", f"{PREFIX}/{{node}}", _guarded(fake, world, _job_status))


def usage_headers(percent: int, account_id: str = ACCOUNT) -> dict[str, str]:
    """Meta's ads insights usage headers at `percent`."""
    throttle = {
        "app_id_util_pct": percent,
        "acc_id_util_pct": percent,
        "ads_api_access_tier": "standard_access",
    }
    business = {
        account_id: [
            {
                "type": "ads_insights",
                "call_count": percent,
                "total_cputime": percent,
                "total_time": percent,
                "estimated_time_to_regain_access": 0,
                "ads_api_access_tier": "standard_access",
            }
        ]
    }
    return {
        "x-fb-ads-insights-throttle": json.dumps(throttle),
        "x-business-use-case-usage": json.dumps(business),
    }


def throttled(code: int = 80004, status: int = 400) -> Reply:
    """Meta's ads insights throttling answer (code 80004, or 17 with status 429), limits used up."""
    messages = {
        80004: "There have been too many calls to this ad-account. Wait a bit and try again.",
        17: "User request limit reached",
    }
    error = {
        "message": messages.get(code, "Application request limit reached"),
        "type": "OAuthException",
        "code": code,
        "error_subcode": 2446079,
        "fbtrace_id": "AFakeTraceAds01",
    }
    return Reply.json({"error": error}, status, headers=usage_headers(100))


def _guarded(fake: FakeApi, world: AdsWorld, handler: Any) -> Any:
    def serve(request: Request) -> Reply:
        token = request.query.get("access_token")
        if not token or (world.token and token != world.token):
            message = "Error validating access token: Session has expired on Tuesday, 24-Nov-26."
            return _error(400, message, 190, 463)
        reply: Reply = handler(world, request, fake)
        return reply

    return serve


def _error(status: int, message: str, code: int, subcode: int | None = None) -> Reply:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    return Reply.json({"error": {**error, "fbtrace_id": "AFakeTraceAds02"}}, status)


def _range(world: AdsWorld, params: dict[str, Any]) -> tuple[date, date] | Reply:
    """The time_range asked, or Meta's refusal."""
    if params.get("level") != "ad" or str(params.get("time_increment")) != "1":
        return _error(400, "(#100) this fake serves level=ad with time_increment=1", 100)
    try:
        span = json.loads(str(params["time_range"]))
        return date.fromisoformat(span["since"]), date.fromisoformat(span["until"])
    except (KeyError, ValueError, TypeError):
        return _error(400, "(#100) time_range must be {'since':YYYY-MM-DD,'until':YYYY-MM-DD}", 100)


def _account(world: AdsWorld, request: Request) -> Reply | None:
    if request.path_params["node"] != f"act_{world.account_id}":
        node = request.path_params["node"]
        return _error(400, f"(#100) Unsupported get request. Object with ID '{node}'", 100, 33)
    return None


def _get_insights(world: AdsWorld, request: Request, fake: FakeApi) -> Reply:
    node = request.path_params["node"]
    if node in world.jobs:
        job = world.jobs[node]
        return _page(world, request, fake, world.rows(job["since"], job["until"]))
    refused = _account(world, request)
    if refused is not None:
        return refused
    span = _range(world, request.query)
    if isinstance(span, Reply):
        return span
    since, until = span
    if (until - since).days + 1 > world.sync_max_days:
        message = "Please reduce the amount of data you're asking for, then retry your request"
        return _error(400, message, 100, 1487534)
    return _page(world, request, fake, world.rows(since, until))


def _post_insights(world: AdsWorld, request: Request, fake: FakeApi) -> Reply:
    refused = _account(world, request)
    if refused is not None:
        return refused
    span = _range(world, request.json())
    if isinstance(span, Reply):
        return span
    run = str(9000000000000001 + len(world.jobs))
    world.jobs[run] = {"since": span[0], "until": span[1], "polls": 0}
    return Reply.json({"report_run_id": run}, headers=usage_headers(world.usage_pct))


def _job_status(world: AdsWorld, request: Request, fake: FakeApi) -> Reply:
    run = request.path_params["node"]
    if run not in world.jobs:
        return _error(400, f"(#803) Some of the aliases you requested do not exist: {run}", 803)
    job = world.jobs[run]
    job["polls"] += 1
    if run in world.failing_jobs and job["polls"] >= world.job_polls:
        state, percent = "Job Failed", 50
    elif job["polls"] >= world.job_polls:
        state, percent = "Job Completed", 100
    elif job["polls"] == 1:
        state, percent = "Job Not Started", 0
    else:
        state, percent = "Job Running", 50
    body = {
        "id": run,
        "account_id": world.account_id,
        "async_status": state,
        "async_percent_completion": percent,
        "date_start": job["since"].isoformat(),
        "date_stop": job["until"].isoformat(),
    }
    return Reply.json(body)


def _page(world: AdsWorld, request: Request, fake: FakeApi, rows: list[dict[str, Any]]) -> Reply:
    """One page of rows from the `after` cursor, with a next link while rows remain."""
    size = min(int(request.query.get("limit", "25")), world.page_size)
    offset = int(request.query.get("after", "0"))
    body: dict[str, Any] = {"data": rows[offset : offset + size]}
    body["paging"] = {"cursors": {"before": str(offset), "after": str(offset + size)}}
    if offset + size < len(rows):
        body["paging"]["next"] = fake.link(
            request.path, {**request.query, "after": str(offset + size)}
        )
    return Reply.json(body, headers=usage_headers(world.usage_pct))
