"""The call bridge against the real SDK and a fake Realtime service, on an in-memory phone line."""

import asyncio

from callcenter.db.models import EndReason, Lead
from callcenter.db.session import session_scope
from callcenter.live.events import CallEvent
from tests.fakes.realtime_server import Reply, Script
from tests.voice.bridge_calls import (
    GREETING,
    call_row,
    start_bridge,
    start_bridge_with_core,
    turns,
)
from tests.voice.conftest import StartVoiced


async def test_inbound_call_greets_saves_lead_and_hangs_up_after_last_words(
    start_voiced: StartVoiced,
) -> None:
    fake, settings = start_voiced(
        Script(
            replies=[
                Reply(GREETING, audio_ms=800),
                Reply(
                    "Great, Jane. I've noted that.",
                    audio_ms=400,
                    tool=(
                        "save_lead_details",
                        {"name": "Jane Doe", "email": "jane@example.com", "need": "new boiler"},
                    ),
                ),
                Reply("Thanks Jane, goodbye!", audio_ms=600, tool=("end_call", {"reason": "done"})),
            ],
            caller_says=["Hi, I'm Jane Doe, jane@example.com, I need a new boiler."],
        )
    )
    line, carrier, task, call_id = await start_bridge(settings)
    async with asyncio.timeout(20):
        await line.played(800)  # the greeting played out
        line.say(600)
        await task
    await line.close()

    # The caller heard the greeting and the goodbye in full, then the carrier hung up.
    assert line.heard_speech()
    assert line.played_ms >= 800 + 400 + 600 - 20
    assert carrier.hang_ups == [line.call_sid]
    # The session was GA-shaped: μ-law both ways, server VAD that only reports (the bridge
    # decides barge-ins and asks for every reply), our tools.
    session = fake.last.of_type("session.update")[0]["session"]
    assert session["type"] == "realtime"
    assert session["audio"]["input"]["format"] == {"type": "audio/pcmu"}
    assert session["audio"]["output"]["format"] == {"type": "audio/pcmu"}
    detection = session["audio"]["input"]["turn_detection"]
    assert detection["type"] == "server_vad"
    assert detection["interrupt_response"] is False and detection["create_response"] is False
    assert {t["name"] for t in session["tools"]} == {
        "save_lead_details",
        "end_call",
        "transfer_to_human",
    }
    assert "Acme Plumbing Supplies" in session["instructions"]
    assert "OpenAI-Beta" not in fake.last.headers and "openai-beta" not in fake.last.headers
    # The tool result went back as function_call_output, then a response was asked for.
    outputs = [
        e["item"]
        for e in fake.last.of_type("conversation.item.create")
        if e["item"]["type"] == "function_call_output"
    ]
    assert '"ok": true' in outputs[0]["output"]
    # Everything said is stored in spoken order; the lead exists; the call ended by the agent.
    said = [(t.role, t.text) for t in turns(call_id)]
    assert said == [
        ("agent", GREETING),
        ("caller", "Hi, I'm Jane Doe, jane@example.com, I need a new boiler."),
        ("agent", "Great, Jane. I've noted that."),
        ("agent", "Thanks Jane, goodbye!"),
    ]
    call = call_row(call_id)
    assert call.end_reason == EndReason.agent_ended
    assert call.ended_at is not None
    with session_scope() as session:
        lead = session.get(Lead, call.lead_id)
        assert lead is not None and lead.email == "jane@example.com" and lead.name == "Jane Doe"
    # No leaked Realtime session.
    await fake.until(lambda: fake.open_connections() == 0)


async def test_caller_interrupting_clears_twilio_and_truncates_at_played_audio(
    start_voiced: StartVoiced,
) -> None:
    long_text = " ".join(f"word{i}" for i in range(40))
    fake, settings = start_voiced(Script(replies=[Reply(long_text, audio_ms=4000)]))
    line, carrier, task, call_id = await start_bridge(settings, speed=1.0)
    async with asyncio.timeout(20):
        await line.heard_audio.wait()
        await line.played(1000)
        line.say(1000)  # speech that goes on past 400 ms
        await fake.until(lambda: bool(fake.sent("conversation.item.truncate")))
        played_at_clear = next(s.at_played_bytes for s in line.sent if s.kind == "clear") // 8
        line.hang_up()
        await task
    await line.close()

    truncate = fake.last.of_type("conversation.item.truncate")[0]
    # Clear came first, and the truncate points at what the caller actually heard: never past
    # it, and at most one chunk (100 ms, one mark) short of it.
    assert line.clears == 1
    assert played_at_clear - 100 <= truncate["audio_end_ms"] <= played_at_clear
    assert 1300 <= truncate["audio_end_ms"] < 4000  # 400 ms of speech over it decided
    agent = [t for t in turns(call_id) if t.role == "agent"]
    assert agent[0].interrupted
    heard_words = agent[0].text.split()
    assert 0 < len(heard_words) < 40
    assert long_text.startswith(agent[0].text)
    # Audio after the clear never reached the caller.
    assert line.played_ms <= played_at_clear + 40


