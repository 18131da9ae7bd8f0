"""`POST /api/outbound-call`: a manager (or an integration) asks the system to phone someone."""

import asyncio

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from callcenter.app_state import DialerDep
from callcenter.calls.guardrails import GuardrailRefusal
from callcenter.calls.outbound import InvalidNumber
from callcenter.calls.views import CallView
from callcenter.db.repo import leads as leads_repo
from callcenter.db.session import session_scope
from callcenter.rest.roles import ManagerPrincipal

router = APIRouter(prefix="/api", tags=["calls"])


def _lead_exists(lead_id: int) -> bool:
    with session_scope() as session:
        return leads_repo.get_lead(session=session, lead_id=lead_id) is not None


class OutboundCallRequest(BaseModel):
    to: str = Field(min_length=1, max_length=64, examples=["+15551234567"])
    lead_id: int | None = None


@router.post("/outbound-call", status_code=201, response_model=CallView)
async def outbound_call(
    body: OutboundCallRequest, dialer: DialerDep, _who: ManagerPrincipal
) -> CallView:
    """Dial `to`; a carrier failure still answers 201 with the call `failed` and its reason."""
    if body.lead_id is not None and not await asyncio.to_thread(_lead_exists, body.lead_id):
        raise HTTPException(status_code=422, detail=f"lead_id: no lead with id {body.lead_id}")
    try:
        call = await dialer.place_call(to=body.to, lead_id=body.lead_id)
    except InvalidNumber as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    except GuardrailRefusal as exc:
        raise HTTPException(status_code=exc.status_code, detail=exc.detail) from None
    return CallView.of(call)
