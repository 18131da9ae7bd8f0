"""The fake Realtime service's script (what the agent says, what the caller said) and records."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

API_KEY = "sk-test-fake-realtime"
# μ-law bytes the fake's VAD takes for silence: 0xFF, 0x7F and low noise (the 24 quietest steps
# of either sign, below about -40 dBFS), as the real VAD ignores a quiet line's hiss.
SILENCE = frozenset(b for b in range(256) if (~b) & 0x7F < 24)
BETA_SESSION_FIELDS = (
    "input_audio_format",
    "output_audio_format",
    "voice",
    "modalities",
    "temperature",
    "turn_detection",
    "input_audio_transcription",
)


@dataclass
class Reply:
    """One agent response: spoken text with `audio_ms` of audio, then optionally a tool call."""

    text: str
    audio_ms: int = 600
    tool: tuple[str, dict[str, Any]] | None = None


@dataclass
class Script:
    replies: list[Reply] = field(default_factory=list)  # consumed by every response, in order
    caller_says: list[str] = field(default_factory=list)  # transcript of each caller turn
    chunk_ms: int = 100  # audio per delta
    pace: float = 0.0  # 0: audio as fast as possible; 1.0: real time
    refuse_status: int | None = None  # HTTP status for every handshake
    connect_delay_ms: int = 0  # how long the service takes to accept a session
    drop_after_responses: int | None = None  # close the socket (1011) after N responses
    # After N responses the model stops answering: nothing but the input buffer's VAD events
    # (speech started/stopped, committed) is sent any more.
    stall_after_responses: int | None = None
    silence_ms_to_stop: int = 500
    idle_timeout_ms: int | None = None  # like server_vad's idle_timeout_ms
    default_reply: Reply = field(default_factory=lambda: Reply("Okay.", audio_ms=200))
    audio_byte: int = 0x55  # what the agent's audio is made of (never silence)
    audio_factory: Callable[[int, int, int], bytes] | None = None  # (response, chunk, size)
    # Like the service's session limit: this long after connecting, a connection is sent an
    # `error` with code `session_expired` and closed.
    session_limit_seconds: float | None = None


@dataclass
class Connection:
    """What one client did: its handshake headers and every event it sent."""

    headers: dict[str, str]
    path: str
    events: list[dict[str, Any]] = field(default_factory=list)
    closed: bool = False
    appended_bytes: int = 0
    errors: list[str] = field(default_factory=list)  # codes of the error events it was sent
    rejected_appends: int = 0  # appends whose audio was not base64 (answered with an error)
    expired: bool = False  # the session limit ended it (`session_expired`, then closed)

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in list(self.events) if e.get("type") == kind]

    def messages(self) -> list[tuple[str, str]]:
        """(role, text) of each message item the client added with `conversation.item.create`."""
        items = [e.get("item") or {} for e in self.of_type("conversation.item.create")]
        return [
            (item["role"], part.get("text", ""))
            for item in items
            if item.get("type") == "message"
            for part in item.get("content") or []
        ]


# GA content types of a message item, by role (others are refused with `invalid_value`).
MESSAGE_CONTENT = {
    "user": {"input_text", "input_audio", "input_image"},
    "assistant": {"output_text", "output_audio"},
    "system": {"input_text"},
}

# What the fake reports for each completed response: a fixed input (with a cached part) and
# output tokens from the reply itself (an audio token per 20 ms, a text token per word).
INPUT_TEXT_TOKENS, INPUT_AUDIO_TOKENS = 40, 100
CACHED_TEXT_TOKENS, CACHED_AUDIO_TOKENS = 30, 20


def response_usage(reply: Reply) -> dict[str, Any]:
    """The `usage` object of a completed `response.done`, in the GA shape."""
    audio_out, text_out = reply.audio_ms // 20, len(reply.text.split())
    input_tokens = INPUT_TEXT_TOKENS + INPUT_AUDIO_TOKENS
    return {
        "total_tokens": input_tokens + audio_out + text_out,
        "input_tokens": input_tokens,
        "output_tokens": audio_out + text_out,
        "input_token_details": {
            "text_tokens": INPUT_TEXT_TOKENS,
            "audio_tokens": INPUT_AUDIO_TOKENS,
            "image_tokens": 0,
            "cached_tokens": CACHED_TEXT_TOKENS + CACHED_AUDIO_TOKENS,
            "cached_tokens_details": {
                "text_tokens": CACHED_TEXT_TOKENS,
                "audio_tokens": CACHED_AUDIO_TOKENS,
                "image_tokens": 0,
            },
        },
        "output_token_details": {"text_tokens": text_out, "audio_tokens": audio_out},
    }


def transcription(item_id: str, transcript: str) -> dict[str, Any]:
    """The caller's words for one committed input item."""
    return {
        "type": "conversation.item.input_audio_transcription.completed",
        "item_id": item_id,
        "content_index": 0,
        "transcript": transcript,
        "usage": {"type": "duration", "seconds": 1},
    }


def session_expired_error() -> dict[str, Any]:
    """The GA `error` event the service sends when a session reaches its maximum duration."""
    return {
        "type": "error",
        "error": {
            "type": "invalid_request_error",
            "code": "session_expired",
            "message": "Your session hit the maximum duration of 60 minutes.",
            "param": None,
            "event_id": None,
        },
    }
