"""A real HTTP API on 127.0.0.1 for connector tests: routes, scripted faults, recorded files.

Tests talk to it over real sockets, so timeouts, dropped connections and malformed bodies are the
ones `requests` meets in the field. Scripted replies for a route are served in order before its
handler; every request is logged (`requests`) so tests can assert what the client sent.
"""

import json
import re
import socket
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlencode, urlsplit

JSON = "application/json; charset=UTF-8"


@dataclass(frozen=True)
class Request:
    """A request as the server received it (the query keeps the last value of a repeated key)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    path_params: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        """The parsed JSON body."""
        return json.loads(self.body)


@dataclass(frozen=True)
class Reply:
    """What to answer: status, headers and body, after `wait` seconds; `drop` closes instead."""

    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    wait: float = 0.0
    drop: bool = False

    @classmethod
    def json(cls, obj: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> "Reply":
        """A JSON answer."""
        return cls.raw(json.dumps(obj).encode(), status, headers)

    @classmethod
    def text(
        cls,
        text: str,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        content_type: str = "text/plain; charset=utf-8",
    ) -> "Reply":
        """A text answer (an HTML error page, a truncated body)."""
        return cls.raw(text.encode(), status, headers, content_type)

    @classmethod
    def raw(
        cls,
        data: bytes,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        content_type: str = JSON,
    ) -> "Reply":
        """These exact bytes."""
        merged = {"Content-Type": content_type, **(headers or {})}
        return cls(status=status, body=data, headers=tuple(merged.items()))

    @classmethod
    def malformed(cls, status: int = 200) -> "Reply":
        """A JSON answer cut off midway."""
        return cls.raw(b'{"data": [{"id": "1", "value": ', status)

    @classmethod
    def delay(cls, seconds: float, then: "Reply | None" = None) -> "Reply":
        """`then` (default `{}`) answered only after `seconds`: longer than a timeout, a timeout."""
        return replace(then or cls.json({}), wait=seconds)

    @classmethod
    def dropped(cls) -> "Reply":
        """Close the connection without answering."""
        return cls(drop=True)


Handler = Callable[[Request], Reply]


class FakeApi:
    """A threaded HTTP server on a free port of 127.0.0.1, started at once; close it when done."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.errors: list[str] = []  # handler failures, answered with 500
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._scripts: dict[tuple[str, str], deque[Reply]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def route(self, method: str, path: str, handler: Handler) -> None:
        """Answer `method path` with `handler`; `{name}` in the path matches one segment."""
        self._routes.append((method.upper(), _pattern(path), handler))

    def script(self, method: str, path: str, replies: list[Reply]) -> None:
        """Serve these replies, in order, to the next requests matching `method path`."""
        with self._lock:
            queue = self._scripts.setdefault((method.upper(), path), deque())
            queue.extend(replies)

    def file(
        self, path: Path | str, status: int = 200, headers: Mapping[str, str] | None = None
    ) -> Reply:
        """A recorded answer served byte for byte."""
        return Reply.raw(Path(path).read_bytes(), status, headers)

    def link(self, path: str, query: Mapping[str, str]) -> str:
        """An absolute link back to this server, as APIs put in `paging.next`."""
        return f"{self.base_url}{path}?{urlencode(query)}"

    def answer(self, request: Request) -> Reply:
        """The scripted reply due for this request, else its route's, else a 404."""
        with self._lock:
            self.requests.append(request)
            for (method, path), queue in self._scripts.items():
                if queue and method == request.method and _pattern(path).fullmatch(request.path):
                    return queue.popleft()
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(request.path)
            if match and method == request.method:
                try:
                    return handler(replace(request, path_params=match.groupdict()))
                except Exception as exc:  # a broken route must show in the test, not hang it
                    self.errors.append(f"{request.method} {request.path}: {exc!r}")
                    return Reply.text(f"fake handler error: {exc!r}", status=500)
        message = f"no route for {request.method} {request.path}"
        return Reply.json({"error": {"message": message, "code": 404}}, status=404)


def _pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", path)
    regex = "".join(
        f"(?P<{part}>[^/]+)" if i % 2 else re.escape(part) for i, part in enumerate(parts)
    )
    return re.compile(regex)


def _handler_class(fake: FakeApi) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(
                method=self.command,
                path=parts.path,
                query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
            )
            reply = fake.answer(request)
            if reply.wait:
                threading.Event().wait(reply.wait)
            if reply.drop:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            try:
                self.send_response(reply.status)
                for name, value in reply.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (a timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            """Silent: request lines carry tokens, and tests read their own request log."""

    return _Handler
