"""The carrier misbehaving: its REST API failing when we hang up, and status callbacks that
arrive twice and out of order — over the real endpoints, with signatures checked."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlmodel import Session, select

from callcenter.db.models import CallStatus, CallStatusEvent, EndReason, OutboxMessage
from callcenter.db.session import get_engine
from callcenter.sim.carrier import SimulatorCarrier
from callcenter.telephony.signature import sign
from tests.hardening.stack import (
    GREETING,
    TWILIO_TOKEN,
    RemoteCaller,
    TalkingCaller,
    eventually,
    greeting_script,
    running_stack,
    wait_server_side,
)
from tests.support.app_server import serve_in_thread

pytestmark = pytest.mark.timeout(90)
ACCOUNT = "AC" + "5" * 32


def _outage() -> tuple[FastAPI, list[tuple[str, dict[str, Any]]]]:
    """Twilio's REST API during an outage: every request is a 500 in Twilio's error shape."""
    app = FastAPI()
    seen: list[tuple[str, dict[str, Any]]] = []

    @app.api_route("/{path:path}", methods=["GET", "POST", "DELETE"])
    async def _fail(path: str, request: Request) -> JSONResponse:
        seen.append((path, dict(await request.form())))
        return JSONResponse(
            {"code": 20500, "message": "Internal Server Error", "status": 500}, status_code=500
        )

    return app, seen


def test_carrier_failing_on_hang_up_still_ends_the_call(env: dict[str, str]) -> None:
    app, seen = _outage()
    with serve_in_thread(app) as outage:
        with running_stack(
            env,
            greeting_script(drop_after_responses=1),
            CARRIER="twilio",
            TWILIO_ACCOUNT_SID=ACCOUNT,
            TWILIO_API_BASE_URL=outage.base_url,
        ) as stack:
            twilio = SimulatorCarrier(stack.settings)  # plays Twilio's webhooks and stream
            caller = TalkingCaller(speak_ms=0)
            call = stack.run(twilio.place_inbound_call(caller=caller))
            stack.run(call.wait(45), 50)
            wait_server_side(stack)
            row = stack.call_row(call.call_sid)
            turns = [t.text for t in stack.turns(row.id)]
            logs = stack.logs.getvalue()
    # The app tried to hang up through the REST API, which failed ...
    assert [p for p, form in seen if form.get("Status") == "completed"] == [
        f"2010-04-01/Accounts/{ACCOUNT}/Calls/{call.call_sid}.json"
    ]
    errors = [line for line in logs.splitlines() if '"level": "ERROR"' in line]
    assert any("CarrierError" in line for line in errors), "the failed hang-up is logged"
    # ... yet the caller heard the apology, the line was closed and the call is recorded.
    assert caller.heard_seconds > 4 and not caller.hung_up
    assert (row.status, row.end_reason) == (CallStatus.completed, EndReason.ai_unavailable)
    assert turns == [GREETING]


def _callback(stack: Any, call_sid: str, status: str, **extra: str) -> int:
    params = {
        "AccountSid": "AC" + "0" * 32,
        "CallSid": call_sid,
        "CallStatus": status,
        "From": "+14155550100",
        "To": "+15005550006",
        "Direction": "inbound",
        **extra,
    }
    url = stack.settings.public_base_url + "/api/call-status"
    response = httpx.post(
        stack.server.base_url + "/api/call-status",
        data=params,
        headers={"X-Twilio-Signature": sign(TWILIO_TOKEN, url, params)},
        timeout=10,
    )
    return response.status_code


def test_duplicate_and_reordered_status_callbacks_change_nothing(env: dict[str, str]) -> None:
    with running_stack(env, greeting_script(), TEAM_NOTIFY_EMAILS="team@example.com") as stack:
        caller = RemoteCaller()
        call = stack.place_call(caller)
        stack.run(caller.wait_quiet())
        stack.run(caller.say(600))  # "My name is Ada Lovelace." (the fake's transcript)
        stack.run(caller.wait_heard(caller.heard_bytes + 600 * 8))
        stack.run(caller.wait_quiet())
        stack.run(caller.hang_up())
        stack.wait(call)
        wait_server_side(stack)
        eventually(lambda: stack.call_row(call.call_sid).finalized_at is not None, what="final")
        before = stack.call_row(call.call_sid)
        assert before.status == CallStatus.completed and before.lead_id is not None

        late = [
            ("completed", {"CallDuration": "3"}),
            ("in-progress", {}),
            ("ringing", {}),
            ("completed", {"CallDuration": "3"}),
            ("busy", {}),
        ]
        assert [_callback(stack, call.call_sid, s, **x) for s, x in late] == [204] * len(late)
        after = stack.call_row(call.call_sid)
        with Session(get_engine()) as session:
            emails = session.exec(
                select(OutboxMessage).where(OutboxMessage.call_id == after.id)
            ).all()
            history = session.exec(
                select(CallStatusEvent.status).where(CallStatusEvent.call_id == after.id)
            ).all()
    assert (after.status, after.end_reason, after.ended_at) == (
        before.status,
        before.end_reason,
        before.ended_at,
    )
    assert after.duration_seconds == before.duration_seconds or after.duration_seconds == 3
    assert [m.to_address for m in emails] == ["team@example.com"]  # notified exactly once
    assert "in-progress" not in history[history.index("completed") :]
    assert "ringing" not in history[history.index("completed") :]


def test_a_forged_callback_is_refused_and_records_nothing(env: dict[str, str]) -> None:
    with running_stack(env, greeting_script()) as stack:
        params = {"CallSid": "CA" + "9" * 32, "CallStatus": "completed"}
        response = httpx.post(
            stack.server.base_url + "/api/call-status",
            data=params,
            headers={"X-Twilio-Signature": sign("not-the-token", "http://x/api/call-status")},
        )
        assert response.status_code == 403
        inbound = httpx.post(stack.server.base_url + "/api/inbound-call", data=params)
        assert inbound.status_code == 403
        with Session(get_engine()) as session:
            assert session.exec(select(CallStatusEvent)).all() == []
