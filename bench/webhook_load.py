"""Benchmark: Twilio's inbound-call webhook at a fixed rate, on SQLite and PostgreSQL.

    python -m bench.webhook_load --databases sqlite postgres --rate 100 --seconds 30

Serves the core as users run it (`uvicorn --factory callcenter.api:create_api`, the Twilio
carrier, signature checks on) on a free port, with a lean fake OpenAI Realtime service for the
voice session each call opens ahead of its media stream (no stream follows here, so each is
closed after VOICE_PRECONNECT_SECONDS). The generator is open-loop: request i leaves at
t0 + i / rate whether or not earlier ones were answered, each a distinct CallSid, form-encoded
and signed exactly as Twilio signs (`X-Twilio-Signature` over the public URL and the params),
all prepared before the clock starts. With `--status`, every call also gets its final
`completed` status callback one second after its webhook (so twice the requests per second).
Reports per kind p50/p95/p99/max latency (send → response), errors, and the generator's own
lag (how late a request left against its schedule), one Markdown row per kind.
"""

import argparse
import asyncio
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psutil
import uvloop

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import fake_realtime  # noqa: E402
from bench.databases import add_database_arguments, on_each_database  # noqa: E402
from tests.fakes.realtime_script import API_KEY  # noqa: E402
from tests.support.servers import free_port, wait_for_port  # noqa: E402

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "bench-auth-token-0123456789abcdef"
OUR_NUMBER = "+14155550100"


@dataclass
class Request:
    kind: str
    at: float  # seconds after the start of the clock
    path: str
    body: bytes
    signature: str


@dataclass
class Result:
    latency_ms: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    lag_ms: list[float] = field(default_factory=list)


def prepared(base_url: str, rate: float, seconds: float, status: bool) -> list[Request]:
    """Every request of the run, signed, in the order they are sent."""
    from callcenter.telephony.signature import sign

    out = []
    for i in range(int(rate * seconds)):
        sid = f"CA{os.getpid():08x}{i:024x}"
        caller = f"+1{212 + i % 700:03d}{(i * 7919) % 10_000_000:07d}"
        common = {"AccountSid": ACCOUNT_SID, "CallSid": sid, "From": caller, "To": OUR_NUMBER}
        inbound = {
            **common,
            "ApiVersion": "2010-04-01",
            "CallStatus": "ringing",
            "Called": OUR_NUMBER,
            "Caller": caller,
            "Direction": "inbound",
        }
        at = i / rate
        out.append(
            Request(
                "inbound-call",
                at,
                "/api/inbound-call",
                urlencode(inbound).encode(),
                sign(AUTH_TOKEN, f"{base_url}/api/inbound-call", inbound),
            )
        )
        if status:
            done = {
                **common,
                "CallStatus": "completed",
                "CallDuration": "1",
                "Direction": "inbound",
            }
            out.append(
                Request(
                    "call-status",
                    at + 1.0,
                    "/api/call-status",
                    urlencode(done).encode(),
                    sign(AUTH_TOKEN, f"{base_url}/api/call-status", done),
                )
            )
    return sorted(out, key=lambda r: r.at)


