"""The outbox sender loop: send what is due, then sleep until woken or the next row is due."""

import asyncio
import logging
import threading
from datetime import datetime

from callcenter.db.types import utcnow
from callcenter.notify.base import EmailSender
from callcenter.notify.outbox import DEFAULT_POLICY, RetryPolicy, next_due_at, send_due_once

log = logging.getLogger(__name__)

# Another process (or the CLI) may queue rows we are never woken for: look again this often.
IDLE_RECHECK_SECONDS = 30.0

_wakers: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
_wakers_lock = threading.Lock()


def wake() -> None:
    """Tell every running outbox worker in this process that new rows were queued.

    Safe from any thread (finalisation commits in a worker thread)."""
    with _wakers_lock:
        targets = list(_wakers)
    for loop, event in targets:
        try:
            loop.call_soon_threadsafe(event.set)
        except RuntimeError:  # that loop has closed
            continue


# A row that is due but could not be claimed (another sender holds it) is not worth spinning on.
MIN_WAIT_SECONDS = 0.5


def _wait_seconds(due: datetime | None) -> float:
    if due is None:
        return IDLE_RECHECK_SECONDS
    seconds = (due - utcnow()).total_seconds()
    return min(IDLE_RECHECK_SECONDS, max(MIN_WAIT_SECONDS, seconds))


async def run_outbox_worker(
    sender: EmailSender, *, sender_address: str, policy: RetryPolicy = DEFAULT_POLICY
) -> None:
    """Send due emails from `sender_address` for the life of the process through `sender`."""
    loop = asyncio.get_running_loop()
    event = asyncio.Event()
    waker = (loop, event)
    with _wakers_lock:
        _wakers.add(waker)
    log.info("outbox worker started (sender: %s)", sender.name)
    try:
        while True:
            event.clear()
            try:
                report = await send_due_once(
                    sender=sender, sender_address=sender_address, policy=policy
                )
                if report.claimed:
                    # A full batch may mean more are due: go round again at once.
                    continue
                due = await asyncio.to_thread(next_due_at)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox pass failed; trying again shortly")
                due = None
                await asyncio.sleep(min(5.0, IDLE_RECHECK_SECONDS))
            try:
                await asyncio.wait_for(event.wait(), timeout=_wait_seconds(due))
            except TimeoutError:
                pass
    finally:
        with _wakers_lock:
            _wakers.discard(waker)
