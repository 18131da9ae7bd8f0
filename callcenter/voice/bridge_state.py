"""The bridge's explicit per-call state: ids, playback ledger, response and wind-up status."""

import time
from dataclasses import dataclass, field

from callcenter.db.models import EndReason
from callcenter.voice.playback import Playback


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
    idle_count: int = 0
    goodbye: EndReason | None = None
    goodbye_response: str | None = None  # None: waiting for the current response to end
    goodbye_since: float = 0.0
    end_reason: EndReason | None = None
    last_event_at: float = field(default_factory=time.monotonic)
    frames_in: int = 0
    frames_out: int = 0
