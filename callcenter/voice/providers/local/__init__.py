"""The offline voice engine: VAD, speech recognition, a scripted dialog and speech synthesis."""

from callcenter.voice.providers.local.recognizers import warm_up
from callcenter.voice.providers.local.session import LocalVoiceSession

__all__ = ["LocalVoiceSession", "warm_up"]
