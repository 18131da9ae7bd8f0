"""The dialer's queries: lock a running campaign, claim due contacts, record each attempt.

Claiming is safe across processes: on PostgreSQL the campaign row and the contacts are taken
`FOR UPDATE SKIP LOCKED`; on SQLite the claim's first statement is a write, so SQLite's one
writer lock serialises every claimer for the whole transaction."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from callcenter.db.campaign_models import (
    AttemptState,
    Campaign,
    CampaignAttempt,
    CampaignContact,
    CampaignStatus,
    ContactState,
)
from callcenter.db.models import Call
from callcenter.db.types import utcnow

_RUNNING = CampaignStatus.running.value
_CALLING = ContactState.calling.value


def running_campaign_ids(*, session: Session) -> list[int]:
    rows = session.exec(select(Campaign.id).where(Campaign.status == _RUNNING)).all()
    return [row for row in rows if row is not None]


def lock_running(*, session: Session, campaign_id: int, postgres: bool) -> Campaign | None:
    """The campaign, locked for this transaction, if it is running and nobody else is
    claiming for it right now (PostgreSQL); on SQLite, after taking the database's write lock."""
    query = select(Campaign).where(Campaign.id == campaign_id, Campaign.status == _RUNNING)
    if postgres:
        return session.exec(query.with_for_update(skip_locked=True)).first()
    result = session.execute(
        update(Campaign)
        .where(col(Campaign.id) == campaign_id, col(Campaign.status) == _RUNNING)
        .values(status=_RUNNING)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return None
    return session.exec(query).first()


def is_running(*, session: Session, campaign_id: int, postgres: bool) -> bool:
    """Read the campaign's status, holding it (FOR SHARE) until this transaction ends."""
    query = select(Campaign.status).where(Campaign.id == campaign_id)
    if postgres:
        query = query.with_for_update(read=True)
    return session.exec(query).first() == _RUNNING


def count_calling(*, session: Session, campaign_id: int) -> int:
    query = (
        select(func.count())
        .select_from(CampaignContact)
        .where(CampaignContact.campaign_id == campaign_id, CampaignContact.state == _CALLING)
    )
    return int(session.exec(query).one())


def count_paced(*, session: Session, campaign_id: int, since: datetime) -> int:
    """Dials that count against the pace: placed since `since`, or claimed and still going out
    (their request time is not known yet, so they count until it is)."""
    in_flight = [AttemptState.claimed.value, AttemptState.dialing.value]
    query = (
        select(func.count())
        .select_from(CampaignAttempt)
        .where(
            CampaignAttempt.campaign_id == campaign_id,
            or_(
                col(CampaignAttempt.state).in_(in_flight),
                col(CampaignAttempt.placed_at) >= since,
            ),
        )
    )
    return int(session.exec(query).one())


def due_contacts(
    *, session: Session, campaign_id: int, now: datetime, limit: int
) -> list[CampaignContact]:
    query = (
        select(CampaignContact)
        .where(
            CampaignContact.campaign_id == campaign_id,
            col(CampaignContact.state).in_([ContactState.pending.value, ContactState.retry.value]),
            col(CampaignContact.next_attempt_at) <= now,
        )
        .order_by(col(CampaignContact.next_attempt_at), col(CampaignContact.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.exec(query).all())


def claim(
    *, session: Session, contact: CampaignContact, holder: str, now: datetime
) -> CampaignAttempt:
    """Move `contact` to `calling` and open its next attempt."""
    assert contact.id is not None
    last = session.exec(
        select(func.max(CampaignAttempt.number)).where(CampaignAttempt.contact_id == contact.id)
    ).one()
    attempt = CampaignAttempt(
        campaign_id=contact.campaign_id,
        contact_id=contact.id,
        number=int(last or 0) + 1,
        holder=holder,
        claimed_at=now,
    )
    contact.state = _CALLING
    contact.attempts += 1
    contact.updated_at = now
    session.add(attempt)
    session.flush()
    return attempt


def _move(session: Session, attempt_id: int, states: list[AttemptState], **values: object) -> bool:
    """A conditional UPDATE of one attempt: only one writer can make each transition."""
    result = session.execute(
        update(CampaignAttempt)
        .where(
            col(CampaignAttempt.id) == attempt_id,
            col(CampaignAttempt.state).in_([s.value for s in states]),
        )
        .values(**values)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def mark_dialing(*, session: Session, attempt_id: int, call_id: int) -> bool:
    return _move(
        session,
        attempt_id,
        [AttemptState.claimed],
        state=AttemptState.dialing.value,
        call_id=call_id,
    )


def mark_placed(*, session: Session, attempt_id: int, at: datetime) -> None:
    """The carrier answered the dial request (accepted or refused): the dial counts from `at`
    against the pace, whatever became of the call meanwhile."""
    session.execute(
        update(CampaignAttempt)
        .where(col(CampaignAttempt.id) == attempt_id, col(CampaignAttempt.placed_at).is_(None))
        .values(placed_at=at)
    )
    _move(session, attempt_id, [AttemptState.dialing], state=AttemptState.dialed.value)


def _reopen(session: Session, contact_id: int, *, due: datetime) -> None:
    """Undo a claim that never dialled: the contact is due again, the dial not counted."""
    contact = session.get(CampaignContact, contact_id)
    if contact is None or contact.state != _CALLING:
        return
    contact.attempts = max(0, contact.attempts - 1)
    contact.state = (ContactState.retry if contact.attempts else ContactState.pending).value
    contact.next_attempt_at = due
    contact.updated_at = utcnow()


def refuse(
    *,
    session: Session,
    attempt_id: int,
    contact_id: int,
    reason: str,
    skip: bool,
    defer: timedelta,
) -> None:
    """A guardrail said no: skip the contact with the reason, or (a passing limit) try later."""
    if not _move(
        session,
        attempt_id,
        [AttemptState.claimed],
        state=AttemptState.refused.value,
        detail=reason[:500],
        ended_at=utcnow(),
    ):
        return
    if not skip:
        _reopen(session, contact_id, due=utcnow() + defer)
        return
    contact = session.get(CampaignContact, contact_id)
    if contact is not None and contact.state == _CALLING:
        contact.attempts = max(0, contact.attempts - 1)
        contact.state = ContactState.skipped.value
        contact.skip_reason = reason[:500]
        contact.last_outcome = "refused"
        contact.updated_at = utcnow()


def abandon(*, session: Session, attempt_id: int, contact_id: int, reason: str) -> bool:
    """A claim whose process died before it created the call: nothing was dialled."""
    if not _move(
        session,
        attempt_id,
        [AttemptState.claimed],
        state=AttemptState.abandoned.value,
        detail=reason[:500],
        ended_at=utcnow(),
    ):
        return False
    _reopen(session, contact_id, due=utcnow())
    return True


@dataclass(frozen=True, slots=True)
class EndedDial:
    attempt_id: int
    contact_id: int
    campaign_id: int
    call_id: int
    status: str
    answered_by: str | None


def ended_dials(*, session: Session, limit: int = 500) -> list[EndedDial]:
    """Attempts whose call has ended but whose contact has not heard about it yet."""
    rows = session.execute(
        sa_select(
            col(CampaignAttempt.id),
            col(CampaignAttempt.contact_id),
            col(CampaignAttempt.campaign_id),
            col(Call.id),
            col(Call.status),
            col(Call.answered_by),
        )
        .join(Call, col(Call.id) == col(CampaignAttempt.call_id))
        .where(
            col(CampaignAttempt.state).in_([AttemptState.dialing.value, AttemptState.dialed.value]),
            col(Call.ended_at).is_not(None),
        )
        .order_by(col(CampaignAttempt.id))
        .limit(limit)
    ).all()
    return [
        EndedDial(a, c, g, call_id, str(getattr(status, "value", status)), answered_by)
        for a, c, g, call_id, status, answered_by in rows
        if a is not None and call_id is not None
    ]


def settle(
    *,
    session: Session,
    dial: EndedDial,
    outcome: str,
    state: ContactState,
    next_attempt_at: datetime | None,
    skip_reason: str | None = None,
) -> bool:
    """Close the attempt with its outcome and move the contact on; once, whoever calls it."""
    now = utcnow()
    if not _move(
        session,
        dial.attempt_id,
        [AttemptState.dialing, AttemptState.dialed],
        state=AttemptState.ended.value,
        outcome=outcome,
        ended_at=now,
    ):
        return False
    contact = session.get(CampaignContact, dial.contact_id)
    if contact is not None and contact.state == _CALLING:
        contact.state = state.value
        contact.last_outcome = outcome
        contact.next_attempt_at = next_attempt_at or contact.next_attempt_at
        contact.skip_reason = skip_reason
        contact.updated_at = now
    return True


def stale_claims(*, session: Session, live_holders: set[str]) -> list[CampaignAttempt]:
    """Claims that never became a call, made by processes no longer alive."""
    rows = session.exec(
        select(CampaignAttempt).where(CampaignAttempt.state == AttemptState.claimed.value)
    ).all()
    return [row for row in rows if row.holder not in live_holders]


def complete_if_done(*, session: Session, campaign_id: int, open_contacts: int) -> bool:
    """Mark a running campaign completed when none of its contacts is still open."""
    if open_contacts:
        return False
    now = utcnow()
    result = session.execute(
        update(Campaign)
        .where(col(Campaign.id) == campaign_id, col(Campaign.status) == _RUNNING)
        .values(status=CampaignStatus.completed.value, completed_at=now, updated_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
