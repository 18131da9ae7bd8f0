"""Queries on the do-not-call list; numbers are stored in E.164 so lookups are exact."""

import phonenumbers
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from callcenter.db.models import DoNotCall
from callcenter.db.repo.paging import Page, paginate
from callcenter.phones import parse_problem


def normalize_number(raw: str, *, default_region: str = "US") -> str:
    """`raw` as E.164, or ValueError saying why it is not a phone number."""
    try:
        parsed = phonenumbers.parse(raw.strip(), default_region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"{raw!r} is not a phone number ({parse_problem(exc)})") from None
    if not phonenumbers.is_possible_number(parsed):
        raise ValueError(f"{raw!r} is not a possible phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def get_entry(*, session: Session, number: str) -> DoNotCall | None:
    return session.exec(select(DoNotCall).where(DoNotCall.number == number)).first()


def is_listed(*, session: Session, number: str) -> bool:
    return get_entry(session=session, number=number) is not None


def add_entry(
    *, session: Session, number: str, source: str = "manual", reason: str | None = None
) -> tuple[DoNotCall, bool]:
    """Insert `number` (E.164) unless present; returns the row and whether it was new.
    Safe against a concurrent insert of the same number (the unique key decides)."""
    existing = get_entry(session=session, number=number)
    if existing is not None:
        return existing, False
    row = DoNotCall(number=number, source=source[:32], reason=(reason or None) and reason[:300])
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        existing = get_entry(session=session, number=number)
        if existing is None:
            raise
        return existing, False
    return row, True


def remove_entry(*, session: Session, number: str) -> bool:
    row = get_entry(session=session, number=number)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def list_entries(
    *, session: Session, q: str | None = None, limit: int = 50, offset: int = 0
) -> Page[DoNotCall]:
    query = select(DoNotCall)
    digits = "".join(ch for ch in q or "" if ch.isdigit())
    if digits:
        query = query.where(col(DoNotCall.number).contains(digits))
    query = query.order_by(col(DoNotCall.created_at).desc(), col(DoNotCall.id).desc())
    return paginate(session, query, limit=limit, offset=offset)
