"""Building live-call cards from the database (the state only ever holds these shapes)."""

import dataclasses
from datetime import datetime

from sqlmodel import Session

from callcenter.db.models import Call, CallDirection
from callcenter.db.repo import calls as calls_repo
from callcenter.db.repo import leads as leads_repo
from callcenter.db.repo import transcripts as transcripts_repo
from callcenter.db.session import session_scope
from callcenter.ui.format import feed_time, phone_display
from callcenter.ui.wording import end_reason_text

MAX_TURNS_PER_CARD = 200
MAX_ACTIVITY = 12  # every line shown whole, none cut off at the bottom


@dataclasses.dataclass
class LiveTurn:
    key: str = ""
    role: str = ""
    text: str = ""
    interrupted: bool = False
    at: str = ""


@dataclasses.dataclass
class LiveCard:
    """One call in progress, as every browser sees it."""

    id: int = 0
    call_sid: str = ""
    number: str = ""
    direction: str = ""
    status: str = ""
    started_at: str = ""
    lead_name: str = ""
    lead_summary: str = ""
    speaking: str = ""
    hearing: str = ""  # the agent's words heard so far, until its turn is written
    heard_ms: float = 0.0  # wall-clock ms when those words had been played
    turns: list[LiveTurn] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Activity:
    """One line of the recent-activity feed."""

    key: str = ""
    call_id: int = 0
    text: str = ""
    at: str = ""
    time: str = ""


def turn_key(role: str, started_at: str) -> str:
    """How a turn is recognised whether it came from the database or from a live event."""
    return f"{role}-{started_at}"


def other_party(call: Call) -> str:
    number = call.from_number if call.direction == CallDirection.inbound else call.to_number
    return phone_display(number)


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def card_for(session: Session, call: Call, *, speaking: str = "") -> LiveCard:
    assert call.id is not None
    lead = leads_repo.get_lead(session=session, lead_id=call.lead_id) if call.lead_id else None
    summary = ""
    if lead is not None:
        summary = " · ".join(p for p in (lead.business_type, lead.email, lead.need) if p)
    turns = transcripts_repo.list_turns(session=session, call_id=call.id)[-MAX_TURNS_PER_CARD:]
    return LiveCard(
        id=call.id,
        call_sid=call.call_sid or "",
        number=other_party(call),
        direction=call.direction.value,
        status=call.status.value,
        started_at=_iso(call.answered_at or call.started_at),
        lead_name=(lead.name or "") if lead else "",
        lead_summary=summary,
        speaking=speaking,
        turns=[
            LiveTurn(
                key=turn_key(t.role, _iso(t.started_at)),
                role=t.role,
                text=t.text,
                interrupted=t.interrupted,
                at=_iso(t.started_at),
            )
            for t in turns
        ],
    )


def load_card(call_id: int, *, speaking: str = "") -> tuple[LiveCard | None, bool]:
    """The card for a call, and whether the call is still in progress."""
    with session_scope() as session:
        call = calls_repo.get_call(session=session, call_id=call_id)
        if call is None:
            return None, False
        return card_for(session, call, speaking=speaking), call.ended_at is None and (
            call.status.value in ("queued", "ringing", "in-progress")
        )


def load_active_cards() -> list[LiveCard]:
    with session_scope() as session:
        return [card_for(session, call) for call in calls_repo.list_active_calls(session=session)]


def load_recent_activity(limit: int = 10) -> list[Activity]:
    """The feed's first lines after a restart: the latest calls, as the sink would word them."""
    with session_scope() as session:
        calls = calls_repo.list_calls(session=session, limit=limit).items
        items = []
        for call in calls:
            who = other_party(call)
            if call.ended_at is not None:
                reason = end_reason_text(call.end_reason, call.direction) or call.status.value
                text, at = f"Call with {who} ended ({reason})", call.ended_at
            else:
                verb = (
                    "Calling" if call.direction == CallDirection.outbound else "Incoming call from"
                )
                text, at = f"{verb} {who}", call.started_at
            items.append(
                Activity(
                    key=f"{'call_ended' if call.ended_at else 'call_started'}-{call.id}",
                    call_id=call.id or 0,
                    text=text,
                    at=at.isoformat(),
                    time=feed_time(at),
                )
            )
        # Ended calls are stamped with their end: order by the time shown, newest first.
        return sorted(items, key=lambda item: item.at, reverse=True)
