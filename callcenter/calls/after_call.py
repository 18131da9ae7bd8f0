"""The work that follows a call's end (lead, emails, and whatever else is added), in order."""

import logging
from collections.abc import Sequence
from typing import Protocol

log = logging.getLogger(__name__)


class AfterCallStep(Protocol):
    """One piece of after-call work; idempotent, since it may run again after a crash."""

    name: str

    async def __call__(self, call_id: int) -> None: ...


class AfterCall:
    """Runs every step for an ended call; a failing step is logged and the next one still runs."""

    def __init__(self, steps: Sequence[AfterCallStep]) -> None:
        self.steps = list(steps)

    async def run(self, call_id: int) -> None:
        for step in self.steps:
            try:
                await step(call_id)
            except Exception:
                log.exception("after-call step %s failed for call %s", step.name, call_id)
