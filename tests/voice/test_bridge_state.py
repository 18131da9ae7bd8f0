"""Caller turns are stamped when the speech started in the stream, not when the event arrived."""

import json
from datetime import timedelta

from callcenter.db.types import utcnow
from callcenter.telephony.serializer import decode
from callcenter.voice.bridge_state import audio_origin, spoken_at
from callcenter.voice.line import CallerAudio


def _position_of(timestamp: str) -> int:
    """The stream position the bridge sees for a Twilio media frame with this `timestamp`."""
    frame = {"event": "media", "media": {"timestamp": timestamp, "payload": "/w=="}}
    message = decode(json.dumps(frame))
    assert isinstance(message, CallerAudio)
    return message.position_ms


def test_stream_position_zero_is_derived_from_twilio_media_timestamps() -> None:
    before = utcnow()
    origin = audio_origin(_position_of("4000"))  # this frame is 4 s into the stream
    assert (
        before - timedelta(seconds=4, milliseconds=50) <= origin <= utcnow() - timedelta(seconds=4)
    )
    assert audio_origin(_position_of("not-a-number")) <= utcnow()


def test_speech_offsets_map_onto_the_stream_clock_and_never_into_the_future() -> None:
    origin = utcnow() - timedelta(seconds=10)
    assert spoken_at(origin, 2500) == origin + timedelta(milliseconds=2500)
    late = spoken_at(origin, 60_000)  # an offset past "now" is clamped
    assert late is not None and late <= utcnow()
    assert spoken_at(None, 2500) is None
    assert spoken_at(origin, 0) is None


def test_two_answers_seconds_apart_in_the_audio_keep_their_distance_when_events_bunch_up() -> None:
    origin = utcnow() - timedelta(seconds=30)
    first, second = spoken_at(origin, 5_000), spoken_at(origin, 9_000)
    assert first is not None and second is not None
    assert second - first == timedelta(seconds=4)
