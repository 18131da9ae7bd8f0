"""Voice sessions opened when a call's webhook is answered, waiting for its media stream.

Twilio starts the media stream a moment after our TwiML answer; opening the AI connection
then, not when the stream starts, takes the connection time off the caller's wait for the
first words. A session whose stream never comes is closed after `timeout` seconds."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from callcenter.voice.session import SessionConfig, VoiceSession

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 15.0


@dataclass
class PreparedVoice:
    """An opened (or opening) session: `ready` gives its configuration once it is accepted."""

    voice: VoiceSession
    ready: "asyncio.Task[SessionConfig]"
    expiry: asyncio.TimerHandle


class PreparedVoices:
    """Sessions by call id, each handed over once (`take`) or closed when its time is up."""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self.timeout = timeout
        self._waiting: dict[int, PreparedVoice] = {}
        self._closing: set[asyncio.Task[None]] = set()

    def __contains__(self, call_id: object) -> bool:
        return call_id in self._waiting

    def open(
        self,
        call_id: int,
        voice: VoiceSession,
        start: Callable[[VoiceSession], Awaitable[SessionConfig]],
    ) -> None:
        """Start opening `voice` for the call (a retried webhook does not open a second)."""
        if call_id in self._waiting:
            asyncio.get_running_loop().create_task(voice.close(), name="voice-duplicate-close")
            return

        async def _start() -> SessionConfig:
            return await start(voice)

        loop = asyncio.get_running_loop()
        ready = loop.create_task(_start(), name=f"voice-preconnect-{call_id}")
        expiry = loop.call_later(self.timeout, self._expire, call_id)
        self._waiting[call_id] = PreparedVoice(voice=voice, ready=ready, expiry=expiry)

    def take(self, call_id: int) -> PreparedVoice | None:
        """The call's session, now that its stream has started (None if none was opened)."""
        prepared = self._waiting.pop(call_id, None)
        if prepared is not None:
            prepared.expiry.cancel()
        return prepared

    def _expire(self, call_id: int) -> None:
        prepared = self._waiting.pop(call_id, None)
        if prepared is None:
            return
        log.info(
            "no media stream for call %s within %.0f s: voice session closed",
            call_id,
            self.timeout,
            extra={"call_id": call_id},
        )
        task = asyncio.get_running_loop().create_task(
            _discard(prepared), name=f"voice-preconnect-close-{call_id}"
        )
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def aclose(self) -> None:
        """Close every session still waiting (shutdown)."""
        waiting, self._waiting = list(self._waiting.values()), {}
        for prepared in waiting:
            prepared.expiry.cancel()
        await asyncio.gather(*(_discard(p) for p in waiting), *self._closing)


async def _discard(prepared: PreparedVoice) -> None:
    prepared.ready.cancel()
    with contextlib.suppress(BaseException):
        await prepared.ready
    await prepared.voice.close()
