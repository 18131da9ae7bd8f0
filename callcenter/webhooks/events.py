"""Announce an event to every subscribed endpoint: one delivery row each, in the caller's
transaction, so the event exists exactly when the change it announces was committed."""

import asyncio
import json
import threading
import uuid
from typing import Any, Literal, get_args

from sqlalchemy import event
from sqlmodel import Session

from callcenter.db.repo import webhooks as webhooks_repo
from callcenter.db.types import utcnow

EventType = Literal["call.started", "call.completed", "lead.created", "lead.updated"]
EVENT_TYPES: tuple[str, ...] = get_args(EventType)

_wakers: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
_wakers_lock = threading.Lock()


def body_of(event_type: str, data: dict[str, Any]) -> str:
    """The request body, exactly as it will be signed and sent."""
    payload = {"type": event_type, "timestamp": utcnow().isoformat(), "data": data}
    return json.dumps(payload, separators=(",", ":"), default=str)


def announce(
    *,
    session: Session,
    event_type: EventType,
    data: dict[str, Any],
    event_id: str | None = None,
    call_id: int | None = None,
) -> int:
    """Queue the event for each endpoint subscribed to it; returns how many were queued.

    `event_id` (the `webhook-id`) makes the announcement idempotent when given: an event the
    endpoint already has is not queued twice."""
    endpoints = webhooks_repo.endpoints_for(session=session, event_type=event_type)
    if not endpoints:
        return 0
    event_id = event_id or f"msg_{uuid.uuid4().hex}"
    body = body_of(event_type, data)
    queued = 0
    for endpoint in endpoints:
        assert endpoint.id is not None
        row = webhooks_repo.add_delivery(
            session=session,
            endpoint_id=endpoint.id,
            event_id=event_id,
            event_type=event_type,
            body=body,
            call_id=call_id,
        )
        queued += row is not None
    if queued:
        # Wake the delivery workers once the rows are visible to them, not before.
        event.listen(session, "after_commit", _wake_after_commit, once=True)
    return queued


def _wake_after_commit(_session: Session) -> None:
    wake()


def wake() -> None:
    """Tell every delivery worker in this process that events were queued (any thread)."""
    with _wakers_lock:
        targets = list(_wakers)
    for loop, flag in targets:
        try:
            loop.call_soon_threadsafe(flag.set)
        except RuntimeError:  # that loop has closed
            continue


def register_waker(flag: asyncio.Event) -> tuple[asyncio.AbstractEventLoop, asyncio.Event]:
    """Have `wake()` set `flag` on the running loop; returns the handle to unregister."""
    waker = (asyncio.get_running_loop(), flag)
    with _wakers_lock:
        _wakers.add(waker)
    return waker


def unregister_waker(waker: tuple[asyncio.AbstractEventLoop, asyncio.Event]) -> None:
    with _wakers_lock:
        _wakers.discard(waker)
