"""Names from census lists with Moonshine: the decoder searches a token trie, or words snap.

`NameSearch.best` lets the acoustic model choose among real names: after the forced prefix
"My name is", a beam search walks a trie of first-name tokens, then of last-name tokens, then
asks for the end of the sentence; each name adds `prior_weight` times the log of its census
share (a node carries the best share below it, so pruning is fair). `snap` is the cheap
baseline: each word of the greedy transcript goes to the nearest name by edit distance, ties
broken by how common the name is.
"""

import math
import re
from dataclasses import dataclass

import numpy as np

from bench.moonshine_model import END, START, Moonshine
from bench.moonshine_phrases import Node, Pieces, build
from callcenter.voice.providers.local.names import first_names, last_names

PREFIX = "My name is"


def written(name: str) -> str:
    """A census name as a transcript writes it: "mcdaniel" → "McDaniel"."""
    if name.startswith("mc") and len(name) > 3:
        return "Mc" + name[2:].capitalize()
    return name.capitalize()


def trie(pieces: Pieces, names: list[tuple[str, float]]) -> Node:
    """A trie of names as written mid-sentence (" Brenda"), with the log of their share."""
    return build(
        pieces, [(name, written(name), math.log(max(share, 1e-4) / 100)) for name, share in names]
    )


@dataclass
class Hypothesis:
    score: float  # acoustic log-probability so far
    node: Node
    first: str | None  # the first name, once it is complete
    first_prior: float
    token: int


class PairSearch:
    """Beam search over one trie's entries, then a second's, then the end of the sentence,
    after a forced prefix; each entry adds `prior_weight` times its log prior."""

    def __init__(
        self,
        model: Moonshine,
        pieces: Pieces,
        prefix: list[int],
        firsts: Node,
        lasts: Node,
        beam: int = 12,
        prior_weight: float = 0.5,
    ) -> None:
        self.model = model
        self.pieces = pieces
        self.prefix = prefix
        self.firsts = firsts
        self.lasts = lasts
        self.beam = beam
        self.prior_weight = prior_weight
        vocab = model.tokenizer.vocab
        self.ends = [END, vocab["."], vocab[","]]
        self.finished: list[tuple[float, tuple[str, str]]] = []  # every pair the last search ended

    def _rank(self, h: Hypothesis, lookahead: float) -> float:
        return h.score + self.prior_weight * (h.first_prior + lookahead)

    def pair(self, hidden: np.ndarray) -> tuple[tuple[str, str], float]:
        """The most likely pair of entries and its score."""
        logp, cache = self.model.start(hidden, self.prefix)
        self.finished.clear()
        live = [Hypothesis(0.0, self.firsts, None, 0.0, -1)]
        done: tuple[float, tuple[str, str]] = (-math.inf, ("", ""))
        for _ in range(16):
            grown: list[tuple[float, int, Hypothesis]] = []
            for parent, h in enumerate(live):
                row = logp[parent]
                if h.node.label is not None and h.first is None:  # a first name may end here
                    nxt = Hypothesis(h.score, self.lasts, h.node.label, h.node.prior, -1)
                    grown += self._expand(parent, nxt, row)
                elif h.node.label is not None:  # a last name may end the sentence here
                    end = float(np.logaddexp.reduce(row[self.ends]))
                    total = h.score + end + self.prior_weight * (h.first_prior + h.node.prior)
                    done = max(done, (total, (h.first or "", h.node.label)))
                    self.finished.append((total, (h.first or "", h.node.label)))
                grown += self._expand(parent, h, row)
            grown.sort(key=lambda item: -item[0])
            best_way = {(id(g[2].node), g[2].first): g for g in reversed(grown)}  # per node
            grown = sorted(best_way.values(), key=lambda item: -item[0])
            grown = [g for g in grown[: self.beam] if g[0] > done[0]]
            if not grown:
                break
            live = [h for _, _, h in grown]
            parents = np.array([parent for _, parent, _ in grown], np.int64)
            tokens = np.array([h.token for h in live], np.int64)
            logp, cache = self.model.step(hidden, cache, parents, tokens)
        return done[1], done[0]

    def _expand(
        self, parent: int, h: Hypothesis, row: np.ndarray
    ) -> list[tuple[float, int, Hypothesis]]:
        node = self.pieces.leads(h.node)
        if node.tokens is None or not len(node.tokens):
            return []
        ranks = h.score + row[node.tokens] + self.prior_weight * (h.first_prior + node.bests)
        keep = np.argsort(-ranks)[: self.beam]
        out = []
        for index in keep:
            child = node.nodes[index]
            score = h.score + float(row[node.tokens[index]])
            grown = Hypothesis(score, child, h.first, h.first_prior, int(node.tokens[index]))
            out.append((float(ranks[index]), parent, grown))
        return out


class NameSearch(PairSearch):
    """Census first names then last names after "My name is"."""

    def __init__(
        self,
        model: Moonshine,
        first_limit: int = 6000,
        last_limit: int = 20000,
        beam: int = 12,
        prior_weight: float = 0.5,
        every: bool = True,
    ) -> None:
        pieces = Pieces(model.tokenizer, every)
        firsts = trie(pieces, first_names(first_limit))
        lasts = trie(pieces, last_names(last_limit))
        prefix = [START, *model.tokenizer.encode(PREFIX)]
        super().__init__(model, pieces, prefix, firsts, lasts, beam, prior_weight)

    def best(self, hidden: np.ndarray) -> tuple[str, float]:
        """The most likely "First Last" and its score."""
        (first, last), score = self.pair(hidden)
        return f"{first.capitalize()} {last.capitalize()}".strip(), score


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
