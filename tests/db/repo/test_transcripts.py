"""Transcript turns are written once per key, on SQLite and on PostgreSQL."""

import pytest

from callcenter.db.migrate import upgrade_to_head
from callcenter.db.models import CallDirection
from callcenter.db.repo import calls as calls_repo
from callcenter.db.repo import transcripts
from callcenter.db.session import get_engine, session_scope
from callcenter.db.types import utcnow


def _migrated_call(database_url: str) -> int:
    """A database at head with one inbound call in it; the call's id."""
    upgrade_to_head(database_url)
    with session_scope() as session:
        call = calls_repo.create_call(
            session=session,
            direction=CallDirection.inbound,
            from_number="+14155550123",
            to_number="+15550100000",
        )
        assert call.id is not None
        return call.id


def _write_twice_and_read(database_url: str) -> None:
    call_id = _migrated_call(database_url)
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


def _write_many_at_once(database_url: str) -> None:
    call_id = _migrated_call(database_url)
    with session_scope() as session:
        transcripts.add_turn(
            session=session,
            call_id=call_id,
            turn_key="item_1",
            role="agent",
            text="Hello, Acme here.",
            started_at=utcnow(),
        )
    started = utcnow()
    batch = [
        {"call_id": call_id, "turn_key": "item_1", "role": "agent", "text": "A redelivery."},
        {"call_id": call_id, "turn_key": "item_2", "role": "caller", "text": "I need a quote."},
        {"call_id": call_id, "turn_key": "item_2", "role": "caller", "text": "Twice in one batch."},
        {
            "call_id": call_id,
            "turn_key": "item_3",
            "role": "agent",
            "text": "Sure.",
            "interrupted": True,
        },
    ]
    with get_engine().begin() as connection:  # as the live calls' writer does
        transcripts.add_turns(
            connection=connection, turns=[{**turn, "started_at": started} for turn in batch]
        )
    with session_scope() as session:
        turns = transcripts.list_turns(session=session, call_id=call_id)
    assert [(t.turn_key, t.text, t.interrupted) for t in turns] == [
        ("item_1", "Hello, Acme here.", False),
        ("item_2", "I need a quote.", False),
        ("item_3", "Sure.", True),
    ]


def test_turns_written_in_one_statement_keep_each_key_once_on_sqlite(env: dict[str, str]) -> None:
    _write_many_at_once(env["DATABASE_URL"])


@pytest.mark.postgres
def test_turns_written_in_one_statement_keep_each_key_once_on_postgresql(
    pg_env: dict[str, str],
) -> None:
    _write_many_at_once(pg_env["DATABASE_URL"])
