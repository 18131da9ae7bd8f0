"""What happens to a call's lead once the call has ended (filled in with leads)."""

from sqlmodel import Session

from callcenter.config import Settings
from callcenter.db.models import Call


def finalize_call(*, session: Session, settings: Settings, call: Call) -> None:
    """Extract lead fields from the transcript, dedupe, and queue emails — in `session`'s
    transaction, the same one that records the end of the call."""
    return None
