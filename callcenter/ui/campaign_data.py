"""Rows for the campaign pages, read through the campaign queries; CSV previews and actions."""

import io
from dataclasses import dataclass, field

from callcenter.campaigns import service
from callcenter.campaigns.contacts import PREVIEW_ROWS, ContactFileError, Parsed, parse_csv
from callcenter.config import get_settings
from callcenter.db.campaign_models import Campaign
from callcenter.db.repo import campaigns as repo
from callcenter.db.session import session_scope
from callcenter.ui.format import phone_display, timestamp

CONTACTS_PAGE_SIZE = 50
MAX_REFUSED_SHOWN = 200


@dataclass
class CampaignRow:
    id: int = 0
    name: str = ""
    status: str = ""
    total: int = 0
    called: int = 0
    connected: int = 0
    qualified: int = 0
    remaining: int = 0
    pending: int = 0
    calling: int = 0
    retry: int = 0
    done: int = 0
    skipped: int = 0
    failed: int = 0
    called_pct: int = 0
    connected_pct: int = 0
    qualified_pct: int = 0
    created: str = ""


@dataclass
class LiveCallRow:
    id: int = 0
    number: str = ""
    status: str = ""


@dataclass
class ContactRow:
    id: int = 0
    phone: str = ""
    name: str = ""
    state: str = ""
    attempts: int = 0
    outcome: str = ""
    reason: str = ""
    call_ids: list[int] = field(default_factory=list)


@dataclass
class PreviewRow:
    line: int = 0
    phone: str = ""
    name: str = ""
    email: str = ""
    company: str = ""


@dataclass
class RefusedRow:
    line: int = 0
    value: str = ""
    error: str = ""


def _pct(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _rows(campaigns: list[Campaign]) -> list[CampaignRow]:
    ids = [c.id for c in campaigns if c.id is not None]
    with session_scope() as session:
        counts = repo.counts(session=session, campaign_ids=ids)
        more = repo.progress(session=session, campaign_ids=ids)
    rows = []
    for c in campaigns:
        assert c.id is not None
        n, p = counts[c.id], more[c.id]
        rows.append(
            CampaignRow(
                id=c.id,
                name=c.name,
                status=c.status,
                total=n["total"],
                called=p["called"],
                connected=p["connected"],
                qualified=n["qualified"],
                remaining=n["pending"] + n["calling"] + n["retry"],
                pending=n["pending"],
                calling=n["calling"],
                retry=n["retry"],
                done=n["done"],
                skipped=n["skipped"],
                failed=n["failed"],
                called_pct=_pct(p["called"], n["total"]),
                connected_pct=_pct(p["connected"], n["total"]),
                qualified_pct=_pct(n["qualified"], n["total"]),
                created=timestamp(c.created_at),
            )
        )
    return rows


def load_board(limit: int = 200) -> list[CampaignRow]:
    """Every recent campaign with its progress, newest first."""
    with session_scope() as session:
        campaigns = repo.list_campaigns(session=session, limit=limit).items
    return _rows(campaigns)


def load_campaign(campaign_id: int) -> CampaignRow | None:
    with session_scope() as session:
        campaign = repo.get_campaign(session=session, campaign_id=campaign_id)
    return _rows([campaign])[0] if campaign is not None else None


def load_live_calls(campaign_id: int) -> list[LiveCallRow]:
    with session_scope() as session:
        calls = repo.live_calls(session=session, campaign_id=campaign_id)
        return [
            LiveCallRow(id=c.id or 0, number=phone_display(c.to_number), status=c.status.value)
            for c in calls
        ]


def load_contacts(campaign_id: int, page: int) -> tuple[list[ContactRow], int]:
    with session_scope() as session:
        found = repo.list_contacts(
            session=session,
            campaign_id=campaign_id,
            limit=CONTACTS_PAGE_SIZE,
            offset=(page - 1) * CONTACTS_PAGE_SIZE,
        )
        ids = [c.id for c in found.items if c.id is not None]
        call_ids = repo.call_ids_for(session=session, contact_ids=ids)
        rows = [
            ContactRow(
                id=c.id or 0,
                phone=phone_display(c.phone),
                name=c.name or "",
                state=c.state,
                attempts=c.attempts,
                outcome=(c.last_outcome or "").replace("-", " "),
                reason=c.skip_reason or "",
                call_ids=call_ids.get(c.id or 0, []),
            )
            for c in found.items
        ]
        return rows, found.total


def read_csv(data: bytes) -> Parsed:
    """The uploaded file's contacts and refusals; `ContactFileError` for an unreadable file."""
    return parse_csv(io.BytesIO(data), region=get_settings().caller_id_region)


def preview(parsed: Parsed) -> tuple[list[PreviewRow], list[RefusedRow]]:
    rows = [
        PreviewRow(
            c.line or 0, phone_display(c.phone), c.name or "", c.email or "", c.company or ""
        )
        for c in parsed.contacts[:PREVIEW_ROWS]
    ]
    refused = [RefusedRow(r.line, r.value, r.error) for r in parsed.invalid[:MAX_REFUSED_SHOWN]]
    return rows, refused


def add_contacts(campaign_id: int, parsed: Parsed) -> service.ImportReport:
    """Store the contacts (CampaignConflict when the campaign takes none)."""
    with session_scope() as session:
        campaign = repo.get_campaign(session=session, campaign_id=campaign_id)
        if campaign is None:
            raise service.CampaignConflict("that campaign no longer exists")
        report = service.add_contacts(session=session, campaign=campaign, contacts=parsed)
    service.announce(campaign_id)
    return report


def create_campaign(
    name: str, max_concurrent: int, calls_per_minute: int, instructions: str, by: str
) -> int:
    with session_scope() as session:
        campaign, _ = service.create(
            session=session,
            fields={
                "name": name,
                "max_concurrent": max_concurrent,
                "calls_per_minute": calls_per_minute,
                "instructions": instructions or None,
                "created_by": by,
            },
            contacts=Parsed(),
        )
        assert campaign.id is not None
        campaign_id = campaign.id
    service.announce(campaign_id)
    return campaign_id


def act(campaign_id: int, action: str) -> str:
    """Start / pause / resume / cancel; returns the new status (CampaignConflict if not)."""
    with session_scope() as session:
        campaign = repo.get_campaign(session=session, campaign_id=campaign_id)
        if campaign is None:
            raise service.CampaignConflict("that campaign no longer exists")
        status = service.transition(session=session, campaign=campaign, action=action).status
    service.announce(campaign_id)
    return status


__all__ = ["ContactFileError"]
