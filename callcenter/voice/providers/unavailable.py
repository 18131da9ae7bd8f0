"""A voice session that refuses to start: stands in when no engine can be loaded."""

from collections.abc import AsyncIterator

from callcenter.voice.quiet import IgnoresControls
from callcenter.voice.session import SessionConfig, VoiceConnectError, VoiceEvent


class UnavailableVoiceSession(IgnoresControls):
    """Every call gets the apology path (`start` raises `VoiceConnectError`)."""

    def __init__(self, why: str) -> None:
        self.why = why

    async def start(self, config: SessionConfig) -> None:
        raise VoiceConnectError(self.why)

    async def events(self) -> AsyncIterator[VoiceEvent]:
        raise VoiceConnectError(self.why)
        yield  # pragma: no cover - makes this an async generator
