"""The caller's side of the local engine: VAD + recognition over a batch of frames (in a thread)."""

import base64
import binascii
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from callcenter.voice.providers.local.audio import ulaw_to_pcm
from callcenter.voice.providers.local.recognizers import RecognizerPool, SpeechRecognizer
from callcenter.voice.providers.local.vad import FRAME_SAMPLES, RESUME_FRAMES, TurnDetector

# A caller whose words already complete the answer the dialog expects (a yes, a whole email
# address, ten digits) is answered after this much silence instead of the endpointer's ~400 ms.
EARLY_SILENCE_FRAMES = 8  # 160 ms
PRE_ROLL_FRAMES = 5  # audio kept before a resumed turn's first voiced frames
TAIL_FRAMES = 6  # silence after the last word that is recognised with it
# Speech that starts this soon after the last word of a turn goes on with the same answer
# ("my name is Troy … Quinn"): about 900 ms of silence, the VAD's edges being padded. An
# answer to the agent's next question comes seconds later, after the question.
CONTINUE_MS = 800


@dataclass(frozen=True, slots=True)
class Heard:
    """Something the listener noticed: speech started, or stopped with the words recognised."""

    kind: str  # "started" | "stopped"
    at_ms: int
    text: str = ""
    # On "started": the caller goes on with the answer whose turn just ended (early on its
    # words, or within `CONTINUE_MS`); the words at its stop are the whole answer, heard
    # with the search of the question it answers.
    resumes: bool = False


class Listener:
    """Owns one call's turn detector and recogniser; `process` is CPU work for a worker thread."""

    def __init__(self, recognizer: SpeechRecognizer, pool: RecognizerPool) -> None:
        self.recognizer = recognizer
        self._pool = pool
        self._vad = TurnDetector()
        self._pending = b""
        self.search = "name"
        self.hints: list[str] = []
        self.caller = ("", "")  # name and business, as heard so far
        # Whether words already answer the current question; read in the worker thread.
        self.complete: Callable[[str], bool] = _never
        self._open = False  # an utterance is being recognised
        self._answered_early = False  # the turn ended on its words; the endpointer not yet
        self._held: list[bytes] = []  # a pause's frames, fed only if the caller goes on
        self._searching = self.search  # the search the open (or early-ended) answer is heard with
        self._lead = b""  # the audio before the answer's first speech frame
        self._heard: list[bytes] = []  # the answer's audio fed so far, for a caller who goes on
        self._last_word_ms = -CONTINUE_MS - 1  # where the last answer's speech ended
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
            self.recognizer.set_caller(*self.caller)
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
        vad = self._vad
        result = vad.push(ulaw_to_pcm(ulaw).tobytes())
        events: list[Heard] = []
        if result.started and vad.speech_start_ms - self._last_word_ms <= CONTINUE_MS:
            self._go_on(result.lead)  # a breath after their last words: the same answer
            events.append(Heard("started", vad.speech_start_ms, resumes=True))
        elif result.started:
            self._begin(self.search, result.lead)
            events.append(Heard("started", vad.speech_start_ms))
        elif result.resumed and self._answered_early:  # they were not done after all
            self._go_on(vad.recent(RESUME_FRAMES + PRE_ROLL_FRAMES))
            at_ms = vad.frames * 20 - (RESUME_FRAMES + PRE_ROLL_FRAMES) * 20
            events.append(Heard("started", at_ms, resumes=True))
            return events
        if result.speech is not None and self._open:
            self._feed(result.speech, started=result.started)
            if vad.silent_frames == TAIL_FRAMES + 1:  # all the words are in: decode them now
                self.recognizer.pause()
        if result.stopped:
            self._answered_early = False
            if self._open:
                self._open = False
                self._last_word_ms = vad.speech_end_ms
                events.append(Heard("stopped", vad.speech_end_ms, self.recognizer.finish()))
        elif self._open and self._ends_early():
            self._open = False
            self._answered_early = True
            self._last_word_ms = vad.last_voice_ms
            events.append(Heard("stopped", vad.last_voice_ms, self.recognizer.finish()))
        return events

    def _begin(self, search: str, lead: bytes) -> None:
        self.recognizer.begin(search)
        if lead:
            self.recognizer.lead(_pcm(lead))
        self._searching, self._lead, self._heard = search, lead, []
        self._open = True
        self._answered_early = False
        self._held = []

    def _go_on(self, audio: bytes) -> None:
        """The caller goes on with the answer whose turn just ended: the words so far and the
        rest are one answer, to the question they began on (the agent may have moved on to
        the next one meanwhile), so hear them again, whole."""
        earlier = self._heard
        self._begin(self._searching, self._lead)
        for speech in earlier:
            self._give(speech)
        self._give(audio)

    def _give(self, speech: bytes) -> None:
        self.recognizer.feed(_pcm(speech))
        self._heard.append(speech)

    def _feed(self, speech: bytes, *, started: bool) -> None:
        """Recognise audio as it arrives, but hold back a pause beyond `TAIL_FRAMES`.

        The held frames are fed once the caller talks again, and dropped when the turn ends:
        the recogniser then sees the same short tail of silence the endpointer's own output
        had, not its whole closing window (a language model reads long silence as words).
        """
        if started or self._vad.silent_frames <= TAIL_FRAMES:
            for held in self._held:
                self._give(held)
            self._held = []
            self._give(speech)
        else:
            self._held.append(speech)

    def _ends_early(self) -> bool:
        """The caller paused and what they said so far already answers the question."""
        silent = self._vad.silent_frames
        if silent < EARLY_SILENCE_FRAMES or (silent - EARLY_SILENCE_FRAMES) % 2:
            return False
        words = self.recognizer.partial().strip()
        return bool(words) and self.complete(words)

    def partial(self) -> str:
        return self.recognizer.partial() if self._open else ""

    def release(self) -> None:
        """Hand the recogniser back to the pool once no thread is using it (blocking)."""
        with self.busy:
            self._pool.release(self.recognizer)


def _pcm(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.int16)


def _never(_words: str) -> bool:
    return False
