"""Chooses the voice engine for the settings: OpenAI Realtime with a key, else local."""

import importlib
import logging

from callcenter.config import Settings
from callcenter.voice.providers.openai_realtime import OpenAIRealtimeSession, warm_up
from callcenter.voice.providers.unavailable import UnavailableVoiceSession
from callcenter.voice.session import VoiceSession, VoiceSessionFactory

log = logging.getLogger(__name__)

LOCAL_ENGINE = "callcenter.voice.providers.local"


def build_voice_factory(settings: Settings) -> VoiceSessionFactory:
    """One `VoiceSession` per call from the engine the settings select."""
    if settings.openai_enabled:
        warm_up(settings)
        return lambda: OpenAIRealtimeSession(settings)
    try:
        # Imported lazily: the offline engine loads speech models that OpenAI users never need.
        local_engine = importlib.import_module(LOCAL_ENGINE)
        local_session = local_engine.LocalVoiceSession
        local_engine.warm_up(settings.local_asr)
    except (ImportError, AttributeError) as exc:
        why = f"the local voice engine is not available ({exc})"
        log.error("%s", why)

        def unavailable() -> VoiceSession:
            return UnavailableVoiceSession(why)

        return unavailable

    def local() -> VoiceSession:
        session: VoiceSession = local_session(settings)
        return session

    return local
