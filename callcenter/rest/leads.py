"""Routes for leads: list with filters, one lead with its notes and calls."""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query

from callcenter.db.models import LeadStatus
from callcenter.db.repo import leads as leads_repo
from callcenter.rest.deps import ApiPrincipal, SessionDep
from callcenter.rest.schemas import call_json, lead_json, note_json, page_json

router = APIRouter(prefix="/api", tags=["leads"])

LeadStatusParam = Literal[tuple(s.value for s in LeadStatus)]  # type: ignore[valid-type]


@router.get("/leads")
def list_leads(
    session: SessionDep,
    _auth: ApiPrincipal,
    status: Annotated[LeadStatusParam | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    page = leads_repo.list_leads(
        session=session, status=status, q=q, since=since, until=until, limit=limit, offset=offset
    )
    return page_json(page, lead_json)


@router.get("/leads/{lead_id}")
def get_lead(lead_id: int, session: SessionDep, _auth: ApiPrincipal) -> dict[str, Any]:
    lead = leads_repo.get_lead(session=session, lead_id=lead_id)
    if lead is None:
        raise HTTPException(status_code=404, detail=f"no lead with id {lead_id}")
    body = lead_json(lead)
    body["notes"] = [note_json(n) for n in leads_repo.list_notes(session=session, lead_id=lead_id)]
    body["calls"] = [
        call_json(c) for c in leads_repo.list_lead_calls(session=session, lead_id=lead_id)
    ]
    return body
