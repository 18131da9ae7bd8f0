"""`set-password`: a lost password is replaced, and the user's open sessions end with it."""

import io

import pytest

from callcenter.__main__ import main
from callcenter.accounts import service as accounts
from callcenter.config import Settings
from callcenter.db.models import Role
from callcenter.db.session import session_scope


def _sign_in(email: str, password: str) -> accounts.SignedIn:
    with session_scope() as session:
        return accounts.sign_in(session=session, email=email, password=password, ttl_hours=1)


def _signed_in(token: str) -> bool:
    with session_scope() as session:
        return accounts.user_for_session(session=session, token=token) is not None


@pytest.fixture
def boss(migrated: Settings) -> str:
    with session_scope() as session:
        accounts.create_user(
            session=session, email="boss@example.com", password="old-pass-123", role=Role.manager
        )
        accounts.create_user(
            session=session, email="rep@example.com", password="rep-pass-123", role=Role.rep
        )
    return "boss@example.com"


def test_set_password_replaces_it_and_ends_only_that_users_sessions(
    boss: str, capsys: pytest.CaptureFixture[str]
) -> None:
    laptop, phone = _sign_in(boss, "old-pass-123"), _sign_in(boss, "old-pass-123")
    colleague = _sign_in("rep@example.com", "rep-pass-123")

    assert main(["set-password", "BOSS@example.com", "--password", "new-pass-456"]) == 0
    assert "boss@example.com" in capsys.readouterr().out

    assert not _signed_in(laptop.token) and not _signed_in(phone.token)
    assert _signed_in(colleague.token)
    with pytest.raises(accounts.LoginError):
        _sign_in(boss, "old-pass-123")
    assert _sign_in(boss, "new-pass-456").role == Role.manager


def test_the_password_can_come_from_standard_input(
    boss: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("piped-pass-789\n"))
    assert main(["set-password", boss]) == 0
    assert _sign_in(boss, "piped-pass-789").email == boss


def test_unknown_users_and_short_passwords_are_refused_with_a_reason(
    boss: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["set-password", "nobody@example.com", "--password", "long-enough-1"]) == 1
    assert "no user with email nobody@example.com" in capsys.readouterr().err
    assert main(["set-password", boss, "--password", "short"]) == 1
    assert "at least 8 characters" in capsys.readouterr().err
    assert _sign_in(boss, "old-pass-123").email == boss  # unchanged
