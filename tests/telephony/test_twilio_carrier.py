"""The real Twilio SDK against a fake Twilio REST server: dial, hang up, transfer, voicemail."""

from collections.abc import Iterator
from contextlib import contextmanager
from xml.etree import ElementTree

import pytest

from callcenter.calls.carrier import CarrierError, DialResult
from callcenter.config import get_settings
from callcenter.telephony.carrier import TwilioCarrier
from tests.fakes.twilio_rest import FakeTwilio, fake_twilio_rest
from tests.support.served_core import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    CoreFactory,
    ServedCore,
    calls_in_db,
    inbound_params,
)

CALLER_ID = "+14155550199"


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    with fake_twilio_rest(ACCOUNT_SID, AUTH_TOKEN) as fake:
        yield fake


@contextmanager
def twilio_core(start_core: CoreFactory, twilio: FakeTwilio, **extra: str) -> Iterator[ServedCore]:
    with start_core(
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        TWILIO_PHONE_NUMBER=CALLER_ID,
        TWILIO_API_BASE_URL=twilio.base_url,
        **extra,
    ) as core:
        assert isinstance(core.parts.carrier, TwilioCarrier)
        yield core


def test_outbound_call_is_created_exactly_as_documented(
    start_core: CoreFactory, twilio: FakeTwilio
) -> None:
    with twilio_core(start_core, twilio) as core, core.api() as api:
        response = api.post("/api/outbound-call", json={"to": "(415) 555-0123"})
        assert response.status_code == 201, response.text
        body = response.json()
    [(method, path, params)] = twilio.requests
    assert (method, path) == ("POST", f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json")
    base = core.base_url
    assert params == {
        "To": ["+14155550123"],
        "From": [CALLER_ID],
        "Url": [f"{base}/api/outbound-call-webhook"],
        "StatusCallback": [f"{base}/api/call-status"],
        "StatusCallbackEvent": ["initiated", "ringing", "answered", "completed"],
        "MachineDetection": ["DetectMessageEnd"],
        "AsyncAmd": ["true"],
        "AsyncAmdStatusCallback": [f"{base}/api/call-status"],
    }
    [sid] = twilio.calls
    assert body["call_sid"] == sid
    assert (body["status"], body["direction"], body["to_number"]) == (
        "queued",
        "outbound",
        "+14155550123",
    )


def test_carrier_refusal_becomes_a_failed_call_not_a_500(
    start_core: CoreFactory, twilio: FakeTwilio
) -> None:
    twilio.fail_create = (400, 21215, "Geographic permission not enabled")
    with twilio_core(start_core, twilio) as core, core.api() as api:
        response = api.post("/api/outbound-call", json={"to": "+14155550123"})
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "failed"
    assert body["end_reason"] == "error"
    assert "Geographic permission not enabled" in body["error_message"]


def test_unreachable_twilio_becomes_a_failed_call(
    start_core: CoreFactory, twilio: FakeTwilio
) -> None:
    unreachable = start_core(
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        TWILIO_PHONE_NUMBER=CALLER_ID,
        TWILIO_API_BASE_URL="http://127.0.0.1:9",
    )
    with unreachable as core, core.api() as api:
        body = api.post("/api/outbound-call", json={"to": "+14155550123"}).json()
    assert body["status"] == "failed"
    assert "unreachable" in body["error_message"]


async def _dial_through_sdk(
    env: dict[str, str], twilio: FakeTwilio
) -> tuple[TwilioCarrier, DialResult]:
    """A Twilio carrier pointed at the fake, and an outbound call placed through it."""
    env["TWILIO_ACCOUNT_SID"] = ACCOUNT_SID
    env["TWILIO_AUTH_TOKEN"] = AUTH_TOKEN
    env["TWILIO_API_BASE_URL"] = twilio.base_url
    carrier = TwilioCarrier(get_settings())
    return carrier, await carrier.dial(to="+14155550123", from_=CALLER_ID, call_id=1)


async def test_hang_up_through_the_sdk_and_already_ended_is_not_an_error(
    env: dict[str, str], twilio: FakeTwilio
) -> None:
    carrier, result = await _dial_through_sdk(env, twilio)
    await carrier.hang_up(result.call_sid)
    assert twilio.calls[result.call_sid].status == "completed"
    assert twilio.calls[result.call_sid].updates == [{"Status": ["completed"]}]
    await carrier.hang_up(result.call_sid)  # Twilio answers 20404: already ended
    await carrier.hang_up("CA" + "9" * 32)  # never existed: also 20404


async def test_transfer_redirects_the_live_call_with_dial(
    env: dict[str, str], twilio: FakeTwilio
) -> None:
    carrier, result = await _dial_through_sdk(env, twilio)
    await carrier.transfer(result.call_sid, "+14155550111")
    [update] = twilio.calls[result.call_sid].updates
    root = ElementTree.fromstring(update["Twiml"][0])
    assert root.findtext("Dial") == "+14155550111"
    await carrier.hang_up(result.call_sid)
    with pytest.raises(CarrierError) as refused:
        await carrier.transfer(result.call_sid, "+14155550111")
    assert refused.value.code == 20404


@pytest.mark.parametrize(
    ("action", "expected_update"), [("leave_message", "Twiml"), ("hang_up", "Status")]
)
def test_async_amd_machine_answer_leaves_voicemail_or_hangs_up(
    start_core: CoreFactory, twilio: FakeTwilio, action: str, expected_update: str
) -> None:
    with twilio_core(start_core, twilio, VOICEMAIL_ACTION=action) as core, core.api() as api:
        body = api.post("/api/outbound-call", json={"to": "+14155550123"}).json()
        sid = body["call_sid"]
        answered = inbound_params(
            sid, CallStatus="in-progress", Direction="outbound-api", To="+14155550123"
        )
        webhook = core.post_signed("/api/outbound-call-webhook", answered)
        assert "<Connect>" in webhook.text
        amd = {"CallSid": sid, "AccountSid": ACCOUNT_SID, "AnsweredBy": "machine_end_beep"}
        assert core.post_signed("/api/call-status", amd).status_code == 204
        assert core.post_signed("/api/call-status", amd).status_code == 204  # a retry
        [update] = twilio.wait_for_update(sid)
        completed = inbound_params(sid, CallStatus="completed", To="+14155550123")
        core.post_signed("/api/call-status", completed)
    assert len(twilio.calls[sid].updates) == 1  # the retried callback did nothing twice
    assert list(update) == [expected_update]
    if action == "leave_message":
        root = ElementTree.fromstring(update["Twiml"][0])
        assert [child.tag for child in root] == ["Say", "Hangup"]
    else:
        assert update["Status"] == ["completed"]
    [call] = calls_in_db()
    assert call.answered_by == "machine_end_beep"
    assert call.status.value == "completed"
    assert call.end_reason is not None and call.end_reason.value == "voicemail"
