"""The webhook delivery loop: deliver what is due, then sleep until woken or the next is due."""

import asyncio
import logging

import httpx

from callcenter.db.types import utcnow
from callcenter.webhooks import events
from callcenter.webhooks.delivery import (
    DEFAULT_POLICY,
    DeliveryPolicy,
    deliver_due_once,
    next_due_at,
)

log = logging.getLogger(__name__)

IDLE_RECHECK_SECONDS = 30.0  # rows queued by another process are found at least this often
MIN_WAIT_SECONDS = 0.05


async def run_webhook_worker(*, policy: DeliveryPolicy = DEFAULT_POLICY) -> None:
    """Deliver queued events for the life of the process."""
    flag = asyncio.Event()
    waker = events.register_waker(flag)
    log.info("webhook worker started")
    try:
        async with httpx.AsyncClient(headers={"user-agent": "callcenter-webhooks"}) as client:
            while True:
                flag.clear()
                try:
                    report = await deliver_due_once(client, policy=policy)
                    if report.claimed:
                        continue  # the next event of each endpoint may be due at once
                    due = await asyncio.to_thread(next_due_at)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("webhook pass failed; trying again shortly")
                    due = None
                    await asyncio.sleep(2)
                wait = IDLE_RECHECK_SECONDS
                if due is not None:
                    wait = min(wait, max(MIN_WAIT_SECONDS, (due - utcnow()).total_seconds()))
                try:
                    await asyncio.wait_for(flag.wait(), timeout=wait)
                except TimeoutError:
                    pass
    finally:
        events.unregister_waker(waker)
