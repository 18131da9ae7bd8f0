"""What the Users and Do-not-call pages read and write, without a browser."""

import pytest

from callcenter.accounts import service as accounts
from callcenter.calls.guardrails import GuardrailRefusal, check_outbound
from callcenter.calls.outbound import InvalidNumber
from callcenter.config import Settings
from callcenter.db.repo import dnc as dnc_repo
from callcenter.db.session import session_scope
from callcenter.ui.pages.dnc_data import DncFilters, add_number, load_entries, remove_number
from callcenter.ui.pages.users_data import add_user, load_users, set_active


def _sign_in(email: str, password: str) -> str:
    with session_scope() as session:
        return accounts.sign_in(session=session, email=email, password=password, ttl_hours=1).token


def _user_behind(token: str) -> str | None:
    with session_scope() as session:
        user = accounts.user_for_session(session=session, token=token)
        return user.email if user else None


def test_an_added_user_signs_in_and_a_deactivated_one_is_signed_out(migrated: Settings):
    assert add_user("  New.Rep@Example.com ", "rep-password-1", "rep") == "new.rep@example.com"
    row = next(u for u in load_users() if u.email == "new.rep@example.com")
    assert (row.role, row.active, row.last_sign_in) == ("rep", True, "never")
    token = _sign_in("new.rep@example.com", "rep-password-1")
    assert _user_behind(token) == "new.rep@example.com"
    assert next(u for u in load_users() if u.id == row.id).last_sign_in != "never"

    set_active(row.id, False, acting_email="boss@example.com")
    assert _user_behind(token) is None
    with pytest.raises(accounts.LoginError):
        _sign_in("new.rep@example.com", "rep-password-1")
    set_active(row.id, True, acting_email="boss@example.com")
    assert _user_behind(_sign_in("new.rep@example.com", "rep-password-1")) is not None


@pytest.mark.parametrize(
    ("email", "password", "role", "message"),
    [
        ("someone@example.com", "short", "rep", "at least 8 characters"),
        ("not-an-email", "long-enough-1", "rep", "valid email"),
        ("someone@example.com", "long-enough-1", "admin", "manager or rep"),
    ],
)
def test_a_refused_user_says_why(
    migrated: Settings, email: str, password: str, role: str, message: str
):
    with pytest.raises(ValueError, match=message):
        add_user(email, password, role)


def test_a_duplicate_email_and_self_deactivation_are_refused(migrated: Settings):
    add_user("lead@example.com", "manager-password-1", "manager")
    with pytest.raises(ValueError, match="already exists"):
        add_user("LEAD@example.com", "another-password-1", "rep")
    me = next(u for u in load_users() if u.email == "lead@example.com")
    with pytest.raises(ValueError, match="your own account"):
        set_active(me.id, False, acting_email="lead@example.com")


def test_a_listed_number_is_refused_by_the_dialler_until_removed(migrated: Settings):
    assert add_number("(415) 555-0188", " asked us to stop ") == "+1 415-555-0188"
    assert add_number("+14155550188", "") == "+1 415-555-0188"  # idempotent
    rows, total = load_entries(DncFilters(q="555-0188"))
    assert total == 1
    assert (rows[0].number, rows[0].reason, rows[0].source) == (
        "+14155550188",
        "asked us to stop",
        "dashboard",
    )
    with session_scope() as session, pytest.raises(GuardrailRefusal, match="do-not-call"):
        check_outbound(session=session, settings=migrated, to="+14155550188")
    assert remove_number("+1 415 555 0188") is True
    assert remove_number("+1 415 555 0188") is False
    with session_scope() as session:
        assert not dnc_repo.is_listed(session=session, number="+14155550188")


def test_an_invalid_number_is_not_listed(migrated: Settings):
    with pytest.raises(InvalidNumber, match="too short"):
        add_number("+1 555", "")
    assert load_entries(DncFilters()) == ([], 0)


def test_dnc_filters_round_trip_through_the_query_string():
    filters = DncFilters(q="415", page=2)
    assert filters.query_string() == "q=415&page=2"
    assert DncFilters.from_query({"q": "415", "page": "2"}) == filters
    assert DncFilters().query_string() == ""
