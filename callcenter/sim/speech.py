"""Renders caller speech (Debian `flite` voices, espeak-ng variants) to 8 kHz μ-law, cached."""

import functools
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from callcenter.voice.providers.local.audio import pcm_to_ulaw, resample
from callcenter.voice.providers.local.tts import espeak

VOICES = ("kal", "rms", "awb", "slt")
ESPEAK = "espeak:"  # "espeak:en-us+f3": an espeak-ng voice and variant


class RenderError(RuntimeError):
    """flite is missing or failed."""


@functools.lru_cache(maxsize=1024)
def render(text: str, voice: str = "kal") -> bytes:
    """`text` spoken by the flite `voice` (or an "espeak:" voice), as μ-law 8 kHz."""
    if voice.startswith(ESPEAK):
        engine = espeak()
        pcm = engine.synthesize(text, voice=voice.removeprefix(ESPEAK), rate_wpm=150)
        return pcm_to_ulaw(resample(pcm, engine.sample_rate, 8000))
    with tempfile.TemporaryDirectory(prefix="callcenter-flite-") as tmp:
        out = Path(tmp) / "speech.wav"
        try:
            subprocess.run(
                ["flite", "-voice", voice, "-t", text, "-o", str(out)],
                check=True,
                capture_output=True,
                timeout=30,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise RenderError(f"flite could not render speech: {exc}") from exc
        with wave.open(str(out), "rb") as wav:
            rate = wav.getframerate()
            pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    return pcm_to_ulaw(resample(pcm, rate, 8000))
