"""An outbound simulated call rings a browser waiting on the softphone page (`?standby=1`)."""

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import websockets

from callcenter.api import Core, build_core, create_api
from callcenter.config import get_settings
from callcenter.db.migrate import upgrade_to_head
from callcenter.sim.carrier import SimulatorCarrier
from callcenter.sim.softphone import RING_NUMBER, desk_for
from tests.conftest import TEST_API_TOKEN
from tests.support.app_server import RunningServer, serve_in_thread
from tests.support.servers import free_port

pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.filterwarnings("ignore:The `websockets` implementation is deprecated"),
]

HEADERS = {"Authorization": f"Bearer {TEST_API_TOKEN}"}
SILENCE = base64.b64encode(b"\xff" * 160).decode()


@pytest.fixture
def core(env: dict[str, str]) -> Iterator[tuple[RunningServer, Core]]:
    port = free_port()
    env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
    settings = get_settings()
    upgrade_to_head(settings.database_url)
    core = build_core(settings)
    with serve_in_thread(create_api(settings, core), port=port) as server:
        yield server, core


@asynccontextmanager
async def standby_page(
    server: RunningServer, query: str = ""
) -> AsyncIterator[websockets.ClientConnection]:
    url = f"{server.ws_url}/api/softphone?standby=1&token={TEST_API_TOKEN}{query}"
    async with websockets.connect(url) as ws:
        ready = await _next(ws)
        assert ready == {"event": "standby", "standby": {"number": RING_NUMBER}}
        yield ws


async def _next(ws: websockets.ClientConnection, event: str | None = None) -> dict[str, Any]:
    """The next message (of kind `event`, skipping others), within 10 s."""
    async with asyncio.timeout(10):
        while True:
            message = json.loads(await ws.recv())
            if event is None or message["event"] == event:
                return dict(message)


async def _dial(server: RunningServer, to: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server.base_url, headers=HEADERS) as api:
        response = await api.post("/api/outbound-call", json={"to": to})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _final_status(server: RunningServer, call_id: int) -> str:
    """Poll the call until Twilio's final status callback has landed (bounded)."""
    async with (
        httpx.AsyncClient(base_url=server.base_url, headers=HEADERS) as api,
        asyncio.timeout(15),
    ):
        while True:
            call = (await api.get(f"/api/calls/{call_id}")).json()
            if call["status"] in ("completed", "busy", "no-answer", "failed", "canceled"):
                return str(call["status"])
            await asyncio.sleep(0.1)


async def test_answering_connects_the_browser_as_the_callee(
    core: tuple[RunningServer, Core],
) -> None:
    server, _ = core
    async with standby_page(server) as ws:
        call = await _dial(server, RING_NUMBER)
        incoming = await _next(ws, "incoming")
        assert incoming["incoming"]["callSid"] == call["call_sid"]
        assert incoming["incoming"]["to"] == RING_NUMBER
        await ws.send(json.dumps({"event": "answer"}))
        start = await _next(ws, "start")
        assert start["start"]["callSid"] == call["call_sid"]
        greeting = await _next(ws, "media")  # the agent's voice reaches the browser
        assert base64.b64decode(greeting["media"]["payload"])
        for _ in range(10):  # the microphone
            await ws.send(json.dumps({"event": "media", "media": {"payload": SILENCE}}))
        await ws.send(json.dumps({"event": "stop"}))
    assert await _final_status(server, call["id"]) == "completed"


async def test_declining_ends_the_call_busy(core: tuple[RunningServer, Core]) -> None:
    server, _ = core
    async with standby_page(server) as ws:
        call = await _dial(server, RING_NUMBER)
        await _next(ws, "incoming")
        await ws.send(json.dumps({"event": "decline"}))
        cancel = await _next(ws, "cancel")
        assert cancel["cancel"]["callSid"] == call["call_sid"]
        assert await _final_status(server, call["id"]) == "busy"
        # The page stays on standby: the next call rings it again.
        again = await _dial(server, RING_NUMBER)
        assert (await _next(ws, "incoming"))["incoming"]["callSid"] == again["call_sid"]


async def test_an_unanswered_page_ends_the_call_no_answer(
    core: tuple[RunningServer, Core],
) -> None:
    server, core = core
    assert isinstance(core.carrier, SimulatorCarrier)
    desk_for(core.carrier).ring_seconds = 0.5  # Twilio's is ~30 s
    async with standby_page(server) as ws:
        call = await _dial(server, RING_NUMBER)
        await _next(ws, "incoming")
        await _next(ws, "cancel")
        assert await _final_status(server, call["id"]) == "no-answer"


async def test_other_numbers_ring_the_page_only_when_it_asks_for_every_call(
    core: tuple[RunningServer, Core],
) -> None:
    server, _ = core
    async with standby_page(server) as own_number_only, standby_page(server, "&ring=any") as any_:
        call = await _dial(server, "+14155550123")
        incoming = await _next(any_, "incoming")
        assert incoming["incoming"]["to"] == "+14155550123"
        await any_.send(json.dumps({"event": "decline"}))
        assert await _final_status(server, call["id"]) == "busy"
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.3):
                await own_number_only.recv()


async def test_without_an_open_page_the_default_callee_answers(
    core: tuple[RunningServer, Core],
) -> None:
    server, _ = core
    call = await _dial(server, RING_NUMBER)
    assert await _final_status(server, call["id"]) == "completed"  # the silent default callee
