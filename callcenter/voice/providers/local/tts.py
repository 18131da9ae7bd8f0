"""Speech synthesis with libespeak-ng (from the espeakng-loader wheel) → 8 kHz μ-law chunks."""

import ctypes
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator

import espeakng_loader
import numpy as np

from callcenter.voice.providers.local.audio import pcm_to_ulaw, resample

log = logging.getLogger(__name__)

_AUDIO_OUTPUT_SYNCHRONOUS = 0x02
_ESPEAK_CHARS_UTF8 = 1
_ESPEAK_RATE = 1
_ESPEAK_PITCH = 3
_PHONEMES_SPACED = ord(" ") << 8  # ASCII phoneme names, a space between phonemes
_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)

CHUNK_MS = 160
_CHUNK_BYTES = CHUNK_MS * 8


class Espeak:
    """The process-wide espeak-ng engine (the library keeps global state: one lock guards it)."""

    def __init__(self, voice: str = "en-us", rate_wpm: int = 165) -> None:
        self._lock = threading.Lock()
        self._lib = ctypes.CDLL(espeakng_loader.get_library_path())
        data = espeakng_loader.get_data_path().encode()
        self._lib.espeak_Initialize.restype = ctypes.c_int
        rate = self._lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data, 0)
        if rate <= 0:
            raise RuntimeError("espeak-ng failed to initialise")
        self.sample_rate = int(rate)
        self._pieces: list[bytes] = []
        self._callback = _CALLBACK(self._collect)  # keep a reference: C holds the pointer
        self._lib.espeak_SetSynthCallback(self._callback)
        self._voice, self._rate = voice, rate_wpm
        self._use(voice, rate_wpm)

    def _use(self, voice: str, rate_wpm: int) -> None:
        self._lib.espeak_SetVoiceByName(voice.encode())
        self._lib.espeak_SetParameter(_ESPEAK_RATE, rate_wpm, 0)
        self._lib.espeak_SetParameter(_ESPEAK_PITCH, 45, 0)

    def _collect(self, wav: "ctypes._Pointer[ctypes.c_short]", count: int, _events: int) -> int:
        if count > 0 and wav:
            self._pieces.append(ctypes.string_at(wav, count * 2))
        return 0

    def phonemes(self, text: str) -> str:
        """espeak-ng's phonemes for `text`, in its ASCII names, separated by spaces."""
        fn = self._lib.espeak_TextToPhonemes
        fn.restype = ctypes.c_char_p
        fn.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int]
        pointer = ctypes.c_char_p(text.encode("utf-8"))
        with self._lock:
            out = fn(ctypes.byref(pointer), _ESPEAK_CHARS_UTF8, _PHONEMES_SPACED)
        return (out or b"").decode("utf-8", "replace")

    def synthesize(self, text: str, voice: str | None = None, rate_wpm: int = 0) -> np.ndarray:
        """PCM16 at `sample_rate` for `text` (blocking; ~1 ms per second of speech); `voice`
        ("en-us+f3") speaks this text only, in another voice."""
        encoded = text.encode("utf-8") + b"\0"
        with self._lock:
            if voice:
                self._use(voice, rate_wpm or self._rate)
            self._pieces = []
            self._lib.espeak_Synth(encoded, len(encoded), 0, 0, 0, _ESPEAK_CHARS_UTF8, None, None)
            self._lib.espeak_Synchronize()
            raw = b"".join(self._pieces)
            if voice:
                self._use(self._voice, self._rate)
        return np.frombuffer(raw, dtype=np.int16)


_engine: Espeak | None = None
_engine_lock = threading.Lock()


def espeak() -> Espeak:
    """The shared engine, created on first use."""
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = Espeak()
        return _engine


class Synthesizer:
    """Text → μ-law 8 kHz, with an LRU cache for the prompts every call repeats."""

    def __init__(self, cache_size: int = 256) -> None:
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def ulaw(self, text: str) -> bytes:
        """The whole utterance as 8 kHz μ-law, with 60 ms of leading silence trimmed."""
        with self._lock:
            hit = self._cache.get(text)
            if hit is not None:
                self._cache.move_to_end(text)
                return hit
        engine = espeak()
        pcm = resample(engine.synthesize(text), engine.sample_rate, 8000)
        audio = pcm_to_ulaw(_trim_silence(pcm))
        with self._lock:
            self._cache[text] = audio
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return audio


def chunks(audio: bytes, size: int = _CHUNK_BYTES) -> Iterator[bytes]:
    """Split μ-law audio into ~160 ms pieces so a barge-in can stop it between pieces."""
    for start in range(0, len(audio), size):
        yield audio[start : start + size]


def _trim_silence(pcm: np.ndarray, threshold: int = 300) -> np.ndarray:
    loud = np.flatnonzero(np.abs(pcm.astype(np.int32)) > threshold)
    if loud.size == 0:
        return pcm
    start = max(0, int(loud[0]) - 80)
    end = min(pcm.size, int(loud[-1]) + 800)
    return pcm[start:end]
