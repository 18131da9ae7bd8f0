"""`CallRecorder`: the bridge hands it references to payloads it already has (a list append
each); one writer task per event loop wakes ten times a second and turns what gathered into
audio for the calls whose turn it is (each call about once every `STEP_SECONDS`, at its own
moment, so the work is spread over time), yielding between calls; file writes go to one I/O
thread. A writer thread doing the decoding would hold the interpreter lock against the event
loop instead."""

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import BinaryIO

import numpy as np

from callcenter.recording.store import RecordingStore
from callcenter.recording.timeline import AGENT, CALLER, CLEARED, PLAYED, Event, Timeline
from callcenter.recording.wav import GrowingWav

log = logging.getLogger(__name__)

WAKE_SECONDS = 0.1  # how often the writer looks for calls whose turn it is
# How long a call's events gather before they are turned into audio. Each step has a fixed cost
# (a pass through the timeline, a numpy decode per stretch, a yield, a file append): at 0.1 s it
# was a sixth of the served core's CPU at fifty calls, at 1 s it is within that bench's noise.
# A crash loses at most this much more than the timeline's hold.
STEP_SECONDS = 1.0
SLICE = 48  # events turned into audio between two yields to the event loop (about 0.3 s)

# File I/O, in order, off the event loop: one thread for every recording of the process.
_io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="recording-io")


class CallRecorder:
    """One call's recording. What the bridge calls only appends to a list."""

    def __init__(
        self,
        store: RecordingStore,
        key: str,
        *,
        on_started: Callable[[], None] | None = None,
    ) -> None:
        self.key = key
        self.store = store
        self.on_started = on_started
        self.events: list[Event] = []
        self.closing = False
        self.closed = asyncio.Event()
        self.frames_written = 0
        self.due = time.monotonic()  # the writer's next step for this call: the file at once
        self._append = self.events.append
        _writer().add(self)

    # --- the bridge's side: no work, only references -------------------------------------

    def caller(self, position_ms: int, payload: str) -> None:
        self._append((CALLER, position_ms, payload))

    def agent(self, mark: str, payload: str) -> None:
        self._append((AGENT, mark, payload))

    def played(self, mark: str) -> None:
        self._append((PLAYED, mark, ""))

    def cleared(self) -> None:
        self._append((CLEARED, "", ""))

    async def close(self) -> None:
        """Write what is left and close the file."""
        self.closing = True
        _writer().wake()
        await self.closed.wait()


@dataclass(slots=True)
class _Open:
    """A recording being written: its file, WAV, timeline and frames waiting for the disk."""

    handle: BinaryIO
    wav: GrowingWav
    ready: list[np.ndarray] = field(default_factory=list)
    closing: bool = False  # the call's last events are taken: close once they are written
    timeline: Timeline = field(init=False)

    def __post_init__(self) -> None:
        self.timeline = Timeline(self.ready.append)


