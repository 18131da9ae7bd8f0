"""Turn detection on Twilio's 20 ms μ-law frames with pocketsphinx's Endpointer."""

from collections import deque
from dataclasses import dataclass

from pocketsphinx import Vad

from callcenter.voice.providers.local.endpointer import Endpointer

FRAME_SAMPLES = 160  # 20 ms at 8 kHz
FRAME_MS = 20
RESUME_FRAMES = 3  # voiced frames in a row that count as the caller talking again
START_RATIO = 0.6  # share of the window's frames voiced that starts speech (ends: `ratio`)
LEAD_FRAMES = 10  # audio before a turn's first speech frame handed on with it (`VadResult.lead`)


@dataclass(frozen=True, slots=True)
class VadResult:
    """One frame's verdict: `speech` is PCM16 to recognise now (None outside speech).

    `resumed` is set when, inside a turn the endpointer has not closed yet, the caller starts
    voicing again after a pause (only meaningful to a listener that already answered early).
    `lead`, on the frame speech starts, is the `LEAD_FRAMES` of audio before it: the VAD hears a
    word's soft first sound ("n", "f", "h") late.
    """

    started: bool = False
    stopped: bool = False
    speech: bytes | None = None
    resumed: bool = False
    lead: bytes = b""


class TurnDetector:
    """Decides when the caller starts and stops talking (~400 ms after they stop).

    A turn ends when 90% of the last 300 ms is non-speech: pauses shorter than ~270 ms
    between words do not cut the caller off. The strict VAD mode stops counting the quiet
    decay after the last word as speech (measured on the persona set: end of turn p95 540 →
    460 ms after the last loud frame, recognition unchanged); the window stays as long.

    The endpointer hands audio back one window late; `speech` is instead the audio up to the
    current frame (the window's backlog on the start frame), so a recogniser fed with it is
    never behind and its partial result can be read while the caller pauses.
    """

    def __init__(
        self,
        window: float = 0.3,
        ratio: float = 0.9,
        start_ratio: float = START_RATIO,
        mode: int = Vad.STRICT,
    ) -> None:
        frames = round(window * 1000 / FRAME_MS)
        self._ep = Endpointer(frames, start_ratio, ratio, FRAME_MS / 1000)
        self._voice = Vad(mode, 8000, FRAME_MS / 1000)
        self._lag = round(window * 1000 / FRAME_MS) - 1  # frames the endpointer lags behind
        self._recent: deque[bytes] = deque(maxlen=self._lag + 1 + LEAD_FRAMES)
        self.frames = 0
        self.silent_frames = 0  # unvoiced frames in a row, up to the current one
        self._voiced_run = 0

    @property
    def in_speech(self) -> bool:
        return bool(self._ep.in_speech)

    @property
    def speech_start_ms(self) -> int:
        return int(self._ep.speech_start * 1000)

    @property
    def speech_end_ms(self) -> int:
        return int(self._ep.speech_end * 1000)

    @property
    def last_voice_ms(self) -> int:
        """Stream time at the end of the last voiced frame."""
        return (self.frames - self.silent_frames) * FRAME_MS

    def recent(self, frames: int) -> bytes:
        """The last `frames` frames of PCM16 (a resumed turn's start)."""
        return b"".join(list(self._recent)[-frames:])

    def push(self, pcm_frame: bytes) -> VadResult:
        """Feed exactly one 160-sample PCM16 frame (shorter frames are padded with silence)."""
        if len(pcm_frame) < FRAME_SAMPLES * 2:
            pcm_frame = pcm_frame + b"\0" * (FRAME_SAMPLES * 2 - len(pcm_frame))
        frame = pcm_frame[: FRAME_SAMPLES * 2]
        self.frames += 1
        self._recent.append(frame)
        voiced = bool(self._voice.is_speech(frame))
        self.silent_frames = 0 if voiced else self.silent_frames + 1
        self._voiced_run = self._voiced_run + 1 if voiced else 0
        was_in_speech = self._ep.in_speech
        late = self._ep.process(frame, voiced)
        if late is None:
            return VadResult()
        if was_in_speech:
            return VadResult(
                stopped=not self._ep.in_speech,
                speech=frame,
                resumed=voiced and self._voiced_run == RESUME_FRAMES,
            )
        lead, backlog = self._backlog(bytes(late))
        return VadResult(started=True, stopped=not self._ep.in_speech, speech=backlog, lead=lead)

    def _backlog(self, first: bytes) -> tuple[bytes, bytes]:
        """The `LEAD_FRAMES` before the endpointer's first speech frame, and everything from
        that frame up to the current one."""
        frames = list(self._recent)
        index = len(frames) - 1 - self._lag
        if index < 0 or frames[index] != first:  # not where expected: late audio only
            return b"", first
        return b"".join(frames[max(0, index - LEAD_FRAMES) : index]), b"".join(frames[index:])
