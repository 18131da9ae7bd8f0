"""Small helpers for driving the served core from tests: run code on its loop, Twilio frames."""

import asyncio
import json
from collections.abc import Coroutine
from typing import Any, TypeVar

from tests.support.served_core import ServedCore

T = TypeVar("T")


def on_server_loop(core: ServedCore, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
    """Run `coro` on the served app's event loop (where its calls and events live)."""
    assert core.server.loop is not None
    return asyncio.run_coroutine_threadsafe(coro, core.server.loop).result(timeout)


def frame(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"))


def start_frame(call_sid: str, stream_sid: str, call_id: int) -> str:
    return frame(
        {
            "event": "start",
            "sequenceNumber": "1",
            "streamSid": stream_sid,
            "start": {
                "streamSid": stream_sid,
                "accountSid": "AC" + "1" * 32,
                "callSid": call_sid,
                "tracks": ["inbound"],
                "customParameters": {"call_id": str(call_id), "direction": "inbound"},
                "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
            },
        }
    )


def media_frame(stream_sid: str, n: int, payload: str) -> str:
    return frame(
        {
            "event": "media",
            "sequenceNumber": str(n + 1),
            "streamSid": stream_sid,
            "media": {
                "track": "inbound",
                "chunk": str(n),
                "timestamp": str(n * 20),
                "payload": payload,
            },
        }
    )
