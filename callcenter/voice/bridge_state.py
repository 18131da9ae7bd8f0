"""The bridge's explicit per-call state: ids, playback ledger, response and wind-up status."""

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from callcenter.db.models import EndReason
from callcenter.db.types import utcnow
from callcenter.voice.playback import Playback
from callcenter.voice.usage import Usage


@dataclass(slots=True)
class BridgeState:
    """Everything the bridge knows about its call, in one place."""

    call_id: int
    call_sid: str
    stream_sid: str
    playback: Playback = field(default_factory=Playback)
    active_response: str | None = None
    awaiting_response_since: float | None = None  # a reply is due (stall watch armed)
    deferred_request: tuple[str | None] | None = None  # asked while a response was active
    last_request: tuple[str | None] | None = None  # the latest response.create sent
    first_audio_from: float | None = None  # when the agent's next first audio is measured from
    truncated_items: set[str] = field(default_factory=set)
    cancelled_responses: set[str] = field(default_factory=set)  # cancelled at a barge-in
    idle_count: int = 0
    goodbye: EndReason | None = None
    goodbye_response: str | None = None  # None: waiting for the current response to end
    goodbye_since: float = 0.0
    end_reason: EndReason | None = None
    last_event_at: float = field(default_factory=time.monotonic)
    # Wall-clock time of the stream's audio position 0 (Twilio's media timestamps count from it):
    # the engine's audio offsets map onto it, so turns are stamped when the speech started, not
    # when the event about it arrived.
    audio_origin: datetime | None = None
    frames_in: int = 0
    frames_out: int = 0
    usage: Usage = field(default_factory=Usage)  # summed from every response.done


def audio_origin(position_ms: int) -> datetime:
    """The wall-clock time of stream position 0, from a frame's position (ms) arriving now."""
    return utcnow() - timedelta(milliseconds=max(0, position_ms))


def spoken_at(origin: datetime | None, audio_ms: int) -> datetime | None:
    """When the caller's audio `audio_ms` into the stream was spoken (never later than now)."""
    if origin is None or audio_ms <= 0:
        return None
    return min(origin + timedelta(milliseconds=audio_ms), utcnow())
