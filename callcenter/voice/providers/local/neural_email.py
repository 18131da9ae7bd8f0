"""Spoken email addresses with Moonshine: the decoder chooses among a caller's likely addresses.

The candidates follow from the caller's name and business (as the earlier steps heard them)
and the business-type vocabulary.

The local part is a form of the caller's name (first, last, first.last, firstlast, initial and
last) or a role mailbox ("info", "office"); the domain a mail provider, or a business word
(plural, stem) or two, after the caller's first or last name or alone ("hayesbikes",
"flemingeyecare"), their own business's words likelier than others' (`PRIORS`); then
".com", ".net" or ".org". `PairSearch` walks "<local> at" and then
"<domain>.<suffix>" as the transcript writes them and asks for the end of the sentence.
"""

import math

import numpy as np

from callcenter.voice.providers.local.business_types import BUSINESS_TYPES
from callcenter.voice.providers.local.neural_model import START, Moonshine
from callcenter.voice.providers.local.neural_search import PairSearch, Pieces, build, written

ROLES = ["info", "contact", "office", "hello", "sales", "admin", "support", "dispatch", "team"]
PROVIDERS = ["gmail", "yahoo", "outlook", "hotmail", "icloud", "aol"]
# How Moonshine writes a provider it heard ("at gmail" loses its g: "at mail dot com").
HEARD_AS = {"gmail": ["g mail", "mail"]}
SUFFIXES = {"com": math.log(0.8), "net": math.log(0.1), "org": math.log(0.1)}
SMALL = {"and", "of", "the", "a", "an", "for", "or", "in", "on", "to"}
# Log priors of what a domain is made of, before the suffix's.
PRIORS = {"name and own": 0.0, "own": -1.0, "name": -1.5, "other": -4.0}


def words_of(businesses: list[str]) -> set[str]:
    """Words of business types, their plurals and stems ("flooring" → "floors"), and the word
    pairs of each type glued ("eyecare")."""
    words: set[str] = set()
    for business in businesses:
        parts = [w for w in business.replace("-", " ").split() if w.isalpha() and w not in SMALL]
        for word in parts:
            words |= {word, word + "s"}
            if word.endswith("ing") and len(word) > 5:
                words |= {word[:-3], word[:-3] + "s"}
        words |= {a + b for a, b in zip(parts, parts[1:], strict=False)}
    return words


def locals_for(first: str, last: str) -> list[tuple[str, str, float]]:
    """(address part, as written before " at", log prior)."""
    first, last = first.lower(), last.lower()
    first_, last_ = written(first), written(last)
    forms = [
        (first, first_),
        (last, last_),
        (f"{first}.{last}", f"{first_}.{last}"),
        (f"{first}.{last}", f"{first_} dot {last_}"),
        (f"{first}{last}", f"{first_}{last}"),
        (f"{first}{last}", f"{first_} {last_}"),
        (f"{first[0]}{last}", f"{first[0].upper()}{last}"),
    ]
    forms += [(role, role.capitalize()) for role in ROLES]
    return [(local, f"{text} at", 0.0) for local, text in forms]


def domains_for(
    first: str, last: str, own: set[str], words: set[str]
) -> list[tuple[str, str, float]]:
    """(domain with suffix, as written after "at ", log prior). A provider, or the caller's
    name with a word of their own business, is likelier than a name alone, which is likelier
    than another business's word."""
    first, last = first.lower(), last.lower()
    stems = {first + last: PRIORS["name"], first: PRIORS["name"], last: PRIORS["name"]}
    stems |= {w: PRIORS["other"] for w in words} | {w: PRIORS["own"] for w in own}
    with_name = {n + w: PRIORS["other"] for n in (first, last) for w in words}
    with_name |= {n + w: PRIORS["name and own"] for n in (first, last) for w in own}
    spaced = {f"{n} {w}": PRIORS["name and own"] for n in (first, last) for w in own}
    spaced |= {f"{n} {w}": PRIORS["other"] for n in (first, last) for w in words - own}
    out = []
    for suffix, prior in SUFFIXES.items():
        for stem, weight in (stems | with_name).items():
            label = f"{stem}.{suffix}"
            texts = writings(stem, suffix) if weight >= PRIORS["name"] else [label]
            out += [(label, text, prior + weight) for text in texts]
        for text, weight in spaced.items():  # "bishop pools.com"
            label = f"{text.replace(' ', '')}.{suffix}"
            texts = writings(text, suffix) if weight >= PRIORS["name"] else [f"{text}.{suffix}"]
            out += [(label, written, prior + weight) for written in texts]
        for provider in PROVIDERS:
            label = f"{provider}.{suffix}"
            spellings = [provider, *HEARD_AS.get(provider, [])]
            out += [(label, text, prior) for heard in spellings for text in writings(heard, suffix)]
    return out


def writings(domain: str, suffix: str) -> list[str]:
    """The ways a transcript writes a likely domain: "bishop pools.com", "Bishop Pools dot
    com", "Gmail.com", "gmail dot com" (capitalised or not, the suffix after a dot or "dot")."""
    capital = " ".join(word.capitalize() for word in domain.split())
    return [f"{name}{dot}{suffix}" for name in (domain, capital) for dot in (".", " dot ")]


class EmailSearch:
    """Email addresses for a caller whose name is known."""

    def __init__(
        self, model: Moonshine, beam: int = 12, prior_weight: float = 1.0, every: bool = True
    ) -> None:
        self.model = model
        self.pieces = Pieces(model.tokenizer, every)
        self.words = words_of(BUSINESS_TYPES)
        self.beam = beam
        self.prior_weight = prior_weight

    def prepare(self, name: str, business: str) -> PairSearch:
        """The search for a caller called `name` ("First Last") who runs a `business`."""
        first, _, last = name.partition(" ")
        locals_ = build(self.pieces, locals_for(first, last or first))
        own = words_of([business])
        domains = build(self.pieces, domains_for(first, last or first, own, self.words))
        model, pieces = self.model, self.pieces
        return PairSearch(model, pieces, [START], locals_, domains, self.beam, self.prior_weight)

    @staticmethod
    def best(search: PairSearch, hidden: np.ndarray) -> tuple[str, float]:
        """The most likely address and its score."""
        (local, domain), score = search.pair(hidden)
        return (f"{local}@{domain}" if local else ""), score
