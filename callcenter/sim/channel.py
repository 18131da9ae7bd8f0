"""A telephone line for synthetic callers: 300-3400 Hz band-pass and noise at a set SNR."""

import zlib
from dataclasses import dataclass

import numpy as np

from callcenter.voice.providers.local.audio import pcm_to_ulaw, ulaw_to_pcm

LOW_HZ = 300.0
HIGH_HZ = 3400.0
RATE = 8000


def band_pass(pcm: np.ndarray, low: float = LOW_HZ, high: float = HIGH_HZ) -> np.ndarray:
    """Keep `low`..`high` Hz (cosine edges 100 Hz wide), like a handset and a phone network."""
    x = pcm.astype(np.float64)
    spectrum = np.fft.rfft(x)
    freqs = np.fft.rfftfreq(x.size, 1 / RATE)
    gain = np.clip((freqs - (low - 100)) / 100, 0, 1) * np.clip(((high + 100) - freqs) / 100, 0, 1)
    gain = 0.5 - 0.5 * np.cos(np.pi * gain)
    return np.fft.irfft(spectrum * gain, n=x.size)


def telephone(ulaw: bytes, snr_db: float = 20.0, seed: int | None = None) -> bytes:
    """`ulaw` as heard over a phone line: band-limited, with white noise `snr_db` below the
    speech (measured over the frames that carry speech). The noise is the same for the same
    audio unless `seed` says otherwise, so runs are repeatable."""
    x = band_pass(ulaw_to_pcm(ulaw))
    rng = np.random.default_rng(zlib.crc32(ulaw) if seed is None else seed)
    noise = rng.normal(0.0, _noise_level(x, snr_db), x.size)
    return pcm_to_ulaw(np.clip(x + noise, -32768, 32767))


def _noise_level(speech: np.ndarray, snr_db: float) -> float:
    """The noise's standard deviation `snr_db` below the power of the frames carrying speech."""
    frames = speech[: speech.size // 160 * 160].reshape(-1, 160)
    power = (frames**2).mean(axis=1) if frames.size else np.zeros(1)
    loud = power[power > 0.01 * power.max()] if power.max() > 0 else power
    speech_power = float(loud.mean()) if loud.size else 0.0
    return float(np.sqrt(speech_power / 10 ** (snr_db / 10)))


@dataclass(frozen=True)
class NoisyLine:
    """A phone line at `snr_db`: what a caller says goes through `telephone`, and between
    their words the line carries its noise (`hiss`), as a real line does, not digital silence."""

    snr_db: float = 20.0

    def __call__(self, ulaw: bytes) -> bytes:
        return telephone(ulaw, self.snr_db)

    def hiss(self, speech: bytes, seconds: float = 10.0) -> bytes:
        """`seconds` of the line's noise alone, at the level `telephone` adds to `speech`."""
        level = _noise_level(band_pass(ulaw_to_pcm(speech)), self.snr_db)
        rng = np.random.default_rng(zlib.crc32(speech))
        return pcm_to_ulaw(np.clip(rng.normal(0.0, level, int(seconds * RATE)), -32768, 32767))
