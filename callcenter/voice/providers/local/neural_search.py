"""Closed-vocabulary decoding with Moonshine: beam searches of the decoder over token tries.

`build` makes a trie of entries (a label, the text as a transcript writes it, a log prior);
`PhraseSearch` lets the decoder choose one entry for the whole utterance (business types behind
everyday openings, `business_sentences`); `PairSearch` walks one trie then a second after a
forced prefix; `NameSearch` is census first then last names after "My name is", each name
adding `prior_weight` times the log of its census share (a node carries the best share below
it, so pruning is fair).
"""

import gc
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from callcenter.voice.providers.local.business_types import BUSINESS_TYPES
from callcenter.voice.providers.local.names import first_names, last_names
from callcenter.voice.providers.local.neural_model import END, SPACE, START, Moonshine, Tokenizer

OPENINGS = ["I run", "We run", "I own", "We own", "I have", "We have", "We are", "We're", "It's"]


class Node:
    """A character trie of entries as the transcript writes them ("▁" for spaces). The tokens
    that lead on from a node are every vocabulary piece that spells a path from it, so the
    decoder may take any segmentation of an entry, not only the one BPE would pick. A caller's
    address tries have a few hundred thousand nodes, so a node is slotted and lean."""

    __slots__ = ("best", "bests", "canonical", "children", "label", "nodes", "prior", "tokens")

    def __init__(self) -> None:
        self.children: dict[str, Node] = {}
        self.label: str | None = None
        self.prior = -math.inf  # log prior of the entry ending here
        self.best = -math.inf  # best log prior of any entry at or below
        self.tokens: np.ndarray | None = None  # filled in by `leads` on first use
        self.bests: np.ndarray = _NONE
        self.nodes: list[Node] = []
        self.canonical: dict[int, Node] | None = None  # BPE's own tokens from here


_NONE = np.zeros(0)


class Pieces:
    """The tokenizer's vocabulary as a character trie (special and byte tokens left out)."""

    def __init__(self, tokenizer: Tokenizer, every: bool = True) -> None:
        self.tokenizer = tokenizer
        self.every = every  # False: only the segmentation BPE itself picks
        self.root: dict = {}
        for piece, index in tokenizer.vocab.items():
            if piece.startswith("<") and piece.endswith(">"):
                continue
            node = self.root
            for char in piece:
                node = node.setdefault(char, {})
            node[None] = index

    def leads(self, node: Node) -> Node:
        """`node` with `tokens`, `nodes` and `bests` filled in: each piece that spells a path
        from it, where the path ends, and the best prior there."""
        if node.tokens is None and not self.every:
            canonical = node.canonical or {}
            node.nodes = list(canonical.values())
            node.bests = np.array([child.best for child in node.nodes])
            node.tokens = np.array(list(canonical), np.int64)  # last: calls share tries
        if node.tokens is None:
            found: list[tuple[int, Node]] = []
            stack = [(self.root, node)]
            while stack:
                piece, at = stack.pop()
                for char, child in at.children.items():
                    deeper = piece.get(char)
                    if deeper is None:
                        continue
                    if None in deeper:
                        found.append((deeper[None], child))
                    stack.append((deeper, child))
            node.nodes = [child for _, child in found]
            node.bests = np.array([child.best for child in node.nodes])
            # Set last: calls share a trie, and a node with tokens must have the rest too.
            node.tokens = np.array([token for token, _ in found], np.int64)
        return node


