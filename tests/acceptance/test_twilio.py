"""Twilio-facing routes with TWILIO_AUTH_TOKEN set: signatures, TwiML, a media stream call."""

import asyncio
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.acceptance.contract import (
    assert_call_object,
    assert_timestamp,
    inbound_form,
    new_sid,
    status_form,
)
from tests.acceptance.outsider import Outsider, running_core
from tests.acceptance.twilio_side import run_media_stream, signature

AUTH_TOKEN = "acceptance-twilio-auth-token"
WEBHOOKS = ("/api/inbound-call", "/api/outbound-call-webhook", "/api/call-status")


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outsider]:
    with running_core(tmp_path_factory.mktemp("twilio"), TWILIO_AUTH_TOKEN=AUTH_TOKEN) as outsider:
        yield outsider


def _signed_post(
    core: Outsider, path: str, form: dict[str, str], token: str = AUTH_TOKEN
) -> httpx.Response:
    headers = {"X-Twilio-Signature": signature(token, core.base_url + path, form)}
    return core.post(path, auth=False, data=form, headers=headers)


def _total_calls(core: Outsider) -> int:
    total: int = core.get("/api/calls").json()["total"]
    return total


def _stream_of(twiml: str) -> tuple[str, dict[str, str]]:
    stream = ElementTree.fromstring(twiml).find("./Connect/Stream")
    assert stream is not None, twiml
    params = {p.get("name", ""): p.get("value", "") for p in stream.findall("Parameter")}
    return stream.get("url", ""), params


@pytest.mark.parametrize("path", WEBHOOKS)
@pytest.mark.parametrize("forgery", ["missing", "wrong token", "other params"])
def test_forged_webhooks_are_403_and_record_nothing(
    core: Outsider, path: str, forgery: str
) -> None:
    before = _total_calls(core)
    sid = new_sid()
    form = inbound_form(sid, "+14155550161") | {"CallStatus": "completed"}
    if forgery == "missing":
        response = core.post(path, auth=False, data=form)
    elif forgery == "wrong token":
        response = _signed_post(core, path, form, token="not-the-auth-token")
    else:
        headers = {"X-Twilio-Signature": signature(AUTH_TOKEN, core.base_url + path, form)}
        response = core.post(
            path, auth=False, data=form | {"From": "+14155550999"}, headers=headers
        )
    assert response.status_code == 403
    assert response.json()["detail"]
    assert _total_calls(core) == before
    assert core.get(f"/api/calls/{sid}").status_code == 404


def test_a_forged_media_stream_handshake_is_refused(core: Outsider) -> None:
    url = f"ws://127.0.0.1:{core.port}/media-stream"

    async def attempt(headers: dict[str, str]) -> int:
        with pytest.raises(InvalidStatus) as refused:
            async with connect(url, additional_headers=headers):
                pass
        return refused.value.response.status_code

    assert asyncio.run(attempt({})) == 403
    assert asyncio.run(attempt({"X-Twilio-Signature": signature("wrong", url)})) == 403


def test_a_signed_inbound_call_streams_the_agent_and_ends_completed(core: Outsider) -> None:
    sid = new_sid()
    answered = _signed_post(core, "/api/inbound-call", inbound_form(sid, "+14155550162"))
    assert answered.status_code == 200
    assert answered.headers["content-type"].startswith("text/xml")
    url, params = _stream_of(answered.text)
    assert url == f"ws://127.0.0.1:{core.port}/media-stream"
    assert params

    # Twilio signs the handshake over the stream URL exactly as written, with no params.
    seen = asyncio.run(
        run_media_stream(
            url,
            call_sid=sid,
            parameters=params,
            seconds=6.0,
            headers={"X-Twilio-Signature": signature(AUTH_TOKEN, url)},
        )
    )
    assert seen.first_media_after is not None and seen.media_bytes > 8000  # a greeting, > 1 s
    assert seen.stream_sids <= {next(iter(seen.stream_sids))}  # frames name our stream
    assert seen.marks, "the app marks its audio to learn what was played"

    call: dict[str, Any] = core.wait_for(
        "the call to end",
        lambda: (body := core.get(f"/api/calls/{sid}").json())["ended_at"] and body,
    )
    assert_call_object(call)
    assert call["direction"] == "inbound" and call["from_number"] == "+14155550162"
    assert call["status"] == "completed"
    assert call["end_reason"] == "caller_hung_up"
    assert_timestamp(call["ended_at"], nullable=False)
    assert call["duration_seconds"] is not None and call["duration_seconds"] >= 4
    assert call["transcript"] and call["transcript"][0]["role"] == "agent"  # it speaks first

    # A late signed status callback fills in details but never moves the call backwards.
    late = _signed_post(core, "/api/call-status", status_form(sid, "in-progress"))
    assert late.status_code == 204
    final = _signed_post(core, "/api/call-status", status_form(sid, "completed", CallDuration="7"))
    assert final.status_code == 204
    after = core.get(f"/api/calls/{sid}").json()
    assert after["status"] == "completed" and after["ended_at"] == call["ended_at"]
    history = [h["status"] for h in after["status_history"]]
    assert (
        history.index("completed") > history.index("in-progress")
        if "in-progress" in history
        else True
    )


def test_a_simulated_outbound_call_passes_the_signature_checks_and_completes(
    core: Outsider,
) -> None:
    placed = core.post("/api/outbound-call", json={"to": "+14155550163"})
    assert placed.status_code == 201, placed.text
    call = placed.json()
    ended = core.wait_for(
        "the simulated outbound call to end",
        lambda: (body := core.get(f"/api/calls/{call['id']}").json())["ended_at"] and body,
        timeout=60,
    )
    assert ended["status"] == "completed"
    assert ended["answered_by"] in (None, "human")
    history = [h["status"] for h in ended["status_history"]]
    assert history[0] == "queued" and history[-1] == "completed"
    assert "in-progress" in history


def test_an_answered_outbound_call_webhook_connects_the_agent(core: Outsider) -> None:
    sid = new_sid()
    form = status_form(sid, "in-progress", From="+15005550006", To="+14155550164")
    answered = _signed_post(core, "/api/outbound-call-webhook", form | {"AnsweredBy": "human"})
    assert answered.status_code == 200
    url, params = _stream_of(answered.text)
    assert url == f"ws://127.0.0.1:{core.port}/media-stream" and params
    machine_sid = new_sid()
    machine_form = form | {"CallSid": machine_sid, "AnsweredBy": "machine_end_beep"}
    machine = _signed_post(core, "/api/outbound-call-webhook", machine_form)
    assert machine.status_code == 200
    assert ElementTree.fromstring(machine.text).find("./Connect") is None  # no agent for a machine
    _signed_post(core, "/api/call-status", status_form(machine_sid, "completed"))
    _signed_post(core, "/api/call-status", status_form(sid, "completed"))


def test_forgeries_are_counted_and_no_secret_is_logged_or_exported(core: Outsider) -> None:
    metrics = core.get("/metrics", auth=False).text
    errors = [line for line in metrics.splitlines() if line.startswith("callcenter_errors_total{")]
    assert errors and any(float(line.rsplit(" ", 1)[1]) > 0 for line in errors)
    for secret in (AUTH_TOKEN, core.env["API_TOKEN"], core.env["ADMIN_PASSWORD"]):
        assert secret not in metrics
        assert secret not in core.log()
