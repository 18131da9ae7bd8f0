"""`save_lead_details`: merge what the caller said into the call's lead, while the call is on."""

import logging
from typing import Any

from callcenter.leads.capture import capture_lead
from callcenter.voice.tools.base import ToolCallContext, ToolResult

log = logging.getLogger(__name__)

_text = {"type": "string"}


class SaveLeadDetails:
    name = "save_lead_details"
    description = (
        "Save what you learned about the caller as a sales lead. Call it whenever you learn "
        "or the caller corrects a detail; pass only the fields you know."
    )
    parameters: dict[str, Any] = {
        "type": "object",
        "properties": {
            "name": {**_text, "description": "The caller's full name, without titles"},
            "email": {**_text, "description": "Email address, as confirmed by the caller"},
            "phone": {**_text, "description": "Phone number the caller gave"},
            "business_type": {**_text, "description": "Their business, in their words"},
            "need": {**_text, "description": "What they need help with"},
        },
        "additionalProperties": False,
    }
    guidance = (
        "As soon as you learn any of these details, call save_lead_details with what you have; "
        "call it again when you learn more or when the caller corrects something. If the tool "
        "reports a problem with a value, politely ask the caller for it again."
    )

    async def run(self, context: ToolCallContext, arguments: dict[str, Any]) -> ToolResult:
        """Merged in a worker thread (the audio loop never waits); live views hear of the
        change once it is committed."""
        fields = {k: v for k, v in arguments.items() if isinstance(v, str) and v.strip()}
        try:
            outcome = await capture_lead(
                call_id=context.call_id,
                arguments=fields,
                hub=context.hub,
                region=context.settings.default_region,
            )
        except Exception:
            log.exception("saving lead details failed")
            return ToolResult(ok=False, message="The details could not be saved right now.")
        return ToolResult(ok=outcome.ok, message=outcome.message)
