"""Deliver claimed events over HTTP with their Standard Webhooks signature, and decide what a
failure means: retry with backoff (first retry within 5 s, at most 60 s apart for the first 6
attempts, then hourly, given up after 3 days), or stop (a 4xx other than 408/429, 3 times)."""

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from callcenter import metrics
from callcenter.db.models import WebhookDelivery
from callcenter.db.repo import webhooks as webhooks_repo
from callcenter.db.session import session_scope
from callcenter.db.types import utcnow
from callcenter.webhooks.signing import signed_headers

log = logging.getLogger(__name__)

_RETRYABLE_4XX = {408, 429}


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    base_delay: float = 2.0
    max_delay: float = 60.0
    fast_attempts: int = 6  # attempts retried within `max_delay`; hourly after them
    slow_delay: float = 3600.0
    give_up_after: timedelta = timedelta(days=3)
    rejected_attempts: int = 3  # a 4xx other than 408/429 is tried this many times
    jitter: float = 0.25
    timeout: float = 10.0
    lease_seconds: float = 60.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait after the `attempt`-th failed attempt (1-based)."""
        if attempt >= self.fast_attempts:
            return self.slow_delay
        raw = min(self.max_delay, self.base_delay * 2 ** max(0, attempt - 1))
        return raw * random.uniform(1.0 - self.jitter, 1.0)

    def retry_at(
        self, *, attempt: int, status: int | None, created_at: datetime, now: datetime
    ) -> datetime | None:
        """When to try again after a failed attempt, or None to give up."""
        rejected = status is not None and 400 <= status < 500 and status not in _RETRYABLE_4XX
        if rejected and attempt >= self.rejected_attempts:
            return None
        at = now + timedelta(seconds=self.delay(attempt))
        if at > created_at + self.give_up_after:
            return None
        return at


DEFAULT_POLICY = DeliveryPolicy()


@dataclass(slots=True)
class DeliveryReport:
    claimed: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0


def _claim(
    now: datetime, policy: DeliveryPolicy, limit: int
) -> tuple[datetime, list[WebhookDelivery]]:
    lease_until = now + timedelta(seconds=policy.lease_seconds)
    with session_scope() as session:
        rows = webhooks_repo.claim_due(
            session=session, now=now, lease_until=lease_until, limit=limit
        )
    return lease_until, rows


def _secrets(rows: list[WebhookDelivery]) -> dict[int, tuple[str, str]]:
    with session_scope() as session:
        found: dict[int, tuple[str, str]] = {}
        for row in rows:
            endpoint = webhooks_repo.get_endpoint(session=session, endpoint_id=row.endpoint_id)
            if endpoint is not None:
                found[row.endpoint_id] = (endpoint.url, endpoint.secret)
        return found


def _delivered(row_id: int) -> None:
    with session_scope() as session:
        webhooks_repo.mark_delivered(session=session, delivery_id=row_id, now=utcnow())


def _undelivered(row_id: int, lease_until: datetime, error: str, at: datetime | None) -> None:
    with session_scope() as session:
        webhooks_repo.mark_undelivered(
            session=session, delivery_id=row_id, lease_until=lease_until, error=error, retry_at=at
        )


async def deliver_due_once(
    client: httpx.AsyncClient,
    *,
    policy: DeliveryPolicy = DEFAULT_POLICY,
    clock: Callable[[], datetime] = utcnow,
    limit: int = 20,
) -> DeliveryReport:
    """Claim each endpoint's next due event and send it once (endpoints concurrently)."""
    lease_until, rows = await asyncio.to_thread(_claim, clock(), policy, limit)
    report = DeliveryReport(claimed=len(rows))
    if not rows:
        return report
    targets = await asyncio.to_thread(_secrets, rows)
    outcomes = await asyncio.gather(
        *(
            _deliver(client, row, targets.get(row.endpoint_id), policy, lease_until, clock)
            for row in rows
        )
    )
    for outcome in outcomes:
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


async def _deliver(
    client: httpx.AsyncClient,
    row: WebhookDelivery,
    target: tuple[str, str] | None,
    policy: DeliveryPolicy,
    lease_until: datetime,
    clock: Callable[[], datetime],
) -> str:
    """One attempt; returns "delivered", "retrying" or "failed"."""
    assert row.id is not None
    if target is None:  # the endpoint was deleted meanwhile
        await asyncio.to_thread(_undelivered, row.id, lease_until, "endpoint deleted", None)
        return "failed"
    url, secret = target
    headers = signed_headers(secret=secret, event_id=row.event_id, body=row.body, at=clock())
    headers["content-type"] = "application/json"
    status: int | None = None
    try:
        response = await client.post(
            url, content=row.body.encode(), headers=headers, timeout=policy.timeout
        )
        status = response.status_code
        if 200 <= status < 300:
            await asyncio.to_thread(_delivered, row.id)
            log.info("webhook %s (%s) delivered to %s", row.event_id, row.event_type, url)
            return "delivered"
        error = f"HTTP {status}: {response.text[:200]}"
    except httpx.TimeoutException:
        error = f"no answer within {policy.timeout:g} s"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"
    retry_at = policy.retry_at(
        attempt=row.attempts, status=status, created_at=row.created_at, now=clock()
    )
    metrics.count_error("webhook_retry" if retry_at else "webhook_failed")
    log.warning(
        "webhook %s (%s) attempt %s to %s failed (%s); %s",
        row.event_id,
        row.event_type,
        row.attempts,
        url,
        error,
        f"retrying at {retry_at.isoformat(timespec='seconds')}" if retry_at else "giving up",
    )
    await asyncio.to_thread(_undelivered, row.id, lease_until, error, retry_at)
    return "retrying" if retry_at else "failed"


def next_due_at() -> datetime | None:
    with session_scope() as session:
        return webhooks_repo.next_due_at(session=session)
