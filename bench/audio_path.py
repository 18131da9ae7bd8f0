"""Benchmark of the audio path: N calls both ways at real-time pace, ours against the floor.

    python -m bench.audio_path --calls 25 50 100 200 --targets bare core --seconds 20

For each call count and target, in one run: the lean fake Realtime service (several
processes on one port), the server under test, and the load generator (several processes).
Targets: `bare` (bench/passthrough.py, forwarding only), `core` (`uvicorn --factory
callcenter.api:create_api`), `app` (the Reflex app serving the core, backend only, as in prod).
Every frame carries its send time, so each direction's added latency is measured on arrival:
p50/p95/p99/max over the steady state (every call connected), frames lost, reply start (the
first audio delta of a reply → the frame reaching the caller), the server's CPU (cores, µs per
forwarded frame, % of a core per call) and memory per call, and the generator's own lag.
With `--rounds N`, each round is judged against the targets and the last lines give, per call
count, the median and range of the CPU ratio and how many rounds met each target.
`--pin` gives the server the last CPU alone and the generators and fake service the others, so
the server under test does not share its core with the load (steadier CPU per frame).
"""

import argparse
import json
import math
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import callers, fake_realtime, stamp  # noqa: E402
from tests.fakes.realtime_script import API_KEY  # noqa: E402
from tests.support.servers import free_port, wait_for_port  # noqa: E402

EDGE_S = 2.0  # trimmed from both ends of the steady window
SERVER_CPU = max(os.sched_getaffinity(0))  # with --pin, the server's CPU


def pct(values: np.ndarray, scale: float = 1000.0) -> dict[str, float]:
    """p50/p95/p99/max in ms (values in µs)."""
    if len(values) == 0:
        return {"n": 0}
    q = np.percentile(values, [50, 95, 99]) / scale
    return {
        "p50": round(float(q[0]), 2),
        "p95": round(float(q[1]), 2),
        "p99": round(float(q[2]), 2),
        "max": round(float(values.max()) / scale, 2),
        "n": len(values),
    }


def server_command(
    target: str, port: int, fake_port: int, extra: list[str], switch: float
) -> list[str]:
    if target == "loopback":
        return [sys.executable, "-m", "bench.loopback", str(port), str(fake_port)]
    if target == "app":
        return [
            str(Path(sys.executable).parent / "reflex"),
            "run",
            "--env",
            "prod",
            "--backend-only",
            "--backend-port",
            str(port),
            "--loglevel",
            "warning",
        ]
    app = {"bare": "bench.passthrough:create_app", "core": "callcenter.api:create_api"}[target]
    return [
        sys.executable,
        "-c",
        f"import sys; sys.setswitchinterval({switch}); import uvicorn.main; uvicorn.main.main()",
        "--factory",
        app,
        "--port",
        str(port),
        "--log-level",
        "warning",
        *extra,
    ]


def server_env(port: int, fake_port: int, workdir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}",
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
    return env


