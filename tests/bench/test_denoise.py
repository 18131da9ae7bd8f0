"""The Wiener filter the recogniser probe can put before decoding."""

import numpy as np
import pytest

from bench import denoise
from bench.asr_probe import denoised
from callcenter.sim.channel import band_pass


def test_with_no_suppression_the_line_band_comes_out_unchanged_and_in_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(denoise, "_FLOOR", 1.0)  # every gain 1: only the band edges cut
    rng = np.random.default_rng(7)
    for size in (8050, 8000, 100):
        audio = rng.normal(0, 3000, size).astype(np.int16)
        filtered = denoised(denoise.Denoiser(), audio)
        assert filtered.size == size
    reference = band_pass(audio := rng.normal(0, 3000, 8000).astype(np.int16), 250, 3500)
    filtered = denoised(denoise.Denoiser(), audio).astype(np.float64)
    assert np.corrcoef(filtered[400:-400], reference[400:-400])[0, 1] > 0.98


def test_a_line_that_carries_only_noise_is_made_quieter() -> None:
    noise = np.random.default_rng(3).normal(0, 300, 16000).astype(np.int16)
    filtered = denoised(denoise.Denoiser(), noise)[8000:].astype(np.float64)
    before = float((noise[8000:].astype(np.float64) ** 2).mean())
    assert 10 * np.log10(before / float((filtered**2).mean())) >= 10
