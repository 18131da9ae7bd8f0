"""The local engine under the bridge's barge-in rule, with flite speech over its greeting."""

import asyncio

import pytest

from callcenter.config import Settings, get_settings
from callcenter.sim.speech import render
from tests.voice.bridge_calls import start_bridge, turns

pytestmark = pytest.mark.timeout(90)
GREETING = (
    "Thanks for calling Acme Answering! I can get you set up with our team."  # after the notice
)


@pytest.fixture
def local_settings(env: dict[str, str], migrated: Settings) -> Settings:
    env["VOICE_ENGINE"] = "local"
    env["COMPANY_NAME"] = "Acme Answering"
    env["LOCAL_ASR"] = "grammar"  # the assertions below are the grammars' exact words
    return get_settings()


async def test_a_backchannel_is_passed_over_and_a_sentence_cuts_the_agent_off(
    local_settings: Settings,
) -> None:
    yeah, sentence = await asyncio.gather(
        asyncio.to_thread(render, "yeah", "kal"),
        asyncio.to_thread(render, "my name is dana reyes", "kal"),
    )
    line, _, task, call_id = await start_bridge(local_settings, speed=1.0)
    async with asyncio.timeout(60):
        await line.played(800)
        line.play(yeah)  # a backchannel over the greeting
        await line.played(2500)
        assert line.clears == 0  # the agent spoke on
        line.play(sentence)  # then the caller talks over it for real
        while line.clears == 0:
            line.heard_audio.clear()
            await line.heard_audio.wait()
        reply = len(line.heard)
        while len(line.heard) < reply + 8000:  # a second of the answer
            line.heard_audio.clear()
            await line.heard_audio.wait()
        line.hang_up()
        await task
    await line.close()

    said = [(t.role, t.interrupted, t.text) for t in turns(call_id)]
    # One agent turn, cut off by the sentence (not by the "yeah" 1.7 s before it).
    assert said[0][:2] == ("agent", True)
    assert len(said[0][2]) > len("This call may be recorded.") and GREETING not in said[0][2]
    # The backchannel is in the transcript (as the recogniser heard it); it got no answer.
    assert [role for role, _, _ in said][1:-2] in (["caller"], [])  # unless heard as nothing
    assert said[-2][:3:2] == ("caller", "my name is dana reyes")
    assert said[-1][0] == "agent" and said[-1][2].startswith("Nice to meet you")  # answered
