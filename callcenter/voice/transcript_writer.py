"""Writes each finished turn to the database off the audio loop; buffers and retries on outage."""

import asyncio
import collections
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from callcenter.db.repo import transcripts
from callcenter.db.session import session_scope
from callcenter.live.events import CallEvent
from callcenter.live.hub import LiveHub

log = logging.getLogger(__name__)

# One thread writes every call's turns: a write is ~1 ms of Python holding the GIL, and one
# writer thread (not one per concurrent write) is all the event loop ever competes with.
_WRITER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="transcript-writer")


@dataclass(frozen=True, slots=True)
class Turn:
    call_id: int
    key: str
    role: str  # "caller" | "agent"
    text: str
    started_at: datetime
    interrupted: bool = False


def _write(turn: Turn) -> None:
    with session_scope() as session:
        transcripts.add_turn(
            session=session,
            call_id=turn.call_id,
            turn_key=turn.key,
            role=turn.role,
            text=turn.text,
            started_at=turn.started_at,
            interrupted=turn.interrupted,
        )


class TranscriptWriter:
    """One per call: `add()` never blocks; a task commits turns in order, retrying while the
    database is unreachable, and publishes a `turn` event after each commit."""

    def __init__(self, hub: LiveHub, *, retry_first: float = 0.2, retry_max: float = 2.0) -> None:
        self._hub = hub
        self._buffer: collections.deque[Turn] = collections.deque()
        self._wakeup = asyncio.Event()
        self._drained = asyncio.Event()
        self._drained.set()
        self._retry_first = retry_first
        self._retry_max = retry_max
        self._task: asyncio.Task[None] | None = None
        self.written = 0
        self.failures = 0

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="transcript-writer")

    def add(self, turn: Turn) -> None:
        """Queue a finished turn (empty text is skipped)."""
        if not turn.text.strip():
            return
        self._buffer.append(turn)
        self._drained.clear()
        self._wakeup.set()

    @property
    def pending(self) -> int:
        return len(self._buffer)

    async def _run(self) -> None:
        delay = self._retry_first
        while True:
            if not self._buffer:
                self._drained.set()
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            turn = self._buffer[0]
            try:
                await asyncio.get_running_loop().run_in_executor(_WRITER, _write, turn)
            except Exception as exc:
                self.failures += 1
                log.warning(
                    "transcript turn not saved yet (%s); %d buffered, retrying in %.1f s",
                    type(exc).__name__,
                    len(self._buffer),
                    delay,
                )
                await asyncio.sleep(delay)  # back-off: the database gives no event when it returns
                delay = min(delay * 2, self._retry_max)
                continue
            delay = self._retry_first
            self._buffer.popleft()
            self.written += 1
            self._hub.publish(
                CallEvent(
                    kind="turn",
                    call_id=turn.call_id,
                    data={
                        "role": turn.role,
                        "text": turn.text,
                        "started_at": turn.started_at.isoformat(),
                        "interrupted": turn.interrupted,
                    },
                )
            )

    async def close(self, grace: float = 30.0) -> None:
        """Give buffered turns up to `grace` seconds to land, then stop the task."""
        task, self._task = self._task, None
        if task is None:
            return
        try:
            async with asyncio.timeout(grace):
                await self._drained.wait()
        except TimeoutError:
            log.error("%d transcript turns could not be saved before the deadline", self.pending)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
