"""Barge-in on a real phone line (CONTRACT): scripted caller audio while the agent speaks, through
the bridge, the real SDK and the fake Realtime service, which neither interrupts nor answers by
itself because the bridge turned that off."""

import asyncio
import random

import pytest

from callcenter.voice.line import MULAW_BYTES_PER_MS
from tests.fakes.realtime_server import FakeRealtime, Reply, Script
from tests.voice.bridge_calls import call_row, start_bridge, turns
from tests.voice.conftest import StartVoiced
from tests.voice.phone_line import PhoneLine

LONG = " ".join(f"word{i}" for i in range(40))  # 4 s of agent speech
REPLY = "Sorry, go ahead."


def noise(ms: int, seed: int = 7) -> bytes:
    """A quiet line's hiss: μ-law bytes a few steps above silence, either sign."""
    pick = random.Random(seed).choice
    steps = [0xFF - n for n in range(1, 12)] + [0x7F - n for n in range(1, 12)]
    return bytes(pick(steps) for _ in range(ms * MULAW_BYTES_PER_MS))


def loud(ms: int, byte: int = 0x22) -> bytes:
    return bytes([byte]) * (ms * MULAW_BYTES_PER_MS)


async def talk_over_the_agent(
    start_voiced: StartVoiced, caller_says: list[str], audio: bytes, *, pace: float = 0.0
) -> tuple[FakeRealtime, PhoneLine, int]:
    """A call whose agent speaks for 4 s; one second in, the caller sends `audio`. The call
    goes on until the agent's words have all played, or were cut and the reply played."""
    fake, settings = start_voiced(
        Script(
            replies=[Reply(LONG, audio_ms=4000), Reply(REPLY, audio_ms=400)],
            caller_says=caller_says,
            pace=pace,
        )
    )
    line, _, task, call_id = await start_bridge(settings, speed=1.0)
    async with asyncio.timeout(20):
        await line.played(1000)
        line.play(audio)
        while line.clears == 0 and line.played_ms < 4000:
            line.heard_audio.clear()
            await line.heard_audio.wait()
        if line.clears:
            cut = next(s.at_played_bytes for s in line.sent if s.kind == "clear")
            await line.played(cut // MULAW_BYTES_PER_MS + 400)  # the reply played
        line.hang_up()
        await task
    await line.close()
    return fake, line, call_id


def assert_not_interrupted(fake: FakeRealtime, line: PhoneLine, call_id: int) -> None:
    assert line.clears == 0
    assert fake.sent("conversation.item.truncate") == []
    assert fake.sent("response.cancel") == []
    assert len(fake.sent("response.create")) == 1  # the greeting only: no reply to the sound
    assert line.played_ms == 4000  # the agent's words all played
    agent = [t for t in turns(call_id) if t.role == "agent"]
    assert [(t.text, t.interrupted) for t in agent] == [(LONG, False)]


async def test_a_backchannel_over_the_agent_neither_interrupts_nor_gets_a_reply(
    start_voiced: StartVoiced,
) -> None:
    fake, line, call_id = await talk_over_the_agent(start_voiced, ["Mhmm."], loud(300))
    assert_not_interrupted(fake, line, call_id)
    # The caller's word is still in the transcript, after the start of the agent's turn.
    assert [(t.role, t.text) for t in turns(call_id)] == [("agent", LONG), ("caller", "Mhmm.")]


async def test_a_cough_over_the_agent_changes_nothing(start_voiced: StartVoiced) -> None:
    fake, line, call_id = await talk_over_the_agent(start_voiced, [""], loud(150, 0x01))
    assert_not_interrupted(fake, line, call_id)
    assert not fake.caller_says  # the fake's VAD did take it for speech


async def test_steady_line_noise_changes_nothing(start_voiced: StartVoiced) -> None:
    fake, line, call_id = await talk_over_the_agent(start_voiced, ["(noise)"], noise(2500))
    assert_not_interrupted(fake, line, call_id)
    assert list(fake.caller_says) == ["(noise)"]  # too quiet to be speech: no turn at all


async def test_noise_with_short_bursts_the_vad_takes_for_speech_changes_nothing(
    start_voiced: StartVoiced,
) -> None:
    burst = loud(100, 0x40)
    audio = noise(300) + burst + noise(600) + burst + noise(600, seed=8) + burst + noise(300)
    fake, line, call_id = await talk_over_the_agent(start_voiced, ["", "uh", ""], audio)
    assert_not_interrupted(fake, line, call_id)
    assert not fake.caller_says  # three bursts, three turns at the fake's VAD


async def test_speech_over_the_agent_interrupts_within_500_ms_and_is_answered(
    start_voiced: StartVoiced, capsys: pytest.CaptureFixture[str]
) -> None:
    said = "Wait, I have a question about the price."
    # The agent's words are still being generated (real time): the response is cancelled too.
    fake, line, call_id = await talk_over_the_agent(start_voiced, [said], loud(1200), pace=1.0)

    clear = next(s for s in line.sent if s.kind == "clear")
    latency = clear.at - line.spoke_at[0]
    with capsys.disabled():
        print(f"\nbarge-in: clear {latency * 1000:.0f} ms after the caller began speaking")
    assert 0.3 <= latency <= 0.5  # not at the first sound (the phone's clock may catch up)
    assert line.clears == 1
    assert len(fake.sent("response.cancel")) == 1 and fake.last.errors == []
    [truncate] = fake.sent("conversation.item.truncate")
    heard_ms = clear.at_played_bytes // MULAW_BYTES_PER_MS
    assert heard_ms - 100 <= truncate["audio_end_ms"] <= heard_ms  # a mark per 100 ms chunk
    # The agent's turn keeps what was heard and is marked; the caller got a reply.
    said_turns = [(t.role, t.interrupted) for t in turns(call_id)]
    assert said_turns == [("agent", True), ("caller", False), ("agent", False)]
    first, caller, reply = turns(call_id)
    assert LONG.startswith(first.text) and 0 < len(first.text.split()) < 40
    assert caller.text == said and reply.text == REPLY
    assert len(fake.sent("response.create")) == 2


async def test_two_short_words_interrupt_once_they_are_transcribed(
    start_voiced: StartVoiced,
) -> None:
    fake, line, call_id = await talk_over_the_agent(start_voiced, ["Wait, stop."], loud(300))
    clear = next(s for s in line.sent if s.kind == "clear")
    assert clear.at - line.spoke_at[0] > 0.5  # after the words came, not at the sound
    assert len(fake.sent("conversation.item.truncate")) == 1
    agent = [t for t in turns(call_id) if t.role == "agent"]
    assert [(t.interrupted, t.text == REPLY) for t in agent] == [(True, False), (False, True)]
    assert ("caller", "Wait, stop.") in [(t.role, t.text) for t in turns(call_id)]


async def test_a_lone_okay_while_the_agent_is_silent_gets_a_reply(
    start_voiced: StartVoiced,
) -> None:
    fake, settings = start_voiced(
        Script(
            replies=[Reply("Can I help?", audio_ms=300), Reply("Great.", 300)],
            caller_says=["Okay."],
        )
    )
    line, _, task, call_id = await start_bridge(settings, speed=1.0)
    async with asyncio.timeout(20):
        await line.played(300)  # the agent's question played out: it is silent
        line.say(300)
        await line.played(600)
        line.hang_up()
        await task
    await line.close()
    assert line.clears == 0
    assert [(t.role, t.text) for t in turns(call_id)] == [
        ("agent", "Can I help?"),
        ("caller", "Okay."),
        ("agent", "Great."),
    ]


async def test_a_backchannel_makes_no_reply_due_so_a_silent_service_is_not_taken_for_lost(
    env: dict[str, str], start_voiced: StartVoiced
) -> None:
    env["REALTIME_STALL_SECONDS"] = "0.5"
    _, settings = start_voiced(
        Script(replies=[Reply(LONG, audio_ms=4000)], caller_says=["Mhmm."], stall_after_responses=1)
    )
    line, carrier, task, call_id = await start_bridge(settings, speed=1.0)
    async with asyncio.timeout(20):
        await line.played(1000)
        line.say(300)  # the model answers nothing more, but nothing is due
        await line.played(4000)
        line.hang_up()
        await task
    await line.close()
    # The bridge never ended the call (no apology, no ai_unavailable): the caller hung up.
    assert call_row(call_id).end_reason is None
    assert carrier.hang_ups == [] and line.clears == 0 and line.played_ms == 4000
