"""Lead capture from the agent's `save_lead_details` tool, while the call is still live."""

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from callcenter.config import get_settings
from callcenter.db.models import Lead
from callcenter.db.repo import calls as calls_repo
from callcenter.db.session import session_scope
from callcenter.leads.normalize import FieldError, LeadFields, normalize_field
from callcenter.leads.service import caller_id_phone, lead_for_call
from callcenter.live.events import CallEvent
from callcenter.live.hub import LiveHub

log = logging.getLogger(__name__)

TOOL_FIELDS = ("name", "email", "phone", "business_type", "need")


@dataclass(frozen=True, slots=True)
class CaptureOutcome:
    """What to answer the model: `ok`, and a message naming any field to ask again.

    `events` are the CallEvents for what was committed, for the caller to publish."""

    ok: bool
    message: str
    lead_id: int | None = None
    events: tuple[CallEvent, ...] = ()


def save_lead_details(
    *, session: Session, call_id: int, arguments: dict[str, Any], region: str | None = None
) -> CaptureOutcome:
    """Merge the tool's fields into the call's lead (created on first use) and commit.

    Valid fields are saved even when another is invalid; each invalid email or phone is
    answered back by name so the model asks the caller again. Numbers without a country code
    are read in `region` (DEFAULT_REGION when not given)."""
    region = region or get_settings().default_region
    call = calls_repo.get_call(session=session, call_id=call_id)
    if call is None:
        return CaptureOutcome(ok=False, message=f"no call with id {call_id}; nothing saved")
    valid: dict[str, str] = {}
    problems: list[FieldError] = []
    for key in TOOL_FIELDS:
        value = arguments.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        try:
            valid[key] = normalize_field(key, value, region=region)
        except FieldError as exc:
            problems.append(exc)
    if not valid and not problems:
        return CaptureOutcome(ok=False, message="no lead details were given; nothing saved")
    fields = LeadFields(**valid)
    caller_id = caller_id_phone(call, region=region)
    lead, changed = lead_for_call(session=session, call=call, fields=fields, caller_id=caller_id)
    session.commit()
    assert lead.id is not None
    events = (
        CallEvent(
            kind="lead_updated",
            call_id=call_id,
            data={"lead_id": lead.id, "changed": changed, **_lead_data(lead)},
        ),
    )
    message = _answer(valid, problems)
    log.info("call %s: lead %s saved fields %s", call_id, lead.id, sorted(valid))
    return CaptureOutcome(ok=not problems, message=message, lead_id=lead.id, events=events)


async def capture_lead(
    *, call_id: int, arguments: dict[str, Any], hub: LiveHub, region: str | None = None
) -> CaptureOutcome:
    """`save_lead_details` in its own session off the event loop; its events are published
    on `hub` once committed."""

    def _run() -> CaptureOutcome:
        with session_scope() as session:
            return save_lead_details(
                session=session, call_id=call_id, arguments=arguments, region=region
            )

    outcome = await asyncio.to_thread(_run)
    for event in outcome.events:
        hub.publish(event)
    return outcome


def _answer(valid: dict[str, str], problems: list[FieldError]) -> str:
    parts: list[str] = []
    if valid:
        parts.append("Saved " + ", ".join(f"{k}={v}" for k, v in valid.items()) + ".")
    for problem in problems:
        parts.append(
            f"Error: the {problem.field.replace('_', ' ')} is invalid ({problem.reason}); "
            f"ask the caller to repeat their {problem.field.replace('_', ' ')}."
        )
    return " ".join(parts)


def _lead_data(lead: Lead) -> dict[str, Any]:
    return {key: getattr(lead, key) for key in TOOL_FIELDS}