def raw_request(port: int, request: Request) -> bytes:
    """The whole HTTP/1.1 request as bytes, one connection per request (as Twilio's)."""
    head = (
        f"POST {request.path} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"X-Twilio-Signature: {request.signature}\r\n"
        f"Content-Length: {len(request.body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + request.body


async def drive(port: int, requests: list[Request]) -> Result:
    """Send every request at its time on raw sockets (an HTTP client library's own pool
    bookkeeping, not the server, was the limit at a thousand requests in flight)."""
    result = Result()
    payloads = [raw_request(port, r) for r in requests]

    async def one(request: Request, payload: bytes) -> None:
        began = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(payload)
            status_line = await asyncio.wait_for(reader.readline(), 30)
            await reader.read()  # to the end: the server closes after its response
            writer.close()
            status = int(status_line.split()[1]) if status_line else 0
            ok, problem = status in (200, 204), f"HTTP {status}"
        except (OSError, TimeoutError, ValueError, IndexError) as exc:
            ok, problem = False, type(exc).__name__
        elapsed = (time.perf_counter() - began) * 1000
        if ok:
            result.latency_ms.setdefault(request.kind, []).append(elapsed)
        else:
            result.errors.setdefault(request.kind, []).append(problem)

    loop = asyncio.get_running_loop()
    start = loop.time() + 0.5
    tasks = []
    for request, payload in zip(requests, payloads, strict=True):
        due = start + request.at
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        result.lag_ms.append((loop.time() - due) * 1000)
        tasks.append(asyncio.create_task(one(request, payload)))
    await asyncio.gather(*tasks)
    return result


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and its children so far."""
    process = psutil.Process(pid)
    total = 0.0
    for p in [process, *process.children(recursive=True)]:
        times = p.cpu_times()
        total += times.user + times.system
    return total


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def server_env(port: int, fake_port: int, database_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "CARRIER": "twilio",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_PHONE_NUMBER": OUR_NUMBER,
        "VOICE_ENGINE": "openai",
        "OPENAI_API_KEY": API_KEY,
        "OPENAI_BASE_URL": f"http://127.0.0.1:{fake_port}/v1",
        "VOICE_PRECONNECT_SECONDS": "2",
        "API_TOKEN": "bench-token-0123456789",
        "ADMIN_PASSWORD": "bench-password-1",
        "BACKGROUND_WORKERS": "false",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    return env


def profile(args: argparse.Namespace, pid: int, name: str) -> subprocess.Popen[bytes] | None:
    """py-spy over the run (collapsed stacks, for `python -m bench.profile_top`)."""
    if not args.profile:
        return None
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "py-spy"),
            "record",
            "--pid",
            str(pid),
            "--nonblocking",
            "--duration",
            str(max(1, int(args.seconds))),
            "--rate",
            "200",
            "--format",
            "raw",
            "--output",
            f"{args.profile}-{name}.txt",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def run_one(name: str, database_url: str, args: argparse.Namespace) -> None:
    from callcenter.db.migrate import upgrade_to_head

    upgrade_to_head(database_url)
    ctx = multiprocessing.get_context("spawn")
    fake_port, port = free_port(), free_port()
    ready, stop, fake_out = ctx.Event(), ctx.Event(), ctx.Queue()
    fake = ctx.Process(target=fake_realtime.run, args=(fake_port, 0.0, 1, ready, stop, fake_out))
    fake.start()
    ready.wait(30)
    workdir = Path(tempfile.mkdtemp(prefix="webhook-bench-"))
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "callcenter.api:create_api",
            "--port",
            str(port),
            "--log-level",
            "warning",
            *args.server_args.split(),
        ],
        cwd=workdir,
        env=server_env(port, free_port() if args.no_voice else fake_port, database_url),
        stdout=subprocess.DEVNULL,
        stderr=None if args.verbose else subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, timeout=60)
        base_url = f"http://127.0.0.1:{port}"
        httpx.get(f"{base_url}/health/live", timeout=30)
        requests = prepared(base_url, args.rate, args.seconds, args.status)
        load = os.getloadavg()[0]
        profiler = profile(args, server.pid, name)
        cpu_before, began = cpu_seconds(server.pid), time.perf_counter()
        result = uvloop.run(drive(port, requests))
        cpu, wall = cpu_seconds(server.pid) - cpu_before, time.perf_counter() - began
        if profiler is not None:
            profiler.wait(60)
        load_after = os.getloadavg()[0]
        for kind in sorted({r.kind for r in requests}):
            ms = result.latency_ms.get(kind, [])
            errors = result.errors.get(kind, [])
            print(
                f"| {name} | {kind} | {args.rate:g}/s × {args.seconds:g} s | {len(ms):,} "
                f"| {statistics.median(ms) if ms else 0:.1f} / {percentile(ms, 0.95):.1f} / "
                f"{percentile(ms, 0.99):.1f} / {max(ms, default=0):.1f} ms "
                f"| {len(errors)}{' ' + errors[0] if errors else ''} "
                f"| {percentile(result.lag_ms, 0.99):.1f} / {max(result.lag_ms):.1f} ms "
                f"| {cpu / wall:.2f} cores, {1000 * cpu / len(requests):.1f} ms per request "
                f"| {load:.1f} → {load_after:.1f} |",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(30)
        stop.set()
        fake.join(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_arguments(parser)
    parser.add_argument("--rate", type=float, default=100.0, help="webhooks per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--status", action="store_true", help="also each call's status callback")
    parser.add_argument("--server-args", default="", help="extra uvicorn arguments")
    parser.add_argument(
        "--no-voice",
        action="store_true",
        help="point the voice sessions at a closed port (the webhook's own cost, no session)",
    )
    parser.add_argument("--profile", help="record the server with py-spy to PROFILE-<db>.txt")
    parser.add_argument("--verbose", action="store_true", help="show the server's stderr")
    args = parser.parse_args()
    print(
        "| database | request | rate | answered | p50 / p95 / p99 / max | errors "
        "| generator lag p99 / max | server CPU | load average |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    on_each_database(run_one, args, prefix="webhook-bench-db-")
    return 0


if __name__ == "__main__":
    sys.exit(main())
