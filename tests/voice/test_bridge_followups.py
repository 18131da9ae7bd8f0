"""Stall watch after the caller speaks and across a busy response, graceful wind-up, metrics."""

import asyncio
from collections.abc import Callable

from callcenter import metrics
from callcenter.config import Settings
from callcenter.db.models import EndReason
from callcenter.voice.providers.openai_realtime import OpenAIRealtimeSession
from callcenter.voice.session import SessionClosed, SessionConfig
from tests.fakes.realtime_server import FakeRealtime, Reply, Script
from tests.voice.bridge_calls import (
    GREETING,
    call_row,
    start_bridge,
    start_bridge_with_core,
    start_stalling_call,
    turns,
)
from tests.voice.conftest import StartVoiced


def sample(name: str) -> float:
    return metrics._local.get_sample_value(name) or 0.0


async def test_a_service_that_goes_silent_after_the_caller_speaks_ends_the_call_ai_unavailable(
    env: dict[str, str],
    start_voiced: StartVoiced,
) -> None:
    line, carrier, task, call_id = await start_stalling_call(env, start_voiced)
    async with asyncio.timeout(20):
        await line.played(200)
        line.say(400)  # server VAD commits the turn; the model never answers
        await task
    await line.close()
    assert carrier.hang_ups == [line.call_sid]
    assert line.played_ms > 200 + 5000  # greeting, then the apology
    assert call_row(call_id).end_reason == EndReason.ai_unavailable
    assert [t.text for t in turns(call_id)] == [GREETING]


async def test_a_key_pressed_during_the_greeting_is_answered_after_it_not_refused(
    start_voiced: StartVoiced,
) -> None:
    fake, settings = start_voiced(
        Script(replies=[Reply(GREETING, audio_ms=1500), Reply("You pressed one.", 200)], pace=1.0)
    )
    line, carrier, task, call_id = await start_bridge(settings, speed=1.0)
    async with asyncio.timeout(20):
        await line.played(200)
        line.press("1")  # the greeting is still being generated
        await line.played(1500 + 200)
        line.hang_up()
        await task
    await line.close()
    # The reply was asked for once the greeting's response was done, so the service took it.
    assert len(fake.sent("response.create")) == 2
    assert fake.last.errors == []
    assert [t.text for t in turns(call_id)] == [GREETING, "[pressed 1]", "You pressed one."]


async def test_a_request_crossing_the_greeting_is_asked_again_and_answered(
    env: dict[str, str],
    start_voiced: StartVoiced,
) -> None:
    env["REALTIME_STALL_SECONDS"] = "1"
    fake, settings = start_voiced(
        Script(replies=[Reply(GREETING, audio_ms=600), Reply("You pressed one.", 200)], pace=1.0)
    )
    line, carrier, task, call_id = await start_bridge(settings, speed=2.0)
    line.press("1")  # before the bridge knows the greeting's response has started
    async with asyncio.timeout(20):
        await fake.until(lambda: fake.response_count == 2)
        await line.played(600 + 200)
        line.hang_up()
        await task
    await line.close()
    # One of the two requests met the busy service and was sent again once it was free.
    assert fake.last.errors == ["conversation_already_has_active_response"]
    assert len(fake.sent("response.create")) == 3
    # Nothing was taken for a stall: the bridge did not end the call, the caller did.
    assert carrier.hang_ups == [] and call_row(call_id).end_reason is None


async def test_a_key_pressed_during_the_greeting_keeps_its_stall_watch(
    env: dict[str, str],
    start_voiced: StartVoiced,
) -> None:
    env["REALTIME_STALL_SECONDS"] = "0.5"
    _, settings = start_voiced(
        Script(replies=[Reply(GREETING, audio_ms=1500)], stall_after_responses=1, pace=1.0)
    )
    line, carrier, task, call_id = await start_bridge(settings, speed=1.0)
    async with asyncio.timeout(30):
        await line.played(200)
        line.press("1")
        await task  # the reply never comes: the watchdog ends the call
    await line.close()
    assert carrier.hang_ups == [line.call_sid]
    assert call_row(call_id).end_reason == EndReason.ai_unavailable
    assert line.played_ms > 1500 + 5000  # the whole greeting, then the apology


async def test_wind_up_lets_the_agent_finish_then_say_goodbye_then_ends(
    start_voiced: StartVoiced,
) -> None:
    fake, settings = start_voiced(
        Script(
            replies=[Reply(GREETING, audio_ms=800), Reply("We have to stop here. Bye!", 300)],
            pace=1.0,
        )
    )
    line, carrier, task, call_id, core = await start_bridge_with_core(settings, speed=2.0)
    async with asyncio.timeout(20):
        await line.played(100)
        await core.live_calls.get(call_id).wind_up(EndReason.shutdown)
        await task
    await line.close()
    goodbye = fake.sent("response.create")[1]["response"]["instructions"]
    assert "goodbye" in goodbye
    assert line.played_ms >= 800 + 300 - 20  # the greeting was not cut; the goodbye played
    assert carrier.hang_ups == [line.call_sid]
    assert call_row(call_id).end_reason == EndReason.shutdown


async def test_connect_time_and_time_to_first_audio_are_measured(
    start_voiced: StartVoiced,
) -> None:
    _, settings = start_voiced(
        Script(replies=[Reply(GREETING, audio_ms=200), Reply("Sure.", 200)], caller_says=["Hi"])
    )
    connects = sample("callcenter_realtime_connect_seconds_count")
    firsts = sample("callcenter_time_to_first_audio_seconds_count")
    line, carrier, task, call_id = await start_bridge(settings, speed=8.0)
    async with asyncio.timeout(20):
        await line.played(200)
        line.say(200)
        await line.played(400)  # the answer to the caller
        line.hang_up()
        await task
    await line.close()
    assert sample("callcenter_realtime_connect_seconds_count") == connects + 1
    # Once for the greeting, once for the answer after the caller stopped speaking.
    assert sample("callcenter_time_to_first_audio_seconds_count") == firsts + 2


async def test_caller_audio_sent_into_a_lost_session_is_counted_as_dropped(
    start_fake: Callable[[Script], FakeRealtime],
    voice_settings: Callable[[FakeRealtime], Settings],
) -> None:
    fake = start_fake(Script())
    session = OpenAIRealtimeSession(voice_settings(fake))
    await session.start(SessionConfig(instructions="Be brief."))
    dropped = sample("callcenter_frames_dropped_total")
    try:
        await asyncio.to_thread(fake.drop_all)
        async with asyncio.timeout(10):
            async for event in session.events():
                if isinstance(event, SessionClosed):
                    break
        await session.send_audio("/////w==")
        await session.send_audio("/////w==")
    finally:
        await session.close()
    assert sample("callcenter_frames_dropped_total") == dropped + 2
    await session.send_audio("/////w==")  # after our own close nothing is owed: not a drop
    assert sample("callcenter_frames_dropped_total") == dropped + 2
