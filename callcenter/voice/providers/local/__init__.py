"""The offline voice engine: VAD, speech recognition, a scripted dialog and speech synthesis."""

from callcenter.voice.providers.local.session import LocalVoiceSession

__all__ = ["LocalVoiceSession"]
