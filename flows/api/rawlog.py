"""The API side of the raw zone: every answer kept as an envelope, and manifests of finished pulls.

Envelopes are landed content-addressed (SHA-256 of their JSON) like every other raw input, so a
retried or repeated answer is stored once. A pull (one stream, one account, one window) becomes
replayable only when its manifest `api/<source>/<YYYY-MM-DD>/<pull_id>.json` is written, after the
pull finished: a run killed mid-paging leaves envelopes but no manifest, and replay never sees a
half pull. Replay reads only the zone (a folder or an object-storage URL, `flows.zones`), so a
backfill needs no API and sees the same envelopes. A manifest written by a run that failed before
publishing stays: its envelopes are stored, and replay loads a pull once (by digest) whatever run
wrote it.
"""

import json
import re
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from flows import zones
from flows.load import raw_zone
from transforms.api.envelope import Envelope, Window

FORMAT = 1  # version of the envelope and manifest JSON
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class Pull:
    """A finished pull as its manifest describes it, with its envelopes loaded in order."""

    pull_id: str
    source: str
    stream: str
    account_id: str
    window: Window
    started_at: datetime  # when its first answer arrived (UTC)
    completed_at: datetime
    envelopes: tuple[Envelope, ...]
    manifest: str  # the manifest's path relative to the raw zone


def new_pull_id() -> str:
    """A pull id that sorts by time and is unique across concurrent runs."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(4)}"


def to_json(envelope: Envelope) -> str:
    """The envelope as JSON text (dates ISO); `from_json` gives back an equal envelope."""
    return json.dumps(
        {
            "format": FORMAT,
            "source": envelope.source,
            "kind": envelope.kind,
            "stream": envelope.stream,
            "account_id": envelope.account_id,
            "window": _window_json(envelope.window),
            "method": envelope.method,
            "url": envelope.url,
            "params": envelope.params,
            "status": envelope.status,
            "body": envelope.body,
            "fetched_at": envelope.fetched_at.isoformat(),
            "request_body": envelope.request_body,
            "item": envelope.item,
            "page": envelope.page,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def from_json(text: str) -> Envelope:
    """The envelope `to_json` wrote; ValueError when the text is not one."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"not a format-{FORMAT} envelope")
    try:
        return Envelope(
            source=data["source"],
            kind=data["kind"],
            stream=data["stream"],
            account_id=data["account_id"],
            window=_window(data["window"]),
            method=data["method"],
            url=data["url"],
            params=data["params"],
            status=data["status"],
            body=data["body"],
            fetched_at=datetime.fromisoformat(data["fetched_at"]),
            request_body=data["request_body"],
            item=data["item"],
            page=data["page"],
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"envelope lacks or misspells {exc}") from None


class RawLog:
    """Records one source's answers in the raw zone and replays its finished pulls."""

    def __init__(self, zone: zones.Zone | Path, source: str) -> None:
        if not _SAFE_NAME.fullmatch(source):
            raise ValueError(f"source name {source!r} cannot name a raw-zone folder")
        self.zone = zones.at(zone)
        self.source = source
        self._manifests = f"api/{source}"

    def record(self, envelope: Envelope) -> str:
        """Land the envelope (idempotent); its path relative to the raw zone."""
        data = to_json(envelope).encode("utf-8")
        return raw_zone.land(self.zone, data, raw_zone.sha256_of(data), ".json")

    def complete(
        self, stream: str, account_id: str, window: Window, envelopes: Sequence[Envelope]
    ) -> str:
        """Write the manifest of a finished pull whole; its path relative to the raw zone.

        Called only once the pull finished, with the envelopes its mapping needs, in order (they
        are landed again if the client did not record them; landing is idempotent).
        """
        paths = [self.record(envelope) for envelope in envelopes]
        completed = datetime.now(UTC)
        started = min((e.fetched_at for e in envelopes), default=completed)
        pull_id = new_pull_id()
        manifest = {
            "format": FORMAT,
            "pull_id": pull_id,
            "source": self.source,
            "stream": stream,
            "account_id": account_id,
            "window": _window_json(window),
            "started_at": started.isoformat(),
            "completed_at": completed.isoformat(),
            "envelopes": paths,
        }
        target = f"{self._manifests}/{completed.date().isoformat()}/{pull_id}.json"
        self.zone.write(target, json.dumps(manifest, sort_keys=True).encode("utf-8"))
        return target

    def pulls(
        self,
        start: date | None = None,
        end: date | None = None,
        stream: str | None = None,
        account_id: str | None = None,
    ) -> Iterator[Pull]:
        """Finished pulls whose window overlaps [start, end], oldest first by fetch time."""
        chosen = []
        for path in self.zone.list(self._manifests):
            if path.count("/") != 3 or not path.endswith(".json"):
                continue  # api/<source>/<day>/<pull_id>.json only
            manifest = self._manifest(path)
            window = _window(manifest["window"])
            if window is None:
                raise ValueError(f"{self.zone.url_of(path)}: manifest has no window")
            if (stream is not None and manifest["stream"] != stream) or (
                account_id is not None and manifest["account_id"] != account_id
            ):
                continue
            if (start is not None and window.end < start) or (
                end is not None and window.start > end
            ):
                continue
            started = datetime.fromisoformat(manifest["started_at"])
            chosen.append((started, manifest["pull_id"], window, path, manifest))
        for started, pull_id, window, path, manifest in sorted(chosen, key=lambda c: c[:2]):
            yield Pull(
                pull_id=pull_id,
                source=self.source,
                stream=manifest["stream"],
                account_id=manifest["account_id"],
                window=window,
                started_at=started,
                completed_at=datetime.fromisoformat(manifest["completed_at"]),
                envelopes=tuple(self._load(p, pull_id) for p in manifest["envelopes"]),
                manifest=path,
            )

    def _manifest(self, path: str) -> dict[str, Any]:
        """A manifest's JSON; ValueError naming the object when it is not one."""
        try:
            data = json.loads(self.zone.read(path).decode("utf-8"))
        except ValueError as exc:
            raise ValueError(f"{self.zone.url_of(path)}: unreadable pull manifest: {exc}") from None
        keys = {
            "pull_id",
            "stream",
            "account_id",
            "window",
            "started_at",
            "completed_at",
            "envelopes",
        }
        if not isinstance(data, dict) or data.get("format") != FORMAT or not keys <= data.keys():
            raise ValueError(f"{self.zone.url_of(path)}: not a format-{FORMAT} pull manifest")
        return data

    def _load(self, relative: str, pull_id: str) -> Envelope:
        """An envelope landed in the zone; ValueError naming it and its pull when unusable."""
        try:
            return from_json(self.zone.read(relative).decode("utf-8"))
        except (OSError, ValueError) as exc:
            where = self.zone.url_of(relative)
            raise ValueError(f"{where} (pull {pull_id}): unusable envelope: {exc}") from None


def _window_json(window: Window | None) -> dict[str, str] | None:
    if window is None:
        return None
    return {"start": window.start.isoformat(), "end": window.end.isoformat()}


def _window(data: Any) -> Window | None:
    if data is None:
        return None
    return Window(date.fromisoformat(data["start"]), date.fromisoformat(data["end"]))
