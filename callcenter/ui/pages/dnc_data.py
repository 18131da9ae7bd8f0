"""Rows for the do-not-call page; adding and removing numbers through the guardrails' list."""

from dataclasses import dataclass

from callcenter.calls.guardrails import add_to_do_not_call
from callcenter.calls.outbound import InvalidNumber, normalize_number
from callcenter.config import get_settings
from callcenter.db.repo import dnc as dnc_repo
from callcenter.db.session import session_scope
from callcenter.ui.format import phone_display, timestamp
from callcenter.ui.paging import QueryFilters

PAGE_SIZE = 25
SOURCES = {"caller_request": "caller asked", "dashboard": "dashboard", "api": "API"}


@dataclass
class DncFilters(QueryFilters):
    q: str = ""
    page: int = 1


@dataclass
class DncRow:
    number: str = ""  # E.164, what remove() takes
    display: str = ""
    reason: str = ""
    source: str = ""
    added: str = ""


def e164(raw: str) -> str:
    """The number as the dialler would dial it (same rule as the make-call form), or
    InvalidNumber saying why not: a listed number then always matches the call it blocks."""
    return normalize_number(raw, default_region=get_settings().caller_id_region)


def load_entries(filters: DncFilters) -> tuple[list[DncRow], int]:
    with session_scope() as session:
        page = dnc_repo.list_entries(
            session=session,
            q=filters.q or None,
            limit=PAGE_SIZE,
            offset=(filters.page - 1) * PAGE_SIZE,
        )
        rows = [
            DncRow(
                number=row.number,
                display=phone_display(row.number),
                reason=row.reason or "",
                source=SOURCES.get(row.source, row.source.replace("_", " ")),
                added=timestamp(row.created_at),
            )
            for row in page.items
        ]
        return rows, page.total


def add_number(raw: str, reason: str) -> str:
    """Put a number on the list (idempotent); returns it for display. InvalidNumber if not
    a phone number."""
    number = e164(raw)
    with session_scope() as session:
        add_to_do_not_call(
            session=session, number=number, source="dashboard", reason=reason.strip() or None
        )
    return phone_display(number)


def remove_number(number: str) -> bool:
    """Take a number off the list; False when it was not on it."""
    try:
        listed = e164(number)
    except InvalidNumber:
        return False
    with session_scope() as session:
        return dnc_repo.remove_entry(session=session, number=listed)
