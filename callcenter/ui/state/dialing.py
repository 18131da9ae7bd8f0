"""Placing a call from a page: the dialler's refusals turned into a message for the page."""

from dataclasses import dataclass

from callcenter.calls.guardrails import GuardrailRefusal
from callcenter.calls.outbound import InvalidNumber
from callcenter.ui import runtime


@dataclass(frozen=True, slots=True)
class DialOutcome:
    call_id: int = 0
    error: str = ""


async def dial(to: str, lead_id: int | None) -> DialOutcome:
    """Place an outbound call; an invalid number, a guardrail refusal or a carrier failure
    comes back as `error` (shown in a role="alert" callout), never as an exception."""
    try:
        call = await runtime.dialer().place_call(to=to, lead_id=lead_id)
    except InvalidNumber as exc:
        return DialOutcome(error=f"Invalid number: {exc}.")
    except GuardrailRefusal as exc:
        return DialOutcome(error=f"Call refused: {exc.detail}")
    error = ""
    if call.status.value == "failed":
        error = f"The call failed: {call.error_message or 'carrier error'}"
    return DialOutcome(call_id=call.id or 0, error=error)
