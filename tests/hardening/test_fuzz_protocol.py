"""Any frame Twilio (or an attacker) could send becomes a message or a `ProtocolError` value:
`parse_inbound` never raises, whatever the input."""

import base64
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.telephony.protocol import (
    MAX_FRAME_CHARS,
    MediaMessage,
    ProtocolError,
    StartMessage,
    parse_inbound,
)

EVENTS = ["connected", "start", "media", "dtmf", "mark", "stop", "clear", "", "MEDIA"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
# Objects shaped like Twilio messages, with every field possibly the wrong type or missing.
twilio_like = st.fixed_dictionaries(
    {"event": st.sampled_from(EVENTS) | json_values},
    optional={
        "streamSid": json_values,
        "sequenceNumber": json_values,
        "start": st.fixed_dictionaries(
            {},
            optional={
                "streamSid": json_values,
                "callSid": json_values,
                "customParameters": json_values,
                "mediaFormat": json_values,
                "tracks": json_values,
            },
        )
        | json_values,
        "media": st.fixed_dictionaries(
            {},
            optional={"payload": json_values, "chunk": json_values, "timestamp": json_values},
        )
        | json_values,
        "dtmf": st.fixed_dictionaries({}, optional={"digit": json_values}) | json_values,
        "mark": st.fixed_dictionaries({}, optional={"name": json_values}) | json_values,
        "stop": json_values,
    },
)


def _parses_safely(raw: Any) -> None:
    result = parse_inbound(raw)
    assert isinstance(result, ProtocolError) or result.event in (
        "connected",
        "start",
        "media",
        "dtmf",
        "mark",
        "stop",
    )
    if isinstance(result, ProtocolError):
        assert result.reason and repr(result)


@given(st.text(max_size=300))
def test_any_text_frame(raw: str) -> None:
    _parses_safely(raw)


@given(st.binary(max_size=300))
def test_any_binary_frame(raw: bytes) -> None:
    assert isinstance(parse_inbound(raw), ProtocolError)


@given(json_values)
def test_any_json_value(value: Any) -> None:
    _parses_safely(json.dumps(value))


@settings(max_examples=300)
@given(twilio_like)
def test_objects_shaped_like_twilio_messages(message: dict[str, Any]) -> None:
    _parses_safely(json.dumps(message))


@given(st.integers(min_value=MAX_FRAME_CHARS + 1, max_value=MAX_FRAME_CHARS * 4))
@settings(max_examples=10)
def test_huge_frames_are_refused_without_parsing(size: int) -> None:
    result = parse_inbound('{"event":"media","media":{"payload":"' + "A" * size + '"}}')
    assert isinstance(result, ProtocolError) and "larger than" in result.reason


@given(st.binary(min_size=1, max_size=400), st.integers(min_value=0, max_value=10**9))
def test_valid_media_keeps_its_payload_untouched(audio: bytes, chunk: int) -> None:
    payload = base64.b64encode(audio).decode()
    raw = json.dumps(
        {
            "event": "media",
            "sequenceNumber": str(chunk + 2),
            "streamSid": "MZ" + "a" * 32,
            "media": {
                "track": "inbound",
                "chunk": str(chunk),
                "timestamp": str(chunk * 20),
                "payload": payload,
            },
        }
    )
    message = parse_inbound(raw)
    assert isinstance(message, MediaMessage) and message.media.payload == payload


@given(st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=5))
def test_start_keeps_custom_parameters(params: dict[str, str]) -> None:
    raw = json.dumps(
        {
            "event": "start",
            "streamSid": "MZ1",
            "start": {"streamSid": "MZ1", "callSid": "CA1", "customParameters": params},
        }
    )
    message = parse_inbound(raw)
    assert isinstance(message, StartMessage) and message.start.custom_parameters == params
