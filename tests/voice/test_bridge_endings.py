"""How calls end through the bridge: stalls, transfers, the dashboard's end button, outbound."""

import asyncio

from callcenter.db.models import EndReason
from tests.fakes.realtime_server import Reply, Script
from tests.voice.bridge_calls import (
    GREETING,
    call_row,
    start_bridge,
    start_bridge_with_core,
    start_stalling_call,
    turns,
)
from tests.voice.conftest import StartVoiced


async def test_realtime_going_silent_counts_as_lost_and_the_call_ends_ai_unavailable(
    env: dict[str, str],
    start_voiced: StartVoiced,
) -> None:
    line, carrier, task, call_id = await start_stalling_call(env, start_voiced)
    async with asyncio.timeout(20):
        await line.heard_audio.wait()
        line.press("1")  # asks for a response that never comes
        await task
    await line.close()
    assert carrier.hang_ups == [line.call_sid]
    assert line.played_ms > 5000  # greeting + apology
    assert call_row(call_id).end_reason == EndReason.ai_unavailable


async def test_transfer_to_human_redirects_the_call_when_a_team_number_is_set(
    env: dict[str, str],
    start_voiced: StartVoiced,
) -> None:
    env["TRANSFER_NUMBER"] = "+15551239999"
    _, settings = start_voiced(
        Script(
            replies=[
                Reply(
                    "Let me put you through.", 300, tool=("transfer_to_human", {"reason": "asked"})
                )
            ]
        )
    )
    line, carrier, task, call_id = await start_bridge(settings, speed=8.0)
    async with asyncio.timeout(20):
        await task
    await line.close()
    assert carrier.transfers == [(line.call_sid, "+15551239999")]
    assert line.played_ms >= 300 - 20  # the agent's words played before the redirect
    assert call_row(call_id).end_reason == EndReason.transferred


async def test_transfer_without_a_team_number_tells_the_model_it_is_unavailable(
    start_voiced: StartVoiced,
) -> None:
    fake, settings = start_voiced(
        Script(replies=[Reply("One moment.", 200, tool=("transfer_to_human", {"reason": "x"}))])
    )
    line, carrier, task, call_id = await start_bridge(settings, speed=8.0)
    async with asyncio.timeout(20):
        await fake.until(lambda: len(fake.sent("response.create")) >= 2)
        line.hang_up()
        await task
    await line.close()
    [output] = [
        e["item"]["output"]
        for e in fake.last.of_type("conversation.item.create")
        if e["item"]["type"] == "function_call_output"
    ]
    assert '"ok": false' in output and "not available" in output
    assert carrier.transfers == []


async def test_ending_from_the_dashboard_hangs_up_at_once(
    start_voiced: StartVoiced,
) -> None:
    fake, settings = start_voiced(Script(replies=[Reply(GREETING, audio_ms=5000)]))
    line, carrier, task, call_id, core = await start_bridge_with_core(settings, speed=1.0)
    async with asyncio.timeout(20):
        await line.heard_audio.wait()
        await core.live_calls.get(call_id).end("ended_by_user")
        await task
    await line.close()
    assert carrier.hang_ups == [line.call_sid]
    assert call_row(call_id).end_reason == EndReason.ended_by_user
    assert call_id not in core.live_calls
    await fake.until(lambda: fake.open_connections() == 0)


async def test_outbound_call_opens_by_introducing_the_company_and_naming_the_lead(
    start_voiced: StartVoiced,
) -> None:
    fake, settings = start_voiced(
        Script(replies=[Reply("Hi, this is Acme calling.", audio_ms=200)])
    )
    line, carrier, task, call_id = await start_bridge(settings, direction="outbound", speed=8.0)
    line.custom_parameters["lead_name"] = "Pat"
    async with asyncio.timeout(20):
        await line.heard_audio.wait()
        line.hang_up()
        await task
    await line.close()
    opening = fake.last.of_type("response.create")[0]["response"]["instructions"]
    assert "Introduce yourself" in opening and "Acme Plumbing Supplies" in opening


async def test_call_reaching_the_time_limit_gets_a_goodbye_then_ends(
    env: dict[str, str],
    start_voiced: StartVoiced,
) -> None:
    env["MAX_CALL_SECONDS"] = "1"
    fake, settings = start_voiced(
        Script(replies=[Reply(GREETING, audio_ms=200), Reply("Sorry, we must stop. Bye!", 300)])
    )
    line, carrier, task, call_id = await start_bridge(settings, speed=8.0)
    async with asyncio.timeout(20):
        await task
    await line.close()
    goodbye = fake.sent("response.create")[1]["response"]["instructions"]
    assert "goodbye" in goodbye
    assert line.played_ms >= 200 + 300 - 20  # the goodbye played before the hang-up
    assert carrier.hang_ups == [line.call_sid]
    assert call_row(call_id).end_reason == EndReason.time_limit


async def test_a_caller_who_stays_silent_is_prompted_then_told_goodbye_then_hung_up_on(
    start_voiced: StartVoiced,
) -> None:
    fake, settings = start_voiced(
        Script(
            replies=[
                Reply(GREETING, audio_ms=200),
                Reply("Are you still there?", audio_ms=200),
                Reply("Still there?", audio_ms=200),
                Reply("I'll let you go. Goodbye!", audio_ms=300),
            ],
            idle_timeout_ms=400,
        )
    )
    line, carrier, task, call_id = await start_bridge(settings, speed=8.0)
    async with asyncio.timeout(20):
        await task
    await line.close()
    said = [t.text for t in turns(call_id)]
    assert said == [GREETING, "Are you still there?", "Still there?", "I'll let you go. Goodbye!"]
    assert "goodbye" in fake.sent("response.create")[-1]["response"]["instructions"]
    assert carrier.hang_ups == [line.call_sid]
    assert call_row(call_id).end_reason == EndReason.idle
