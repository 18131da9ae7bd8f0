"""Queries on transcript turns."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from callcenter.db.models import TranscriptTurn
from callcenter.db.types import utcnow


def list_turns(*, session: Session, call_id: int) -> list[TranscriptTurn]:
    """Turns in spoken order: by when each turn's speech started."""
    query = (
        select(TranscriptTurn)
        .where(TranscriptTurn.call_id == call_id)
        .order_by(col(TranscriptTurn.started_at), col(TranscriptTurn.id))
    )
    return list(session.exec(query).all())


_TABLE: Table = TranscriptTurn.__table__  # type: ignore[attr-defined]
_INSERTED = ("call_id", "turn_key", "role", "text", "started_at", "interrupted", "created_at")


def _insert_new(dialect: str) -> Any:
    """`INSERT … ON CONFLICT (call_id, turn_key) DO NOTHING` on the table, in `dialect`."""
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return insert(_TABLE).on_conflict_do_nothing(index_elements=["call_id", "turn_key"])


def add_turns(*, connection: Connection, turns: Sequence[Mapping[str, Any]]) -> None:
    """Insert many turns in one statement (each a mapping of the columns `add_turn` takes);
    a turn whose key the call already has is left as it is. The live calls' writer batches
    every call's finished turns into one transaction with this, on a plain connection: without
    an ORM session a transaction costs its thread about a tenth less CPU (the GIL the audio loop
    waits for; `bench/transcript_writes.py`)."""
    if not turns:
        return
    created_at = utcnow()
    rows = [
        {
            "call_id": t["call_id"],
            "turn_key": t["turn_key"],
            "role": t["role"],
            "text": t["text"],
            "started_at": t["started_at"],
            "interrupted": t.get("interrupted", False),
            "created_at": created_at,
        }
        for t in turns
    ]
    connection.execute(_insert_new(connection.dialect.name), rows)


def add_turn(
    *,
    session: Session,
    call_id: int,
    turn_key: str,
    role: str,
    text: str,
    started_at: datetime,
    interrupted: bool = False,
) -> TranscriptTurn | None:
    """Insert a turn once; a turn with the same key for the call is left as it is.

    One `INSERT … ON CONFLICT DO NOTHING` statement (no read first, no savepoint): turns are
    written for every live call, and the writer's Python time is time the audio loop waits for
    the GIL."""
    turn = TranscriptTurn(
        call_id=call_id,
        turn_key=turn_key,
        role=role,
        text=text,
        started_at=started_at,
        interrupted=interrupted,
    )
    values = {key: getattr(turn, key) for key in _INSERTED}
    # The table, not the entity: no ORM bulk-insert machinery per turn.
    dialect = session.get_bind().dialect.name
    statement = _insert_new(dialect).values(**values).returning(_TABLE.c.id)
    turn_id = session.execute(statement).scalar_one_or_none()
    if turn_id is None:
        return None
    turn.id = turn_id
    return turn
