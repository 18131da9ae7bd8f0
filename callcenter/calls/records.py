"""The database side of a call's life: find, create, advance and end call rows (sync)."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from callcenter.calls import states
from callcenter.calls.completed import announce_call
from callcenter.calls.states import StatusChange
from callcenter.db.models import Call, CallDirection, CallStatus, EndReason
from callcenter.db.repo import calls as calls_repo
from callcenter.db.session import session_scope
from callcenter.db.types import utcnow

log = logging.getLogger(__name__)

# Checked inside the ending transaction; False leaves the call as it is.
EndGuard = Callable[[Session, Call], bool]


@dataclass(frozen=True, slots=True)
class CallUpdate:
    """A call row as committed, and what the update did."""

    call: Call
    created: bool = False
    change: StatusChange = StatusChange()
    # A machine answered this live outbound call just now (not on a retried callback).
    machine_answered: bool = False


def find_call(*, session: Session, call_sid: str, to_number: str | None = None) -> Call | None:
    """The call with this CallSid; else the outbound call we are dialling to `to_number`.

    Twilio may call back before `calls.create` has returned the sid to us: such a call is
    adopted (its sid recorded) so nothing is created twice.
    """
    call = calls_repo.get_call_by_sid(session=session, call_sid=call_sid)
    if call is not None or not to_number:
        return call
    query = (
        select(Call)
        .where(Call.direction == CallDirection.outbound)
        .where(col(Call.call_sid).is_(None))
        .where(Call.to_number == to_number)
        .where(col(Call.status).in_([CallStatus.queued.value, CallStatus.ringing.value]))
        .order_by(col(Call.id).desc())
    )
    call = session.exec(query).first()
    if call is not None:
        call.call_sid = call_sid
        calls_repo.touch(call)
        session.flush()
    return call


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

    Duplicates and stale reports change nothing. Reaching `in-progress` sets `answered_at`.
    A final status is not applied here: the change says the call `ends_with` it, and the one
    end path (`CallLife.end`) ends it."""
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
    if status is None or not states.moves_forward(call.status, status):
        if changed:
            calls_repo.touch(call)
        if duration_seconds is not None and call.ended_at and call.duration_seconds is None:
            call.duration_seconds = duration_seconds
        return StatusChange(changed=changed)
    if states.is_final(status):
        return StatusChange(changed=changed, ends_with=status)
    if status is CallStatus.in_progress and call.answered_at is None:
        call.answered_at = utcnow()
    call.status = status
    calls_repo.touch(call)
    calls_repo.add_status_event(
        session=session, call_id=call.id, status=status.value, source=source, detail=detail
    )
    if status is CallStatus.in_progress:
        announce_call(session=session, call=call, event_type="call.started")
    return StatusChange(changed=True)


@dataclass(frozen=True, slots=True)
class Ending:
    """How a call ends: its final status and reason, who says so, and the details."""

    reason: EndReason | None
    status: CallStatus = CallStatus.completed
    source: str = "app"
    detail: str | None = None
    error: str | None = None  # stored as the call's error message
    guard: EndGuard | None = None  # checked inside the transaction; False ends nothing
    reason_wins: bool = False  # replace a reason recorded earlier (e.g. voicemail)


def end_call(*, session: Session, call: Call, ending: Ending) -> bool:
    """Record the end of `call` in `session` from our own clock; False when it had already
    ended (another writer won the conditional update, and `call` now shows what it recorded).
    A reason recorded earlier is kept unless `ending.reason_wins`."""
    assert call.id is not None
    if states.is_final(call.status) and call.ended_at is not None:
        return False
    now = utcnow()
    if not calls_repo.claim_end(session=session, call_id=call.id, at=now):
        session.refresh(call)  # ended meanwhile by another writer: keep what it recorded
        return False
    call.status = ending.status
    if ending.reason_wins or call.end_reason is None:
        call.end_reason = ending.reason
    if ending.error:
        call.error_message = ending.error[:500]
    call.ended_at = now
    call.duration_seconds = states.talk_seconds(answered_at=call.answered_at, ended_at=now)
    calls_repo.touch(call)
    calls_repo.add_status_event(
        session=session,
        call_id=call.id,
        status=ending.status.value,
        source=ending.source,
        detail=ending.detail[:500] if ending.detail else None,
    )
    return True


def end_call_row(call_id: int, ending: Ending) -> Call | None:
    """End the call `call_id` in its own transaction: the row that ended it, or None when it
    had already ended or the ending's guard said no."""
    with session_scope() as session:
        call = calls_repo.get_call(session=session, call_id=call_id)
        if call is None:
            return None
        if ending.guard is not None and not ending.guard(session, call):
            return None
        return call if end_call(session=session, call=call, ending=ending) else None


