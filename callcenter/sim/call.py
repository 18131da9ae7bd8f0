"""`SimulatedCall`: one call as the simulated Twilio sees it (state shared by its helpers)."""

import asyncio
from dataclasses import dataclass, field

from callcenter.sim.line import SimulatedLine, StreamStats

FINAL_STATUSES = ("completed", "busy", "no-answer", "failed", "canceled")


@dataclass
class SimulatedCall:
    """One call as the simulated Twilio sees it."""

    call_sid: str
    direction: str
    from_number: str
    to_number: str
    status: str = "queued"
    answered_by: str | None = None
    line: SimulatedLine | None = None
    streams: list[StreamStats] = field(default_factory=list)
    pending_twiml: str | None = None
    callbacks: list[dict[str, str]] = field(default_factory=list)
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    interrupted: asyncio.Event = field(default_factory=asyncio.Event)
    answered_at: float | None = None
    task: asyncio.Task[None] | None = None

    async def wait(self, timeout: float | None = None) -> None:  # noqa: ASYNC109
        """Until the call has ended at the carrier (every callback sent)."""
        async with asyncio.timeout(timeout):
            await self.ended.wait()
