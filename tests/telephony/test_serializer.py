"""Twilio frames as line messages: the media fast path reads what full validation reads."""

import json

import pytest

from callcenter.telephony.protocol import ProtocolError
from callcenter.telephony.serializer import decode
from callcenter.voice.line import CallerAudio, MarkPlayed

PAYLOAD = "f39/fw=="


def _media(**media: object) -> str:
    return json.dumps({"event": "media", "sequenceNumber": "4", "streamSid": "MZ1", "media": media})


def test_a_twilio_media_frame_is_the_callers_audio_at_its_position() -> None:
    raw = _media(track="inbound", chunk="3", timestamp="60", payload=PAYLOAD)
    assert decode(raw) == CallerAudio(PAYLOAD, 60)
    assert decode(_media(payload=PAYLOAD)) == CallerAudio(PAYLOAD, 0)  # no timestamp: 0
    assert decode(_media(payload=PAYLOAD, timestamp="soon")) == CallerAudio(PAYLOAD, 0)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (_media(timestamp="0"), "invalid media message: media.payload"),
        (_media(payload=42), "invalid media message: media.payload"),
        (json.dumps({"event": "media", "media": "AAAA"}), "invalid media message: media"),
        (json.dumps({"event": "media"}), "invalid media message: media"),
        ('{"event": "media", "media": {"payload": ', "not JSON"),
        (_media(payload="A" * 70_000), "frame larger than"),
        (b'{"event":"media"}', "binary frame"),
    ],
)
def test_a_broken_media_frame_is_an_error_that_says_what_is_wrong(
    raw: str | bytes, reason: str
) -> None:
    message = decode(raw)
    assert isinstance(message, ProtocolError)
    assert message.reason.startswith(reason)


def test_a_mark_echo_is_the_mark_played_and_a_broken_one_says_why() -> None:
    mark = json.dumps(
        {"event": "mark", "sequenceNumber": "9", "streamSid": "MZ1", "mark": {"name": "m7"}}
    )
    assert decode(mark) == MarkPlayed("m7")
    for broken in ({"name": 7}, {}, "m7"):
        message = decode(json.dumps({"event": "mark", "streamSid": "MZ1", "mark": broken}))
        assert isinstance(message, ProtocolError)
        assert message.reason.startswith("invalid mark message: mark")


def test_frames_that_are_not_media_or_marks_go_through_the_models() -> None:
    assert decode(json.dumps({"event": "connected", "protocol": "Call"})) is None
    unknown = decode(json.dumps({"event": "hello"}))
    assert isinstance(unknown, ProtocolError) and "unknown event" in unknown.reason
