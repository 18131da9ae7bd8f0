"""Recording why the bridge ended a call, before the carrier hangs up (so the reason wins)."""

import asyncio
import logging

from callcenter.db.models import Call, EndReason
from callcenter.db.repo import calls as calls_repo
from callcenter.db.session import session_scope
from callcenter.services import Services
from callcenter.telephony import lifecycle

log = logging.getLogger(__name__)


def _end_in_db(call_id: int, reason: EndReason) -> Call | None:
    with session_scope() as session:
        call = calls_repo.get_call(session=session, call_id=call_id)
        if call is None or not lifecycle.end_call(session=session, call=call, end_reason=reason):
            return None
        return call


async def record_end(services: Services, call_id: int, reason: EndReason) -> None:
    """End the call in the database now and tell live views; the post-call step (lead,
    emails) runs when the media stream finishes, so hanging up never waits for it."""
    try:
        call = await asyncio.to_thread(_end_in_db, call_id, reason)
    except Exception:
        log.exception("could not record the end of call %s", call_id)
        return
    if call is not None:
        lifecycle.publish_call(services.hub, "call_ended", call)
