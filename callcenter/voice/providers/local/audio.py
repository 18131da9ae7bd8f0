"""μ-law ⇄ PCM16 conversion (G.711, bit-exact) and the resampling the local engine needs."""

import numpy as np
import numpy.typing as npt

_BIAS = 0x84
_CLIP = 32635

Int16Array = npt.NDArray[np.int16]


def _build_decode_table() -> Int16Array:
    codes = ~np.arange(256, dtype=np.int32) & 0xFF
    sign = codes & 0x80
    exponent = (codes >> 4) & 0x07
    mantissa = codes & 0x0F
    magnitude = (((mantissa << 3) + _BIAS) << exponent) - _BIAS
    return np.where(sign != 0, -magnitude, magnitude).astype(np.int16)


def _build_encode_table() -> npt.NDArray[np.uint8]:
    # Indexed by (sample >> 2) + 8192: G.711 only looks at the top 14 bits.
    samples = (np.arange(16384, dtype=np.int32) - 8192) << 2
    sign = np.where(samples < 0, 0x80, 0)
    magnitude = np.minimum(np.abs(samples), _CLIP) + _BIAS
    exponent = np.zeros_like(magnitude)
    for exp in range(7, 0, -1):
        exponent = np.where((exponent == 0) & (magnitude >= (0x80 << exp)), exp, exponent)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8)


ULAW_TO_PCM: Int16Array = _build_decode_table()
_PCM_TO_ULAW = _build_encode_table()


def ulaw_to_pcm(data: bytes) -> Int16Array:
    """Decode μ-law bytes to signed 16-bit samples."""
    return ULAW_TO_PCM[np.frombuffer(data, dtype=np.uint8)]


def pcm_to_ulaw(samples: npt.ArrayLike) -> bytes:
    """Encode signed 16-bit samples to μ-law bytes (same output as `audioop.lin2ulaw`)."""
    pcm = np.asarray(samples, dtype=np.int16).astype(np.int32)
    return bytes(_PCM_TO_ULAW[(pcm >> 2) + 8192])


def resample(samples: npt.ArrayLike, src_rate: int, dst_rate: int) -> Int16Array:
    """Resample mono PCM16 with a windowed-sinc low-pass (for downsampling) and interpolation."""
    x = np.asarray(samples, dtype=np.float64)
    if src_rate == dst_rate or x.size == 0:
        return np.asarray(samples, dtype=np.int16)
    if dst_rate < src_rate:
        x = _lowpass(x, cutoff=0.45 * dst_rate / src_rate)
    n_out = int(round(x.size * dst_rate / src_rate))
    positions = np.arange(n_out) * (src_rate / dst_rate)
    y = np.interp(positions, np.arange(x.size), x)
    return np.clip(np.round(y), -32768, 32767).astype(np.int16)


def upsample_8k_to_16k(samples: Int16Array, previous: int | None = None) -> Int16Array:
    """Double the rate by linear interpolation (what the recogniser needs from phone audio).

    For a stream cut into frames, pass the last sample of the previous frame as `previous`:
    each output pair is then (midpoint from the previous sample, sample), with no seam
    between frames (a seam every 20 ms is a 50 Hz buzz the recogniser hears).
    """
    x = samples.astype(np.int32)
    if x.size == 0:
        return samples.astype(np.int16)
    before = np.concatenate(([x[0] if previous is None else previous], x[:-1]))
    out = np.empty(x.size * 2, dtype=np.int32)
    out[0::2] = (before + x) // 2
    out[1::2] = x
    return out.astype(np.int16)


def _lowpass(x: npt.NDArray[np.float64], cutoff: float, taps: int = 63) -> npt.NDArray[np.float64]:
    n = np.arange(taps) - (taps - 1) / 2
    kernel = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hamming(taps)
    kernel /= kernel.sum()
    return np.convolve(x, kernel, mode="same")
