"""What Moonshine hears in one utterance of a dialog state: the model, its searches, the words.

The name and business are found by searches over census names (or the grammar's whole name,
when Moonshine finds it nearly as likely: `neural_names`) and business types, the email by a
search over the addresses this caller is likely to have (built from the name and business heard
before, once per caller), a caller's first spelled address among the same addresses written
letter by letter (`neural_spelled`), the need as the greedy transcript, a reply to a yes/no
question among yes, no and please-repeat replies. A greedy transcript that is no answer at all
(a backchannel, a yes or no, "could you repeat that") is passed on as is.
`Decoder` runs in whichever process holds the model (`neural_worker` keeps them apart from the
calls' event loop).
"""

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from callcenter.voice.providers.local import grammars
from callcenter.voice.providers.local import understanding as nlu
from callcenter.voice.providers.local import vocabulary as v
from callcenter.voice.providers.local.neural_email import PROVIDERS, EmailSearch, words_of
from callcenter.voice.providers.local.neural_model import Moonshine
from callcenter.voice.providers.local.neural_names import trusted
from callcenter.voice.providers.local.neural_search import (
    NameSearch,
    PairSearch,
    PhraseSearch,
    business_sentences,
)
from callcenter.voice.providers.local.neural_spelled import SpelledSearch

SIZE = "tiny"  # as accurate as base on the phone line (docs/moonshine-probe.md), twice as fast
CALLERS_KEPT = 8  # email searches kept per process (one per recent caller, ~30 MB each)
LONG_SAMPLES = 19200  # 1.2 s: longer than a backchannel ("yeah sure" is ~1.1 s)
LETTER_WORDS = {"@": "at", ".": "dot"}
REPLIES = ["yes that's right", "no that's wrong", "yes it is", "no it isn't"]
# Log-probability (nats) below which a short utterance is no reply. Measured on the phone line
# over short replies in five voices: -0.1 to -4.2.
REPLY_FLOOR = -5.0


@dataclass(frozen=True)
class Engine:
    """The model and the searches every call shares."""

    model: Moonshine
    names: NameSearch
    businesses: PhraseSearch
    emails: EmailSearch
    spelled: SpelledSearch
    replies: PhraseSearch  # yes, no, "could you repeat that"


_engine: Engine | None = None
_engine_lock = threading.Lock()