async def test_realtime_dropping_mid_call_plays_apology_and_ends_ai_unavailable(
    start_voiced: StartVoiced,
) -> None:
    _, settings = start_voiced(
        Script(replies=[Reply(GREETING, audio_ms=400)], drop_after_responses=1)
    )
    line, carrier, task, call_id = await start_bridge(settings, speed=8.0)
    async with asyncio.timeout(20):
        await task
    await line.close()

    assert carrier.hang_ups == [line.call_sid]
    # The apology (~5.8 s of audio) played after the greeting.
    assert line.played_ms > 400 + 5000
    call = call_row(call_id)
    assert call.end_reason == EndReason.ai_unavailable
    assert [t.text for t in turns(call_id)] == [GREETING]


async def test_realtime_refusing_the_connection_apologises_and_hangs_up(
    start_voiced: StartVoiced,
) -> None:
    fake, settings = start_voiced(Script(refuse_status=403))
    line, carrier, task, call_id = await start_bridge(settings, speed=8.0)
    async with asyncio.timeout(20):
        await task
    await line.close()
    assert fake.refused == ["refused by script"]
    assert carrier.hang_ups == [line.call_sid]
    assert line.played_ms > 5000
    assert call_row(call_id).end_reason == EndReason.ai_unavailable


async def test_caller_hanging_up_closes_the_realtime_session_and_leaks_no_tasks(
    start_voiced: StartVoiced,
) -> None:
    fake, settings = start_voiced(Script(replies=[Reply(GREETING, audio_ms=3000)]))
    before = {t for t in asyncio.all_tasks()}
    line, carrier, task, call_id = await start_bridge(settings, speed=2.0)
    async with asyncio.timeout(20):
        await line.played(1000)
        line.hang_up()
        await task
    await line.close()
    await fake.until(lambda: fake.open_connections() == 0)
    leaked = {t for t in asyncio.all_tasks() if not t.done()} - before - {asyncio.current_task()}
    assert not leaked, leaked
    assert carrier.hang_ups == []  # the caller hung up; nothing to end at the carrier
    # The greeting was cut off by the hang-up: stored as heard, flagged interrupted.
    [agent] = turns(call_id)
    assert agent.interrupted and GREETING.startswith(agent.text) and agent.text != GREETING


async def test_keypad_digits_reach_the_model_as_text(
    start_voiced: StartVoiced,
) -> None:
    fake, settings = start_voiced(Script(replies=[Reply(GREETING, audio_ms=200)]))
    line, carrier, task, call_id = await start_bridge(settings, speed=8.0)
    async with asyncio.timeout(20):
        await line.heard_audio.wait()
        line.press("7")
        await fake.until(lambda: bool(fake.sent("conversation.item.create")))
        line.hang_up()
        await task
    await line.close()
    item = fake.last.of_type("conversation.item.create")[0]["item"]
    assert item["role"] == "user" and item["content"][0]["text"] == "[pressed 7]"
    assert ("caller", "[pressed 7]") in [(t.role, t.text) for t in turns(call_id)]


async def test_live_views_get_turn_and_speaking_events_after_each_commit(
    start_voiced: StartVoiced,
) -> None:
    _, settings = start_voiced(Script(replies=[Reply(GREETING, audio_ms=300)]))
    line, carrier, task, call_id, core = await start_bridge_with_core(settings, speed=8.0)
    events = core.hub.subscribe("test")
    async with asyncio.timeout(20):
        seen: list[CallEvent] = []
        while not any(e.kind == "turn" for e in seen):
            seen.append(await events.get())
        line.hang_up()
        await task
    await line.close()
    speaking = [e.data["who"] for e in seen if e.kind == "speaking"]
    assert speaking[:2] == ["agent", None]
    [turn] = [e for e in seen if e.kind == "turn"]
    assert turn.call_id == call_id
    assert turn.data["role"] == "agent" and turn.data["text"] == GREETING
    assert turn.data["interrupted"] is False and turn.data["started_at"]
    # The turn event came after the row was committed: it is in the database.
    assert [t.text for t in turns(call_id)] == [GREETING]
