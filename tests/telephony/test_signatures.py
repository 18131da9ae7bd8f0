"""Closed by default: every Twilio webhook and the stream handshake need a valid signature."""

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from callcenter.telephony.signature import sign
from tests.support.served_core import (
    CoreFactory,
    ServedCore,
    calls_in_db,
    inbound_params,
    status_events,
)

WEBHOOKS = ["/api/inbound-call", "/api/outbound-call-webhook", "/api/call-status"]


@pytest.mark.parametrize("path", WEBHOOKS)
def test_signed_webhook_is_accepted(core: ServedCore, path: str) -> None:
    response = core.post_signed(path, inbound_params("CA" + "a" * 32))
    assert response.status_code in (200, 204)


@pytest.mark.parametrize("path", WEBHOOKS)
def test_unsigned_webhook_is_refused_and_records_nothing(core: ServedCore, path: str) -> None:
    import httpx

    response = httpx.post(core.server.base_url + path, data=inbound_params("CA" + "b" * 32))
    assert response.status_code == 403
    assert response.json() == {"detail": "invalid Twilio signature"}
    assert calls_in_db() == []


@pytest.mark.parametrize("path", WEBHOOKS)
def test_forged_webhook_is_refused_and_records_nothing(core: ServedCore, path: str) -> None:
    response = core.post_signed(path, inbound_params("CA" + "c" * 32), token="not-the-token")
    assert response.status_code == 403
    assert calls_in_db() == []


def test_signature_over_other_params_is_refused(core: ServedCore) -> None:
    import httpx

    params = inbound_params("CA" + "d" * 32)
    url = core.base_url + "/api/call-status"
    signature = sign(core.settings.twilio_auth_token or "", url, params)
    tampered = params | {"CallStatus": "completed"}
    response = httpx.post(
        core.server.base_url + "/api/call-status",
        data=tampered,
        headers={"X-Twilio-Signature": signature},
    )
    assert response.status_code == 403


def test_rejected_status_callback_leaves_the_call_untouched(core: ServedCore) -> None:
    assert core.post_signed("/api/inbound-call", inbound_params("CA" + "e" * 32)).status_code == 200
    [call] = calls_in_db()
    assert call.id is not None
    before = len(status_events(call.id))
    forged = inbound_params("CA" + "e" * 32, CallStatus="completed")
    assert core.post_signed("/api/call-status", forged, token="forged").status_code == 403
    [after] = calls_in_db()
    assert after.status.value == "ringing"
    assert len(status_events(call.id)) == before


def test_without_an_auth_token_webhooks_are_not_checked(start_core: CoreFactory) -> None:
    import httpx

    with start_core() as core:
        response = httpx.post(
            core.server.base_url + "/api/inbound-call", data=inbound_params("CA" + "f" * 32)
        )
    assert response.status_code == 200


async def _handshake(core: ServedCore, signature: str | None) -> int | None:
    """Open the media stream; None when accepted, else the HTTP status of the refusal."""
    headers = {"X-Twilio-Signature": signature} if signature is not None else {}
    try:
        async with connect(core.server.ws_url + "/media-stream", additional_headers=headers):
            return None
    except InvalidStatus as exc:
        return exc.response.status_code


@pytest.mark.parametrize(
    ("signer", "expected"),
    [("valid", None), ("forged", 403), ("missing", 403), ("over-http-url", 403)],
)
async def test_media_stream_handshake_signature(
    core: ServedCore, signer: str, expected: int | None
) -> None:
    token = core.settings.twilio_auth_token or ""
    signature = {
        "valid": sign(token, core.settings.stream_url),
        "forged": sign("forged-token", core.settings.stream_url),
        "missing": None,
        # Signed over another URL than the one written in the TwiML.
        "over-http-url": sign(token, core.base_url + "/media-stream"),
    }[signer]
    assert await asyncio.wait_for(_handshake(core, signature), 10) == expected
