"""Accounts: passwords hashed with a KDF, sessions expire, failed sign-ins are rate limited."""

from datetime import timedelta

import pytest
from sqlmodel import select

from callcenter.accounts import service as accounts
from callcenter.accounts.passwords import hash_password, verify_password
from callcenter.config import Settings
from callcenter.db.models import AuthSession, Role
from callcenter.db.repo import users
from callcenter.db.session import session_scope
from callcenter.db.types import utcnow


def test_passwords_are_salted_kdf_hashes_that_verify() -> None:
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first != second and first.startswith("scrypt$")
    assert verify_password("correct horse", first)
    assert not verify_password("wrong horse", first)
    assert not verify_password("x", "garbage")


def test_failed_sign_ins_are_counted_even_though_the_caller_rolls_back(migrated: Settings) -> None:
    with session_scope() as session:
        accounts.create_user(
            session=session, email="rep@example.com", password="pw-123456", role=Role.rep
        )
    for _ in range(accounts.MAX_FAILED_LOGINS):
        with pytest.raises(accounts.LoginError, match="Wrong email or password"):
            with session_scope() as session:
                accounts.sign_in(
                    session=session, email="rep@example.com", password="nope", ttl_hours=1
                )
    with pytest.raises(accounts.LoginError, match="Too many failed sign-ins"):
        with session_scope() as session:
            accounts.sign_in(
                session=session, email="rep@example.com", password="pw-123456", ttl_hours=1
            )


def test_sessions_expire(migrated: Settings) -> None:
    with session_scope() as session:
        accounts.create_user(
            session=session, email="m@example.com", password="pw-123456", role=Role.manager
        )
        signed = accounts.sign_in(
            session=session, email="M@example.com", password="pw-123456", ttl_hours=1
        )
    with session_scope() as session:
        assert accounts.user_for_session(session=session, token=signed.token) is not None
        row = session.exec(select(AuthSession)).one()
        row.expires_at = utcnow() - timedelta(seconds=1)
    with session_scope() as session:
        assert accounts.user_for_session(session=session, token=signed.token) is None


def test_admin_is_created_even_if_a_rep_was_added_before_first_start(migrated: Settings) -> None:
    with session_scope() as session:
        accounts.create_user(
            session=session, email="rep@example.com", password="pw-123456", role=Role.rep
        )
        assert (
            accounts.bootstrap_admin(session=session, settings=migrated) is None
        )  # password given
        admin = users.get_user_by_email(session=session, email=migrated.admin_email)
        assert admin is not None and admin.role == Role.manager
        assert accounts.bootstrap_admin(session=session, settings=migrated) is None
        assert users.count_users(session=session, role=Role.manager) == 1
