"""Whole calls: simulated Twilio ⇄ our endpoints ⇄ bridge ⇄ OpenAI SDK ⇄ fake Realtime service."""

import asyncio
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any

import httpx

from callcenter.api import Core, build_core, create_api
from callcenter.config import Settings, get_settings
from callcenter.db.migrate import upgrade_to_head
from callcenter.sim.caller import CallerLine
from callcenter.sim.carrier import SimulatedCall, SimulatorCarrier
from tests.conftest import TEST_API_TOKEN
from tests.fakes.realtime_server import API_KEY, FakeRealtime, Reply, Script
from tests.support.app_server import RunningServer, serve_in_thread
from tests.support.servers import free_port

SPEECH = b"\x22" * 8 * 700  # 700 ms of non-silent μ-law


@contextmanager
def running_core(env: dict[str, str], fake: FakeRealtime) -> Iterator[tuple[RunningServer, Core]]:
    port = free_port()
    env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
    env["CARRIER"] = "simulator"
    env["OPENAI_API_KEY"] = API_KEY
    env["OPENAI_BASE_URL"] = fake.base_url
    settings: Settings = get_settings()
    upgrade_to_head(settings.database_url)
    core = build_core(settings)
    with serve_in_thread(create_api(settings, core), port=port) as server:
        yield server, core


def in_app_loop(server: RunningServer, coro: Any) -> Future[Any]:
    assert server.loop is not None
    return asyncio.run_coroutine_threadsafe(coro, server.loop)


async def hear_audio(line: CallerLine, seconds: float) -> int:
    """Listen for up to `seconds`; returns how many bytes of agent audio played."""
    heard = 0
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        chunk = await line.hear(timeout=deadline - loop.time())
        if chunk is None:
            break
        heard += len(chunk)
    return heard


def test_whole_inbound_call_transcript_live_lead_and_agent_hang_up(
    env: dict[str, str], start_fake: Callable[[Script], FakeRealtime]
) -> None:
    fake = start_fake(
        Script(
            replies=[
                Reply("Hi, this is Acme. How can I help?", audio_ms=600),
                Reply(
                    "Thanks Sam, I saved that.",
                    audio_ms=400,
                    tool=("save_lead_details", {"name": "Sam Lee", "email": "sam@example.com"}),
                ),
                Reply("Is there anything else?", audio_ms=300),
                Reply("Goodbye Sam!", audio_ms=500, tool=("end_call", {"reason": "finished"})),
            ],
            caller_says=["I'm Sam Lee, sam@example.com", "No, that's all."],
        )
    )
    checked = threading.Event()
    ready_to_check = threading.Event()
    heard: list[int] = []

    async def caller(line: CallerLine) -> None:
        heard.append(await hear_audio(line, 1.5))  # the greeting
        await line.say(SPEECH)
        heard.append(await hear_audio(line, 2.5))  # answer + follow-up question
        ready_to_check.set()
        await asyncio.to_thread(checked.wait, 10)
        await line.say(SPEECH)
        heard.append(await hear_audio(line, 5))  # goodbye, then the agent hangs up

    with running_core(env, fake) as (server, core):
        carrier = core.carrier
        assert isinstance(carrier, SimulatorCarrier)
        call: SimulatedCall = in_app_loop(server, carrier.place_inbound_call(caller=caller)).result(
            10
        )
        assert ready_to_check.wait(15)
        with httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {TEST_API_TOKEN}"}
        ) as api:
            live = api.get(f"/api/calls/{call.call_sid}").json()
            assert live["status"] == "in-progress"
            assert [t["role"] for t in live["transcript"]][:3] == ["agent", "caller", "agent"]
            assert live["transcript"][1]["text"] == "I'm Sam Lee, sam@example.com"
            checked.set()
            in_app_loop(server, call.wait(20)).result(25)
            final = api.get(f"/api/calls/{call.call_sid}").json()
            lead = api.get(f"/api/leads/{final['lead_id']}").json()

    assert heard[0] >= 600 * 8 - 320  # the greeting reached the caller
    assert final["status"] == "completed"
    assert final["end_reason"] == "agent_ended"
    assert [t["text"] for t in final["transcript"]] == [
        "Hi, this is Acme. How can I help?",
        "I'm Sam Lee, sam@example.com",
        "Thanks Sam, I saved that.",
        "Is there anything else?",
        "No, that's all.",
        "Goodbye Sam!",
    ]
    assert lead["email"] == "sam@example.com" and lead["name"] == "Sam Lee"
    assert fake.open_connections() == 0


def test_barge_in_through_the_simulator_truncates_at_what_the_caller_heard(
    env: dict[str, str], start_fake: Callable[[Script], FakeRealtime]
) -> None:
    words = " ".join(f"word{i}" for i in range(50))
    fake = start_fake(
        Script(
            replies=[Reply(words, audio_ms=5000), Reply("Sorry, go ahead.", audio_ms=300)],
            caller_says=["Wait, stop."],
        )
    )
    played_when_cut: list[int] = []
    spoke_at: list[float] = []

    async def caller(line: CallerLine) -> None:
        await hear_audio(line, 1.2)  # about a second of the long greeting
        stats = line.stats  # type: ignore[attr-defined]
        # The caller talks over it; speech that goes on for 400 ms cuts the agent off.
        spoke_at.append(asyncio.get_running_loop().time())  # its first frame: the next tick
        await line.say(b"\x22" * 8 * 400)
        played_when_cut.append(stats.bytes_played)
        await line.say(b"\x22" * 8 * 600)
        await hear_audio(line, 2.0)
        await line.hang_up()

    with running_core(env, fake) as (server, core):
        carrier = core.carrier
        assert isinstance(carrier, SimulatorCarrier)
        call: SimulatedCall = in_app_loop(server, carrier.place_inbound_call(caller=caller)).result(
            10
        )
        in_app_loop(server, call.wait(20)).result(25)
        with httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {TEST_API_TOKEN}"}
        ) as api:
            final = api.get(f"/api/calls/{call.call_sid}").json()

    [truncate] = fake.last.of_type("conversation.item.truncate")
    heard_ms = played_when_cut[0] // 8
    assert call.streams[0].clears >= 1
    # The clear reached the simulated Twilio within 500 ms of the speech (sent ≤ 20 ms after
    # `spoke_at`), over the real sockets and the fake service's VAD.
    latency = call.streams[0].cleared_at[0] - spoke_at[0]
    print(f"\nbarge-in through the simulator: clear {latency * 1000:.0f} ms after say()")  # noqa: T201
    assert 0.3 <= latency <= 0.52
    # Within a few 20 ms frames of what the simulated phone actually played: the phone keeps
    # playing while the caller's first words travel to the service and the clear travels back,
    # and each mark is echoed one 20 ms tick after its audio.
    assert abs(truncate["audio_end_ms"] - heard_ms) <= 120, (truncate, heard_ms)
    assert truncate["audio_end_ms"] <= heard_ms
    assert 800 <= truncate["audio_end_ms"] < 5000
    first = final["transcript"][0]
    assert first["role"] == "agent" and first["interrupted"] is True
    assert words.startswith(first["text"]) and 0 < len(first["text"].split()) < 50
    assert final["end_reason"] == "caller_hung_up"
