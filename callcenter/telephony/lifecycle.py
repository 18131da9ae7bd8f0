"""Call lifecycle: apply status changes without ever moving backwards, and end calls once."""

import logging

from sqlmodel import Session

from callcenter.db.models import FINAL_STATUSES, Call, CallStatus, EndReason
from callcenter.db.repo import calls as calls_repo
from callcenter.db.types import utcnow

log = logging.getLogger(__name__)


def end_call(
    *,
    session: Session,
    call: Call,
    status: CallStatus = CallStatus.completed,
    end_reason: EndReason | None = None,
    source: str = "app",
) -> bool:
    """Record the end of a call from our own clock; False if it had already ended."""
    if call.status in FINAL_STATUSES and call.ended_at is not None:
        return False
    now = utcnow()
    call.status = status
    call.end_reason = call.end_reason or end_reason
    call.ended_at = now
    began = call.answered_at or call.started_at
    call.duration_seconds = max(0, round((now - began).total_seconds())) if call.answered_at else 0
    calls_repo.touch(call)
    assert call.id is not None
    calls_repo.add_status_event(session=session, call_id=call.id, status=status.value, source=source)
    return True
