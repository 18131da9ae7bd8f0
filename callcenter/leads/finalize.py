"""What happens once a call has ended: extract the lead, review the call (summary, outcome),
then merge the lead, store the review and queue the emails in one transaction."""

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col

from callcenter.config import Settings
from callcenter.db.models import FINAL_STATUSES, Call, Lead
from callcenter.db.repo import calls as calls_repo
from callcenter.db.repo import transcripts as transcripts_repo
from callcenter.db.session import session_scope
from callcenter.db.types import utcnow
from callcenter.leads.extraction import build_extractor
from callcenter.leads.extractor import Turn
from callcenter.leads.normalize import LeadFields
from callcenter.leads.returning import followed_up_within, is_returning
from callcenter.leads.review import CallReview
from callcenter.leads.review_openai import build_reviewer
from callcenter.leads.review_step import apply_review, facts_of, merged
from callcenter.leads.service import caller_id_phone, lead_for_call
from callcenter.live.events import CallEvent
from callcenter.live.hub import LiveHub
from callcenter.notify.outbox import enqueue_email
from callcenter.notify.render import Discussion, render_followup, render_team_notification
from callcenter.notify.worker import wake as wake_outbox

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Snapshot:
    turns: list[Turn]
    lead: LeadFields
    call: Call


@dataclass(frozen=True, slots=True)
class FinalizeResult:
    """What finalisation did: the lead (if any) and how many emails it queued."""

    lead_id: int | None
    changed: list[str]
    emails_queued: int


async def finalize_call(
    *, settings: Settings, call_id: int, hub: LiveHub | None = None
) -> FinalizeResult | None:
    """Idempotent post-call step for an ended call: extract lead fields from the transcript
    (OpenAI with offline fallback, outside any transaction), then in ONE transaction merge/dedupe
    the lead, link it to the call, queue the emails in the outbox and set `call.finalized_at`.
    A call whose `finalized_at` is set is left alone (None). Never raises: errors are logged.
    Live views on `hub` hear of the lead once it is committed."""
    try:
        snapshot = await asyncio.to_thread(_load, call_id)
        if snapshot is None:
            return None
        fields = LeadFields()
        if any(turn.role == "caller" for turn in snapshot.turns):
            extractor = build_extractor(settings)
            fields = await extractor.extract(snapshot.turns)
        fields = _corrections_only(snapshot.lead, fields)
        facts = facts_of(snapshot.call, snapshot.turns, merged(snapshot.lead, fields))
        review = await build_reviewer(settings).review(facts)
        result = await asyncio.to_thread(_commit, settings, call_id, fields, snapshot, review)
    except Exception:
        log.exception("finalising call %s failed", call_id)
        return None
    if hub is not None and result is not None and result.lead_id is not None:
        hub.publish(
            CallEvent(
                kind="lead_updated",
                call_id=call_id,
                data={"lead_id": result.lead_id, "changed": result.changed, "final": True},
            )
        )
    if result is not None and result.emails_queued:
        wake_outbox()
    return result


class LeadFinalizer:
    """The after-call step that turns the conversation into the lead and its emails."""

    name = "lead"

    def __init__(self, *, settings: Settings, hub: LiveHub) -> None:
        self.settings = settings
        self.hub = hub

    async def __call__(self, call_id: int) -> None:
        await finalize_call(settings=self.settings, call_id=call_id, hub=self.hub)


def _load(call_id: int) -> _Snapshot | None:
    with session_scope() as session:
        call = calls_repo.get_call(session=session, call_id=call_id)
        if call is None:
            log.warning("finalise: no call %s", call_id)
            return None
        if call.finalized_at is not None:
            return None
        if call.status not in FINAL_STATUSES and call.ended_at is None:
            log.warning("finalise: call %s has not ended (%s)", call_id, call.status.value)
            return None
        turns = [
            Turn(role=t.role, text=t.text)
            for t in transcripts_repo.list_turns(session=session, call_id=call_id)
        ]
        lead = session.get(Lead, call.lead_id) if call.lead_id else None
        return _Snapshot(turns=turns, lead=_fields_of(lead), call=call)


