"""`PhoneLine`: the agent's side of a live call as the voice bridge sees it, vendor-neutral."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

MULAW_BYTES_PER_MS = 8  # μ-law at 8 kHz: one byte per sample
FRAME_BYTES = 160  # 20 ms


@dataclass(frozen=True, slots=True)
class CallerAudio:
    """One frame of the caller's audio: base64 μ-law 8 kHz, and its position in the stream."""

    payload: str
    position_ms: int


@dataclass(frozen=True, slots=True)
class MarkPlayed:
    """The audio queued before the mark `name` has finished playing to the caller."""

    name: str


@dataclass(frozen=True, slots=True)
class Digit:
    """The caller pressed a key."""

    digit: str


@dataclass(frozen=True, slots=True)
class HangUp:
    """The line's media ended (the caller hung up, or the call was ended elsewhere)."""


LineMessage = CallerAudio | MarkPlayed | Digit | HangUp


class PhoneLine(Protocol):
    """A started call's media: caller messages in, agent audio out."""

    call_id: int
    call_sid: str
    stream_sid: str
    direction: str  # "inbound" | "outbound"
    custom_parameters: dict[str, str]

    def incoming(self) -> AsyncIterator[LineMessage]:
        """The caller's messages, in order; ends after `HangUp` or when the line closes.
        Malformed frames are counted and logged by the line, never yielded."""
        ...

    async def send_media(self, payload: str) -> None:
        """Queue base64 μ-law audio for the caller."""

    async def send_mark(self, name: str) -> None:
        """Queue a mark; it comes back as `MarkPlayed` when the audio before it has played."""

    async def send_clear(self) -> None:
        """Drop every queued audio frame (barge-in)."""
