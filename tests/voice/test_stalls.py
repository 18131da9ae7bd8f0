"""A stalled database and a stalled live subscriber never delay a frame of the call's audio.

One call through the real `/media-stream` endpoint and the fake Realtime service: the caller
and the agent take turns (so transcript turns are written and live events published) while
every frame, both ways, carries its send time. For two seconds mid-call another connection
holds the database's write lock and a live subscriber stops reading; the frames sent during
those two seconds must arrive as fast as the ones before (median and 90th percentile, with
margins for the noise of one process sharing a busy machine; a path that waited would be
seconds late).
"""

import asyncio
import base64
import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from callcenter.api import build_core, create_api
from callcenter.config import Settings, get_settings
from callcenter.live.events import CallEvent
from tests.fakes.realtime_server import FakeRealtime, Reply, Script
from tests.support.app_server import serve_in_thread
from tests.support.served_core import inbound_params
from tests.support.servers import free_port
from tests.telephony.helpers import frame, media_frame, start_frame

ONE, ZERO = 0xFF, 0x7F  # both are silence to the fake's voice detector
STAMP_BYTES = 64
STALL_S = 2.0
SID = "CA" + "3" * 32
STREAM = "MZ" + "4" * 32


def stamped(kind: int, size: int = 160) -> bytes:
    """`size` bytes of μ-law whose first 64 carry the clock now (ns), then `kind` bytes."""
    now = time.perf_counter_ns()
    bits = bytes(ONE if now >> i & 1 else ZERO for i in range(STAMP_BYTES))
    return bits + bytes([kind]) * (size - STAMP_BYTES)


def sent_at(audio: bytes) -> int:
    return sum(1 << i for i in range(STAMP_BYTES) if audio[i] == ONE)


@dataclass
class Timings:
    """(send time, latency) of each frame, both in seconds."""

    frames: list[tuple[float, float]] = field(default_factory=list)

    def add(self, audio: bytes, arrived: float) -> None:
        sent = sent_at(audio) / 1e9
        self.frames.append((sent, arrived - sent))

    def between(self, lo: float, hi: float) -> list[float]:
        return sorted(lat for sent, lat in self.frames if lo <= sent < hi)


def quantile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(len(values) * q))]


@dataclass
class Caller:
    """The Twilio side: a frame every 20 ms, a short answer whenever the agent goes quiet."""

    ws: ClientConnection
    agent: Timings = field(default_factory=Timings)
    last_agent_audio: float = 0.0
    speaking_until: float = 0.0
    next_turn_after: float = 0.0
    reply_started: asyncio.Event = field(default_factory=asyncio.Event)

    async def send_frames(self, seconds: float) -> None:
        begin = time.perf_counter()
        for n in range(int(seconds / 0.02)):
            await asyncio.sleep(max(0.0, begin + n * 0.02 - time.perf_counter()))
            now = time.perf_counter()
            quiet = now - self.last_agent_audio > 0.4
            if quiet and now > self.next_turn_after and now > self.speaking_until:
                self.speaking_until = now + 0.24
                self.next_turn_after = now + 1.5
            kind = 0x55 if now < self.speaking_until else ONE
            await self.ws.send(media_frame(STREAM, n + 1, _b64(stamped(kind))))

    async def receive(self) -> None:
        async for raw in self.ws:
            message = json.loads(raw)
            if message["event"] == "media":
                now = time.perf_counter()
                self.agent.add(base64.b64decode(message["media"]["payload"]), now)
                if now - self.last_agent_audio > 0.3:
                    self.reply_started.set()  # the caller's turn is being written now
                self.last_agent_audio = now
            elif message["event"] == "mark":
                await self.ws.send(raw)  # played at once


def _b64(audio: bytes) -> str:
    return base64.b64encode(audio).decode()


@pytest.fixture
def fake_realtime() -> Iterator[Callable[[Script], FakeRealtime]]:
    started: list[FakeRealtime] = []

    def _start(script: Script) -> FakeRealtime:
        fake = FakeRealtime(script)
        fake.start()
        started.append(fake)
        return fake

    yield _start
    for fake in started:
        fake.stop()


