"""What the call pages and the webhooks page read and write, without a browser: the outcome
filter, the review and recording on the detail, endpoints with their secret and delivery log."""

import pytest

from callcenter.config import Settings
from callcenter.db.models import CallDirection, CallStatus
from callcenter.db.repo import calls as calls_repo
from callcenter.db.repo import transcripts as transcripts_repo
from callcenter.db.repo import webhooks as webhooks_repo
from callcenter.db.session import session_scope
from callcenter.db.types import utcnow
from callcenter.ui.pages.calls_data import CallFilters, load_call_detail, load_calls
from callcenter.ui.pages.webhooks_data import (
    add_endpoint,
    delete_endpoint,
    load_deliveries,
    load_endpoints,
    resend_delivery,
)
from callcenter.webhooks.events import announce


def _reviewed_call(outcome: str, *, recorded: bool = False) -> int:
    with session_scope() as session:
        call = calls_repo.create_call(
            session=session,
            direction=CallDirection.inbound,
            from_number="+14155550134",
            to_number="+14155550100",
            status=CallStatus.completed,
            call_sid=f"CA{outcome[:8]:0>32}",
        )
        call.answered_at = utcnow()
        call.outcome, call.summary, call.sentiment = outcome, f"A {outcome} call.", "neutral"
        call.next_step = "Call again."
        call.recording_key = call.call_sid if recorded else None
        assert call.id is not None
        transcripts_repo.add_turn(
            session=session,
            call_id=call.id,
            turn_key="t1",
            role="caller",
            text="Hello",
            started_at=utcnow(),
        )
        return call.id


def test_calls_filter_by_outcome_and_show_it(migrated: Settings) -> None:
    qualified = _reviewed_call("qualified")
    _reviewed_call("voicemail")
    filters = CallFilters(outcome="qualified")
    assert (
        CallFilters.from_query(dict(p.split("=") for p in filters.query_string().split("&")))
        == filters
    )
    page = load_calls(filters)
    assert [(r.id, r.outcome) for r in page.rows] == [(qualified, "qualified")]
    assert load_calls(CallFilters()).total == 2


def test_call_detail_has_the_review_and_a_seekable_recording(migrated: Settings) -> None:
    call_id = _reviewed_call("callback_requested", recorded=True)
    detail = load_call_detail(call_id)
    assert detail.outcome == "callback requested"
    assert detail.summary == "A callback_requested call." and detail.next_step == "Call again."
    assert detail.recording_url == f"/api/calls/{detail.call_sid}/recording"
    [turn] = detail.turns
    assert 0 <= turn.offset < 5
    assert load_call_detail(_reviewed_call("no_answer")).recording_url == ""


def test_webhooks_page_adds_shows_the_secret_once_and_resends_a_failed_delivery(
    migrated: Settings,
) -> None:
    endpoint_id, secret = add_endpoint("https://crm.example.com/hook", ["call.completed"])
    assert secret.startswith("whsec_")
    [row] = load_endpoints()
    assert (row.id, row.url, row.events) == (
        endpoint_id,
        "https://crm.example.com/hook",
        "call.completed",
    )
    assert not hasattr(row, "secret")
    with session_scope() as session:
        announce(session=session, event_type="call.completed", data={"id": 1}, event_id="msg_1")
        announce(session=session, event_type="lead.created", data={"id": 1})  # not subscribed
    [delivery] = load_deliveries(endpoint_id)
    assert (delivery.event_id, delivery.status, delivery.failed) == ("msg_1", "pending", False)
    assert not resend_delivery(delivery.id)  # only a failed delivery can be resent
    with session_scope() as session:
        row_db = webhooks_repo.get_delivery(session=session, delivery_id=delivery.id)
        assert row_db is not None
        row_db.status = "failed"  # type: ignore[assignment]
        row_db.attempts = 3
    assert load_deliveries(endpoint_id)[0].failed
    assert resend_delivery(delivery.id)
    [again] = load_deliveries(endpoint_id)
    assert (again.status, again.attempts, again.event_id) == ("pending", 0, "msg_1")
    delete_endpoint(endpoint_id)
    assert load_endpoints() == []


def test_an_endpoint_needs_a_url_and_an_event(migrated: Settings) -> None:
    with pytest.raises(ValueError, match="http"):
        add_endpoint("crm.example.com", ["call.completed"])
    with pytest.raises(ValueError, match="at least one"):
        add_endpoint("https://crm.example.com", [])
