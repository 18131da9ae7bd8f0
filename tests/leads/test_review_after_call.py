"""The after-call step stores the review on the call and puts it in the team email and the API."""

from email.message import EmailMessage

from fastapi.testclient import TestClient

from callcenter.config import Settings
from callcenter.leads.finalize import finalize_call
from callcenter.notify.outbox import send_due_once
from callcenter.notify.senders import build_email_sender
from tests.leads.factories import SPELLED_EMAIL_CALL, get_call, make_call
from tests.leads.test_finalize import outbox_files, read_eml


def outbox_messages(settings: Settings) -> list[EmailMessage]:
    return [read_eml(path) for path in outbox_files(settings)]


async def test_a_finished_call_has_its_review_in_the_api_and_the_team_email(
    migrated: Settings, client: TestClient
) -> None:
    call_id = make_call(SPELLED_EMAIL_CALL, call_sid="CA" + "5" * 32)
    await finalize_call(settings=migrated, call_id=call_id)
    await send_due_once(sender=build_email_sender(migrated), sender_address=migrated.email_from)

    call = get_call(call_id)
    assert call.outcome == "qualified" and call.sentiment is not None
    body = client.get(f"/api/calls/{call.call_sid}").json()
    assert body["outcome"] == "qualified"
    assert body["summary"].startswith("Dana Reyes from a plumbing business called in.")
    assert body["next_step"].startswith("Follow up with Dana Reyes by email about a booking")
    assert body["campaign_id"] is None
    assert body["recording_url"] is None  # nothing was recorded for this call
    assert client.get(f"/api/calls/{call_id}/recording").status_code == 404

    listed = client.get("/api/calls", params={"outcome": "qualified"}).json()
    assert [c["id"] for c in listed["items"]] == [call_id]
    assert client.get("/api/calls", params={"outcome": "voicemail"}).json()["total"] == 0
    assert client.get("/api/calls", params={"outcome": "maybe"}).status_code == 422

    [team] = [m for m in outbox_messages(migrated) if m["To"] == migrated.admin_email]
    plain = team.get_body(preferencelist=("plain",))
    assert plain is not None
    text = plain.get_content()
    assert "Outcome:" in text and "qualified" in text
    assert "Next step:" in text and "booking system" in text


async def test_a_call_nobody_answered_is_reviewed_without_a_summary(migrated: Settings) -> None:
    call_id = make_call([])
    await finalize_call(settings=migrated, call_id=call_id)
    call = get_call(call_id)
    assert call.reviewed_at is not None
    assert call.summary is None and call.sentiment is None
    assert call.outcome == "incomplete"  # answered, but the caller never spoke
