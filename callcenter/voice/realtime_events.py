"""Pure translation of OpenAI Realtime (GA) server events into our typed `VoiceEvent`s."""

import json
import logging
from collections.abc import Callable
from typing import Any

import orjson

from callcenter.voice.session import (
    AgentAudio,
    AgentTranscript,
    CallerIdle,
    CallerSpeechStarted,
    CallerSpeechStopped,
    CallerTranscript,
    ResponseDone,
    ResponseStarted,
    SessionExpired,
    SessionReady,
    ToolCall,
    VoiceError,
    VoiceEvent,
)

log = logging.getLogger(__name__)

AUDIO_DELTA = "response.output_audio.delta"

# Error codes the service sends for races that are not failures (see PROTOCOLS.md).
HARMLESS_ERROR_CODES = frozenset({"response_cancel_not_active"})
# A response.create that crossed the start of a response the service began by itself: the
# bridge asks again once that response is done.
BUSY_ERROR_CODE = "conversation_already_has_active_response"
# The service ends a session at its duration limit with this error, then closes the socket.
EXPIRED_ERROR_CODE = "session_expired"

Handler = Callable[[dict[str, Any]], VoiceEvent | None]


def _str(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _int(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    return value if isinstance(value, int) else 0


def _audio_delta(data: dict[str, Any]) -> VoiceEvent:
    return AgentAudio(
        item_id=_str(data, "item_id"),
        content_index=_int(data, "content_index"),
        payload=_str(data, "delta"),
        response_id=_str(data, "response_id"),
    )


def _session_updated(data: dict[str, Any]) -> VoiceEvent:
    return SessionReady()


def _speech_started(data: dict[str, Any]) -> VoiceEvent:
    return CallerSpeechStarted(
        audio_start_ms=_int(data, "audio_start_ms"), item_id=_str(data, "item_id")
    )


def _speech_stopped(data: dict[str, Any]) -> VoiceEvent:
    return CallerSpeechStopped(
        audio_end_ms=_int(data, "audio_end_ms"), item_id=_str(data, "item_id")
    )


def _caller_delta(data: dict[str, Any]) -> VoiceEvent | None:
    delta = _str(data, "delta")
    if not delta:
        return None
    return CallerTranscript(item_id=_str(data, "item_id"), text=delta, final=False)


def _caller_completed(data: dict[str, Any]) -> VoiceEvent:
    return CallerTranscript(
        item_id=_str(data, "item_id"), text=_str(data, "transcript").strip(), final=True
    )


def _caller_failed(data: dict[str, Any]) -> VoiceEvent:
    error = data.get("error")
    error = error if isinstance(error, dict) else {}
    log.warning("caller transcription failed: %s", _str(error, "message"))
    return CallerTranscript(item_id=_str(data, "item_id"), text="", final=True)


def _agent_delta(data: dict[str, Any]) -> VoiceEvent:
    return AgentTranscript(
        item_id=_str(data, "item_id"),
        text=_str(data, "delta"),
        final=False,
        response_id=_str(data, "response_id"),
    )


def _agent_done(data: dict[str, Any]) -> VoiceEvent:
    return AgentTranscript(
        item_id=_str(data, "item_id"),
        text=_str(data, "transcript"),
        final=True,
        response_id=_str(data, "response_id"),
    )


def _function_call(data: dict[str, Any]) -> VoiceEvent:
    raw = _str(data, "arguments")
    try:
        parsed = json.loads(raw) if raw else {}
    except ValueError:
        parsed = {}
    return ToolCall(
        call_id=_str(data, "call_id"),
        name=_str(data, "name"),
        arguments=parsed if isinstance(parsed, dict) else {},
        raw_arguments=raw,
    )


def _response(data: dict[str, Any]) -> dict[str, Any]:
    response = data.get("response")
    return response if isinstance(response, dict) else {}


def _response_created(data: dict[str, Any]) -> VoiceEvent:
    return ResponseStarted(response_id=_str(_response(data), "id"))


def _response_done(data: dict[str, Any]) -> VoiceEvent:
    response = _response(data)
    usage = response.get("usage")
    return ResponseDone(
        response_id=_str(response, "id"),
        status=_str(response, "status"),
        usage=usage if isinstance(usage, dict) else None,
    )


def _idle(data: dict[str, Any]) -> VoiceEvent:
    return CallerIdle()


def _error(data: dict[str, Any]) -> VoiceEvent | None:
    error = data.get("error")
    error = error if isinstance(error, dict) else {}
    code = _str(error, "code")
    if code in HARMLESS_ERROR_CODES:
        log.debug("ignoring harmless realtime error %s", code)
        return None
    if code == EXPIRED_ERROR_CODE:
        return SessionExpired(message=_str(error, "message"))
    return VoiceError(message=_str(error, "message") or "unknown error", code=code, fatal=False)


HANDLERS: dict[str, Handler] = {
    AUDIO_DELTA: _audio_delta,
    "session.updated": _session_updated,
    "input_audio_buffer.speech_started": _speech_started,
    "input_audio_buffer.speech_stopped": _speech_stopped,
    "input_audio_buffer.timeout_triggered": _idle,
    "conversation.item.input_audio_transcription.delta": _caller_delta,
    "conversation.item.input_audio_transcription.completed": _caller_completed,
    "conversation.item.input_audio_transcription.failed": _caller_failed,
    "response.output_audio_transcript.delta": _agent_delta,
    "response.output_audio_transcript.done": _agent_done,
    "response.function_call_arguments.done": _function_call,
    "response.created": _response_created,
    "response.done": _response_done,
    "error": _error,
}


def translate(data: dict[str, Any]) -> VoiceEvent | None:
    """One decoded server event → our event, or None for events the bridge does not use."""
    event_type = data.get("type")
    if event_type == AUDIO_DELTA:  # ~50 per second per call: skip the table lookup
        return _audio_delta(data)
    handler = HANDLERS.get(event_type) if isinstance(event_type, str) else None
    if handler is None:
        log.debug("ignoring realtime event %r", event_type)
        return None
    return handler(data)


def parse(raw: str | bytes) -> VoiceEvent | None:
    """One raw server message (JSON text) → our event; malformed messages are ignored."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        log.warning("ignoring a realtime message that is not JSON (%d bytes)", len(raw))
        return None
    if not isinstance(data, dict):
        return None
    return translate(data)
