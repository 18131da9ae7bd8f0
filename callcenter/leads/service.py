"""Lead rules: merge (latest wins, caller id only fills), dedupe by phone/email, edits, notes."""

import logging

from sqlmodel import Session

from callcenter.config import get_settings
from callcenter.db.models import Call, CallDirection, Lead, LeadNote, LeadStatus
from callcenter.db.repo import leads as leads_repo
from callcenter.db.types import utcnow
from callcenter.leads.limits import NOTE_LIMIT, check_length
from callcenter.leads.normalize import (
    LEAD_FIELDS,
    FieldError,
    LeadFields,
    normalize_field,
    normalize_phone,
)
from callcenter.leads.views import announce_lead

log = logging.getLogger(__name__)

EDITABLE = (*LEAD_FIELDS, "status")
MAX_NOTE_CHARS = NOTE_LIMIT


class LeadNotFound(LookupError):
    """No lead has the given id."""

    def __init__(self, lead_id: int) -> None:
        super().__init__(f"no lead with id {lead_id}")
        self.lead_id = lead_id


def caller_number(call: Call) -> str | None:
    """The other party's number: who called us, or whom we called."""
    number = call.from_number if call.direction == CallDirection.inbound else call.to_number
    return number or None


def caller_id_phone(call: Call, *, region: str) -> str | None:
    """The caller id as E.164, or None when it is absent or not a phone number."""
    number = caller_number(call)
    if not number:
        return None
    try:
        return normalize_phone(number, region=region)
    except FieldError:
        return None


def apply_fields(lead: Lead, fields: LeadFields, *, caller_id: str | None = None) -> list[str]:
    """Merge `fields` into `lead`: each given field replaces the old value (latest wins); the
    caller id fills `phone` only when no phone is known. Returns the names that changed."""
    changed: list[str] = []
    for key, value in fields.as_dict().items():
        if getattr(lead, key) != value:
            setattr(lead, key, value)
            changed.append(key)
    if not lead.phone and caller_id:
        lead.phone = caller_id
        changed.append("phone")
    if changed:
        lead.updated_at = utcnow()
    return changed


def find_duplicate(
    *, session: Session, fields: LeadFields, caller_id: str | None, exclude_id: int | None = None
) -> Lead | None:
    """The oldest lead that shares the email, the phone said, or the caller id."""
    phones = [p for p in (fields.phone, caller_id) if p]
    return leads_repo.find_lead_by_contact(
        session=session, email=fields.email, phones=phones, exclude_id=exclude_id
    )


def lead_for_call(
    *, session: Session, call: Call, fields: LeadFields, caller_id: str | None
) -> tuple[Lead, list[str]]:
    """Merge `fields` into the call's lead: its own, else a known lead with the same phone or
    email (dedupe), else a new one. Links the call. Returns the lead and the changed fields."""
    lead = leads_repo.get_lead(session=session, lead_id=call.lead_id) if call.lead_id else None
    created = False
    if lead is None:
        lead = find_duplicate(session=session, fields=fields, caller_id=caller_id)
    if lead is None:
        lead = Lead(source_call_id=call.id)
        session.add(lead)
        created = True
    changed = apply_fields(lead, fields, caller_id=caller_id)
    session.flush()
    if lead.source_call_id == call.id and not created:
        lead = _fold_into_older_duplicate(
            session=session, lead=lead, caller_id=caller_id, said_phone=fields.phone
        )
    if call.lead_id != lead.id:
        call.lead_id = lead.id
        call.updated_at = utcnow()
        changed.append("call")
    session.flush()
    if created or any(key != "call" for key in changed):
        # A new lead folded into an older one is an update of the older lead.
        is_new = created and lead.source_call_id == call.id
        announce_lead(session=session, lead=lead, created=is_new, call_id=call.id)
    return lead, (["created", *changed] if created else changed)


def _fold_into_older_duplicate(
    *, session: Session, lead: Lead, caller_id: str | None, said_phone: str | None
) -> Lead:
    """A lead this call created turns out to match an older lead (the email came later in the
    call): move everything to the older lead, this call's values winning, and drop the new one.
    A phone the new lead only has from the caller id does not replace the older lead's phone."""
    values = {k: getattr(lead, k) for k in LEAD_FIELDS if getattr(lead, k)}
    older = find_duplicate(
        session=session, fields=LeadFields(**values), caller_id=None, exclude_id=lead.id
    )
    if older is None or (older.id or 0) > (lead.id or 0):
        return lead
    if values.get("phone") == caller_id and said_phone != caller_id:
        values.pop("phone", None)  # caller id: it only fills a lead that has no phone
    apply_fields(older, LeadFields(**values), caller_id=caller_id)
    assert lead.id is not None and older.id is not None
    leads_repo.move_lead_references(session=session, from_id=lead.id, to_id=older.id)
    session.delete(lead)
    session.flush()
    log.info("lead %s merged into existing lead %s", lead.id, older.id)
    return older


def update_lead(*, session: Session, lead_id: int, changes: dict[str, object], author: str) -> Lead:
    """Edit a lead's fields and status; ValueError (FieldError) names a bad field.

    An empty string clears a field; a status change is recorded as a note by `author`."""
    lead = leads_repo.get_lead(session=session, lead_id=lead_id)
    if lead is None:
        raise LeadNotFound(lead_id)
    region = _region()
    updates: dict[str, object] = {}
    for key, value in changes.items():
        if key not in EDITABLE:
            raise FieldError(key, "is not an editable lead field")
        if key == "status":
            try:
                updates[key] = LeadStatus(str(value))
            except ValueError:
                allowed = ", ".join(s.value for s in LeadStatus)
                raise FieldError("status", f"must be one of {allowed}") from None
        elif value is None or (isinstance(value, str) and not value.strip()):
            updates[key] = None
        elif not isinstance(value, str):
            raise FieldError(key, "must be a string")
        else:
            check_length(key, value)
            updates[key] = normalize_field(key, value, region=region)
    old_status = lead.status
    for key, value in updates.items():
        setattr(lead, key, value)
    lead.updated_at = utcnow()
    if "status" in updates and updates["status"] != old_status:
        new_status = LeadStatus(str(updates["status"]))
        lead.status_changed_at = lead.updated_at
        text = f"Status changed from {old_status.value} to {new_status.value}"
        _note(session, lead, author, text)
    session.flush()
    if updates:
        announce_lead(session=session, lead=lead, created=False)
    return lead


def add_note(*, session: Session, lead_id: int, author: str, text: str) -> LeadNote:
    """Append a note to a lead; FieldError when the text is empty or too long."""
    lead = leads_repo.get_lead(session=session, lead_id=lead_id)
    if lead is None:
        raise LeadNotFound(lead_id)
    body = text.strip()
    if not body:
        raise FieldError("text", "must not be empty")
    if len(body) > MAX_NOTE_CHARS:
        raise FieldError("text", f"must be at most {MAX_NOTE_CHARS} characters")
    note = _note(session, lead, author, body)
    lead.updated_at = utcnow()
    session.flush()
    return note


def _note(session: Session, lead: Lead, author: str, text: str) -> LeadNote:
    assert lead.id is not None
    note = LeadNote(lead_id=lead.id, author=author[:320], text=text)
    session.add(note)
    return note


def _region() -> str:
    return get_settings().default_region
