"""The load generator: simulated Twilio media streams, one process of several.

Each call (optionally) posts the inbound-call webhook, opens `/media-stream`, sends
`connected` and `start`, then one 20 ms media frame every 20 ms on a timer of its own. Frames
are prepared before the clock starts; sending one joins its prepared text with a fresh stamp.
Agent audio is timed from its stamp on arrival, marks are echoed at once (as if played), and
nothing received is parsed as JSON. The process reports its own lateness: how late each frame
left against its schedule, and how late a 5 ms probe timer fired (event loop lag), so a
saturated generator shows in its numbers instead of in the latencies.
"""

import asyncio
import json
import re
import time
from array import array
from dataclasses import dataclass
from typing import Any

from bench import stamp, wsraw

FRAME_S = 0.02
DRAIN_S = 1.0
MEDIA = b'"media"'
MARK = b'"mark"'
PAYLOAD_KEY = b'"payload":'


@dataclass
class Plan:
    host: str
    port: int
    webhook: bool  # post /api/inbound-call first (our core), or stream straight away
    first_index: int
    calls: int
    total_calls: int
    start_at: float  # perf_counter of the first call's start (shared by every process)
    ramp: float
    seconds: float


class Results:
    def __init__(self) -> None:
        self.down = stamp.Timings()
        self.reply_start = stamp.Timings()
        self.send_lag_us = array("q")
        self.loop_lag_us = array("q")
        self.sent_up = 0
        self.marks = 0
        self.errors: list[str] = []


async def _post_inbound(plan: Plan, index: int) -> dict[str, str]:
    body = (
        f"AccountSid=AC{'0' * 32}&CallSid=CA{index:032x}&From=%2B1415555{index:04d}"
        f"&To=%2B14155550199&CallStatus=ringing&Direction=inbound"
    ).encode()
    reader, writer = await asyncio.open_connection(plan.host, plan.port)
    writer.write(
        f"POST /api/inbound-call HTTP/1.1\r\nHost: {plan.host}:{plan.port}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
        f"Connection: close\r\n\r\n".encode()
        + body
    )
    raw = await reader.read()
    writer.close()
    if b" 200 " not in raw.split(b"\r\n", 1)[0]:
        raise RuntimeError(f"inbound-call: {raw[:80]!r}")
    return dict(re.findall(r'<Parameter name="([^"]+)" value="([^"]*)"', raw.decode()))


class Call:
    def __init__(self, plan: Plan, index: int, results: Results) -> None:
        self.plan = plan
        self.index = index
        self.results = results
        self.stream_sid = f"MZ{index:032x}"
        frames = int(plan.seconds / FRAME_S)
        self.heads = [
            (
                f'{{"event":"media","sequenceNumber":"{n + 3}","streamSid":"{self.stream_sid}",'
                f'"media":{{"track":"inbound","chunk":"{n + 1}","timestamp":"{n * 20}",'
                f'"payload":"'
            ).encode()
            for n in range(frames)
        ]
        self.tail = stamp.TAIL_B64 + b'"}}'
        self.conn: wsraw.Connection | None = None
        self.n = 0
        self.begin = 0.0
        self.origin = 0.0
        self.done = asyncio.get_running_loop().create_future()

    def on_message(self, data: bytes) -> None:
        head = data[:20]
        if MEDIA in head:
            now = time.perf_counter_ns()
            at = data.find(b'"', data.find(PAYLOAD_KEY) + len(PAYLOAD_KEY)) + 1
            sent_ns, flag = stamp.read(data, at)
            self.results.down.add(sent_ns, now)
            if flag == stamp.FIRST_OF_REPLY:
                self.results.reply_start.add(sent_ns, now)
        elif MARK in head:
            self.results.marks += 1
            assert self.conn is not None
            self.conn.send(data)  # played at once: echo it

    async def run(self) -> None:
        plan = self.plan
        params = await _post_inbound(plan, self.index) if plan.webhook else {}
        conn = await wsraw.connect(plan.host, plan.port, "/media-stream")
        self.conn = conn
        conn.on_message = self.on_message
        conn.send(b'{"event":"connected","protocol":"Call","version":"1.0.0"}')
        start = {
            "event": "start",
            "sequenceNumber": "1",
            "streamSid": self.stream_sid,
            "start": {
                "streamSid": self.stream_sid,
                "accountSid": "AC" + "0" * 32,
                "callSid": f"CA{self.index:032x}",
                "tracks": ["inbound"],
                "customParameters": params,
                "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
            },
        }
        conn.send(json.dumps(start).encode())
        loop = asyncio.get_running_loop()
        self.begin = loop.time()
        self.origin = time.perf_counter() - self.begin  # loop clock → perf_counter
        loop.call_at(self.begin, self.tick)
        await self.done
        await asyncio.sleep(DRAIN_S)  # agent audio still on its way
        conn.send(f'{{"event":"stop","streamSid":"{self.stream_sid}","stop":{{}}}}'.encode())
        await asyncio.sleep(0.05)
        conn.close()

    def tick(self) -> None:
        conn = self.conn
        assert conn is not None
        loop = asyncio.get_running_loop()
        due = self.begin + self.n * FRAME_S
        self.results.send_lag_us.append(int((time.perf_counter() - self.origin - due) * 1e6))
        if conn.transport is None or conn.transport.is_closing():
            self.done.set_result(None)
            return
        conn.send(self.heads[self.n] + stamp.stamp() + self.tail)
        self.results.sent_up += 1
        self.n += 1
        if self.n < len(self.heads):
            loop.call_at(self.begin + self.n * FRAME_S, self.tick)
        else:
            self.done.set_result(None)


async def _probe(results: Results, stop: asyncio.Event) -> None:
    while not stop.is_set():
        due = time.perf_counter() + 0.005
        await asyncio.sleep(0.005)
        results.loop_lag_us.append(int((time.perf_counter() - due) * 1e6))


async def _one(plan: Plan, index: int, results: Results) -> None:
    delay = plan.start_at + plan.ramp * (index - 1) / plan.total_calls - time.perf_counter()
    await asyncio.sleep(max(0.0, delay))
    try:
        await Call(plan, index, results).run()
    except Exception as exc:
        results.errors.append(f"call {index}: {exc!r}")


async def _main(plan: Plan) -> dict[str, Any]:
    results = Results()
    stop = asyncio.Event()
    probe = asyncio.create_task(_probe(results, stop))
    first = plan.first_index
    await asyncio.gather(*(_one(plan, i, results) for i in range(first, first + plan.calls)))
    stop.set()
    await probe
    return {
        "down": results.down.dump(),
        "reply_start": results.reply_start.dump(),
        "send_lag_us": results.send_lag_us.tobytes(),
        "loop_lag_us": results.loop_lag_us.tobytes(),
        "sent_up": results.sent_up,
        "marks": results.marks,
        "errors": results.errors,
    }


def run(plan: Plan, out: Any) -> None:
    """Process entry point: run this process's share of the calls, put the results on `out`."""
    import uvloop

    out.put(uvloop.run(_main(plan)))
