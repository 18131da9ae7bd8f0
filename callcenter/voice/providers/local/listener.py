"""The caller's side of the local engine: VAD + recognition over a batch of frames (in a thread)."""

import base64
import binascii
import threading
from dataclasses import dataclass

import numpy as np

from callcenter.voice.providers.local.asr import POOL, Recognizer
from callcenter.voice.providers.local.audio import ulaw_to_pcm
from callcenter.voice.providers.local.vad import FRAME_SAMPLES, TurnDetector


@dataclass(frozen=True, slots=True)
class Heard:
    """Something the listener noticed: speech started, or stopped with the words recognised."""

    kind: str  # "started" | "stopped"
    at_ms: int
    text: str = ""


class Listener:
    """Owns one call's turn detector and recogniser; `process` is CPU work for a worker thread."""

    def __init__(self, recognizer: Recognizer) -> None:
        self.recognizer = recognizer
        self._vad = TurnDetector()
        self._pending = b""
        self.search = "name"
        self.hints: list[str] = []
        # Held while a worker thread uses the recogniser: a call that ends mid-utterance must
        # not hand the decoder back to the pool while the thread still feeds it.
        self.busy = threading.Lock()

    @property
    def in_speech(self) -> bool:
        return self._vad.in_speech

    def process(self, payloads: list[str]) -> list[Heard]:
        """Feed base64 μ-law payloads (any length) and report speech starts/stops in order."""
        with self.busy:
            return self._process(payloads)

    def _process(self, payloads: list[str]) -> list[Heard]:
        heard: list[Heard] = []
        if not self._vad.in_speech:
            self.recognizer.set_hints(self.hints)
        for payload in payloads:
            try:
                self._pending += base64.b64decode(payload, validate=False)
            except (binascii.Error, ValueError):
                continue
            while len(self._pending) >= FRAME_SAMPLES:
                frame, self._pending = self._pending[:FRAME_SAMPLES], self._pending[FRAME_SAMPLES:]
                heard.extend(self._frame(frame))
        return heard

    def _frame(self, ulaw: bytes) -> list[Heard]:
        result = self._vad.push(ulaw_to_pcm(ulaw).tobytes())
        events: list[Heard] = []
        if result.started:
            self.recognizer.begin(self.search)
            events.append(Heard("started", self._vad.speech_start_ms))
        if result.speech is not None:
            self.recognizer.feed(np.frombuffer(result.speech, dtype=np.int16))
        if result.stopped:
            events.append(Heard("stopped", self._vad.speech_end_ms, self.recognizer.finish()))
        return events

    def partial(self) -> str:
        return self.recognizer.partial() if self._vad.in_speech else ""

    def release(self) -> None:
        """Hand the recogniser back to the pool once no thread is using it (blocking)."""
        with self.busy:
            POOL.release(self.recognizer)
