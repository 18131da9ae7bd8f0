"""Local voice engine latency under load: caller stops speaking → first agent audio.

Runs N concurrent `LocalVoiceSession`s in one process, each fed flite-rendered caller turns in
real time (20 ms frames, paced by the clock, like Twilio) once the agent's question has played
out, asks for the reply when the engine says the caller stopped (the bridge's part), and
measures for every turn the time from the caller's last speech frame to the agent's first audio
chunk. A turn with no reply within 3 s counts as unanswered.

    .venv/bin/python bench/local_engine.py --calls 1 4 8 12 16   # --stagger 1.5: calls not in step
"""

import argparse
import asyncio
import base64
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from callcenter.config import Settings  # noqa: E402
from callcenter.sim.personas import PERSONAS  # noqa: E402
from callcenter.sim.speech import render  # noqa: E402
from callcenter.voice.providers.local import LocalVoiceSession  # noqa: E402
from callcenter.voice.providers.local.audio import ulaw_to_pcm  # noqa: E402
from callcenter.voice.providers.local.recognizers import pool_for  # noqa: E402
from callcenter.voice.session import (  # noqa: E402
    AgentAudio,
    CallerSpeechStopped,
    ResponseDone,
    ResponseStarted,
    SessionConfig,
)
from callcenter.voice.tools import default_tools

SILENCE = b"\xff" * 160
TURNS = ("name", "business", "need", "email", "confirm")
TARGET_P95_MS = 600.0


class Driver:
    """Plays the bridge's part for one session: asks for the reply when the caller's turn ends
    (the engine, like the Realtime service, never answers by itself), and notes when each
    reply's first audio came and when its audio has played out."""

    def __init__(self, session: LocalVoiceSession) -> None:
        self.session = session
        self.first_audio: asyncio.Queue[float] = asyncio.Queue()
        self.turn_ended: asyncio.Queue[float] = asyncio.Queue()
        self.played_out = asyncio.Event()
        self._audio_s = 0.0
        self._response_began = 0.0
        self._new_response = False

    async def watch(self) -> None:
        async for event in self.session.events():
            now = time.perf_counter()
            if isinstance(event, ResponseStarted):
                self.played_out.clear()
                self._new_response, self._audio_s = True, 0.0
            elif isinstance(event, AgentAudio):
                if self._new_response:
                    self._new_response, self._response_began = False, now
                    self.first_audio.put_nowait(now)
                self._audio_s += len(base64.b64decode(event.payload)) / 8000
            elif isinstance(event, ResponseDone):
                playing = self._response_began + self._audio_s - now
                asyncio.get_running_loop().call_later(max(0.0, playing), self.played_out.set)
            elif isinstance(event, CallerSpeechStopped):
                self.turn_ended.put_nowait(now)
                await self.session.request_response()  # as the bridge does


async def one_call(
    index: int, latencies: list[float], vad_ms: list[float], stagger: float = 0.0
) -> None:
    await asyncio.sleep(index * stagger)
    persona = list(PERSONAS.values())[index % len(PERSONAS)]
    session = LocalVoiceSession(Settings(), audio_lead=0.5)
    driver = Driver(session)
    watcher = asyncio.create_task(driver.watch())
    await session.start(
        SessionConfig(instructions="", tools=default_tools().specs(), caller_number=persona.phone)
    )
    await session.request_response()
    loop = asyncio.get_running_loop()
    try:
        for turn in TURNS:
            await driver.played_out.wait()  # a caller answers once the question is over
            await asyncio.sleep(0.3)
            speech = render(persona.answer(turn), persona.voice)
            frames = [speech[i : i + 160] for i in range(0, len(speech), 160)]
            last_loud = _last_loud_frame(speech)
            _drain(driver.first_audio), _drain(driver.turn_ended)
            spoke_until = 0.0
            clock = loop.time()
            for n, frame in enumerate([*frames, *[SILENCE] * 150]):  # then 3 s of line noise
                clock += 0.02
                await asyncio.sleep(max(0.0, clock - loop.time()))
                await session.send_audio(base64.b64encode(frame).decode())
                if n == last_loud:
                    spoke_until = time.perf_counter()
                if n > len(frames) and not driver.first_audio.empty():
                    break
            answered = [t for t in _drain(driver.first_audio) if t >= spoke_until]
            if answered:
                latencies.append((answered[0] - spoke_until) * 1000)
            ends = [t for t in _drain(driver.turn_ended) if t >= spoke_until]
            if ends:
                vad_ms.append((ends[0] - spoke_until) * 1000)
    finally:
        await session.close()
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)


def _last_loud_frame(ulaw: bytes) -> int:
    """Index of the last 20 ms frame with speech energy (flite pads its files with silence)."""
    pcm = ulaw_to_pcm(ulaw).astype(np.float64)
    frames = pcm[: len(pcm) // 160 * 160].reshape(-1, 160)
    loud = np.flatnonzero(np.sqrt((frames**2).mean(axis=1)) > 300)
    return int(loud[-1]) if loud.size else len(frames) - 1


def _drain(queue: "asyncio.Queue[float]") -> list[float]:
    out = []
    while not queue.empty():
        out.append(queue.get_nowait())
    return out


async def level(calls: int, stagger: float) -> tuple[float, float, int, int]:
    latencies: list[float] = []
    vad_ms: list[float] = []
    await asyncio.gather(*(one_call(i, latencies, vad_ms, stagger) for i in range(calls)))
    if vad_ms:
        print(f"  end-of-turn detection alone: p50={statistics.median(vad_ms):.0f} ms")
    expected = calls * len(TURNS)
    if not latencies:
        return float("inf"), float("inf"), 0, expected
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95, len(latencies), expected


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, nargs="+", default=[1, 4, 8, 12, 16])
    parser.add_argument(
        "--stagger",
        type=float,
        default=0.0,
        help="seconds between call starts (0: every call starts at once, turns in step)",
    )
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    for persona in PERSONAS.values():  # render outside the measurement
        for turn in TURNS:
            render(persona.answer(turn), persona.voice)
    pool = pool_for(Settings().local_asr)  # LOCAL_ASR: grammar (the default) or neural
    warm = [pool.acquire() for _ in range(max(args.calls))]
    for recognizer in warm:
        pool.release(recognizer)
    if Settings().local_asr == "neural":  # start the decoder processes before the calls
        from callcenter.voice.providers.local.neural_worker import DECODERS

        for ready in DECODERS.warm_up():
            ready.result()
    print(f"LOCAL_ASR={Settings().local_asr}")
    print(f"cpus={os.cpu_count()}  turn latency = caller's last speech frame → first agent audio")
    best = 0
    for calls in args.calls:
        p50, p95, answered, expected = asyncio.run(level(calls, args.stagger))
        ok = p95 < TARGET_P95_MS and answered == expected
        best = calls if ok else best
        print(
            f"calls={calls:3d}  p50={p50:6.0f} ms  p95={p95:6.0f} ms  "
            f"answered {answered}/{expected}  {'ok' if ok else 'over target'}"
        )
    print(f"max concurrent calls with p95 < {TARGET_P95_MS:.0f} ms: {best}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
