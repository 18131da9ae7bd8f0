"""Realtime GA server events → our typed events (pure; no sockets)."""

import json

from callcenter.voice import realtime_events
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
)
from tests.fakes.realtime_script import session_expired_error


def test_agent_audio_delta_keeps_payload_item_and_response() -> None:
    raw = json.dumps(
        {
            "type": "response.output_audio.delta",
            "event_id": "e1",
            "response_id": "resp_1",
            "item_id": "item_1",
            "output_index": 0,
            "content_index": 0,
            "delta": "//8=",
        }
    )
    assert realtime_events.parse(raw) == AgentAudio(
        item_id="item_1", content_index=0, payload="//8=", response_id="resp_1"
    )


def test_beta_event_names_are_not_mistaken_for_ga_ones() -> None:
    for beta in ("response.audio.delta", "response.audio_transcript.done", "response.text.delta"):
        assert realtime_events.translate({"type": beta, "delta": "x"}) is None


def test_each_ga_event_we_use_maps_to_its_typed_event() -> None:
    cases = {
        "session.updated": SessionReady(),
        "input_audio_buffer.speech_started": CallerSpeechStarted(audio_start_ms=120, item_id="i"),
        "input_audio_buffer.speech_stopped": CallerSpeechStopped(audio_end_ms=0, item_id="i"),
        "input_audio_buffer.timeout_triggered": CallerIdle(),
    }
    for kind, expected in cases.items():
        assert (
            realtime_events.translate({"type": kind, "item_id": "i", "audio_start_ms": 120})
            == expected
        )
    assert realtime_events.translate(
        {
            "type": "conversation.item.input_audio_transcription.completed",
            "item_id": "c1",
            "content_index": 0,
            "transcript": " I need a plumber. ",
        }
    ) == CallerTranscript(item_id="c1", text="I need a plumber.", final=True)
    assert realtime_events.translate(
        {
            "type": "response.output_audio_transcript.done",
            "item_id": "a1",
            "response_id": "r",
            "transcript": "Hi!",
        }
    ) == AgentTranscript(item_id="a1", text="Hi!", final=True, response_id="r")
    assert realtime_events.translate(
        {"type": "response.created", "response": {"id": "r1", "status": "in_progress"}}
    ) == ResponseStarted(response_id="r1")
    assert realtime_events.translate(
        {"type": "response.done", "response": {"id": "r1", "status": "cancelled"}}
    ) == ResponseDone(response_id="r1", status="cancelled")


def test_function_call_arguments_are_decoded_and_bad_json_becomes_empty() -> None:
    event = {
        "type": "response.function_call_arguments.done",
        "call_id": "call_1",
        "name": "save_lead_details",
        "arguments": '{"name": "Ann"}',
    }
    assert realtime_events.translate(event) == ToolCall(
        call_id="call_1",
        name="save_lead_details",
        arguments={"name": "Ann"},
        raw_arguments='{"name": "Ann"}',
    )
    broken = realtime_events.translate({**event, "arguments": "{not json"})
    assert isinstance(broken, ToolCall) and broken.arguments == {}


def test_harmless_race_errors_are_dropped_and_real_errors_kept() -> None:
    harmless = {"type": "error", "error": {"code": "response_cancel_not_active", "message": "x"}}
    assert realtime_events.translate(harmless) is None
    real = {"type": "error", "error": {"code": "invalid_value", "message": "bad voice"}}
    assert realtime_events.translate(real) == VoiceError(message="bad voice", code="invalid_value")
    # A refused response.create reaches the bridge, which asks again when the service is free.
    busy = {"type": "error", "error": {"code": realtime_events.BUSY_ERROR_CODE, "message": "x"}}
    assert realtime_events.translate(busy) == VoiceError(
        message="x", code=realtime_events.BUSY_ERROR_CODE
    )


def test_unknown_and_malformed_messages_are_ignored() -> None:
    assert realtime_events.parse('{"type": "rate_limits.updated", "rate_limits": []}') is None
    assert realtime_events.parse("not json") is None
    assert realtime_events.parse("[1, 2]") is None


def test_session_expired_is_its_own_event_not_an_error() -> None:
    raw = json.dumps({**session_expired_error(), "event_id": "event_9"})
    assert realtime_events.parse(raw) == SessionExpired(
        message="Your session hit the maximum duration of 60 minutes."
    )