def build(pieces: Pieces, entries: list[tuple[str, str, float]]) -> Node:
    """A trie of entries (label, text as written after a space, log prior). Built with the
    cyclic collector paused: a trie has no cycles, and the collections its hundred thousand
    nodes would set off, each walking every older trie, cost five times the build itself."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _build(pieces, entries)
    finally:
        if paused:
            gc.enable()


def _build(pieces: Pieces, entries: list[tuple[str, str, float]]) -> Node:
    root = Node()
    for label, text, prior in entries:
        node = root
        node.best = max(node.best, prior)
        path = [root]
        for char in SPACE + text.replace(" ", SPACE):
            child = node.children.get(char)
            if child is None:
                child = node.children[char] = Node()
            node = child
            if prior > node.best:
                node.best = prior
            path.append(node)
        if prior > node.prior:
            node.label, node.prior = label, prior
        if not pieces.every:
            at = 0
            for token in pieces.tokenizer.encode(text):
                piece = pieces.tokenizer.pieces[token]
                size = 1 if piece.startswith("<0x") else len(piece)  # a byte: ASCII only here
                canonical = path[at].canonical
                if canonical is None:
                    canonical = path[at].canonical = {}
                canonical[token] = path[at + size]
                at += size
    return root


def business_sentences() -> list[tuple[str, str, float]]:
    """Every business type after every opening, with "a" or "an" as English wants."""
    out = []
    for business in BUSINESS_TYPES:
        article = "an" if business[0] in "aeiou" else "a"
        out += [(business, f"{opening} {article} {business}", 0.0) for opening in OPENINGS]
    return out


def end_logp(tokenizer: Tokenizer, row: np.ndarray) -> float:
    """How likely the sentence ends here (end of text, a full stop or a comma)."""
    vocab = tokenizer.vocab
    return float(np.logaddexp.reduce(row[[END, vocab["."], vocab[","]]]))


class PhraseSearch:
    """The most likely entry of a trie for the whole utterance, by beam search."""

    def __init__(
        self,
        model: Moonshine,
        entries: list[tuple[str, str, float]],
        beam: int = 8,
        every: bool = True,
    ) -> None:
        self.model = model
        self.pieces = Pieces(model.tokenizer, every)
        self.root = build(self.pieces, entries)
        self.beam = beam

    def best(self, hidden: np.ndarray) -> tuple[str, float]:
        logp, cache = self.model.start(hidden, [START])
        live: list[tuple[float, Node]] = [(0.0, self.root)]
        done: tuple[float, str] = (-math.inf, "")
        for _ in range(40):
            grown: list[tuple[float, float, int, int, Node]] = []
            for parent, (score, node) in enumerate(live):
                row = logp[parent]
                if node.label is not None:
                    total = score + end_logp(self.model.tokenizer, row) + node.prior
                    done = max(done, (total, node.label))
                node = self.pieces.leads(node)
                assert node.tokens is not None
                if not len(node.tokens):
                    continue
                scores = score + row[node.tokens]
                for index in np.argsort(-(scores + node.bests))[: self.beam]:
                    rank = float(scores[index] + node.bests[index])
                    token = int(node.tokens[index])
                    grown.append((rank, float(scores[index]), parent, token, node.nodes[index]))
            grown.sort(key=lambda item: -item[0])
            grown = list({id(g[4]): g for g in reversed(grown)}.values())  # best way to a node
            grown.sort(key=lambda item: -item[0])
            grown = [g for g in grown[: self.beam] if g[0] > done[0]]
            if not grown:
                break
            live = [(score, node) for _, score, _, _, node in grown]
            parents = np.array([g[2] for g in grown], np.int64)
            tokens = np.array([g[3] for g in grown], np.int64)
            logp, cache = self.model.step(hidden, cache, parents, tokens)
        return done[1], done[0]


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


class Cancelled(Exception):
    """A search was stopped before it finished: its words are no longer wanted."""


class PairSearch:
    """Beam search over one trie's entries, then a second's, then the end of the sentence,
    after a forced prefix; each entry adds `prior_weight` times its log prior. A hypothesis
    more than `prune` nats behind the step's best is dropped even while the beam has room."""

    def __init__(
        self,
        model: Moonshine,
        pieces: Pieces,
        prefix: list[int],
        firsts: Node,
        lasts: Node,
        beam: int = 12,
        prior_weight: float = 0.5,
        steps: int = 16,
        prune: float = math.inf,
    ) -> None:
        self.model = model
        self.pieces = pieces
        self.steps = steps  # tokens at most after the prefix
        self.prefix = prefix
        self.firsts = firsts
        self.lasts = lasts
        self.beam = beam
        self.prior_weight = prior_weight
        self.prune = prune
        vocab = model.tokenizer.vocab
        self.ends = [END, vocab["."], vocab[","]]

    def _rank(self, h: Hypothesis, lookahead: float) -> float:
        return h.score + self.prior_weight * (h.first_prior + lookahead)

    def pair(
        self, hidden: np.ndarray, stop: Callable[[], bool] | None = None
    ) -> tuple[tuple[str, str], float]:
        """The most likely pair of entries and its score. `stop` is asked before every decoder
        step; when it says so the search raises `Cancelled`."""
        logp, cache = self.model.start(hidden, self.prefix)
        live = [Hypothesis(0.0, self.firsts, None, 0.0, -1)]
        done: tuple[float, tuple[str, str]] = (-math.inf, ("", ""))
        for _ in range(self.steps):
            if stop is not None and stop():
                raise Cancelled
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
                grown += self._expand(parent, h, row)
            grown.sort(key=lambda item: -item[0])
            best_way = {(id(g[2].node), g[2].first): g for g in reversed(grown)}  # per node
            grown = sorted(best_way.values(), key=lambda item: -item[0])
            grown = [g for g in grown[: self.beam] if g[0] > done[0]]
            if not grown:
                break
            grown = [g for g in grown if g[0] > grown[0][0] - self.prune]
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
