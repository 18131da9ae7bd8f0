"""What Moonshine hears in one utterance of a dialog state: the model, its searches, the words.

The name and business are found by searches over census names and business types, the email
by a search over the addresses this caller is likely to have (built from the name and business
heard before, once per caller), the need as the greedy transcript. A greedy transcript that is
no answer at all (a backchannel, a yes or no, "could you repeat that") is passed on as is.
`Decoder` runs in whichever process holds the model (`neural_worker` keeps them apart from the
calls' event loop).
"""

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from callcenter.voice.providers.local import grammars
from callcenter.voice.providers.local import understanding as nlu
from callcenter.voice.providers.local import vocabulary as v
from callcenter.voice.providers.local.neural_email import PROVIDERS, EmailSearch, words_of
from callcenter.voice.providers.local.neural_model import Moonshine
from callcenter.voice.providers.local.neural_search import (
    NameSearch,
    PairSearch,
    PhraseSearch,
    business_sentences,
)

SIZE = "tiny"  # as accurate as base on the phone line (docs/moonshine-probe.md), twice as fast
CALLERS_KEPT = 8  # email searches kept per process (one per recent caller, ~30 MB each)


@dataclass(frozen=True)
class Engine:
    """The model and the searches every call shares."""

    model: Moonshine
    names: NameSearch
    businesses: PhraseSearch
    emails: EmailSearch


_engine: Engine | None = None
_engine_lock = threading.Lock()


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


class Decoder:
    """Decodes utterances with one `Engine`, keeping each recent caller's email search."""

    def __init__(self, shared: Engine) -> None:
        self.engine = shared
        self._emails: OrderedDict[tuple[str, str], PairSearch] = OrderedDict()
        self._lock = threading.Lock()

    def prepare(self, name: str, business: str) -> None:
        """Build the email search for a caller called `name` who runs a `business` (about a
        second of Python), unless it was built already."""
        self._email_search(name, business)

    def decode(self, search: str, pcm16k: np.ndarray, name: str = "", business: str = "") -> str:
        """The words the dialog reads for an utterance (16 kHz float samples) in `search`."""
        shared = self.engine
        hidden = shared.model.encode(pcm16k)
        greedy = plain(shared.model.transcribe(pcm16k, hidden))
        if search == grammars.NEED or _not_an_answer(greedy):
            return greedy  # "yeah", "sorry, what?": the searches would force an answer on it
        if search == grammars.NAME:
            found = shared.names.best(hidden)[0].lower()
            said = [p for p in v.NAME_PREFIXES if greedy.startswith(p + " ")]
            return " ".join([max(said, key=len), found] if said else [found])
        if search == grammars.BUSINESS:
            return shared.businesses.best(hidden)[0]
        emails = self._email_search(name, business)
        if emails is not None:
            address = shared.emails.best(emails, hidden)[0]
            if address:
                return spoken(address, known_words(name, business))
        return greedy

    def _email_search(self, name: str, business: str) -> PairSearch | None:
        name, business = caller_key(name, business)
        if not name:
            return None
        with self._lock:
            found = self._emails.get((name, business))
            if found is not None:
                self._emails.move_to_end((name, business))
                return found
        built = self.engine.emails.prepare(name, business)
        with self._lock:
            self._emails[(name, business)] = built
            while len(self._emails) > CALLERS_KEPT:
                self._emails.popitem(last=False)
        return built


def caller_key(name: str, business: str) -> tuple[str, str]:
    """The caller's name (letters only, lower case) and business, as the email search keys them."""
    return " ".join(w for w in name.lower().split() if w.isalpha()), business.lower()


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


def known_words(name: str, business: str) -> set[str]:
    """The words an address of this caller is spoken in."""
    name, business = caller_key(name, business)
    return _KNOWN_WORDS | set(name.split()) | words_of([business])


def _not_an_answer(words: str) -> bool:
    """A backchannel, a yes or no, or a request to repeat: nothing to search for."""
    return len(words.split()) < 2 or nlu.is_repeat(words) or nlu.yes_or_no(words) is not None
