"""The campaign tables: dial lists, their contacts, and every dial attempt made for a contact."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from callcenter.db.types import UTCDateTime, utcnow


def _ts(*, index: bool = False) -> datetime:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=index)


def _opt_ts() -> datetime | None:
    return Field(default=None, sa_type=UTCDateTime, nullable=True)


class CampaignStatus(StrEnum):
    draft = "draft"
    running = "running"
    paused = "paused"
    completed = "completed"
    cancelled = "cancelled"


class ContactState(StrEnum):
    """Where a contact is in the campaign; `pending`, `calling` and `retry` are still open."""

    pending = "pending"
    calling = "calling"
    retry = "retry"
    done = "done"
    skipped = "skipped"
    failed = "failed"


OPEN_STATES = frozenset({ContactState.pending, ContactState.calling, ContactState.retry})
DUE_STATES = frozenset({ContactState.pending, ContactState.retry})


class AttemptState(StrEnum):
    """One dial's progress: claimed (no call yet) → dialing (call row, request going out) →
    dialed (the carrier took it) → ended; or refused (a guardrail said no), abandoned (its
    process died before creating the call, so nothing was dialled)."""

    claimed = "claimed"
    dialing = "dialing"
    dialed = "dialed"
    ended = "ended"
    refused = "refused"
    abandoned = "abandoned"


LIVE_ATTEMPT_STATES = frozenset({AttemptState.claimed, AttemptState.dialing, AttemptState.dialed})


class Campaign(SQLModel, table=True):
    __tablename__ = "campaigns"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    status: str = Field(default=CampaignStatus.draft.value, max_length=16, index=True)
    max_concurrent: int = 2
    calls_per_minute: int = 10
    max_attempts: int = 3
    retry_after_seconds: int = 3600
    retry_on: str = Field(default="no-answer,busy,failed,machine", max_length=200)
    instructions: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_by: str | None = Field(default=None, max_length=320)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    started_at: datetime | None = _opt_ts()
    completed_at: datetime | None = _opt_ts()


class CampaignContact(SQLModel, table=True):
    """A person to call in one campaign; one row per number (duplicates are merged)."""

    __tablename__ = "campaign_contacts"
    __table_args__ = (
        UniqueConstraint("campaign_id", "phone", name="uq_campaign_contact_phone"),
        Index("ix_campaign_contacts_due", "campaign_id", "state", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaigns.id", ondelete="CASCADE")
    phone: str = Field(max_length=32)
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    company: str | None = Field(default=None, max_length=200)
    state: str = Field(default=ContactState.pending.value, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = _ts()
    last_outcome: str | None = Field(default=None, max_length=32)
    skip_reason: str | None = Field(default=None, max_length=500)
    line: int | None = Field(default=None)  # where it came from in the uploaded file
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class CampaignAttempt(SQLModel, table=True):
    """One dial of one contact. Its id keys the dial: a contact has at most one live attempt,
    and an attempt becomes a call at most once, so a crash never dials a contact twice."""

    __tablename__ = "campaign_attempts"
    __table_args__ = (
        UniqueConstraint("contact_id", "number", name="uq_campaign_attempt_number"),
        Index("ix_campaign_attempts_pace", "campaign_id", "state", "placed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaigns.id", ondelete="CASCADE")
    contact_id: int = Field(foreign_key="campaign_contacts.id", index=True, ondelete="CASCADE")
    number: int  # 1 for the first dial of the contact, 2 for its first retry, …
    state: str = Field(default=AttemptState.claimed.value, max_length=16, index=True)
    holder: str = Field(max_length=100)  # the dialer process that claimed it
    call_id: int | None = Field(default=None, foreign_key="calls.id", ondelete="SET NULL")
    outcome: str | None = Field(default=None, max_length=32)
    detail: str | None = Field(default=None, max_length=500)
    claimed_at: datetime = _ts()
    placed_at: datetime | None = _opt_ts()  # when the carrier answered the dial request
    ended_at: datetime | None = _opt_ts()
