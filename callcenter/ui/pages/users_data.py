"""Rows for the users page, and adding / (de)activating users through the accounts service."""

from dataclasses import dataclass

from callcenter.accounts import service as accounts
from callcenter.db.models import Role
from callcenter.db.repo import users as users_repo
from callcenter.db.session import session_scope
from callcenter.ui.format import timestamp

ROLES = [Role.rep.value, Role.manager.value]


@dataclass
class UserRow:
    id: int = 0
    email: str = ""
    role: str = ""
    active: bool = True
    created: str = ""
    last_sign_in: str = ""


def load_users() -> list[UserRow]:
    with session_scope() as session:
        return [
            UserRow(
                id=user.id or 0,
                email=user.email,
                role=user.role.value,
                active=user.is_active,
                created=timestamp(user.created_at),
                last_sign_in=timestamp(user.last_login_at) if user.last_login_at else "never",
            )
            for user in users_repo.list_users(session=session)
        ]


def add_user(email: str, password: str, role: str) -> str:
    """Create a user; returns the stored email. ValueError (safe to show) when refused."""
    email = email.strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@") or " " in email:
        raise ValueError("Enter a valid email address.")
    if role not in ROLES:
        raise ValueError("Choose a role: manager or rep.")
    with session_scope() as session:
        try:
            user = accounts.create_user(
                session=session, email=email, password=password, role=Role(role)
            )
        except ValueError as exc:
            text = str(exc)
            raise ValueError(f"{text[:1].upper()}{text[1:]}.") from None
        return user.email


def set_active(user_id: int, active: bool, *, acting_email: str) -> str:
    """(De)activate a user; returns their email. A manager cannot deactivate themselves,
    so there is always someone left who can manage users."""
    with session_scope() as session:
        user = users_repo.get_user(session=session, user_id=user_id)
        if user is None:
            raise ValueError("That user no longer exists.")
        if not active and user.email == acting_email:
            raise ValueError("You cannot deactivate your own account.")
        users_repo.set_user_active(session=session, user_id=user_id, active=active)
        return user.email
