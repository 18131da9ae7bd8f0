"""The softphone page's state: which call this browser is on, and the shared live calls."""

import asyncio

import reflex as rx

from callcenter.db.repo import calls as calls_repo
from callcenter.db.session import session_scope
from callcenter.ui.live.state import LIVE_TOKEN, LiveState
from callcenter.ui.state.auth import AuthState


def _call_id(call_sid: str) -> int:
    with session_scope() as session:
        call = calls_repo.get_call_by_sid(session=session, call_sid=call_sid)
        return call.id or 0 if call else 0


LOOKUP_TRIES = 25  # the script may learn the call's id before the webhook has stored the call
LOOKUP_PAUSE = 0.2


class SoftphoneState(AuthState):
    call_sid: rx.Field[str] = rx.field("")
    call_id: rx.Field[int] = rx.field(0)

    @rx.event
    async def on_load(self):
        if await self.current_user() is None:
            return self.login_redirect()
        self.call_id, self.call_sid = 0, ""
        live = await self.get_state(LiveState)
        await live._link_to(LIVE_TOKEN)  # the call's transcript streams in like on Live
        return None

    @rx.event
    async def set_call_sid(self, call_sid: str):
        """Set by the softphone script once the call is connected."""
        if not call_sid or len(call_sid) > 64:
            return
        self.call_sid, self.call_id = call_sid, 0
        for _ in range(LOOKUP_TRIES):
            self.call_id = await asyncio.to_thread(_call_id, call_sid)
            if self.call_id:
                return
            await asyncio.sleep(LOOKUP_PAUSE)
