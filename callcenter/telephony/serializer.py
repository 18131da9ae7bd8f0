"""Twilio Media Streams frames <-> the bridge's neutral line messages; no I/O."""

from callcenter.telephony.protocol import (
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


def decode(raw: str | bytes) -> LineMessage | ProtocolError | None:
    """One frame from Twilio as a line message; None for frames that carry nothing new
    after the stream started (a repeated `connected` or `start`)."""
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
