"""The JSON shapes of the contract: call, transcript turn, lead, note, page."""

from datetime import datetime
from typing import Any

from callcenter.db.models import Call, CallStatusEvent, Lead, LeadNote, TranscriptTurn
from callcenter.db.repo.paging import Page


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def call_json(call: Call) -> dict[str, Any]:
    return {
        "id": call.id,
        "call_sid": call.call_sid,
        "direction": call.direction.value if call.direction else None,
        "from_number": call.from_number,
        "to_number": call.to_number,
        "status": call.status.value if call.status else None,
        "end_reason": call.end_reason.value if call.end_reason else None,
        "answered_by": call.answered_by,
        "error_message": call.error_message,
        "started_at": iso(call.started_at),
        "answered_at": iso(call.answered_at),
        "ended_at": iso(call.ended_at),
        "duration_seconds": call.duration_seconds,
        "lead_id": call.lead_id,
    }


def turn_json(turn: TranscriptTurn) -> dict[str, Any]:
    return {
        "role": turn.role,
        "text": turn.text,
        "started_at": iso(turn.started_at),
        "interrupted": turn.interrupted,
    }


def status_event_json(event: CallStatusEvent) -> dict[str, Any]:
    return {
        "status": event.status,
        "answered_by": event.answered_by,
        "source": event.source,
        "detail": event.detail,
        "at": iso(event.occurred_at),
    }


def lead_json(lead: Lead) -> dict[str, Any]:
    return {
        "id": lead.id,
        "name": lead.name,
        "email": lead.email,
        "phone": lead.phone,
        "business_type": lead.business_type,
        "need": lead.need,
        "status": lead.status.value if lead.status else None,
        "source_call_id": lead.source_call_id,
        "created_at": iso(lead.created_at),
        "updated_at": iso(lead.updated_at),
    }


def note_json(note: LeadNote) -> dict[str, Any]:
    return {
        "id": note.id,
        "author": note.author,
        "text": note.text,
        "created_at": iso(note.created_at),
    }


def page_json(page: Page[Any], render: Any) -> dict[str, Any]:
    return {
        "items": [render(item) for item in page.items],
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
    }
