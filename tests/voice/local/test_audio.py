"""μ-law conversion is bit-exact G.711; resampling keeps length and tone."""

import numpy as np

from callcenter.voice.providers.local.audio import (
    pcm_to_ulaw,
    resample,
    ulaw_to_pcm,
    upsample_8k_to_16k,
)

# Reference values from the G.711 tables (what audioop.lin2ulaw/ulaw2lin return).
KNOWN = {0: 0xFF, 1: 0xFF, -1: 0x7E, 100: 0xF2, -100: 0x72, 1000: 0xCE, 32767: 0x80, -32768: 0x00}


def test_encoding_matches_the_g711_reference_values() -> None:
    samples = np.array(list(KNOWN), dtype=np.int16)
    assert list(pcm_to_ulaw(samples)) == list(KNOWN.values())


def test_every_code_decodes_and_reencodes_to_itself() -> None:
    codes = bytes(range(256))
    decoded = ulaw_to_pcm(codes)
    assert decoded[0xFF] == 0 and decoded[0x80] == 32124 and decoded[0x00] == -32124
    reencoded = pcm_to_ulaw(decoded)
    # 0x7F (-0) re-encodes as 0xFF (+0): the only code with two meanings.
    assert [c for c, r in zip(codes, reencoded, strict=True) if c != r] == [0x7F]


def test_encoding_is_monotonic_over_the_whole_range() -> None:
    pcm = np.arange(-32768, 32768, 7, dtype=np.int16)
    decoded = ulaw_to_pcm(pcm_to_ulaw(pcm)).astype(np.int32)
    assert np.all(np.diff(decoded) >= 0)
    assert np.max(np.abs(decoded - pcm)) <= 1024  # the largest G.711 step


def test_resampling_22k_to_8k_keeps_duration_and_a_tone() -> None:
    t = np.arange(22050) / 22050
    tone = (8000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
    out = resample(tone, 22050, 8000)
    assert len(out) == 8000
    spectrum = np.abs(np.fft.rfft(out))
    assert abs(int(np.argmax(spectrum)) - 440) <= 1


def test_upsampling_frame_by_frame_equals_upsampling_the_whole() -> None:
    pcm = (1000 * np.sin(np.arange(1600) / 5)).astype(np.int16)
    whole = upsample_8k_to_16k(pcm)
    pieces, last = [], None
    for start in range(0, len(pcm), 160):
        frame = pcm[start : start + 160]
        pieces.append(upsample_8k_to_16k(frame, last))
        last = int(frame[-1])
    assert np.array_equal(np.concatenate(pieces), whole)
    assert len(whole) == 3200
