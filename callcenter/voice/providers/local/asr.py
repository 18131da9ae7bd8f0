"""Offline speech recognition: pocketsphinx with one grammar (or small LM) per dialog state."""

import itertools
import logging
import queue
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import pocketsphinx
from pocketsphinx import Decoder
from pocketsphinx.lm import ArpaBoLM

from callcenter.voice.providers.local import c_logs, grammars, name_model
from callcenter.voice.providers.local.audio import Int16Array, resample, upsample_8k_to_16k
from callcenter.voice.providers.local.pronounce import cmu_phones
from callcenter.voice.providers.local.tts import espeak

log = logging.getLogger(__name__)


class Recognizer:
    """One pocketsphinx decoder with every dialog state's search loaded; one utterance at a time.

    Feed 8 kHz PCM16 with `feed` between `begin` and `finish`; `partial` reads the running guess.
    `bestpath=False` matters: with the default, finishing an utterance can take seconds.
    """

    def __init__(self) -> None:
        # A dictionary cut down to the words our grammars use, and no default language model:
        # a decoder then builds in ~0.5 s instead of ~6 s. Without the second (flat) pass and
        # with 2 Gaussians per frame, finishing an utterance takes ~10 ms instead of ~150 ms
        # and decoding ~0.1× real time, at the same accuracy on our grammars.
        self._decoder = Decoder(
            bestpath=False,
            fwdflat=False,
            topn=2,
            samprate=16000,
            loglevel="ERROR",
            logfn=c_logs.log_file(),
            lm=None,
            dict=str(_dict_path()),
        )
        known = self._known
        for search in grammars.SEARCHES:
            if search == grammars.NEED:
                self._decoder.add_lm_file(search, str(_need_lm_path()))
            elif search == grammars.NAME:
                self._decoder.add_lm_file(search, str(_name_lm_path(known)))
            else:
                self._decoder.add_jsgf_string(search, grammars.build_jsgf(search, known))
        self._in_utterance = False
        self._hints: list[str] = []
        self._email_search = grammars.EMAIL
        self._cmn = _primed_cmn(self._prime)
        # `reset` restores the normalisation from its text form (six digits), not exactly
        # the primed state, so a fresh recogniser starts from the restored one too; and the
        # priming is shared by the process (espeak-ng's audio differs slightly from one
        # synthesis to the next). Every call then starts the same, whatever ran before: with
        # a priming of its own per recogniser and per-decoder state, tests passed or failed
        # by the order they ran in.
        self._decoder.set_cmn(self._cmn)

    def _prime(self) -> str:
        """Adapt cepstral mean normalisation to phone-band audio (once per process).

        The model's initial means are for 16 kHz wideband speech; upsampled 8 kHz phone audio
        sits far from them, and the first utterances of a call were recognised worse.
        """
        engine = espeak()
        speech = engine.synthesize("Hello, thanks for calling. My name is Dana, how can I help?")
        pcm8k = resample(speech, engine.sample_rate, 8000)
        self._decoder.activate_search(grammars.NEED)
        self._decoder.start_utt()
        self._decoder.process_raw(upsample_8k_to_16k(pcm8k).tobytes(), full_utt=True)
        self._decoder.end_utt()
        return str(self._decoder.get_cmn())

    def reset(self) -> None:
        """Forget the last call: primed normalisation, no hints."""
        self.abandon()
        self._decoder.set_cmn(self._cmn)
        self.set_hints([])

    def _known(self, word: str) -> bool:
        try:
            return self._decoder.lookup_word(word) is not None
        except (KeyError, RuntimeError):
            return False

    def set_hints(self, hints: list[str]) -> None:
        """Rebuild the email grammar weighted towards `hints` (between utterances). Compiling
        it takes ~250 ms and holds the interpreter's lock (every call's audio waits); no hints
        is the grammar built at start, switched back to at once."""
        if self._in_utterance or hints == self._hints:
            return
        self._hints = hints
        # A fresh name each time: re-adding a search under its old name does not replace it.
        old = self._email_search
        if hints:
            self._email_search = f"{grammars.EMAIL}-{next(_versions)}"
            text = grammars.build_jsgf(grammars.EMAIL, self._known, hints)
            self._decoder.add_jsgf_string(self._email_search, text)
        else:
            self._email_search = grammars.EMAIL
        if old != grammars.EMAIL:
            self._decoder.activate_search(grammars.NAME)
            self._decoder.remove_search(old)

    def set_caller(self, name: str, business: str) -> None:
        """Who is calling (the neural recogniser's email search uses it; the grammars, hints)."""

    def begin(self, search: str) -> None:
        """Start an utterance recognised with the grammar of `search`."""
        if self._in_utterance:
            self._decoder.end_utt()
        self._decoder.activate_search(self._email_search if search == grammars.EMAIL else search)
        self._decoder.start_utt()
        self._in_utterance = True
        self._last_sample: int | None = None

    def feed(self, pcm8k: Int16Array) -> None:
        if self._in_utterance and pcm8k.size:
            pcm16k = upsample_8k_to_16k(pcm8k, self._last_sample)
            self._last_sample = int(pcm8k[-1])
            self._decoder.process_raw(pcm16k.tobytes())

    def partial(self) -> str:
        hyp = self._decoder.hyp()
        return hyp.hypstr if hyp is not None else ""

    def lead(self, pcm8k: Int16Array) -> None:
        """Audio from just before the turn's speech started: the grammars do without it."""

    def pause(self) -> None:
        """The caller paused (pocketsphinx decodes as the audio comes: nothing to start)."""

    def finish(self) -> str:
        """End the utterance and return the words recognised ("" when nothing matched)."""
        if not self._in_utterance:
            return ""
        self._decoder.end_utt()
        self._in_utterance = False
        hyp = self._decoder.hyp()
        return hyp.hypstr.strip() if hyp is not None else ""

    def abandon(self) -> None:
        if self._in_utterance:
            self._decoder.end_utt()
            self._in_utterance = False


