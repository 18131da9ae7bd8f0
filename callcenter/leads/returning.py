"""Repeat callers: a lead heard from before, and whether it was thanked by email recently."""

from datetime import timedelta

from sqlmodel import Session, col, func, select

from callcenter.db.models import Call, Lead, OutboxMessage
from callcenter.db.types import utcnow


def is_returning(*, session: Session, lead: Lead, call: Call) -> bool:
    """True when the lead has another call than this one (it called or was called before)."""
    earlier = session.exec(
        select(func.count())
        .select_from(Call)
        .where(col(Call.lead_id) == lead.id, col(Call.id) != call.id)
    ).one()
    return int(earlier) > 0


def followed_up_within(*, session: Session, lead: Lead, days: int) -> bool:
    """True when a follow-up email to the lead was queued in the last `days` days."""
    if days <= 0 or lead.id is None:
        return False
    since = utcnow() - timedelta(days=days)
    recent = session.exec(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            col(OutboxMessage.lead_id) == lead.id,
            col(OutboxMessage.kind) == "followup",
            col(OutboxMessage.created_at) >= since,
        )
    ).one()
    return int(recent) > 0
