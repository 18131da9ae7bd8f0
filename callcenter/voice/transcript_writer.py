"""Writes each finished turn to the database off the audio loop; buffers and retries on outage."""

import asyncio
import collections
import concurrent.futures
import logging
import queue
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from callcenter.db.repo import transcripts
from callcenter.db.session import get_engine
from callcenter.live.events import CallEvent
from callcenter.live.hub import LiveHub

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Turn:
    call_id: int
    key: str
    role: str  # "caller" | "agent"
    text: str
    started_at: datetime
    interrupted: bool = False


def _write(turns: list[Turn]) -> None:
    with get_engine().begin() as connection:
        transcripts.add_turns(
            connection=connection,
            turns=[
                {
                    "call_id": t.call_id,
                    "turn_key": t.key,
                    "role": t.role,
                    "text": t.text,
                    "started_at": t.started_at,
                    "interrupted": t.interrupted,
                }
                for t in turns
            ],
        )


Batch = tuple[list[Turn], "concurrent.futures.Future[None]"]
_FLUSH = None  # queued by a closing call: write what is gathered now


class _BatchWriter:
    """One thread writes every live call's turns: what the calls queued while it wrote goes
    in the next transaction, together. A write is Python holding the GIL (statement, commit)
    that the audio loop waits for; fifty calls finishing turns at once cost one commit, not
    fifty. A turn waits up to `WINDOW_S` for others to share its transaction, unless a call
    is closing (its last turns go at once). When a transaction fails, each call's turns are
    tried again alone, so a turn that cannot be written holds back only its own call (which
    retries it)."""

    MAX_TURNS = 500
    # Fifty calls each ending a turn a second: without the wait a transaction holds one or two
    # turns and the writer took 5 % of a core, with it 1.5 %. A live view shows a turn up to
    # this much later.
    WINDOW_S = 0.1

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Batch | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(
        self, turns: list[Turn], *, urgent: bool = False
    ) -> "concurrent.futures.Future[None]":
        """Queue `turns` for the next transaction; `urgent` writes it without waiting for more."""
        future: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._queue.put((turns, future))
        if urgent:
            self.flush()
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="transcript-writer", daemon=True
                )
                self._thread.start()
        return future

    def _run(self) -> None:
        while True:
            batches = self._gather()
            # A call that stopped waiting (its writer closed) has its turns left out: once
            # running, a future can no longer be cancelled, so each one below gets its answer.
            batches = [b for b in batches if b[1].set_running_or_notify_cancel()]
            if not batches:
                continue
            try:
                self._write(batches)
            except BaseException as exc:  # noqa: BLE001 - this thread must outlive any write
                log.exception("transcript writer: unexpected failure")
                for _, future in batches:
                    if not future.done():
                        future.set_exception(exc)

    def flush(self) -> None:
        """End the wait for more turns now (a call is closing)."""
        self._queue.put(_FLUSH)

    def _gather(self) -> list[Batch]:
        """The next batch (blocks for it) and what others hand over within the window."""
        first = self._queue.get()
        while first is _FLUSH:
            first = self._queue.get()
        batches = [first]
        count = len(first[0])
        deadline = time.monotonic() + self.WINDOW_S
        while count < self.MAX_TURNS:
            try:
                batch = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if batch is _FLUSH:
                break
            batches.append(batch)
            count += len(batch[0])
        return batches

    def _write(self, batches: list[Batch]) -> None:
        try:
            _write([turn for turns, _ in batches for turn in turns])
        except Exception as exc:
            if len(batches) == 1:
                batches[0][1].set_exception(exc)
            else:  # one call's bad turn must not hold back the others: each on its own
                for batch in batches:
                    self._write_alone(batch)
        else:
            for _, future in batches:
                future.set_result(None)

    @staticmethod
    def _write_alone(batch: Batch) -> None:
        turns, future = batch
        try:
            _write(turns)
        except Exception as exc:  # noqa: BLE001 - the call hears why, and retries
            future.set_exception(exc)
        else:
            future.set_result(None)


_WRITER = _BatchWriter()


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
        self._closing = False
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
            turns = list(self._buffer)  # in order; the writer may add them to other calls'
            try:
                await asyncio.wrap_future(_WRITER.submit(turns, urgent=self._closing))
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
            for turn in turns:
                self._buffer.popleft()
                self.written += 1
                self._publish(turn)

    def _publish(self, turn: Turn) -> None:
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
        self._closing = True
        if self._buffer:
            _WRITER.flush()  # turns already handed over go without waiting for company
        drained = asyncio.ensure_future(self._drained.wait())
        # The task ends early only when cancelled with the event loop: nothing writes then.
        try:
            await asyncio.wait([drained, task], timeout=grace, return_when=asyncio.FIRST_COMPLETED)
        finally:
            drained.cancel()
        if self.pending:
            log.error("%d transcript turns of the call could not be saved", self.pending)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
