"""Census names from a greedy Moonshine transcript by snapping words (the bench's baseline).

Each word of the greedy transcript goes to the nearest census name by edit distance on a crude
sound-alike spelling, ties broken by how common the name is. The engine's own way is the
decoder's search over the names (`neural_search.NameSearch`).
"""

import math
import re

from callcenter.voice.providers.local.names import first_names, last_names


def _distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _key(word: str) -> str:
    """Spelling that sounds the same looks the same: doubled letters once, ph as f, ck as k."""
    word = re.sub(r"ph", "f", re.sub(r"ck", "k", word))
    return re.sub(r"(.)\1+", r"\1", word)


class Snapper:
    """Greedy transcript words to the nearest census names."""

    def __init__(self, first_limit: int = 6000, last_limit: int = 20000) -> None:
        self.firsts = [(n, _key(n), math.log(s + 1e-4)) for n, s in first_names(first_limit)]
        self.lasts = [(n, _key(n), math.log(s + 1e-4)) for n, s in last_names(last_limit)]

    @staticmethod
    def _nearest(word: str, names: list[tuple[str, str, float]]) -> tuple[float, str]:
        key = _key(word)
        best = (math.inf, "")
        for name, name_key, prior in names:
            if abs(len(name_key) - len(key)) > 3:
                continue
            cost = _distance(key, name_key) / max(len(key), 1) - 0.03 * prior
            best = min(best, (cost, name))
        return best

    def snap(self, transcript: str) -> str:
        words = re.sub(r"[^a-z ]", " ", transcript.lower()).split()
        if words[:3] == ["my", "name", "is"]:
            words = words[3:]
        if not words:
            return ""
        first = self._nearest(words[0], self.firsts)[1]
        # A last name heard as two words ("hidd son") is tried joined up too.
        tries = [words[1], "".join(words[1:3])] if len(words) > 1 else []
        last = min((self._nearest(word, self.lasts) for word in tries), default=(0.0, ""))[1]
        return " ".join(w.capitalize() for w in (first, last) if w)
