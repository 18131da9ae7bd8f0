"""Renders caller speech with the Debian `flite` voices to 8 kHz μ-law (cached per process)."""

import functools
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from callcenter.voice.providers.local.audio import pcm_to_ulaw, resample

VOICES = ("kal", "rms", "awb", "slt")


class RenderError(RuntimeError):
    """flite is missing or failed."""


@functools.lru_cache(maxsize=1024)
def render(text: str, voice: str = "kal") -> bytes:
    """`text` spoken by the flite `voice`, as μ-law 8 kHz."""
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
