"""`LocalVoiceSession` with real audio: flite speech in, espeak speech and Realtime events out."""

import asyncio
import base64
from collections.abc import AsyncIterator, Callable

import pytest

from callcenter.config import Settings, get_settings
from callcenter.sim.speech import render
from callcenter.voice.providers.local import LocalVoiceSession
from callcenter.voice.session import (
    AgentAudio,
    AgentTranscript,
    CallerSpeechStarted,
    CallerSpeechStopped,
    CallerTranscript,
    ResponseDone,
    ResponseStarted,
    SessionConfig,
    SessionReady,
    ToolCall,
    VoiceEvent,
)
from callcenter.voice.tools import default_tools

pytestmark = pytest.mark.timeout(60)
SILENCE = b"\xff" * 160


class Recorder:
    """Collects a session's events; `until` waits (bounded) for one matching a predicate."""

    def __init__(self, session: LocalVoiceSession) -> None:
        self.events: list[VoiceEvent] = []
        self._changed = asyncio.Condition()
        self._task = asyncio.create_task(self._pump(session.events()))

    async def _pump(self, events: AsyncIterator[VoiceEvent]) -> None:
        async for event in events:
            async with self._changed:
                self.events.append(event)
                self._changed.notify_all()

    async def until(self, match: Callable[[VoiceEvent], bool], timeout: float = 15) -> VoiceEvent:  # noqa: ASYNC109
        async with asyncio.timeout(timeout), self._changed:
            while True:
                for event in self.events:
                    if match(event):
                        return event
                await self._changed.wait()

    def of(self, kind: type) -> list[VoiceEvent]:
        return [e for e in self.events if isinstance(e, kind)]

    async def close(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


async def _say(session: LocalVoiceSession, audio: bytes, trailing_silence_s: float = 1.0) -> None:
    """Send audio as Twilio would, 20 ms per frame (faster than real time: VAD counts frames)."""
    frames = [audio[i : i + 160] for i in range(0, len(audio), 160)]
    frames += [SILENCE] * int(trailing_silence_s * 50)
    for frame in frames:
        await session.send_audio(base64.b64encode(frame).decode())
        await asyncio.sleep(0)


@pytest.fixture
async def session(env: dict[str, str]) -> AsyncIterator[tuple[LocalVoiceSession, Recorder]]:
    # The grammars' exact words ("my name is dana reyes"); the neural recogniser's session
    # tests are in test_neural_asr.py.
    env["LOCAL_ASR"] = "grammar"
    voice = LocalVoiceSession(get_settings(), audio_lead=30.0)
    recorder = Recorder(voice)
    await voice.start(
        SessionConfig(instructions="", tools=default_tools().specs(), caller_number="+14155550101")
    )
    yield voice, recorder
    await voice.close()
    await recorder.close()


async def test_the_agent_greets_with_audio_and_its_words(session) -> None:  # type: ignore[no-untyped-def]
    voice, rec = session
    await rec.until(lambda e: isinstance(e, SessionReady))
    await voice.request_response()
    done = await rec.until(lambda e: isinstance(e, ResponseDone))
    assert isinstance(done, ResponseDone) and done.status == "completed"
    audio = b"".join(base64.b64decode(e.payload) for e in rec.of(AgentAudio))  # type: ignore[attr-defined]
    assert len(audio) > 8000  # more than a second of speech
    started = rec.of(ResponseStarted)[0]
    chunks = rec.of(AgentAudio)
    assert all(c.response_id == started.response_id for c in chunks)  # type: ignore[attr-defined]
    assert len({c.item_id for c in chunks}) == 1  # type: ignore[attr-defined]
    final = [t for t in rec.of(AgentTranscript) if t.final]  # type: ignore[attr-defined]
    assert final[0].text.startswith("Thanks for calling")


async def test_the_caller_is_heard_and_answered(session) -> None:  # type: ignore[no-untyped-def]
    voice, rec = session
    await voice.request_response()
    await rec.until(lambda e: isinstance(e, ResponseDone))
    await _say(voice, render("my name is dana reyes", "kal"))
    heard = await rec.until(lambda e: isinstance(e, CallerTranscript) and e.final)
    assert isinstance(heard, CallerTranscript) and heard.text == "my name is dana reyes"
    assert rec.of(CallerSpeechStarted) and rec.of(CallerSpeechStopped)
    await voice.request_response()  # as the bridge does when the caller's turn ends
    reply = await rec.until(
        lambda e: isinstance(e, AgentTranscript) and e.final and "Dana" in e.text
    )
    assert "What kind of business" in reply.text  # type: ignore[attr-defined]


async def test_lead_fields_go_out_as_a_save_lead_details_tool_call(session) -> None:  # type: ignore[no-untyped-def]
    voice, rec = session
    await voice.request_response()
    answers = (
        "my name is dana reyes",
        "we run a plumbing company",
        "we need someone to answer our phones after hours",
    )
    for n, words in enumerate(answers, 1):
        await _say(voice, render(words, "kal"))
        await rec.until(lambda e, n=n: len([t for t in rec.of(CallerTranscript) if t.final]) == n)
        await voice.request_response()
        # like a caller, wait for the agent's next question before answering it
        await rec.until(lambda e, n=n: len(rec.of(ResponseStarted)) > n)
    call = await rec.until(lambda e: isinstance(e, ToolCall), timeout=30)
    assert isinstance(call, ToolCall) and call.name == "save_lead_details"
    assert call.arguments["name"] == "Dana Reyes"
    assert call.arguments["business_type"] == "plumbing company"
    await voice.send_tool_result(call.call_id, '{"ok": true}')


async def test_a_caller_who_pauses_mid_name_is_saved_with_the_whole_name(session) -> None:  # type: ignore[no-untyped-def]
    voice, rec = session
    await voice.request_response()
    await rec.until(lambda e: isinstance(e, ResponseDone))
    # "my name is kevin", a pause long enough to end the turn, and the agent starts its reply
    await _say(voice, render("my name is kevin", "kal"), trailing_silence_s=0.3)
    first = await rec.until(lambda e: isinstance(e, CallerTranscript) and e.final)
    assert first.text == "my name is kevin"  # type: ignore[attr-defined]
    await voice.request_response()
    await rec.until(lambda e: isinstance(e, AgentTranscript) and "Kevin" in e.text)
    # "… patel" under a second later, over the agent's reply
    await _say(voice, render("patel", "kal"))
    await rec.until(lambda e: len([t for t in rec.of(CallerTranscript) if t.final]) == 2)
    await voice.request_response()  # as the bridge does when a turn ends (or not: no matter)
    answers = ("we run a plumbing company", "we need someone to answer our phones after hours")
    for n, words in enumerate(answers, 3):
        await _say(voice, render(words, "kal"))
        await rec.until(lambda e, n=n: len([t for t in rec.of(CallerTranscript) if t.final]) == n)
        await voice.request_response()
    call = await rec.until(lambda e: isinstance(e, ToolCall), timeout=30)
    assert isinstance(call, ToolCall) and call.name == "save_lead_details"
    assert call.arguments["name"] == "Kevin Patel"
    assert call.arguments["business_type"] == "plumbing company"


async def test_the_agent_talked_over_speaks_on_until_the_bridge_cuts_it_off(
    settings: Settings,
) -> None:
    voice = LocalVoiceSession(settings, audio_lead=0.3)  # paced: audio trickles out
    rec = Recorder(voice)
    await voice.start(SessionConfig(instructions="", tools=default_tools().specs()))
    try:
        await voice.request_response()
        await rec.until(lambda e: isinstance(e, AgentAudio))
        await _say(voice, render("sorry, my name is peter garcia", "kal"))
        await rec.until(lambda e: isinstance(e, CallerTranscript) and e.final)
        # Whether that was a barge-in is the bridge's call: the engine has not stopped itself.
        assert not rec.of(ResponseDone)
        await voice.cancel_response()  # the bridge decided it was
        done = await rec.until(lambda e: isinstance(e, ResponseDone))
        assert isinstance(done, ResponseDone) and done.status == "cancelled"
        cut = [t for t in rec.of(AgentTranscript) if t.final][0]
        assert cut.text and len(cut.text) < len(  # type: ignore[attr-defined]
            "Thanks for calling Callcenter! I can get you set up with our team."
        )
        await voice.request_response()  # and asked for the answer: the words cut in, so they count
        reply = await rec.until(
            lambda e: isinstance(e, AgentTranscript) and e.final and "Peter" in e.text
        )
        assert isinstance(reply, AgentTranscript)
    finally:
        await voice.close()
        await rec.close()
