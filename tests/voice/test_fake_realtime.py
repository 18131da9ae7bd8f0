"""The fake Realtime service answers bad client input like the real one: an error, not a drop."""

import asyncio
import json
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from tests.fakes.realtime_server import API_KEY, FakeRealtime, Script


async def next_event(ws: ClientConnection, kind: str) -> dict[str, Any]:
    async with asyncio.timeout(5):
        while True:
            event: dict[str, Any] = json.loads(await ws.recv())
            if event["type"] == kind:
                return event


async def test_audio_that_is_not_base64_gets_an_error_event_and_the_session_goes_on(
    start_fake: Callable[[Script], FakeRealtime],
) -> None:
    fake = start_fake(Script())
    url = f"ws://127.0.0.1:{fake.port}/v1/realtime?model=gpt-realtime-2.1"
    async with connect(url, additional_headers={"Authorization": f"Bearer {API_KEY}"}) as ws:
        await next_event(ws, "session.created")
        for bad in ("ÿÿÿ€", 12345):
            await ws.send(json.dumps({"type": "input_audio_buffer.append", "audio": bad}))
            error = await next_event(ws, "error")
            assert error["error"]["type"] == "invalid_request_error"
            assert error["error"]["param"] == "audio"
        # Still connected and still working.
        await ws.send(json.dumps({"type": "session.update", "session": {"type": "realtime"}}))
        await next_event(ws, "session.updated")
    assert fake.last.rejected_appends == 2
