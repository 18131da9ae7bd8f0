"""Queries on transcript turns."""

from datetime import datetime

from sqlmodel import Session, col, select

from callcenter.db.models import TranscriptTurn
from callcenter.db.repo.once import insert_once


def list_turns(*, session: Session, call_id: int) -> list[TranscriptTurn]:
    """Turns in spoken order: by when each turn's speech started."""
    query = (
        select(TranscriptTurn)
        .where(TranscriptTurn.call_id == call_id)
        .order_by(col(TranscriptTurn.started_at), col(TranscriptTurn.id))
    )
    return list(session.exec(query).all())


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
    """Insert a turn once; a turn with the same key for the call is left as it is."""
    existing = session.exec(
        select(TranscriptTurn).where(
            TranscriptTurn.call_id == call_id, TranscriptTurn.turn_key == turn_key
        )
    ).first()
    if existing is not None:
        return None
    turn = TranscriptTurn(
        call_id=call_id,
        turn_key=turn_key,
        role=role,
        text=text,
        started_at=started_at,
        interrupted=interrupted,
    )
    return insert_once(session, turn)
