"""The simulator's side of one media stream: Twilio's WebSocket client, and the caller's line.

It speaks Twilio's protocol to our `/media-stream`: `connected`, `start`, caller audio as
`media` every 20 ms in real time, DTMF, `stop`; it plays the agent's audio back in real time,
echoes each `mark` once the audio queued before it has played, and honours `clear`.
"""

import asyncio
import base64
import json
import logging
import secrets
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Literal

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from callcenter.sim.caller import SimulatedCaller
from callcenter.telephony.protocol import (
    FRAME_BYTES,
    OutboundClear,
    OutboundMark,
    OutboundMedia,
    ProtocolError,
    parse_outbound,
)

log = logging.getLogger(__name__)

FRAME_SECONDS = 0.02
MULAW_SILENCE = b"\xff"

StreamEnd = Literal["caller_hung_up", "socket_closed", "stopped"]


def new_sid(prefix: str) -> str:
    """A Twilio-shaped sid: two letters and 32 hex digits."""
    return prefix + secrets.token_hex(16)


@dataclass(slots=True)
class _Mark:
    name: str


@dataclass
class StreamStats:
    """What the simulated Twilio saw on the socket (tests read these)."""

    media_sent: int = 0
    media_received: int = 0
    bytes_played: int = 0
    marks_received: list[str] = field(default_factory=list)
    marks_echoed: list[str] = field(default_factory=list)
    clears: int = 0
    cleared_at: list[float] = field(default_factory=list)  # loop time of each clear
    protocol_errors: list[str] = field(default_factory=list)
    sent_messages: list[dict[str, Any]] = field(default_factory=list)


