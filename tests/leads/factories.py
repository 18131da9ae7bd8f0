"""Rows for lead tests: an ended call with the transcript a caller and the agent spoke."""

from collections.abc import Sequence
from datetime import timedelta

from callcenter.calls.records import Ending, end_call
from callcenter.db.models import Call, CallDirection, CallStatus, EndReason
from callcenter.db.repo import calls as calls_repo
from callcenter.db.repo import transcripts as transcripts_repo
from callcenter.db.session import session_scope
from callcenter.db.types import utcnow

# A caller who spells their email and never hears the agent call the tool.
SPELLED_EMAIL_CALL = [
    "A: Thanks for calling Acme Growth. May I have your name?",
    "C: Hi, this is Dana Reyes from Reyes Plumbing.",
    "A: Great, Dana. What's the best email for a follow-up?",
    "C: It's d a n a at reyes plumbing dot com.",
    "A: And how can we help?",
    "C: We need a booking system, we miss too many calls.",
    "A: Thanks Dana, someone will be in touch. Goodbye!",
]


def make_call(
    lines: Sequence[str] = (),
    *,
    from_number: str = "+15550001111",
    to_number: str = "+15550009999",
    direction: CallDirection = CallDirection.inbound,
    ended: bool = True,
    call_sid: str | None = None,
) -> int:
    """A call with `lines` ("A: …" agent, "C: …" caller) as its committed transcript."""
    with session_scope() as session:
        call = calls_repo.create_call(
            session=session,
            direction=direction,
            from_number=from_number,
            to_number=to_number,
            status=CallStatus.in_progress,
            call_sid=call_sid,
        )
        call.answered_at = utcnow()
        assert call.id is not None
        start = utcnow()
        for index, line in enumerate(lines):
            role = "agent" if line.startswith("A:") else "caller"
            transcripts_repo.add_turn(
                session=session,
                call_id=call.id,
                turn_key=f"t{index}",
                role=role,
                text=line[2:].strip(),
                started_at=start + timedelta(seconds=index),
            )
        if ended:
            end_call(session=session, call=call, ending=Ending(EndReason.caller_hung_up))
        return call.id


def get_call(call_id: int) -> Call:
    with session_scope() as session:
        call = calls_repo.get_call(session=session, call_id=call_id)
        assert call is not None
        return call
