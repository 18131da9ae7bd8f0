"""The call's webhook events: `call.started` when it goes in progress, and `call.completed` as
the after-call step that follows the lead and the review."""

import asyncio

from sqlmodel import Session

from callcenter.calls.views import call_data
from callcenter.db.models import Call
from callcenter.db.repo import calls as calls_repo
from callcenter.db.session import session_scope
from callcenter.webhooks.events import EventType, announce


def announce_call(*, session: Session, call: Call, event_type: EventType) -> int:
    """Queue `event_type` for `call` in the caller's transaction; one event per call and type
    (its id is derived from both), however often it is announced."""
    assert call.id is not None
    return announce(
        session=session,
        event_type=event_type,
        data=call_data(call),
        event_id=f"msg_call_{call.id}_{event_type.split('.')[1]}",
        call_id=call.id,
    )


def _announce_completed(call_id: int) -> None:
    with session_scope() as session:
        call = calls_repo.get_call(session=session, call_id=call_id)
        if call is not None:
            announce_call(session=session, call=call, event_type="call.completed")


class AnnounceCompleted:
    """After-call step: `call.completed`, carrying the summary and outcome stored before it."""

    name = "call.completed"

    async def __call__(self, call_id: int) -> None:
        await asyncio.to_thread(_announce_completed, call_id)
