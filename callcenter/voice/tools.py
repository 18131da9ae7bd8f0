"""The agent's tools (same for every engine) and the lead-saving one's execution."""

import json
import logging
import re
from typing import Any

from callcenter.leads.capture import CaptureOutcome, capture_lead
from callcenter.voice.session import ToolSpec

log = logging.getLogger(__name__)

SAVE_LEAD_DETAILS = "save_lead_details"
END_CALL = "end_call"
TRANSFER_TO_HUMAN = "transfer_to_human"
DO_NOT_CALL = "do_not_call"  # the end_call reason for "don't call me again"

_text = {"type": "string"}

TOOLS: list[ToolSpec] = [
    ToolSpec(
        name=SAVE_LEAD_DETAILS,
        description=(
            "Save what you learned about the caller as a sales lead. Call it whenever you learn "
            "or the caller corrects a detail; pass only the fields you know."
        ),
        parameters={
            "type": "object",
            "properties": {
                "name": {**_text, "description": "The caller's full name, without titles"},
                "email": {**_text, "description": "Email address, as confirmed by the caller"},
                "phone": {**_text, "description": "Phone number the caller gave"},
                "business_type": {**_text, "description": "Their business, in their words"},
                "need": {**_text, "description": "What they need help with"},
            },
            "additionalProperties": False,
        },
    ),
    ToolSpec(
        name=END_CALL,
        description=(
            "Hang up once the conversation is over and you have said goodbye. Your last words "
            "finish playing before the line closes. If the caller asked not to be called "
            f'again, the reason must be "{DO_NOT_CALL}": their number then goes on the '
            "do-not-call list."
        ),
        parameters={
            "type": "object",
            "properties": {
                "reason": {
                    **_text,
                    "description": (
                        f'Why the call is ending; exactly "{DO_NOT_CALL}" when the caller asked '
                        "not to be called again"
                    ),
                }
            },
            "required": ["reason"],
            "additionalProperties": False,
        },
    ),
    ToolSpec(
        name=TRANSFER_TO_HUMAN,
        description="Transfer the caller to a person on the team, when they ask for one.",
        parameters={
            "type": "object",
            "properties": {"reason": {**_text, "description": "Why the caller wants a person"}},
            "required": ["reason"],
            "additionalProperties": False,
        },
    ),
]


def asks_do_not_call(arguments: dict[str, Any]) -> bool:
    """True when end_call's reason says the caller asked not to be called again
    ("do_not_call", also written "do not call", "Do-Not-Call", ...)."""
    reason = arguments.get("reason")
    if not isinstance(reason, str):
        return False
    words = re.sub(r"[^a-z]+", "_", reason.lower()).strip("_")
    return DO_NOT_CALL in words


def tool_output(ok: bool, message: str, **extra: Any) -> str:
    """The `output` string of a `function_call_output` item."""
    return json.dumps({"ok": ok, "message": message, **extra})


async def run_save_lead_details(call_id: int, arguments: dict[str, Any]) -> CaptureOutcome:
    """Merge the fields into the call's lead in a worker thread (the audio loop never waits);
    live views hear of the change once it is committed."""
    fields = {k: v for k, v in arguments.items() if isinstance(v, str) and v.strip()}
    try:
        return await capture_lead(call_id=call_id, arguments=fields)
    except Exception:
        log.exception("saving lead details failed")
        return CaptureOutcome(ok=False, message="The details could not be saved right now.")
