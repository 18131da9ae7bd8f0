"""The two channels of a call on one clock, the stream's media time: caller audio at its frame
timestamps; agent audio placed when Twilio's mark echo says it was played (back to back, ending
at the echo), so audio cleared by a barge-in never lands. Frames older than `hold` are final.

Work comes in batches of events (see `apply`): positions are worked out from payload sizes
alone, then each stretch of contiguous audio is decoded and written in one go."""

from binascii import a2b_base64
from collections.abc import Callable, Iterable

import numpy as np

from callcenter.recording.wav import SAMPLE_RATE, decode_mulaw

SAMPLES_PER_MS = SAMPLE_RATE // 1000

Sink = Callable[[np.ndarray], None]  # receives final (n, 2) int16 frames in order
Event = tuple[str, int | str, str]  # (kind, media position in ms or mark, base64 payload)

CALLER, AGENT, PLAYED, CLEARED = "c", "a", "p", "x"


def b64_size(payload: str) -> int:
    """Decoded size of a base64 string, without decoding it."""
    return len(payload) * 3 // 4 - payload.endswith("=") - payload.endswith("==")


def _ms(position: int | str) -> int:
    try:
        return max(0, int(position))
    except ValueError:
        return 0


class Timeline:
    """A sliding window of stereo samples; `sink` gets each frame once, in order."""

    def __init__(self, sink: Sink, *, hold_ms: int = 2000) -> None:
        self._sink = sink
        self._hold = hold_ms * SAMPLES_PER_MS
        self._base = 0  # media position (samples) of `_buffer[0]`
        self._buffer = np.zeros((SAMPLE_RATE * 4, 2), dtype=np.int16)
        self._media_end = 0  # end of the latest caller audio
        self._agent_cursor = 0  # end of the latest agent audio placed
        # mark -> the agent audio it covers (sent before it), not yet heard
        self._pending: dict[str, list[str]] = {}

    @property
    def end(self) -> int:
        return max(self._media_end, self._agent_cursor)

    def apply(self, events: Iterable[Event]) -> None:
        """Apply events in the order they happened on the call:
        CALLER (media position in ms, payload) — a frame from the caller;
        AGENT (mark, payload) — agent audio forwarded, heard once `mark` echoes (a mark
        covers every chunk sent under its name);
        PLAYED (mark, "") — Twilio echoed `mark`: its audio has played, ending about now;
        CLEARED — the caller barged in: audio still queued at Twilio is never heard."""
        placed: list[list[tuple[int, int, str]]] = [[], []]  # (start, size, payload)
        for kind, first, payload in events:
            if kind == CALLER:
                start, size = _ms(first) * SAMPLES_PER_MS, b64_size(payload)
                placed[0].append((start, size, payload))
                self._media_end = max(self._media_end, start + size)
            elif kind == AGENT:
                self._pending.setdefault(str(first), []).append(payload)
            elif kind == PLAYED:
                covered = self._pending.pop(str(first), None)
                if covered is None:
                    continue  # a stale echo after a clear
                sizes = [b64_size(sent) for sent in covered]
                start = max(self._agent_cursor, self._media_end - sum(sizes))
                for sent, size in zip(covered, sizes, strict=True):
                    placed[1].append((start, size, sent))
                    start += size
                self._agent_cursor = start
            elif kind == CLEARED:
                self._pending.clear()
        for channel, pieces in enumerate(placed):
            for start, payloads in _runs(pieces):
                mulaw = b"".join([a2b_base64(p) for p in payloads])
                self._put(channel, start, decode_mulaw(mulaw))
        self._flush(final=False)

    def close(self) -> None:
        self._flush(final=True)

    def _put(self, channel: int, start: int, samples: np.ndarray) -> None:
        skip = max(0, self._base - start)  # already final: what is late is dropped
        if skip >= len(samples):
            return
        samples = samples[skip:]
        offset = start + skip - self._base
        needed = offset + len(samples)
        if needed > len(self._buffer):
            grown = np.zeros((max(needed, len(self._buffer) * 2), 2), dtype=np.int16)
            grown[: len(self._buffer)] = self._buffer
            self._buffer = grown
        self._buffer[offset:needed, channel] = samples

    def _flush(self, *, final: bool) -> None:
        frontier = self.end if final else self._media_end - self._hold
        count = frontier - self._base
        if count <= 0 or (not final and count < SAMPLE_RATE // 2):
            return  # write in half-second steps at least
        self._sink(self._buffer[:count].copy())
        rest = self._buffer[count:]
        self._buffer = np.zeros_like(self._buffer)
        self._buffer[: len(rest)] = rest
        self._base = frontier


def _runs(pieces: list[tuple[int, int, str]]) -> list[tuple[int, list[str]]]:
    """Pieces grouped where each starts where the previous one ended: (start, payloads)."""
    runs: list[tuple[int, list[str]]] = []
    expected = -1
    for start, size, payload in pieces:
        if start != expected:
            runs.append((start, []))
        runs[-1][1].append(payload)
        expected = start + size
    return runs