class Sampler(threading.Thread):
    """CPU seconds and RSS of processes (with their children), every 0.25 s."""

    def __init__(self, pids: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.procs = {name: psutil.Process(pid) for name, pid in pids.items()}
        self.samples: list[tuple[float, dict[str, float], int]] = []
        self.stop = threading.Event()

    def read(self) -> tuple[dict[str, float], int]:
        cpu: dict[str, float] = {}
        rss = 0
        for name, proc in self.procs.items():
            total = 0.0
            try:
                for p in [proc, *proc.children(recursive=True)]:
                    t = p.cpu_times()
                    total += t.user + t.system
                    if name == "server":
                        rss += p.memory_info().rss
            except psutil.Error:
                pass
            cpu[name] = total
        return cpu, rss

    def run(self) -> None:
        while not self.stop.is_set():
            cpu, rss = self.read()
            self.samples.append((time.perf_counter(), cpu, rss))
            self.stop.wait(0.25)

    def window(self, lo: float, hi: float) -> tuple[dict[str, float], int, float]:
        inside = [s for s in self.samples if lo <= s[0] <= hi]
        if len(inside) < 2:
            return {}, 0, 0.0
        (t0, c0, _), (t1, c1, _) = inside[0], inside[-1]
        cores = {k: (c1[k] - c0[k]) / (t1 - t0) for k in c0}
        return cores, max(s[2] for s in inside), t1 - t0


def profile_server(
    args: argparse.Namespace, pid: int, start_at: float, target: str, calls: int
) -> subprocess.Popen[bytes] | None:
    """py-spy over the steady window (collapsed stacks, for `bench/profile_top.py`)."""
    if not args.profile:
        return None
    lo, hi = start_at + args.ramp + EDGE_S, start_at + args.seconds - EDGE_S
    time.sleep(max(0.0, lo - time.perf_counter()))
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "py-spy"),
            "record",
            "--pid",
            str(pid),
            "--subprocesses",
            "--nonblocking",
            "--duration",
            str(max(1, int(hi - lo))),
            "--rate",
            "200",
            "--format",
            "raw",
            "--output",
            f"{args.profile}-{target}-{calls}.txt",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def one_round(args: argparse.Namespace, target: str, calls: int) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    workdir = Path(tempfile.mkdtemp(prefix="bench-audio-"))
    fake_port, port = free_port(), free_port()
    stop, fake_out = ctx.Event(), ctx.Queue()
    audio_seconds = args.seconds - 1.5
    fakes = []
    for _ in range(args.fakes):
        ready = ctx.Event()
        p = ctx.Process(
            target=fake_realtime.run,
            args=(fake_port, audio_seconds, args.reply_frames, ready, stop, fake_out),
        )
        p.start()
        ready.wait(30)
        fakes.append(p)
    command = server_command(
        target, port, fake_port, args.server_args.split(), args.switch_interval
    )
    if args.pin:
        command = ["taskset", "-c", str(SERVER_CPU), *command]  # every thread it starts too
    server = subprocess.Popen(
        command,
        cwd=ROOT if target == "app" else workdir,
        env=server_env(port, fake_port, workdir),
        stdout=subprocess.DEVNULL,
        stderr=None if args.verbose else subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, timeout=180)
        time.sleep(1.0)
        n_callers = args.callers or max(2, math.ceil(calls / 100))
        start_at = time.perf_counter() + 2.0
        gen_out = ctx.Queue()
        gens = []
        first = 1
        for k in range(n_callers):
            share = calls // n_callers + (1 if k < calls % n_callers else 0)
            plan = callers.Plan(
                host="127.0.0.1",
                port=port,
                webhook=target in ("core", "app"),
                first_index=first,
                calls=share,
                total_calls=calls,
                start_at=start_at,
                ramp=args.ramp,
                seconds=args.seconds,
            )
            first += share
            gens.append(ctx.Process(target=callers.run, args=(plan, gen_out)))
        sampler = Sampler({"server": server.pid})
        _, rss_idle = sampler.read()
        for g in gens:
            g.start()
        sampler.procs.update({f"caller{i}": psutil.Process(g.pid) for i, g in enumerate(gens)})
        sampler.procs.update({f"fake{i}": psutil.Process(f.pid) for i, f in enumerate(fakes)})
        sampler.start()
        spy = profile_server(args, server.pid, start_at, target, calls)
        gen_results = [gen_out.get(timeout=args.seconds + args.ramp + 120) for _ in gens]
        for g in gens:
            g.join(timeout=30)
        sampler.stop.set()
        sampler.join()
        if spy is not None:
            spy.wait(timeout=60)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        stop.set()
    fake_results = [fake_out.get(timeout=60) for _ in fakes]
    for p in fakes:
        p.join(timeout=10)
    return report(args, target, calls, start_at, gen_results, fake_results, sampler, rss_idle)


