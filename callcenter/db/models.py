"""The tables: calls, their status history and transcript, leads, notes, outboxes, users."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from callcenter.db.search_index import calls_by_date_index, trigram_index
from callcenter.db.types import UTCDateTime, utcnow


def _ts(*, index: bool = False, nullable: bool = False) -> datetime:
    """A timezone-aware UTC timestamp column defaulting to now."""
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=nullable, index=index)


def _opt_ts(*, index: bool = False) -> datetime | None:
    return Field(default=None, sa_type=UTCDateTime, nullable=True, index=index)


class CallDirection(StrEnum):
    inbound = "inbound"
    outbound = "outbound"


class CallStatus(StrEnum):
    """Twilio's call statuses, in the order a call moves through them."""

    queued = "queued"
    ringing = "ringing"
    in_progress = "in-progress"
    completed = "completed"
    busy = "busy"
    failed = "failed"
    no_answer = "no-answer"
    canceled = "canceled"


FINAL_STATUSES = frozenset(
    {
        CallStatus.completed,
        CallStatus.busy,
        CallStatus.failed,
        CallStatus.no_answer,
        CallStatus.canceled,
    }
)
ACTIVE_STATUSES = frozenset({CallStatus.queued, CallStatus.ringing, CallStatus.in_progress})


class EndReason(StrEnum):
    caller_hung_up = "caller_hung_up"
    agent_ended = "agent_ended"
    transferred = "transferred"
    voicemail = "voicemail"
    ai_unavailable = "ai_unavailable"
    error = "error"
    no_answer = "no_answer"
    busy = "busy"
    canceled = "canceled"
    idle = "idle"
    time_limit = "time_limit"
    shutdown = "shutdown"
    ended_by_user = "ended_by_user"


class LeadStatus(StrEnum):
    new = "new"
    contacted = "contacted"
    qualified = "qualified"
    won = "won"
    lost = "lost"


class Role(StrEnum):
    manager = "manager"
    rep = "rep"


class OutboxStatus(StrEnum):
    pending = "pending"
    sending = "sending"
    sent = "sent"
    failed = "failed"


class Lead(SQLModel, table=True):
    __tablename__ = "leads"
    __table_args__ = tuple(
        trigram_index("leads", c) for c in ("name", "email", "phone", "business_type", "need")
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320, index=True)
    phone: str | None = Field(default=None, max_length=32, index=True)
    business_type: str | None = Field(default=None, max_length=200)
    need: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: LeadStatus = Field(default=LeadStatus.new, max_length=16, index=True)
    # No foreign key: calls reference leads, and a cycle would complicate migrations.
    source_call_id: int | None = Field(default=None)
    created_at: datetime = _ts(index=True)
    updated_at: datetime = _ts()
    status_changed_at: datetime = _ts()


class Call(SQLModel, table=True):
    __tablename__ = "calls"
    __table_args__ = (
        trigram_index("calls", "from_number"),
        trigram_index("calls", "to_number"),
        calls_by_date_index(),
    )

    id: int | None = Field(default=None, primary_key=True)
    call_sid: str | None = Field(default=None, max_length=64, unique=True)
    stream_sid: str | None = Field(default=None, max_length=64)
    direction: CallDirection = Field(max_length=16, index=True)
    from_number: str = Field(default="", max_length=32, index=True)
    to_number: str = Field(default="", max_length=32, index=True)
    status: CallStatus = Field(default=CallStatus.queued, max_length=16, index=True)
    end_reason: EndReason | None = Field(default=None, max_length=32)
    answered_by: str | None = Field(default=None, max_length=32)
    error_message: str | None = Field(default=None, max_length=500)
    lead_id: int | None = Field(
        default=None, foreign_key="leads.id", index=True, ondelete="SET NULL"
    )
    started_at: datetime = _ts(index=True)
    answered_at: datetime | None = _opt_ts()
    ended_at: datetime | None = _opt_ts()
    duration_seconds: int | None = Field(default=None)
    # AI usage summed over the call's responses (the Realtime API's shape) and its price.
    usage: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    cost_usd: float | None = Field(default=None)
    # The carrier's price for the call in USD, when it reported one (after the call).
    carrier_cost_usd: float | None = Field(default=None)
    # Bumped whenever a finished call is finalised (leads + emails); guards double work.
    finalized_at: datetime | None = _opt_ts()
    updated_at: datetime = _ts()
    # After the call: its review (values of `leads.review`) and its recording's store key.
    summary: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    outcome: str | None = Field(default=None, max_length=32, index=True)
    next_step: str | None = Field(default=None, max_length=500)
    sentiment: str | None = Field(default=None, max_length=16)
    reviewed_at: datetime | None = _opt_ts()
    recording_key: str | None = Field(default=None, max_length=200)
    # The outbound campaign that placed the call (campaigns live in their own table).
    campaign_id: int | None = Field(default=None, index=True)


