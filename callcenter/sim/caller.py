"""The caller's side of a simulated call, and the Protocol every simulated caller implements."""

from typing import Protocol


class CallerLine(Protocol):
    """What a simulated caller can do on the line; all audio is raw μ-law 8 kHz bytes.

    While nothing is being said the line sends silence frames, every 20 ms, like a phone.
    """

    async def say(self, audio: bytes) -> None:
        """Send `audio` in 20 ms frames at real-time pace; returns when all of it was sent."""

    async def hear(self, timeout: float | None = None) -> bytes | None:  # noqa: ASYNC109
        """The next chunk of agent audio as it plays; b"" on timeout; None once the call ended."""

    def hiss(self, noise: bytes) -> None:
        """Send `noise` (looped) instead of silence while nothing is being said."""

    async def press(self, digit: str) -> None:
        """Send a DTMF digit."""

    async def hang_up(self) -> None:
        """End the call from the caller's side (the stream stops)."""

    @property
    def ended(self) -> bool:
        """True once either side has ended the call."""
        ...


class SimulatedCaller(Protocol):
    """A scripted caller (silence, a WAV file, a flite persona, a browser softphone)."""

    async def __call__(self, line: CallerLine) -> None: ...
