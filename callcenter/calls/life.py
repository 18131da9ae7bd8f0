"""`CallLife`: the one way a call ends, and what runs after it, whoever asked for the end."""

import asyncio
import logging
from typing import Literal

from callcenter.calls import records
from callcenter.calls.after_call import AfterCall
from callcenter.calls.carrier import Carrier
from callcenter.calls.records import EndGuard, Ending
from callcenter.calls.registry import LiveCalls
from callcenter.calls.views import call_data
from callcenter.db.models import Call, CallStatus, EndReason
from callcenter.live.events import CallEvent
from callcenter.live.hub import LiveHub

log = logging.getLogger(__name__)

CallEventKind = Literal["call_started", "call_updated", "call_ended"]


class CallLife:
    """Ends calls exactly once and runs the after-call work from one place.

    Every ending goes through `end`: the caller hanging up, the stream stopping, the agent,
    the AI lost, the dashboard, shutdown, the sweeper, a carrier status callback. The
    after-call work (`AfterCall`) runs once the call's media is over: at once for a call whose
    media never started, or when the bridge that carried it finishes (`media_finished`, in
    whichever process that was); the sweeper runs it for calls a dead process left behind."""

    def __init__(
        self, *, hub: LiveHub, live_calls: LiveCalls, carrier: Carrier, after_call: AfterCall
    ) -> None:
        self.hub = hub
        self.live_calls = live_calls
        self.carrier = carrier
        self.after_call = after_call
        self._tasks: set[asyncio.Task[None]] = set()

    def announce(self, kind: CallEventKind, call: Call) -> None:
        """Tell live views about a committed change to `call`."""
        assert call.id is not None
        self.hub.publish(CallEvent(kind=kind, call_id=call.id, data=call_data(call)))

    async def end(
        self,
        call_id: int,
        *,
        reason: EndReason | None,
        status: CallStatus = CallStatus.completed,
        source: str = "app",
        detail: str | None = None,
        error: str | None = None,
        guard: EndGuard | None = None,
        reason_wins: bool = False,
    ) -> Call | None:
        """End the call now unless it has already ended (then None): the end is recorded from
        our clock, `call_ended` is published, and the after-call work is started unless a
        bridge is still carrying the call's media (it starts it when it finishes)."""
        ending = Ending(reason, status, source, detail, error, guard, reason_wins)
        call = await self._record_end(call_id, ending)
        if call is not None and call.stream_sid is None and call_id not in self.live_calls:
            self.start_after_call(call_id)
        return call

    async def _record_end(self, call_id: int, ending: Ending) -> Call | None:
        call = await asyncio.to_thread(records.end_call_row, call_id, ending)
        if call is None:
            return None
        log.info(
            "call %s ended: %s (%s)",
            call_id,
            call.status.value,
            call.end_reason.value if call.end_reason else "-",
            extra={"call_sid": call.call_sid, "call_id": call_id},
        )
        self.announce("call_ended", call)
        return call

    async def media_finished(self, call_id: int, *, reason: EndReason) -> None:
        """The media stream of a call bridged here is over: end it (if nothing else has) and
        run the after-call work now that every turn has been written."""
        try:
            await self._record_end(call_id, Ending(reason))
        finally:
            self.start_after_call(call_id)

    async def hang_up(self, call_id: int) -> None:
        """End a live call on a person's request (the dashboard): through its bridge when it is
        live here, else through the carrier. Raises `LookupError` / `CarrierError` with a
        message to show."""
        live = self.live_calls.get(call_id)
        if live is not None:
            await live.end(EndReason.ended_by_user)
            return
        call_sid = await asyncio.to_thread(records.call_sid_of, call_id)
        if not call_sid:
            raise LookupError("This call has no carrier id yet; try again in a moment.")
        log.info("ending call %s through the carrier", call_id)
        await self.carrier.hang_up(call_sid)

    def start_after_call(self, call_id: int) -> None:
        """Run the after-call work in a task this object owns (awaited by `aclose`)."""
        task = asyncio.create_task(self.after_call.run(call_id), name=f"after-call-{call_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def run_after_call(self, call_id: int) -> None:
        """Run the after-call work and wait for it (the sweeper's leftovers)."""
        await self.after_call.run(call_id)

    async def aclose(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Wait for after-call work still running (bounded), then cancel what is left."""
        pending = list(self._tasks)
        if not pending:
            return
        _done, still = await asyncio.wait(pending, timeout=timeout)
        for task in still:
            task.cancel()
        await asyncio.gather(*still, return_exceptions=True)
