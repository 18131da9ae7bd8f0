"""Barge-in: whether the caller's sound over the agent interrupts it (CONTRACT, real phone lines).

The rule: while the agent speaks, a sound under `MIN_SPEECH_MS` of speech, or a lone
backchannel word, leaves the agent's turn alone and gets no reply; speech that goes on for
`MIN_SPEECH_MS`, or two or more words, interrupts.

The engine's VAD says when the caller's speech started and stopped, but reports the stop only
after its silence window (500 ms on the Realtime service), too late to tell a cough from a
sentence within 500 ms. So the duration is measured here, on the caller's own frames: a short
ring of recent frames is kept (cheap: no decoding) and only a sound that the engine reported
while the agent speaks is metered, frame by frame, until it is decided.
"""

import binascii
import time
from collections import deque
from dataclasses import dataclass
from enum import Enum

from callcenter.voice.playback import b64_len

MIN_SPEECH_MS = 400  # speech that goes on this long interrupts the agent
TRANSCRIPT_WAIT_S = 1.5  # a short sound's words are awaited this long after it stopped
MAX_GAP_MS = 200  # quiet within one stretch of speech (between words, a stop consonant)
RING_MS = 1000  # caller audio kept for when the engine reports speech a little late
# Loudness is counted in μ-law steps (0 silence … 127 full scale; 16 steps ≈ 6 dB): a frame is
# voiced at or above `VOICED_MIN` steps and `VOICED_ABOVE_FLOOR` steps above the line's floor.
VOICED_MIN = 32
VOICED_ABOVE_FLOOR = 16

# The contract's backchannels; a backchannel spelled in two parts is still one word.
BACKCHANNELS = frozenset({"mhmm", "uh-huh", "yeah", "okay", "right", "sure"})
_SPELLINGS = {
    "mhm": "mhmm",
    "mm-hmm": "mhmm",
    "mmhmm": "mhmm",
    "mm-hm": "mhmm",
    "mmhm": "mhmm",
    "uhhuh": "uh-huh",
    "uh-hum": "uh-huh",
    "ok": "okay",
    "o.k": "okay",
    "yea": "yeah",
    "yeh": "yeah",
}
_PAIRS = {("uh", "huh"): "uh-huh", ("mm", "hmm"): "mhmm", ("mm", "hm"): "mhmm"}
_STRIP = ".,!?;:\"'()[]…-—"
_STEPS = bytes((~b) & 0x7F for b in range(256))  # μ-law byte → loudness step


def words(text: str) -> list[str]:
    """The transcript's words, lower case, backchannels spelled one way ("uh huh" → uh-huh)."""
    out: list[str] = []
    for token in text.lower().split():
        word = token.strip(_STRIP)
        if not word:
            continue
        if out and (out[-1], word) in _PAIRS:
            out[-1] = _PAIRS[(out[-1], word)]
            continue
        out.append(_SPELLINGS.get(word, word))
    return out


def words_interrupt(text: str) -> bool:
    """Two or more words ("wait, stop", "yeah, okay"): a lone word, backchannel or not, is not
    enough. Spellings of one backchannel ("uh huh", "mm hmm") count as one word."""
    return len(words(text)) >= 2


def interrupts(speech_ms: int, text: str) -> bool:
    """The rule on a whole sound over the agent: it lasted, or its words interrupt."""
    return speech_ms >= MIN_SPEECH_MS or words_interrupt(text)


def level(frame: bytes) -> int:
    """Mean loudness step of a μ-law frame (every 4th sample)."""
    sample = frame[::4]
    return sum(sample.translate(_STEPS)) // len(sample) if sample else 0


class Turn(Enum):
    ANSWER = "answer"  # the agent was quiet: an ordinary turn, answered when it ends
    UNDECIDED = "undecided"  # over the agent: metered, then judged by its words
    INTERRUPTED = "interrupted"  # it cut the agent off: answered when it ends
    PASSED_OVER = "passed over"  # a backchannel or a noise: nothing happens


@dataclass(slots=True)
class CallerTurn:
    """One sound the engine reported (by its input item id)."""

    kind: Turn
    onset_ms: int = 0  # where the engine says it began, in the caller's audio
    threshold: int = VOICED_MIN
    run_start: int = -1  # the current stretch of voiced frames, in audio ms
    run_end: int = -1
    stopped_at: float | None = None  # when the engine said it stopped (monotonic)


