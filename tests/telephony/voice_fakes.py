"""A voice engine that listens and never speaks: isolates the phone side in these tests."""

import asyncio
from collections.abc import AsyncIterator

from callcenter.voice.session import SessionClosed, SessionConfig, SessionReady, VoiceEvent


class ListeningVoice:
    """Accepts the session, counts caller frames, stays silent until closed."""

    def __init__(self) -> None:
        self.config: SessionConfig | None = None
        self.frames: list[str] = []
        self.got_frames = asyncio.Event()
        self._closed = asyncio.Event()

    async def start(self, config: SessionConfig) -> None:
        self.config = config

    async def send_audio(self, payload: str) -> None:
        self.frames.append(payload)
        self.got_frames.set()

    async def events(self) -> AsyncIterator[VoiceEvent]:
        yield SessionReady()
        await self._closed.wait()
        yield SessionClosed("closed")

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
        self._closed.set()


class VoiceRecorder:
    """A voice factory that hands out `ListeningVoice`s and keeps them for assertions."""

    def __init__(self) -> None:
        self.sessions: list[ListeningVoice] = []
        self.opened = asyncio.Event()

    def __call__(self) -> ListeningVoice:
        session = ListeningVoice()
        self.sessions.append(session)
        self.opened.set()
        return session
