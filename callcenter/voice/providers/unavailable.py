"""A voice session that refuses to start: stands in when no engine can be loaded."""

from collections.abc import AsyncIterator

from callcenter.voice.session import SessionConfig, VoiceConnectError, VoiceEvent


class UnavailableVoiceSession:
    """Every call gets the apology path (`start` raises `VoiceConnectError`)."""

    def __init__(self, why: str) -> None:
        self.why = why

    async def start(self, config: SessionConfig) -> None:
        raise VoiceConnectError(self.why)

    async def events(self) -> AsyncIterator[VoiceEvent]:
        raise VoiceConnectError(self.why)
        yield  # pragma: no cover - makes this an async generator

    async def send_audio(self, payload: str) -> None:
        return None

    async def request_response(self, instructions: str | None = None) -> None:
        return None

    async def send_text(self, text: str) -> None:
        return None

    async def send_tool_result(self, call_id: str, output: str) -> None:
        return None

    async def truncate(self, item_id: str, content_index: int, audio_end_ms: int) -> None:
        return None

    async def cancel_response(self) -> None:
        return None

    async def close(self) -> None:
        return None
