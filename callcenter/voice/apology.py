"""The pre-rendered apology the caller hears when the voice AI is unavailable."""

import asyncio
import base64
import contextlib
from functools import lru_cache
from pathlib import Path

from callcenter.voice.line import MULAW_BYTES_PER_MS, PhoneLine
from callcenter.voice.playback import Playback, b64_len

APOLOGY_PATH = Path(__file__).resolve().parents[2] / "assets" / "audio" / "apology.ulaw"
CHUNK_BYTES = 8000  # one second per media message


@lru_cache(maxsize=1)
def apology_chunks() -> tuple[str, ...]:
    """The apology as base64 μ-law chunks; a short silence if the file is missing."""
    try:
        audio = APOLOGY_PATH.read_bytes()
    except OSError:
        audio = b"\xff" * 1600
    return tuple(
        base64.b64encode(audio[i : i + CHUNK_BYTES]).decode("ascii")
        for i in range(0, len(audio), CHUNK_BYTES)
    )


def apology_seconds() -> float:
    total = sum(len(base64.b64decode(chunk)) for chunk in apology_chunks())
    return total / MULAW_BYTES_PER_MS / 1000


async def play_apology(stream: PhoneLine, playback: Playback, played_out: asyncio.Event) -> None:
    """Queue the apology after whatever is already playing (marks as for agent audio) and wait,
    bounded, until the caller has heard it."""
    for chunk in apology_chunks():
        closing = playback.boundary("apology", 0)
        if closing is not None:
            await stream.send_mark(closing)
        name, _ = playback.forwarded("apology", 0, b64_len(chunk))
        playback.flush()  # a mark after every chunk: each is a second long
        played_out.clear()
        await stream.send_media(chunk)
        await stream.send_mark(name)
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(apology_seconds() + 2):
            await played_out.wait()
