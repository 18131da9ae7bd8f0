"""The telephone line synthetic callers speak through: band-pass and noise at a set SNR."""

import numpy as np

from callcenter.sim.channel import NoisyLine, band_pass, telephone
from callcenter.sim.speech import render
from callcenter.voice.providers.local.audio import pcm_to_ulaw, ulaw_to_pcm
from callcenter.voice.providers.local.tts import espeak


def _tone(hz: float, seconds: float = 0.5) -> np.ndarray:
    t = np.arange(int(8000 * seconds)) / 8000
    return 8000 * np.sin(2 * np.pi * hz * t)


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.asarray(x, dtype=np.float64) ** 2)))


def test_the_band_keeps_speech_frequencies_and_drops_the_rest() -> None:
    assert _rms(band_pass(_tone(1000))) > 0.95 * _rms(_tone(1000))
    assert _rms(band_pass(_tone(100))) < 0.01 * _rms(_tone(100))
    assert _rms(band_pass(_tone(3800))) < 0.01 * _rms(_tone(3800))


def test_noise_sits_the_asked_number_of_decibels_below_the_speech() -> None:
    clean = pcm_to_ulaw(_tone(1000, 2.0))
    noisy = ulaw_to_pcm(telephone(clean, snr_db=20.0)).astype(np.float64)
    speech = band_pass(ulaw_to_pcm(clean))
    snr = 20 * np.log10(_rms(speech) / _rms(noisy - speech))
    assert 18.5 < snr < 21.5


def test_between_words_the_line_carries_the_noise_it_adds_to_them() -> None:
    clean = pcm_to_ulaw(_tone(1000, 2.0))
    line = NoisyLine(20.0)
    speech = band_pass(ulaw_to_pcm(clean))
    added = _rms(ulaw_to_pcm(line(clean)).astype(np.float64) - speech)
    hiss = ulaw_to_pcm(line.hiss(clean, seconds=2.0))
    assert len(hiss) == 16000
    assert 0.85 < _rms(hiss) / added < 1.15


def test_the_same_audio_gets_the_same_noise() -> None:
    audio = render("hello there", "kal")
    assert telephone(audio) == telephone(audio)


def test_an_espeak_caller_voice_leaves_the_agents_voice_alone() -> None:
    before = espeak().synthesize("thanks for calling")
    caller = render("my name is wayne", "espeak:en-us+m7")
    after = espeak().synthesize("thanks for calling")
    assert len(caller) > 8000 * 0.5
    # espeak-ng varies by a few samples run to run; a voice left switched would not.
    assert abs(len(before) - len(after)) < 0.01 * len(before)
    assert abs(_centroid(before) - _centroid(after)) < 0.03 * _centroid(before)


def _centroid(pcm: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(pcm.astype(np.float64)))
    return float((spectrum * np.arange(spectrum.size)).sum() / spectrum.sum())
