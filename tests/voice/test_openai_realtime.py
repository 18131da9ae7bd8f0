"""The OpenAI Realtime provider against the fake service, through the real SDK."""

import asyncio
import gc
from collections.abc import Callable

import pytest
from openai import AsyncOpenAI

from callcenter.config import Settings
from callcenter.voice.instructions import base_instructions
from callcenter.voice.providers.openai_realtime import OpenAIRealtimeSession
from callcenter.voice.session import AgentAudio, SessionConfig, SessionReady, VoiceConnectError
from callcenter.voice.session_config import realtime_session
from callcenter.voice.tools import default_tools
from tests.fakes.realtime_server import API_KEY, BETA_SESSION_FIELDS, FakeRealtime, Reply, Script


def config(settings: Settings) -> SessionConfig:
    return SessionConfig(
        instructions=base_instructions(settings, default_tools().guidance()),
        tools=default_tools().specs(),
    )


def test_session_update_is_ga_shaped_with_no_beta_fields(settings: Settings) -> None:
    session = realtime_session(settings, config(settings))
    assert not set(BETA_SESSION_FIELDS) & set(session)
    assert session["type"] == "realtime" and session["output_modalities"] == ["audio"]
    assert session["model"] == settings.openai_realtime_model
    audio_in = session["audio"]["input"]
    assert audio_in["transcription"] == {"model": "gpt-4o-mini-transcribe"}
    assert audio_in["noise_reduction"] == {"type": "near_field"}
    assert audio_in["turn_detection"]["type"] == "server_vad"
    assert session["audio"]["output"]["voice"] == "marin"
    assert all(tool["type"] == "function" for tool in session["tools"])


async def test_provider_connects_configures_and_streams_audio_both_ways(
    start_fake: Callable[[Script], FakeRealtime],
    voice_settings: Callable[[FakeRealtime], Settings],
) -> None:
    fake = start_fake(Script(replies=[Reply("Hello there.", audio_ms=300)]))
    settings = voice_settings(fake)
    session = OpenAIRealtimeSession(settings)
    await session.start(config(settings))
    events = session.events()
    assert await anext(events) == SessionReady()
    await session.request_response()
    await session.send_audio("//8=")
    async with asyncio.timeout(10):
        async for event in events:
            if isinstance(event, AgentAudio):
                break
    # The reply may come before the fake has recorded the append (separate paths).
    await fake.until(lambda: bool(fake.sent("input_audio_buffer.append")))
    await session.close()
    assert fake.last.path.startswith("/v1/realtime?model=")
    appended = fake.last.of_type("input_audio_buffer.append")
    assert appended and appended[0]["bytes"] == 4


async def test_refused_connection_raises_voice_connect_error(
    start_fake: Callable[[Script], FakeRealtime],
    voice_settings: Callable[[FakeRealtime], Settings],
) -> None:
    fake = start_fake(Script(refuse_status=503))
    settings = voice_settings(fake)
    with pytest.raises(VoiceConnectError, match="503"):
        await OpenAIRealtimeSession(settings).start(config(settings))


async def test_fake_rejects_beta_shapes_like_the_real_service(
    start_fake: Callable[[Script], FakeRealtime],
) -> None:
    fake = start_fake(Script())
    beta_client = AsyncOpenAI(
        api_key=API_KEY, base_url=fake.base_url, default_headers={"OpenAI-Beta": "realtime=v1"}
    )
    with pytest.raises(Exception, match="400"):
        await beta_client.realtime.connect(model="gpt-realtime-2.1").enter()
    assert fake.refused == ["The Realtime Beta API is no longer supported"]
    await beta_client.close()

    client = AsyncOpenAI(api_key=API_KEY, base_url=fake.base_url)
    conn = await client.realtime.connect(model="gpt-realtime-2.1").enter()
    await conn.send_raw('{"type":"session.update","session":{"type":"realtime","voice":"alloy"}}')
    async with asyncio.timeout(10):
        async for event in conn:
            if event.type == "error":
                assert "session.voice" in (event.error.param or "")
                break
    await conn.close()
    await client.close()


def test_the_websocket_proxy_comes_from_the_environment_once_per_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from openai import AsyncOpenAI

    from callcenter.voice.providers import openai_realtime

    monkeypatch.setattr(openai_realtime, "_proxies", {})
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    proxied = AsyncOpenAI(api_key="sk-test", base_url="https://api.openai.com/v1")
    direct = AsyncOpenAI(api_key="sk-test", base_url="https://internal.example/v1")
    assert openai_realtime.websocket_proxy(proxied) == "http://proxy.example:3128"
    assert openai_realtime.websocket_proxy(direct) is None
    monkeypatch.delenv("HTTPS_PROXY")  # looked up once: a later change is not read per call
    assert openai_realtime.websocket_proxy(proxied) == "http://proxy.example:3128"


async def test_a_closed_session_leaves_no_cyclic_garbage_behind(
    start_fake: Callable[[Script], FakeRealtime],
    voice_settings: Callable[[FakeRealtime], Settings],
) -> None:
    """Every call's connection is freed when it closes, not piled up for the collector (whose
    pass over such piles is a pause in every live call's audio)."""
    fake = start_fake(Script(replies=[]))
    settings = voice_settings(fake)

    async def open_and_close() -> None:
        session = OpenAIRealtimeSession(settings)
        await session.start(config(settings))
        await session.close()

    await open_and_close()  # first use: the SDK's lazy imports and caches
    gc.collect()
    sessions = 10
    for _ in range(sessions):
        await open_and_close()
    await fake.until(lambda: len(fake.connections) >= sessions + 1)
    found = gc.collect()
    assert found < 10 * sessions, f"{found} unreachable objects after {sessions} sessions"
