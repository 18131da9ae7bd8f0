"""In-process fan-out of `CallEvent`s to registered sinks, never blocking the publisher."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from callcenter.live.events import CallEvent

log = logging.getLogger(__name__)


class LiveSink(Protocol):
    """Receives every published event; slow sinks only delay themselves."""

    async def __call__(self, event: CallEvent) -> None: ...


SinkFn = Callable[[CallEvent], Awaitable[None]]


class LiveHub:
    """Publishes events to sinks through one bounded queue per sink, each drained by its task."""

    def __init__(self, *, queue_size: int = 10_000) -> None:
        self._queue_size = queue_size
        self._sinks: dict[str, tuple[SinkFn, asyncio.Queue[CallEvent]]] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self.dropped = 0

    def add_sink(self, name: str, sink: SinkFn) -> None:
        """Register `sink`; its drain task starts on the first publish inside a running loop."""
        self._sinks[name] = (sink, asyncio.Queue(maxsize=self._queue_size))

    def remove_sink(self, name: str) -> None:
        self._sinks.pop(name, None)
        task = self._tasks.pop(name, None)
        if task is not None:
            task.cancel()

    def subscribe(self, name: str) -> "asyncio.Queue[CallEvent]":
        """A queue that receives every event (for tests and streaming endpoints)."""
        queue: asyncio.Queue[CallEvent] = asyncio.Queue(maxsize=self._queue_size)

        async def _put(event: CallEvent) -> None:
            await queue.put(event)

        self.add_sink(name, _put)
        return queue

    def publish(self, event: CallEvent) -> None:
        """Hand `event` to every sink without waiting; a full sink queue drops and counts."""
        for name, (sink, queue) in list(self._sinks.items()):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                self.dropped += 1
                log.warning("live sink %s is full; dropped %s event", name, event.kind)
                continue
            self._ensure_drain(name, sink, queue)

    def _ensure_drain(self, name: str, sink: SinkFn, queue: "asyncio.Queue[CallEvent]") -> None:
        task = self._tasks.get(name)
        if task is not None and not task.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._tasks[name] = loop.create_task(self._drain(name, sink, queue), name=f"live-{name}")

    async def _drain(self, name: str, sink: SinkFn, queue: "asyncio.Queue[CallEvent]") -> None:
        while True:
            event = await queue.get()
            try:
                await sink(event)
            except Exception:
                log.exception("live sink %s failed on %s event", name, event.kind)

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
