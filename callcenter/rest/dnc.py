"""The do-not-call list over REST: list, add and remove numbers (API token or dashboard login)."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from callcenter.calls.views import IsoTime
from callcenter.db.repo import dnc as dnc_repo
from callcenter.rest.deps import SessionDep, SettingsDep
from callcenter.rest.roles import AnyPrincipal, ManagerPrincipal
from callcenter.rest.schemas import PageOut

router = APIRouter(prefix="/api", tags=["do-not-call"])


class DoNotCallIn(BaseModel):
    number: str = Field(min_length=3, max_length=40)
    reason: str | None = Field(default=None, max_length=300)


class DoNotCallOut(BaseModel):
    """One number on the do-not-call list."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    reason: str | None
    source: str
    created_at: IsoTime


def _normalize(raw: str, region: str) -> str:
    try:
        return dnc_repo.normalize_number(raw, default_region=region)
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=f"number: {exc}") from None


@router.get("/do-not-call", response_model=PageOut[DoNotCallOut])
def list_do_not_call(
    session: SessionDep,
    _who: AnyPrincipal,
    q: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> PageOut[DoNotCallOut]:
    page = dnc_repo.list_entries(session=session, q=q, limit=limit, offset=offset)
    return PageOut.of(page, DoNotCallOut.model_validate)


@router.post("/do-not-call", status_code=status.HTTP_201_CREATED, response_model=DoNotCallOut)
def add_do_not_call(
    body: DoNotCallIn,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    principal: ManagerPrincipal,
) -> DoNotCallOut:
    """201 with the entry; 200 when the number was already listed."""
    number = _normalize(body.number, settings.caller_id_region)
    source = "api" if principal.is_api_token else "dashboard"
    row, created = dnc_repo.add_entry(
        session=session, number=number, source=source, reason=body.reason
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return DoNotCallOut.model_validate(row)


@router.delete("/do-not-call/{number}", status_code=status.HTTP_204_NO_CONTENT)
def remove_do_not_call(
    number: str, session: SessionDep, settings: SettingsDep, _who: ManagerPrincipal
) -> Response:
    e164 = _normalize(number, settings.caller_id_region)
    if not dnc_repo.remove_entry(session=session, number=e164):
        raise HTTPException(status_code=404, detail=f"{e164} is not on the do-not-call list")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
