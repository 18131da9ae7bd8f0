"""The database going away mid-call: the audio keeps flowing, turns land when it returns."""

import asyncio

import pytest

from callcenter.live.events import CallEvent
from callcenter.voice.bridge import CallBridge
from tests.fakes.realtime_server import Reply, Script
from tests.support.servers import PostgresServer
from tests.voice.bridge_calls import start_bridge_with_core, turns
from tests.voice.conftest import StartVoiced


@pytest.mark.postgres
async def test_turns_spoken_while_the_database_is_down_are_saved_when_it_returns(
    pg_env: dict[str, str],
    pg_server: PostgresServer,
    start_voiced: StartVoiced,
) -> None:
    _, settings = start_voiced(
        Script(
            replies=[
                Reply("Hello, Acme here.", audio_ms=200),
                # Long enough to be still playing when the writer finds the database gone.
                Reply("Sure, tell me more.", audio_ms=4000),
            ],
            caller_says=["I need a quote."],
        )
    )
    line, carrier, task, call_id, core = await start_bridge_with_core(settings)
    try:
        async with asyncio.timeout(60):
            await line.heard_audio.wait()
            # Wait until the greeting is committed, from the live hub.
            events: asyncio.Queue[CallEvent] = core.hub.subscribe("test")
            bridge: CallBridge = core.live_calls.get(call_id)
            while bridge.writer.written < 1:
                await events.get()
            await asyncio.to_thread(pg_server.stop)
            try:
                line.say(600)
                # The answer plays; its turns cannot be written, so they wait in the buffer.
                while bridge.writer.failures < 1:
                    line.heard_audio.clear()
                    await line.heard_audio.wait()
                assert bridge.writer.pending >= 1
                # And the caller goes on hearing it while nothing can be written.
                heard_at_failure = line.played_ms
                await line.played(heard_at_failure + 200)
                assert bridge.writer.written == 1
            finally:
                await asyncio.to_thread(pg_server.start)
            while bridge.writer.written < 3:
                await events.get()
    finally:
        line.hang_up()
        async with asyncio.timeout(60):
            await task
        await line.close()
    assert [(t.role, t.text) for t in turns(call_id)] == [
        ("agent", "Hello, Acme here."),
        ("caller", "I need a quote."),
        ("agent", "Sure, tell me more."),
    ]
