"""Two writers ending the same call at once (stream closing, status callback) record one end."""

import pytest
from sqlmodel import Session

from callcenter.calls.records import Ending, end_call
from callcenter.config import get_settings
from callcenter.db.migrate import upgrade_to_head
from callcenter.db.models import CallDirection, CallStatus, EndReason
from callcenter.db.repo import calls as calls_repo
from callcenter.db.session import get_engine, session_scope


def _race_to_end() -> None:
    upgrade_to_head(get_settings().database_url)
    with session_scope() as session:
        call = calls_repo.create_call(
            session=session,
            direction=CallDirection.inbound,
            from_number="+14155550123",
            to_number="+14155550100",
            status=CallStatus.in_progress,
        )
        call_id = call.id
    assert call_id is not None
    engine = get_engine()
    with Session(engine) as stream_side, Session(engine) as callback_side:
        # Both read the call while it is still in progress...
        mine = calls_repo.get_call(session=stream_side, call_id=call_id)
        theirs = calls_repo.get_call(session=callback_side, call_id=call_id)
        assert mine is not None and theirs is not None
        assert mine.status == theirs.status == CallStatus.in_progress
        # ...then both try to end it; the first to commit wins, the second sees it.
        assert end_call(session=stream_side, call=mine, ending=Ending(EndReason.caller_hung_up))
        stream_side.commit()
        assert not end_call(
            session=callback_side,
            call=theirs,
            ending=Ending(None, status=CallStatus.completed, source="twilio"),
        )
        callback_side.commit()
        assert theirs.end_reason == EndReason.caller_hung_up
    with session_scope() as session:
        history = [
            e.status for e in calls_repo.list_status_events(session=session, call_id=call_id)
        ]
    assert history == ["in-progress", "completed"]


def test_only_one_end_is_recorded_on_sqlite(env: dict[str, str]) -> None:
    _race_to_end()


@pytest.mark.postgres
def test_only_one_end_is_recorded_on_postgres(pg_env: dict[str, str]) -> None:
    _race_to_end()
