"""The bare pass-through bridge: the floor of this stack, for the audio benchmark to compare.

Same stack as the product (Starlette websocket under uvicorn, the openai SDK's Realtime
connection with `recv_bytes`/`send_raw`), and nothing but forwarding: no database, no marks,
no transcripts, no live view. Each message is parsed with `json.loads` and built with
`json.dumps`, as any bridge that reads the protocol must.

    uvicorn --factory bench.passthrough:create_app
"""

import asyncio
import contextlib
import json
import os

from openai import AsyncOpenAI
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

SESSION = {
    "type": "realtime",
    "model": "gpt-realtime",
    "output_modalities": ["audio"],
    "instructions": "You are a helpful assistant.",
    "audio": {
        "input": {"format": {"type": "audio/pcmu"}, "turn_detection": {"type": "server_vad"}},
        "output": {"format": {"type": "audio/pcmu"}, "voice": "marin"},
    },
}


async def media_stream(websocket: WebSocket) -> None:
    client: AsyncOpenAI = websocket.app.state.openai
    await websocket.accept()
    stream_sid = ""
    while not stream_sid:  # `connected`, then `start`
        data = json.loads(await websocket.receive_text())
        if data.get("event") == "start":
            stream_sid = data["start"]["streamSid"]
    async with client.realtime.connect(model="gpt-realtime") as conn:
        await conn.send_raw(json.dumps({"type": "session.update", "session": SESSION}))

        async def caller_to_ai() -> None:
            try:
                while True:
                    data = json.loads(await websocket.receive_text())
                    if data["event"] == "media":
                        await conn.send_raw(
                            json.dumps(
                                {
                                    "type": "input_audio_buffer.append",
                                    "audio": data["media"]["payload"],
                                }
                            )
                        )
                    elif data["event"] == "stop":
                        return
            except WebSocketDisconnect:
                return

        async def ai_to_caller() -> None:
            while True:
                data = json.loads(await conn.recv_bytes())
                if data.get("type") == "response.output_audio.delta":
                    await websocket.send_text(
                        json.dumps(
                            {
                                "event": "media",
                                "streamSid": stream_sid,
                                "media": {"payload": data["delta"]},
                            }
                        )
                    )

        to_ai = asyncio.create_task(caller_to_ai())
        to_caller = asyncio.create_task(ai_to_caller())
        await asyncio.wait((to_ai, to_caller), return_when=asyncio.FIRST_COMPLETED)
        for task in (to_ai, to_caller):
            task.cancel()
        await asyncio.gather(to_ai, to_caller, return_exceptions=True)
    with contextlib.suppress(RuntimeError):
        await websocket.close()


def create_app() -> Starlette:
    app = Starlette(routes=[WebSocketRoute("/media-stream", media_stream)])
    app.state.openai = AsyncOpenAI(
        api_key=os.environ["OPENAI_API_KEY"],
        base_url=os.environ["OPENAI_BASE_URL"],
        max_retries=0,
    )
    return app
