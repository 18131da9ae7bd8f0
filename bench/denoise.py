"""A streaming Wiener filter for 8 kHz phone audio, tried as a front end before the recogniser.

Measured with `bench/asr_probe.py --denoise`: it does not help pocketsphinx on the 20 dB line
(README), so the engine does not use it; it is kept here to repeat the measurement. It works
on the samples, where pocketsphinx's own `remove_noise` works on its filter bank: short-time spectra
(32 ms frames, 16 ms hop, square-root Hann windows, so the output is the input when no gain is
applied), a noise spectrum tracked as the recent minimum of the smoothed power (speech
pauses, even short ones inside an utterance, show the noise floor), a decision-directed
a-priori SNR (fewer "musical" noise tones than plain spectral subtraction) and a gain floor.
Everything outside the telephone band (300-3400 Hz) carries only noise and is cut.
The output lags the input by one hop (16 ms); `flush` returns the rest at the end of an
utterance. The noise estimate survives utterances (the line stays the same) until `reset`.
"""

import numpy as np
import numpy.typing as npt

from callcenter.voice.providers.local.audio import Int16Array

FRAME = 256
HOP = FRAME // 2
RATE = 8000
_WINDOW = np.sqrt(0.5 - 0.5 * np.cos(2 * np.pi * np.arange(FRAME) / FRAME))
_FREQS = np.fft.rfftfreq(FRAME, 1 / RATE)
_IN_BAND = (_FREQS >= 250) & (_FREQS <= 3500)
# Smoothing of the power for the minimum tracking, how many hops the minimum looks back
# (~1.5 s), the bias that lifts a minimum of noisy power to its mean, the weight of the last
# frame's clean estimate in the a-priori SNR, and the lowest gain (-20 dB).
_SMOOTH = 0.7
_HISTORY = 96
_BIAS = 2.0
_DD = 0.96
_FLOOR = 0.1


class Denoiser:
    """Streaming Wiener filter; `process` takes and returns 8 kHz PCM16 (one hop late)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget the line: noise estimate, smoothing and buffered samples."""
        self._pending = np.zeros(0)
        self._overlap = np.zeros(HOP)
        self._tail = np.zeros(HOP)  # the last hop of input: the next frame starts with it
        self._skip = HOP
        self._smoothed: npt.NDArray[np.float64] | None = None
        self._minima: list[npt.NDArray[np.float64]] = []
        self._last_clean: npt.NDArray[np.float64] | None = None

    def restart(self) -> None:
        """A new utterance on the same line: keep the noise estimate, drop buffered audio."""
        self._pending = np.zeros(0)
        self._overlap = np.zeros(HOP)
        self._tail = np.zeros(HOP)
        self._last_clean = None
        self._skip = HOP  # the first output hop lies before the utterance's first sample

    def process(self, pcm: Int16Array) -> Int16Array:
        self._pending = np.concatenate([self._pending, pcm.astype(np.float64)])
        out: list[npt.NDArray[np.float64]] = []
        while self._pending.size >= HOP:
            hop, self._pending = self._pending[:HOP], self._pending[HOP:]
            out.append(self._frame(np.concatenate([self._tail, hop])))
            self._tail = hop
        samples = np.concatenate(out) if out else np.zeros(0)
        skipped = min(self._skip, samples.size)
        self._skip -= skipped
        return _int16(samples[skipped:])

    def flush(self) -> Int16Array:
        """The samples still held back (end of an utterance); then ready for the next one."""
        size = self._pending.size
        out = self.process(np.zeros(HOP - size, dtype=np.int16)) if size else _int16(np.zeros(0))
        last = self._frame(np.concatenate([self._tail, np.zeros(HOP)]), learn=False)
        self.restart()
        return np.concatenate([out, _int16(last[: size or HOP])])

    def _frame(
        self, samples: npt.NDArray[np.float64], learn: bool = True
    ) -> npt.NDArray[np.float64]:
        spectrum = np.fft.rfft(samples * _WINDOW)
        power = spectrum.real**2 + spectrum.imag**2
        noise = self._noise(power, learn)
        posterior = np.minimum(power / noise, 1e3)
        previous = self._last_clean / noise if self._last_clean is not None else posterior - 1
        prior = _DD * previous + (1 - _DD) * np.maximum(posterior - 1, 0.0)
        gain = np.maximum(prior / (1 + prior), _FLOOR)
        gain[~_IN_BAND] = 0.0
        self._last_clean = gain**2 * power
        frame = np.fft.irfft(spectrum * gain, n=FRAME) * _WINDOW
        out = self._overlap + frame[:HOP]
        self._overlap = frame[HOP:]
        return out

    def _noise(self, power: npt.NDArray[np.float64], learn: bool) -> npt.NDArray[np.float64]:
        if learn or self._smoothed is None:
            if self._smoothed is None:
                self._smoothed = power.copy()
            self._smoothed = _SMOOTH * self._smoothed + (1 - _SMOOTH) * power
            self._minima.append(self._smoothed.copy())
            if len(self._minima) > _HISTORY:
                self._minima.pop(0)
        return np.maximum(np.min(self._minima, axis=0) * _BIAS, 1e-3)


def _int16(x: npt.NDArray[np.float64]) -> Int16Array:
    return np.clip(np.round(x), -32768, 32767).astype(np.int16)
