"""Twilio Media Streams frames <-> the bridge's neutral line messages; no I/O."""

import orjson

from callcenter.telephony.protocol import (
    MAX_FRAME_CHARS,
    ConnectedMessage,
    DtmfMessage,
    MarkMessage,
    MediaMessage,
    ProtocolError,
    StartMessage,
    StopMessage,
    clear_frame,
    mark_frame,
    media_frame,
    parse_inbound,
)
from callcenter.voice.line import CallerAudio, Digit, HangUp, LineMessage, MarkPlayed


def _position_ms(timestamp: str) -> int:
    try:
        return max(0, int(timestamp))
    except ValueError:
        return 0


def _plain(raw: str) -> CallerAudio | MarkPlayed | None:
    """The frames of every 20 ms, a well-formed `media` message or `mark` echo, read without
    the models (they cost a few µs a frame, fifty frames a second a call); anything else is
    None and goes through `parse_inbound`, which explains what is wrong with it."""
    if len(raw) > MAX_FRAME_CHARS:
        return None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if type(data) is not dict:
        return None
    event = data.get("event")
    if event == "media":
        media = data.get("media")
        if type(media) is not dict:
            return None
        payload, timestamp = media.get("payload"), media.get("timestamp", "0")
        if type(payload) is not str or type(timestamp) is not str:
            return None
        return CallerAudio(payload, _position_ms(timestamp))
    if event == "mark":
        mark = data.get("mark")
        name = mark.get("name") if type(mark) is dict else None
        return MarkPlayed(name) if type(name) is str else None
    return None


def decode(raw: str | bytes) -> LineMessage | ProtocolError | None:
    """One frame from Twilio as a line message; None for frames that carry nothing new
    after the stream started (a repeated `connected` or `start`)."""
    if type(raw) is str and (plain := _plain(raw)) is not None:
        return plain
    message = parse_inbound(raw)
    if isinstance(message, MediaMessage):
        return CallerAudio(message.media.payload, _position_ms(message.media.timestamp))
    if isinstance(message, MarkMessage):
        return MarkPlayed(message.mark.name)
    if isinstance(message, DtmfMessage):
        return Digit(message.dtmf.digit)
    if isinstance(message, StopMessage):
        return HangUp()
    if isinstance(message, ConnectedMessage | StartMessage):
        return None
    return message


def encode_media(stream_sid: str, payload: str) -> str:
    return media_frame(stream_sid, payload)


def encode_mark(stream_sid: str, name: str) -> str:
    return mark_frame(stream_sid, name)


def encode_clear(stream_sid: str) -> str:
    return clear_frame(stream_sid)
