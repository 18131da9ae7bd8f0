"""The shapes a call is shown in — REST responses and live events alike (CONTRACT.md)."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, computed_field

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
    # After the call (CONTRACT.md): the review, the recording, the campaign that placed it.
    summary: str | None
    outcome: str | None
    next_step: str | None
    sentiment: str | None
    campaign_id: int | None
    recording_key: str | None = Field(default=None, exclude=True)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recording_url(self) -> str | None:
        """Where the recording is served, once one was started."""
        if not self.recording_key or not self.call_sid:
            return None
        return f"/api/calls/{self.call_sid}/recording"

    usage: dict[str, Any] | None = None  # AI tokens summed over the call
    # What the call cost: the AI's price (REALTIME_PRICES), plus the carrier's once reported.
    cost_usd: float | None = None
    carrier_cost_usd: float | None = None  # the carrier's price (USD), when it reported one

    @classmethod
    def of(cls, call: Call) -> "CallView":
        view = cls.model_validate(call)
        if call.carrier_cost_usd is not None:
            view.cost_usd = round((call.cost_usd or 0.0) + call.carrier_cost_usd, 6)
        return view


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
            **CallView.of(call).model_dump(exclude={"recording_url"}),
            recording_key=call.recording_key,
            transcript=[TurnView.model_validate(t) for t in turns],
            status_history=[StatusEventView.of(e) for e in events],
        )


def call_data(call: Call) -> dict[str, Any]:
    """The call as JSON-ready data, for events and hand-built payloads."""
    return CallView.of(call).model_dump(mode="json")
