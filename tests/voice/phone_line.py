"""An in-memory phone line as the bridge sees one: plays agent audio at real-time pace, echoes
marks once the audio before them has played (or was cleared), lets a test speak and hang up."""

import asyncio
import base64
import contextlib
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from callcenter.voice.line import CallerAudio, Digit, HangUp, LineMessage, MarkPlayed

FRAME = 160
SILENCE_FRAME = b"\xff" * FRAME
SPEECH_BYTE = 0x22


@dataclass
class Sent:
    kind: str  # media | mark | clear
    payload: str = ""
    at_played_bytes: int = 0
    at: float = 0.0  # loop time it reached the line


@dataclass
class PhoneLine:
    """Implements the bridge's `PhoneLine` and the phone side for the test."""

    call_id: int
    call_sid: str = "CA" + "0" * 32
    stream_sid: str = "MZ" + "0" * 32
    direction: str = "inbound"
    custom_parameters: dict[str, str] = field(default_factory=dict)
    speed: float = 1.0  # 2.0 plays agent audio twice as fast as real time

    def __post_init__(self) -> None:
        self._incoming: asyncio.Queue[LineMessage | None] = asyncio.Queue()
        self._queue: deque[tuple[str, bytes | str]] = deque()  # ("audio", bytes) | ("mark", name)
        self._wake = asyncio.Event()
        self.sent: list[Sent] = []
        self.heard = bytearray()  # agent audio that actually played
        self.clears = 0
        self.ended = asyncio.Event()
        self.heard_audio = asyncio.Event()
        self.spoke_at: list[float] = []  # loop time each stretch of caller sound began
        self._speech: deque[bytes] = deque()
        self._chunk = 0
        self._tasks: list[asyncio.Task[None]] = []

    # --- the line (what the bridge sees) ----------------------------------------------

    async def incoming(self) -> AsyncIterator[LineMessage]:
        while True:
            message = await self._incoming.get()
            if message is None:
                return
            yield message
            if isinstance(message, HangUp):
                return

    def _record(self, kind: str, payload: str = "") -> None:
        self.sent.append(Sent(kind, payload, len(self.heard), asyncio.get_running_loop().time()))

    async def send_media(self, payload: str) -> None:
        self._record("media", payload)
        self._queue.append(("audio", base64.b64decode(payload)))
        self._wake.set()

    async def send_mark(self, name: str) -> None:
        self._record("mark", name)
        self._queue.append(("mark", name))
        self._wake.set()

    async def send_clear(self) -> None:
        self._record("clear")
        self.clears += 1
        # Twilio drops queued audio and echoes the marks that were waiting behind it.
        marks = [name for kind, name in self._queue if kind == "mark"]
        self._queue.clear()
        for name in marks:
            self._push(MarkPlayed(str(name)))

    # --- the phone -----------------------------------------------------------------------

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._player(), name="line-player"),
            asyncio.create_task(self._microphone(), name="line-mic"),
        ]

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _push(self, message: LineMessage | None) -> None:
        if not self.ended.is_set():
            self._incoming.put_nowait(message)

    def say(self, ms: int) -> None:
        """Speak (non-silent audio) for `ms`, from the next frame on."""
        self._speech.extend([bytes([SPEECH_BYTE]) * FRAME] * (ms // 20))

    def play(self, audio: bytes) -> None:
        """Send this μ-law audio as the caller's, from the next frame on (padded to a frame)."""
        audio += b"\xff" * (-len(audio) % FRAME)
        self._speech.extend(audio[i : i + FRAME] for i in range(0, len(audio), FRAME))

    def press(self, digit: str) -> None:
        self._push(Digit(digit))

    def hang_up(self) -> None:
        self._push(HangUp())
        self.ended.set()

    def carrier_ended(self) -> None:
        """The carrier ended the call (REST hang-up): the socket closes."""
        self._push(None)
        self.ended.set()

    @property
    def played_ms(self) -> int:
        return len(self.heard) // 8

    async def played(self, ms: int) -> None:
        """Until at least `ms` of agent audio has played."""
        while self.played_ms < ms:
            self.heard_audio.clear()
            await self.heard_audio.wait()

    def heard_speech(self) -> bool:
        return any(b != 0xFF for b in self.heard)

    async def _microphone(self) -> None:
        # Like a phone: a 20 ms frame every 20 ms, silence unless the caller is speaking.
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        sounding = False
        while not self.ended.is_set():
            frame = self._speech.popleft() if self._speech else SILENCE_FRAME
            if frame is not SILENCE_FRAME and not sounding:
                self.spoke_at.append(loop.time())
            sounding = frame is not SILENCE_FRAME
            self._chunk += 1
            self._push(CallerAudio(base64.b64encode(frame).decode(), self._chunk * 20))
            next_at += 0.02
            await asyncio.sleep(max(0.0, next_at - loop.time()))

    async def _player(self) -> None:
        # Plays queued audio in 20 ms steps in (scaled) real time; marks echo when reached.
        while True:
            if not self._queue:
                self._wake.clear()
                await self._wake.wait()
                continue
            kind, value = self._queue[0]
            if kind == "mark":
                self._queue.popleft()
                self._push(MarkPlayed(str(value)))
                continue
            assert isinstance(value, bytes)
            step, rest = value[:FRAME], value[FRAME:]
            await asyncio.sleep(0.02 / self.speed)  # playing takes time
            with contextlib.suppress(IndexError):
                if self._queue and self._queue[0][1] is value:
                    self.heard += step
                    self.heard_audio.set()
                    if rest:
                        self._queue[0] = ("audio", rest)
                    else:
                        self._queue.popleft()
