"""Simulated callers' audio: G.711 μ-law bit-exact, WAV files at any rate become 8 kHz μ-law."""

import wave
from pathlib import Path

import numpy as np
import pytest

from callcenter.sim.callers import mulaw_encode, read_wav_as_mulaw
from callcenter.sim.twiml import (
    DialVerb,
    HangupVerb,
    PauseVerb,
    SayVerb,
    StreamVerb,
    TwimlError,
    parse_twiml,
)

# Reference values of the classic G.711 encoder (as in CPython's former audioop module).
G711 = [
    (0, 255), (-1, 126), (1, 255), (4, 254), (-4, 126), (100, 242), (-100, 114), (1000, 206),
    (-1000, 78), (8000, 160), (-8000, 32), (32767, 128), (-32768, 0), (16384, 143), (-16385, 15),
]  # fmt: skip


def test_mulaw_encoding_matches_g711() -> None:
    samples = np.array([s for s, _ in G711], dtype=np.int16)
    assert list(mulaw_encode(samples)) == [code for _, code in G711]


def _write_wav(path: Path, rate: int, channels: int, seconds: float) -> None:
    t = np.arange(int(rate * seconds)) / rate
    tone = (np.sin(2 * np.pi * 440 * t) * 8000).astype("<i2")
    data = np.repeat(tone, channels) if channels > 1 else tone
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(data.tobytes())


@pytest.mark.parametrize(("rate", "channels"), [(8000, 1), (16000, 1), (44100, 2)])
def test_wav_of_any_rate_becomes_8khz_mulaw(tmp_path: Path, rate: int, channels: int) -> None:
    path = tmp_path / "hello.wav"
    _write_wav(path, rate, channels, 0.5)
    audio = read_wav_as_mulaw(path)
    assert abs(len(audio) - 4000) <= 1  # 0.5 s at 8 bytes per ms
    assert len(set(audio)) > 10  # a tone, not silence


def test_twiml_verbs_are_read_in_order() -> None:
    document = (
        '<?xml version="1.0" encoding="UTF-8"?><Response>'
        '<Connect><Stream url="wss://x.example/media-stream">'
        '<Parameter name="call_id" value="7" /></Stream></Connect>'
        '<Say>Bye</Say><Pause length="2" /><Dial>+14155550111</Dial><Hangup /></Response>'
    )
    assert parse_twiml(document) == [
        StreamVerb(url="wss://x.example/media-stream", parameters={"call_id": "7"}),
        SayVerb(text="Bye"),
        PauseVerb(seconds=2.0),
        DialVerb(number="+14155550111"),
        HangupVerb(),
    ]


@pytest.mark.parametrize("document", ["not xml", "<Html/>", "<Response><Play>x</Play></Response>"])
def test_invalid_twiml_is_refused(document: str) -> None:
    with pytest.raises(TwimlError):
        parse_twiml(document)
