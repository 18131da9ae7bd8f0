"""Graceful shutdown: new calls are turned away, live calls get time to finish, then the agent
says goodbye and the app hangs up through the carrier."""

import asyncio
from collections.abc import Iterator

import pytest

from callcenter.calls import drain
from callcenter.db.models import CallStatus, EndReason
from callcenter.sim.carrier import SimulatedCall
from tests.hardening.stack import (
    RemoteCaller,
    Stack,
    eventually,
    greeting_script,
    running_stack,
    wait_server_side,
)

pytestmark = pytest.mark.timeout(90)


@pytest.fixture(autouse=True)
def _accept_again() -> Iterator[None]:
    drain.reset()
    yield
    drain.reset()


def _start_call(stack: Stack) -> tuple[RemoteCaller, SimulatedCall]:
    caller = RemoteCaller()
    call = stack.place_call(caller)
    stack.run(caller.wait_quiet())
    return caller, call


def test_with_no_calls_shutdown_does_not_wait(env: dict[str, str]) -> None:
    with running_stack(env, greeting_script()) as stack:
        assert (
            stack.run(drain.drain_calls(stack.core.live_calls, grace=30, goodbye_grace=30), 5) == []
        )
        assert drain.is_draining()


def test_a_live_call_hears_goodbye_and_is_hung_up(env: dict[str, str]) -> None:
    with running_stack(env, greeting_script()) as stack:
        caller, call = _start_call(stack)
        heard_before = caller.heard_bytes
        ended = stack.run(drain.drain_calls(stack.core.live_calls, grace=0.5, goodbye_grace=20), 40)
        stack.wait(call)
        wait_server_side(stack)
        row = stack.call_row(call.call_sid)
    assert ended == [row.id]
    assert caller.heard_bytes > heard_before  # the goodbye was spoken before hanging up
    assert (row.status, row.end_reason) == (CallStatus.completed, EndReason.shutdown)
    assert call.status == "completed"


def test_a_call_that_ends_within_the_grace_is_left_alone(env: dict[str, str]) -> None:
    with running_stack(env, greeting_script()) as stack:
        caller, call = _start_call(stack)

        async def _drain_while_caller_hangs_up() -> list[int]:
            task = asyncio.create_task(drain.drain_calls(stack.core.live_calls, grace=20))
            await caller.hang_up()
            return await task

        assert stack.run(_drain_while_caller_hangs_up(), 40) == []
        stack.wait(call)
        eventually(lambda: stack.call_row(call.call_sid).ended_at is not None)
        assert stack.call_row(call.call_sid).end_reason == EndReason.caller_hung_up


def test_new_inbound_calls_are_turned_away_while_draining(env: dict[str, str]) -> None:
    with running_stack(env, greeting_script()) as stack:
        stack.run(drain.drain_calls(stack.core.live_calls, grace=1, goodbye_grace=1), 5)
        caller = RemoteCaller()
        call = stack.place_call(caller)
        stack.wait(call)
        assert caller.heard_bytes == 0 and not stack.core.live_calls