@dataclass
class SlowBrowser:
    """A live subscriber that stops reading while `stalled` is set."""

    received: list[tuple[float, CallEvent]] = field(default_factory=list)
    reading: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, event: CallEvent) -> None:
        await self.reading.wait()
        self.received.append((time.perf_counter(), event))


async def test_a_stalled_database_and_live_subscriber_leave_frame_latency_unchanged(
    env: dict[str, str],
    migrated: Settings,
    fake_realtime: Callable[[Script], FakeRealtime],
) -> None:
    fake = fake_realtime(
        Script(
            replies=[Reply("Sure, I can help you with that today.", audio_ms=1200)] * 30,
            caller_says=["I need a quote."] * 30,
            chunk_ms=20,
            pace=1.0,
            audio_factory=lambda response, chunk, size: stamped(0x55, size),
        )
    )
    caller_frames = Timings()
    fake.on_append = lambda audio, at: caller_frames.add(audio, time.perf_counter())
    port = free_port()
    env["OPENAI_API_KEY"] = "sk-test-fake-realtime"
    env["OPENAI_BASE_URL"] = fake.base_url
    env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
    settings = get_settings()
    core = build_core(settings)
    browser = SlowBrowser()
    browser.reading.set()
    published: list[tuple[float, CallEvent]] = []

    async def watch(event: CallEvent) -> None:
        published.append((time.perf_counter(), event))

    core.hub.add_sink("slow-browser", browser)
    core.hub.add_sink("watch", watch)
    db_path = settings.database_url.removeprefix("sqlite:///")

    with serve_in_thread(create_api(settings, core), port=port) as server:
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            twiml = (await http.post("/api/inbound-call", data=inbound_params(SID))).text
        call_id = int(twiml.split('name="call_id" value="')[1].split('"')[0])
        async with connect(server.ws_url + "/media-stream") as ws:
            await ws.send(frame({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
            await ws.send(start_frame(SID, STREAM, call_id))
            caller = Caller(ws)
            receiver = asyncio.create_task(caller.receive())
            sender = asyncio.create_task(caller.send_frames(11.0))
            await asyncio.sleep(4.0)  # the call settles into turns: the baseline
            caller.reply_started.clear()
            await caller.reply_started.wait()
            # Another connection holds the write lock (taken and released in a thread: taking
            # it may wait for a write in progress, and this loop is the caller's phone).
            lock = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
            await asyncio.to_thread(lock.execute, "BEGIN IMMEDIATE")
            stall_from = time.perf_counter()
            browser.reading.clear()
            await asyncio.sleep(STALL_S)
            stall_to = time.perf_counter()
            browser.reading.set()
            await asyncio.to_thread(lock.execute, "ROLLBACK")
            lock.close()
            await sender
            await ws.send(frame({"event": "stop", "streamSid": STREAM, "stop": {"callSid": SID}}))
            receiver.cancel()
            await asyncio.gather(receiver, return_exceptions=True)

    # The stall was real: no turn was committed while the lock was held, one was right after,
    # and the slow subscriber was handed events it could not read.
    turns = [at - stall_from for at, e in published if e.kind == "turn"]
    assert not [at for at in turns if 0.2 < at < STALL_S], turns
    assert [at for at in turns if STALL_S <= at < STALL_S + 1.5], turns
    assert [at for at, _ in published if stall_from < at < stall_to]
    assert [at for at, _ in browser.received if at >= stall_to]

    for timings in (caller_frames, caller.agent):
        before = timings.between(stall_from - 3.0, stall_from)
        during = timings.between(stall_from, stall_to)
        assert len(before) >= 40 and len(during) >= 25, (len(before), len(during))
        # A path that waited on either would hold most of these frames back by up to 2 s;
        # the margins only absorb the scheduling noise of a shared machine.
        summary = [(quantile(v, 0.5), quantile(v, 0.9), v[-1]) for v in (before, during)]
        assert quantile(during, 0.5) <= quantile(before, 0.5) + 0.005, summary
        assert quantile(during, 0.9) <= quantile(before, 0.9) + 0.05, summary
        assert max(during) < 0.25, summary
