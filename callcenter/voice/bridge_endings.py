"""How a bridged call ends: goodbye wind-up, hang-up or transfer, apology, and the watchdog."""

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine
from typing import Any

from callcenter.calls.carrier import Carrier
from callcenter.calls.life import CallLife
from callcenter.config import Settings
from callcenter.db.models import EndReason
from callcenter.voice import instructions
from callcenter.voice.apology import play_apology
from callcenter.voice.bridge_state import BridgeState
from callcenter.voice.do_not_call import list_caller as do_not_call_list
from callcenter.voice.line import PhoneLine
from callcenter.voice.session import SessionConfig, VoiceSession
from callcenter.voice.turns import TurnTracker

log = logging.getLogger(__name__)

PLAYOUT_TIMEOUT = 15.0  # longest wait for the agent's last words before hanging up anyway


class BridgeEndings:
    """The ending half of `CallBridge`: one ending per call, recorded before the line closes.

    A base class rather than a separate object so the audio hot path reads `_ending_started`
    and `_played_out` straight off the bridge, with no extra indirection per frame."""

    state: BridgeState
    stream: PhoneLine
    settings: Settings
    carrier: Carrier
    life: CallLife
    voice: VoiceSession
    config: SessionConfig
    turns: TurnTracker
    _done: asyncio.Event
    _played_out: asyncio.Event
    _ending: asyncio.Task[None] | None
    _log: dict[str, str]

    async def _request_response(self, text: str | None = None) -> None:
        raise NotImplementedError  # provided by the bridge

    def _finish(self) -> None:
        self._done.set()

    @property
    def _ending_started(self) -> bool:
        return self._ending is not None

    def _start_ending(self, coro: Coroutine[Any, Any, None]) -> None:
        if self._ending is not None:
            coro.close()  # one ending per call: the first one wins
            return
        self._ending = asyncio.create_task(coro, name="bridge-ending")

    async def _wind_up(self, reason: EndReason, *, after_next_response: bool = False) -> None:
        """Let the agent say goodbye, then end the call with `reason`."""
        state = self.state
        if state.goodbye is not None or self._ending_started:
            return
        state.goodbye, state.goodbye_since = reason, time.monotonic()
        if state.active_response is None and not after_next_response:
            state.goodbye_response = "requested"
            await self._request_response(instructions.goodbye_instructions(reason.value))

    async def _hang_up(
        self,
        reason: EndReason,
        *,
        wait_for_playout: bool = True,
        transfer_to: str | None = None,
        do_not_call: bool = False,
    ) -> None:
        state, carrier = self.state, self.carrier
        if do_not_call:
            # Listed before the line closes (in a worker thread, while the goodbye plays on).
            await do_not_call_list(self.config.caller_number, call_sid=state.call_sid)
        if wait_for_playout:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(PLAYOUT_TIMEOUT):
                    await self._played_out.wait()
        self.turns.flush()
        if transfer_to:
            try:
                await carrier.transfer(state.call_sid, transfer_to)
            except Exception:
                log.exception("transfer failed; hanging up instead", extra=self._log)
                reason = EndReason.error
            else:
                transfer_to = None
                reason = EndReason.transferred
        state.end_reason = reason
        # Recorded before the hang-up: the carrier ending the stream must not win the race.
        # The after-call work waits until this bridge has finished writing the transcript.
        try:
            await self.life.end(state.call_id, reason=reason)
        except Exception:
            log.exception("could not record the end of the call", extra=self._log)
        if reason is not EndReason.transferred:
            try:
                await carrier.hang_up(state.call_sid)
            except Exception:
                log.exception("carrier could not hang up", extra=self._log)
        self._finish()

    def _end_with(
        self, reason: EndReason, *, transfer_to: str | None = None, do_not_call: bool = False
    ) -> None:
        """Start hanging up (or transferring) after the agent's last words have played."""
        self._start_ending(self._hang_up(reason, transfer_to=transfer_to, do_not_call=do_not_call))

    async def _fail_unavailable(self) -> None:
        """The voice AI is gone: apologise, hang up, keep what was said."""
        state = self.state
        await self.voice.close()
        # The agent's words already queued at Twilio finish playing; the apology follows them.
        state.active_response = None
        await play_apology(self.stream, state.playback, self._played_out)
        await self._hang_up(EndReason.ai_unavailable, wait_for_playout=False)

    async def _watchdog(self) -> None:
        state = self.state
        stall = self.settings.realtime_stall_seconds
        started = time.monotonic()
        while not self._done.is_set():
            await asyncio.sleep(min(0.25, stall / 4))  # a timer, not a wait for an event
            now = time.monotonic()
            waiting = state.awaiting_response_since is not None or state.active_response
            if waiting and not self._ending_started and now - state.last_event_at > stall:
                log.error(
                    "voice engine silent for %.1f s", now - state.last_event_at, extra=self._log
                )
                self._start_ending(self._fail_unavailable())
            if now - started > self.settings.max_call_seconds and state.goodbye is None:
                await self._wind_up(EndReason.time_limit)
            if state.goodbye and now - state.goodbye_since > PLAYOUT_TIMEOUT:
                # The goodbye never came (or never finished): end the call regardless.
                self._start_ending(self._hang_up(state.goodbye, wait_for_playout=False))
