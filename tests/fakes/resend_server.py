"""A fake Resend API on a real port: `POST /emails` with Resend's JSON, `Idempotency-Key`
honoured like the service does (a repeated key returns the first answer and delivers nothing
new), and scriptable failures: HTTP errors, and stalls that outlast the client's timeout."""

import threading
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.http_server import Request, json_http_server
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


def _answer(fake: FakeResend, request: Request) -> tuple[int, Any]:
    if request.path.rstrip("/") != "/emails":
        return 404, {"statusCode": 404, "name": "not_found", "message": "no"}
    try:
        body = request.json()
    except ValueError:
        return 400, _error(400)
    return fake.handle(
        request.headers.get("Idempotency-Key"), request.headers.get("Authorization"), body
    )


@contextmanager
def resend_server() -> Iterator[FakeResend]:
    """Serve a FakeResend on a free port until the block exits."""
    fake = FakeResend(port=free_port())
    with json_http_server(
        fake.port, lambda r: _answer(fake, r), name="fake-resend", release=fake.close
    ):
        yield fake
