"""The shapes a call is shown in — REST responses and live events alike (CONTRACT.md)."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer

from callcenter.db.models import Call, CallStatusEvent, TranscriptTurn

# ISO 8601 with the UTC offset written out ("+00:00"), as the contract's examples show.
IsoTime = Annotated[datetime, PlainSerializer(lambda v: v.isoformat(), return_type=str)]


class CallView(BaseModel):
    """A call as the API and live views show it. A column added to `Call` appears here by
    adding a field of the same name."""

    model_config = ConfigDict(from_attributes=True, use_enum_values=True)

    id: int
    call_sid: str | None
    direction: str
    from_number: str
    to_number: str
    status: str
    end_reason: str | None
    answered_by: str | None
    error_message: str | None
    started_at: IsoTime
    answered_at: IsoTime | None
    ended_at: IsoTime | None
    duration_seconds: int | None
    lead_id: int | None
    campaign_id: int | None = None

    @classmethod
    def of(cls, call: Call) -> "CallView":
        return cls.model_validate(call)


class TurnView(BaseModel):
    """One transcript turn, in spoken order."""

    model_config = ConfigDict(from_attributes=True)

    role: str
    text: str
    started_at: IsoTime | None
    interrupted: bool


class StatusEventView(BaseModel):
    """One step of a call's status history."""

    status: str
    answered_by: str | None
    source: str
    detail: str | None
    at: IsoTime | None

    @classmethod
    def of(cls, event: CallStatusEvent) -> "StatusEventView":
        return cls(
            status=event.status,
            answered_by=event.answered_by,
            source=event.source,
            detail=event.detail,
            at=event.occurred_at,
        )


class CallDetailView(CallView):
    """A call with its transcript and status history (`GET /api/calls/{id}`)."""

    transcript: list[TurnView]
    status_history: list[StatusEventView]

    @classmethod
    def of_parts(
        cls, call: Call, turns: list[TranscriptTurn], events: list[CallStatusEvent]
    ) -> "CallDetailView":
        return cls(
            **CallView.of(call).model_dump(),
            transcript=[TurnView.model_validate(t) for t in turns],
            status_history=[StatusEventView.of(e) for e in events],
        )


def call_data(call: Call) -> dict[str, Any]:
    """The call as JSON-ready data, for events and hand-built payloads."""
    return CallView.of(call).model_dump(mode="json")
