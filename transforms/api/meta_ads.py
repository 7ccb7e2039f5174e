"""Meta Marketing API ad insights (level ad, one row per ad and day) → `core.ad_daily` (meta).

`normalize(stream, envelopes, account)` reads the envelopes of one `ad_insights` pull (see
`flows.api.meta_ads`): the pages of rows (`item["request"] == "insights"`) and nothing else, so
a live pull and a replay of the raw zone give the same rows. Mapping (DECISIONLOG, "Meta
Marketing API"), as the Ads Manager export maps its columns (`transforms.formats.meta_ads`), so
a campaign's series continues from exports to the API:

- key: ad_account_id = the configured `act_<id>`, campaign_id, ad_id, date = date_start (the
  ad account's own date; a row whose date_stop differs is not a day and is quarantined);
  campaign_name, ad_set_name = adset_name, ad_name, objective.
- spend, impressions, reach, clicks (all), link_clicks = inline_link_clicks; numbers arrive as
  strings (`"12.34"`) and a value that is not a number quarantines its row.
- `actions` → conversions, leads and video_views (`video_view`, 3-second plays, as the export's
  column); `action_values` → conversion_value, by the action types of the source's options,
  which the connector wrote into each page's item. Each option is a list of alternatives; the
  first alternative the row has wins, and an alternative may be a list of disjoint types that
  are summed. Meta reports one action under several overlapping names (`lead` already holds
  `onsite_conversion.lead_grouped` and `offsite_conversion.fb_pixel_lead`; `purchase` holds the
  pixel's and on-Facebook purchases), so summing every listed name would count twice.
  Meta lists only the action types a row has and leaves `actions` out when it has none, so a
  row without the chosen types has 0 of them, as Ads Manager shows.
- currency = account_currency (the ad account's), else the configured account's currency; a row
  with neither is quarantined (an amount without a currency means nothing). Never converted.

Rows outside the pull's window are skipped (each window owns its days); a key served twice (a
page boundary moving under a re-run report) keeps the last and counts as skipped.
"""

import json
from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl

from transforms.api.envelope import Envelope
from transforms.api.google import result, typed_frame
from transforms.api.refusals import one_line
from transforms.canonical.schemas import AD_DAILY
from transforms.canonical.typed import (
    QUARANTINE,
    conform,
    drop_duplicate_keys,
    require,
    split_quarantine,
)
from transforms.context import Account, Normalized
from transforms.errors import InputError

PLATFORM = "meta"
FIELDS = (
    "account_id",
    "account_currency",
    "campaign_id",
    "campaign_name",
    "objective",
    "adset_id",
    "adset_name",
    "ad_id",
    "ad_name",
    "spend",
    "impressions",
    "reach",
    "clicks",
    "inline_link_clicks",
    "actions",
    "action_values",
)
# option -> default alternatives (see the module docstring); conversion_value follows conversions.
DEFAULT_ACTION_TYPES: dict[str, list[Any]] = {
    "conversion_action_types": [
        "purchase",
        ["offsite_conversion.fb_pixel_purchase", "onsite_conversion.purchase"],
    ],
    "lead_action_types": [
        "lead",
        ["onsite_conversion.lead_grouped", "offsite_conversion.fb_pixel_lead"],
    ],
}
VIDEO_VIEW = ("video_view",)
TOO_MUCH_DATA_SUBCODE = 1487534
_TEXT = {
    "account_id": "account_id",
    "account_currency": "currency",
    "campaign_id": "campaign_id",
    "campaign_name": "campaign_name",
    "objective": "objective",
    "adset_name": "ad_set_name",
    "ad_id": "ad_id",
    "ad_name": "ad_name",
}
_TYPES: dict[str, pl.DataType] = {
    "spend": pl.Float64(),
    "impressions": pl.Int64(),
    "reach": pl.Int64(),
    "clicks": pl.Int64(),
    "link_clicks": pl.Int64(),
    "conversions": pl.Float64(),
    "conversion_value": pl.Float64(),
    "leads": pl.Float64(),
    "video_views": pl.Int64(),
}
_KEY = ["ad_account_id", "campaign_id", "ad_id", "date"]
Alternatives = tuple[tuple[str, ...], ...]


def action_types(value: Any) -> Alternatives:
    """An action-type option as alternatives: `["lead", ["a", "b"]]` → `(("lead",), ("a", "b"))`."""
    if not isinstance(value, list) or not value:
        raise InputError(f"action types must be a non-empty list, got {value!r}")
    alternatives = []
    for entry in value:
        names = [entry] if isinstance(entry, str) else entry
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise InputError(f"an action type is a name or a list of names, got {entry!r}")
        alternatives.append(tuple(names))
    return tuple(alternatives)


def too_much_data(envelope: Envelope) -> bool:
    """Whether Meta refused the request as too large (code 100 subcode 1487534, or its words)."""
    error = _error(envelope)
    message = str(error.get("message", "")).lower()
    return error.get("error_subcode") == TOO_MUCH_DATA_SUBCODE or (
        "reduce the amount of data" in message
    )


def _error(envelope: Envelope) -> dict[str, Any]:
    try:
        data = envelope.data()
    except ValueError:
        return {}
    error = data.get("error") if isinstance(data, dict) else None
    return error if isinstance(error, dict) else {}


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def action_total(entries: Any, alternatives: Alternatives) -> Any:
    """The value of the first alternative the row has (summed over its types), else 0.

    A value that is not a number is returned as it is, so the row is quarantined naming it.
    """
    values = {
        str(entry.get("action_type")): entry.get("value")
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict)
    }
    for alternative in alternatives:
        present = [values[name] for name in alternative if name in values]
        if not present:
            continue
        numbers = [_number(value) for value in present]
        for value, number in zip(present, numbers, strict=True):
            if number is None:
                return value
        return sum(n for n in numbers if n is not None)
    return 0.0


