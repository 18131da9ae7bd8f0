"""Webhooks are idempotent: retries create nothing twice and statuses never move backwards."""

from xml.etree import ElementTree

import httpx

from callcenter.telephony.signature import sign
from tests.support.served_core import ServedCore, calls_in_db, inbound_params, status_events

SID = "CA" + "1" * 32


def _stream_params(document: str) -> tuple[str, dict[str, str]]:
    stream = ElementTree.fromstring(document).find("./Connect/Stream")
    assert stream is not None
    return stream.get("url", ""), {p.get("name", ""): p.get("value", "") for p in stream}


def test_inbound_call_creates_the_call_and_connects_the_stream(core: ServedCore) -> None:
    response = core.post_signed("/api/inbound-call", inbound_params(SID))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    [call] = calls_in_db()
    assert (call.call_sid, call.direction.value, call.status.value) == (SID, "inbound", "ringing")
    assert (call.from_number, call.to_number) == ("+14155550100", "+14155550199")
    url, params = _stream_params(response.text)
    assert url == core.settings.stream_url
    assert params == {"call_id": str(call.id), "direction": "inbound"}


def test_stream_url_never_comes_from_the_host_header(core: ServedCore) -> None:
    params = inbound_params(SID)
    url = core.base_url + "/api/inbound-call"
    response = httpx.post(
        core.server.base_url + "/api/inbound-call",
        data=params,
        headers={
            "Host": "attacker.example",
            "X-Twilio-Signature": sign(core.settings.twilio_auth_token or "", url, params),
        },
    )
    assert response.status_code == 200
    assert "attacker" not in response.text
    assert _stream_params(response.text)[0] == core.settings.stream_url


def test_retried_inbound_webhook_creates_one_call(core: ServedCore) -> None:
    first = core.post_signed("/api/inbound-call", inbound_params(SID))
    second = core.post_signed("/api/inbound-call", inbound_params(SID))
    assert first.status_code == second.status_code == 200
    assert first.text == second.text
    assert len(calls_in_db()) == 1


def test_status_callbacks_duplicated_and_out_of_order_never_move_backwards(
    core: ServedCore,
) -> None:
    core.post_signed("/api/inbound-call", inbound_params(SID))
    for status in ["in-progress", "in-progress", "completed", "ringing", "completed"]:
        params = inbound_params(SID, CallStatus=status, CallDuration="7")
        assert core.post_signed("/api/call-status", params).status_code == 204
    [call] = calls_in_db()
    assert call.id is not None
    assert call.status.value == "completed"
    assert call.end_reason is not None and call.end_reason.value == "caller_hung_up"
    assert call.answered_at is not None and call.ended_at is not None
    assert call.ended_at >= call.answered_at
    assert call.duration_seconds is not None
    history = [event.status for event in status_events(call.id)]
    assert history == ["ringing", "in-progress", "completed"]


def test_final_status_is_not_replaced_by_another_final_status(core: ServedCore) -> None:
    core.post_signed("/api/inbound-call", inbound_params(SID))
    core.post_signed("/api/call-status", inbound_params(SID, CallStatus="busy"))
    core.post_signed("/api/call-status", inbound_params(SID, CallStatus="completed"))
    [call] = calls_in_db()
    assert call.status.value == "busy"
    assert call.end_reason is not None and call.end_reason.value == "busy"
    assert call.duration_seconds == 0


def test_status_for_an_unknown_call_is_acknowledged_and_ignored(core: ServedCore) -> None:
    response = core.post_signed("/api/call-status", inbound_params(SID, CallStatus="completed"))
    assert response.status_code == 204
    assert calls_in_db() == []


def test_webhook_without_call_sid_is_a_clear_422(core: ServedCore) -> None:
    params = {k: v for k, v in inbound_params(SID).items() if k != "CallSid"}
    response = core.post_signed("/api/inbound-call", params)
    assert response.status_code == 422
    assert "CallSid" in response.json()["detail"]


def test_answered_outbound_call_connects_the_agent(core: ServedCore) -> None:
    params = inbound_params(SID, CallStatus="in-progress", Direction="outbound-api")
    response = core.post_signed("/api/outbound-call-webhook", params)
    assert response.status_code == 200
    [call] = calls_in_db()
    assert (call.direction.value, call.status.value) == ("outbound", "in-progress")
    assert call.answered_at is not None
    assert _stream_params(response.text)[1]["direction"] == "outbound"


def test_machine_answering_synchronously_gets_a_voicemail_not_the_agent(core: ServedCore) -> None:
    params = inbound_params(
        SID, CallStatus="in-progress", Direction="outbound-api", AnsweredBy="machine_start"
    )
    response = core.post_signed("/api/outbound-call-webhook", params)
    root = ElementTree.fromstring(response.text)
    assert [child.tag for child in root] == ["Say", "Hangup"]
    assert core.settings.company_name in (root[0].text or "")
    [call] = calls_in_db()
    assert call.answered_by == "machine_start"
    assert call.end_reason is not None and call.end_reason.value == "voicemail"
