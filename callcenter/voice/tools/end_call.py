"""`end_call`: the agent hangs up once its goodbye has played; "do_not_call" lists the number."""

import re
from typing import Any

from callcenter.db.models import EndReason
from callcenter.voice.tools.base import CallEnding, ToolCallContext, ToolResult

DO_NOT_CALL = "do_not_call"  # the reason for "don't call me again"


def asks_do_not_call(arguments: dict[str, Any]) -> bool:
    """True when the reason says the caller asked not to be called again
    ("do_not_call", also written "do not call", "Do-Not-Call", ...)."""
    reason = arguments.get("reason")
    if not isinstance(reason, str):
        return False
    words = re.sub(r"[^a-z]+", "_", reason.lower()).strip("_")
    return DO_NOT_CALL in words


class EndCall:
    name = "end_call"
    description = (
        "Hang up once the conversation is over and you have said goodbye. Your last words "
        "finish playing before the line closes. If the caller asked not to be called "
        f'again, the reason must be "{DO_NOT_CALL}": their number then goes on the '
        "do-not-call list."
    )
    parameters: dict[str, Any] = {
        "type": "object",
        "properties": {
            "reason": {
                "type": "string",
                "description": (
                    f'Why the call is ending; exactly "{DO_NOT_CALL}" when the caller asked '
                    "not to be called again"
                ),
            }
        },
        "required": ["reason"],
        "additionalProperties": False,
    }
    guidance = (
        "When the conversation is over, thank the caller, say goodbye, and then call end_call. "
        "If the caller asks not to be called again, confirm politely, say goodbye, and call "
        f'end_call with the reason "{DO_NOT_CALL}".'
    )

    async def run(self, context: ToolCallContext, arguments: dict[str, Any]) -> ToolResult:
        ending = CallEnding(EndReason.agent_ended, do_not_call=asks_do_not_call(arguments))
        return ToolResult(ok=True, message="Hanging up.", ending=ending)
