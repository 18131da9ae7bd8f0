"""How a synthetic caller tells what the agent just asked: a small model of the agent's prompts."""

import atexit
import concurrent.futures
import functools
import multiprocessing
import os
import re
import tempfile
import threading
from pathlib import Path

from pocketsphinx import Decoder
from pocketsphinx.lm import ArpaBoLM

from callcenter.voice.providers.local import c_logs
from callcenter.voice.providers.local.audio import ulaw_to_pcm, upsample_8k_to_16k
from callcenter.voice.providers.local.dialog import QUESTIONS
from callcenter.voice.providers.local.parent_watch import exit_with_parent

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


class EarProcess:
    """The ear in a process of its own. A person's hearing takes nothing from the server, but
    pocketsphinx keeps the interpreter's lock while it decodes (~150 ms an agent turn), and the
    simulated callers run in the server's process in tests and benchmarks: in the same
    process their hearing stalled every call's audio and turns."""

    def __init__(self) -> None:
        self._executor = concurrent.futures.ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_ear,
            initargs=(os.getpid(),),
        )

    def hear(self, ulaw: bytes) -> tuple[str, str]:
        """`AgentEar.hear` in the ear's process; blocking — run it in a thread."""
        return self._executor.submit(_hear, ulaw).result()

    def close(self) -> None:
        self._executor.shutdown(cancel_futures=True)


_ear: AgentEar | None = None  # in the ear's process


def _start_ear(server: int) -> None:
    global _ear
    exit_with_parent(server)
    _ear = AgentEar()


def _hear(ulaw: bytes) -> tuple[str, str]:
    assert _ear is not None, "the ear's process was started without its decoder"
    return _ear.hear(ulaw)


_shared: EarProcess | None = None
_shared_lock = threading.Lock()


def shared_ear() -> EarProcess:
    """The ear every simulated caller of this process shares (started on first use)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = EarProcess()
            atexit.register(_close_shared)
        return _shared


def _close_shared() -> None:
    """Stop the ear's process while the interpreter can still collect its executor cleanly."""
    global _shared
    with _shared_lock:
        ear, _shared = _shared, None
    if ear is not None:
        ear.close()
