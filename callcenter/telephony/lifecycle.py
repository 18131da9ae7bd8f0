"""Call lifecycle: apply status changes without ever moving backwards, and end calls once."""

import asyncio
import logging
from dataclasses import dataclass

from sqlmodel import Session

from callcenter.db.models import FINAL_STATUSES, Call, CallStatus, EndReason
from callcenter.db.repo import calls as calls_repo
from callcenter.db.session import session_scope
from callcenter.db.types import utcnow
from callcenter.live.events import CallEvent, EventKind
from callcenter.live.hub import LiveHub
from callcenter.rest.schemas import call_json
from callcenter.services import Services

log = logging.getLogger(__name__)

# How far along a call is; a status is applied only when it moves the call forward.
_RANK = {
    CallStatus.queued: 0,
    CallStatus.ringing: 1,
    CallStatus.in_progress: 2,
}
_FINAL_RANK = 3

# The end reason a final carrier status implies when the app has not recorded one itself.
_END_REASONS = {
    CallStatus.busy: EndReason.busy,
    CallStatus.no_answer: EndReason.no_answer,
    CallStatus.canceled: EndReason.canceled,
    CallStatus.failed: EndReason.error,
    CallStatus.completed: EndReason.caller_hung_up,
}

# Values Twilio sends in `CallStatus` that are not statuses of ours.
_STATUS_ALIASES = {"initiated": CallStatus.queued}


def rank(status: CallStatus) -> int:
    return _FINAL_RANK if status in FINAL_STATUSES else _RANK[status]


def parse_status(value: str | None) -> CallStatus | None:
    """Twilio's `CallStatus` form value as ours; None for anything unknown."""
    if not value:
        return None
    value = value.strip().lower()
    if value in _STATUS_ALIASES:
        return _STATUS_ALIASES[value]
    try:
        return CallStatus(value)
    except ValueError:
        return None


def end_call(
    *,
    session: Session,
    call: Call,
    status: CallStatus = CallStatus.completed,
    end_reason: EndReason | None = None,
    source: str = "app",
    detail: str | None = None,
) -> bool:
    """Record the end of a call from our own clock; False if it had already ended."""
    if call.status in FINAL_STATUSES and call.ended_at is not None:
        return False
    now = utcnow()
    assert call.id is not None
    if not calls_repo.claim_end(session=session, call_id=call.id, at=now):
        session.refresh(call)  # ended meanwhile by another writer: keep what it recorded
        return False
    call.status = status
    call.end_reason = call.end_reason or end_reason
    call.ended_at = now
    began = call.answered_at or call.started_at
    call.duration_seconds = max(0, round((now - began).total_seconds())) if call.answered_at else 0
    calls_repo.touch(call)
    assert call.id is not None
    calls_repo.add_status_event(
        session=session, call_id=call.id, status=status.value, source=source, detail=detail
    )
    return True


@dataclass(frozen=True, slots=True)
class StatusChange:
    """What applying one status report did to a call."""

    changed: bool = False
    ended: bool = False


def apply_status(
    *,
    session: Session,
    call: Call,
    status: CallStatus | None,
    source: str,
    answered_by: str | None = None,
    duration_seconds: int | None = None,
    detail: str | None = None,
) -> StatusChange:
    """Apply a status (and/or AMD result) idempotently; never move a call backwards.

    Duplicates and stale reports change nothing. Reaching `in-progress` sets `answered_at`;
    reaching a final status ends the call (our clock), with the end reason it implies.
    """
    assert call.id is not None
    changed = False
    if answered_by and answered_by != call.answered_by:
        call.answered_by = answered_by
        calls_repo.add_status_event(
            session=session,
            call_id=call.id,
            status=(status or call.status).value,
            source=source,
            answered_by=answered_by,
            detail="answered by " + answered_by,
        )
        changed = True
    if status is None or rank(status) <= rank(call.status):
        if changed:
            calls_repo.touch(call)
        if duration_seconds is not None and call.ended_at and call.duration_seconds is None:
            call.duration_seconds = duration_seconds
        return StatusChange(changed=changed)
    if status in FINAL_STATUSES:
        end_call(
            session=session,
            call=call,
            status=status,
            end_reason=_END_REASONS.get(status),
            source=source,
            detail=detail,
        )
        return StatusChange(changed=True, ended=True)
    if status is CallStatus.in_progress and call.answered_at is None:
        call.answered_at = utcnow()
    call.status = status
    calls_repo.touch(call)
    calls_repo.add_status_event(
        session=session, call_id=call.id, status=status.value, source=source, detail=detail
    )
    return StatusChange(changed=True)


def publish_call(hub: LiveHub, kind: EventKind, call: Call) -> None:
    """Tell live views about a committed change to `call`."""
    assert call.id is not None
    hub.publish(CallEvent(kind=kind, call_id=call.id, data=call_json(call)))


def _end_in_db(call_id: int, status: CallStatus, end_reason: EndReason | None) -> Call | None:
    with session_scope() as session:
        call = calls_repo.get_call(session=session, call_id=call_id)
        if call is None:
            return None
        if not end_call(session=session, call=call, status=status, end_reason=end_reason):
            return None
        return call


async def finalize_ended_call(services: Services, call_id: int) -> None:
    """Run the post-call step (lead, emails); its errors are logged, never raised."""
    from callcenter.leads.finalize import finalize_call

    try:
        await finalize_call(settings=services.settings, call_id=call_id)
    except Exception:
        log.exception("finalising call %s failed", call_id, extra={"call_id": call_id})


async def end_and_publish(
    services: Services,
    call_id: int,
    *,
    status: CallStatus = CallStatus.completed,
    end_reason: EndReason | None = None,
) -> bool:
    """End the call if it has not ended (off the event loop) and publish `call_ended`."""
    call = await asyncio.to_thread(_end_in_db, call_id, status, end_reason)
    if call is None:
        return False
    log.info(
        "call %s ended: %s (%s)",
        call_id,
        call.status.value,
        call.end_reason.value if call.end_reason else "-",
        extra={"call_sid": call.call_sid, "call_id": call_id},
    )
    publish_call(services.hub, "call_ended", call)
    return True


async def finish_call(
    services: Services,
    call_id: int,
    *,
    status: CallStatus = CallStatus.completed,
    end_reason: EndReason | None = None,
) -> bool:
    """End the call (if it has not ended), publish `call_ended`, then finalise it.

    Returns True when this call ended it. Finalisation runs either way: it is idempotent.
    """
    ended = await end_and_publish(services, call_id, status=status, end_reason=end_reason)
    await finalize_ended_call(services, call_id)
    return ended
