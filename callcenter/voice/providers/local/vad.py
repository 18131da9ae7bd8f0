"""Turn detection on Twilio's 20 ms μ-law frames with pocketsphinx's Endpointer."""

from dataclasses import dataclass

from pocketsphinx import Endpointer

FRAME_SAMPLES = 160  # 20 ms at 8 kHz


@dataclass(frozen=True, slots=True)
class VadResult:
    """One frame's verdict: `speech` is PCM16 to recognise (None outside speech)."""

    started: bool = False
    stopped: bool = False
    speech: bytes | None = None


class TurnDetector:
    """Decides when the caller starts and stops talking (~450 ms after they stop).

    A turn ends when 90% of the last 300 ms is non-speech: pauses shorter than ~270 ms
    between words do not cut the caller off.
    """

    def __init__(self, window: float = 0.3, ratio: float = 0.9) -> None:
        self._ep = Endpointer(window=window, ratio=ratio, sample_rate=8000, frame_length=0.02)
        if self._ep.frame_bytes != FRAME_SAMPLES * 2:
            raise RuntimeError(f"unexpected endpointer frame size {self._ep.frame_bytes}")
        self.frames = 0

    @property
    def in_speech(self) -> bool:
        return bool(self._ep.in_speech)

    @property
    def speech_start_ms(self) -> int:
        return int(self._ep.speech_start * 1000)

    @property
    def speech_end_ms(self) -> int:
        return int(self._ep.speech_end * 1000)

    def push(self, pcm_frame: bytes) -> VadResult:
        """Feed exactly one 160-sample PCM16 frame (shorter frames are padded with silence)."""
        if len(pcm_frame) < FRAME_SAMPLES * 2:
            pcm_frame = pcm_frame + b"\0" * (FRAME_SAMPLES * 2 - len(pcm_frame))
        self.frames += 1
        was_in_speech = self._ep.in_speech
        speech = self._ep.process(pcm_frame[: FRAME_SAMPLES * 2])
        if speech is None:
            return VadResult()
        return VadResult(
            started=not was_in_speech, stopped=not self._ep.in_speech, speech=bytes(speech)
        )
