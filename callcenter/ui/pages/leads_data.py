"""Rows for the leads list and detail, lead edits and notes through `leads.service`, CSV."""

import csv
import io
from dataclasses import dataclass, field, replace

from callcenter import phones
from callcenter.db.models import LeadStatus
from callcenter.db.repo import leads as leads_repo
from callcenter.db.session import session_scope
from callcenter.leads import service
from callcenter.ui.format import duration, timestamp
from callcenter.ui.live.cards import other_party
from callcenter.ui.paging import QueryFilters, day_range

PAGE_SIZE = 25
STATUSES = [s.value for s in LeadStatus]
EDIT_FIELDS = ("name", "email", "phone", "business_type", "need")
CSV_COLUMNS = ("id", "name", "email", "phone", "business_type", "need", "status", "created_at")


@dataclass
class LeadFilters(QueryFilters):
    status: str = ""
    since: str = ""
    until: str = ""
    q: str = ""
    page: int = 1

    def checked(self) -> "LeadFilters":
        return self if self.status in ("", *STATUSES) else replace(self, status="")


@dataclass
class LeadRow:
    id: int = 0
    name: str = ""
    email: str = ""
    phone: str = ""
    business_type: str = ""
    status: str = ""
    created: str = ""


@dataclass
class NoteRow:
    id: int = 0
    author: str = ""
    text: str = ""
    at: str = ""


@dataclass
class LeadCallRow:
    id: int = 0
    number: str = ""
    status: str = ""
    started: str = ""
    duration: str = ""


@dataclass
class LeadDetail:
    found: bool = False
    id: int = 0
    name: str = ""
    email: str = ""
    phone: str = ""
    business_type: str = ""
    need: str = ""
    status: str = ""
    created: str = ""
    updated: str = ""
    status_since: str = ""
    notes: list[NoteRow] = field(default_factory=list)
    calls: list[LeadCallRow] = field(default_factory=list)


def _query_args(filters: LeadFilters) -> dict[str, object]:
    since, until = day_range(filters.since, filters.until)
    return {
        "status": filters.status or None,
        "q": filters.q or None,
        "since": since,
        "until": until,
    }


def load_leads(filters: LeadFilters) -> tuple[list[LeadRow], int]:
    with session_scope() as session:
        page = leads_repo.list_leads(
            session=session,
            limit=PAGE_SIZE,
            offset=(filters.page - 1) * PAGE_SIZE,
            **_query_args(filters),  # type: ignore[arg-type]
        )
        rows = [
            LeadRow(
                id=lead.id or 0,
                name=lead.name or "Unnamed",
                email=lead.email or "",
                phone=phones.display(lead.phone),
                business_type=lead.business_type or "",
                status=lead.status.value,
                created=timestamp(lead.created_at),
            )
            for lead in page.items
        ]
        return rows, page.total


def leads_csv(filters: LeadFilters) -> str:
    """Every lead matching the filters (not just one page) as CSV."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    offset = 0
    with session_scope() as session:
        while True:
            page = leads_repo.list_leads(
                session=session,
                limit=200,
                offset=offset,
                **_query_args(filters),  # type: ignore[arg-type]
            )
            for lead in page.items:
                writer.writerow(
                    [
                        lead.id,
                        lead.name or "",
                        lead.email or "",
                        lead.phone or "",
                        lead.business_type or "",
                        lead.need or "",
                        lead.status.value,
                        lead.created_at.isoformat(),
                    ]
                )
            offset += len(page.items)
            if not page.items or offset >= page.total:
                return out.getvalue()


def load_lead_detail(lead_id: int) -> LeadDetail:
    with session_scope() as session:
        lead = leads_repo.get_lead(session=session, lead_id=lead_id)
        if lead is None or lead.id is None:
            return LeadDetail()
        notes = leads_repo.list_notes(session=session, lead_id=lead.id)
        calls = leads_repo.list_lead_calls(session=session, lead_id=lead.id)
        return LeadDetail(
            found=True,
            id=lead.id,
            name=lead.name or "",
            email=lead.email or "",
            phone=phones.display(lead.phone),
            business_type=lead.business_type or "",
            need=lead.need or "",
            status=lead.status.value,
            created=timestamp(lead.created_at),
            updated=timestamp(lead.updated_at),
            status_since=timestamp(lead.status_changed_at),
            notes=[
                NoteRow(id=n.id or 0, author=n.author, text=n.text, at=timestamp(n.created_at))
                for n in notes
            ],
            calls=[
                LeadCallRow(
                    id=c.id or 0,
                    number=other_party(c),
                    status=c.status.value,
                    started=timestamp(c.started_at),
                    duration=duration(c.duration_seconds),
                )
                for c in calls
            ],
        )


def save_lead(lead_id: int, changes: dict[str, object], author: str) -> None:
    """Apply edits; raises ValueError naming the field when a value is rejected."""
    with session_scope() as session:
        service.update_lead(session=session, lead_id=lead_id, changes=changes, author=author)


def add_lead_note(lead_id: int, author: str, text: str) -> None:
    with session_scope() as session:
        service.add_note(session=session, lead_id=lead_id, author=author, text=text)