def _counted(envelope: Envelope, key: str) -> Alternatives:
    """The action types the connector recorded for this page (the defaults when none)."""
    text = envelope.item.get(key)
    return action_types(json.loads(text) if text else DEFAULT_ACTION_TYPES[key])


def _rows(envelopes: Iterable[Envelope]) -> dict[str, list[Any]]:
    """Every row of every page as cells, the derived action measures included."""
    cells: dict[str, list[Any]] = {
        name: [] for name in (*_TEXT.values(), "date_start", "date_stop", *_TYPES)
    }
    for envelope in envelopes:
        body = envelope.data()
        rows = body.get("data") if isinstance(body, dict) else None
        if not isinstance(rows, list):
            raise InputError(f"GET {envelope.url} (page {envelope.page}) has no 'data' list")
        conversions = _counted(envelope, "conversion_action_types")
        leads = _counted(envelope, "lead_action_types")
        for row in rows:
            record = row if isinstance(row, dict) else {}
            for name, column in _TEXT.items():
                cells[column].append(record.get(name))
            for name in ("date_start", "date_stop", "spend", "impressions", "reach", "clicks"):
                cells[name].append(record.get(name))
            cells["link_clicks"].append(record.get("inline_link_clicks"))
            actions = record.get("actions")
            cells["conversions"].append(action_total(actions, conversions))
            cells["leads"].append(action_total(actions, leads))
            cells["video_views"].append(action_total(actions, (VIDEO_VIEW,)))
            cells["conversion_value"].append(action_total(record.get("action_values"), conversions))
    return cells


def normalize(stream: str, envelopes: Sequence[Envelope], account: Account) -> Normalized:
    """Map one `ad_insights` pull to `core.ad_daily` (see the module docstring)."""
    if stream != "ad_insights":
        raise ValueError(f"Meta ads has no stream '{stream}'")
    pages = [e for e in envelopes if e.item.get("request") == "insights" and e.ok]
    frame = typed_frame(_rows(pages), _TYPES, 1)
    own = account.account_id.removeprefix("act_")
    frame = frame.with_columns(
        pl.col("date_start").str.to_date("%Y-%m-%d", strict=False).alias("date"),
        pl.col("date_stop").str.to_date("%Y-%m-%d", strict=False).alias("_stop"),
        pl.coalesce(pl.col("currency"), pl.lit(account.currency, pl.String)).alias("currency"),
        pl.lit(account.account_id).alias("ad_account_id"),
        pl.lit(PLATFORM).alias("platform"),
    )
    frame = require(frame, pl.col("date").is_not_null(), "no readable 'date_start' (YYYY-MM-DD)")
    frame = require(
        frame,
        pl.col("_stop").is_null() | (pl.col("_stop") == pl.col("date")),
        "'date_stop' is not 'date_start': the row is not one day (time_increment=1)",
    )
    frame = require(frame, pl.col("campaign_id").is_not_null(), "no 'campaign_id'")
    frame = require(frame, pl.col("ad_id").is_not_null(), "no 'ad_id' (the report is not level=ad)")
    frame = require(
        frame,
        pl.col("account_id").is_null() | (pl.col("account_id") == own),
        f"a row of another ad account than {account.account_id}",
    )
    frame = require(
        frame,
        pl.col("currency").is_not_null(),
        "no 'account_currency' and no currency configured for the ad account",
    )
    kept, quarantine = split_quarantine(frame)
    windows = {e.window for e in pages if e.window is not None}
    inside = pl.any_horizontal(
        pl.lit(not windows), *(pl.col("date").is_between(w.start, w.end) for w in windows)
    )
    skipped_outside = kept.height
    kept = kept.filter(inside)
    skipped_outside -= kept.height
    kept, repeated = drop_duplicate_keys(kept, _KEY)
    errors, notes = _error_outcomes(envelopes, frame.height + 1)
    return result(
        "meta_ads:ad_insights",
        PLATFORM,
        {"ad_daily": conform(kept, AD_DAILY.columns)},
        rows_read=frame.height + errors.height,
        loaded=kept.height,
        quarantine=[quarantine, errors],
        skipped=skipped_outside + repeated,
        notes=(
            *notes,
            *(
                [f"skipped {skipped_outside}: a day outside the pull's window"]
                * bool(skipped_outside)
            ),
            *([f"skipped {repeated}: rows repeating an ad and day"] * bool(repeated)),
        ),
    )


def _error_outcomes(
    envelopes: Iterable[Envelope], first_row: int
) -> tuple[pl.DataFrame, list[str]]:
    """A note for a request refused as too large; a quarantine row for any other error kept."""
    rows: list[tuple[int, str, str]] = []
    notes: list[str] = []
    for envelope in envelopes:
        if envelope.ok:
            continue
        if too_much_data(envelope):
            notes.append(
                "Meta refused the synchronous request as too large: read as an async report job"
            )
            continue
        error = _error(envelope)
        reason = f"Meta Marketing API error {error.get('code', envelope.status)}: " + one_line(
            str(error.get("message", envelope.body[:200]))
        )
        raw = json.dumps({"item": envelope.item, "error": error}, sort_keys=True)
        rows.append((first_row + len(rows), reason, raw))
    return pl.DataFrame(rows, schema=QUARANTINE, orient="row"), notes
