"""Benchmark of the bridge's own hot path: N calls in one event loop, no sockets.

    python -m bench.bridge_hot_path --calls 100 --seconds 10 [--record off|on|both]

Each call runs a real `CallBridge` between an in-memory media stream and an in-memory voice
session. Both sides produce a 20 ms frame every 20 ms (caller audio in, agent audio out, marks
echoed at once), so this isolates what our code costs per frame — the bridge's dispatch, the
playback ledger, mark bookkeeping — from websocket libraries and the OS. Reports the time from a
frame being handed to the bridge to the bridge handing it on (each direction), and CPU per call.
`--record both` (the default) measures the same load with call recording off, then on.
"""

import argparse
import asyncio
import base64
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from callcenter.voice.quiet import IgnoresControls  # noqa: E402

FRAME = base64.b64encode(b"\xff" * 160).decode()
WARMUP = 1.0


class Stream:
    """The phone line: yields caller frames and echoes every mark at once."""

    def __init__(self, call_id: int) -> None:
        from callcenter.voice.line import CallerAudio

        self.call_id = call_id
        self.call_sid = f"CA{call_id:032x}"
        self.stream_sid = f"MZ{call_id:032x}"
        self.direction = "inbound"
        self.custom_parameters: dict[str, str] = {}
        self.queue: asyncio.Queue[object] = asyncio.Queue()
        self._caller_audio = CallerAudio
        self.sent_at: list[int] = []  # agent frames handed to Twilio (ns)
        self.out_lat: list[int] = []
        self.pending_agent: list[int] = []

    def frame(self, n: int) -> object:
        """The n-th caller frame, stamped with its media time as Twilio does."""
        return self._caller_audio(FRAME, n * 20)

    async def incoming(self) -> AsyncIterator[object]:
        while True:
            message = await self.queue.get()
            if message is None:
                return
            yield message

    async def send_media(self, payload: str) -> None:
        start = self.pending_agent.pop(0) if self.pending_agent else None
        if start is not None:
            self.out_lat.append(time.perf_counter_ns() - start)

    async def send_mark(self, name: str) -> None:
        from callcenter.voice.line import MarkPlayed

        self.queue.put_nowait(MarkPlayed(name))

    async def send_clear(self) -> None:
        return None


class Voice(IgnoresControls):
    """The engine side: agent audio deltas in, caller frames counted."""

    def __init__(self) -> None:
        from callcenter.voice.session import SessionReady

        self.events_q: asyncio.Queue[object] = asyncio.Queue()
        self.events_q.put_nowait(SessionReady())
        self.in_lat: list[int] = []
        self.pending_caller: list[int] = []

    async def start(self, config: object) -> None:
        return None

    async def events(self) -> AsyncIterator[object]:
        while True:
            event = await self.events_q.get()
            yield event

    async def send_audio(self, payload: str) -> None:
        start = self.pending_caller.pop(0) if self.pending_caller else None
        if start is not None:
            self.in_lat.append(time.perf_counter_ns() - start)


async def drive(stream: Stream, voice: Voice, seconds: float, offset: float) -> None:
    from callcenter.voice.session import AgentAudio, ResponseStarted

    voice.events_q.put_nowait(ResponseStarted(response_id="resp_1"))
    loop = asyncio.get_running_loop()
    begin = loop.time() + offset  # calls are not in step with each other
    for n in range(int(seconds / 0.02)):
        await asyncio.sleep(max(0.0, begin + n * 0.02 - loop.time()))
        voice.pending_caller.append(time.perf_counter_ns())
        stream.queue.put_nowait(stream.frame(n))
        stream.pending_agent.append(time.perf_counter_ns())
        voice.events_q.put_nowait(
            AgentAudio(item_id="item_1", content_index=0, payload=FRAME, response_id="resp_1")
        )
    stream.queue.put_nowait(None)


def pct(values: list[int]) -> dict[str, float]:
    ms = sorted(v / 1e6 for v in values)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {
        "p50": round(q[49], 3),
        "p95": round(q[94], 3),
        "p99": round(q[98], 3),
        "max": round(ms[-1], 3),
    }


async def main_async(calls: int, seconds: float) -> dict[str, object]:
    from callcenter.api import build_core
    from callcenter.config import get_settings
    from callcenter.db.migrate import upgrade_to_head
    from callcenter.live.hub import LiveHub
    from callcenter.voice.bridge import CallBridge
    from callcenter.voice.tools import default_tools

    settings = get_settings()
    upgrade_to_head(settings.database_url)
    pairs = [(Stream(i + 1), Voice()) for i in range(calls)]
    hub = LiveHub()
    core = build_core(settings, hub=hub)
    bridges = [
        CallBridge(
            s,  # type: ignore[arg-type]
            v,  # type: ignore[arg-type]
            settings=settings,
            carrier=core.carrier,
            life=core.life,
            hub=hub,
            tools=default_tools(),
        )
        for s, v in pairs
    ]
    cpu0, wall0 = time.process_time(), time.monotonic()
    runs = [asyncio.create_task(b.run()) for b in bridges]
    await asyncio.gather(
        *(drive(s, v, seconds, 0.02 * i / calls) for i, (s, v) in enumerate(pairs))
    )
    await asyncio.gather(*runs, return_exceptions=True)
    cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
    skip = int(WARMUP / 0.02)  # frames sent while the bridges were still starting
    in_lat = [x for _, v in pairs for x in v.in_lat[skip:]]
    out_lat = [x for s, _ in pairs for x in s.out_lat[skip:]]
    start_lat = [x for _, v in pairs for x in v.in_lat[:skip]]
    return {
        "calls": calls,
        "seconds": seconds,
        "caller_to_engine_ms": pct(in_lat),
        "engine_to_caller_ms": pct(out_lat),
        "caller_to_engine_ms_first_second": pct(start_lat),
        "frames_each_way": len(in_lat) + len(start_lat),
        "cpu_cores": round(cpu / wall, 3),
        "cpu_percent_of_core_per_call": round(100 * cpu / wall / calls, 3),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--record", choices=["off", "on", "both"], default="both")
    args = parser.parse_args()
    from callcenter.config import get_settings

    workdir = tempfile.mkdtemp(prefix="bench-hot-path-")
    os.environ.update(
        DATABASE_URL=f"sqlite:///{workdir}/bench.db",
        BACKGROUND_WORKERS="false",
        LOG_LEVEL="WARNING",
        RECORDINGS_DIR=f"{workdir}/recordings",
    )
    report: dict[str, object] = {}
    for record in ("off", "on") if args.record == "both" else (args.record,):
        os.environ["RECORD_CALLS"] = "true" if record == "on" else "false"
        get_settings.cache_clear()
        report[f"recording_{record}"] = asyncio.run(main_async(args.calls, args.seconds))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
