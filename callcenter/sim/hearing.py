"""How a synthetic caller tells what the agent just asked: a small model of the agent's prompts."""

import functools
import re
import tempfile
import threading
from pathlib import Path

from pocketsphinx import Decoder
from pocketsphinx.lm import ArpaBoLM

from callcenter.voice.providers.local import c_logs
from callcenter.voice.providers.local.audio import ulaw_to_pcm, upsample_8k_to_16k
from callcenter.voice.providers.local.dialog import QUESTIONS

TAIL_SECONDS = 3.0

# Cue words in the end of an agent turn → what the caller should do.
_CUES: list[tuple[str, str]] = [
    ("goodbye", "goodbye"),
    ("letter", "spell"),
    ("back on", "phone"),
    ("call you back", "phone"),
    ("catch", "again"),
    ("still there", "again"),
    ("you run", "business"),
    ("kind of business", "business"),
    ("help you with", "need"),
    ("email address", "email"),
    ("right", "confirm"),
    ("your name", "name"),
]

_EXTRA = """
thanks for calling i'm the virtual assistant and i can get you set up with our team
nice to meet you a great got it we can help with that i have
thanks i see you're calling from sorry about that no problem let's try again
perfect someone will follow up within one business day thanks for calling
are you still there sorry i didn't catch that
"""


def _normalise(text: str) -> str:
    return re.sub(r"[^a-z' ]", " ", text.lower())


class AgentEar:
    """Recognises the last seconds of an agent turn and names the cue in it (or "")."""

    def __init__(self) -> None:
        self._decoder = Decoder(
            bestpath=False,
            samprate=16000,
            loglevel="ERROR",
            logfn=c_logs.log_file(),
            lm=_lm_path(),
        )
        self._lock = threading.Lock()

    def hear(self, ulaw: bytes) -> tuple[str, str]:
        """(cue, words) for an agent turn; blocking — run it in a thread."""
        pcm = upsample_8k_to_16k(ulaw_to_pcm(ulaw[-int(TAIL_SECONDS * 8000) :]))
        with self._lock:
            self._decoder.start_utt()
            self._decoder.process_raw(pcm.tobytes(), full_utt=False)
            self._decoder.end_utt()
            hyp = self._decoder.hyp()
        words = hyp.hypstr if hyp is not None else ""
        for cue, action in _CUES:
            if cue in words:
                return action, words
        return "", words


@functools.lru_cache(maxsize=1)
def _lm_path() -> str:
    corpus = "\n".join(_normalise(q) for q in QUESTIONS.values()) + _EXTRA
    lm = ArpaBoLM(text=corpus, add_start=True)
    lm.compute()
    path = Path(tempfile.mkdtemp(prefix="callcenter-ear-")) / "agent.arpa"
    lm.write_file(str(path))
    return str(path)


_ear: AgentEar | None = None
_ear_lock = threading.Lock()


def shared_ear() -> AgentEar:
    global _ear
    with _ear_lock:
        if _ear is None:
            _ear = AgentEar()
        return _ear
