"""The calls live in this process: one `LiveCall` per bridged call, by call id."""

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from callcenter.db.models import EndReason


@dataclass(frozen=True, slots=True)
class LiveCallSnapshot:
    """What a live call can say about itself without touching the database."""

    call_id: int
    call_sid: str
    frames_in: int
    frames_out: int
    agent_speaking: bool
    ending: bool


class LiveCall(Protocol):
    """A call whose media this process is carrying (a voice bridge)."""

    @property
    def call_id(self) -> int: ...

    async def end(self, reason: EndReason) -> None:
        """Hang up now: the call ends with `reason`; returns once it has."""

    async def wind_up(self, reason: EndReason) -> None:
        """Let the agent finish and say goodbye, then end the call with `reason`."""

    def snapshot(self) -> LiveCallSnapshot: ...


class LiveCalls:
    """The registry of live calls; `wait_empty` wakes when the last one leaves (no polling)."""

    def __init__(self) -> None:
        self._calls: dict[int, LiveCall] = {}
        self._empty = asyncio.Event()
        self._empty.set()

    def add(self, call: LiveCall) -> None:
        self._calls[call.call_id] = call
        self._empty.clear()

    def remove(self, call_id: int) -> None:
        self._calls.pop(call_id, None)
        if not self._calls:
            self._empty.set()

    def get(self, call_id: int) -> LiveCall | None:
        return self._calls.get(call_id)

    def __contains__(self, call_id: object) -> bool:
        return call_id in self._calls

    def __len__(self) -> int:
        return len(self._calls)

    def __iter__(self) -> Iterator[LiveCall]:
        return iter(list(self._calls.values()))

    def ids(self) -> set[int]:
        return set(self._calls)

    async def wait_empty(self, timeout: float) -> bool:  # noqa: ASYNC109
        """True once no call is live, False if some still are after `timeout` seconds."""
        try:
            async with asyncio.timeout(timeout):
                await self._empty.wait()
        except TimeoutError:
            return False
        return True
