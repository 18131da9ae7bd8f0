"""Queries on webhook endpoints and their deliveries: enqueue once, claim each endpoint's oldest
open delivery under a lease (so one endpoint gets its events in order), record outcomes."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, update
from sqlmodel import Session, col, select

from callcenter.db.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from callcenter.db.repo.once import insert_once
from callcenter.db.repo.paging import Page, paginate

_OPEN = (DeliveryStatus.pending, DeliveryStatus.sending)


def create_endpoint(
    *, session: Session, url: str, events: Sequence[str], secret: str
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(url=url, events=",".join(events), secret=secret)
    session.add(endpoint)
    session.flush()
    return endpoint


def list_endpoints(*, session: Session) -> list[WebhookEndpoint]:
    return list(session.exec(select(WebhookEndpoint).order_by(col(WebhookEndpoint.id))).all())


def get_endpoint(*, session: Session, endpoint_id: int) -> WebhookEndpoint | None:
    return session.get(WebhookEndpoint, endpoint_id)


def delete_endpoint(*, session: Session, endpoint_id: int) -> bool:
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        return False
    session.delete(endpoint)
    session.flush()
    return True


def endpoints_for(*, session: Session, event_type: str) -> list[WebhookEndpoint]:
    """The endpoints subscribed to `event_type`."""
    return [e for e in list_endpoints(session=session) if event_type in e.events.split(",")]


def add_delivery(
    *,
    session: Session,
    endpoint_id: int,
    event_id: str,
    event_type: str,
    body: str,
    call_id: int | None,
) -> WebhookDelivery | None:
    """Queue one event for one endpoint, unless that event is already queued for it (None)."""
    existing = session.exec(
        select(WebhookDelivery.id).where(
            WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.event_id == event_id
        )
    ).first()
    if existing is not None:
        return None
    row = WebhookDelivery(
        endpoint_id=endpoint_id,
        event_id=event_id,
        event_type=event_type,
        body=body,
        call_id=call_id,
    )
    return insert_once(session, row)


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(
            col(WebhookDelivery.status) == DeliveryStatus.pending,
            col(WebhookDelivery.next_attempt_at) <= now,
        ),
        and_(
            col(WebhookDelivery.status) == DeliveryStatus.sending,
            col(WebhookDelivery.claimed_until) < now,
        ),
    )


def claim_due(
    *, session: Session, now: datetime, lease_until: datetime, limit: int
) -> list[WebhookDelivery]:
    """Claim, per endpoint, its oldest open delivery if it is due; counts an attempt.

    An endpoint's later events wait until the earlier one is delivered or given up, so a
    receiver sees the events of a call in the order they happened. Each claim is a conditional
    UPDATE that re-checks the row is still due: concurrent workers never take the same row."""
    heads = (
        select(func.min(WebhookDelivery.id))
        .where(col(WebhookDelivery.status).in_(_OPEN))
        .group_by(col(WebhookDelivery.endpoint_id))
    )
    ids = [int(i) for i in session.exec(heads).all() if i is not None][:limit]
    claimed: list[int] = []
    for row_id in sorted(ids):
        result = session.exec(
            update(WebhookDelivery)
            .where(col(WebhookDelivery.id) == row_id, _due(now))
            .values(
                status=DeliveryStatus.sending,
                claimed_until=lease_until,
                attempts=col(WebhookDelivery.attempts) + 1,
            )
        )
        if result.rowcount == 1:
            claimed.append(row_id)
    if not claimed:
        return []
    session.flush()
    rows = session.exec(select(WebhookDelivery).where(col(WebhookDelivery.id).in_(claimed))).all()
    for row in rows:
        session.refresh(row)
    return sorted(rows, key=lambda r: r.id or 0)


def mark_delivered(*, session: Session, delivery_id: int, now: datetime) -> None:
    session.exec(
        update(WebhookDelivery)
        .where(col(WebhookDelivery.id) == delivery_id)
        .values(status=DeliveryStatus.delivered, delivered_at=now, claimed_until=None)
    )


def mark_undelivered(
    *,
    session: Session,
    delivery_id: int,
    lease_until: datetime,
    error: str,
    retry_at: datetime | None,
) -> bool:
    """A failed attempt: pending again at `retry_at`, or failed for good when None.
    Only while our lease holds."""
    values: dict[str, object] = {"last_error": error[:1000], "claimed_until": None}
    if retry_at is None:
        values["status"] = DeliveryStatus.failed
    else:
        values["status"] = DeliveryStatus.pending
        values["next_attempt_at"] = retry_at
    result = session.exec(
        update(WebhookDelivery)
        .where(
            col(WebhookDelivery.id) == delivery_id,
            col(WebhookDelivery.status) == DeliveryStatus.sending,
            col(WebhookDelivery.claimed_until) == lease_until,
        )
        .values(**values)
    )
    return bool(result.rowcount)


def resend(*, session: Session, delivery_id: int, now: datetime) -> WebhookDelivery | None:
    """Give a failed delivery a fresh set of attempts, due now; None if it is not failed."""
    row = session.get(WebhookDelivery, delivery_id)
    if row is None or row.status != DeliveryStatus.failed:
        return None
    row.status = DeliveryStatus.pending
    row.attempts = 0
    row.next_attempt_at = now
    row.created_at = now  # the give-up clock starts again
    session.flush()
    return row


def next_due_at(*, session: Session) -> datetime | None:
    pending = session.exec(
        select(func.min(WebhookDelivery.next_attempt_at)).where(
            col(WebhookDelivery.status) == DeliveryStatus.pending
        )
    ).one()
    leased = session.exec(
        select(func.min(WebhookDelivery.claimed_until)).where(
            col(WebhookDelivery.status) == DeliveryStatus.sending
        )
    ).one()
    times = [t for t in (pending, leased) if t is not None]
    return min(times) if times else None


def list_deliveries(
    *, session: Session, endpoint_id: int, limit: int = 50, offset: int = 0
) -> Page[WebhookDelivery]:
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint_id)
        .order_by(col(WebhookDelivery.id).desc())
    )
    return paginate(session, query, limit=limit, offset=offset)


def get_delivery(*, session: Session, delivery_id: int) -> WebhookDelivery | None:
    return session.get(WebhookDelivery, delivery_id)
