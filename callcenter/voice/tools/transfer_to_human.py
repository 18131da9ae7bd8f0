"""`transfer_to_human`: put the caller through to the team's number, when one is configured."""

from typing import Any

from callcenter.db.models import EndReason
from callcenter.voice.tools.base import CallEnding, ToolCallContext, ToolResult

UNAVAILABLE = "Transfer is not available; offer that a team member will call back."


class TransferToHuman:
    name = "transfer_to_human"
    description = "Transfer the caller to a person on the team, when they ask for one."
    parameters: dict[str, Any] = {
        "type": "object",
        "properties": {
            "reason": {"type": "string", "description": "Why the caller wants a person"}
        },
        "required": ["reason"],
        "additionalProperties": False,
    }
    guidance = "If the caller asks for a person, call transfer_to_human."

    async def run(self, context: ToolCallContext, arguments: dict[str, Any]) -> ToolResult:
        number = context.settings.transfer_number
        if not number:
            return ToolResult(ok=False, message=UNAVAILABLE)
        ending = CallEnding(EndReason.transferred, transfer_to=number)
        return ToolResult(ok=True, message="Transferring.", ending=ending)
