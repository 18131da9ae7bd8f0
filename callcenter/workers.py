"""Background jobs for the life of the process, each restarted if it crashes."""

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]

RESTART_DELAY_SECONDS = 5.0


async def _supervised(name: str, job: Job) -> None:
    """Run a job, restarting it after an unexpected error so one bug does not stop it."""
    while True:
        try:
            await job()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background worker %s crashed; restarting in 5 s", name)
            await asyncio.sleep(RESTART_DELAY_SECONDS)


def start_workers(jobs: dict[str, Job]) -> list[asyncio.Task[None]]:
    """Start every job in a named task; the caller cancels them at shutdown."""
    return [
        asyncio.create_task(_supervised(name, job), name=f"worker-{name}")
        for name, job in jobs.items()
    ]