class CallStatusEvent(SQLModel, table=True):
    """Every status change a call went through, with where it came from (its timeline)."""

    __tablename__ = "call_status_events"

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="calls.id", index=True, ondelete="CASCADE")
    status: str = Field(max_length=32)
    answered_by: str | None = Field(default=None, max_length=32)
    source: str = Field(default="app", max_length=32)
    detail: str | None = Field(default=None, max_length=500)
    occurred_at: datetime = _ts()


class TranscriptTurn(SQLModel, table=True):
    """One finished utterance. `(call_id, turn_key)` makes re-delivery idempotent."""

    __tablename__ = "transcript_turns"
    __table_args__ = (
        UniqueConstraint("call_id", "turn_key", name="uq_turn_call_key"),
        trigram_index("transcript_turns", "text"),
    )

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="calls.id", index=True, ondelete="CASCADE")
    turn_key: str = Field(max_length=80)
    role: str = Field(max_length=16)
    text: str = Field(sa_column=Column(Text, nullable=False))
    interrupted: bool = False
    started_at: datetime = _ts()
    created_at: datetime = _ts()


class LeadNote(SQLModel, table=True):
    __tablename__ = "lead_notes"

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(foreign_key="leads.id", index=True, ondelete="CASCADE")
    author: str = Field(max_length=320)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _ts()


class OutboxMessage(SQLModel, table=True):
    """An email waiting to be sent, sent, or given up on — never deleted."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=32)
    to_address: str = Field(max_length=320)
    subject: str = Field(max_length=300)
    html: str = Field(sa_column=Column(Text, nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    call_id: int | None = Field(default=None, foreign_key="calls.id", ondelete="SET NULL")
    lead_id: int | None = Field(default=None, foreign_key="leads.id", ondelete="SET NULL")
    status: OutboxStatus = Field(default=OutboxStatus.pending, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = _ts()
    claimed_until: datetime | None = _opt_ts()
    last_error: str | None = Field(default=None, max_length=1000)
    provider_message_id: str | None = Field(default=None, max_length=200)
    sent_at: datetime | None = _opt_ts()
    created_at: datetime = _ts()


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)
    password_hash: str = Field(max_length=200)
    role: Role = Field(default=Role.rep, max_length=16)
    is_active: bool = True
    created_at: datetime = _ts()
    last_login_at: datetime | None = _opt_ts()


class AuthSession(SQLModel, table=True):
    """A dashboard login; only the token's hash is stored."""

    __tablename__ = "auth_sessions"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    created_at: datetime = _ts()
    expires_at: datetime = _ts(index=True)


class LoginAttempt(SQLModel, table=True):
    """Failed sign-ins, for rate limiting by email."""

    __tablename__ = "login_attempts"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, index=True)
    attempted_at: datetime = _ts(index=True)


class DoNotCall(SQLModel, table=True):
    __tablename__ = "do_not_call"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=32, unique=True)
    reason: str | None = Field(default=None, max_length=300)
    source: str = Field(default="manual", max_length=32)
    created_at: datetime = _ts()


class AppSetting(SQLModel, table=True):
    """Small key/value facts the app generates once (e.g. the API token's hash)."""

    __tablename__ = "app_settings"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=500)
    updated_at: datetime = _ts()


class JobLease(SQLModel, table=True):
    """A lease that makes a background job run on one worker at a time."""

    __tablename__ = "job_leases"

    name: str = Field(primary_key=True, max_length=64)
    holder: str = Field(max_length=100)
    expires_at: datetime = _ts()


class WebhookEndpoint(SQLModel, table=True):
    """A URL that receives signed events; `events` is a comma-separated list of event types."""

    __tablename__ = "webhook_endpoints"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000)
    events: str = Field(max_length=500)
    secret: str = Field(max_length=100)
    created_at: datetime = _ts()


class DeliveryStatus(StrEnum):
    pending = "pending"
    sending = "sending"
    delivered = "delivered"
    failed = "failed"


class WebhookDelivery(SQLModel, table=True):
    """One event for one endpoint: the body exactly as signed, retried until a 2xx or given up.

    Written in the transaction of the change it announces; `event_id` is the `webhook-id`."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id", name="uq_delivery_endpoint_event"),
        Index("ix_delivery_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(foreign_key="webhook_endpoints.id", index=True, ondelete="CASCADE")
    event_id: str = Field(max_length=80)
    event_type: str = Field(max_length=32)
    body: str = Field(sa_column=Column(Text, nullable=False))
    call_id: int | None = Field(default=None, index=True)
    status: DeliveryStatus = Field(default=DeliveryStatus.pending, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = _ts()
    claimed_until: datetime | None = _opt_ts()
    last_error: str | None = Field(default=None, max_length=1000)
    delivered_at: datetime | None = _opt_ts()
    created_at: datetime = _ts()
