"""What the agent is told about one call before it speaks: direction, who is on the line
(a returning lead is greeted by name, with what they told us last time), the tools, and for a
campaign's call the contact's name and the campaign's instructions."""

import asyncio
import logging
from dataclasses import dataclass

from sqlmodel import Session

from callcenter.campaigns.briefing import Briefing, briefing_for_call
from callcenter.config import Settings
from callcenter.db.models import Call, CallDirection, Lead
from callcenter.db.repo import calls as calls_repo
from callcenter.db.repo import leads as leads_repo
from callcenter.db.session import session_scope
from callcenter.leads.normalize import FieldError, normalize_phone
from callcenter.voice.instructions import base_instructions, returning_caller_instructions
from callcenter.voice.session import ReturningCaller, SessionConfig
from callcenter.voice.tools.base import ToolRegistry

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CallFacts:
    direction: str | None = None
    lead_name: str | None = None
    other_party: str | None = None
    returning: ReturningCaller | None = None
    briefing: Briefing | None = None


def _lead_of(session: Session, call: Call, other_party: str | None, region: str) -> Lead | None:
    """The call's own lead, else the lead whose phone is the other party's number."""
    if call.lead_id:
        return session.get(Lead, call.lead_id)
    if not other_party:
        return None
    try:
        phone = normalize_phone(other_party, region=region)
    except FieldError:
        return None
    return leads_repo.find_lead_by_phone(session=session, phone=phone)


def _last_summary(session: Session, lead_id: int, call_id: int) -> str | None:
    """The summary of this lead's latest earlier call, when the call has one."""
    return leads_repo.last_call_summary(session=session, lead_id=lead_id, except_call=call_id)


def call_facts(session: Session, call: Call, region: str) -> CallFacts:
    """What the call's row and its lead say, read in the caller's transaction."""
    assert call.id is not None
    inbound = call.direction == CallDirection.inbound
    other_party = (call.from_number if inbound else call.to_number) or None
    lead = _lead_of(session, call, other_party, region)
    returning = None
    if lead is not None and lead.id is not None and (lead.name or lead.need):
        returning = ReturningCaller(
            lead_id=lead.id,
            name=lead.name,
            business_type=lead.business_type,
            need=lead.need,
            last_summary=_last_summary(session, lead.id, call.id),
        )
    briefing = briefing_for_call(session=session, call_id=call.id) if call.campaign_id else None
    return CallFacts(
        direction=call.direction.value,
        lead_name=(lead.name if lead else None) or (briefing.contact_name if briefing else None),
        other_party=other_party,
        returning=returning,
        briefing=briefing,
    )


def _read_facts(call_id: int, region: str) -> CallFacts:
    with session_scope() as session:
        call = calls_repo.get_call(session=session, call_id=call_id)
        return CallFacts() if call is None else call_facts(session, call, region)


async def load_session_config(
    settings: Settings,
    tools: ToolRegistry,
    *,
    call_id: int,
    call_sid: str,
    direction: str,
    lead_name: str | None = None,
    facts: CallFacts | None = None,
) -> SessionConfig:
    """The session configuration for a call (database read off the loop, unless the webhook
    read its `facts` already); `direction` and `lead_name` stand in when the row does not say."""
    if facts is None:
        try:
            facts = await asyncio.to_thread(_read_facts, call_id, settings.default_region)
        except Exception:
            log.warning("could not read the call's facts; the agent starts without them")
            facts = CallFacts()
    instructions = base_instructions(settings, tools.guidance())
    if facts.returning is not None:
        instructions += "\n\n" + returning_caller_instructions(facts.returning)
    if facts.briefing is not None:
        instructions = facts.briefing.add_to(instructions)
    return SessionConfig(
        instructions=instructions,
        tools=tools.specs(),
        call_id=call_id,
        call_sid=call_sid,
        direction=facts.direction or direction or "inbound",
        lead_name=facts.lead_name or lead_name or None,
        caller_number=facts.other_party,
        returning=facts.returning,
        notice=settings.recording_notice.strip() or None if settings.record_calls else None,
    )