class SimulatedLine:
    """One `<Connect><Stream>` session; implements `CallerLine` for the simulated caller."""

    def __init__(
        self,
        *,
        url: str,
        call_sid: str,
        account_sid: str,
        custom_parameters: dict[str, str],
        headers: dict[str, str] | None = None,
        keep_sent_messages: bool = False,
    ) -> None:
        self.url = url
        self.call_sid = call_sid
        self.account_sid = account_sid
        self.stream_sid = new_sid("MZ")
        self.custom_parameters = custom_parameters
        self.stats = StreamStats()
        self._headers = headers or {}
        self._keep_sent = keep_sent_messages
        self._ws: ClientConnection | None = None
        self._send_lock = asyncio.Lock()
        self._sequence = 0
        self._playback: deque[bytes | _Mark] = deque()
        self._due_marks: list[str] = []
        self._outgoing: deque[tuple[bytearray, asyncio.Future[None]]] = deque()
        self._hiss, self._hiss_at = b"", 0  # the line's own noise, looped between words
        self._heard: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._ended = asyncio.Event()
        self._end: StreamEnd | None = None

    # --- CallerLine -------------------------------------------------------------------------

    async def say(self, audio: bytes) -> None:
        if self.ended or not audio:
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._outgoing.append((bytearray(audio), done))
        ended: asyncio.Task[Any] = asyncio.create_task(self._ended.wait())
        waiting: set[asyncio.Future[Any]] = {done, ended}
        try:
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        finally:
            ended.cancel()

    def hiss(self, noise: bytes) -> None:
        self._hiss, self._hiss_at = noise, 0

    async def hear(self, timeout: float | None = None) -> bytes | None:  # noqa: ASYNC109
        if self.ended and self._heard.empty():
            return None
        try:
            async with asyncio.timeout(timeout):
                return await self._heard.get()
        except TimeoutError:
            return b""

    async def press(self, digit: str) -> None:
        await self._send(
            {
                "event": "dtmf",
                "streamSid": self.stream_sid,
                "dtmf": {"track": "inbound_track", "digit": digit},
            }
        )

    async def hang_up(self) -> None:
        self._finish("caller_hung_up")

    @property
    def ended(self) -> bool:
        return self._ended.is_set()

    # --- carrier side -----------------------------------------------------------------------

    def stop(self) -> None:
        """End the stream from Twilio's side (REST hang-up or redirect)."""
        self._finish("stopped")

    def _finish(self, how: StreamEnd) -> None:
        if self._end is None:
            self._end = how
        self._ended.set()

    async def run(self, caller: SimulatedCaller) -> StreamEnd:
        """Open the socket, stream until either side ends, and say how it ended."""
        async with connect(
            self.url, additional_headers=self._headers, open_timeout=10, max_size=2**20
        ) as ws:
            self._ws = ws
            await self._send({"event": "connected", "protocol": "Call", "version": "1.0.0"})
            await self._send(self._start_message())
            tasks = [
                asyncio.create_task(self._clock(), name=f"sim-clock-{self.call_sid}"),
                asyncio.create_task(self._receive(ws), name=f"sim-recv-{self.call_sid}"),
                asyncio.create_task(self._run_caller(caller), name=f"sim-caller-{self.call_sid}"),
            ]
            try:
                await self._ended.wait()
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                self._heard.put_nowait(None)
                for _audio, done in self._outgoing:
                    if not done.done():
                        done.set_result(None)
            if self._end != "socket_closed":
                await self._send(
                    {
                        "event": "stop",
                        "streamSid": self.stream_sid,
                        "stop": {"accountSid": self.account_sid, "callSid": self.call_sid},
                    }
                )
        return self._end or "socket_closed"

    def _start_message(self) -> dict[str, Any]:
        return {
            "event": "start",
            "streamSid": self.stream_sid,
            "start": {
                "streamSid": self.stream_sid,
                "accountSid": self.account_sid,
                "callSid": self.call_sid,
                "tracks": ["inbound"],
                "customParameters": self.custom_parameters,
                "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
            },
        }

    async def _send(self, message: dict[str, Any]) -> None:
        """Send one frame; every frame but `connected` carries the next sequence number."""
        async with self._send_lock:
            ws = self._ws
            if ws is None:
                return
            if message["event"] != "connected":
                self._sequence += 1
                message = {"event": message["event"], "sequenceNumber": str(self._sequence)} | {
                    k: v for k, v in message.items() if k != "event"
                }
            if self._keep_sent:
                self.stats.sent_messages.append(message)
            try:
                await ws.send(json.dumps(message, separators=(",", ":")))
            except ConnectionClosed:
                self._finish("socket_closed")

    async def _run_caller(self, caller: SimulatedCaller) -> None:
        try:
            await caller(self)
        except Exception:
            log.exception("simulated caller failed", extra={"call_sid": self.call_sid})
        self._finish("caller_hung_up")

    async def _clock(self) -> None:
        """Every 20 ms: echo marks whose audio has played, send a caller frame, play a frame."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        frame = 0
        while not self.ended:
            frame += 1
            # A stalled loop catches up in a burst, as Twilio's frames would arrive after a
            # network stall: skipping them would put the stream's clock (the frames counted)
            # behind the wall clock, and the bridge stamps turns by the stream's clock.
            await asyncio.sleep(max(0.0, start + frame * FRAME_SECONDS - loop.time()))
            for name in self._due_marks:
                self.stats.marks_echoed.append(name)
                await self._send(
                    {"event": "mark", "streamSid": self.stream_sid, "mark": {"name": name}}
                )
            self._due_marks = []
            payload = base64.b64encode(self._next_caller_frame()).decode("ascii")
            await self._send(
                {
                    "event": "media",
                    "streamSid": self.stream_sid,
                    "media": {
                        "track": "inbound",
                        "chunk": str(frame),
                        "timestamp": str((frame - 1) * 20),
                        "payload": payload,
                    },
                }
            )
            self.stats.media_sent += 1
            self._play_frame()

    def _next_caller_frame(self) -> bytes:
        out = bytearray()
        while len(out) < FRAME_BYTES and self._outgoing:
            audio, done = self._outgoing[0]
            take = FRAME_BYTES - len(out)
            out += audio[:take]
            del audio[:take]
            if not audio:
                self._outgoing.popleft()
                if not done.done():
                    done.set_result(None)
        return bytes(out) + self._quiet(FRAME_BYTES - len(out))

    def _quiet(self, size: int) -> bytes:
        """What the line carries while nothing is said: its noise, or digital silence."""
        if not self._hiss or not size:
            return MULAW_SILENCE * size
        start = self._hiss_at % len(self._hiss)
        self._hiss_at = start + size
        chunk = self._hiss[start : start + size]
        return chunk + self._hiss[: size - len(chunk)]

    def _play_frame(self) -> None:
        """Play up to 20 ms of queued agent audio; marks reached become due next tick."""
        played = bytearray()
        while self._playback and len(played) < FRAME_BYTES:
            head = self._playback[0]
            if isinstance(head, _Mark):
                self._due_marks.append(head.name)
                self._playback.popleft()
                continue
            take = FRAME_BYTES - len(played)
            played += head[:take]
            if len(head) > take:
                self._playback[0] = head[take:]
            else:
                self._playback.popleft()
        while self._playback and isinstance(self._playback[0], _Mark):
            mark = self._playback.popleft()
            assert isinstance(mark, _Mark)
            self._due_marks.append(mark.name)
        if played:
            self.stats.bytes_played += len(played)
            self._heard.put_nowait(bytes(played))

    async def _receive(self, ws: ClientConnection) -> None:
        try:
            async for raw in ws:
                if isinstance(raw, bytes):
                    self.stats.protocol_errors.append("31950: binary frame")
                    continue
                self._handle(raw)
        except ConnectionClosed:
            pass
        self._finish("socket_closed")

    def _handle(self, raw: str) -> None:
        message = parse_outbound(raw)
        if isinstance(message, ProtocolError):
            self.stats.protocol_errors.append(f"31951: {message.reason}")
            return
        if message.stream_sid != self.stream_sid:
            self.stats.protocol_errors.append(f"31951: unknown streamSid {message.stream_sid}")
            return
        if isinstance(message, OutboundMedia):
            try:
                audio = base64.b64decode(message.media.payload, validate=True)
            except ValueError:
                self.stats.protocol_errors.append("31951: payload is not base64")
                return
            self.stats.media_received += 1
            self._playback.append(audio)
        elif isinstance(message, OutboundMark):
            self.stats.marks_received.append(message.mark.name)
            if self._playback:
                self._playback.append(_Mark(message.mark.name))
            else:
                self._due_marks.append(message.mark.name)
        elif isinstance(message, OutboundClear):
            # Cleared audio never plays; the marks queued with it are echoed straight away.
            self.stats.clears += 1
            self.stats.cleared_at.append(asyncio.get_running_loop().time())
            for item in self._playback:
                if isinstance(item, _Mark):
                    self._due_marks.append(item.name)
            self._playback.clear()
