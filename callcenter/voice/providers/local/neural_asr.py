"""Neural recognition for the dialog: Moonshine for open answers, pocketsphinx for the rest.

The name, business, need and email states decode the whole utterance with Moonshine once the
caller stops: the need as a greedy transcript; the name by a search over census names, the
business by a search over business types, the email by a search over the addresses this caller
is likely to have (from the name and business heard before), unless the greedy transcript is
no answer at all (a backchannel, a yes or no, "could you repeat that"). Yes/no, digits and spelled
letters stay with pocketsphinx's grammars. The model and its tries are built once per process
and shared by every call (onnxruntime runs concurrent sessions' decodes safely; each decode
uses one thread).
"""

import re
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from callcenter.voice.providers.local import grammars
from callcenter.voice.providers.local import understanding as nlu
from callcenter.voice.providers.local import vocabulary as v
from callcenter.voice.providers.local.asr import POOL, Recognizer
from callcenter.voice.providers.local.audio import Int16Array, resample
from callcenter.voice.providers.local.neural_email import PROVIDERS, EmailSearch, words_of
from callcenter.voice.providers.local.neural_model import Moonshine
from callcenter.voice.providers.local.neural_search import (
    NameSearch,
    PairSearch,
    PhraseSearch,
    business_sentences,
)

SIZE = "tiny"  # as accurate as base on the phone line (docs/moonshine-probe.md), twice as fast
NEURAL_SEARCHES = frozenset({grammars.NAME, grammars.BUSINESS, grammars.NEED, grammars.EMAIL})
MIN_SAMPLES = 1600  # 0.1 s at 16 kHz: shorter is no answer


@dataclass(frozen=True)
class Engine:
    """The model and the searches every call shares."""

    model: Moonshine
    names: NameSearch
    businesses: PhraseSearch
    emails: EmailSearch


_engine: Engine | None = None
_engine_lock = threading.Lock()
# A caller's email search takes about a second of Python to build: built here, beside the call,
# so the call's listener (turn detection) never waits for it. The email turn waits if it must.
_email_builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="email-search")


def engine() -> Engine:
    """The process's model and searches (built on first use: a few seconds)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            model = Moonshine(SIZE)
            _engine = Engine(
                model,
                NameSearch(model),
                PhraseSearch(model, business_sentences()),
                EmailSearch(model),
            )
        return _engine


def plain(text: str) -> str:
    """A transcript as the dialog's parsers read words: lower case, '@' as "at", '.' inside a
    word as "dot", letters spelled with hyphens apart, other punctuation gone."""
    text = text.lower().replace("@", " at ")
    text = re.sub(r"(?<=[a-z0-9])\.(?=[a-z0-9])", " dot ", text)
    text = re.sub(r"(?<=\b[a-z])-(?=[a-z]\b)", " ", text)  # "b-r-e-n-d-a"
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", text).split())


def spoken(address: str, known: set[str]) -> str:
    """'brenda@hayesbikes.com' → 'brenda at hayes bikes dot com': each part split into the
    fewest `known` words (as the caller would say it), left whole where no split fits."""
    local, _, domain = address.partition("@")
    parts = [" dot ".join(_split(p, known) for p in local.split("."))]
    parts.append(" dot ".join(_split(p, known) for p in domain.split(".")))
    return " at ".join(parts)


def _split(word: str, known: set[str]) -> str:
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(end):
            head = best[start]
            if head is not None and word[start:end] in known:
                if best[end] is None or len(head) + 1 < len(best[end] or []):
                    best[end] = [*head, word[start:end]]
    return " ".join(best[-1] or [word])


_KNOWN_WORDS = words_of(v.BUSINESS_TYPES) | set(PROVIDERS) | set(v.EMAIL_WORDS)


class NeuralRecognizer:
    """The `asr.Recognizer` interface: Moonshine for open answers, `fallback` for the rest."""

    def __init__(self, fallback: Recognizer, shared: Engine) -> None:
        self.fallback = fallback
        self._engine = shared
        self._search = ""
        self._audio: list[Int16Array] = []
        self._caller = ("", "")
        self._emails: Future[PairSearch] | None = None
        self._known: set[str] = set()

    def reset(self) -> None:
        """Forget the last call."""
        self.abandon()
        self.fallback.reset()
        self._caller, self._emails, self._known = ("", ""), None, set()

    def set_hints(self, hints: list[str]) -> None:
        self.fallback.set_hints(hints)

    def set_caller(self, name: str, business: str) -> None:
        """Start building the email search for this caller (in the background)."""
        if (name, business) == self._caller or self._search:
            return
        self._caller = (name, business)
        name = " ".join(w for w in name.lower().split() if w.isalpha())
        if not name:
            self._emails = None
            return
        self._emails = _email_builder.submit(self._engine.emails.prepare, name, business.lower())
        self._known = _KNOWN_WORDS | set(name.split()) | words_of([business.lower()])

    def begin(self, search: str) -> None:
        """Start an utterance. Pocketsphinx listens to every one: its running guess is what
        `partial` reads, so a turn whose words already answer the question ends early."""
        self.abandon()
        if search in NEURAL_SEARCHES:
            self._search = search
        self.fallback.begin(search)

    def feed(self, pcm8k: Int16Array) -> None:
        if self._search:
            self._audio.append(pcm8k.copy())
        self.fallback.feed(pcm8k)

    def partial(self) -> str:
        return self.fallback.partial()

    def finish(self) -> str:
        """End the utterance and return the words recognised ("" when nothing matched)."""
        grammar = self.fallback.finish()
        if not self._search:
            return grammar
        search, audio = self._search, self._audio
        self._search, self._audio = "", []
        pcm = np.concatenate(audio) if audio else np.zeros(0, np.int16)
        pcm16k = resample(pcm, 8000, 16000).astype(np.float32) / 32768
        if len(pcm16k) < MIN_SAMPLES:
            return ""
        return self._decode(search, pcm16k)

    def _decode(self, search: str, pcm16k: np.ndarray) -> str:
        shared = self._engine
        hidden = shared.model.encode(pcm16k)
        greedy = plain(shared.model.transcribe(pcm16k, hidden))
        if search == grammars.NEED or _not_an_answer(greedy):
            return greedy  # "yeah", "sorry, what?": the searches would force an answer on it
        if search == grammars.NAME:
            name = shared.names.best(hidden)[0].lower()
            said = [p for p in v.NAME_PREFIXES if greedy.startswith(p + " ")]
            return " ".join([max(said, key=len), name] if said else [name])
        if search == grammars.BUSINESS:
            return shared.businesses.best(hidden)[0]
        if self._emails is not None:
            address = shared.emails.best(self._emails.result(), hidden)[0]
            if address:
                return spoken(address, self._known)
        return greedy

    def abandon(self) -> None:
        self._search, self._audio = "", []
        self.fallback.abandon()


def _not_an_answer(words: str) -> bool:
    """A backchannel, a yes or no, or a request to repeat: nothing to search for."""
    return len(words.split()) < 2 or nlu.is_repeat(words) or nlu.yes_or_no(words) is not None


class NeuralPool:
    """Neural recognisers around pocketsphinx ones from `asr.POOL` (the model is shared)."""

    def acquire(self) -> NeuralRecognizer:
        return NeuralRecognizer(POOL.acquire(), engine())

    def release(self, recognizer: NeuralRecognizer) -> None:
        recognizer.abandon()
        POOL.release(recognizer.fallback)


NEURAL_POOL = NeuralPool()
