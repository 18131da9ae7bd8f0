"""Queries on campaigns and their contacts: create, list, counts, adding and merging contacts."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, insert, update
from sqlmodel import Session, col, select

from callcenter.db.campaign_models import (
    OPEN_STATES,
    Campaign,
    CampaignAttempt,
    CampaignContact,
    ContactState,
)
from callcenter.db.models import ACTIVE_STATUSES, Call, Lead, LeadStatus
from callcenter.db.repo.paging import Page, paginate
from callcenter.db.types import utcnow

COUNT_KEYS = ("total", "pending", "calling", "retry", "done", "skipped", "failed", "qualified")
_INSERT_BATCH = 2000


@dataclass(frozen=True, slots=True)
class NewContact:
    phone: str  # E.164
    name: str | None = None
    email: str | None = None
    company: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class AddResult:
    added: int
    merged: int


def create_campaign(*, session: Session, **fields: Any) -> Campaign:
    campaign = Campaign(**fields)
    session.add(campaign)
    session.flush()
    return campaign


def get_campaign(*, session: Session, campaign_id: int) -> Campaign | None:
    return session.get(Campaign, campaign_id)


def list_campaigns(
    *, session: Session, status: str | None = None, limit: int = 50, offset: int = 0
) -> Page[Campaign]:
    query = select(Campaign)
    if status:
        query = query.where(Campaign.status == status)
    query = query.order_by(col(Campaign.created_at).desc(), col(Campaign.id).desc())
    return paginate(session, query, limit=limit, offset=offset)


def set_status(*, session: Session, campaign_id: int, status: str, **extra: Any) -> None:
    session.execute(
        update(Campaign)
        .where(col(Campaign.id) == campaign_id)
        .values(status=status, updated_at=utcnow(), **extra)
    )


def counts(*, session: Session, campaign_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Contacts per state for each campaign, plus `total` and `qualified` (a qualified lead
    came out of one of the contact's calls)."""
    out = {cid: dict.fromkeys(COUNT_KEYS, 0) for cid in campaign_ids}
    if not campaign_ids:
        return out
    rows = session.exec(
        select(CampaignContact.campaign_id, CampaignContact.state, func.count())
        .where(col(CampaignContact.campaign_id).in_(campaign_ids))
        .group_by(col(CampaignContact.campaign_id), col(CampaignContact.state))
    ).all()
    for campaign_id, state, n in rows:
        out[campaign_id][state] = int(n)
        out[campaign_id]["total"] += int(n)
    qualified = session.exec(
        select(CampaignAttempt.campaign_id, func.count(func.distinct(CampaignAttempt.contact_id)))
        .join(Call, col(Call.id) == col(CampaignAttempt.call_id))
        .join(Lead, col(Lead.id) == col(Call.lead_id))
        .where(
            col(CampaignAttempt.campaign_id).in_(campaign_ids),
            Lead.status == LeadStatus.qualified,
        )
        .group_by(col(CampaignAttempt.campaign_id))
    ).all()
    for campaign_id, n in qualified:
        out[campaign_id]["qualified"] = int(n)
    return out


def open_contacts(*, session: Session, campaign_id: int) -> int:
    """Contacts still pending, being called or waiting to retry."""
    return int(
        session.exec(
            select(func.count())
            .select_from(CampaignContact)
            .where(
                CampaignContact.campaign_id == campaign_id,
                col(CampaignContact.state).in_([s.value for s in OPEN_STATES]),
            )
        ).one()
    )


def _merge_into(row: CampaignContact, new: NewContact) -> bool:
    changed = False
    for field in ("name", "email", "company"):
        value = getattr(new, field)
        if value and not getattr(row, field):
            setattr(row, field, value)
            changed = True
    return changed


