"""`WS /media-stream`: Twilio's bidirectional media stream, handed to the voice bridge."""

import asyncio
import logging

from fastapi import APIRouter, WebSocket

from callcenter import metrics
from callcenter.app_state import app_settings, call_life, connector
from callcenter.calls import records
from callcenter.calls.life import CallLife
from callcenter.db.models import EndReason
from callcenter.telephony.protocol import ProtocolError, StartMessage, parse_inbound
from callcenter.telephony.signature import handshake_is_valid
from callcenter.telephony.socket_stream import SocketMediaStream, receive_text
from callcenter.telephony.twiml import PARAM_CALL_ID
from callcenter.voice.connector import CallConnector

log = logging.getLogger(__name__)

router = APIRouter()

START_TIMEOUT_SECONDS = 10.0
POLICY_VIOLATION = 1008


async def _wait_for_start(websocket: WebSocket) -> StartMessage | None:
    """Read `connected` then `start`; malformed frames before it are logged and skipped."""
    try:
        async with asyncio.timeout(START_TIMEOUT_SECONDS):
            while True:
                raw = await receive_text(websocket)
                if raw is None:
                    return None
                message = parse_inbound(raw)
                if isinstance(message, StartMessage):
                    return message
                if isinstance(message, ProtocolError):
                    metrics.count_error("bad_stream_frame")
                    log.warning("bad media-stream frame before start: %s", message.reason)
    except TimeoutError:
        log.warning("media stream sent no start within %.0f s", START_TIMEOUT_SECONDS)
        return None


def _call_id_param(start: StartMessage) -> int | None:
    value = start.start.custom_parameters.get(PARAM_CALL_ID, "")
    # Only plain ASCII digits that fit a 64-bit id: "²".isdigit() is True, and huge ids overflow.
    if value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None


@router.websocket("/media-stream")
async def media_stream(websocket: WebSocket) -> None:
    """Check the handshake signature before accepting, then bridge the call until it ends."""
    if not handshake_is_valid(websocket, app_settings(websocket)):
        log.warning("rejected media-stream handshake: invalid or missing X-Twilio-Signature")
        metrics.count_error("bad_signature")
        await websocket.close(code=POLICY_VIOLATION)  # before accept: the client gets a 403
        return
    await websocket.accept()
    start = await _wait_for_start(websocket)
    if start is None:
        await websocket.close()
        return
    extra = {"call_sid": start.start.call_sid, "stream_sid": start.stream_sid}
    update = await asyncio.to_thread(
        records.record_stream_start,
        call_id=_call_id_param(start),
        call_sid=start.start.call_sid,
        stream_sid=start.stream_sid,
    )
    if update is None or update.call.id is None:
        log.warning("media stream for an unknown call; closing", extra=extra)
        await websocket.close(code=POLICY_VIOLATION)
        return
    call = update.call
    assert call.id is not None
    life = call_life(websocket)
    if update.change.changed:
        life.announce("call_updated", call)
    stream = SocketMediaStream(websocket, start, call_id=call.id)
    await _bridge(stream, life, connector(websocket))


async def _bridge(stream: SocketMediaStream, life: CallLife, bridges: CallConnector) -> None:
    call_id = stream.call_id
    extra = {"call_sid": stream.call_sid, "stream_sid": stream.stream_sid, "call_id": call_id}
    log.info("media stream started for call %s", call_id, extra=extra)
    end_reason = EndReason.caller_hung_up
    try:
        await bridges.run(stream)
    except asyncio.CancelledError:
        end_reason = EndReason.shutdown
        raise
    except Exception:
        log.exception("voice bridge failed", extra=extra)
        end_reason = EndReason.error
    finally:
        if stream.bad_frames:
            log.warning("stream ended after %d bad frames", stream.bad_frames, extra=extra)
        # The end is recorded before the socket closes; the after-call work runs on its own.
        await life.media_finished(call_id, reason=end_reason)
        await stream.close()
