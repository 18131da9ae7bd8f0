"""Audio frames that carry their own send time, so any process can time them on arrival.

A 20 ms μ-law frame is 160 bytes; its first 9 bytes hold the sender's monotonic clock in
nanoseconds (8 bytes, shared by every process on the machine) and a flag (1 = the first audio
of a reply). Nine bytes are three whole base64 groups, so the payload is the stamp's 12 base64
characters followed by a fixed tail encoded once.
"""

import base64
import time
from array import array

FRAME_BYTES = 160
STAMP_CHARS = 12
TAIL_B64 = base64.b64encode(b"\xff" * (FRAME_BYTES - 9))  # μ-law silence
FIRST_OF_REPLY = 1


def stamp(flag: int = 0) -> bytes:
    """The 12 base64 characters that start a payload sent now."""
    return base64.b64encode(time.perf_counter_ns().to_bytes(8, "big") + bytes((flag,)))


def read(data: bytes, at: int) -> tuple[int, int]:
    """(send time ns, flag) of the stamp at `data[at:at + 12]`."""
    raw = base64.b64decode(data[at : at + STAMP_CHARS])
    return int.from_bytes(raw[:8], "big"), raw[8]


class Timings:
    """Send times (ns) and latencies (µs) of the frames one process received."""

    def __init__(self) -> None:
        self.sent_at = array("q")
        self.latency_us = array("q")

    def add(self, sent_ns: int, now_ns: int) -> None:
        self.sent_at.append(sent_ns)
        self.latency_us.append((now_ns - sent_ns) // 1000)

    def dump(self) -> tuple[bytes, bytes]:
        return self.sent_at.tobytes(), self.latency_us.tobytes()


def load(dumped: list[tuple[bytes, bytes]]) -> tuple[array, array]:
    """Merge dumps from several processes."""
    sent, lat = array("q"), array("q")
    for s, latency in dumped:
        sent.frombytes(s)
        lat.frombytes(latency)
    return sent, lat
