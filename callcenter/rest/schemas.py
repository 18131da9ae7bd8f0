"""Response models of the REST API (the JSON shapes of CONTRACT.md) for leads, notes, pages."""

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from callcenter.calls.views import CallView, IsoTime
from callcenter.db.repo.paging import Page
from callcenter.leads.views import LeadView

T = TypeVar("T")


class PageOut(BaseModel, Generic[T]):
    """One page of a list: `{"items", "total", "limit", "offset"}`."""

    items: list[T]
    total: int
    limit: int
    offset: int

    @classmethod
    def of(cls, page: Page[Any], render: Callable[[Any], T]) -> "PageOut[T]":
        return cls(
            items=[render(item) for item in page.items],
            total=page.total,
            limit=page.limit,
            offset=page.offset,
        )


class ItemsOut(BaseModel, Generic[T]):
    """An unpaged list: `{"items": [...]}`."""

    items: list[T]


class LeadOut(LeadView):
    """A lead as the API shows it (the shape webhooks carry too)."""


class NoteOut(BaseModel):
    """A note on a lead."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    author: str
    text: str
    created_at: IsoTime


class LeadDetailOut(LeadOut):
    """A lead with its notes and the calls it came from (`GET /api/leads/{id}`)."""

    notes: list[NoteOut]
    calls: list[CallView]