def add_contacts(
    *, session: Session, campaign_id: int, contacts: Iterable[NewContact]
) -> AddResult:
    """Insert contacts; a number already in the campaign (or twice in `contacts`) is merged
    into one contact, its missing name / email / company filled in."""
    existing = {
        row.phone: row
        for row in session.exec(
            select(CampaignContact).where(CampaignContact.campaign_id == campaign_id)
        ).all()
    }
    fresh: dict[str, dict[str, Any]] = {}
    merged = 0
    now = utcnow()
    for new in contacts:
        row = existing.get(new.phone)
        if row is not None:
            merged += 1
            if _merge_into(row, new):
                row.updated_at = now
            continue
        seen = fresh.get(new.phone)
        if seen is not None:
            merged += 1
            for field in ("name", "email", "company"):
                seen[field] = seen[field] or getattr(new, field)
            continue
        fresh[new.phone] = {
            "campaign_id": campaign_id,
            "phone": new.phone,
            "name": new.name,
            "email": new.email,
            "company": new.company,
            "line": new.line,
            "state": ContactState.pending.value,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "updated_at": now,
        }
    rows = list(fresh.values())
    for start in range(0, len(rows), _INSERT_BATCH):
        session.execute(insert(CampaignContact), rows[start : start + _INSERT_BATCH])
    session.flush()
    return AddResult(added=len(rows), merged=merged)


def list_contacts(
    *,
    session: Session,
    campaign_id: int,
    state: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[CampaignContact]:
    query = select(CampaignContact).where(CampaignContact.campaign_id == campaign_id)
    if state:
        query = query.where(CampaignContact.state == state)
    query = query.order_by(col(CampaignContact.id))
    return paginate(session, query, limit=limit, offset=offset)


def call_ids_for(*, session: Session, contact_ids: Sequence[int]) -> dict[int, list[int]]:
    """Every call placed for each contact, oldest first."""
    out: dict[int, list[int]] = {cid: [] for cid in contact_ids}
    if not contact_ids:
        return out
    rows = session.exec(
        select(CampaignAttempt.contact_id, CampaignAttempt.call_id)
        .where(
            col(CampaignAttempt.contact_id).in_(contact_ids),
            col(CampaignAttempt.call_id).is_not(None),
        )
        .order_by(col(CampaignAttempt.number))
    ).all()
    for contact_id, call_id in rows:
        if call_id is not None:
            out[contact_id].append(call_id)
    return out


def skip_open(*, session: Session, campaign_id: int, reason: str) -> int:
    """Skip every contact not yet being called (a cancelled campaign); returns how many."""
    result = session.execute(
        update(CampaignContact)
        .where(
            col(CampaignContact.campaign_id) == campaign_id,
            col(CampaignContact.state).in_([ContactState.pending.value, ContactState.retry.value]),
        )
        .values(state=ContactState.skipped.value, skip_reason=reason, updated_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def progress(*, session: Session, campaign_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Contacts dialled at least once (`called`) and those reached by a person (`connected`)."""
    out = {cid: {"called": 0, "connected": 0} for cid in campaign_ids}
    if not campaign_ids:
        return out
    rows = session.exec(
        select(
            CampaignContact.campaign_id,
            func.count(),
            func.sum(case((col(CampaignContact.last_outcome) == "completed", 1), else_=0)),
        )
        .where(
            col(CampaignContact.campaign_id).in_(campaign_ids),
            col(CampaignContact.attempts) > 0,
        )
        .group_by(col(CampaignContact.campaign_id))
    ).all()
    for campaign_id, called, connected in rows:
        out[campaign_id] = {"called": int(called), "connected": int(connected or 0)}
    return out


def live_calls(*, session: Session, campaign_id: int) -> list[Call]:
    """The campaign's calls in progress, newest first."""
    statuses = [status.value for status in ACTIVE_STATUSES]
    query = (
        select(Call)
        .where(Call.campaign_id == campaign_id, col(Call.status).in_(statuses))
        .order_by(col(Call.started_at).desc())
    )
    return list(session.exec(query).all())
