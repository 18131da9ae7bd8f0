"""Capture during the call and the lead rules: normalising, latest wins, caller id, dedupe."""

import asyncio

import pytest

from callcenter.config import Settings
from callcenter.db.models import Lead, LeadStatus
from callcenter.db.repo import leads as leads_repo
from callcenter.db.session import session_scope
from callcenter.leads.capture import capture_lead, save_lead_details
from callcenter.leads.normalize import (
    FieldError,
    normalize_business_type,
    normalize_email,
    normalize_name,
    normalize_phone,
)
from callcenter.leads.service import add_note, update_lead
from callcenter.live.hub import LiveHub
from tests.leads.factories import get_call, make_call


def lead(lead_id: int | None) -> Lead:
    assert lead_id is not None
    with session_scope() as session:
        found = leads_repo.get_lead(session=session, lead_id=lead_id)
        assert found is not None
        return found


def save(call_id: int, **arguments: str) -> object:
    with session_scope() as session:
        return save_lead_details(session=session, call_id=call_id, arguments=arguments)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("(415) 555-0134", "+14155550134"),
        ("415.555.0134", "+14155550134"),
        ("+44 20 7946 0958", "+442079460958"),
        ("0044 20 7946 0958", "+442079460958"),
        ("555 123 4567", "+15551234567"),
    ],
)
def test_phones_become_e164(raw: str, expected: str) -> None:
    assert normalize_phone(raw, region="US") == expected


def test_phone_region_comes_from_the_setting() -> None:
    assert normalize_phone("020 7946 0958", region="GB") == "+442079460958"


@pytest.mark.parametrize("raw", ["12", "555 1234", "call me", ""])
def test_bad_phones_name_the_field(raw: str) -> None:
    with pytest.raises(FieldError) as caught:
        normalize_phone(raw, region="US")
    assert caught.value.field == "phone"


def test_emails_names_and_business_are_normalised() -> None:
    assert normalize_email(" Dana@Reyes-Plumbing.COM ") == "dana@reyes-plumbing.com"
    with pytest.raises(FieldError, match="^email"):
        normalize_email("dana at reyes")
    assert normalize_name("Dr. dana reyes") == "Dana Reyes"
    assert normalize_name("Ms. Olivia Chen") == "Olivia Chen"
    assert normalize_name("Mr John Smith Jr.") == "John Smith"
    assert normalize_name("McKenzie") == "McKenzie"
    assert normalize_business_type("A small plumbing business.") == "plumbing"
    assert normalize_business_type("dental clinic") == "dental clinic"


def test_first_tool_call_creates_the_lead_and_links_the_call(migrated: Settings) -> None:
    call_id = make_call(ended=False)
    outcome = save(call_id, name="Dr. Dana Reyes", email="Dana@Reyes.com")
    assert outcome.ok  # type: ignore[attr-defined]
    call = get_call(call_id)
    created = lead(call.lead_id)
    assert (created.name, created.email) == ("Dana Reyes", "dana@reyes.com")
    assert created.phone == "+15550001111"  # caller id fills the phone
    assert created.source_call_id == call_id
    assert created.status == LeadStatus.new


def test_latest_value_wins_and_a_said_phone_beats_the_caller_id(db: Settings) -> None:
    call_id = make_call(ended=False)
    save(call_id, name="John")
    save(call_id, name="Jon", phone="415 555 0134")
    save(call_id, business_type="plumbing")
    found = lead(get_call(call_id).lead_id)
    assert found.name == "Jon"
    assert found.phone == "+14155550134"
    assert found.business_type == "plumbing"


def test_an_invalid_email_is_answered_back_naming_the_field(migrated: Settings) -> None:
    call_id = make_call(ended=False)
    outcome = save(call_id, name="Dana", email="dana at reyes")
    assert not outcome.ok  # type: ignore[attr-defined]
    message = outcome.message  # type: ignore[attr-defined]
    assert "email" in message and "ask the caller" in message
    found = lead(get_call(call_id).lead_id)
    assert found.name == "Dana"  # the valid field is kept
    assert found.email is None


def test_a_new_call_from_a_known_phone_attaches_to_the_existing_lead(
    db: Settings,
) -> None:
    first = make_call(from_number="+15552223333", ended=False)
    save(first, name="Dana")
    second = make_call(from_number="+15552223333", ended=False)
    save(second, need="a quote")
    assert get_call(first).lead_id == get_call(second).lead_id
    assert lead(get_call(first).lead_id).need == "a quote"


def test_a_new_call_giving_a_known_email_attaches_to_the_existing_lead(
    db: Settings,
) -> None:
    first = make_call(from_number="+15552223333", ended=False)
    save(first, email="dana@reyes.com")
    second = make_call(from_number="+15559998888", ended=False)
    save(second, email="DANA@reyes.com", name="Dana")
    assert get_call(first).lead_id == get_call(second).lead_id
    with session_scope() as session:
        assert leads_repo.list_leads(session=session).total == 1


async def test_capture_publishes_lead_updated_after_commit(migrated: Settings) -> None:
    call_id = make_call(ended=False)
    hub = LiveHub()
    queue = hub.subscribe("test-capture")
    try:
        outcome = await capture_lead(call_id=call_id, arguments={"name": "Dana"}, hub=hub)
        event = await asyncio.wait_for(queue.get(), timeout=5)
    finally:
        hub.remove_sink("test-capture")
    assert event.kind == "lead_updated"
    assert event.call_id == call_id
    assert event.data["lead_id"] == outcome.lead_id
    assert event.data["name"] == "Dana"


def test_capture_for_an_unknown_call_saves_nothing(migrated: Settings) -> None:
    outcome = save(4242, name="Dana")
    assert not outcome.ok  # type: ignore[attr-defined]
    with session_scope() as session:
        assert leads_repo.list_leads(session=session).total == 0


def test_update_and_notes(migrated: Settings) -> None:
    call_id = make_call(ended=False)
    save(call_id, name="Dana")
    lead_id = get_call(call_id).lead_id
    assert lead_id is not None
    with session_scope() as session:
        update_lead(
            session=session, lead_id=lead_id, changes={"status": "contacted"}, author="rep@x.com"
        )
        add_note(session=session, lead_id=lead_id, author="rep@x.com", text="Left a voicemail")
    with session_scope() as session:
        with pytest.raises(ValueError, match="^status"):
            update_lead(session=session, lead_id=lead_id, changes={"status": "hot"}, author="x")
    with session_scope() as session:
        notes = leads_repo.list_notes(session=session, lead_id=lead_id)
    assert lead(lead_id).status == LeadStatus.contacted
    assert {n.text for n in notes} == {"Left a voicemail", "Status changed from new to contacted"}
    assert {n.author for n in notes} == {"rep@x.com"}