class BargeIn:
    """One call's barge-in decisions. The bridge feeds it every caller frame and the engine's
    speech and transcript events; `True` from `heard`, `started` or `transcript` means
    "interrupt the agent now", from `stopped` "answer the caller now"."""

    def __init__(self) -> None:
        self.position_ms = 0  # caller audio handed to the engine so far
        # Payloads only (strings are not tracked by the garbage collector; a tuple per frame
        # would make its young collections run more often on the audio path).
        self._ring: deque[str] = deque(maxlen=RING_MS // 20)
        self._turns: dict[str, CallerTurn] = {}
        self._metering: CallerTurn | None = None

    def new_session(self) -> None:
        """A renewed voice session counts the caller's audio from its own start."""
        self.position_ms = 0  # kept frames now lie before 0: they still set the line's floor
        self._turns.clear()
        self._metering = None

    def heard(self, payload: str) -> bool:
        """One caller frame (base64 μ-law), as it goes to the engine."""
        self.position_ms += b64_len(payload) // 8
        self._ring.append(payload)
        turn = self._metering
        if turn is None:
            return False
        frame = _decode(payload)
        return self._voiced(turn, self.position_ms - len(frame) // 8, frame)

    def started(self, item_id: str, audio_start_ms: int, *, over_agent: bool) -> bool:
        """The engine heard the caller start; `over_agent`: the agent is speaking now."""
        self._forget_stale()
        if not over_agent:
            self._turns[item_id] = CallerTurn(Turn.ANSWER)
            return False
        turn = self._turns[item_id] = CallerTurn(Turn.UNDECIDED, onset_ms=audio_start_ms)
        frames = self._recent()
        floor = min((level(frame) for _, frame in frames), default=0)
        turn.threshold = max(VOICED_MIN, floor + VOICED_ABOVE_FLOOR)
        self._metering = turn
        # The engine may report the start late (a VAD window): what was already heard counts.
        for at, frame in frames:
            if at + 20 > audio_start_ms and self._voiced(turn, at, frame):
                return True
        return False

    def stopped(self, item_id: str) -> bool:
        turn = self._turns.get(item_id)
        if turn is self._metering:
            self._metering = None
        if turn is None or turn.kind in (Turn.ANSWER, Turn.INTERRUPTED):
            self._turns.pop(item_id, None)
            return True  # the caller's turn is over: answer it
        if turn.kind is Turn.UNDECIDED:
            turn.stopped_at = time.monotonic()  # short: its words decide
        return False

    def transcript(self, item_id: str, text: str) -> bool:
        turn = self._turns.get(item_id)
        if turn is None or turn.kind is not Turn.UNDECIDED:
            return False
        del self._turns[item_id]
        if turn is self._metering:
            self._metering = None
        late = (
            turn.stopped_at is not None and time.monotonic() - turn.stopped_at > TRANSCRIPT_WAIT_S
        )
        if late or not words_interrupt(text):
            turn.kind = Turn.PASSED_OVER
            return False
        turn.kind = Turn.INTERRUPTED
        return True

    # --- metering ------------------------------------------------------------------------

    def _recent(self) -> list[tuple[int, bytes]]:
        """The kept frames, decoded, with where each began in the caller's audio (ms)."""
        frames: list[tuple[int, bytes]] = []
        end = self.position_ms
        for payload in reversed(self._ring):
            frame = _decode(payload)
            end -= len(frame) // 8
            frames.append((end, frame))
        frames.reverse()
        return frames

    def _voiced(self, turn: CallerTurn, at: int, frame: bytes) -> bool:
        """Count a voiced frame into the turn's stretch; True once the stretch is long enough."""
        if level(frame) < turn.threshold:
            return False
        if turn.run_end < 0 or at - turn.run_end > MAX_GAP_MS:
            turn.run_start = at
        turn.run_end = at + len(frame) // 8
        if turn.run_end - turn.run_start < MIN_SPEECH_MS:
            return False
        turn.kind = Turn.INTERRUPTED
        self._metering = None
        return True

    def _forget_stale(self) -> None:
        """Drop short sounds whose words never came."""
        now = time.monotonic()
        for item_id, turn in list(self._turns.items()):
            if turn.stopped_at is not None and now - turn.stopped_at > TRANSCRIPT_WAIT_S:
                del self._turns[item_id]


def _decode(payload: str) -> bytes:
    try:
        return binascii.a2b_base64(payload)
    except (binascii.Error, ValueError):
        return b""
