"""`CallConnector`: gives each started phone line a voice session and a bridge, for its life."""

import asyncio
import logging
from collections.abc import Callable

from sqlmodel import Session

from callcenter.calls import records
from callcenter.calls.carrier import Carrier
from callcenter.calls.life import CallLife
from callcenter.calls.records import CallUpdate
from callcenter.config import Settings
from callcenter.db.models import Call
from callcenter.db.session import session_scope
from callcenter.live.hub import LiveHub
from callcenter.voice.bridge import CallBridge
from callcenter.voice.call_context import CallFacts, call_facts, load_session_config
from callcenter.voice.line import PhoneLine
from callcenter.voice.preconnect import PreparedVoices
from callcenter.voice.providers.unavailable import UnavailableVoiceSession
from callcenter.voice.session import (
    SessionConfig,
    VoiceConnectError,
    VoiceSession,
    VoiceSessionFactory,
)
from callcenter.voice.tools.base import ToolRegistry
from callcenter.voice.usage import Usage

log = logging.getLogger(__name__)


class CallConnector:
    """Bridges each line until the call ends; the bridge is a live call while it runs."""

    def __init__(
        self,
        *,
        settings: Settings,
        voice_factory: VoiceSessionFactory,
        carrier: Carrier,
        life: CallLife,
        hub: LiveHub,
        tools: ToolRegistry,
    ) -> None:
        self.settings = settings
        self.voice_factory = voice_factory
        self.carrier = carrier
        self.life = life
        self.hub = hub
        self.tools = tools
        self.prepared = PreparedVoices(timeout=settings.voice_preconnect_seconds)

    def _voice(self) -> VoiceSession:
        try:
            return self.voice_factory()
        except VoiceConnectError as exc:
            return UnavailableVoiceSession(str(exc))

    def answer(
        self, change: Callable[[Session], CallUpdate], *, connect: bool = True
    ) -> tuple[CallUpdate, CallFacts | None]:
        """A webhook's `change` to its call and, when the agent is to talk (`connect`), what the
        agent is told about the call: one transaction, from a worker thread."""
        with session_scope() as session:
            update = change(session)
            if not connect:
                return update, None
            try:
                facts = call_facts(session, update.call, self.settings.default_region)
            except Exception:
                log.warning("could not read the call's facts; the agent starts without them")
                facts = CallFacts()
            return update, facts

    def prepare(
        self, *, call: Call, call_sid: str, direction: str, facts: CallFacts | None = None
    ) -> None:
        """Open the call's voice session now, while Twilio sets up the media stream; the
        stream's bridge takes it over (`run`), or it is closed if the stream never comes.
        `call` is the row the webhook just wrote, `facts` what `answer` read with it."""
        call_id = call.id
        assert call_id is not None

        async def start(voice: VoiceSession) -> SessionConfig:
            config = await load_session_config(
                self.settings,
                self.tools,
                call_id=call_id,
                call_sid=call_sid,
                direction=direction,
                facts=facts,
            )
            await voice.start(config)
            return config

        self.prepared.open(call_id, self._voice(), start)

    async def run(self, line: PhoneLine) -> None:
        """Bridge `line` until the call ends (registered in the live calls meanwhile)."""
        prepared = self.prepared.take(line.call_id)
        bridge = CallBridge(
            line,
            prepared.voice if prepared else self._voice(),
            settings=self.settings,
            carrier=self.carrier,
            life=self.life,
            hub=self.hub,
            tools=self.tools,
            prepared=prepared.ready if prepared else None,
            voice_factory=self._voice,
        )
        self.life.live_calls.add(bridge)
        try:
            await bridge.run()
        finally:
            self.life.live_calls.remove(line.call_id)
            await self._store_usage(line.call_id, bridge.state.usage)

    async def _store_usage(self, call_id: int, usage: Usage) -> None:
        """The AI usage and its cost go on the call before the after-call work reads it."""
        if usage.is_empty():
            return
        cost = usage.cost_usd(self.settings.realtime_prices)
        try:
            await asyncio.to_thread(records.record_usage, call_id, usage.as_json(), cost)
        except Exception:
            log.exception("could not store the call's AI usage", extra={"call_id": call_id})
