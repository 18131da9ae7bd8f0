"""Twilio's side of a call, written from Twilio's documentation: signatures, a media stream."""

import asyncio
import base64
import json
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

from twilio.request_validator import RequestValidator
from websockets.asyncio.client import ClientConnection, connect

SILENCE_FRAME = b"\xff" * 160  # 20 ms of μ-law silence at 8 kHz
FRAME_SECONDS = 0.02


def signature(auth_token: str, url: str, params: dict[str, str] | None = None) -> str:
    return str(RequestValidator(auth_token).compute_signature(url, params or {}))


@dataclass
class StreamResult:
    """What Twilio saw on the stream: the agent's audio, marks and clears."""

    media_bytes: int = 0
    first_media_after: float | None = None
    marks: list[str] = field(default_factory=list)
    clears: int = 0
    stream_sids: set[str] = field(default_factory=set)
    closed_by_server: bool = False


async def run_media_stream(
    url: str,
    *,
    call_sid: str,
    parameters: dict[str, str],
    seconds: float,
    headers: dict[str, str] | None = None,
) -> StreamResult:
    """Stream `seconds` of caller silence in real time, echo marks as played, then `stop`."""
    stream_sid = "MZ" + uuid4().hex
    result = StreamResult()
    async with connect(url, additional_headers=headers or {}) as ws:
        await ws.send(json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
        await ws.send(json.dumps(_start(stream_sid, call_sid, parameters)))
        reader = asyncio.create_task(_read(ws, result), name="twilio-side-reader")
        try:
            await _send_silence(ws, stream_sid, seconds, reader)
            if not reader.done():
                await ws.send(json.dumps(_stop(stream_sid, call_sid)))
        finally:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
    return result


def _start(stream_sid: str, call_sid: str, parameters: dict[str, str]) -> dict[str, Any]:
    return {
        "event": "start",
        "sequenceNumber": "1",
        "streamSid": stream_sid,
        "start": {
            "accountSid": "AC" + "0" * 32,
            "streamSid": stream_sid,
            "callSid": call_sid,
            "tracks": ["inbound"],
            "customParameters": parameters,
            "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
        },
    }


def _stop(stream_sid: str, call_sid: str) -> dict[str, Any]:
    return {
        "event": "stop",
        "sequenceNumber": "999999",
        "streamSid": stream_sid,
        "stop": {"accountSid": "AC" + "0" * 32, "callSid": call_sid},
    }


async def _send_silence(
    ws: ClientConnection, stream_sid: str, seconds: float, reader: "asyncio.Task[None]"
) -> None:
    loop = asyncio.get_running_loop()
    began = loop.time()
    payload = base64.b64encode(SILENCE_FRAME).decode()
    for chunk in range(1, int(seconds / FRAME_SECONDS) + 1):
        if reader.done():
            return  # the app hung up
        await ws.send(
            json.dumps(
                {
                    "event": "media",
                    "sequenceNumber": str(chunk + 1),
                    "streamSid": stream_sid,
                    "media": {
                        "track": "inbound",
                        "chunk": str(chunk),
                        "timestamp": str(int((chunk - 1) * FRAME_SECONDS * 1000)),
                        "payload": payload,
                    },
                }
            )
        )
        # Real time, like a phone line: the next frame is due 20 ms after this one.
        await asyncio.sleep(max(0.0, began + chunk * FRAME_SECONDS - loop.time()))


async def _read(ws: ClientConnection, result: StreamResult) -> None:
    loop = asyncio.get_running_loop()
    began = loop.time()
    async for raw in ws:
        message = json.loads(raw)
        result.stream_sids.add(message.get("streamSid", ""))
        event = message.get("event")
        if event == "media":
            result.media_bytes += len(base64.b64decode(message["media"]["payload"]))
            if result.first_media_after is None:
                result.first_media_after = loop.time() - began
        elif event == "mark":
            name = message["mark"]["name"]
            result.marks.append(name)
            # Twilio sends the mark back once the audio before it has played.
            await ws.send(
                json.dumps(
                    {"event": "mark", "streamSid": message["streamSid"], "mark": {"name": name}}
                )
            )
        elif event == "clear":
            result.clears += 1
    result.closed_by_server = True
