"""A 70-minute call, time compressed through the settings, outlives several voice sessions."""

import asyncio

from callcenter.db.models import CallStatus, EndReason
from tests.fakes.realtime_server import Reply, Script
from tests.voice.bridge_calls import GREETING, call_row, start_bridge, turns
from tests.voice.conftest import StartVoiced

COMPRESSION = 500  # simulated seconds per second of the test
CALL_SECONDS = 70 * 60 / COMPRESSION  # 70 minutes: 8.4 s
SESSION_SECONDS = 1000 / COMPRESSION  # sessions renewed within ~17 minutes: 2 s
QUESTIONS = 8  # one caller turn every (simulated) ~8 minutes


async def test_a_70_minute_call_renews_its_session_and_ends_completed_with_its_whole_transcript(
    env: dict[str, str], start_voiced: StartVoiced
) -> None:
    env["REALTIME_MAX_SESSION_SECONDS"] = str(SESSION_SECONDS)
    env["MAX_CALL_SECONDS"] = "10"  # above the 70 minutes, compressed the same way
    questions = [f"Question number {n}?" for n in range(QUESTIONS)]
    answers = [f"Answer number {n}." for n in range(QUESTIONS)]
    fake, settings = start_voiced(
        Script(
            replies=[
                Reply(GREETING, audio_ms=200),
                *(Reply(answer, audio_ms=200) for answer in answers),
                Reply("Goodbye!", audio_ms=200, tool=("end_call", {"reason": "finished"})),
            ],
            caller_says=[*questions, "That's all, thanks."],
            silence_ms_to_stop=150,
        )
    )
    loop = asyncio.get_running_loop()
    line, carrier, task, call_id = await start_bridge(settings, speed=8.0)
    started = loop.time()
    async with asyncio.timeout(30):
        played = 200
        await line.played(played)
        for n in range(QUESTIONS):
            # The caller's pace: a question every second of the test, answered in ~0.4 s.
            await asyncio.sleep(max(0.0, started + 0.5 + n - loop.time()))
            line.say(100)
            played += 200
            await line.played(played)
        await asyncio.sleep(max(0.0, started + CALL_SECONDS - loop.time()))
        line.say(100)  # seventy minutes in: the caller says goodbye, the agent ends the call
        await task
    elapsed = loop.time() - started
    await line.close()

    expected = [("agent", GREETING)]
    for question, answer in zip(questions, answers, strict=True):
        expected += [("caller", question), ("agent", answer)]
    expected += [("caller", "That's all, thanks."), ("agent", "Goodbye!")]
    said = [(t.role, t.text) for t in turns(call_id)]
    assert said == expected, "\n".join(map(str, said))
    call = call_row(call_id)
    assert call.status == CallStatus.completed and call.end_reason == EndReason.agent_ended
    assert elapsed >= CALL_SECONDS
    # Several sessions, each renewed before the service's limit, each given the call so far.
    sessions = fake.connections
    assert len(sessions) >= 4
    assert not any(session.expired for session in sessions)
    roles = {"agent": "assistant", "caller": "user"}
    whole = [(roles[role], text) for role, text in expected]
    for session in sessions[1:]:
        given = session.messages()
        assert given and given == whole[: len(given)]
    assert carrier.hang_ups == [line.call_sid]  # the agent's end_call, no apology
