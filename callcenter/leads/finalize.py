"""What happens to a call's lead once the call has ended (filled in with leads)."""

from callcenter.config import Settings


async def finalize_call(*, settings: Settings, call_id: int) -> None:
    """Idempotent post-call step for an ended call: extract lead fields from the transcript
    (OpenAI with offline fallback, outside any transaction), then in ONE transaction merge/dedupe
    the lead, link it to the call, queue the emails in the outbox and set `call.finalized_at`.
    A call whose `finalized_at` is set is left alone."""
    return None
