"""What the pages read and write, without a browser: filters in URLs, validation, CSV, cards."""

import csv
import io

from callcenter.config import Settings
from callcenter.db.models import CallDirection, CallStatus, Lead
from callcenter.db.repo import calls as calls_repo
from callcenter.db.repo import transcripts as transcripts_repo
from callcenter.db.session import session_scope
from callcenter.db.types import utcnow
from callcenter.live.events import CallEvent
from callcenter.ui.live.cards import load_active_cards, load_card
from callcenter.ui.live.sink import _activity, _turn_from
from callcenter.ui.pages.calls_data import CallFilters, load_calls
from callcenter.ui.pages.dashboard import check_number
from callcenter.ui.pages.leads_data import LeadFilters, add_lead_note, leads_csv, load_lead_detail


def test_call_filters_round_trip_through_the_query_string():
    filters = CallFilters(
        status="completed",
        direction="outbound",
        q="Maria",
        has_lead="yes",
        sort="-duration",
        page=3,
        since="2026-11-01",
    )
    query = filters.query_string()
    params = dict(pair.split("=") for pair in query.split("&"))
    assert CallFilters.from_query(params) == filters
    assert CallFilters().query_string() == ""
    assert CallFilters.from_query({"sort": "drop table", "page": "-2"}) == CallFilters()


def test_lead_filters_ignore_unknown_status():
    assert LeadFilters.from_query({"status": "bogus", "q": "x"}) == LeadFilters(q="x")


def test_number_is_checked_as_typed():
    assert check_number("", "US") == (False, "")
    assert check_number("+1 555", "US")[0] is False
    ok, hint = check_number("(415) 555-0142", "US")
    assert ok and "+1 415-555-0142" in hint
    # The example number from the hint is accepted, as the API accepts it.
    assert check_number("+1 555 123 4567", "US")[0] is True
    assert "too short" in check_number("+1 555", "US")[1]


def test_live_card_reads_the_committed_call_and_turns(migrated: Settings):
    with session_scope() as session:
        call = calls_repo.create_call(
            session=session,
            direction=CallDirection.inbound,
            from_number="+14155550142",
            to_number="+15550100000",
            status=CallStatus.in_progress,
        )
        transcripts_repo.add_turn(
            session=session,
            call_id=call.id or 0,
            turn_key="a",
            role="agent",
            text="Hello!",
            started_at=utcnow(),
        )
        call_id = call.id or 0
    card, active = load_card(call_id)
    assert active and card is not None
    assert card.number == "+1 415-555-0142"
    assert [(t.role, t.text) for t in card.turns] == [("agent", "Hello!")]
    assert [c.id for c in load_active_cards()] == [call_id]
    assert load_card(999_999) == (None, False)


def test_events_become_turns_and_activity_lines():
    turn = _turn_from(
        CallEvent(kind="turn", call_id=1, data={"role": "caller", "text": "Hi", "turn_key": "k1"})
    )
    assert turn is not None and (turn.key, turn.role, turn.text) == ("k1", "caller", "Hi")
    assert _turn_from(CallEvent(kind="turn", call_id=1, data={})) is None
    ended = _activity(
        CallEvent(kind="call_ended", call_id=7, data={"end_reason": "agent_ended"}), None
    )
    assert ended is not None and ended.text == "Call with call 7 ended (agent ended)"
    assert _activity(CallEvent(kind="speaking", call_id=7), None) is None


def test_calls_search_notes_and_csv(migrated: Settings):
    with session_scope() as session:
        lead = Lead(name="Grace Liu", email="grace@liu.example", phone="+14085550155")
        session.add(lead)
        session.flush()
        call = calls_repo.create_call(
            session=session,
            direction=CallDirection.inbound,
            from_number="+14085550155",
            to_number="+15550100000",
            lead_id=lead.id,
        )
        transcripts_repo.add_turn(
            session=session,
            call_id=call.id or 0,
            turn_key="a",
            role="caller",
            text="We need tax help",
            started_at=utcnow(),
        )
        lead_id = lead.id or 0
    assert load_calls(CallFilters(q="tax help")).total == 1
    assert load_calls(CallFilters(q="Grace")).rows[0].lead_name == "Grace Liu"
    assert load_calls(CallFilters(has_lead="no")).total == 0

    add_lead_note(lead_id, "rep@example.com", "Wants a demo")
    detail = load_lead_detail(lead_id)
    assert [(n.author, n.text) for n in detail.notes] == [("rep@example.com", "Wants a demo")]
    assert [c.number for c in detail.calls] == ["+1 408-555-0155"]

    rows = list(csv.DictReader(io.StringIO(leads_csv(LeadFilters(q="grace")))))
    assert [(r["name"], r["email"]) for r in rows] == [("Grace Liu", "grace@liu.example")]


def test_failed_sign_ins_are_kept_so_the_rate_limit_applies(migrated: Settings):
    from callcenter.accounts import service as accounts
    from callcenter.api import prepare_database
    from callcenter.ui.pages.login import _safe_next, _sign_in

    prepare_database(migrated)
    for _ in range(accounts.MAX_FAILED_LOGINS):
        assert isinstance(_sign_in("admin@example.com", "nope"), accounts.LoginError)
    refused = _sign_in("admin@example.com", "admin-password-1")
    assert isinstance(refused, accounts.LoginError) and "Too many" in str(refused)
    assert _safe_next("%2Fcalls%3Fq%3Dx") == "/calls?q=x"
    assert _safe_next("https://evil.example/") == "/"
    assert _safe_next("//evil.example/") == "/"


def test_recent_activity_is_read_back_after_a_restart(migrated: Settings):
    from callcenter.db.models import EndReason
    from callcenter.ui.live.cards import load_recent_activity

    with session_scope() as session:
        ended = calls_repo.create_call(
            session=session,
            direction=CallDirection.inbound,
            from_number="+14155550142",
            to_number="+15550100000",
            status=CallStatus.completed,
        )
        ended.end_reason = EndReason.agent_ended
        ended.ended_at = utcnow()
        calls_repo.create_call(
            session=session,
            direction=CallDirection.outbound,
            from_number="+15550100000",
            to_number="+12125550187",
            status=CallStatus.ringing,
        )
    texts = [item.text for item in load_recent_activity()]
    assert texts == [
        "Calling +1 212-555-0187",
        "Call with +1 415-555-0142 ended (agent ended)",
    ]
