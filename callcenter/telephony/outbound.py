"""Placing outbound calls: validate the number, check guardrails, record the call, dial."""

from callcenter.db.models import Call
from callcenter.services import Services


class InvalidNumber(ValueError):
    """The number cannot be dialled; the message says why (shown to the user, HTTP 422)."""


async def place_call(*, services: Services, to: str, lead_id: int | None = None) -> Call:
    """Normalise `to` to E.164 (or raise `InvalidNumber`), check guardrails (raise
    `GuardrailRefusal`), create the call row (queued, outbound) and ask the carrier to dial.
    Carrier errors do not raise: the call is returned `failed` with the reason."""
    raise InvalidNumber("outbound calling is not available yet")
