"""Ending a live call from the dashboard: through its bridge here, else through the carrier."""

import asyncio
import inspect
import logging

from callcenter.db.models import EndReason
from callcenter.db.repo import calls as calls_repo
from callcenter.db.session import session_scope
from callcenter.services import Services

log = logging.getLogger(__name__)


def _call_sid(call_id: int) -> str | None:
    with session_scope() as session:
        call = calls_repo.get_call(session=session, call_id=call_id)
        return call.call_sid if call else None


async def end_live_call(services: Services, call_id: int) -> None:
    """Hang up `call_id`; raises CarrierError or LookupError with a message to show."""
    bridge = services.active_bridges.get(call_id)
    if bridge is not None:
        result = bridge.end(EndReason.ended_by_user)
        if inspect.isawaitable(result):
            await result
        return
    # The call is bridged by another worker (or not at all): the carrier ends it everywhere.
    call_sid = await asyncio.to_thread(_call_sid, call_id)
    if not call_sid:
        raise LookupError("This call has no carrier id yet; try again in a moment.")
    log.info("ending call %s through the carrier", call_id)
    await services.carrier.hang_up(call_sid)
