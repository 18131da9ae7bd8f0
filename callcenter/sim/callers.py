"""Simple simulated callers: silence, a WAV file, an answering machine, an unanswered line."""

import asyncio
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from callcenter.sim.caller import CallerLine

SAMPLE_RATE = 8000
_BIAS = 0x21
_CLIP = 8159


def mulaw_encode(pcm16: np.ndarray) -> bytes:
    """G.711 μ-law of signed 16-bit samples (bit-exact with the classic 14-bit encoder)."""
    value = pcm16.astype(np.int32) >> 2
    mask = np.where(value < 0, 0x7F, 0xFF)
    magnitude = np.minimum(np.abs(value), _CLIP) + _BIAS
    segment = np.maximum(np.floor(np.log2(magnitude)).astype(np.int32) - 5, 0)
    in_range = np.minimum(segment, 7)
    encoded = (in_range << 4) | ((magnitude >> (in_range + 1)) & 0x0F)
    encoded = np.where(segment > 7, 0x7F, encoded)  # beyond the last segment: full scale
    return (encoded ^ mask).astype(np.uint8).tobytes()


def read_wav_as_mulaw(path: Path) -> bytes:
    """A PCM WAV file (any rate, mono or stereo, 8/16-bit) as μ-law 8 kHz mono."""
    with wave.open(str(path), "rb") as wav:
        channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
        frames = wav.readframes(wav.getnframes())
    if width == 2:
        data = np.frombuffer(frames, dtype="<i2").astype(np.float64)
    elif width == 1:
        data = (np.frombuffer(frames, dtype=np.uint8).astype(np.float64) - 128) * 256
    else:
        raise ValueError(f"{path}: only 8- and 16-bit PCM WAV files are supported")
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1)
    if rate != SAMPLE_RATE and len(data):
        duration = len(data) / rate
        target = np.arange(int(duration * SAMPLE_RATE)) / SAMPLE_RATE
        data = np.interp(target, np.arange(len(data)) / rate, data)
    return mulaw_encode(np.clip(data, -32768, 32767).astype(np.int16))


async def _listen(line: CallerLine, seconds: float) -> None:
    """Stay on the line for `seconds` (hearing the agent), or until the call ends."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not line.ended:
        remaining = deadline - loop.time()
        if remaining <= 0:
            return
        if await line.hear(timeout=remaining) is None:
            return


@dataclass
class SilenceCaller:
    """Says nothing for `seconds`, then hangs up (or stays until the agent ends the call)."""

    seconds: float = 5.0
    answered_by: str = "human"

    async def __call__(self, line: CallerLine) -> None:
        await _listen(line, self.seconds)
        await line.hang_up()


@dataclass
class WavCaller:
    """Waits `delay` seconds, says a WAV file, listens for `listen` seconds, hangs up."""

    path: Path
    delay: float = 0.5
    listen: float = 3.0
    answered_by: str = "human"

    async def __call__(self, line: CallerLine) -> None:
        audio = read_wav_as_mulaw(self.path)
        await _listen(line, self.delay)
        await line.say(audio)
        await _listen(line, self.listen)
        await line.hang_up()


@dataclass
class MachineCaller(SilenceCaller):
    """An answering machine: Twilio's async AMD reports it after `amd_seconds`."""

    answered_by: str = "machine_end_beep"
    amd_seconds: float = 0.3


@dataclass
class UnansweredCaller:
    """A line that never connects: `outcome` is busy, no-answer or failed."""

    outcome: str = "no-answer"

    async def __call__(self, line: CallerLine) -> None:
        await line.hang_up()


def silence_caller(seconds: float = 5.0) -> SilenceCaller:
    return SilenceCaller(seconds=seconds)


def wav_caller(path: str | Path, *, delay: float = 0.5, listen: float = 3.0) -> WavCaller:
    return WavCaller(path=Path(path), delay=delay, listen=listen)


def machine_caller(seconds: float = 5.0, *, amd_seconds: float = 0.3) -> MachineCaller:
    return MachineCaller(seconds=seconds, amd_seconds=amd_seconds)


def unanswered_caller(outcome: str = "no-answer") -> UnansweredCaller:
    return UnansweredCaller(outcome=outcome)
