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
    items = list(session.exec(query.limit(limit).offset(offset)).all())
    return Page(items=items, total=count(session, query), limit=limit, offset=offset)


def count(session: Session, query: SelectOfScalar[Any]) -> int:
    """How many rows `query` matches."""
    return int(
        session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    )


def paginate_once(
    session: Session, query: SelectOfScalar[Any], id_column: Any, *, limit: int, offset: int
) -> Page[Any]:
    """The same page and total as `paginate`, the filter run once: one statement gives the
    page's ids, each with a window count of every match, then the page's rows are read by
    id. For a filter too costly to run twice; a page past the end is counted apart."""
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    ids = query.with_only_columns(id_column, func.count().over())
    rows = session.execute(ids.limit(limit).offset(offset)).all()
    if not rows:
        total = count(session, query) if offset else 0
        return Page(items=[], total=total, limit=limit, offset=offset)
    model = query.column_descriptions[0]["entity"]
    found = {
        getattr(item, id_column.key): item
        for item in session.exec(select(model).where(id_column.in_([row[0] for row in rows])))
    }
    items = [found[row[0]] for row in rows]
    return Page(items=items, total=int(rows[0][1]), limit=limit, offset=offset)
