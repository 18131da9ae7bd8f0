"""A voice engine that listens and never speaks: isolates the phone side in these tests."""

import asyncio
from collections.abc import AsyncIterator

from callcenter.voice.quiet import IgnoresControls
from callcenter.voice.session import SessionClosed, SessionConfig, SessionReady, VoiceEvent


class ListeningVoice(IgnoresControls):
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
