"""The shape a lead is shown in (CONTRACT.md) — REST responses and webhook events alike."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer
from sqlmodel import Session

from callcenter.db.models import Lead
from callcenter.webhooks.events import announce

IsoTime = Annotated[datetime, PlainSerializer(lambda v: v.isoformat(), return_type=str)]


class LeadView(BaseModel):
    """A lead as the API and webhooks show it."""

    model_config = ConfigDict(from_attributes=True, use_enum_values=True)

    id: int
    name: str | None
    email: str | None
    phone: str | None
    business_type: str | None
    need: str | None
    status: str
    source_call_id: int | None
    created_at: IsoTime
    updated_at: IsoTime


def lead_data(lead: Lead) -> dict[str, Any]:
    return LeadView.model_validate(lead).model_dump(mode="json")


def announce_lead(
    *, session: Session, lead: Lead, created: bool, call_id: int | None = None
) -> int:
    """`lead.created` or `lead.updated`, with the lead as it is now, in the caller's transaction."""
    session.flush()
    return announce(
        session=session,
        event_type="lead.created" if created else "lead.updated",
        data=lead_data(lead),
        call_id=call_id,
    )
