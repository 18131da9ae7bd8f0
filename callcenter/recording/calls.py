"""Recording one call: start a recorder when RECORD_CALLS is on, and note on the call row that
its recording exists (from the writer thread, once the file is there)."""

import logging

from sqlalchemy import update
from sqlmodel import col

from callcenter.config import Settings
from callcenter.db.models import Call
from callcenter.db.session import session_scope
from callcenter.recording.recorder import CallRecorder
from callcenter.recording.store import build_recording_store, valid_key

log = logging.getLogger(__name__)


def _mark_recorded(call_id: int, key: str) -> None:
    try:
        with session_scope() as session:
            session.exec(update(Call).where(col(Call.id) == call_id).values(recording_key=key))
    except Exception:
        log.exception("could not note the recording of call %s", call_id)


def start_recorder(settings: Settings, *, call_id: int, call_sid: str) -> CallRecorder | None:
    """A recorder for the call, or None when recording is off (or the sid is unusable)."""
    if not settings.record_calls or not valid_key(call_sid):
        return None
    store = build_recording_store(settings.recordings_dir)
    return CallRecorder(store, call_sid, on_started=lambda: _mark_recorded(call_id, call_sid))
