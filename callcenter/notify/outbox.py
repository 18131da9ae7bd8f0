"""The outbox: emails queued in the finalising transaction, sent under a lease, retried with
backoff and jitter, at most once each (the idempotency key is derived from the row)."""

import asyncio
import hashlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from callcenter import metrics
from callcenter.db.models import OutboxMessage
from callcenter.db.repo import outbox as outbox_repo
from callcenter.db.session import session_scope
from callcenter.db.types import utcnow
from callcenter.notify.base import EmailMessage, EmailSender, SendError
from callcenter.notify.render import Rendered

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How failed sends are retried: exponential backoff from `base_delay`, capped at
    `max_delay`, each delay scaled by a random factor in [1 - jitter, 1]."""

    base_delay: float = 2.0
    max_delay: float = 60.0
    jitter: float = 0.5
    max_attempts: int = 8
    # Longer than any one send may take (see `send_timeout`); a claim older than this is
    # presumed dead (its process crashed) and the row is taken again.
    lease_seconds: float = 120.0
    send_timeout: float = 45.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait after the `attempt`-th failed attempt (1-based)."""
        raw = min(self.max_delay, self.base_delay * 2 ** max(0, attempt - 1))
        return raw * random.uniform(1.0 - self.jitter, 1.0)


DEFAULT_POLICY = RetryPolicy()


@dataclass(slots=True)
class SendReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def idempotency_key(row: OutboxMessage) -> str:
    """Stable for the row across retries and restarts, distinct across rows and databases."""
    digest = hashlib.sha256(row.dedupe_key.encode()).hexdigest()[:16]
    return f"cc-outbox-{row.id}-{digest}"


def enqueue_email(
    *,
    session: Session,
    dedupe_key: str,
    kind: str,
    to_address: str,
    rendered: Rendered,
    call_id: int | None = None,
    lead_id: int | None = None,
) -> OutboxMessage | None:
    """Queue one email in the caller's transaction; None if `dedupe_key` is already queued."""
    return outbox_repo.enqueue(
        session=session,
        dedupe_key=dedupe_key,
        kind=kind,
        to_address=to_address,
        subject=rendered.subject,
        html=rendered.html,
        text=rendered.text,
        call_id=call_id,
        lead_id=lead_id,
    )


def _claim(now: datetime, policy: RetryPolicy, limit: int) -> tuple[datetime, list[OutboxMessage]]:
    lease_until = now + timedelta(seconds=policy.lease_seconds)
    with session_scope() as session:
        rows = outbox_repo.claim_due(session=session, now=now, lease_until=lease_until, limit=limit)
    return lease_until, rows


def _mark_sent(row_id: int, provider_id: str) -> None:
    with session_scope() as session:
        outbox_repo.mark_sent(
            session=session, message_id=row_id, provider_message_id=provider_id, now=utcnow()
        )


def _mark_unsent(row_id: int, lease_until: datetime, error: str, retry_at: datetime | None) -> None:
    with session_scope() as session:
        outbox_repo.mark_unsent(
            session=session,
            message_id=row_id,
            lease_until=lease_until,
            error=error,
            retry_at=retry_at,
        )


def to_message(row: OutboxMessage, *, sender_address: str) -> EmailMessage:
    return EmailMessage(
        sender=sender_address,
        to=[row.to_address],
        subject=row.subject,
        html=row.html,
        text=row.text,
        idempotency_key=idempotency_key(row),
    )


async def send_due_once(
    *,
    sender: EmailSender,
    sender_address: str,
    policy: RetryPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
    limit: int = 10,
) -> SendReport:
    """Claim the rows due at `now` (default: the current time) and send them once each.

    `now` is for tests and tools that need a fixed clock; retries are scheduled from it.
    Each row is claimed (committed) before sending and marked after: a crash in between
    leaves the claim to expire, and the retry reuses the same idempotency key. The batch is
    sent concurrently, so every send finishes (or times out) well inside the lease."""
    fixed = now

    def clock() -> datetime:
        return fixed or utcnow()

    lease_until, rows = await asyncio.to_thread(_claim, clock(), policy, limit)
    report = SendReport(claimed=len(rows))
    outcomes = await asyncio.gather(
        *(_send_one(row, sender, sender_address, policy, lease_until, clock) for row in rows)
    )
    for outcome in outcomes:
        if outcome == "sent":
            report.sent += 1
        elif outcome == "retrying":
            report.retrying += 1
        else:
            report.failed += 1
    return report


async def _send_one(
    row: OutboxMessage,
    sender: EmailSender,
    sender_address: str,
    policy: RetryPolicy,
    lease_until: datetime,
    clock: Callable[[], datetime],
) -> str:
    """Send one claimed row and record the outcome: "sent", "retrying" or "failed"."""
    assert row.id is not None
    message = to_message(row, sender_address=sender_address)
    try:
        async with asyncio.timeout(policy.send_timeout):
            provider_id = await sender.send(message)
    except Exception as exc:
        retryable = exc.retryable if isinstance(exc, SendError) else True
        error = str(exc) or type(exc).__name__
        if isinstance(exc, TimeoutError):
            error = f"timed out after {policy.send_timeout:g} s"
        retry_at: datetime | None = None
        if retryable and row.attempts < policy.max_attempts:
            retry_at = clock() + timedelta(seconds=policy.delay(row.attempts))
            metrics.count_error("email_send_retry")
            log.warning(
                "email %s (%s) attempt %s failed, retrying at %s: %s",
                row.id,
                row.kind,
                row.attempts,
                retry_at.isoformat(timespec="seconds"),
                error,
            )
        else:
            metrics.count_error("email_failed")
            log.error("email %s (%s) failed for good: %s", row.id, row.kind, error)
        await asyncio.to_thread(_mark_unsent, row.id, lease_until, error, retry_at)
        return "retrying" if retry_at else "failed"
    await asyncio.to_thread(_mark_sent, row.id, provider_id)
    log.info("email %s (%s) sent via %s: %s", row.id, row.kind, sender.name, provider_id)
    return "sent"


def next_due_at() -> datetime | None:
    """When the next row becomes due (None when nothing is waiting)."""
    with session_scope() as session:
        return outbox_repo.next_due_at(session=session)
