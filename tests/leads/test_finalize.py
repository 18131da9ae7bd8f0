"""After a call: the transcript corrects the lead, dedupes it, and queues both emails once."""

import asyncio
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from callcenter.config import Settings, get_settings
from callcenter.db.models import Lead, OutboxStatus
from callcenter.db.repo import leads as leads_repo
from callcenter.db.repo import outbox as outbox_repo
from callcenter.db.session import session_scope
from callcenter.leads.capture import save_lead_details
from callcenter.leads.finalize import finalize_call
from callcenter.notify.outbox import send_due_once
from callcenter.notify.senders import build_email_sender
from tests.leads.factories import SPELLED_EMAIL_CALL, get_call, make_call


def lead_of(call_id: int) -> Lead:
    call = get_call(call_id)
    assert call.lead_id is not None, "the call has no lead"
    with session_scope() as session:
        lead = leads_repo.get_lead(session=session, lead_id=call.lead_id)
        assert lead is not None
        return lead


def outbox_files(settings: Settings) -> list[Path]:
    return sorted(Path(settings.outbox_dir).glob("*.eml"))


def read_eml(path: Path) -> EmailMessage:
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


async def test_spelled_email_without_tool_call_gives_lead_and_two_eml_files(
    migrated: Settings,
) -> None:
    call_id = make_call(SPELLED_EMAIL_CALL)

    await finalize_call(settings=migrated, call_id=call_id)
    report = await send_due_once(
        sender=build_email_sender(migrated), sender_address=migrated.email_from
    )

    lead = lead_of(call_id)
    assert lead.email == "dana@reyesplumbing.com"
    assert lead.name == "Dana Reyes"
    assert lead.phone == "+15550001111"  # the caller id, as none was said
    assert lead.business_type == "plumbing"
    assert "booking system" in (lead.need or "")
    assert report.sent == 2
    files = outbox_files(migrated)
    assert len(files) == 2
    messages = {read_eml(f)["To"]: read_eml(f) for f in files}
    followup = messages["dana@reyesplumbing.com"]
    assert "Thanks for calling" in followup["Subject"]
    team = messages[migrated.admin_email]
    plain = team.get_body(preferencelist=("plain",))
    assert plain is not None
    body = plain.get_content()
    assert f"{migrated.public_base_url}/leads/{lead.id}" in body
    assert "Dana Reyes" in body


async def test_finalising_twice_queues_nothing_more(migrated: Settings) -> None:
    call_id = make_call(SPELLED_EMAIL_CALL)
    first = await finalize_call(settings=migrated, call_id=call_id)
    second = await finalize_call(settings=migrated, call_id=call_id)
    assert first is not None and first.emails_queued == 2
    assert second is None
    with session_scope() as session:
        assert len(outbox_repo.list_messages(session=session, call_id=call_id)) == 2
    assert get_call(call_id).finalized_at is not None


async def test_concurrent_finalisers_queue_each_email_once(db: Settings) -> None:
    call_id = make_call(SPELLED_EMAIL_CALL)
    results = await asyncio.gather(*(finalize_call(settings=db, call_id=call_id) for _ in range(4)))
    assert sum(1 for r in results if r is not None) == 1
    with session_scope() as session:
        assert len(outbox_repo.list_messages(session=session, call_id=call_id)) == 2


async def test_transcript_corrects_what_the_tool_captured(db: Settings) -> None:
    call_id = make_call(
        [
            "A: What's your email?",
            "C: dana at reyes plumbing dot com. Sorry, dana at reyes plumbing dot net.",
        ]
    )
    with session_scope() as session:
        outcome = save_lead_details(
            session=session,
            call_id=call_id,
            arguments={"name": "Dana Reyes", "email": "dana@reyesplumbing.com"},
        )
    assert outcome.ok

    await finalize_call(settings=db, call_id=call_id)

    lead = lead_of(call_id)
    assert lead.email == "dana@reyesplumbing.net"
    assert lead.name == "Dana Reyes"  # kept: the transcript does not contradict it


async def test_a_phone_said_beats_the_caller_id(migrated: Settings) -> None:
    call_id = make_call(
        ["A: Best number to reach you?", "C: four one five, five five five, oh one three four"]
    )
    await finalize_call(settings=migrated, call_id=call_id)
    assert lead_of(call_id).phone == "+14155550134"


async def test_a_second_call_from_a_known_number_attaches_to_the_same_lead(
    db: Settings,
) -> None:
    first = make_call(SPELLED_EMAIL_CALL, from_number="+15552223333")
    await finalize_call(settings=db, call_id=first)
    second = make_call(
        ["A: How can I help?", "C: Just checking on my quote."], from_number="+15552223333"
    )
    await finalize_call(settings=db, call_id=second)

    assert lead_of(first).id == lead_of(second).id
    with session_scope() as session:
        assert leads_repo.list_leads(session=session).total == 1
        calls = leads_repo.list_lead_calls(session=session, lead_id=lead_of(first).id or 0)
    assert {c.id for c in calls} == {first, second}


async def test_a_known_email_from_a_new_number_merges_into_the_existing_lead(
    db: Settings,
) -> None:
    first = make_call(SPELLED_EMAIL_CALL, from_number="+15552223333")
    await finalize_call(settings=db, call_id=first)
    # The tool creates a lead from the new number first; the email then reveals who it is.
    second = make_call(
        ["A: Email?", "C: dana at reyes plumbing dot com", "C: My name is Dana Reyes-Lopez now."],
        from_number="+15554445555",
    )
    with session_scope() as session:
        save_lead_details(session=session, call_id=second, arguments={"need": "a second site"})
    await finalize_call(settings=db, call_id=second)

    lead = lead_of(second)
    assert lead.id == lead_of(first).id
    assert lead.name == "Dana Reyes-Lopez"  # the latest value wins
    assert lead.phone == "+15552223333"  # a new caller id only fills a lead with no phone
    with session_scope() as session:
        assert leads_repo.list_leads(session=session).total == 1


async def test_a_call_that_never_connected_gets_no_lead_or_email(migrated: Settings) -> None:
    call_id = make_call([])
    result = await finalize_call(settings=migrated, call_id=call_id)
    assert result is not None and result.lead_id is None
    assert get_call(call_id).lead_id is None
    with session_scope() as session:
        assert outbox_repo.list_messages(session=session) == []


async def test_a_call_still_in_progress_is_not_finalised(migrated: Settings) -> None:
    call_id = make_call(SPELLED_EMAIL_CALL, ended=False)
    assert await finalize_call(settings=migrated, call_id=call_id) is None
    assert get_call(call_id).finalized_at is None


async def test_team_notify_emails_each_get_a_notification(env: dict[str, str]) -> None:
    env["TEAM_NOTIFY_EMAILS"] = "sales@example.com, boss@example.com"
    settings = get_settings()
    from callcenter.db.migrate import upgrade_to_head

    upgrade_to_head(settings.database_url)
    call_id = make_call(["A: Name?", "C: Leo Park"])  # no email: no follow-up
    result = await finalize_call(settings=settings, call_id=call_id)
    assert result is not None and result.emails_queued == 2
    with session_scope() as session:
        rows = outbox_repo.list_messages(session=session, call_id=call_id)
    assert sorted(r.to_address for r in rows) == ["boss@example.com", "sales@example.com"]
    assert {r.kind for r in rows} == {"team_notification"}
    assert all(r.status == OutboxStatus.pending for r in rows)
