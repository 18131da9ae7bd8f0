"""Checks of the contract's value formats and JSON shapes, shared by the acceptance tests."""

import re
from datetime import datetime
from typing import Any
from uuid import uuid4

CALL_KEYS = {
    "id",
    "call_sid",
    "direction",
    "from_number",
    "to_number",
    "status",
    "end_reason",
    "answered_by",
    "started_at",
    "answered_at",
    "ended_at",
    "duration_seconds",
    "lead_id",
}
LEAD_KEYS = {
    "id",
    "name",
    "email",
    "phone",
    "business_type",
    "need",
    "status",
    "source_call_id",
    "created_at",
    "updated_at",
}
PAGE_KEYS = {"items", "total", "limit", "offset"}
STATUSES = {
    "queued",
    "ringing",
    "in-progress",
    "completed",
    "busy",
    "failed",
    "no-answer",
    "canceled",
}
LEAD_STATUSES = {"new", "contacted", "qualified", "won", "lost"}
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def new_sid() -> str:
    return "CA" + uuid4().hex


def assert_timestamp(value: Any, *, nullable: bool = True) -> None:
    if value is None and nullable:
        return
    assert isinstance(value, str) and ISO_WITH_OFFSET.match(value), value
    assert datetime.fromisoformat(value).utcoffset() is not None


def assert_call_object(call: dict[str, Any]) -> None:
    assert CALL_KEYS <= call.keys(), CALL_KEYS - call.keys()
    assert isinstance(call["id"], int)
    assert call["direction"] in {"inbound", "outbound"}
    assert call["status"] in STATUSES
    assert call["end_reason"] is None or isinstance(call["end_reason"], str)
    assert E164.match(call["from_number"]), call["from_number"]
    assert E164.match(call["to_number"]), call["to_number"]
    for key in ("started_at", "answered_at", "ended_at"):
        assert_timestamp(call[key])
    assert call["started_at"] is not None
    assert call["duration_seconds"] is None or isinstance(call["duration_seconds"], int)
    assert call["lead_id"] is None or isinstance(call["lead_id"], int)


def assert_lead_object(lead: dict[str, Any]) -> None:
    assert LEAD_KEYS <= lead.keys(), LEAD_KEYS - lead.keys()
    assert lead["status"] in LEAD_STATUSES
    assert lead["phone"] is None or E164.match(lead["phone"]), lead["phone"]
    assert_timestamp(lead["created_at"], nullable=False)
    assert_timestamp(lead["updated_at"], nullable=False)


def assert_page(body: dict[str, Any], *, limit: int, offset: int = 0) -> None:
    assert PAGE_KEYS <= body.keys()
    assert isinstance(body["items"], list) and isinstance(body["total"], int)
    assert body["limit"] == limit and body["offset"] == offset
    assert len(body["items"]) <= limit


def inbound_form(call_sid: str, from_: str, to: str = "+15005550006") -> dict[str, str]:
    """What Twilio posts to the inbound-call webhook."""
    return {
        "CallSid": call_sid,
        "AccountSid": "AC" + "0" * 32,
        "From": from_,
        "To": to,
        "CallStatus": "ringing",
        "Direction": "inbound",
        "ApiVersion": "2010-04-01",
    }


def status_form(call_sid: str, status: str, **extra: str) -> dict[str, str]:
    """What Twilio posts to a status callback."""
    return {
        "CallSid": call_sid,
        "AccountSid": "AC" + "0" * 32,
        "CallStatus": status,
        "ApiVersion": "2010-04-01",
        **extra,
    }
