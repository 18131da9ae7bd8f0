"""Twilio Media Streams messages, both directions, as typed models; parsing and formatting only."""

from dataclasses import dataclass
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

MULAW_BYTES_PER_MS = 8
FRAME_BYTES = 160  # 20 ms of 8 kHz μ-law


class _Msg(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class MediaFormat(_Msg):
    encoding: str = "audio/x-mulaw"
    sample_rate: int = Field(8000, alias="sampleRate")
    channels: int = 1


class StartPayload(_Msg):
    stream_sid: str = Field(alias="streamSid")
    account_sid: str = Field("", alias="accountSid")
    call_sid: str = Field(alias="callSid")
    tracks: list[str] = Field(default_factory=lambda: ["inbound"])
    custom_parameters: dict[str, str] = Field(default_factory=dict, alias="customParameters")
    media_format: MediaFormat = Field(default_factory=MediaFormat, alias="mediaFormat")


class MediaPayload(_Msg):
    track: str = "inbound"
    chunk: str = "0"
    timestamp: str = "0"
    payload: str


class DtmfPayload(_Msg):
    track: str = "inbound_track"
    digit: str = Field(min_length=1, max_length=1)


class MarkPayload(_Msg):
    name: str


class StopPayload(_Msg):
    account_sid: str = Field("", alias="accountSid")
    call_sid: str = Field("", alias="callSid")


# --- Twilio → us ----------------------------------------------------------------------------


class ConnectedMessage(_Msg):
    event: Literal["connected"]
    protocol: str = "Call"
    version: str = "1.0.0"


class StartMessage(_Msg):
    event: Literal["start"]
    sequence_number: str = Field("1", alias="sequenceNumber")
    stream_sid: str = Field(alias="streamSid")
    start: StartPayload


class MediaMessage(_Msg):
    event: Literal["media"]
    sequence_number: str = Field("0", alias="sequenceNumber")
    stream_sid: str = Field("", alias="streamSid")
    media: MediaPayload


class DtmfMessage(_Msg):
    event: Literal["dtmf"]
    sequence_number: str = Field("0", alias="sequenceNumber")
    stream_sid: str = Field("", alias="streamSid")
    dtmf: DtmfPayload


class MarkMessage(_Msg):
    event: Literal["mark"]
    sequence_number: str = Field("0", alias="sequenceNumber")
    stream_sid: str = Field("", alias="streamSid")
    mark: MarkPayload


class StopMessage(_Msg):
    event: Literal["stop"]
    sequence_number: str = Field("0", alias="sequenceNumber")
    stream_sid: str = Field("", alias="streamSid")
    stop: StopPayload = Field(default_factory=lambda: StopPayload())


InboundMessage = Annotated[
    ConnectedMessage | StartMessage | MediaMessage | DtmfMessage | MarkMessage | StopMessage,
    Field(discriminator="event"),
]
_inbound: TypeAdapter[InboundMessage] = TypeAdapter(InboundMessage)


@dataclass(frozen=True, slots=True)
class ProtocolError:
    """A frame that is not a valid Twilio message; kept as a value so the socket stays up."""

    reason: str
    raw: str

    def __repr__(self) -> str:
        return f"ProtocolError({self.reason!r}, raw={self.raw[:80]!r})"


MAX_FRAME_CHARS = 64 * 1024


def parse_inbound(raw: str | bytes) -> InboundMessage | ProtocolError:
    """Parse one text frame from Twilio; anything invalid becomes a `ProtocolError`."""
    if isinstance(raw, bytes):
        return ProtocolError("binary frame", raw[:200].decode("latin-1"))
    if len(raw) > MAX_FRAME_CHARS:
        return ProtocolError(f"frame larger than {MAX_FRAME_CHARS} characters", raw[:200])
    try:
        data: Any = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return ProtocolError(f"not JSON: {exc}", raw)
    if not isinstance(data, dict):
        return ProtocolError("not a JSON object", raw)
    event = data.get("event")
    if event not in ("connected", "start", "media", "dtmf", "mark", "stop"):
        return ProtocolError(f"unknown event {event!r}", raw)
    try:
        return _inbound.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"][1:]) or str(event)
        return ProtocolError(f"invalid {event} message: {where}: {first['msg']}", raw)


# --- us → Twilio ----------------------------------------------------------------------------


def json_string(value: str) -> str:
    """`value` as a JSON string literal."""
    return orjson.dumps(value).decode()


def media_frame(stream_sid: str, payload_b64: str) -> str:
    """`media` carrying base64 μ-law 8 kHz audio for the caller to hear."""
    return media_prefix(stream_sid) + json_string(payload_b64) + "}}"


def media_prefix(stream_sid: str) -> str:
    """Everything of a `media` frame before its payload (a stream builds it once)."""
    return '{"event":"media","streamSid":' + json_string(stream_sid) + ',"media":{"payload":'


def mark_frame(stream_sid: str, name: str) -> str:
    """`mark`: Twilio echoes it once the audio queued before it has played."""
    return mark_prefix(stream_sid) + json_string(name) + "}}"


def mark_prefix(stream_sid: str) -> str:
    """Everything of a `mark` frame before its name."""
    return '{"event":"mark","streamSid":' + json_string(stream_sid) + ',"mark":{"name":'


def clear_frame(stream_sid: str) -> str:
    """`clear`: drop the audio queued at Twilio (barge-in)."""
    return '{"event":"clear","streamSid":' + json_string(stream_sid) + "}"


# Outbound messages as models, for the simulator and tests that read what we sent.


class OutboundMedia(_Msg):
    event: Literal["media"]
    stream_sid: str = Field(alias="streamSid")
    media: MediaPayload


class OutboundMark(_Msg):
    event: Literal["mark"]
    stream_sid: str = Field(alias="streamSid")
    mark: MarkPayload


class OutboundClear(_Msg):
    event: Literal["clear"]
    stream_sid: str = Field(alias="streamSid")


OutboundMessage = Annotated[
    OutboundMedia | OutboundMark | OutboundClear, Field(discriminator="event")
]
_outbound: TypeAdapter[OutboundMessage] = TypeAdapter(OutboundMessage)


def parse_outbound(raw: str) -> OutboundMessage | ProtocolError:
    """Parse a frame we (or any app) sent to Twilio, as Twilio would."""
    try:
        return _outbound.validate_json(raw)
    except ValidationError as exc:
        return ProtocolError(f"invalid outbound message: {exc.errors()[0]['msg']}", raw)
