"""Spelled email addresses with Moonshine: the decoder chooses among the caller's likely
addresses written letter by letter.

Moonshine writes spelled letters in several ways ("D-a-n-a", "D. A. N. A.", "d, a, n, a",
"d a n a") and, left to itself, drops, repeats or runs away on long strings of them; its greedy
letters parse to no address at all. Made to choose among the addresses `EmailSearch` would offer
this caller (the same local parts and domains, one prior per address, ".net" and ".org" only
for the likelier domains), each letter string written in each of those ways (`FORMS`), it spells
them back. An address outside those candidates cannot come out of it: the recogniser uses it
for a caller's first spelling only, and pocketsphinx's letters after that.
"""

import math
from collections.abc import Callable

import numpy as np

from callcenter.voice.providers.local.neural_email import (
    PRIORS,
    EmailSearch,
    domains_for,
    locals_for,
    words_of,
)
from callcenter.voice.providers.local.neural_model import START
from callcenter.voice.providers.local.neural_search import PairSearch, build

# The ways of `spelled` the search offers. Two of them (capitals and spaces) with a beam of 8
# did as well on the tuned callers (22 of 24 against 21) in half the time, but on the held-out
# ones, line 20 dB, they got 14 of 24 where all four with a beam of 12 got 19.
FORMS = ("hyphen", "capitals", "commas", "spaces")
BEAM = 12
STEPS = 96  # tokens: two a letter, for addresses of about forty characters
# Hypotheses this far (nats) behind a step's best are dropped. Measured on the tuned and held-out
# callers' spelled addresses (20 dB line): 10 found the same addresses as no limit (held-out 19
# of 24, tuned 10 of 12) in p50 / p95 499 / 636 ms against 611 / 832; 8 lost five held-out.
PRUNE = 10.0
LIKELY = PRIORS["name"] + math.log(0.1)  # a name's domain, ".net" or ".org"


def spelled(part: str, form: str) -> str:
    """'reyes.com' as a transcript writes it spelled: "R-e-y-e-s dot C-o-m", "R. E. Y. E. S.
    dot C. O. M.", "r, e, y, e, s dot c, o, m" or "r e y e s dot c o m"."""
    words = []
    for word in part.split("."):
        if form == "hyphen":
            words.append(word[:1].upper() + "".join("-" + letter for letter in word[1:]))
        elif form == "capitals":
            words.append(" ".join(letter.upper() + "." for letter in word))
        else:
            words.append((", " if form == "commas" else " ").join(word))
    return " dot ".join(words)


class SpelledSearch:
    """Spelled addresses for a caller whose name is known (`EmailSearch`'s candidates)."""

    def __init__(self, emails: EmailSearch) -> None:
        self.emails = emails

    def prepare(self, name: str, business: str) -> PairSearch:
        """The search for a caller called `name` ("First Last") who runs a `business`."""
        first, _, last = name.partition(" ")
        last = last or first
        emails = self.emails
        locals_ = {label for label, _, _ in locals_for(first, last)}
        domains: dict[str, float] = {}
        for label, _, prior in domains_for(first, last, words_of([business]), emails.words):
            if prior >= LIKELY or label.endswith(".com"):
                domains[label] = max(domains.get(label, -math.inf), prior)
        heads = [(local, f"{spelled(local, form)} at", 0.0) for local in locals_ for form in FORMS]
        tails = [(d, spelled(d, form), p) for d, p in domains.items() for form in FORMS]
        pieces = emails.pieces
        return PairSearch(
            emails.model,
            pieces,
            [START],
            build(pieces, heads),
            build(pieces, tails),
            BEAM,
            emails.prior_weight,
            STEPS,
            PRUNE,
        )

    @staticmethod
    def best(search: PairSearch, hidden: np.ndarray, stop: Callable[[], bool] | None = None) -> str:
        """The most likely address ("" when no candidate finished); `stop` as `PairSearch.pair`."""
        (local, domain), _ = search.pair(hidden, stop)
        return f"{local}@{domain}" if local else ""