def report(
    args: argparse.Namespace,
    target: str,
    calls: int,
    start_at: float,
    gens: list[dict[str, Any]],
    fakes: list[dict[str, Any]],
    sampler: Sampler,
    rss_idle: int,
) -> dict[str, Any]:
    lo, hi = start_at + args.ramp + EDGE_S, start_at + args.seconds - EDGE_S
    up_sent, up_lat = (
        np.frombuffer(a, dtype=np.int64) for a in stamp.load([f["up"] for f in fakes])
    )
    down_sent, down_lat = (
        np.frombuffer(a, dtype=np.int64) for a in stamp.load([g["down"] for g in gens])
    )
    _, reply_lat = (
        np.frombuffer(a, dtype=np.int64) for a in stamp.load([g["reply_start"] for g in gens])
    )
    lo_ns, hi_ns = int(lo * 1e9), int(hi * 1e9)
    up_win = (up_sent >= lo_ns) & (up_sent <= hi_ns)
    down_win = (down_sent >= lo_ns) & (down_sent <= hi_ns)
    cores, rss_peak, _ = sampler.window(lo, hi)
    (_, cpu_first, _), (_, cpu_last, _) = sampler.samples[0], sampler.samples[-1]
    server_cpu_s = cpu_last["server"] - cpu_first["server"]
    frames_per_s = (int(up_win.sum()) + int(down_win.sum())) / max(1e-9, hi - lo)
    server_cores = cores.get("server", float("nan"))
    send_lag = np.frombuffer(b"".join(g["send_lag_us"] for g in gens), dtype=np.int64)
    loop_lag = np.frombuffer(b"".join(g["loop_lag_us"] for g in gens), dtype=np.int64)
    fake_lag = np.frombuffer(b"".join(f["lag_us"] for f in fakes), dtype=np.int64)
    sent_up = sum(g["sent_up"] for g in gens)
    sent_down = sum(f["sent_down"] for f in fakes)
    errors = [e for g in gens for e in g["errors"]]
    return {
        "target": target,
        "calls": calls,
        "seconds": args.seconds,
        "steady_window_s": round(hi - lo, 1),
        "caller_to_ai_ms": pct(up_lat[up_win]),
        "ai_to_caller_ms": pct(down_lat[down_win]),
        "reply_start_ms": pct(reply_lat),
        "caller_to_ai_ms_whole_call": pct(up_lat),
        "frames_lost_caller_to_ai": sent_up - len(up_lat),
        "frames_lost_ai_to_caller": sent_down - len(down_lat),
        "frames_sent": [sent_up, sent_down],
        "server_cpu_cores": round(server_cores, 3),
        "server_cpu_us_per_frame": round(server_cores * 1e6 / max(frames_per_s, 1e-9), 1),
        "server_cpu_us_per_frame_whole_run": round(
            server_cpu_s * 1e6 / max(1, len(up_lat) + len(down_lat)), 1
        ),
        "server_cpu_pct_core_per_call": round(100 * server_cores / calls, 2),
        "server_rss_mb_idle": round(rss_idle / 2**20, 1),
        "server_rss_mb_per_call": round((rss_peak - rss_idle) / 2**20 / calls, 3),
        "generator_send_lag_ms": pct(send_lag),
        "generator_loop_lag_ms": pct(loop_lag),
        "fake_send_lag_ms": pct(fake_lag),
        "harness_cpu_cores": {k: round(v, 2) for k, v in cores.items() if k != "server"},
        "load_average_1m": round(os.getloadavg()[0], 2),
        "errors": errors[:5],
        "error_count": len(errors),
    }


def row(r: dict[str, Any]) -> str:
    up, down, rs = r["caller_to_ai_ms"], r["ai_to_caller_ms"], r["reply_start_ms"]
    return (
        f"| {r['target']} | {r['calls']} | {up.get('p50')} / {up.get('p95')} / {up.get('p99')} / "
        f"{up.get('max')} | {down.get('p50')} / {down.get('p95')} / {down.get('p99')} / "
        f"{down.get('max')} | {rs.get('p50')} / {rs.get('p99')} | "
        f"{r['frames_lost_caller_to_ai']} / {r['frames_lost_ai_to_caller']} | "
        f"{r['server_cpu_cores']} | {r['server_cpu_us_per_frame']} | "
        f"{r['server_rss_mb_per_call']} | {r['generator_send_lag_ms'].get('p99')} |"
    )


HEADER = (
    "| target | calls | caller→AI p50/p95/p99/max ms | AI→caller p50/p95/p99/max ms | "
    "reply start p50/p99 ms | lost up/down | server cores | CPU µs/frame | MB/call | "
    "generator lag p99 ms |\n|---|---|---|---|---|---|---|---|---|---|"
)


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def targets(bare: dict[str, Any], core: dict[str, Any]) -> dict[str, Any]:
    """One round's targets, core against bare: p99 each way ≤ bare + 2 ms, CPU per frame
    ≤ 1.3× bare, no frame lost, reply start p99 < 3 ms."""
    up = (core["caller_to_ai_ms"]["p99"], bare["caller_to_ai_ms"]["p99"])
    down = (core["ai_to_caller_ms"]["p99"], bare["ai_to_caller_ms"]["p99"])
    cpu = core["server_cpu_us_per_frame"] / bare["server_cpu_us_per_frame"]
    lost = core["frames_lost_caller_to_ai"] + core["frames_lost_ai_to_caller"]
    reply = core["reply_start_ms"]["p99"]
    return {
        "calls": core["calls"],
        "up": up,
        "down": down,
        "cpu": cpu,
        "lost": lost,
        "reply": (reply, bare["reply_start_ms"]["p99"]),
        "met": {
            "caller→AI p99": up[0] <= up[1] + 2,
            "AI→caller p99": down[0] <= down[1] + 2,
            "CPU per frame": cpu <= 1.3,
            "no frame lost": lost == 0,
            "reply start p99": reply < 3,
        },
    }


