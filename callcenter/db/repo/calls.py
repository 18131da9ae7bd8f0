"""Queries on calls and their status timeline."""

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from callcenter.db.models import (
    ACTIVE_STATUSES,
    Call,
    CallDirection,
    CallStatus,
    CallStatusEvent,
)
from callcenter.db.repo import search
from callcenter.db.repo.paging import Page, paginate, paginate_matches, paginate_once
from callcenter.db.types import as_utc, utcnow

_INSERTS: dict[tuple[str, bool], Any] = {}


def _inserts(dialect: str, *, once: bool) -> tuple[Any, Any]:
    """The call's and its first status's INSERT statements, built once per dialect: built
    per call, their construction and cache keys were a third of a webhook's database CPU."""
    key = (dialect, once)
    statements = _INSERTS.get(key)
    if statements is None:
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        call = insert(Call)
        if once:
            call = call.on_conflict_do_nothing(index_elements=["call_sid"])
        statements = _INSERTS[key] = (call.returning(Call), insert(CallStatusEvent))
    return statements


def _insert_call(session: Session, values: dict[str, Any], *, once: bool) -> Call | None:
    """One `INSERT … RETURNING` of a call and one of its first timeline entry (no unit of
    work: half the CPU of `add` + `flush`, and a webhook makes one per call). With `once`, a
    `call_sid` already stored inserts nothing and gives None."""
    now = utcnow()
    insert_call, insert_status = _inserts(session.get_bind().dialect.name, once=once)
    call = session.scalars(insert_call, [{**values, "started_at": now, "updated_at": now}]).first()
    if call is None:
        return None
    status = values["status"]
    first = {"call_id": call.id, "status": status.value, "source": "app", "occurred_at": now}
    session.execute(insert_status, [first])
    return call


def _call_values(
    direction: CallDirection,
    from_number: str,
    to_number: str,
    status: CallStatus,
    call_sid: str | None,
    lead_id: int | None = None,
    campaign_id: int | None = None,
) -> dict[str, Any]:
    return {
        "direction": direction,
        "from_number": from_number,
        "to_number": to_number,
        "status": status,
        "call_sid": call_sid,
        "lead_id": lead_id,
        "campaign_id": campaign_id,
    }


def create_call(
    *,
    session: Session,
    direction: CallDirection,
    from_number: str,
    to_number: str,
    status: CallStatus = CallStatus.queued,
    call_sid: str | None = None,
    lead_id: int | None = None,
    campaign_id: int | None = None,
) -> Call:
    """Insert a call and the first entry of its status timeline."""
    values = _call_values(direction, from_number, to_number, status, call_sid, lead_id, campaign_id)
    call = _insert_call(session, values, once=False)
    assert call is not None
    return call


def create_call_once(
    *,
    session: Session,
    call_sid: str,
    direction: CallDirection,
    from_number: str,
    to_number: str,
    status: CallStatus,
) -> Call | None:
    """Insert the call of `call_sid` and its first timeline entry, unless a call with that
    sid exists (then None: a retried webhook, or a concurrent one that got there first)."""
    values = _call_values(direction, from_number, to_number, status, call_sid)
    return _insert_call(session, values, once=True)


def get_call(*, session: Session, call_id: int) -> Call | None:
    return session.get(Call, call_id)


def get_call_by_sid(*, session: Session, call_sid: str) -> Call | None:
    return session.exec(select(Call).where(Call.call_sid == call_sid)).first()


MAX_ID = 2**31 - 1  # ids are INTEGER columns; a bigger number is no id (and PostgreSQL errors)


def as_id(text: str) -> int | None:
    """`text` as a possible row id, or None ("²".isdigit() is True but int("²") fails)."""
    if text.isascii() and text.isdigit() and int(text) <= MAX_ID:
        return int(text)
    return None


def find_call(*, session: Session, ref: str) -> Call | None:
    """Look a call up by our numeric id or by Twilio's CallSid."""
    if ref.isascii() and ref.isdigit():
        call_id = as_id(ref)
        return get_call(session=session, call_id=call_id) if call_id is not None else None
    return get_call_by_sid(session=session, call_sid=ref)


def list_calls(
    *,
    session: Session,
    status: str | None = None,
    direction: str | None = None,
    q: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    has_lead: bool | None = None,
    outcome: str | None = None,
    sort: str = "-started_at",
    limit: int = 50,
    offset: int = 0,
) -> Page[Call]:
    """Filter, search (number, lead name, transcript text) and page the call history."""
    query = select(Call)
    if status:
        query = query.where(Call.status == status)
    if direction:
        query = query.where(Call.direction == direction)
    if since:
        query = query.where(Call.started_at >= as_utc(since))
    if until:
        query = query.where(Call.started_at < as_utc(until))
    if outcome:
        query = query.where(Call.outcome == outcome)
    if has_lead is not None:
        query = query.where(
            col(Call.lead_id).is_not(None) if has_lead else col(Call.lead_id).is_(None)
        )
    matches = search.call_ids(session, q, as_id(q.strip())) if q and q.strip() else None
    only_searched = query.whereclause is None and session.get_bind().dialect.name == "postgresql"
    if matches is not None and not only_searched:
        query = query.where(col(Call.id).in_(matches))
    sort_columns = {
        "started_at": col(Call.started_at),
        "duration": col(Call.duration_seconds),
        "status": col(Call.status),
        "id": col(Call.id),
    }
    key = sort.lstrip("-")
    column = sort_columns.get(key, col(Call.started_at))
    order = column.desc() if sort.startswith("-") else column.asc()
    query = query.order_by(order, col(Call.id).desc())
    if matches is not None and only_searched:
        return paginate_matches(
            session,
            query,
            col(Call.id),
            matches,
            order_by=(order, col(Call.id).desc()),
            limit=limit,
            offset=offset,
        )
    if matches is not None:
        return paginate_once(session, query, col(Call.id), limit=limit, offset=offset)
    return paginate(session, query, limit=limit, offset=offset)


def list_active_calls(*, session: Session) -> list[Call]:
    statuses = [status.value for status in ACTIVE_STATUSES]
    query = select(Call).where(col(Call.status).in_(statuses)).order_by(col(Call.started_at).desc())
    return list(session.exec(query).all())


def list_status_events(*, session: Session, call_id: int) -> list[CallStatusEvent]:
    query = (
        select(CallStatusEvent)
        .where(CallStatusEvent.call_id == call_id)
        .order_by(col(CallStatusEvent.occurred_at), col(CallStatusEvent.id))
    )
    return list(session.exec(query).all())


def add_status_event(
    *,
    session: Session,
    call_id: int,
    status: str,
    source: str,
    answered_by: str | None = None,
    detail: str | None = None,
) -> CallStatusEvent:
    event = CallStatusEvent(
        call_id=call_id, status=status, source=source, answered_by=answered_by, detail=detail
    )
    session.add(event)
    session.flush()
    return event


def claim_end(*, session: Session, call_id: int, at: datetime) -> bool:
    """Atomically mark a call ended unless someone else already did: a conditional UPDATE, so
    two writers racing to end the same call (the stream closing and Twilio's status callback)
    cannot both record the end."""
    result = session.execute(
        update(Call)
        .where(col(Call.id) == call_id, col(Call.ended_at).is_(None))
        .values(ended_at=at)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def touch(call: Call) -> None:
    call.updated_at = utcnow()
