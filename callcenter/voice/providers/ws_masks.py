"""Websocket client frame masks drawn from a buffered CSPRNG: one `getrandom` per 1,024 frames.

RFC 6455 asks a client to mask every frame it sends with 4 unpredictable bytes. The
`websockets` library asks `secrets.token_bytes(4)` for each, which is a system call per frame:
with every live call sending fifty audio frames a second to the Realtime service, those calls
were about 4 % of the process's CPU. The bytes here come from the same source (`os.urandom`),
4 KiB at a time, each byte handed out once.
"""

import os
import threading

from websockets import frames

REFILL_BYTES = 4096


class BufferedTokens:
    """`token_bytes(n)` as `secrets` has it, served from an `os.urandom` buffer."""

    def __init__(self, refill: int = REFILL_BYTES) -> None:
        self._refill = refill
        self._buffer = b""
        self._at = 0
        self._lock = threading.Lock()  # client frames may be built on several threads

    def token_bytes(self, nbytes: int | None = None) -> bytes:
        n = 32 if nbytes is None else nbytes
        if n > self._refill:
            return os.urandom(n)
        with self._lock:
            if self._at + n > len(self._buffer):
                self._buffer, self._at = os.urandom(self._refill), 0
            start = self._at
            self._at = start + n
            return self._buffer[start : start + n]


def install() -> None:
    """Make the `websockets` frame serializer draw its masks from the buffer (idempotent)."""
    if not isinstance(frames.secrets, BufferedTokens):
        frames.secrets = BufferedTokens()  # type: ignore[assignment]
