"""The name state's language model: "my name is <first> <last>" weighted by how common names are.

A grammar lists names but cannot say that Garcia is a thousand times likelier than Garber;
with thousands of names, similar ones then win as often as the right one. This bigram model
carries the census frequencies: a first name after a prefix ("my name is") in proportion to
its share of people, then a last name in proportion to its share.
"""

import math
from collections.abc import Callable, Iterable

from callcenter.voice.providers.local import names
from callcenter.voice.providers.local import vocabulary as v

_END = "</s>"
_START = "<s>"
# Names of our own lists that the census has no share for count as this common (percent).
_OWN_FIRST_SHARE = 0.02
_OWN_LAST_SHARE = 0.01


def _shares(
    table: list[tuple[str, float]], own: Iterable[str], floor: float, known: Callable[[str], bool]
) -> dict[str, float]:
    shares = dict(table)
    for name in own:
        shares[name] = max(shares.get(name, 0.0), floor)
    kept = {name: share for name, share in shares.items() if known(name)}
    total = sum(kept.values()) or 1.0
    return {name: share / total for name, share in kept.items()}


def arpa_text(known: Callable[[str], bool]) -> str:
    """The model in ARPA format; every word passes `known` (is in the dictionary)."""
    first = _shares(
        names.first_names(v.CENSUS_FIRST_NAMES), v._OWN_FIRST_NAMES, _OWN_FIRST_SHARE, known
    )
    last = _shares(names.last_names(v.CENSUS_LAST_NAMES), v._OWN_LAST_NAMES, _OWN_LAST_SHARE, known)
    phrases = [p.split() for p in v.NAME_PREFIXES + v.REPEAT_PHRASES]
    other = sorted({w for p in phrases for w in p} - set(first) - set(last))
    unigram: dict[str, float] = {_START: 0.0, _END: 0.02}
    for word in other:
        unigram[word] = unigram.get(word, 0.0) + 0.08 / len(other)
    for word, share in first.items():
        unigram[word] = unigram.get(word, 0.0) + 0.05 * share
    for word, share in last.items():
        unigram[word] = unigram.get(word, 0.0) + 0.85 * share
    bigram: dict[tuple[str, str], float] = {}

    def add(a: str, b: str, p: float) -> None:
        bigram[(a, b)] = bigram.get((a, b), 0.0) + p

    prefixes = [p.split() for p in v.NAME_PREFIXES]
    repeats = [p.split() for p in v.REPEAT_PHRASES]
    for group, mass in ((prefixes, 0.6), (repeats, 0.1)):
        for phrase in group:
            add(_START, phrase[0], mass / len(group))
            for a, b in zip(phrase, phrase[1:], strict=False):
                add(a, b, 0.9)
    for phrase in repeats:
        add(phrase[-1], _END, 0.9)
    for word, share in first.items():
        add(_START, word, 0.25 * share)  # the name alone: "dana reyes"
        for phrase in prefixes:
            add(phrase[-1], word, 0.95 * share)
        add(word, _END, 0.15)  # a first name alone
    for word in last:
        add(word, _END, 0.9)
    return _format(unigram, _normalised(bigram))


def _normalised(bigram: dict[tuple[str, str], float]) -> dict[tuple[str, str], float]:
    """Scale each context's explicit probabilities down to at most 0.98 in total."""
    totals: dict[str, float] = {}
    for (a, _), p in bigram.items():
        totals[a] = totals.get(a, 0.0) + p
    return {(a, b): p * min(1.0, 0.98 / totals[a]) for (a, b), p in bigram.items()}


def _format(unigram: dict[str, float], bigram: dict[tuple[str, str], float]) -> str:
    explicit: dict[str, float] = {}
    covered: dict[str, float] = {}
    for (a, b), p in bigram.items():
        explicit[a] = explicit.get(a, 0.0) + p
        covered[a] = covered.get(a, 0.0) + unigram.get(b, 0.0)
    lines = ["\\data\\", f"ngram 1={len(unigram)}", f"ngram 2={len(bigram)}", "", "\\1-grams:"]
    for word, p in unigram.items():
        backoff = 1.0
        if word in explicit:
            backoff = (1.0 - explicit[word]) / max(1e-9, 1.0 - covered[word])
        prob = -99.0 if word == _START else math.log10(max(p, 1e-12))
        lines.append(f"{prob:.4f} {word} {math.log10(max(backoff, 1e-12)):.4f}")
    lines += ["", "\\2-grams:"]
    lines += [f"{math.log10(p):.4f} {a} {b}" for (a, b), p in bigram.items()]
    return "\n".join([*lines, "", "\\end\\", ""])