_versions = itertools.count(1)
_lm_lock = threading.Lock()
_primed: str | None = None


def _primed_cmn(prime: Callable[[], str]) -> str:
    """The normalisation every recogniser of this process starts from (`prime` runs once)."""
    global _primed
    with _lm_lock:
        if _primed is None:
            _primed = prime()
        return _primed


_lm_path: Path | None = None
_dict: Path | None = None


def _dict_path() -> Path:
    """The pronunciations of every word a grammar or the need model uses (built once); words
    the dictionary lacks get espeak-ng's pronunciation in CMU phones."""
    global _dict
    with _lm_lock:
        if _dict is None:
            words = grammars.all_words()
            source = Path(pocketsphinx.get_model_path()) / "en-us" / "cmudict-en-us.dict"
            with source.open(encoding="utf-8") as full:
                lines = [line for line in full if line.split(" ", 1)[0].split("(")[0] in words]
            found = {line.split(" ", 1)[0].split("(")[0] for line in lines}
            for word in sorted(words - found):  # not in the dictionary: ask espeak-ng
                phones = cmu_phones(word)
                if phones:
                    lines.append(f"{word} {phones}\n")
            path = Path(tempfile.mkdtemp(prefix="callcenter-dict-")) / "words.dict"
            path.write_text("".join(lines), encoding="utf-8")
            _dict = path
        return _dict


def _need_lm_path() -> Path:
    """Build the need state's trigram model once per process (ARPA text in a temp file)."""
    global _lm_path
    with _lm_lock:
        if _lm_path is None:
            lm = ArpaBoLM(text=grammars.need_corpus(), add_start=True)
            lm.compute()
            path = Path(tempfile.mkdtemp(prefix="callcenter-lm-")) / "need.arpa"
            lm.write_file(str(path))
            _lm_path = path
        return _lm_path


def _name_lm_path(known: Callable[[str], bool]) -> Path:
    """Write the name state's model once per process (census-weighted names, ARPA text)."""
    global _name_lm
    with _lm_lock:
        if _name_lm is None:
            path = Path(tempfile.mkdtemp(prefix="callcenter-lm-")) / "name.arpa"
            path.write_text(name_model.arpa_text(known), encoding="utf-8")
            _name_lm = path
        return _name_lm


_name_lm: Path | None = None


class RecognizerPool:
    """Reuses decoders across calls (building one takes ~0.4 s of CPU)."""

    def __init__(self) -> None:
        self._idle: queue.SimpleQueue[Recognizer] = queue.SimpleQueue()

    def acquire(self) -> Recognizer:
        """A recogniser as at the start of a call. It is reset here as well as on release: a
        call's last hints can reach it after the release (set between utterances by a worker
        thread of the session that is closing)."""
        try:
            recognizer = self._idle.get_nowait()
        except queue.Empty:
            return Recognizer()
        recognizer.reset()
        return recognizer

    def release(self, recognizer: Recognizer) -> None:
        recognizer.reset()
        self._idle.put(recognizer)


POOL = RecognizerPool()