class _Writer:
    """The recordings of one event loop; its task runs while any recording is open."""

    def __init__(self) -> None:
        self._recorders: dict[CallRecorder, _Open | None] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._notes: set[asyncio.Task[None]] = set()  # "recording started" database writes

    def add(self, recorder: CallRecorder) -> None:
        self._recorders[recorder] = None
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name="recording-writer"
            )

    def wake(self) -> None:
        self._wake.set()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            await self._serve(loop)
        except asyncio.CancelledError:
            # The loop is shutting down: each open recording is finished with what it has, so
            # no file is left without its last audio and no call waits on a writer that is gone.
            try:
                for recorder in self._recorders:
                    recorder.closing = True
                await self._pass(loop)  # closing calls are all due: one pass finishes them
            finally:
                for recorder in list(self._recorders):
                    rec = self._recorders.pop(recorder)
                    if rec is not None:
                        _io.submit(rec.handle.close)  # after any write still queued there
                    recorder.closed.set()
            raise

    async def _serve(self, loop: asyncio.AbstractEventLoop) -> None:
        while self._recorders:
            try:
                async with asyncio.timeout(WAKE_SECONDS):
                    await self._wake.wait()
            except TimeoutError:
                pass
            self._wake.clear()
            await self._pass(loop)

    async def _pass(self, loop: asyncio.AbstractEventLoop) -> None:
        """One step for each call whose turn it is (and each closing one), then their writes."""
        now = time.monotonic()
        writes: list[tuple[CallRecorder, _Open, np.ndarray | None]] = []
        for recorder in list(self._recorders):
            if recorder.due > now and not recorder.closing:
                continue  # not this call's turn yet
            recorder.due = now + STEP_SECONDS
            try:
                writes.append(await self._step(loop, recorder))
            except Exception:
                log.exception("recording %s failed; the call goes on unrecorded", recorder.key)
                await self._drop(loop, recorder)
            await asyncio.sleep(0)  # one call at a time: the bridges run in between
        await self._write(loop, writes)

    async def _step(
        self, loop: asyncio.AbstractEventLoop, recorder: CallRecorder
    ) -> tuple[CallRecorder, _Open, np.ndarray | None]:
        """Turn what the call's bridge gathered into audio; what is ready to go to disk."""
        rec = self._recorders[recorder]
        if rec is None:
            handle = await loop.run_in_executor(_io, recorder.store.create, recorder.key)
            rec = self._recorders[recorder] = _Open(handle=handle, wav=GrowingWav(handle))
            if recorder.on_started is not None:
                note = loop.create_task(asyncio.to_thread(recorder.on_started))
                self._notes.add(note)
                note.add_done_callback(self._notes.discard)
        events, recorder.events[:] = list(recorder.events), []
        if recorder.closing:
            rec.closing = True  # every event before the close is in `events`
        for start in range(0, len(events), SLICE):
            if start:
                await asyncio.sleep(0)  # between slices; after the last, the pass yields
            rec.timeline.apply(events[start : start + SLICE])
        if rec.closing:
            rec.timeline.close()
        if not rec.ready:
            return recorder, rec, None
        frames, rec.ready[:] = np.concatenate(rec.ready), []
        return recorder, rec, frames

    async def _write(
        self,
        loop: asyncio.AbstractEventLoop,
        writes: list[tuple[CallRecorder, _Open, np.ndarray | None]],
    ) -> None:
        """Every call's new audio to disk in one trip to the I/O thread (not one per call: at
        fifty calls that was five hundred thread hand-offs a second), then close the ended."""
        appends = [(rec, frames) for _, rec, frames in writes if frames is not None]
        errors = await loop.run_in_executor(_io, _append_all, appends) if appends else []
        failed = {id(rec): error for (rec, _), error in zip(appends, errors, strict=True) if error}
        for recorder, rec, _ in writes:
            error = failed.get(id(rec))
            if error is not None:
                log.error(
                    "recording %s failed; the call goes on unrecorded",
                    recorder.key,
                    exc_info=error,
                )
                await self._drop(loop, recorder)
                continue
            recorder.frames_written = rec.wav.frames
            if rec.closing:
                await self._drop(loop, recorder)

    async def _drop(self, loop: asyncio.AbstractEventLoop, recorder: CallRecorder) -> None:
        rec = self._recorders.pop(recorder, None)
        if rec is not None:
            await loop.run_in_executor(_io, rec.handle.close)
        recorder.closed.set()


def _append_all(appends: list[tuple[_Open, np.ndarray]]) -> list[Exception | None]:
    """Append each recording's frames (on the I/O thread); a failure is that recording's."""
    errors: list[Exception | None] = []
    for rec, frames in appends:
        try:
            rec.wav.append(frames)
        except Exception as exc:  # noqa: BLE001 - handed back, logged with its recording
            errors.append(exc)
        else:
            errors.append(None)
    return errors


_writers: dict[asyncio.AbstractEventLoop, _Writer] = {}


def _writer() -> _Writer:
    loop = asyncio.get_running_loop()
    writer = _writers.get(loop)
    if writer is None:
        for old in [k for k in _writers if k.is_closed()]:
            del _writers[old]
        writer = _writers[loop] = _Writer()
    return writer
