"""Honouring "don't call me again" said on a call: the number goes on the do-not-call list."""

import asyncio
import logging

from callcenter.calls.guardrails import add_to_do_not_call
from callcenter.db.session import session_scope

log = logging.getLogger(__name__)

ATTEMPTS = 3  # a database that is briefly down gets a second and third chance
RETRY_DELAY = 0.5


def _add(number: str, call_sid: str) -> None:
    with session_scope() as session:
        add_to_do_not_call(
            session=session,
            number=number,
            source="caller_request",
            reason=f"asked during call {call_sid}",
        )


async def list_caller(number: str | None, *, call_sid: str) -> bool:
    """Add the other party's number to the do-not-call list (in a worker thread); False when
    there is no usable number or the database refused (the call still ends normally)."""
    if not number:
        log.warning("caller asked not to be called again, but the call has no number")
        return False
    for attempt in range(ATTEMPTS):
        try:
            await asyncio.to_thread(_add, number, call_sid)
        except ValueError:
            log.warning("caller asked not to be called again, but the number is not dialable")
            return False
        except Exception:
            if attempt + 1 == ATTEMPTS:
                log.exception("could not add the caller to the do-not-call list")
                return False
            await asyncio.sleep(RETRY_DELAY * (attempt + 1))  # a back-off: the database is down
        else:
            return True
    return False
