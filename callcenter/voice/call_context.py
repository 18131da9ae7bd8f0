"""What the agent is told about one call before it speaks: direction, lead name, caller id,
and for a campaign's call the contact's name and the campaign's instructions."""

import asyncio
from dataclasses import dataclass

from callcenter.campaigns.briefing import Briefing, briefing_for_call
from callcenter.config import Settings
from callcenter.db.models import Lead
from callcenter.db.repo import calls as calls_repo
from callcenter.db.session import session_scope
from callcenter.voice.instructions import base_instructions
from callcenter.voice.line import PhoneLine
from callcenter.voice.session import SessionConfig
from callcenter.voice.tools.base import ToolRegistry


@dataclass(frozen=True, slots=True)
class _Facts:
    direction: str | None = None
    lead_name: str | None = None
    caller: str | None = None
    briefing: Briefing | None = None


def _call_facts(call_id: int) -> _Facts:
    with session_scope() as session:
        call = calls_repo.get_call(session=session, call_id=call_id)
        if call is None:
            return _Facts()
        lead = session.get(Lead, call.lead_id) if call.lead_id else None
        caller = call.from_number if call.direction == "inbound" else call.to_number
        briefing = briefing_for_call(session=session, call_id=call_id) if call.campaign_id else None
        return _Facts(call.direction.value, lead.name if lead else None, caller or None, briefing)


async def load_session_config(
    settings: Settings, stream: PhoneLine, tools: ToolRegistry
) -> SessionConfig:
    """The session configuration for this line's call (database read off the loop)."""
    try:
        facts = await asyncio.to_thread(_call_facts, stream.call_id)
    except Exception:
        facts = _Facts()
    instructions = base_instructions(settings, tools.guidance())
    contact_name = None
    if facts.briefing is not None:
        instructions = facts.briefing.add_to(instructions)
        contact_name = facts.briefing.contact_name
    return SessionConfig(
        instructions=instructions,
        tools=tools.specs(),
        call_id=stream.call_id,
        call_sid=stream.call_sid,
        direction=facts.direction or stream.direction or "inbound",
        lead_name=facts.lead_name
        or contact_name
        or stream.custom_parameters.get("lead_name")
        or None,
        caller_number=facts.caller,
    )
