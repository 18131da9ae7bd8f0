"""The voice AI failing mid-call, over the real endpoints: the caller hears an apology, the app
hangs up through the carrier, the call ends `ai_unavailable` and what was said is kept."""

import pytest

from callcenter.db.models import CallStatus, EndReason
from tests.hardening.stack import GREETING, TalkingCaller, greeting_script, running_stack

pytestmark = pytest.mark.timeout(90)

APOLOGY_SECONDS = 4.0  # the recorded apology is ~5.8 s; the caller hears most of it at least


def _ended_unavailable(stack, call) -> list[str]:  # type: ignore[no-untyped-def]
    row = stack.call_row(call.call_sid)
    assert (row.status, row.end_reason) == (CallStatus.completed, EndReason.ai_unavailable)
    assert call.status == "completed"  # the simulated Twilio saw the REST hang-up
    return [t.text for t in stack.turns(row.id)]


def test_realtime_refusing_the_connection(env: dict[str, str]) -> None:
    with running_stack(env, greeting_script(refuse_status=503)) as stack:
        caller = TalkingCaller(speak_ms=0)
        call = stack.place_call(caller)
        stack.wait(call)
        assert stack.fake is not None and stack.fake.refused
        assert caller.heard_seconds > APOLOGY_SECONDS and not caller.hung_up
        assert _ended_unavailable(stack, call) == []


def test_realtime_dropping_after_the_greeting(env: dict[str, str]) -> None:
    with running_stack(env, greeting_script(drop_after_responses=1)) as stack:
        caller = TalkingCaller(speak_ms=0)
        call = stack.place_call(caller)
        stack.wait(call)
        assert caller.heard_seconds > 0.6 + APOLOGY_SECONDS and not caller.hung_up
        assert _ended_unavailable(stack, call) == [GREETING]


def test_realtime_stalling_while_a_reply_is_awaited(env: dict[str, str]) -> None:
    """The caller presses a key; the app asks for a reply; the service never answers."""
    script = greeting_script(stall_after_responses=1)
    with running_stack(env, script, REALTIME_STALL_SECONDS="2") as stack:
        caller = TalkingCaller(press="1")
        call = stack.place_call(caller)
        stack.wait(call)
        assert caller.heard_seconds > 0.6 + APOLOGY_SECONDS and not caller.hung_up
        assert _ended_unavailable(stack, call) == [GREETING, "[pressed 1]"]


def test_realtime_stalling_after_the_caller_speaks(env: dict[str, str]) -> None:
    script = greeting_script(stall_after_responses=1)
    with running_stack(env, script, REALTIME_STALL_SECONDS="2") as stack:
        caller = TalkingCaller(speak_ms=600, stay=12.0)
        call = stack.place_call(caller)
        stack.wait(call)
        assert caller.heard_seconds > 0.6 + APOLOGY_SECONDS and not caller.hung_up
        assert _ended_unavailable(stack, call)[0] == GREETING
