"""Queries on dashboard users, their sessions and failed logins."""

from datetime import datetime

from sqlmodel import Session, col, delete, func, select

from callcenter.db.models import AuthSession, LoginAttempt, Role, User


def get_user_by_email(*, session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def count_users(*, session: Session, role: Role | None = None) -> int:
    query = select(func.count()).select_from(User)
    if role is not None:
        query = query.where(User.role == role)
    return int(session.exec(query).one())


def create_user(*, session: Session, email: str, password_hash: str, role: Role) -> User:
    user = User(email=email.strip().lower(), password_hash=password_hash, role=role)
    session.add(user)
    session.flush()
    return user


def list_users(*, session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.email))).all())


def add_auth_session(
    *, session: Session, user_id: int, token_hash: str, expires_at: datetime
) -> AuthSession:
    row = AuthSession(user_id=user_id, token_hash=token_hash, expires_at=expires_at)
    session.add(row)
    session.flush()
    return row


def get_auth_session(*, session: Session, token_hash: str) -> AuthSession | None:
    return session.exec(select(AuthSession).where(AuthSession.token_hash == token_hash)).first()


def delete_auth_session(*, session: Session, token_hash: str) -> None:
    session.exec(delete(AuthSession).where(col(AuthSession.token_hash) == token_hash))


def delete_user_sessions(*, session: Session, user_id: int) -> None:
    session.exec(delete(AuthSession).where(col(AuthSession.user_id) == user_id))


def record_failed_login(*, session: Session, email: str) -> None:
    session.add(LoginAttempt(email=email.strip().lower()))
    session.flush()


def count_failed_logins(*, session: Session, email: str, since: datetime) -> int:
    query = (
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.email == email.strip().lower(), LoginAttempt.attempted_at >= since)
    )
    return int(session.exec(query).one())


def clear_failed_logins(*, session: Session, email: str) -> None:
    session.exec(delete(LoginAttempt).where(col(LoginAttempt.email) == email.strip().lower()))


def get_user(*, session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def set_user_active(*, session: Session, user_id: int, active: bool) -> User | None:
    """Activate or deactivate a user; a deactivated user's sessions stop working at once
    (`accounts.service.user_for_session` refuses inactive users) and are removed here."""
    user = session.get(User, user_id)
    if user is None:
        return None
    user.is_active = active
    if not active:
        session.exec(delete(AuthSession).where(col(AuthSession.user_id) == user_id))
    session.add(user)
    session.flush()
    return user
