"""Sign-in, sessions with expiry, login rate limiting, first-admin and API-token bootstrap."""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from callcenter.accounts.passwords import hash_password, verify_password
from callcenter.config import Settings
from callcenter.db.models import Role, User
from callcenter.db.repo import app_settings, users
from callcenter.db.types import utcnow

log = logging.getLogger(__name__)

API_TOKEN_KEY = "api_token_sha256"
# The dashboard's session cookie; the REST API and the softphone accept it too.
SESSION_COOKIE = "cc_session"
MAX_FAILED_LOGINS = 5
FAILED_LOGIN_WINDOW = timedelta(minutes=15)


class LoginError(Exception):
    """Sign-in refused; the message is safe to show to the person signing in."""


class TooManyAttempts(LoginError):
    """Sign-in refused without checking the password: too many recent failures."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    token: str
    user_id: int
    email: str
    role: Role
    expires_at: datetime


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def create_user(*, session: Session, email: str, password: str, role: Role) -> User:
    if len(password) < 8:
        raise ValueError("password must be at least 8 characters")
    if users.get_user_by_email(session=session, email=email):
        raise ValueError(f"a user with email {email} already exists")
    return users.create_user(
        session=session, email=email, password_hash=hash_password(password), role=role
    )


def set_password(*, session: Session, email: str, password: str) -> User:
    """Replace a user's password and end every session they have open."""
    if len(password) < 8:
        raise ValueError("password must be at least 8 characters")
    user = users.get_user_by_email(session=session, email=email)
    if user is None:
        raise ValueError(f"no user with email {email.strip().lower()}")
    assert user.id is not None
    user.password_hash = hash_password(password)
    session.add(user)
    users.delete_user_sessions(session=session, user_id=user.id)
    users.clear_failed_logins(session=session, email=user.email)
    return user


def sign_in(*, session: Session, email: str, password: str, ttl_hours: int) -> SignedIn:
    """Check the password, rate-limit failures per email, and open a session."""
    email = email.strip().lower()
    since = utcnow() - FAILED_LOGIN_WINDOW
    if users.count_failed_logins(session=session, email=email, since=since) >= MAX_FAILED_LOGINS:
        raise TooManyAttempts("Too many failed sign-ins. Wait 15 minutes and try again.")
    user = users.get_user_by_email(session=session, email=email)
    if user is None or not user.is_active or not verify_password(password, user.password_hash):
        users.record_failed_login(session=session, email=email)
        # Commit now: the caller's transaction rolls back on the LoginError we raise,
        # and a rolled-back attempt would never count towards the rate limit.
        session.commit()
        raise LoginError("Wrong email or password.")
    users.clear_failed_logins(session=session, email=email)
    token = secrets.token_urlsafe(32)
    assert user.id is not None
    expires_at = utcnow() + timedelta(hours=ttl_hours)
    users.add_auth_session(
        session=session, user_id=user.id, token_hash=_sha256(token), expires_at=expires_at
    )
    user.last_login_at = utcnow()
    return SignedIn(
        token=token, user_id=user.id, email=user.email, role=user.role, expires_at=expires_at
    )


def user_for_session(*, session: Session, token: str) -> User | None:
    """The user behind a dashboard session token, or None if unknown or expired."""
    if not token:
        return None
    row = users.get_auth_session(session=session, token_hash=_sha256(token))
    if row is None:
        return None
    if row.expires_at <= utcnow():
        users.delete_auth_session(session=session, token_hash=row.token_hash)
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.is_active else None


def sign_out(*, session: Session, token: str) -> None:
    users.delete_auth_session(session=session, token_hash=_sha256(token))


def bootstrap_admin(*, session: Session, settings: Settings) -> str | None:
    """Create the ADMIN_EMAIL manager when no manager exists yet (a fresh install, or one where
    only reps were created before the first start); returns a generated password to print once."""
    if users.count_users(session=session, role=Role.manager) > 0:
        return None
    if users.get_user_by_email(session=session, email=settings.admin_email):
        return None
    password = settings.admin_password or secrets.token_urlsafe(12)
    create_user(session=session, email=settings.admin_email, password=password, role=Role.manager)
    return None if settings.admin_password else password


def ensure_api_token(*, session: Session, settings: Settings) -> str | None:
    """Make sure an API token exists; returns a newly generated one (to print once)."""
    if settings.accepted_api_tokens:
        return None
    if app_settings.get_value(session=session, key=API_TOKEN_KEY):
        return None
    token = secrets.token_urlsafe(32)
    app_settings.set_value(session=session, key=API_TOKEN_KEY, value=_sha256(token))
    return token


def api_token_valid(*, session: Session, settings: Settings, presented: str) -> bool:
    """Constant-time check of a presented Bearer token against the configured or stored ones."""
    if not presented:
        return False
    configured = settings.accepted_api_tokens
    if configured:
        # Compare with every token, so the time taken does not say which one matched.
        matches = [hmac.compare_digest(presented.encode(), token.encode()) for token in configured]
        return any(matches)
    stored = app_settings.get_value(session=session, key=API_TOKEN_KEY)
    return stored is not None and hmac.compare_digest(_sha256(presented), stored)
