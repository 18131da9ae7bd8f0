"""Routes for browser tests only (UI_TEST_HOOKS=true): commit a live turn and publish it."""

import asyncio
import time
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from callcenter.app_state import HubDep
from callcenter.db.models import CallDirection, CallStatus
from callcenter.db.repo import calls as calls_repo
from callcenter.db.repo import transcripts as transcripts_repo
from callcenter.db.session import session_scope
from callcenter.db.types import utcnow
from callcenter.live.events import CallEvent
from callcenter.rest.roles import AnyPrincipal

router = APIRouter(prefix="/api/test", tags=["test"])


class TurnIn(BaseModel):
    call_id: int | None = None
    role: str = "caller"
    text: str
    from_number: str = "+15550001111"


@router.post("/live-turn")
async def live_turn(body: TurnIn, hub: HubDep, _who: AnyPrincipal) -> dict[str, Any]:
    """Commit a transcript turn (and its call, when new), then publish it as the bridge does.
    Returns the wall-clock commit time so a test can measure commit → DOM latency."""
    call_id, events, committed_ms = await asyncio.to_thread(_commit, body)
    for event in events:
        hub.publish(event)  # on the event loop, like every publisher
    return {"call_id": call_id, "committed_ms": committed_ms}


def _commit(body: TurnIn) -> tuple[int, list[CallEvent], float]:
    events: list[CallEvent] = []
    with session_scope() as session:
        call = calls_repo.get_call(session=session, call_id=body.call_id) if body.call_id else None
        if call is None:
            call = calls_repo.create_call(
                session=session,
                direction=CallDirection.inbound,
                from_number=body.from_number,
                to_number="+15550100000",
                status=CallStatus.in_progress,
            )
            call.answered_at = utcnow()
            events.append(CallEvent(kind="call_started", call_id=call.id or 0))
        assert call.id is not None
        started = utcnow()
        turn = transcripts_repo.add_turn(
            session=session,
            call_id=call.id,
            turn_key=f"test-{time.monotonic_ns()}",
            role=body.role,
            text=body.text,
            started_at=started,
        )
        call_id = call.id
    committed_ms = time.time() * 1000
    assert turn is not None
    # The same payload the transcript writer publishes after its commit.
    data = {
        "role": body.role,
        "text": body.text,
        "started_at": turn.started_at.isoformat(),
        "interrupted": False,
    }
    events.append(CallEvent(kind="turn", call_id=call_id, data=data))
    return call_id, events, committed_ms
