"""Queries on leads and their notes."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, or_, update
from sqlmodel import Session, col, select

from callcenter.db.models import Call, Lead, LeadNote, OutboxMessage
from callcenter.db.repo import search
from callcenter.db.repo.calls import MAX_ID
from callcenter.db.repo.paging import Page, paginate, paginate_once
from callcenter.db.types import as_utc


def get_lead(*, session: Session, lead_id: int) -> Lead | None:
    if not 0 < lead_id <= MAX_ID:
        return None  # no such row, and PostgreSQL refuses to compare an INTEGER with it
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
    query = _filtered(session, status=status, q=q, since=since, until=until)
    if q and q.strip() and session.get_bind().dialect.name == "sqlite":
        return paginate_once(session, query, col(Lead.id), limit=limit, offset=offset)
    # On PostgreSQL the page and the count apart: the page walks the leads newest first and
    # stops at its last match, the count reads the trigram index. Given a window count the
    # planner would walk every lead in date order (36 against 10 ms, 2,500 matches of 20,000).
    return paginate(session, query, limit=limit, offset=offset)


def iter_leads(
    *,
    session: Session,
    status: str | None = None,
    q: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    batch: int = 500,
) -> Iterator[Lead]:
    """Every lead matching the filters, newest first, fetched in batches (for exports)."""
    query = _filtered(session, status=status, q=q, since=since, until=until)
    offset = 0
    while True:
        rows = list(session.exec(query.limit(batch).offset(offset)).all())
        yield from rows
        if len(rows) < batch:
            return
        offset += batch


def _filtered(
    session: Session,
    *,
    status: str | None,
    q: str | None,
    since: datetime | None,
    until: datetime | None,
) -> Any:
    query = select(Lead)
    if status:
        query = query.where(Lead.status == status)
    if since:
        query = query.where(Lead.created_at >= as_utc(since))
    if until:
        query = query.where(Lead.created_at < as_utc(until))
    if q and q.strip():
        query = query.where(search.lead_filter(session, q))
    return query.order_by(col(Lead.created_at).desc(), col(Lead.id).desc())


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


def last_call_summary(*, session: Session, lead_id: int, except_call: int) -> str | None:
    """The summary of the lead's latest call other than `except_call` that has one."""
    query = (
        select(Call.summary)
        .where(Call.lead_id == lead_id, col(Call.id) != except_call)
        .where(col(Call.summary).is_not(None), col(Call.summary) != "")
        .order_by(col(Call.started_at).desc())
        .limit(1)
    )
    return session.exec(query).first()


_BY_PHONE = (
    select(Lead)
    .where(col(Lead.phone).in_(bindparam("phones", expanding=True)))
    .order_by(col(Lead.id))
    .limit(1)
)


def find_lead_by_phone(*, session: Session, phone: str) -> Lead | None:
    """The oldest lead with this E.164 phone (`find_lead_by_contact` for a phone alone, with
    its statement built once: a webhook asks this for every call)."""
    return session.exec(_BY_PHONE, params={"phones": [phone]}).first()


def find_lead_by_contact(
    *, session: Session, email: str | None, phones: list[str], exclude_id: int | None = None
) -> Lead | None:
    """The oldest lead with this (normalised) email or one of these E.164 phones."""
    clauses: list[ColumnElement[bool]] = []
    if email:
        clauses.append(col(Lead.email) == email)
    if phones:
        clauses.append(col(Lead.phone).in_(phones))
    if not clauses:
        return None
    query = select(Lead).where(or_(*clauses))
    if exclude_id is not None:
        query = query.where(col(Lead.id) != exclude_id)
    return session.exec(query.order_by(col(Lead.id))).first()


def move_lead_references(*, session: Session, from_id: int, to_id: int) -> None:
    """Point every call, note and outbox row of one lead at another (before a merge)."""
    session.flush()
    session.exec(update(Call).where(col(Call.lead_id) == from_id).values(lead_id=to_id))
    session.exec(update(LeadNote).where(col(LeadNote.lead_id) == from_id).values(lead_id=to_id))
    session.exec(
        update(OutboxMessage).where(col(OutboxMessage.lead_id) == from_id).values(lead_id=to_id)
    )
    session.expire_all()