def record_inbound(*, call_sid: str, from_number: str, to_number: str) -> CallUpdate:
    """Create the inbound call for `call_sid` once; a retried webhook finds the same row."""
    with session_scope() as session:
        return inbound_in(session, call_sid=call_sid, from_number=from_number, to_number=to_number)


def inbound_in(session: Session, *, call_sid: str, from_number: str, to_number: str) -> CallUpdate:
    """`record_inbound` inside the caller's transaction."""
    call = calls_repo.create_call_once(
        session=session,
        call_sid=call_sid,
        direction=CallDirection.inbound,
        from_number=from_number,
        to_number=to_number,
        status=CallStatus.ringing,
    )
    if call is not None:
        return CallUpdate(call=call, created=True)
    # A retry of the webhook (or a concurrent one, whose row the insert waited for).
    call = calls_repo.get_call_by_sid(session=session, call_sid=call_sid)
    if call is None:
        raise RuntimeError(f"could not record inbound call {call_sid}")
    return CallUpdate(call=call)


def outbound_answer_in(
    session: Session, *, call_sid: str, from_number: str, to_number: str, answered_by: str | None
) -> CallUpdate:
    """The callee answered an outbound call: mark it in progress (creating it if unknown)."""
    call = find_call(session=session, call_sid=call_sid, to_number=to_number)
    created = False
    if call is None:
        call = calls_repo.create_call(
            session=session,
            direction=CallDirection.outbound,
            from_number=from_number,
            to_number=to_number,
            status=CallStatus.queued,
            call_sid=call_sid,
        )
        created = True
    change = apply_status(
        session=session,
        call=call,
        status=CallStatus.in_progress,
        answered_by=answered_by,
        source="twilio",
    )
    if states.is_machine(answered_by) and call.end_reason is None:
        call.end_reason = EndReason.voicemail
    return CallUpdate(call=call, created=created, change=change)


def record_status_callback(
    *,
    call_sid: str,
    to_number: str | None,
    status: CallStatus | None,
    answered_by: str | None,
    duration_seconds: int | None,
    detail: str | None,
) -> CallUpdate | None:
    """Apply a status / AMD callback idempotently; None when the call is unknown. A final
    status is returned in `change.ends_with` for the end path to apply."""
    with session_scope() as session:
        call = find_call(session=session, call_sid=call_sid, to_number=to_number)
        if call is None:
            return None
        newly_machine = (
            states.is_machine(answered_by)
            and answered_by != call.answered_by
            and call.direction == CallDirection.outbound
        )
        change = apply_status(
            session=session,
            call=call,
            status=status,
            answered_by=answered_by,
            duration_seconds=duration_seconds,
            source="twilio",
            detail=detail,
        )
        if newly_machine and call.end_reason is None:
            call.end_reason = EndReason.voicemail
        live = call.ended_at is None and change.ends_with is None
        return CallUpdate(call=call, change=change, machine_answered=newly_machine and live)


def record_stream_start(
    *, call_id: int | None, call_sid: str, stream_sid: str
) -> CallUpdate | None:
    """The media stream started: remember its sid and mark the call answered (in progress)."""
    with session_scope() as session:
        call = calls_repo.get_call_by_sid(session=session, call_sid=call_sid)
        if call is None and call_id is not None:
            call = calls_repo.get_call(session=session, call_id=call_id)
            if call is not None and call.call_sid is None:
                call.call_sid = call_sid
        if call is None:
            return None
        call.stream_sid = stream_sid
        change = apply_status(
            session=session, call=call, status=CallStatus.in_progress, source="stream"
        )
        calls_repo.touch(call)
        return CallUpdate(call=call, change=change)


def record_usage(call_id: int, usage: dict[str, Any], cost_usd: float) -> None:
    """Store what the AI used on the call and what it cost."""
    with session_scope() as session:
        call = calls_repo.get_call(session=session, call_id=call_id)
        if call is not None:
            call.usage, call.cost_usd = usage, cost_usd
            calls_repo.touch(call)


def load_call(call_id: int) -> Call | None:
    with session_scope() as session:
        return calls_repo.get_call(session=session, call_id=call_id)


def call_sid_of(call_id: int) -> str | None:
    with session_scope() as session:
        call = calls_repo.get_call(session=session, call_id=call_id)
        return call.call_sid if call else None
