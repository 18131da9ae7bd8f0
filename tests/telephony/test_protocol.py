"""Twilio frames: what we parse is what validation accepts; what we build parses as Twilio's."""

import json

from callcenter.telephony.protocol import (
    MarkMessage,
    MediaMessage,
    ProtocolError,
    _inbound,
    clear_frame,
    mark_frame,
    media_frame,
    parse_inbound,
    parse_outbound,
)

STREAM = "MZ" + "1" * 32
MEDIA = {
    "event": "media",
    "sequenceNumber": "4",
    "streamSid": STREAM,
    "media": {"track": "inbound", "chunk": "3", "timestamp": "40", "payload": "//8="},
}


def test_a_media_frame_reads_as_full_validation_reads_it() -> None:
    fast = parse_inbound(json.dumps(MEDIA))
    assert isinstance(fast, MediaMessage)
    assert fast == _inbound.validate_python(MEDIA)
    assert (fast.media.payload, fast.media.timestamp) == ("//8=", "40")


def test_a_mark_echo_reads_as_full_validation_reads_it() -> None:
    mark = {"event": "mark", "sequenceNumber": "9", "streamSid": STREAM, "mark": {"name": "a7"}}
    fast = parse_inbound(json.dumps(mark))
    assert isinstance(fast, MarkMessage) and fast == _inbound.validate_python(mark)


def test_media_without_a_string_payload_is_still_an_error() -> None:
    for media in ({"track": "inbound"}, {"payload": 5}, "not an object"):
        result = parse_inbound(json.dumps({**MEDIA, "media": media}))
        assert isinstance(result, ProtocolError) and "media" in result.reason


def test_frames_we_send_are_what_twilio_parses() -> None:
    for name in ("a1", 'odd "name" \\ é'):
        mark = parse_outbound(mark_frame(STREAM, name))
        assert not isinstance(mark, ProtocolError) and mark.mark.name == name
    media = parse_outbound(media_frame(STREAM, "//8="))
    assert not isinstance(media, ProtocolError) and media.media.payload == "//8="
    assert json.loads(clear_frame(STREAM)) == {"event": "clear", "streamSid": STREAM}
