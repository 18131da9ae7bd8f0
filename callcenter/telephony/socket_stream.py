"""`SocketMediaStream`: a Twilio media stream over a live WebSocket, as a `PhoneLine`."""

import asyncio
import logging
from collections.abc import AsyncIterator

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from callcenter import metrics
from callcenter.telephony import serializer
from callcenter.telephony.protocol import ProtocolError, StartMessage
from callcenter.voice.line import HangUp, LineMessage

log = logging.getLogger(__name__)


class StreamClosed(Exception):
    """The socket closed before the stream started."""


async def receive_text(websocket: WebSocket) -> str | bytes | None:
    """The next frame's data; None once the socket has closed."""
    try:
        message = await websocket.receive()
    except (WebSocketDisconnect, RuntimeError):
        return None
    if message["type"] == "websocket.disconnect":
        return None
    text = message.get("text")
    if text is not None:
        return str(text)
    data = message.get("bytes")
    return bytes(data) if data is not None else ""


class SocketMediaStream:
    """One started stream. Every send goes through one lock, so frames never interleave."""

    def __init__(self, websocket: WebSocket, start: StartMessage, *, call_id: int) -> None:
        self._ws = websocket
        self._send_lock = asyncio.Lock()
        self.call_id = call_id
        self.call_sid = start.start.call_sid
        self.stream_sid = start.stream_sid
        self.custom_parameters = dict(start.start.custom_parameters)
        self.direction = self.custom_parameters.get("direction", "inbound")
        self.bad_frames = 0
        self.stopped = False
        self.closed = False

    @property
    def _log_extra(self) -> dict[str, object]:
        return {"call_sid": self.call_sid, "stream_sid": self.stream_sid, "call_id": self.call_id}

    def count_bad_frame(self, error: ProtocolError) -> None:
        self.bad_frames += 1
        metrics.count_error("bad_stream_frame")
        log.warning(
            "bad media-stream frame #%d: %s", self.bad_frames, error.reason, extra=self._log_extra
        )

    async def incoming(self) -> AsyncIterator[LineMessage]:
        while not self.stopped:
            raw = await receive_text(self._ws)
            if raw is None:
                self.closed = True
                return
            message = serializer.decode(raw)
            if message is None:
                continue  # a repeat of the handshake messages carries nothing new
            if isinstance(message, ProtocolError):
                self.count_bad_frame(message)
                continue
            if isinstance(message, HangUp):
                self.stopped = True
            yield message

    async def _send(self, text: str) -> None:
        async with self._send_lock:
            if self.closed or self._ws.application_state != WebSocketState.CONNECTED:
                return
            try:
                await self._ws.send_text(text)
            except (WebSocketDisconnect, RuntimeError, OSError):
                self.closed = True

    async def send_media(self, payload: str) -> None:
        await self._send(serializer.encode_media(self.stream_sid, payload))

    async def send_mark(self, name: str) -> None:
        await self._send(serializer.encode_mark(self.stream_sid, name))

    async def send_clear(self) -> None:
        await self._send(serializer.encode_clear(self.stream_sid))

    async def close(self) -> None:
        """Close our side of the socket (the call itself is ended through the carrier)."""
        async with self._send_lock:
            if self._ws.application_state == WebSocketState.CONNECTED:
                try:
                    await self._ws.close()
                except (WebSocketDisconnect, RuntimeError, OSError):
                    pass  # the other side already went away
            self.closed = True
