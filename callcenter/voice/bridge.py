"""`CallBridge`: joins one call's phone line to one voice session, for the whole call."""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from callcenter import metrics
from callcenter.calls.carrier import Carrier
from callcenter.calls.life import CallLife
from callcenter.calls.registry import LiveCallSnapshot
from callcenter.config import Settings
from callcenter.db.models import EndReason
from callcenter.db.types import utcnow
from callcenter.live.hub import LiveHub
from callcenter.recording.calls import start_recorder
from callcenter.voice import instructions, realtime_events
from callcenter.voice.barge_in import BargeIn
from callcenter.voice.bridge_endings import PLAYOUT_TIMEOUT
from callcenter.voice.bridge_interrupt import BridgeInterrupt
from callcenter.voice.bridge_renewal import BridgeRenewals
from callcenter.voice.bridge_state import BridgeState, audio_origin, spoken_at
from callcenter.voice.bridge_tools import ToolRunner
from callcenter.voice.call_context import load_session_config
from callcenter.voice.line import CallerAudio, Digit, HangUp, MarkPlayed, PhoneLine
from callcenter.voice.playback import b64_len
from callcenter.voice.session import (
    AgentAudio,
    AgentTranscript,
    CallerIdle,
    CallerSpeechStarted,
    CallerSpeechStopped,
    CallerTranscript,
    ResponseDone,
    ResponseStarted,
    SessionClosed,
    SessionConfig,
    SessionExpired,
    SessionReady,
    ToolCall,
    VoiceConnectError,
    VoiceError,
    VoiceSession,
    VoiceSessionFactory,
)
from callcenter.voice.tools.base import ToolCallContext, ToolRegistry, ToolResult
from callcenter.voice.transcript_writer import TranscriptWriter
from callcenter.voice.turns import TurnTracker
from callcenter.voice.usage import Usage

log = logging.getLogger(__name__)


