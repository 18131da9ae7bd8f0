"""`LocalVoiceSession`: the offline voice engine behind the same `VoiceSession` Protocol.

It emits the same events as the Realtime provider, so the bridge, barge-in, transcripts,
tools and leads work unchanged. Like the Realtime session (whose service neither interrupts nor
answers by itself), it keeps speaking when the caller starts and answers the caller's words only
when the bridge asks (`voice/barge_in.py` decides). Recognition and synthesis run in worker
threads; the event loop only moves frames and events.
"""

import asyncio
import base64
import contextlib
import itertools
import json
import logging
import os
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from callcenter.config import Settings
from callcenter.voice import barge_in
from callcenter.voice.providers.local import vocabulary
from callcenter.voice.providers.local.answers import CallerAnswers
from callcenter.voice.providers.local.dialog import Dialog, Turn
from callcenter.voice.providers.local.listener import Heard, Listener
from callcenter.voice.providers.local.recognizers import pool_for
from callcenter.voice.providers.local.tts import Synthesizer, chunks
from callcenter.voice.session import (
    AgentAudio,
    AgentTranscript,
    CallerSpeechStarted,
    CallerSpeechStopped,
    CallerTranscript,
    ResponseDone,
    ResponseStarted,
    SessionClosed,
    SessionConfig,
    SessionReady,
    ToolCall,
    VoiceConnectError,
    VoiceError,
    VoiceEvent,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

SILENCE_TIMEOUT_S = 8.0
AUDIO_LEAD_S = 1.0  # how far ahead of real time agent audio is sent (bounded for barge-in)
_SYNTH = Synthesizer()
_ids = itertools.count(1)


# The engine's own threads: recognition and synthesis never queue behind other blocking work
# (database writes, file I/O) in the event loop's default executor.
_POOL = ThreadPoolExecutor(
    max_workers=2 * (os.cpu_count() or 2) + 2, thread_name_prefix="local-voice"
)


async def _off_loop(fn: Callable[..., T], *args: Any) -> T:
    return await asyncio.get_running_loop().run_in_executor(_POOL, fn, *args)


def _new_id(prefix: str) -> str:
    return f"{prefix}_local_{next(_ids)}"


class LocalVoiceSession:
    """One call's conversation with the offline engine (VAD, recogniser, dialog, espeak-ng)."""

    def __init__(
        self,
        settings: Settings,
        *,
        silence_timeout: float = SILENCE_TIMEOUT_S,
        audio_lead: float = AUDIO_LEAD_S,
    ) -> None:
        self._settings = settings
        self._silence_timeout = silence_timeout
        self._audio_lead = audio_lead
        self._events: asyncio.Queue[VoiceEvent] = asyncio.Queue()
        self._audio_in: asyncio.Queue[str] = asyncio.Queue()
        self._listener: Listener | None = None
        self._dialog: Dialog | None = None
        self._listen_task: asyncio.Task[None] | None = None
        self._speak_task: asyncio.Task[None] | None = None
        self._pending_tools: dict[str, str] = {}
        self._offered_tools: set[str] = set()
        self._follow_up: Turn | None = None
        self._opened = False
        self._closed = False
        self._idle_since = time.monotonic()
        self._caller_item = ""
        self._answers = CallerAnswers()  # the caller's last words, and the answer they are
        self._over_agent = False  # the caller's current speech began while the agent spoke
        self._speech_from = 0  # where it began, in the caller's audio (ms)
        self._cut = False  # the bridge stopped the agent since the caller began
        self._playing_until = 0.0  # when the agent's current audio has played out (estimate)
        self._speaking: Turn | None = None  # the turn the agent is saying (or said last)

    # -- VoiceSession ----------------------------------------------------------------------

    async def start(self, config: SessionConfig) -> None:
        try:
            pool = pool_for(self._settings.local_asr)
            recognizer = await _off_loop(pool.acquire)
        except Exception as exc:  # a model or grammar failure
            raise VoiceConnectError(f"local recogniser unavailable: {exc}") from exc
        self._offered_tools = {tool.name for tool in config.tools}
        self._listener = Listener(recognizer, pool)
        self._dialog = Dialog(
            company=self._settings.company_name,
            caller_number=config.caller_number,
            direction=config.direction,
            lead_name=config.lead_name,
            notice=config.notice,
        )
        self._listener.search = self._dialog.search
        self._listener.complete = self._dialog.complete
        self._listen_task = asyncio.create_task(self._listen(), name="local-voice-listen")
        self._emit(SessionReady())

    async def send_audio(self, payload: str) -> None:
        if not self._closed:
            self._audio_in.put_nowait(payload)

    async def events(self) -> AsyncIterator[VoiceEvent]:
        while True:
            event = await self._events.get()
            yield event
            if isinstance(event, SessionClosed):
                return

    async def request_response(self, instructions: str | None = None) -> None:
        if self._dialog is None or self._closed:
            return
        if not self._opened:
            self._opened = True
            self._speak(self._dialog.opening())
            return
        words = self._answers.take()
        if instructions is None and words is not None:
            if self._answers.replying():
                self._dialog.take_back()  # that reply answered half of this answer
            self._speak(self._dialog.on_utterance(words))  # the caller's turn ended
        elif self._follow_up is not None:
            turn, self._follow_up = self._follow_up, None
            self._speak(turn)

    async def send_text(self, text: str) -> None:
        """Typed input (DTMF digits) counts as the caller's answer to the current question."""
        self._answers.typed(" ".join(_DIGIT_NAMES.get(ch, ch) for ch in text if not ch.isspace()))

    async def send_tool_result(self, call_id: str, output: str) -> None:
        name = self._pending_tools.pop(call_id, "")
        if self._dialog is not None:
            self._follow_up = self._dialog.on_tool_result(name, output) or self._follow_up

    async def truncate(self, item_id: str, content_index: int, audio_end_ms: int) -> None:
        self._cut_off()

    async def cancel_response(self) -> None:
        self._cut_off()

    def _cut_off(self) -> None:
        """The bridge decided the caller interrupted: stop, and their words are answerable."""
        self._stop_speaking()
        self._playing_until = 0.0
        self._cut = self._answers.answerable = True

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        tasks = [t for t in (self._listen_task, self._speak_task) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._listener is not None:
            listener, self._listener = self._listener, None
            await _off_loop(listener.release)
        self._emit(SessionClosed("closed"))

    # -- caller side -----------------------------------------------------------------------

    async def _listen(self) -> None:
        try:
            await self._listen_loop()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the engine is broken for this call: say so, do not hang
            log.exception("local voice engine failed")
            self._emit(VoiceError(f"local voice engine failed: {exc}", "local_engine", True))

    async def _listen_loop(self) -> None:
        assert self._listener is not None
        listener = self._listener
        while True:
            payloads: list[str] = []
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
            # races with the queue, and close() then waits for this task forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.5):
                    payloads.append(await self._audio_in.get())
            while not self._audio_in.empty():
                payloads.append(self._audio_in.get_nowait())
            if payloads:
                for heard in await _off_loop(listener.process, payloads):
                    await self._on_heard(heard)
            await self._check_silence(listener)

    async def _on_heard(self, heard: Heard) -> None:
        if heard.kind == "started":
            # Not stopping: whether this is a barge-in is the bridge's call.
            self._caller_item = _new_id("item")
            self._answers.speech_began(resumes=heard.resumes)
            self._over_agent, self._cut = self._agent_playing(), False
            self._speech_from = heard.at_ms
            self._emit(CallerSpeechStarted(audio_start_ms=heard.at_ms, item_id=self._caller_item))
            return
        item = self._caller_item or _new_id("item")
        answers = self._answers
        said = answers.speech_ended(heard.text, item)  # what this stretch of speech adds
        answers.answerable = (
            self._cut
            or not self._over_agent
            or barge_in.interrupts(heard.at_ms - self._speech_from, said)
        )
        if not answers.answerable and answers.finishes_answered:
            self._revise(heard.text)  # too short to interrupt, but it completes the answer
        self._emit(CallerSpeechStopped(audio_end_ms=heard.at_ms, item_id=item))
        self._emit(CallerTranscript(item_id=item, text=said, final=True))
        self._caller_item = ""

    def _revise(self, answer: str) -> None:
        """Keep the whole answer if the agent's reply to its first words stands as said."""
        if self._dialog is None:
            return
        turn = self._dialog.revise(answer)
        if turn is None:
            return
        speaking = self._speak_task is not None and not self._speak_task.done()
        if speaking and self._speaking is not None:
            self._speaking.tools[:] = turn.tools  # called at the reply's end, as always
        else:
            self._emit_tools(turn, saves_only=True)

    def _agent_playing(self) -> bool:
        speaking = self._speak_task is not None and not self._speak_task.done()
        return speaking or time.monotonic() < self._playing_until

    async def _check_silence(self, listener: Listener) -> None:
        speaking = self._speak_task is not None and not self._speak_task.done()
        if speaking or listener.in_speech or self._dialog is None or not self._opened:
            return
        if time.monotonic() - self._idle_since >= self._silence_timeout:
            self._speak(self._dialog.on_silence())

    # -- agent side ------------------------------------------------------------------------

    def _speak(self, turn: Turn) -> None:
        self._stop_speaking()
        if self._listener is not None and self._dialog is not None:
            self._listener.search = self._dialog.search
            self._listener.hints = self._dialog.hints
            self._listener.caller = self._dialog.caller
        self._idle_since = time.monotonic()
        if not turn.say and not turn.tools:
            return
        self._speaking = turn
        self._speak_task = asyncio.create_task(self._respond(turn), name="local-voice-speak")

    def _stop_speaking(self) -> None:
        if self._speak_task is not None and not self._speak_task.done():
            self._speak_task.cancel()

    async def _respond(self, turn: Turn) -> None:
        response_id, item_id = _new_id("resp"), _new_id("item")
        self._emit(ResponseStarted(response_id))
        sent = 0
        audio = b""
        try:
            if turn.say:
                audio = await _off_loop(_SYNTH.ulaw, turn.say)
                self._emit(AgentTranscript(item_id, turn.say, final=False, response_id=response_id))
                began = time.monotonic()
                self._playing_until = began + len(audio) / 8000
                for piece in chunks(audio):
                    ahead = sent / 8000 - (time.monotonic() - began)
                    if ahead > self._audio_lead:
                        await asyncio.sleep(ahead - self._audio_lead)  # pace: keep barge-in cheap
                    payload = base64.b64encode(piece).decode("ascii")
                    self._emit(AgentAudio(item_id, 0, payload, response_id=response_id))
                    sent += len(piece)
                self._emit(AgentTranscript(item_id, turn.say, final=True, response_id=response_id))
                # The caller is idle only once the audio has had time to play out.
                self._idle_since = began + len(audio) / 8000
            self._emit_tools(turn)
            self._emit(ResponseDone(response_id, "completed"))
        except asyncio.CancelledError:
            heard = turn.say[: int(len(turn.say) * sent / len(audio))] if audio else ""
            self._emit(AgentTranscript(item_id, heard, final=True, response_id=response_id))
            self._emit_tools(turn, saves_only=True)
            self._emit(ResponseDone(response_id, "cancelled"))
            self._idle_since = time.monotonic()
            raise

    def _emit_tools(self, turn: Turn, saves_only: bool = False) -> None:
        for name, arguments in turn.tools:
            if saves_only and name != "save_lead_details":
                continue
            if name not in self._offered_tools:
                log.warning("the dialog asked for tool %s, which this call does not offer", name)
                continue
            call_id = _new_id("call")
            self._pending_tools[call_id] = name
            raw = json.dumps(arguments)
            self._emit(ToolCall(call_id=call_id, name=name, arguments=arguments, raw_arguments=raw))

    def _emit(self, event: VoiceEvent) -> None:
        with contextlib.suppress(RuntimeError):
            self._events.put_nowait(event)


_DIGIT_NAMES = {value: key for key, value in vocabulary.DIGIT_WORDS.items() if key != "oh"}
