"""The background jobs the core's lifespan runs (unless BACKGROUND_WORKERS=false)."""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from callcenter.services import Services

log = logging.getLogger(__name__)

Worker = Callable[[Services], Awaitable[None]]


def background_workers() -> list[tuple[str, Worker]]:
    """Every job to run for the life of the process, by name."""
    from callcenter.notify.worker import run_outbox_worker
    from callcenter.telephony.sweeper import run_orphan_sweeper

    return [("outbox", run_outbox_worker), ("orphan-sweeper", run_orphan_sweeper)]


async def _supervised(name: str, worker: Worker, services: Services) -> None:
    """Run a worker, restarting it after an unexpected error so one bug does not stop the job."""
    while True:
        try:
            await worker(services)
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background worker %s crashed; restarting in 5 s", name)
            await asyncio.sleep(5)


def start_workers(services: Services) -> list[asyncio.Task[None]]:
    return [
        asyncio.create_task(_supervised(name, worker, services), name=f"worker-{name}")
        for name, worker in background_workers()
    ]
