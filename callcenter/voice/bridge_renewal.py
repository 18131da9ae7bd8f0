"""Renewing a call's voice session before the provider's limit, the conversation carried over."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from callcenter import metrics
from callcenter.db.types import utcnow
from callcenter.voice.barge_in import BargeIn
from callcenter.voice.bridge_endings import BridgeEndings
from callcenter.voice.bridge_tools import ToolRunner
from callcenter.voice.history import carry_over, past_turns
from callcenter.voice.session import (
    AgentAudio,
    RenewableSession,
    SessionClosed,
    SessionExpired,
    VoiceConnectError,
    VoiceSession,
    VoiceSessionFactory,
)

log = logging.getLogger(__name__)

SEEK_FROM = 0.8  # of the session limit: from here on, the first moment between turns renews
QUIET_CHECK = 0.05  # how often the bridge is looked at for a moment between turns


class BridgeRenewals(BridgeEndings):
    """The renewing part of `CallBridge`.

    Planned: from `SEEK_FROM` of the session's limit, at a moment between turns, a new session
    opens with the same instructions and tools and the conversation so far, then takes over
    the call's audio, events and tool results; the old one is closed. At the limit itself it
    takes over regardless. Forced: the service says the session expired, and a new one takes
    over at once. The caller hears no apology; only a renewal that cannot connect fails the
    call the usual way (apology, `ai_unavailable`)."""

    tool_runner: ToolRunner
    barge_in: BargeIn
    voice_factory: VoiceSessionFactory | None
    renewals = 0  # sessions replaced so far in this call
    _session_started = 0.0
    _successor: "asyncio.Task[tuple[VoiceSession, set[str]] | None] | None" = None
    _handlers: dict[type, Callable[[Any], Awaitable[None]]]

    async def _on_agent_audio(self, event: AgentAudio) -> None:
        raise NotImplementedError  # provided by the bridge

    async def _voice_loop(self) -> None:
        """The current session's events, in order; after a renewal, the new session's."""
        handlers = self._handlers
        voice = self.voice
        while True:
            async for event in voice.events():
                if voice is not self.voice:
                    break  # renewed: the old session's last words (its close) are not the call's
                self.state.last_event_at = time.monotonic()
                if isinstance(event, AgentAudio):  # the hot path skips the table
                    await self._on_agent_audio(event)
                    continue
                await handlers[type(event)](event)
                if isinstance(event, SessionClosed):
                    return
            if voice is self.voice:
                return
            voice = self.voice

    def _session_limit(self) -> float | None:
        voice = self.voice
        if self.voice_factory is None or not isinstance(voice, RenewableSession):
            return None  # the local engine has no limit
        return voice.max_session_seconds

    def _between_turns(self) -> bool:
        """Nobody speaks and nothing is due: a swap now cuts nothing."""
        state = self.state
        return (
            not state.playback.has_pending
            and state.active_response is None
            and state.awaiting_response_since is None
            and state.deferred_request is None
            and self.turns.speaking != "caller"
            and not self.tool_runner.busy
            and state.goodbye is None
        )

    async def _renewal_timer(self) -> None:
        """Planned renewals, one per session, for as long as the call lasts."""
        self._session_started = time.monotonic()
        try:
            await self._planned_renewals()
        except Exception:
            # The call goes on with its session; at the limit the service's expiry renews it.
            log.exception("planned voice session renewal failed", extra=self._log)

    async def _planned_renewals(self) -> None:
        while not self._ending_started:
            limit = self._session_limit()
            if limit is None:
                return
            started = self._session_started
            await asyncio.sleep(max(0.0, started + limit * SEEK_FROM - time.monotonic()))
            deadline = started + limit
            if self._session_started != started or not await self._quiet_until(deadline):
                continue  # renewed meanwhile (the service said it expired), or ending
            successor = await self._open_successor()
            if successor is None or self._session_started != started:
                continue
            await self._quiet_until(deadline)
            if self._session_started == started and not self._ending_started:
                await self._take_over(successor, kind="planned")

    async def _quiet_until(self, deadline: float) -> bool:
        """Wait for a moment between turns, but not past `deadline`; False if the call ends."""
        while not self._between_turns() and time.monotonic() < deadline:
            if self._ending_started:
                return False
            await asyncio.sleep(QUIET_CHECK)
        return not self._ending_started

    async def _on_expired(self, event: SessionExpired) -> None:
        """The service ended the session for its limit (it closes next): renew at once."""
        if self._ending_started or self._done.is_set():
            return
        log.warning("voice session expired: %s", event.message, extra=self._log)
        if self._session_limit() is None:
            self._start_ending(self._fail_unavailable())
            return
        successor = await self._open_successor()
        if successor is not None:
            await self._take_over(successor, kind="expired")

    async def _open_successor(self) -> "tuple[VoiceSession, set[str]] | None":
        """The next session, opened and given the conversation so far (one at a time); None
        when it could not connect, and then the call takes the failure path."""
        if self._successor is None:
            self._successor = asyncio.create_task(self._connect(), name="voice-renewal")
        successor = await asyncio.shield(self._successor)
        if successor is None:
            self._successor = None
            self._start_ending(self._fail_unavailable())
        return successor

    async def _connect(self) -> "tuple[VoiceSession, set[str]] | None":
        assert self.voice_factory is not None
        spoken = list(self.turns.spoken)
        config, recent = carry_over(self.config, past_turns(spoken))
        voice = self.voice_factory()
        try:
            if not isinstance(voice, RenewableSession):
                raise VoiceConnectError("the voice engine cannot take a conversation over")
            await voice.start(config)
            await voice.add_history(recent)
        except VoiceConnectError as exc:
            log.error("voice session renewal failed: %s", exc, extra=self._log)
            await voice.close()
            return None
        return voice, {turn.key for turn in spoken}

    async def _take_over(self, successor: "tuple[VoiceSession, set[str]]", *, kind: str) -> None:
        """Swap the new session in: from now on the caller's audio, the events read and the
        tool results go to it. A reply the old session owed is asked of the new one."""
        voice, carried = successor
        state, old = self.state, self.voice
        owed = state.active_response is not None or state.awaiting_response_since is not None
        owed = owed or state.deferred_request is not None
        self.voice = self.tool_runner.voice = voice
        self._session_started = state.last_event_at = time.monotonic()
        # The new session counts its audio from the next frame: the caller's turns are dated
        # from there (not from the start of the call's stream).
        state.audio_origin = utcnow()
        self.barge_in.new_session()
        self._successor = None
        self.renewals += 1
        # Turns finished while the new session was opening follow the ones it was given.
        late = [turn for turn in self.turns.spoken if turn.key not in carried]
        if isinstance(voice, RenewableSession) and late:
            await voice.add_history(past_turns(late))
        cut, state.active_response = state.active_response, None
        if cut is not None:
            self.turns.response_done(cut)  # the old session will never finish it
        if state.playback.has_pending is False:
            self._played_out.set()
        deferred, state.deferred_request = state.deferred_request, None
        state.last_request = None
        await old.close()  # its `SessionClosed` is not the call's: the voice loop moved on
        log.info("voice session renewed (%s, renewal %d)", kind, self.renewals, extra=self._log)
        metrics.count_session_renewal(kind)
        if owed and not self._ending_started:
            state.awaiting_response_since = None
            await self._request_response(deferred[0] if deferred else None)

    async def _close_successor(self) -> None:
        """The call ended while a new session was opening: it is not needed."""
        task, self._successor = self._successor, None
        if task is None:
            return
        task.cancel()
        await asyncio.wait([task])  # a cancellation of this task itself still propagates
        if task.cancelled() or task.exception() is not None:
            return
        successor = task.result()
        if successor is not None:
            await successor[0].close()
