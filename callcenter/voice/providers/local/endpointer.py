"""Where speech starts and ends, from each frame's voice decision over a sliding window.

pocketsphinx's endpointer, with one change: the share of voiced frames that starts speech is
its own (`start_ratio`), apart from the share of unvoiced frames that ends it. With 90 % for
both, a short "yes" or "no" in some voices on a noisy line never filled 90 % of the 300 ms
window and was never heard; a lower start share hears it, and a turn ends as before. Like
pocketsphinx's, it hands frames back one window late while in speech.
"""

from collections import deque


class Endpointer:
    """Feed one frame at a time with its voice decision; `process` returns the frame leaving
    the window while in speech (and the one that ends it), None otherwise."""

    def __init__(self, window_frames: int, start_ratio: float, end_ratio: float, frame_s: float):
        self._size = window_frames
        self._start_above = start_ratio * window_frames  # voiced frames in the window
        self._end_below = (1.0 - end_ratio) * window_frames - 1.0  # voiced, ring one ahead
        self._frame_s = frame_s
        self._ring: deque[tuple[bytes, bool]] = deque()
        self._voiced = 0
        self._left = 0  # frames that have left the window
        self.in_speech = False
        self.speech_start = 0.0  # seconds of stream time
        self.speech_end = 0.0

    def process(self, frame: bytes, voiced: bool) -> bytes | None:
        if len(self._ring) == self._size:
            self._pop()
        self._ring.append((frame, voiced))
        self._voiced += voiced
        if not self.in_speech:
            if self._voiced > self._start_above:
                self.in_speech = True
                self.speech_start = self._left * self._frame_s
                self.speech_end = 0.0
                return self._pop()
            return None
        ends = self._voiced < self._end_below
        frame = self._pop()
        if ends:
            self.in_speech = False
            self.speech_end = self._left * self._frame_s
        return frame

    def _pop(self) -> bytes:
        frame, voiced = self._ring.popleft()
        self._voiced -= voiced
        self._left += 1
        return frame
