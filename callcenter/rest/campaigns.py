"""Campaigns over REST: create with contacts, upload a CSV, start / pause / resume / cancel."""

import asyncio
import tempfile
from collections.abc import AsyncIterator
from typing import IO, Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, status
from pydantic import BaseModel, Field
from sqlmodel import Session

from callcenter.campaigns import service
from callcenter.campaigns.contacts import (
    PREVIEW_ROWS,
    ContactFileError,
    Parsed,
    parse_csv,
    parse_items,
)
from callcenter.config import Settings
from callcenter.db.campaign_models import Campaign, CampaignContact, ContactState
from callcenter.db.repo import campaigns as repo
from callcenter.db.session import session_scope
from callcenter.rest.campaign_schemas import (
    CampaignCreatedOut,
    CampaignOut,
    CampaignPage,
    ContactPage,
    ContactsAddedOut,
)
from callcenter.rest.deps import SessionDep, SettingsDep
from callcenter.rest.roles import AnyPrincipal, ManagerPrincipal

router = APIRouter(prefix="/api", tags=["campaigns"])

RetryOutcome = Literal["no-answer", "busy", "failed", "machine"]
_DEFAULT_RETRY_ON: tuple[RetryOutcome, ...] = ("no-answer", "busy", "failed", "machine")
SPOOL_IN_MEMORY = 1024 * 1024


class RetryIn(BaseModel):
    max_attempts: int = Field(default=3, ge=1, le=10)
    retry_after_seconds: int = Field(default=3600, ge=1, le=7 * 24 * 3600)
    retry_on: list[RetryOutcome] = Field(default_factory=lambda: list(_DEFAULT_RETRY_ON))


class ContactIn(BaseModel):
    phone: str | int | None = None
    name: str | None = None
    email: str | None = None
    company: str | None = None


class CampaignIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    max_concurrent: int = Field(default=2, ge=1, le=50)
    calls_per_minute: int = Field(default=10, ge=1, le=100_000)
    retry: RetryIn = Field(default_factory=RetryIn)
    instructions: str | None = Field(default=None, max_length=8000)
    contacts: list[ContactIn] = Field(default_factory=list, max_length=100_000)


class ContactsIn(BaseModel):
    contacts: list[ContactIn] = Field(max_length=100_000)


def contact_json(contact: CampaignContact, call_ids: list[int]) -> dict[str, Any]:
    return {
        "id": contact.id,
        "phone": contact.phone,
        "name": contact.name,
        "email": contact.email,
        "company": contact.company,
        "state": contact.state,
        "attempts": contact.attempts,
        "last_outcome": contact.last_outcome,
        "skip_reason": contact.skip_reason,
        "next_attempt_at": contact.next_attempt_at.isoformat()
        if contact.state == ContactState.retry
        else None,
        "call_ids": call_ids,
    }


def _items(contacts: list[ContactIn]) -> list[dict[str, object]]:
    return [c.model_dump() for c in contacts]


def _found(session: Session, campaign_id: int) -> Campaign:
    campaign = repo.get_campaign(session=session, campaign_id=campaign_id)
    if campaign is None:
        raise HTTPException(status_code=404, detail=f"no campaign with id {campaign_id}")
    return campaign


def _one(session: Session, campaign: Campaign) -> dict[str, Any]:
    return service.describe(session=session, campaigns=[campaign])[0]


@router.post("/campaigns", status_code=status.HTTP_201_CREATED, response_model=CampaignCreatedOut)
def create_campaign(
    body: CampaignIn, session: SessionDep, settings: SettingsDep, principal: ManagerPrincipal
) -> dict[str, Any]:
    """A draft campaign with its contacts; refused contacts are listed in `invalid`."""
    parsed = parse_items(_items(body.contacts), region=settings.caller_id_region)
    fields = {
        "name": body.name.strip(),
        "max_concurrent": body.max_concurrent,
        "calls_per_minute": body.calls_per_minute,
        "max_attempts": body.retry.max_attempts,
        "retry_after_seconds": body.retry.retry_after_seconds,
        "retry_on": ",".join(dict.fromkeys(body.retry.retry_on)),
        "instructions": (body.instructions or "").strip() or None,
        "created_by": principal.author[:320],
    }
    campaign, report = service.create(session=session, fields=fields, contacts=parsed)
    session.commit()
    service.announce(campaign.id)
    return {**_one(session, campaign), **report.to_json()}


