"""Read routes for calls: history with filters, one call with its transcript, active calls."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query

from callcenter.db.models import CallDirection, CallStatus
from callcenter.db.repo import calls as calls_repo
from callcenter.db.repo import transcripts
from callcenter.rest.deps import ApiPrincipal, SessionDep
from callcenter.rest.schemas import call_json, page_json, status_event_json, turn_json

router = APIRouter(prefix="/api", tags=["calls"])


@router.get("/calls")
def list_calls(
    session: SessionDep,
    _auth: ApiPrincipal,
    status: CallStatus | None = None,
    direction: CallDirection | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    has_lead: bool | None = None,
    sort: Annotated[str, Query(pattern=r"^-?(started_at|duration|status|id)$")] = "-started_at",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    page = calls_repo.list_calls(
        session=session,
        status=status,
        direction=direction,
        q=q,
        since=since,
        until=until,
        has_lead=has_lead,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return page_json(page, call_json)


@router.get("/calls/{ref}")
def get_call(ref: str, session: SessionDep, _auth: ApiPrincipal) -> dict[str, Any]:
    call = calls_repo.find_call(session=session, ref=ref)
    if call is None or call.id is None:
        raise HTTPException(status_code=404, detail=f"no call with id {ref}")
    body = call_json(call)
    body["transcript"] = [
        turn_json(t) for t in transcripts.list_turns(session=session, call_id=call.id)
    ]
    body["status_history"] = [
        status_event_json(e)
        for e in calls_repo.list_status_events(session=session, call_id=call.id)
    ]
    return body


@router.get("/active-calls")
def active_calls(session: SessionDep, _auth: ApiPrincipal) -> dict[str, Any]:
    return {"items": [call_json(c) for c in calls_repo.list_active_calls(session=session)]}
