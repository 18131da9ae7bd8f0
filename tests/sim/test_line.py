"""The simulated Twilio plays agent audio in real time, echoes marks after it, honours clear."""

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.server import ServerConnection, serve

from callcenter.sim.caller import CallerLine
from callcenter.sim.line import SimulatedLine
from callcenter.telephony.protocol import clear_frame, mark_frame, media_frame
from tests.support.servers import free_port

ONE_SECOND = 8000  # bytes of μ-law


@dataclass
class AppSide:
    """What a bridge on the other end of the socket observed."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    echoes: dict[str, float] = field(default_factory=dict)
    sent_at: dict[str, float] = field(default_factory=dict)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    echoed: dict[str, asyncio.Event] = field(default_factory=dict)

    def echo_of(self, name: str) -> asyncio.Event:
        return self.echoed.setdefault(name, asyncio.Event())


@asynccontextmanager
async def app_socket(script: Any) -> AsyncIterator[tuple[str, AppSide]]:
    """A WebSocket server standing in for our bridge; `script(ws, side, stream_sid)` drives it."""
    side = AppSide()
    loop = asyncio.get_running_loop()

    async def handler(ws: ServerConnection) -> None:
        connected = json.loads(await ws.recv())
        start = json.loads(await ws.recv())
        side.messages += [connected, start]

        async def read() -> None:
            async for raw in ws:
                message = json.loads(raw)
                side.messages.append(message)
                if message["event"] == "mark":
                    side.echoes[message["mark"]["name"]] = loop.time()
                    side.echo_of(message["mark"]["name"]).set()

        reader = asyncio.create_task(read())
        try:
            await script(ws, side, start["streamSid"])
        finally:
            side.done.set()
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)

    port = free_port()
    async with serve(handler, "127.0.0.1", port):
        yield f"ws://127.0.0.1:{port}/media-stream", side


async def _send_audio(ws: ServerConnection, stream_sid: str, seconds: float) -> None:
    chunk = base64.b64encode(b"\x7f" * 160).decode()
    for _ in range(int(seconds * 50)):
        await ws.send(media_frame(stream_sid, chunk))


class Listener:
    """A caller that hears everything until the call ends."""

    def __init__(self) -> None:
        self.heard = 0

    async def __call__(self, line: CallerLine) -> None:
        while (chunk := await line.hear(timeout=5)) is not None:
            self.heard += len(chunk)


async def test_mark_is_echoed_only_after_the_audio_before_it_has_played() -> None:
    async def script(ws: ServerConnection, side: AppSide, stream_sid: str) -> None:
        loop = asyncio.get_running_loop()
        await _send_audio(ws, stream_sid, 1.0)
        side.sent_at["one-second"] = loop.time()
        await ws.send(mark_frame(stream_sid, "one-second"))
        await asyncio.wait_for(side.echo_of("one-second").wait(), 5)

    listener = Listener()
    async with app_socket(script) as (url, side):
        line = SimulatedLine(url=url, call_sid="CA1", account_sid="AC1", custom_parameters={})
        end = await asyncio.wait_for(line.run(listener), 10)
    assert end == "socket_closed"
    delay = side.echoes["one-second"] - side.sent_at["one-second"]
    assert 0.9 <= delay <= 1.5, delay
    assert line.stats.bytes_played == ONE_SECOND
    assert listener.heard == ONE_SECOND


async def test_clear_drops_queued_audio_and_echoes_its_marks_at_once() -> None:
    async def script(ws: ServerConnection, side: AppSide, stream_sid: str) -> None:
        loop = asyncio.get_running_loop()
        await _send_audio(ws, stream_sid, 3.0)
        await ws.send(mark_frame(stream_sid, "greeting"))
        await asyncio.sleep(0.3)  # let some of it play, as a caller would before barging in
        side.sent_at["clear"] = loop.time()
        await ws.send(clear_frame(stream_sid))
        await asyncio.wait_for(side.echo_of("greeting").wait(), 5)

    async with app_socket(script) as (url, side):
        line = SimulatedLine(url=url, call_sid="CA1", account_sid="AC1", custom_parameters={})
        await asyncio.wait_for(line.run(Listener()), 10)
    assert side.echoes["greeting"] - side.sent_at["clear"] < 0.2
    assert line.stats.clears == 1
    assert 0 < line.stats.bytes_played < ONE_SECOND  # the cleared rest never played


async def test_mark_with_nothing_queued_is_echoed_promptly_and_bad_frames_are_reported() -> None:
    async def script(ws: ServerConnection, side: AppSide, stream_sid: str) -> None:
        await ws.send("not json")
        await ws.send(b"\x00binary")
        await ws.send(mark_frame("MZ-someone-else", "wrong-stream"))
        await ws.send(mark_frame(stream_sid, "empty"))
        await asyncio.wait_for(side.echo_of("empty").wait(), 2)

    async with app_socket(script) as (url, side):
        line = SimulatedLine(url=url, call_sid="CA1", account_sid="AC1", custom_parameters={})
        await asyncio.wait_for(line.run(Listener()), 10)
    errors = line.stats.protocol_errors
    assert [e.split(":")[0] for e in errors] == ["31951", "31950", "31951"]
    assert "wrong-stream" not in side.echoes


async def test_caller_speech_is_sent_in_20_ms_frames_and_hang_up_sends_stop() -> None:
    async def caller(line: CallerLine) -> None:
        await line.say(b"\x01" * 400)  # 50 ms: three frames, the last padded with silence
        await line.press("5")
        await line.hang_up()

    async with app_socket(lambda ws, side, sid: ws.wait_closed()) as (url, side):
        line = SimulatedLine(url=url, call_sid="CA1", account_sid="AC1", custom_parameters={})
        end = await asyncio.wait_for(line.run(caller), 10)
        await asyncio.wait_for(side.done.wait(), 5)
    assert end == "caller_hung_up"
    media = [m for m in side.messages if m["event"] == "media"]
    spoken = b"".join(base64.b64decode(m["media"]["payload"]) for m in media)
    assert all(len(base64.b64decode(m["media"]["payload"])) == 160 for m in media)
    assert spoken.startswith(b"\x01" * 400 + b"\xff" * 80)
    dtmf = [m for m in side.messages if m["event"] == "dtmf"]
    assert [d["dtmf"] for d in dtmf] == [{"track": "inbound_track", "digit": "5"}]
    assert side.messages[-1]["event"] == "stop"


async def test_between_words_the_line_sends_its_hiss_and_a_stalled_clock_loses_no_frames() -> None:
    hiss = bytes(range(0x10, 0x10 + 200))  # recognisable, and not a whole number of frames

    async def caller(line: CallerLine) -> None:
        line.hiss(hiss)
        await line.say(b"\x01" * 160)
        loop = asyncio.get_running_loop()
        stalled_at = loop.time()
        while loop.time() - stalled_at < 0.5:  # the event loop stalls for half a second
            pass
        await asyncio.sleep(0.2)
        await line.hang_up()

    async with app_socket(lambda ws, side, sid: ws.wait_closed()) as (url, side):
        line = SimulatedLine(url=url, call_sid="CA1", account_sid="AC1", custom_parameters={})
        started = asyncio.get_running_loop().time()
        await asyncio.wait_for(line.run(caller), 10)
        elapsed = asyncio.get_running_loop().time() - started
        await asyncio.wait_for(side.done.wait(), 5)
    media = [m for m in side.messages if m["event"] == "media"]
    sent = b"".join(base64.b64decode(m["media"]["payload"]) for m in media)
    assert sent.startswith(b"\x01" * 160)
    assert sent[160:560] == hiss + hiss  # looped, not silence
    assert b"\xff" * 160 not in sent
    # The stream's clock keeps up with the wall clock: the stalled half second was sent late,
    # in a burst, not skipped (the bridge stamps turns by the frames counted).
    assert len(media) * 0.02 > elapsed - 0.3
    assert [int(m["media"]["timestamp"]) for m in media] == [20 * n for n in range(len(media))]
