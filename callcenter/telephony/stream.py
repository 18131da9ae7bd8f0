"""`MediaStream`: one live Twilio media stream as the voice bridge sees it."""

from collections.abc import AsyncIterator
from typing import Protocol

from callcenter.telephony.protocol import DtmfMessage, MarkMessage, MediaMessage, StopMessage

StreamMessage = MediaMessage | MarkMessage | DtmfMessage | StopMessage


class MediaStream(Protocol):
    """A started stream: identifiers from `start`, caller messages in, agent audio out."""

    call_id: int
    call_sid: str
    stream_sid: str
    direction: str  # "inbound" | "outbound"
    custom_parameters: dict[str, str]

    def incoming(self) -> AsyncIterator[StreamMessage]:
        """Valid messages after `start`, in order; ends after `stop` or when the socket closes.
        Malformed frames are counted and logged by the stream, never yielded."""
        ...

    async def send_media(self, payload: str) -> None:
        """Queue base64 μ-law audio for the caller."""

    async def send_mark(self, name: str) -> None:
        """Queue a mark; Twilio echoes it when the audio before it has played."""

    async def send_clear(self) -> None:
        """Drop every queued audio frame at Twilio (barge-in)."""
