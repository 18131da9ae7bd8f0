"""A CRM-like webhook receiver on a real port: verifies every request with the
`standardwebhooks` package, answers a scripted failure to the first attempts of each event,
and keeps what it accepted in arrival order."""

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.fakes.http_server import Request, json_http_server
from tests.support.servers import free_port


@dataclass
class WebhookReceiver:
    port: int
    secret: str = ""
    fail_first: int = 0  # attempts of each event answered with `fail_status` before a 2xx
    fail_status: int = 503
    accepted: list[dict[str, Any]] = field(default_factory=list)  # {"id", "body", "headers"}
    attempts: Counter[str] = field(default_factory=Counter)  # by webhook-id
    bad_signatures: int = 0
    _changed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/crm"

    def wait_for(self, accepted: int, timeout: float = 30.0) -> bool:
        """Block until `accepted` deliveries were accepted (False on timeout)."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.accepted) >= accepted, timeout)

    def wait_for_attempts(self, total: int, timeout: float = 30.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: sum(self.attempts.values()) >= total, timeout)

    def release(self) -> None:
        with self._changed:
            self._changed.notify_all()


def _handle(receiver: WebhookReceiver, request: Request) -> tuple[int, Any]:
    headers = {k.lower(): v for k, v in request.headers.items()}
    try:
        body = Webhook(receiver.secret).verify(request.body, headers)
    except WebhookVerificationError as exc:
        with receiver._changed:
            receiver.bad_signatures += 1
            receiver._changed.notify_all()
        return 401, {"error": str(exc)}
    event_id = headers["webhook-id"]
    with receiver._changed:
        receiver.attempts[event_id] += 1
        failing = receiver.attempts[event_id] <= receiver.fail_first
        if not failing:
            receiver.accepted.append({"id": event_id, "body": body, "headers": headers})
        receiver._changed.notify_all()
    if failing:
        return receiver.fail_status, {"error": "scripted failure"}
    return 200, {"ok": True}


@contextmanager
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(port=free_port())
    with json_http_server(
        receiver.port,
        lambda r: _handle(receiver, r),
        name="webhook-receiver",
        release=receiver.release,
    ):
        yield receiver
