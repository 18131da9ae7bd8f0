"""A caller who calls again: no second "thanks for calling" within the cooldown, and the team
hears of a returning lead, not a new one."""

import pytest

from callcenter.config import Settings, get_settings
from callcenter.db.repo import outbox as outbox_repo
from callcenter.db.session import session_scope
from callcenter.leads.finalize import finalize_call
from callcenter.leads.kinds import wrong_kind
from callcenter.leads.normalize import FieldError, normalize_field
from tests.leads.factories import SPELLED_EMAIL_CALL, get_call, make_call


def _emails(call_id: int) -> dict[str, str]:
    with session_scope() as session:
        rows = outbox_repo.list_messages(session=session, call_id=call_id)
        return {row.kind: row.subject for row in rows}


async def test_a_second_call_within_the_cooldown_gets_no_second_followup(
    migrated: Settings,
) -> None:
    first = make_call(SPELLED_EMAIL_CALL)
    await finalize_call(settings=migrated, call_id=first)
    second = make_call(SPELLED_EMAIL_CALL)
    await finalize_call(settings=migrated, call_id=second)

    assert get_call(first).lead_id == get_call(second).lead_id  # the same caller, one lead
    assert set(_emails(first)) == {"followup", "team_notification"}
    assert "New lead" in _emails(first)["team_notification"]
    assert set(_emails(second)) == {"team_notification"}
    assert "Returning lead" in _emails(second)["team_notification"]


async def test_with_no_cooldown_every_call_is_thanked(
    migrated: Settings, env: dict[str, str]
) -> None:
    env["FOLLOWUP_COOLDOWN_DAYS"] = "0"
    settings = get_settings()
    for _ in range(2):
        call_id = make_call(SPELLED_EMAIL_CALL)
        await finalize_call(settings=settings, call_id=call_id)
        assert "followup" in _emails(call_id)


@pytest.mark.parametrize(
    ("key", "value", "kind"),
    [
        ("need", "kevin at patel auto dot com", "an email address"),
        ("need", "kevin@patelauto.com", "an email address"),
        ("business_type", "four one five five five five zero one three four", "a phone number"),
        ("name", "(415) 555-0134", "a phone number"),
        ("need", "a new booking system for about 20 staff", None),
        ("business_type", "at-home care", None),
    ],
)
def test_fields_hold_their_own_kind_of_value(key: str, value: str, kind: str | None) -> None:
    assert wrong_kind(key, value) == kind
    if kind is not None:
        with pytest.raises(FieldError, match=f"is {kind}, not a"):
            normalize_field(key, value, region="US")
