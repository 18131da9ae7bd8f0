"""Benchmark: N concurrent calls streaming both ways at real-time pace through the real endpoints.

    python -m bench.bridge --calls 100 --seconds 20

Starts the core with uvicorn in a subprocess (SQLite in a temp dir, simulator carrier, OpenAI
Realtime engine pointed at the fake service), the fake Realtime service in another subprocess,
and N Twilio-like clients here. Each client posts `/api/inbound-call`, opens `/media-stream`,
sends a 20 ms μ-law frame every 20 ms and echoes marks; the fake streams agent audio back at
real-time pace. Every frame carries an id (in silence-valued bytes, so the fake's VAD ignores
it), which gives the latency each frame gained between the two ends, in each direction.
Reports p50/p95/p99/max added latency, frames lost, the core's CPU and RSS per call.
"""

import argparse
import asyncio
import base64
import json
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.realtime_server import API_KEY, FakeRealtime, Reply, Script  # noqa: E402
from tests.support.servers import free_port, wait_for_port  # noqa: E402

FRAME = 160
WARMUP = 1.0
ONE, ZERO = 0xFF, 0x7F  # both are silence to the fake's VAD


def encode_id(value: int, size: int = FRAME) -> bytes:
    bits = bytes(ONE if value >> i & 1 else ZERO for i in range(40))
    return bits + b"\xff" * (size - len(bits))


def decode_id(audio: bytes) -> int:
    return sum(1 << i for i in range(40) if audio[i] == ONE)


# --- the fake Realtime service, in its own process --------------------------------------


def _fake_process(port_out: Any, stop: Any, results: Any, seconds: float) -> None:
    sent: dict[int, float] = {}

    def audio(response: int, chunk: int, size: int) -> bytes:
        key = (1 << 39) | (response << 20) | chunk
        sent[key] = time.perf_counter()
        return encode_id(key, size)

    script = Script(
        replies=[],
        default_reply=Reply("la " * 200, audio_ms=int((seconds + 30) * 1000)),
        chunk_ms=20,
        pace=1.0,
        audio_factory=audio,
    )
    fake = FakeRealtime(script)
    received: dict[int, float] = {}
    fake.on_append = lambda data, at: received.__setitem__(decode_id(data), at)
    fake.start()
    port_out.put(fake.port)
    stop.wait()
    fake.stop()
    results.put((sent, received))


# --- one simulated Twilio client ---------------------------------------------------------


class Client:
    def __init__(self, index: int, base: str, seconds: float, http: httpx.AsyncClient) -> None:
        self.http = http
        self.index = index
        self.base = base
        self.seconds = seconds
        self.sent: dict[int, float] = {}
        self.received: dict[int, float] = {}
        self.marks = 0
        self.error = ""
        self.first_audio_at: float | None = None

    async def run(self) -> None:
        call_sid = f"CA{self.index:032x}"
        form = {
            "AccountSid": "AC" + "0" * 32,
            "CallSid": call_sid,
            "From": f"+1415555{self.index:04d}",
            "To": "+14155550199",
            "CallStatus": "ringing",
            "Direction": "inbound",
        }
        twiml = (await self.http.post(self.base + "/api/inbound-call", data=form)).text
        params = dict(re.findall(r'<Parameter name="([^"]+)" value="([^"]*)"', twiml))
        stream_sid = f"MZ{self.index:032x}"
        ws_url = self.base.replace("http", "ws", 1) + "/media-stream"
        async with connect(ws_url, max_size=None, compression=None) as ws:
            await ws.send(
                json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"})
            )
            start = {
                "streamSid": stream_sid,
                "accountSid": form["AccountSid"],
                "callSid": call_sid,
                "tracks": ["inbound"],
                "customParameters": params,
                "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
            }
            await ws.send(json.dumps({"event": "start", "streamSid": stream_sid, "start": start}))
            receiver = asyncio.create_task(self._receive(ws, stream_sid))
            try:
                await self._send_frames(ws, stream_sid)
                await ws.send(json.dumps({"event": "stop", "streamSid": stream_sid, "stop": {}}))
            finally:
                receiver.cancel()
                await asyncio.gather(receiver, return_exceptions=True)

    async def _send_frames(self, ws: Any, stream_sid: str) -> None:
        loop = asyncio.get_running_loop()
        begin = loop.time()
        frames = int(self.seconds / 0.02)
        for seq in range(frames):
            await asyncio.sleep(max(0.0, begin + seq * 0.02 - loop.time()))
            key = (self.index << 20) | seq
            payload = base64.b64encode(encode_id(key)).decode()
            self.sent[key] = time.perf_counter()
            await ws.send(
                f'{{"event":"media","streamSid":"{stream_sid}","media":{{"track":"inbound",'
                f'"chunk":"{seq + 1}","timestamp":"{seq * 20}","payload":"{payload}"}}}}'
            )

    async def _receive(self, ws: Any, stream_sid: str) -> None:
        async for raw in ws:
            message = json.loads(raw)
            event = message.get("event")
            if event == "media":
                audio = base64.b64decode(message["media"]["payload"])
                now = time.perf_counter()
                self.received[decode_id(audio)] = now
                if self.first_audio_at is None:
                    self.first_audio_at = now
            elif event == "mark":
                self.marks += 1  # played at once: echo it
                await ws.send(raw)


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0, "p95": 0, "p99": 0, "max": 0}
    ordered = sorted(values)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50": q[49], "p95": q[94], "p99": q[98], "max": ordered[-1]}


