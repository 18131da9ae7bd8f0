"""Transcript turns are written once per key, on SQLite and on PostgreSQL."""

import pytest

from callcenter.db.migrate import upgrade_to_head
from callcenter.db.models import CallDirection
from callcenter.db.repo import calls as calls_repo
from callcenter.db.repo import transcripts
from callcenter.db.session import session_scope
from callcenter.db.types import utcnow


def _write_twice_and_read(database_url: str) -> None:
    upgrade_to_head(database_url)
    with session_scope() as session:
        call = calls_repo.create_call(
            session=session,
            direction=CallDirection.inbound,
            from_number="+14155550123",
            to_number="+15550100000",
        )
        call_id = call.id
    assert call_id is not None
    started = utcnow()
    written = []
    for text in ("Hello, this is Maria.", "A retried write of the same turn."):
        with session_scope() as session:
            written.append(
                transcripts.add_turn(
                    session=session,
                    call_id=call_id,
                    turn_key="item_001",
                    role="caller",
                    text=text,
                    started_at=started,
                )
            )
    first, again = written
    assert first is not None and first.id is not None
    assert first.text == "Hello, this is Maria."
    assert again is None  # the second write of the same key changed nothing
    with session_scope() as session:
        turns = transcripts.list_turns(session=session, call_id=call_id)
    assert [(t.id, t.turn_key, t.role, t.text) for t in turns] == [
        (first.id, "item_001", "caller", "Hello, this is Maria.")
    ]


def test_a_turn_written_twice_is_stored_once_on_sqlite(env: dict[str, str]) -> None:
    _write_twice_and_read(env["DATABASE_URL"])


@pytest.mark.postgres
def test_a_turn_written_twice_is_stored_once_on_postgresql(pg_env: dict[str, str]) -> None:
    _write_twice_and_read(pg_env["DATABASE_URL"])
