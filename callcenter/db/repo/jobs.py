"""Leases on the job_leases table: one holder per name until it expires or is released.
Acquiring is a single conditional UPDATE (or an INSERT the primary key arbitrates), so two
workers racing for the same lease cannot both win, on SQLite or PostgreSQL."""

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from callcenter.db.models import JobLease
from callcenter.db.types import utcnow


def try_acquire(
    *, session: Session, name: str, holder: str, ttl: timedelta, now: datetime | None = None
) -> bool:
    """Take or renew the lease `name` for `holder` if free, expired or already ours."""
    now = now or utcnow()
    result = session.execute(
        update(JobLease)
        .where(
            col(JobLease.name) == name,
            or_(col(JobLease.holder) == holder, col(JobLease.expires_at) < now),
        )
        .values(holder=holder, expires_at=now + ttl)
    )
    if result.rowcount:  # type: ignore[attr-defined]
        return True
    try:
        with session.begin_nested():
            session.add(JobLease(name=name, holder=holder, expires_at=now + ttl))
            session.flush()
    except IntegrityError:
        return False  # somebody else holds it
    return True


def release(*, session: Session, name: str, holder: str) -> None:
    session.execute(
        delete(JobLease).where(col(JobLease.name) == name, col(JobLease.holder) == holder)
    )


def release_many(*, session: Session, names: list[str], holder: str) -> None:
    if names:
        session.execute(
            delete(JobLease).where(col(JobLease.name).in_(names), col(JobLease.holder) == holder)
        )


def get_lease(*, session: Session, name: str) -> JobLease | None:
    return session.get(JobLease, name)


def leases_with_prefix(*, session: Session, prefix: str) -> dict[str, JobLease]:
    rows = session.exec(select(JobLease).where(col(JobLease.name).startswith(prefix))).all()
    return {row.name: row for row in rows}


def delete_expired(*, session: Session, prefix: str, before: datetime) -> int:
    """Drop leases under `prefix` that expired before `before` (their holders are long gone)."""
    result = session.execute(
        delete(JobLease).where(
            col(JobLease.name).startswith(prefix), col(JobLease.expires_at) < before
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