async def run_clients(n: int, base: str, seconds: float, ramp: float) -> list[Client]:
    async with httpx.AsyncClient(timeout=30) as http:  # one client: building one costs ~0.1 s
        clients = [Client(i + 1, base, seconds, http) for i in range(n)]
        tasks = []
        for client in clients:
            tasks.append(asyncio.create_task(client.run()))
            await asyncio.sleep(ramp / max(1, n))
        results = await asyncio.gather(*tasks, return_exceptions=True)
    for client, result in zip(clients, results, strict=True):
        if isinstance(result, BaseException):
            client.error = repr(result)
    return clients


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each call")
    parser.add_argument("--ramp", type=float, default=5.0, help="seconds to start all calls")
    parser.add_argument("--profile", help="write a cProfile of the core's event loop here")
    args = parser.parse_args()

    ctx = multiprocessing.get_context("spawn")
    port_q, results_q, stop = ctx.Queue(), ctx.Queue(), ctx.Event()
    fake_proc = ctx.Process(target=_fake_process, args=(port_q, stop, results_q, args.seconds))
    fake_proc.start()
    fake_port = port_q.get(timeout=30)

    workdir = Path(tempfile.mkdtemp(prefix="bench-bridge-"))
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "CARRIER": "simulator",
        "OPENAI_API_KEY": API_KEY,
        "OPENAI_BASE_URL": f"http://127.0.0.1:{fake_port}/v1",
        "API_TOKEN": "bench-token-0123456789",
        "ADMIN_PASSWORD": "bench-password-1",
        "BACKGROUND_WORKERS": "false",
        "LOG_LEVEL": "WARNING",
        "CALLING_HOURS": "00:00-24:00",
    }
    for name in ("TWILIO_AUTH_TOKEN", "TWILIO_ACCOUNT_SID", "REDIS_URL"):
        env.pop(name, None)
    profile = ["-m", "cProfile", "-o", str(Path(args.profile).resolve())] if args.profile else []
    core = subprocess.Popen(
        [
            sys.executable,
            *profile,
            "-m",
            "uvicorn",
            "--factory",
            "callcenter.api:create_api",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, timeout=60)
        proc = psutil.Process(core.pid)
        harness = [psutil.Process(), psutil.Process(fake_proc.pid)]
        harness_cpu0 = [sum(p.cpu_times()[:2]) for p in harness]
        rss_idle = proc.memory_info().rss
        cpu0, wall0 = proc.cpu_times(), time.monotonic()
        clients_task = run_clients(args.calls, f"http://127.0.0.1:{port}", args.seconds, args.ramp)
        clients = asyncio.run(_with_rss_sampling(clients_task, proc))
        cpu1, wall1 = proc.cpu_times(), time.monotonic()
        harness_cores = [
            round((sum(p.cpu_times()[:2]) - c0) / (wall1 - wall0), 2)
            for p, c0 in zip(harness, harness_cpu0, strict=True)
        ]
        rss_peak = max(_RSS) if _RSS else proc.memory_info().rss
    finally:
        core.send_signal(2 if args.profile else 15)  # SIGINT lets cProfile write its file
        core.wait(timeout=30)
        stop.set()
    fake_sent, fake_received = results_q.get(timeout=60)
    fake_proc.join(timeout=30)

    # Steady state: frames sent once the call's voice session was up (its first agent audio
    # arrived, + WARMUP s); frames sent while the session was connecting wait for it.
    up_all: list[float] = []
    up: list[float] = []
    down: list[float] = []
    lost_up = sent_up = 0
    received_down: dict[int, float] = {}
    warm_from: dict[int, float] = {}
    for client in clients:
        received_down.update(client.received)
        ready = (client.first_audio_at or float("inf")) + WARMUP
        warm_from[client.index] = ready
        for key, at in client.sent.items():
            sent_up += 1
            got = fake_received.get(key)
            if got is None:
                lost_up += 1
                continue
            up_all.append((got - at) * 1000)
            if at >= ready:
                up.append((got - at) * 1000)
    delivered = 0
    for key, at in fake_sent.items():
        got = received_down.get(key)
        if got is None:
            continue
        delivered += 1
        if at >= min(warm_from.values(), default=0):
            down.append((got - at) * 1000)
    lost_down = sum(1 for k in fake_sent if k not in received_down)
    errors = [c.error for c in clients if c.error]
    cpu_s = (cpu1.user + cpu1.system) - (cpu0.user + cpu0.system)
    # Steady state: every call connected (after the ramp + warm-up) until the first ends.
    lo, hi = wall0 + args.ramp + 2 * WARMUP + 1, wall0 + args.ramp / args.calls + args.seconds
    window = [(t, c) for t, c in _SAMPLES if lo <= t <= hi]
    steady_cores = (
        (window[-1][1] - window[0][1]) / (window[-1][0] - window[0][0])
        if len(window) >= 2
        else float("nan")
    )
    report = {
        "calls": args.calls,
        "seconds_per_call": args.seconds,
        "caller_to_ai_ms": percentiles(up),
        "caller_to_ai_ms_incl_connect": percentiles(up_all),
        "ai_to_caller_ms": percentiles(down),
        "caller_frames_sent": sent_up,
        "caller_frames_lost": lost_up,
        "agent_frames_delivered": delivered,
        "agent_frames_not_delivered_incl_after_hangup": lost_down,
        "core_cpu_cores_whole_run": round(cpu_s / (wall1 - wall0), 3),
        "core_cpu_cores_steady": round(steady_cores, 3),
        "core_cpu_percent_of_core_per_call_steady": round(100 * steady_cores / args.calls, 3),
        "core_rss_idle_mb": round(rss_idle / 2**20, 1),
        "core_rss_peak_mb": round(rss_peak / 2**20, 1),
        "core_rss_per_call_mb": round((rss_peak - rss_idle) / 2**20 / args.calls, 3),
        "harness_cpu_cores_clients_fake": harness_cores,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "client_errors": errors[:5],
    }
    print(json.dumps(report, indent=2))


_RSS: list[int] = []
_SAMPLES: list[tuple[float, float]] = []  # (monotonic time, core CPU seconds)


async def _with_rss_sampling(coro: Any, proc: psutil.Process) -> list[Client]:
    async def sample() -> None:
        while True:
            _RSS.append(proc.memory_info().rss)
            cpu = proc.cpu_times()
            _SAMPLES.append((time.monotonic(), cpu.user + cpu.system))
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample())
    try:
        result: list[Client] = await coro
        return result
    finally:
        sampler.cancel()
        await asyncio.gather(sampler, return_exceptions=True)


if __name__ == "__main__":
    main()
