"""Queries on the email outbox: enqueue once, claim due rows under a lease, record outcomes."""

from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, update
from sqlmodel import Session, col, select

from callcenter.db.models import OutboxMessage, OutboxStatus
from callcenter.db.repo.once import insert_once


def enqueue(
    *,
    session: Session,
    dedupe_key: str,
    kind: str,
    to_address: str,
    subject: str,
    html: str,
    text: str,
    call_id: int | None = None,
    lead_id: int | None = None,
) -> OutboxMessage | None:
    """Insert a message unless one with `dedupe_key` exists (then None)."""
    existing = session.exec(
        select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)
    ).first()
    if existing is not None:
        return None
    row = OutboxMessage(
        dedupe_key=dedupe_key,
        kind=kind,
        to_address=to_address,
        subject=subject[:300],
        html=html,
        text=text,
        call_id=call_id,
        lead_id=lead_id,
    )
    return insert_once(session, row)


def _due(now: datetime) -> ColumnElement[bool]:
    """Pending rows whose time has come, and claims whose lease ran out (a crashed sender)."""
    return or_(
        and_(
            col(OutboxMessage.status) == OutboxStatus.pending,
            col(OutboxMessage.next_attempt_at) <= now,
        ),
        and_(
            col(OutboxMessage.status) == OutboxStatus.sending,
            col(OutboxMessage.claimed_until) < now,
        ),
    )


def claim_due(
    *, session: Session, now: datetime, lease_until: datetime, limit: int
) -> list[OutboxMessage]:
    """Claim up to `limit` due rows for this sender until `lease_until`, counting an attempt.

    PostgreSQL: `FOR UPDATE SKIP LOCKED`, so concurrent senders take disjoint rows. SQLite has
    one writer at a time: each row is taken by a conditional UPDATE that re-checks it is still
    due, so a row another sender took in between is skipped. The caller commits."""
    candidates = (
        select(OutboxMessage.id)
        .where(_due(now))
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
    )
    is_postgres = session.get_bind().dialect.name == "postgresql"
    if is_postgres:
        candidates = candidates.with_for_update(skip_locked=True)
    ids = [int(i) for i in session.exec(candidates).all() if i is not None]
    claimed: list[int] = []
    for row_id in ids:
        result = session.exec(
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == row_id, _due(now))
            .values(
                status=OutboxStatus.sending,
                claimed_until=lease_until,
                attempts=col(OutboxMessage.attempts) + 1,
            )
        )
        if result.rowcount == 1:
            claimed.append(row_id)
    if not claimed:
        return []
    session.flush()
    rows = session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(claimed))).all()
    for row in rows:
        session.refresh(row)
    return sorted(rows, key=lambda r: claimed.index(r.id or 0))


def mark_sent(
    *, session: Session, message_id: int, provider_message_id: str, now: datetime
) -> None:
    """Record a successful send (whoever holds the lease: the message went out)."""
    session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.status) != "sent")
        .values(
            status=OutboxStatus.sent,
            sent_at=now,
            provider_message_id=provider_message_id[:200],
            claimed_until=None,
            last_error=None,
        )
    )


def mark_unsent(
    *,
    session: Session,
    message_id: int,
    lease_until: datetime,
    error: str,
    retry_at: datetime | None,
) -> bool:
    """Record a failed attempt: back to pending at `retry_at`, or failed when None.

    Only while our lease still holds — a sender that lost its lease leaves the row alone."""
    values: dict[str, object] = {"last_error": error[:1000], "claimed_until": None}
    if retry_at is None:
        values["status"] = OutboxStatus.failed
    else:
        values["status"] = OutboxStatus.pending
        values["next_attempt_at"] = retry_at
    result = session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message_id,
            col(OutboxMessage.status) == OutboxStatus.sending,
            col(OutboxMessage.claimed_until) == lease_until,
        )
        .values(**values)
    )
    return bool(result.rowcount)


def next_due_at(*, session: Session) -> datetime | None:
    """When the next row becomes due: a pending row's time or a claim's lease expiry."""
    pending = session.exec(
        select(func.min(OutboxMessage.next_attempt_at)).where(
            col(OutboxMessage.status) == OutboxStatus.pending
        )
    ).one()
    leased = session.exec(
        select(func.min(OutboxMessage.claimed_until)).where(
            col(OutboxMessage.status) == OutboxStatus.sending
        )
    ).one()
    times = [t for t in (pending, leased) if t is not None]
    return min(times) if times else None


def list_messages(
    *, session: Session, call_id: int | None = None, status: str | None = None
) -> list[OutboxMessage]:
    query = select(OutboxMessage)
    if call_id is not None:
        query = query.where(OutboxMessage.call_id == call_id)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return list(session.exec(query.order_by(col(OutboxMessage.id))).all())


def count_by_status(*, session: Session) -> dict[str, int]:
    rows = session.exec(
        select(OutboxMessage.status, func.count()).group_by(col(OutboxMessage.status))
    ).all()
    return {str(status.value if hasattr(status, "value") else status): n for status, n in rows}