class CallBridge(BridgeInterrupt, BridgeRenewals):
    """Caller audio → voice engine, agent audio → caller, transcripts → database, under one
    `TaskGroup`; whichever side ends first ends the call for both."""

    def __init__(
        self,
        stream: PhoneLine,
        voice: VoiceSession,
        *,
        settings: Settings,
        carrier: Carrier,
        life: CallLife,
        hub: LiveHub,
        tools: ToolRegistry,
        prepared: "asyncio.Future[SessionConfig] | None" = None,
        voice_factory: VoiceSessionFactory | None = None,
    ) -> None:
        self.stream = stream
        # A voice session opened when the call's webhook was answered (see voice/preconnect.py).
        self.prepared = prepared
        self.voice = voice
        # Makes the next session when this one nears the provider's limit (bridge_renewal.py).
        self.voice_factory = voice_factory
        self.settings = settings
        self.carrier = carrier
        self.life = life
        self.tools = tools
        self.state = BridgeState(
            call_id=stream.call_id, call_sid=stream.call_sid, stream_sid=stream.stream_sid
        )
        self.state.first_audio_from = time.monotonic()  # the greeting's clock: the call start
        self.config = SessionConfig(instructions="")
        self.writer = TranscriptWriter(hub)
        self.turns = TurnTracker(
            call_id=stream.call_id, writer=self.writer, hub=hub, playback=self.state.playback
        )
        self.barge_in = BargeIn()
        self._done = asyncio.Event()
        self._played_out = asyncio.Event()
        self._played_out.set()
        self._ending: asyncio.Task[None] | None = None
        self._log = {"call_sid": stream.call_sid, "stream_sid": stream.stream_sid}
        self.recorder = start_recorder(settings, call_id=stream.call_id, call_sid=stream.call_sid)
        self.tool_runner = ToolRunner(
            tools=tools,
            context=ToolCallContext(call_id=stream.call_id, settings=settings, hub=hub),
            voice=voice,
            after=self._after_tool,
            log_extra=self._log,
        )
        self._handlers: dict[type, Callable[[Any], Awaitable[None]]] = {
            AgentAudio: self._on_agent_audio,
            AgentTranscript: self._on_agent_transcript,
            CallerSpeechStarted: self._on_speech_started,
            CallerSpeechStopped: self._on_speech_stopped,
            CallerTranscript: self._on_caller_transcript,
            ToolCall: self._on_tool_call,
            ResponseStarted: self._on_response_started,
            ResponseDone: self._on_response_done,
            CallerIdle: self._on_idle,
            VoiceError: self._on_error,
            SessionExpired: self._on_expired,
            SessionClosed: self._on_closed,
            SessionReady: self._on_ready,
        }

    # --- running -------------------------------------------------------------------------

    async def run(self) -> None:
        self.writer.start()
        try:
            try:
                self.config = await (self.prepared or self._start_voice())
            except VoiceConnectError as exc:
                log.error("voice engine unavailable: %s", exc, extra=self._log)
                await self._run_until_done(self._fail_unavailable())
                return
            await self._run_until_done(self._voice_loop(), self._watchdog(), self._renewal_timer())
        finally:
            await self.tool_runner.finish()
            await self._close_successor()
            await self.voice.close()
            self.turns.flush()
            await self.writer.close()
            if self.recorder is not None:
                await self.recorder.close()

    async def _start_voice(self) -> SessionConfig:
        """Configure and open the voice session now (none was opened when the call came in)."""
        line = self.stream
        config = await load_session_config(
            self.settings,
            self.tools,
            call_id=line.call_id,
            call_sid=line.call_sid,
            direction=line.direction,
            lead_name=line.custom_parameters.get("lead_name"),
        )
        await self.voice.start(config)
        return config

    async def _run_until_done(self, *extra: Coroutine[Any, Any, None]) -> None:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(self._caller_loop(), name="bridge-caller")]
            tasks += [group.create_task(coro, name="bridge-task") for coro in extra]
            await self._done.wait()
            if self._ending is not None and not self._ending.done():
                # An ending in progress (goodbye, apology) records its reason before it stops.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(PLAYOUT_TIMEOUT + 5):
                        await asyncio.shield(self._ending)
            for task in tasks:
                task.cancel()
            if self._ending is not None:
                self._ending.cancel()

    # --- a `LiveCall` in the registry ---------------------------------------------------

    @property
    def call_id(self) -> int:
        return self.state.call_id

    async def end(self, reason: EndReason = EndReason.ended_by_user) -> None:
        """End the call now from outside (the dashboard): hang up and stop the bridge."""
        self._start_ending(self._hang_up(EndReason(reason), wait_for_playout=False))
        if self._ending is not None:
            await asyncio.shield(self._ending)

    async def wind_up(self, reason: EndReason = EndReason.shutdown) -> None:
        """End the call gracefully from outside (shutdown): the agent finishes its sentence,
        says goodbye, then the call ends with `reason` (bounded by the watchdog)."""
        await self._wind_up(EndReason(reason))

    def snapshot(self) -> LiveCallSnapshot:
        state = self.state
        return LiveCallSnapshot(
            call_id=state.call_id,
            call_sid=state.call_sid,
            frames_in=state.frames_in,
            frames_out=state.frames_out,
            agent_speaking=self.turns.speaking == "agent",
            ending=self._ending_started,
        )

    # --- caller side ---------------------------------------------------------------------

    async def _caller_loop(self) -> None:
        state = self.state
        heard = self.barge_in.heard
        recorder = self.recorder
        try:
            async for message in self.stream.incoming():
                if isinstance(message, CallerAudio):
                    state.frames_in += 1
                    if state.audio_origin is None:
                        state.audio_origin = audio_origin(message.position_ms)
                    await self.voice.send_audio(message.payload)  # renewed sessions too
                    if heard(message.payload):
                        await self._interrupt()  # the caller has spoken over the agent long enough
                    if recorder is not None:
                        recorder.caller(message.position_ms, message.payload)
                elif isinstance(message, MarkPlayed):
                    self._on_mark(message.name)
                elif isinstance(message, Digit):
                    await self._on_dtmf(message.digit)
                elif isinstance(message, HangUp):
                    break
        finally:
            self._finish()

    def _on_mark(self, name: str) -> None:
        item = self.state.playback.acknowledged(name)
        if self.recorder is not None:
            self.recorder.played(name)
        if item is not None:
            self.turns.heard(item.item_id)
            self.turns.maybe_finish(item.item_id)
        self._update_played_out()

    async def _on_dtmf(self, digit: str) -> None:
        text = instructions.dtmf_text(digit)
        self.turns.write("caller", f"dtmf:{time.monotonic_ns()}", text, utcnow())
        await self.voice.send_text(instructions.dtmf_text(digit))
        await self._request_response()

    # --- voice side ----------------------------------------------------------------------

    async def _on_ready(self, event: SessionReady) -> None:
        if self.renewals:
            return  # a renewed session carries on the conversation: no second greeting
        opening = instructions.opening_instructions(self.settings, self.config)
        await self._request_response(f"{self.config.instructions}\n\n{opening}")

    async def _request_response(self, text: str | None = None) -> None:
        state = self.state
        if state.awaiting_response_since is None:
            state.awaiting_response_since = time.monotonic()
        if state.active_response is not None:
            # The service refuses a second response while one is active: ask when it is done.
            # The stall watch stays armed until a response starts.
            state.deferred_request = (text,)
            return
        state.last_request = (text,)
        await self.voice.request_response(text)

    async def _on_agent_audio(self, event: AgentAudio) -> None:
        state = self.state
        if event.item_id in state.truncated_items or self._ending_started:
            return  # audio generated after the caller cut in (or after goodbye) is not played
        new_item = event.item_id not in self.turns.agent
        if new_item and event.response_id in state.cancelled_responses:
            state.truncated_items.add(event.item_id)  # a cancelled response's first audio
            return
        if new_item:
            self.turns.agent_turn(event.item_id, event.response_id)
        playback = state.playback
        closing = playback.boundary(event.item_id, event.content_index)
        if closing is not None:
            await self.stream.send_mark(closing)  # the previous item's last stretch
        name, due = playback.forwarded(event.item_id, event.content_index, b64_len(event.payload))
        if self.recorder is not None:
            self.recorder.agent(name, event.payload)  # queued before its mark can echo
        self._played_out.clear()
        # The audio first: a reply's first chunk waits for no bookkeeping (turns, metrics).
        await self.stream.send_media(event.payload)
        if due:  # a mark per ~100 ms of audio: its echo proves that much reached the caller
            await self.stream.send_mark(name)
        state.frames_out += 1
        if state.first_audio_from is not None:
            metrics.observe_first_audio(time.monotonic() - state.first_audio_from)
            state.first_audio_from = None
            if state.deferred_request is None:
                state.awaiting_response_since = None  # the reply is here
        if new_item and event.item_id not in state.truncated_items:  # (cut in meanwhile)
            self.turns.set_speaking("agent")

    async def _on_tool_call(self, event: ToolCall) -> None:
        self.tool_runner.submit(event)

    async def _after_tool(self, result: ToolResult) -> None:
        """The model has the tool's answer: go on talking, or end the call as the tool asks
        (after the agent's last words have played)."""
        ending = result.ending
        if ending is None:
            await self._request_response()
        else:
            self._end_with(
                ending.reason, transfer_to=ending.transfer_to, do_not_call=ending.do_not_call
            )

    async def _on_agent_transcript(self, event: AgentTranscript) -> None:
        self.turns.agent_text(
            event.item_id, event.text, final=event.final, response_id=event.response_id
        )

    async def _on_speech_started(self, event: CallerSpeechStarted) -> None:
        state = self.state
        state.idle_count = 0
        self.turns.caller_speech_started(
            event.item_id, spoken_at(state.audio_origin, event.audio_start_ms)
        )
        # Over the agent, a sound is only a barge-in once it lasts or its words say so.
        over_agent = self._agent_speaking()
        if self.barge_in.started(event.item_id, event.audio_start_ms, over_agent=over_agent):
            await self._interrupt()

    async def _on_speech_stopped(self, event: CallerSpeechStopped) -> None:
        self.turns.set_speaking("agent" if self._agent_speaking() else None)
        if self.barge_in.stopped(event.item_id):
            await self._answer_caller()

    async def _on_caller_transcript(self, event: CallerTranscript) -> None:
        if not event.final:
            return
        self.turns.caller_text(event.item_id, event.text)
        if self.barge_in.transcript(event.item_id, event.text):
            await self._interrupt()  # a short sound, but words that interrupt ("wait, stop")
            await self._answer_caller()

    async def _on_response_started(self, event: ResponseStarted) -> None:
        self.state.active_response = event.response_id
        self.state.awaiting_response_since = None
        self._played_out.clear()

    async def _on_response_done(self, event: ResponseDone) -> None:
        # A reply asked for while this response was active stays due (its stall watch too):
        # only a new response starting disarms it.
        state = self.state
        if state.active_response == event.response_id:
            state.active_response = None
        if event.usage:
            state.usage.add(Usage.of_response(event.usage))
        tail = state.playback.flush()
        if tail is not None:
            await self.stream.send_mark(tail)  # the response's audio is over: mark its end
        self.turns.response_done(event.response_id)
        self._update_played_out()
        deferred, state.deferred_request = state.deferred_request, None
        if state.goodbye is not None and state.goodbye_response is None:
            # The response that was playing when the wind-up began is over: say goodbye now
            # (it supersedes any reply that was waiting).
            state.goodbye_response = "requested"
            await self._request_response(instructions.goodbye_instructions(state.goodbye.value))
        elif state.goodbye is not None and state.goodbye_response == "requested":
            state.goodbye_response = event.response_id
            self._start_ending(self._hang_up(state.goodbye))
        elif deferred is not None:
            await self._request_response(deferred[0])  # deferred again if one is still active

    async def _on_idle(self, event: CallerIdle) -> None:
        # The service does not answer a timeout by itself (`create_response` is off): ask for
        # a prompt to the silent caller; after the second silence's prompt, the goodbye.
        self.state.idle_count += 1
        await self._request_response()
        if self.state.idle_count >= 2:
            await self._wind_up(EndReason.idle, after_next_response=True)

    async def _on_error(self, event: VoiceError) -> None:
        state = self.state
        if event.code == realtime_events.BUSY_ERROR_CODE and state.last_request is not None:
            # Our request crossed a response the service started itself: ask again after it.
            log.debug("response request refused while busy; deferred", extra=self._log)
            state.deferred_request, state.last_request = state.last_request, None
            if state.awaiting_response_since is None:
                state.awaiting_response_since = time.monotonic()
            return
        log.warning("voice engine error %s: %s", event.code, event.message, extra=self._log)
        if event.fatal:
            self._start_ending(self._fail_unavailable())

    async def _on_closed(self, event: SessionClosed) -> None:
        if self._done.is_set() or self._ending_started:
            return
        log.error("voice session lost mid-call: %s", event.reason, extra=self._log)
        self._start_ending(self._fail_unavailable())

    # --- transcript and live view -------------------------------------------------------

    def _update_played_out(self) -> None:
        state = self.state
        if not state.playback.has_pending and state.active_response is None:
            self._played_out.set()
            if self.turns.speaking == "agent":
                self.turns.set_speaking(None)
