"""Read routes for calls: history with filters, one call with its transcript, active calls."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from callcenter.calls.views import CallDetailView, CallView
from callcenter.db.models import CallDirection, CallStatus
from callcenter.db.repo import calls as calls_repo
from callcenter.db.repo import transcripts
from callcenter.leads.review import Outcome
from callcenter.rest.deps import SessionDep
from callcenter.rest.roles import AnyPrincipal
from callcenter.rest.schemas import ItemsOut, PageOut

router = APIRouter(prefix="/api", tags=["calls"])


@router.get("/calls", response_model=PageOut[CallView])
def list_calls(
    session: SessionDep,
    _who: AnyPrincipal,
    status: CallStatus | None = None,
    direction: CallDirection | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    has_lead: bool | None = None,
    outcome: Outcome | None = None,
    sort: Annotated[str, Query(pattern=r"^-?(started_at|duration|status|id)$")] = "-started_at",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> PageOut[CallView]:
    page = calls_repo.list_calls(
        session=session,
        status=status,
        direction=direction,
        q=q,
        since=since,
        until=until,
        has_lead=has_lead,
        outcome=outcome,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return PageOut.of(page, CallView.of)


@router.get("/calls/{ref}", response_model=CallDetailView)
def get_call(ref: str, session: SessionDep, _who: AnyPrincipal) -> CallDetailView:
    """A call by our id or its CallSid, with its transcript in spoken order."""
    call = calls_repo.find_call(session=session, ref=ref)
    if call is None or call.id is None:
        raise HTTPException(status_code=404, detail=f"no call with id {ref}")
    return CallDetailView.of_parts(
        call,
        transcripts.list_turns(session=session, call_id=call.id),
        calls_repo.list_status_events(session=session, call_id=call.id),
    )


@router.get("/active-calls", response_model=ItemsOut[CallView])
def active_calls(session: SessionDep, _who: AnyPrincipal) -> ItemsOut[CallView]:
    """Every call in progress (queued, ringing or in-progress)."""
    return ItemsOut(items=[CallView.of(c) for c in calls_repo.list_active_calls(session=session)])