@router.get("/campaigns", response_model=CampaignPage)
def list_campaigns(
    session: SessionDep,
    _auth: AnyPrincipal,
    status_filter: Annotated[str | None, Query(alias="status", max_length=16)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    page = repo.list_campaigns(session=session, status=status_filter, limit=limit, offset=offset)
    items = service.describe(session=session, campaigns=page.items)
    return {"items": items, "total": page.total, "limit": page.limit, "offset": page.offset}


@router.get("/campaigns/{campaign_id}", response_model=CampaignOut)
def get_campaign(campaign_id: int, session: SessionDep, _auth: AnyPrincipal) -> dict[str, Any]:
    return _one(session, _found(session, campaign_id))


@router.get("/campaigns/{campaign_id}/contacts", response_model=ContactPage)
def list_contacts(
    campaign_id: int,
    session: SessionDep,
    _auth: AnyPrincipal,
    state: Annotated[str | None, Query(max_length=16)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    _found(session, campaign_id)
    page = repo.list_contacts(
        session=session, campaign_id=campaign_id, state=state, limit=limit, offset=offset
    )
    ids = [c.id for c in page.items if c.id is not None]
    call_ids = repo.call_ids_for(session=session, contact_ids=ids)
    return {
        "items": [contact_json(c, call_ids.get(c.id or 0, [])) for c in page.items],
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
    }


async def _spool(chunks: AsyncIterator[bytes]) -> IO[bytes]:
    """The request body in a temporary file (in memory while small), read as it arrives."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    async for chunk in chunks:
        spool.write(chunk)
    spool.seek(0)
    return spool


def _add(campaign_id: int, parsed: Parsed, dry_run: bool) -> dict[str, Any]:
    with session_scope() as session:
        campaign = _found(session, campaign_id)
        if dry_run:
            report = service.ImportReport(len(parsed.contacts), 0, parsed.invalid)
            out = _one(session, campaign)
        else:
            try:
                report = service.add_contacts(session=session, campaign=campaign, contacts=parsed)
            except service.CampaignConflict as exc:
                raise HTTPException(status_code=409, detail=exc.detail) from None
            session.flush()
            out = _one(session, campaign)
        preview = [
            {
                "line": c.line,
                "phone": c.phone,
                "name": c.name,
                "email": c.email,
                "company": c.company,
            }
            for c in parsed.contacts[:PREVIEW_ROWS]
        ]
    if not dry_run:
        service.announce(campaign_id)
    return {**out, **report.to_json(), "preview": preview, "dry_run": dry_run}


def _parse_upload(data: IO[bytes], settings: Settings) -> Parsed:
    try:
        return parse_csv(data, region=settings.caller_id_region)
    except ContactFileError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    finally:
        data.close()


@router.post("/campaigns/{campaign_id}/contacts", response_model=ContactsAddedOut)
async def add_contacts(
    campaign_id: int,
    request: Request,
    settings: SettingsDep,
    _auth: ManagerPrincipal,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Add contacts from a CSV file (`text/csv`) or JSON `{"contacts": [...]}`; with
    `?dry_run=true` nothing is stored and the answer previews the first rows."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in ("text/csv", "application/csv", "text/plain"):
        spool = await _spool(request.stream())
        parsed = await asyncio.to_thread(_parse_upload, spool, settings)
    elif kind == "application/json":
        try:
            body = ContactsIn.model_validate_json(await request.body())
        except ValueError as exc:
            raise HTTPException(status_code=422, detail=f"contacts: {exc}") from None
        parsed = parse_items(_items(body.contacts), region=settings.caller_id_region)
    else:
        raise HTTPException(
            status_code=415, detail="send text/csv (a header row with phone) or application/json"
        )
    return await asyncio.to_thread(_add, campaign_id, parsed, dry_run)


def _transition(session: Session, campaign_id: int, action: str) -> dict[str, Any]:
    campaign = _found(session, campaign_id)
    try:
        campaign = service.transition(session=session, campaign=campaign, action=action)
    except service.CampaignConflict as exc:
        raise HTTPException(status_code=409, detail=exc.detail) from None
    session.commit()
    service.announce(campaign_id)
    return _one(session, campaign)


@router.post("/campaigns/{campaign_id}/start", response_model=CampaignOut)
def start_campaign(
    campaign_id: int, session: SessionDep, _auth: ManagerPrincipal
) -> dict[str, Any]:
    return _transition(session, campaign_id, "start")


@router.post("/campaigns/{campaign_id}/pause", response_model=CampaignOut)
def pause_campaign(
    campaign_id: int, session: SessionDep, _auth: ManagerPrincipal
) -> dict[str, Any]:
    """No new call is placed once this answers; calls in progress go on."""
    return _transition(session, campaign_id, "pause")


@router.post("/campaigns/{campaign_id}/resume", response_model=CampaignOut)
def resume_campaign(
    campaign_id: int, session: SessionDep, _auth: ManagerPrincipal
) -> dict[str, Any]:
    return _transition(session, campaign_id, "resume")


@router.post("/campaigns/{campaign_id}/cancel", response_model=CampaignOut)
def cancel_campaign(
    campaign_id: int, session: SessionDep, _auth: ManagerPrincipal
) -> dict[str, Any]:
    return _transition(session, campaign_id, "cancel")
