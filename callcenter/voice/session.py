"""What the bridge needs from any voice engine: the `VoiceSession` Protocol and its events."""

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class SessionReady:
    """The engine accepted the session configuration; the agent may speak."""


@dataclass(frozen=True, slots=True)
class AgentAudio:
    """A chunk of agent speech, base64 μ-law 8 kHz, ready to forward to Twilio untouched."""

    item_id: str
    content_index: int
    payload: str  # base64
    response_id: str = ""


@dataclass(frozen=True, slots=True)
class AgentTranscript:
    """The agent's words for an item: `final=False` for a delta, True for the whole text."""

    item_id: str
    text: str
    final: bool
    response_id: str = ""


@dataclass(frozen=True, slots=True)
class CallerSpeechStarted:
    audio_start_ms: int = 0
    item_id: str = ""


@dataclass(frozen=True, slots=True)
class CallerSpeechStopped:
    audio_end_ms: int = 0
    item_id: str = ""


@dataclass(frozen=True, slots=True)
class CallerTranscript:
    """The caller's words for an input item: a delta, or the completed transcription."""

    item_id: str
    text: str
    final: bool


@dataclass(frozen=True, slots=True)
class ToolCall:
    call_id: str
    name: str
    arguments: dict[str, Any]
    raw_arguments: str = ""


@dataclass(frozen=True, slots=True)
class ResponseStarted:
    response_id: str


@dataclass(frozen=True, slots=True)
class ResponseDone:
    response_id: str
    status: str = "completed"
    usage: dict[str, Any] | None = None  # the response's token usage, as the engine reports it


@dataclass(frozen=True, slots=True)
class CallerIdle:
    """The caller has said nothing for the engine's idle timeout."""


@dataclass(frozen=True, slots=True)
class VoiceError:
    """An error the engine reported; `fatal` means the session cannot continue."""

    message: str
    code: str = ""
    fatal: bool = False


@dataclass(frozen=True, slots=True)
class SessionExpired:
    """The service ended the session for its duration limit (it closes next): not a failure,
    the bridge renews the session and the call goes on."""

    message: str = ""


@dataclass(frozen=True, slots=True)
class SessionClosed:
    """The engine's connection ended (by us or by the service)."""

    reason: str = ""


VoiceEvent = (
    SessionReady
    | AgentAudio
    | AgentTranscript
    | CallerSpeechStarted
    | CallerSpeechStopped
    | CallerTranscript
    | ToolCall
    | ResponseStarted
    | ResponseDone
    | CallerIdle
    | VoiceError
    | SessionExpired
    | SessionClosed
)


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A function tool the agent may call (same names for every engine)."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ReturningCaller:
    """What we already know about a caller whose number belongs to a lead."""

    lead_id: int
    name: str | None = None
    business_type: str | None = None
    need: str | None = None
    last_summary: str | None = None  # the last call's summary, when one was made


@dataclass(frozen=True, slots=True)
class SessionConfig:
    """Everything an engine needs to start one call's conversation."""

    instructions: str
    tools: list[ToolSpec] = field(default_factory=list)
    call_id: int = 0
    call_sid: str = ""
    direction: str = "inbound"
    lead_name: str | None = None
    caller_number: str | None = None
    # Said before anything else when the call is recorded (RECORDING_NOTICE).
    notice: str | None = None
    returning: ReturningCaller | None = None


class VoiceConnectError(Exception):
    """The voice engine could not be reached or refused the session."""


class VoiceSession(Protocol):
    """One call's conversation with a voice engine."""

    async def start(self, config: SessionConfig) -> None:
        """Connect and configure; raises `VoiceConnectError` when the engine is unavailable."""

    async def send_audio(self, payload: str) -> None:
        """Append one frame of caller audio (base64 μ-law 8 kHz, as Twilio sent it)."""

    def events(self) -> AsyncIterator[VoiceEvent]:
        """The engine's events, in order; ends after `SessionClosed`."""
        ...

    async def request_response(self, instructions: str | None = None) -> None:
        """Ask the agent to speak now (greeting, or after a tool result)."""

    async def send_text(self, text: str) -> None:
        """Add a caller-side text message to the conversation (e.g. DTMF digits)."""

    async def send_tool_result(self, call_id: str, output: str) -> None:
        """Answer a tool call; the caller follows with `request_response`."""

    async def truncate(self, item_id: str, content_index: int, audio_end_ms: int) -> None:
        """Tell the engine the caller heard only the first `audio_end_ms` of an item."""

    async def cancel_response(self) -> None:
        """Stop the response being generated (manual interruption only)."""

    async def close(self) -> None:
        """End the session at once; idempotent."""


@dataclass(frozen=True, slots=True)
class PastTurn:
    """One turn already spoken in the call, carried over to a renewed session."""

    role: str  # "caller" | "agent"
    text: str


@runtime_checkable
class RenewableSession(VoiceSession, Protocol):
    """A session the provider ends after a while: the bridge replaces it before then."""

    @property
    def max_session_seconds(self) -> float:
        """How long a session may be used before it is renewed."""
        ...

    async def add_history(self, turns: Sequence[PastTurn]) -> None:
        """Add turns spoken earlier in the call to the conversation (before any reply)."""


class VoiceSessionFactory(Protocol):
    """Makes one `VoiceSession` per call."""

    def __call__(self) -> VoiceSession: ...
