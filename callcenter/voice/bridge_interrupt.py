"""The bridge's barge-in: cut the agent off at what the caller heard, then ask for the reply."""

import asyncio
import logging
import time

from callcenter.recording.recorder import CallRecorder
from callcenter.voice.bridge_state import BridgeState
from callcenter.voice.line import PhoneLine
from callcenter.voice.session import VoiceSession
from callcenter.voice.turns import TurnTracker

log = logging.getLogger(__name__)


class BridgeInterrupt:
    """The interrupting half of `CallBridge` (a base class, like `BridgeEndings`)."""

    state: BridgeState
    stream: PhoneLine
    voice: VoiceSession
    turns: TurnTracker
    recorder: CallRecorder | None
    _log: dict[str, str]
    _ending: asyncio.Task[None] | None

    def _update_played_out(self) -> None:
        raise NotImplementedError  # provided by the bridge

    async def _request_response(self, text: str | None = None) -> None:
        raise NotImplementedError  # provided by the bridge

    def _agent_speaking(self) -> bool:
        state = self.state
        return state.playback.has_pending or state.active_response is not None

    async def _interrupt(self) -> None:
        """Barge-in: clear Twilio's queue first so the caller hears nothing more, stop the
        response, then tell the model exactly how much of its item was heard (acknowledged
        bytes, not wall time)."""
        state = self.state
        cleared = state.playback.has_pending
        # Bookkeeping before any await: audio of the cut item arriving meanwhile is dropped.
        cut = state.playback.interrupt() if cleared else None
        if cut is not None:
            state.truncated_items.add(cut.item_id)
        response = state.active_response
        if cleared:
            await self.stream.send_clear()
            if self.recorder is not None:
                self.recorder.cleared()  # what Twilio still had queued is never heard
        if response is not None and response not in state.cancelled_responses:
            state.cancelled_responses.add(response)
            await self.voice.cancel_response()  # the service's own interruption is off
        self._update_played_out()
        if cut is None:
            return
        await self.voice.truncate(cut.item_id, cut.content_index, cut.audio_end_ms)
        self.turns.interrupted(cut.item_id, cut.played, cut.sent)
        log.info("caller interrupted the agent at %d ms", cut.audio_end_ms, extra=self._log)

    async def _answer_caller(self) -> None:
        """The caller's turn is over: ask for the reply (the service does not answer by itself);
        from now on a reply is due, and a service silent for REALTIME_STALL_SECONDS is lost."""
        if self.state.goodbye is not None or self._ending is not None:
            return  # the goodbye is coming or playing
        self.state.first_audio_from = time.monotonic()
        await self._request_response()
