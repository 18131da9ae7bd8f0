"""Routes for leads: list with filters, one lead with its notes and calls, edits, notes, CSV."""

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from callcenter.calls.views import CallView
from callcenter.db.models import LeadStatus
from callcenter.db.repo import leads as leads_repo
from callcenter.db.session import session_scope
from callcenter.leads import service as leads_service
from callcenter.leads.normalize import FieldError
from callcenter.rest.deps import SessionDep
from callcenter.rest.roles import AnyPrincipal
from callcenter.rest.schemas import LeadDetailOut, LeadOut, NoteOut, PageOut

router = APIRouter(prefix="/api", tags=["leads"])

CSV_COLUMNS = (
    "id",
    "name",
    "email",
    "phone",
    "business_type",
    "need",
    "status",
    "source_call_id",
    "created_at",
    "updated_at",
)


class LeadPatch(BaseModel):
    """Fields to change; omitted fields stay, an empty string or null clears a field."""

    model_config = ConfigDict(extra="forbid")

    status: LeadStatus | None = None
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40)
    business_type: str | None = Field(default=None, max_length=200)
    need: str | None = Field(default=None, max_length=2000)


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=leads_service.MAX_NOTE_CHARS)


def _field_error(exc: FieldError) -> HTTPException:
    return HTTPException(status_code=422, detail=f"{exc.field}: {exc.reason}")


@router.get("/leads", response_model=PageOut[LeadOut])
def list_leads(
    session: SessionDep,
    _who: AnyPrincipal,
    status: Annotated[LeadStatus | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> PageOut[LeadOut]:
    page = leads_repo.list_leads(
        session=session, status=status, q=q, since=since, until=until, limit=limit, offset=offset
    )
    return PageOut.of(page, LeadOut.model_validate)


@router.get("/leads.csv", response_class=StreamingResponse)
@router.get("/leads/export.csv", response_class=StreamingResponse, include_in_schema=False)
def export_leads(
    _who: AnyPrincipal,
    status: Annotated[LeadStatus | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> StreamingResponse:
    """Every lead matching the filters as CSV (UTF-8, header row), streamed in batches."""

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        with session_scope() as session:
            for lead in leads_repo.iter_leads(
                session=session, status=status, q=q, since=since, until=until
            ):
                body = LeadOut.model_validate(lead).model_dump(mode="json")
                writer.writerow([_csv_cell(body.get(c)) for c in CSV_COLUMNS])
                if buffer.tell() > 64_000:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue()

    stamp = datetime.now().strftime("%Y%m%d")
    return StreamingResponse(
        rows(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="leads-{stamp}.csv"'},
    )


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    if text[:1] in ("=", "+", "-", "@") and not _is_phone(text):
        return "'" + text
    return text


def _is_phone(text: str) -> bool:
    return text.startswith("+") and text[1:].isdigit()


@router.get("/leads/{lead_id}", response_model=LeadDetailOut)
def get_lead(lead_id: int, session: SessionDep, _who: AnyPrincipal) -> LeadDetailOut:
    lead = leads_repo.get_lead(session=session, lead_id=lead_id)
    if lead is None:
        raise HTTPException(status_code=404, detail=f"no lead with id {lead_id}")
    return LeadDetailOut(
        **LeadOut.model_validate(lead).model_dump(),
        notes=[
            NoteOut.model_validate(n)
            for n in leads_repo.list_notes(session=session, lead_id=lead_id)
        ],
        calls=[
            CallView.of(c) for c in leads_repo.list_lead_calls(session=session, lead_id=lead_id)
        ],
    )


@router.patch("/leads/{lead_id}", response_model=LeadOut)
def patch_lead(
    lead_id: int, patch: LeadPatch, session: SessionDep, principal: AnyPrincipal
) -> LeadOut:
    """Change a lead's status and fields; 422 names the field that is invalid."""
    changes = patch.model_dump(exclude_unset=True)
    if "status" in changes and changes["status"] is None:
        raise HTTPException(status_code=422, detail="status: must not be null")
    try:
        lead = leads_service.update_lead(
            session=session, lead_id=lead_id, changes=changes, author=principal.author
        )
    except leads_service.LeadNotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None
    except FieldError as exc:
        raise _field_error(exc) from None
    return LeadOut.model_validate(lead)


@router.post("/leads/{lead_id}/notes", status_code=status.HTTP_201_CREATED, response_model=NoteOut)
def add_note(lead_id: int, note: NoteIn, session: SessionDep, principal: AnyPrincipal) -> NoteOut:
    """Append a note; its author is the signed-in user, or "api" for the API token."""
    try:
        created = leads_service.add_note(
            session=session, lead_id=lead_id, author=principal.author, text=note.text
        )
    except leads_service.LeadNotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None
    except FieldError as exc:
        raise _field_error(exc) from None
    return NoteOut.model_validate(created)
