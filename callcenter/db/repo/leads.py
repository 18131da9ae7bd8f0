"""Queries on leads and their notes."""

from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from callcenter.db.models import Call, Lead, LeadNote
from callcenter.db.repo.paging import Page, paginate


def get_lead(*, session: Session, lead_id: int) -> Lead | None:
    return session.get(Lead, lead_id)


def list_leads(
    *,
    session: Session,
    status: str | None = None,
    q: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[Lead]:
    """Filter, search (name, email, phone, business, need) and page the leads, newest first."""
    query = select(Lead)
    if status:
        query = query.where(Lead.status == status)
    if since:
        query = query.where(Lead.created_at >= since)
    if until:
        query = query.where(Lead.created_at < until)
    if q and q.strip():
        needle = f"%{q.strip().lower()}%"
        query = query.where(
            or_(
                col(Lead.name).ilike(needle),
                col(Lead.email).ilike(needle),
                col(Lead.phone).ilike(needle),
                col(Lead.business_type).ilike(needle),
                col(Lead.need).ilike(needle),
            )
        )
    query = query.order_by(col(Lead.created_at).desc(), col(Lead.id).desc())
    return paginate(session, query, limit=limit, offset=offset)


def list_notes(*, session: Session, lead_id: int) -> list[LeadNote]:
    query = (
        select(LeadNote)
        .where(LeadNote.lead_id == lead_id)
        .order_by(col(LeadNote.created_at).desc(), col(LeadNote.id).desc())
    )
    return list(session.exec(query).all())


def list_lead_calls(*, session: Session, lead_id: int) -> list[Call]:
    query = select(Call).where(Call.lead_id == lead_id).order_by(col(Call.started_at).desc())
    return list(session.exec(query).all())