def engine() -> Engine:
    """The process's model and searches (built on first use: a few seconds)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            model = Moonshine(SIZE)
            emails = EmailSearch(model)
            _engine = Engine(
                model,
                NameSearch(model),
                PhraseSearch(model, business_sentences()),
                emails,
                SpelledSearch(emails),
                PhraseSearch(model, reply_sentences()),
            )
        return _engine


class Decoder:
    """Decodes utterances with one `Engine`, keeping each recent caller's email search."""

    def __init__(self, shared: Engine) -> None:
        self.engine = shared
        self._emails: OrderedDict[tuple[str, str], PairSearch] = OrderedDict()
        self._spellings: OrderedDict[tuple[str, str], PairSearch] = OrderedDict()
        self._lock = threading.Lock()

    def prepare(self, name: str, business: str) -> None:
        """Build the email search for a caller called `name` who runs a `business` (about a
        second of Python), unless it was built already."""
        self._email_search(name, business)

    def prepare_spelling(self, name: str, business: str) -> None:
        """Build the spelled-address search for this caller, unless it was built already."""
        self._spelled_search(name, business)

    def decode(
        self,
        search: str,
        pcm16k: np.ndarray,
        name: str = "",
        business: str = "",
        grammar: str = "",
        stop: Callable[[], bool] | None = None,
    ) -> str:
        """The words the dialog reads for an utterance (16 kHz float samples) in `search`;
        `grammar` is what pocketsphinx heard in it. A spelled address's search asks `stop`
        at every step and raises `neural_search.Cancelled` when it says so."""
        shared = self.engine
        if search == grammars.SPELL:
            return self._spelled(pcm16k, name, business, grammar, stop)
        hidden = shared.model.encode(pcm16k)
        if search == grammars.YESNO:
            return _reply(shared, pcm16k, hidden)
        greedy = plain(shared.model.transcribe(pcm16k, hidden))
        if search == grammars.NEED or _not_an_answer(greedy, len(pcm16k)):
            return greedy  # "yeah", "sorry, what?": the searches would force an answer on it
        if search == grammars.NAME:
            found = trusted(shared.model, hidden, shared.names.best(hidden)[0].lower(), grammar)
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

    def _spelled(
        self,
        pcm16k: np.ndarray,
        name: str,
        business: str,
        grammar: str,
        stop: Callable[[], bool] | None,
    ) -> str:
        """A spelled address among this caller's likely ones; pocketsphinx's letters when the
        utterance is too short to be one or no caller is known."""
        spellings = self._spelled_search(name, business) if len(pcm16k) >= LONG_SAMPLES else None
        if spellings is None:
            return grammar  # "sorry?", "yes": no address spelled
        hidden = self.engine.model.encode(pcm16k)
        address = self.engine.spelled.best(spellings, hidden, stop)
        return " ".join(LETTER_WORDS.get(c, c) for c in address) if address else grammar

    def _email_search(self, name: str, business: str) -> PairSearch | None:
        return self._cached(self._emails, self.engine.emails.prepare, name, business)

    def _spelled_search(self, name: str, business: str) -> PairSearch | None:
        return self._cached(self._spellings, self.engine.spelled.prepare, name, business)

    def _cached(
        self,
        kept: "OrderedDict[tuple[str, str], PairSearch]",
        prepare: Callable[[str, str], PairSearch],
        name: str,
        business: str,
    ) -> PairSearch | None:
        name, business = caller_key(name, business)
        if not name:
            return None
        with self._lock:
            found = kept.get((name, business))
            if found is not None:
                kept.move_to_end((name, business))
                return found
        built = prepare(name, business)
        with self._lock:
            kept[(name, business)] = built
            while len(kept) > CALLERS_KEPT:
                kept.popitem(last=False)
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


def reply_sentences() -> list[tuple[str, str, float]]:
    """Yes, no and please-repeat replies as a transcript writes them ("Yes, that's right")."""
    replies = [*v.YES_WORDS, *v.NO_WORDS, *v.REPEAT_PHRASES, *REPLIES]
    out = []
    for reply in dict.fromkeys(replies):
        written = reply[0].upper() + reply[1:]
        out.append((reply, written, 0.0))
        if " " in reply:
            out.append((reply, written.replace(" ", ", ", 1), 0.0))
    return out


def _reply(shared: Engine, pcm16k: np.ndarray, hidden: np.ndarray) -> str:
    """The reply to a yes/no question. Moonshine's greedy transcript hears a short "yes" in some
    voices as "what" or nothing: a short utterance is the reply it scores best for the whole of
    it, if likely enough. A longer one is the greedy transcript, a reply or not: among replies
    alone, "hmm, let me think" or slt's "no, that's wrong" scored best as "yeah", and a wrong
    yes confirms a wrong address; words that are no reply are asked about again."""
    if len(pcm16k) < LONG_SAMPLES:
        reply, score = shared.replies.best(hidden)
        if score > REPLY_FLOOR:
            return reply  # the greedy pass is not needed
    return plain(shared.model.transcribe(pcm16k, hidden))


def _not_an_answer(words: str, samples: int) -> bool:
    """A backchannel, a yes or no, or a request to repeat: nothing to search for. A transcript
    of one word or none over a long utterance is Moonshine failing to write it down (an address
    it came back empty on), not a short reply: the search still listens to that."""
    short = len(words.split()) < 2 and samples < LONG_SAMPLES
    return short or nlu.is_repeat(words) or nlu.yes_or_no(words) is not None
