"""PostgreSQL stopped mid-call and started again by the test: the caller keeps hearing the
agent, and every turn said while the database was away is written once it is back."""

import pytest

from callcenter.db.models import CallStatus
from tests.hardening.stack import (
    GREETING,
    RemoteCaller,
    greeting_script,
    running_stack,
    wait_server_side,
)
from tests.support.servers import PostgresServer

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(120)]

REPLY_BYTES = 600 * 8  # the second reply is 600 ms of μ-law


def test_database_going_away_mid_call(pg_env: dict[str, str], pg_server: PostgresServer) -> None:
    with running_stack(pg_env, greeting_script()) as stack:
        caller = RemoteCaller()
        call = stack.place_call(caller)
        stack.run(caller.wait_quiet())
        call_id = stack.call_row(call.call_sid).id
        assert [t.text for t in stack.turns(call_id)] == [GREETING]

        pg_server.stop()
        try:
            heard_before = caller.heard_bytes
            stack.run(caller.say(600))
            # The agent answers while the database is down: audio does not wait for it.
            stack.run(caller.wait_heard(heard_before + REPLY_BYTES))
            stack.run(caller.wait_quiet())
        finally:
            pg_server.start()
        stack.run(caller.hang_up())
        stack.wait(call)
        wait_server_side(stack)

        assert stack.call_row(call.call_sid).status == CallStatus.completed
        texts = [(t.role, t.text) for t in stack.turns(call_id)]
        assert texts == [
            ("agent", GREETING),
            ("caller", "My name is Ada Lovelace."),
            ("agent", "Nice to meet you, Ada."),
        ]
        retried = [line for line in stack.logs.getvalue().splitlines() if "not saved yet" in line]
        assert retried, "the turns should have waited for the database"
