"""A lead who calls again is greeted by name, and the agent is told what we know of them."""

import asyncio

from callcenter.db.models import Lead
from callcenter.db.session import session_scope
from tests.fakes.realtime_server import Reply, Script
from tests.voice.bridge_calls import GREETING, start_bridge
from tests.voice.conftest import StartVoiced

CALLER_NUMBER = "+15551230001"  # the number the bridge tests' calls come from


def _known_lead() -> int:
    with session_scope() as session:
        lead = Lead(
            name="Dana Reyes",
            phone=CALLER_NUMBER,
            business_type="plumbing",
            need="a booking system for missed calls",
        )
        session.add(lead)
        session.flush()
        assert lead.id is not None
        return lead.id


async def _first_words(start_voiced: StartVoiced) -> tuple[str, str]:
    """The session's instructions and the first response request of one short call."""
    fake, settings = start_voiced(
        Script(replies=[Reply(GREETING, audio_ms=200, tool=("end_call", {"reason": "done"}))])
    )
    line, _carrier, task, _call_id = await start_bridge(settings)
    async with asyncio.timeout(20):
        await task
    await line.close()
    session = fake.last.of_type("session.update")[0]["session"]
    greeting = fake.last.of_type("response.create")[0]["response"]["instructions"]
    return session["instructions"], greeting


async def test_a_returning_lead_is_greeted_by_name_with_what_we_know(
    start_voiced: StartVoiced,
) -> None:
    _known_lead()
    instructions, greeting = await _first_words(start_voiced)
    assert "by name (Dana Reyes)" in greeting
    assert "- Name: Dana Reyes" in instructions
    assert "- Business: plumbing" in instructions
    assert "- What they needed: a booking system for missed calls" in instructions


async def test_a_stranger_gets_the_ordinary_greeting(start_voiced: StartVoiced) -> None:
    instructions, greeting = await _first_words(start_voiced)
    assert "by name" not in greeting
    assert "spoken with us before" not in instructions
