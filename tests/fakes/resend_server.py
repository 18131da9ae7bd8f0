"""A fake Resend API on a real port: `POST /emails` with Resend's JSON, `Idempotency-Key`
honoured like the service does (a repeated key returns the first answer and delivers nothing
new), and scriptable failures: HTTP errors, and stalls that outlast the client's timeout."""

import json
import sys
import threading
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.servers import free_port


@dataclass
class Received:
    """One request as the server saw it."""

    idempotency_key: str | None
    authorization: str | None
    body: dict[str, Any]


@dataclass
class FakeResend:
    port: int
    requests: list[Received] = field(default_factory=list)
    # Distinct emails delivered (what recipients would see), in order.
    delivered: list[dict[str, Any]] = field(default_factory=list)
    # Scripted answers for the next requests: an HTTP status, or "stall" (deliver, then hold the
    # response past the client's timeout — the "sent, but the answer was lost" case).
    script: deque[int | str] = field(default_factory=deque)
    _answers: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _release: threading.Event = field(default_factory=threading.Event)
    delivered_event: threading.Event = field(default_factory=threading.Event)
    _delivered_cond: threading.Condition = field(default_factory=threading.Condition)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_for_deliveries(self, count: int, timeout: float) -> bool:
        """Block until `count` distinct emails were delivered (False on timeout)."""
        with self._delivered_cond:
            return self._delivered_cond.wait_for(lambda: len(self.delivered) >= count, timeout)

    def fail_next(self, *answers: int | str) -> None:
        self.script.extend(answers)

    def handle(self, key: str | None, auth: str | None, body: dict[str, Any]) -> tuple[int, Any]:
        with self._lock:
            self.requests.append(Received(key, auth, body))
            action = self.script.popleft() if self.script else 200
            if isinstance(action, int) and action != 200:
                return action, _error(action)
            if key and key in self._answers:
                return 200, {"id": self._answers[key]}
            missing = [k for k in ("from", "to", "subject") if not body.get(k)]
            if missing:
                return 422, {
                    "statusCode": 422,
                    "name": "missing_required_field",
                    "message": f"Missing `{missing[0]}` field.",
                }
            email_id = str(uuid.uuid4())
            if key:
                self._answers[key] = email_id
            self.delivered.append({"id": email_id, "idempotency_key": key, **body})
            self.delivered_event.set()
        with self._delivered_cond:
            self._delivered_cond.notify_all()
        if action == "stall":
            self._release.wait(10)
            return 200, {"id": email_id}
        return 200, {"id": email_id}

    def close(self) -> None:
        self._release.set()


def _error(status: int) -> dict[str, Any]:
    names = {
        400: "validation_error",
        401: "missing_api_key",
        403: "invalid_api_key",
        409: "concurrent_idempotent_requests",
        422: "validation_error",
        429: "rate_limit_exceeded",
    }
    return {
        "statusCode": status,
        "name": names.get(status, "application_error"),
        "message": f"scripted failure {status}",
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (after a scripted stall) is not an error worth printing."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def _handler(fake: FakeResend) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if self.path.rstrip("/") != "/emails":
                self._reply(404, {"statusCode": 404, "name": "not_found", "message": "no"})
                return
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                self._reply(400, _error(400))
                return
            status, answer = fake.handle(
                self.headers.get("Idempotency-Key"), self.headers.get("Authorization"), body
            )
            self._reply(status, answer)

        def _reply(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the client gave up waiting (a scripted stall)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@contextmanager
def resend_server() -> Iterator[FakeResend]:
    """Serve a FakeResend on a free port until the block exits."""
    fake = FakeResend(port=free_port())
    server = _Server(("127.0.0.1", fake.port), _handler(fake))
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="fake-resend", daemon=True
    )
    thread.start()
    try:
        yield fake
    finally:
        fake.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
