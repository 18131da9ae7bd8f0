"""`WS /media-stream`: bad frames are counted and logged, the socket stays up, the call ends."""

import base64
import logging
from xml.etree import ElementTree

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from callcenter.telephony.signature import sign
from tests.support.served_core import ServedCore, calls_in_db, inbound_params, status_events
from tests.telephony.helpers import frame, media_frame, start_frame

SID = "CA" + "5" * 32
STREAM = "MZ" + "6" * 32
SILENCE = base64.b64encode(b"\xff" * 160).decode()
BAD_FRAMES: list[str | bytes] = [
    "this is not json",
    '{"event": "bogus"}',
    '{"event": "media", "streamSid": "MZ", "media": {"track": "inbound"}}',
    "[1, 2, 3]",
    b"\x00\x01binary",
]


def _inbound_call_id(core: ServedCore) -> int:
    response = core.post_signed("/api/inbound-call", inbound_params(SID))
    stream = ElementTree.fromstring(response.text).find("./Connect/Stream")
    assert stream is not None
    return int({p.get("name"): p.get("value") for p in stream}["call_id"])


async def test_bad_frames_are_logged_with_the_call_sid_and_the_socket_stays_up(
    core: ServedCore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="callcenter.telephony")
    call_id = _inbound_call_id(core)
    headers = {
        "X-Twilio-Signature": sign(core.settings.twilio_auth_token or "", core.settings.stream_url)
    }
    async with connect(core.server.ws_url + "/media-stream", additional_headers=headers) as ws:
        await ws.send(frame({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
        await ws.send(start_frame(SID, STREAM, call_id))
        for n, bad in enumerate(BAD_FRAMES):
            await ws.send(bad)
            await ws.send(media_frame(STREAM, n + 1, SILENCE))
        await ws.send(frame({"event": "stop", "streamSid": STREAM, "stop": {"callSid": SID}}))
        with pytest.raises(ConnectionClosed):
            await ws.recv()  # the server closes once the call has ended
    [session] = core.voices.sessions
    assert len(session.frames) == len(BAD_FRAMES)  # every good frame after a bad one arrived
    bad_lines = [r for r in caplog.records if "bad media-stream frame" in r.getMessage()]
    assert len(bad_lines) == len(BAD_FRAMES)
    assert all(getattr(r, "call_sid", None) == SID for r in bad_lines)
    [call] = calls_in_db()
    assert call.status.value == "completed"
    assert call.end_reason is not None and call.end_reason.value == "caller_hung_up"
    assert call.stream_sid == STREAM
    assert call.answered_at is not None and call.duration_seconds is not None
    assert [e.status for e in status_events(call_id)] == ["ringing", "in-progress", "completed"]


async def test_stream_for_an_unknown_call_is_closed(core: ServedCore) -> None:
    headers = {
        "X-Twilio-Signature": sign(core.settings.twilio_auth_token or "", core.settings.stream_url)
    }
    async with connect(core.server.ws_url + "/media-stream", additional_headers=headers) as ws:
        await ws.send(start_frame("CA" + "7" * 32, STREAM, 999))
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    assert calls_in_db() == []


async def test_socket_closing_without_stop_still_ends_the_call(core: ServedCore) -> None:
    call_id = _inbound_call_id(core)
    headers = {
        "X-Twilio-Signature": sign(core.settings.twilio_auth_token or "", core.settings.stream_url)
    }
    async with connect(core.server.ws_url + "/media-stream", additional_headers=headers) as ws:
        await ws.send(start_frame(SID, STREAM, call_id))
        await ws.send(media_frame(STREAM, 1, SILENCE))
    # The client side is gone; the server records the end as soon as it notices.
    from tests.telephony.helpers import on_server_loop

    async def ended() -> None:
        from callcenter.live.events import CallEvent

        queue = core.parts.hub.subscribe("test-ended")
        try:
            [call] = calls_in_db()
            if call.ended_at is None:
                event: CallEvent = await queue.get()
                while event.kind != "call_ended":
                    event = await queue.get()
        finally:
            core.parts.hub.remove_sink("test-ended")

    on_server_loop(core, ended(), timeout=15)
    [call] = calls_in_db()
    assert call.status.value == "completed"
    assert call.end_reason is not None and call.end_reason.value == "caller_hung_up"
