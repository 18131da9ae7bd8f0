"""The events live views receive: one frozen dataclass per thing that happened on a call."""

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

from callcenter.db.types import utcnow

EventKind = Literal[
    "call_started",  # a call row exists (ringing / queued)
    "call_updated",  # status, answered_by, lead link or other metadata changed
    "turn",  # a transcript turn was committed
    "speaking",  # who is speaking now changed ("caller", "agent" or None)
    "heard",  # the agent's words the caller has heard so far (before the turn is written)
    "lead_updated",  # the call's lead gained or changed fields
    "call_ended",  # the call reached a final status
]


@dataclass(frozen=True, slots=True)
class CallEvent:
    """Something that happened on one call, already committed to the database."""

    kind: EventKind
    call_id: int
    data: dict[str, Any] = field(default_factory=dict)
    at: datetime = field(default_factory=utcnow)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["at"] = self.at.isoformat()
        return out