def _fields_of(lead: Lead | None) -> LeadFields:
    if lead is None:
        return LeadFields()
    return LeadFields(
        name=lead.name,
        email=lead.email,
        phone=lead.phone,
        business_type=lead.business_type,
        need=lead.need,
    )


def _corrections_only(captured: LeadFields, extracted: LeadFields) -> LeadFields:
    """The extracted fields that add to or correct what the tool captured during the call.

    An extracted value that is only a shorter form of the captured one ("Dana" for "Dana Reyes",
    "plumbing" for "residential plumbing") does not replace it."""
    keep: dict[str, str] = {}
    for key, value in extracted.as_dict().items():
        old = getattr(captured, key)
        if old and key not in ("email", "phone") and value.lower() in old.lower():
            continue
        keep[key] = value
    return LeadFields(**keep)


def team_recipients(settings: Settings) -> list[str]:
    """TEAM_NOTIFY_EMAILS, or the admin's address when none is configured."""
    return settings.team_notify_emails or [settings.admin_email]


def _commit(
    settings: Settings, call_id: int, fields: LeadFields, snapshot: _Snapshot, review: CallReview
) -> FinalizeResult | None:
    with session_scope() as session:
        # Claim the call first: on PostgreSQL this row lock serialises concurrent finalisers,
        # on SQLite the write lock does; the loser sees no row to update and backs off.
        claimed = session.exec(
            update(Call)
            .where(col(Call.id) == call_id, col(Call.finalized_at).is_(None))
            .values(finalized_at=utcnow())
        )
        if claimed.rowcount != 1:
            return None
        call = calls_repo.get_call(session=session, call_id=call_id)
        assert call is not None and call.id is not None
        session.refresh(call)
        apply_review(call, review)
        had_conversation = any(t.role == "caller" for t in snapshot.turns)
        if call.lead_id is None and fields.is_empty() and not had_conversation:
            return FinalizeResult(lead_id=None, changed=[], emails_queued=0)
        caller_id = caller_id_phone(call, region=settings.default_region)
        lead, changed = lead_for_call(
            session=session, call=call, fields=fields, caller_id=caller_id
        )
        queued = _queue_emails(session, settings, call, lead, snapshot.turns)
        assert lead.id is not None
        log.info(
            "call %s finalised: lead %s (%s), %s email(s) queued",
            call_id,
            lead.id,
            ", ".join(changed) or "unchanged",
            queued,
        )
        return FinalizeResult(lead_id=lead.id, changed=changed, emails_queued=queued)


def _queue_emails(
    session: Session, settings: Settings, call: Call, lead: Lead, turns: list[Turn]
) -> int:
    queued = 0
    returning = is_returning(session=session, lead=lead, call=call)
    cooldown = settings.followup_cooldown_days
    thanked = followed_up_within(session=session, lead=lead, days=cooldown)
    if lead.email and not thanked:
        row = enqueue_email(
            session=session,
            dedupe_key=f"call:{call.id}:followup",
            kind="followup",
            to_address=lead.email,
            rendered=render_followup(settings=settings, lead=lead),
            call_id=call.id,
            lead_id=lead.id,
        )
        queued += row is not None
    discussion = Discussion(caller_lines=[t.text for t in turns if t.role == "caller"])
    notification = render_team_notification(
        settings=settings, lead=lead, call=call, discussion=discussion, returning=returning
    )
    for address in team_recipients(settings):
        row = enqueue_email(
            session=session,
            dedupe_key=f"call:{call.id}:team:{address.lower()}",
            kind="team_notification",
            to_address=address,
            rendered=notification,
            call_id=call.id,
            lead_id=lead.id,
        )
        queued += row is not None
    return queued
