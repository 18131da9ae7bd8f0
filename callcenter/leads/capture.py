"""Lead capture from the agent's `save_lead_details` tool (filled in with leads)."""

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session


@dataclass(frozen=True, slots=True)
class CaptureOutcome:
    """What to answer the model: `ok`, and a message naming any field to ask again."""

    ok: bool
    message: str
    lead_id: int | None = None


def save_lead_details(*, session: Session, call_id: int, arguments: dict[str, Any]) -> CaptureOutcome:
    """Merge the tool's fields into the call's lead (created on first use)."""
    return CaptureOutcome(ok=False, message="lead capture is not available yet")
