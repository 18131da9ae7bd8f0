"""The database side of the phone flow: find, create and update call rows (sync)."""

import logging
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from callcenter.db.models import Call, CallDirection, CallStatus, EndReason
from callcenter.db.repo import calls as calls_repo
from callcenter.db.session import session_scope
from callcenter.telephony.lifecycle import StatusChange, apply_status

log = logging.getLogger(__name__)

MACHINE_PREFIXES = ("machine", "fax")


def is_machine(answered_by: str | None) -> bool:
    return bool(answered_by) and str(answered_by).startswith(MACHINE_PREFIXES)


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


def record_inbound(*, call_sid: str, from_number: str, to_number: str) -> CallUpdate:
    """Create the inbound call for `call_sid` once; a retried webhook finds the same row."""
    for _attempt in range(2):
        try:
            with session_scope() as session:
                call = calls_repo.get_call_by_sid(session=session, call_sid=call_sid)
                if call is not None:
                    return CallUpdate(call=call)
                call = calls_repo.create_call(
                    session=session,
                    direction=CallDirection.inbound,
                    from_number=from_number,
                    to_number=to_number,
                    status=CallStatus.ringing,
                    call_sid=call_sid,
                )
                return CallUpdate(call=call, created=True)
        except IntegrityError:
            # A concurrent retry inserted it first; the next attempt reads that row.
            log.info("inbound webhook retry raced for %s", call_sid, extra={"call_sid": call_sid})
    raise RuntimeError(f"could not record inbound call {call_sid}")


def record_outbound_answer(
    *, call_sid: str, from_number: str, to_number: str, answered_by: str | None
) -> CallUpdate:
    """The callee answered an outbound call: mark it in progress (creating it if unknown)."""
    with session_scope() as session:
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
        if is_machine(answered_by) and call.end_reason is None:
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
    """Apply a status / AMD callback idempotently; None when the call is unknown."""
    with session_scope() as session:
        call = find_call(session=session, call_sid=call_sid, to_number=to_number)
        if call is None:
            return None
        newly_machine = (
            is_machine(answered_by)
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
        return CallUpdate(
            call=call, change=change, machine_answered=newly_machine and call.ended_at is None
        )


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


def load_call(call_id: int) -> Call | None:
    with session_scope() as session:
        return calls_repo.get_call(session=session, call_id=call_id)
