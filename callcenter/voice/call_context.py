"""What the agent is told about one call before it speaks: direction, lead name, caller id."""

import asyncio

from callcenter.config import Settings
from callcenter.db.models import Lead
from callcenter.db.repo import calls as calls_repo
from callcenter.db.session import session_scope
from callcenter.voice.instructions import base_instructions
from callcenter.voice.line import PhoneLine
from callcenter.voice.session import SessionConfig
from callcenter.voice.tools.base import ToolRegistry


def _call_facts(call_id: int) -> tuple[str | None, str | None, str | None]:
    with session_scope() as session:
        call = calls_repo.get_call(session=session, call_id=call_id)
        if call is None:
            return None, None, None
        lead = session.get(Lead, call.lead_id) if call.lead_id else None
        caller = call.from_number if call.direction == "inbound" else call.to_number
        return call.direction.value, (lead.name if lead else None), caller or None


async def load_session_config(
    settings: Settings, stream: PhoneLine, tools: ToolRegistry
) -> SessionConfig:
    """The session configuration for this line's call (database read off the loop)."""
    try:
        direction, lead_name, caller = await asyncio.to_thread(_call_facts, stream.call_id)
    except Exception:
        direction, lead_name, caller = None, None, None
    return SessionConfig(
        instructions=base_instructions(settings, tools.guidance()),
        tools=tools.specs(),
        call_id=stream.call_id,
        call_sid=stream.call_sid,
        direction=direction or stream.direction or "inbound",
        lead_name=lead_name or stream.custom_parameters.get("lead_name") or None,
        caller_number=caller,
        notice=settings.recording_notice.strip() or None if settings.record_calls else None,
    )
