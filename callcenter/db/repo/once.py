"""Insert a row unless a unique constraint says it is already there (idempotent writes)."""

from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

RowT = TypeVar("RowT", bound=SQLModel)


def insert_once(session: Session, row: RowT) -> RowT | None:
    """Add `row` in a savepoint; None when a concurrent writer inserted the same key first."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row
