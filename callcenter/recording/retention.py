"""Recording upkeep: at start-up make every WAV valid again (a crash mid-call), then delete
recordings older than RECORDING_RETENTION_DAYS, and forget them on their calls."""

import asyncio
import logging
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col

from callcenter.config import Settings
from callcenter.db.models import Call
from callcenter.db.session import session_scope
from callcenter.db.types import utcnow
from callcenter.recording.store import RecordingStore, build_recording_store

log = logging.getLogger(__name__)

SWEEP_EVERY_SECONDS = 6 * 3600.0


def expire_recordings(store: RecordingStore, *, retention_days: int, now: datetime) -> list[str]:
    """Delete the recordings past retention; returns their keys."""
    keys = store.older_than(now - timedelta(days=retention_days))
    gone = [key for key in keys if store.delete(key)]
    if gone:
        with session_scope() as session:
            session.exec(
                update(Call).where(col(Call.recording_key).in_(gone)).values(recording_key=None)
            )
        log.info("deleted %d recording(s) older than %d days", len(gone), retention_days)
    return gone


async def run_recording_upkeep(settings: Settings) -> None:
    """Repair once, then expire old recordings for the life of the process."""
    store = build_recording_store(settings.recordings_dir)
    await asyncio.to_thread(store.repair_all)
    while True:
        await asyncio.to_thread(
            expire_recordings,
            store,
            retention_days=settings.recording_retention_days,
            now=utcnow(),
        )
        await asyncio.sleep(SWEEP_EVERY_SECONDS)
