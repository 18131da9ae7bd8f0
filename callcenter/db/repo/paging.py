"""A page of rows plus the total, the shape every list route returns."""

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import func
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

T = TypeVar("T")

MAX_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def paginate(session: Session, query: SelectOfScalar[Any], *, limit: int, offset: int) -> Page[Any]:
    """Run `query` for one page and count every row it matches."""
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    total = session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    items = list(session.exec(query.limit(limit).offset(offset)).all())
    return Page(items=items, total=int(total), limit=limit, offset=offset)