def verdict(t: dict[str, Any]) -> str:
    met = t["met"]
    return (
        f"| {t['calls']} | {t['up'][0]} vs {t['up'][1]} + 2: {_met(met['caller→AI p99'])} | "
        f"{t['down'][0]} vs {t['down'][1]} + 2: {_met(met['AI→caller p99'])} | "
        f"{t['cpu']:.2f}×: {_met(met['CPU per frame'])} | {t['lost']}: "
        f"{_met(met['no frame lost'])} | {t['reply'][0]} (bare {t['reply'][1]}): "
        f"{_met(met['reply start p99'])} |"
    )


def summary(rounds: list[dict[str, Any]]) -> str:
    """Over every round of one call count: how often each target was met, and the CPU ratio's
    median and range (one round moves with the machine; the median of several does less)."""
    ratios = sorted(t["cpu"] for t in rounds)
    met = ", ".join(
        f"{name} {sum(t['met'][name] for t in rounds)}/{len(rounds)}" for name in rounds[0]["met"]
    )
    return (
        f"{rounds[0]['calls']} calls, {len(rounds)} rounds: CPU per frame core/bare median "
        f"{float(np.median(ratios)):.2f}× ({ratios[0]:.2f}–{ratios[-1]:.2f}); met: {met}"
    )


VERDICT_HEADER = (
    "| calls | caller→AI p99 ms, core vs bare | AI→caller p99 ms | CPU per frame core/bare | "
    "frames lost | reply start p99 ms |\n|---|---|---|---|---|---|"
)


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # runs the `finally` that stops the servers


def main() -> None:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, nargs="+", default=[50])
    parser.add_argument("--targets", nargs="+", default=["bare", "core"])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each call")
    parser.add_argument("--ramp", type=float, default=4.0, help="seconds to start all calls")
    parser.add_argument("--rounds", type=int, default=1, help="repeat each target/count")
    parser.add_argument("--callers", type=int, default=0, help="generator processes (auto)")
    parser.add_argument("--fakes", type=int, default=2, help="fake Realtime processes")
    parser.add_argument("--reply-frames", type=int, default=100, help="20 ms frames per reply")
    parser.add_argument(
        "--switch-interval", type=float, default=0.005, help="the server's sys.setswitchinterval"
    )
    parser.add_argument("--server-args", default="", help="extra uvicorn arguments")
    parser.add_argument("--profile", help="py-spy the server: collapsed stacks to PREFIX-*.txt")
    parser.add_argument("--json", help="append each round's report to this file")
    parser.add_argument("--verbose", action="store_true", help="show the server's stderr")
    parser.add_argument(
        "--pin",
        action="store_true",
        help="the server on the last CPU alone, the generators and fake service on the others",
    )
    args = parser.parse_args()
    if args.pin:
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) < 2:
            parser.error("--pin needs two CPUs or more")
        # Children (fake service, generators) inherit this process's CPUs.
        os.sched_setaffinity(0, [cpu for cpu in cpus if cpu != SERVER_CPU])
    rows: list[str] = []
    judged: dict[int, list[dict[str, Any]]] = {}
    for calls in args.calls:
        for _ in range(args.rounds):
            results = {}
            for target in args.targets:
                result = results[target] = one_round(args, target, calls)
                print(json.dumps(result), flush=True)
                if args.json:
                    with open(args.json, "a") as f:
                        f.write(json.dumps(result) + "\n")
                rows.append(row(result))
            if "bare" in results and "core" in results:
                judged.setdefault(calls, []).append(targets(results["bare"], results["core"]))
    print(HEADER)
    print("\n".join(rows))
    if judged:
        print("\nEach round against the targets (core, bare measured in the same round):\n")
        print(VERDICT_HEADER)
        print("\n".join(verdict(t) for rounds in judged.values() for t in rounds))
        print()
        print("\n".join(summary(rounds) for rounds in judged.values()))


if __name__ == "__main__":
    main()
