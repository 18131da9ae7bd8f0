"""Lead edits: nothing cut silently past a field's length; status "since" = its last change."""

from datetime import timedelta

import pytest

from callcenter.config import Settings
from callcenter.db.models import Lead, LeadStatus
from callcenter.db.session import session_scope
from callcenter.db.types import utcnow
from callcenter.leads.limits import FIELD_LIMITS
from callcenter.leads.normalize import FieldError
from callcenter.leads.service import update_lead
from callcenter.ui.format import field_message
from callcenter.ui.pages.leads_data import load_lead_detail
from tests.leads.test_capture_and_service import lead


def _new_lead() -> int:
    with session_scope() as session:
        row = Lead(name="Tom Fisher", status=LeadStatus.new)
        row.status_changed_at = utcnow() - timedelta(days=3)
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def test_a_name_longer_than_the_column_is_refused_not_cut(migrated: Settings) -> None:
    lead_id = _new_lead()
    with session_scope() as session, pytest.raises(FieldError) as refused:
        update_lead(session=session, lead_id=lead_id, changes={"name": "A" * 330}, author="x")
    assert field_message(refused.value, {"name": "Name"}) == (
        f"Name is 330 characters long; at most {FIELD_LIMITS['name']} fit."
    )
    assert lead(lead_id).name == "Tom Fisher"


def test_status_since_moves_with_the_status_only(migrated: Settings) -> None:
    lead_id = _new_lead()
    before = lead(lead_id).status_changed_at
    with session_scope() as session:
        update_lead(session=session, lead_id=lead_id, changes={"need": "a website"}, author="x")
    assert lead(lead_id).status_changed_at == before  # editing a field is not a status change
    with session_scope() as session:
        update_lead(session=session, lead_id=lead_id, changes={"status": "qualified"}, author="x")
    changed = lead(lead_id).status_changed_at
    assert changed > before
    detail = load_lead_detail(lead_id)
    assert detail.status == "qualified" and detail.status_since == changed.strftime(
        "%Y-%m-%d %H:%M"
    )
