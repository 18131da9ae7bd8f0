"""Closed-vocabulary decoding with Moonshine: a beam search over a token trie of sentences.

`build` makes the trie (each entry a label, the sentence as a transcript writes it, and a log
prior); `PhraseSearch` lets the decoder choose the sentence, then asks for the end of it.
`business_sentences` is the business-type vocabulary behind everyday openings ("We run a").
"""

import math
from dataclasses import dataclass, field

import numpy as np

from bench.moonshine_model import END, SPACE, START, Moonshine, Tokenizer
from callcenter.voice.providers.local.business_types import BUSINESS_TYPES

OPENINGS = ["I run", "We run", "I own", "We own", "I have", "We have", "We are", "We're", "It's"]


@dataclass
class Node:
    """A character trie of entries as the transcript writes them ("▁" for spaces). The tokens
    that lead on from a node are every vocabulary piece that spells a path from it, so the
    decoder may take any segmentation of an entry, not only the one BPE would pick."""

    children: dict[str, "Node"] = field(default_factory=dict)
    label: str | None = None
    prior: float = -math.inf  # log prior of the entry ending here
    best: float = -math.inf  # best log prior of any entry at or below
    tokens: np.ndarray | None = None  # filled in by `leads` on first use
    bests: np.ndarray = field(default_factory=lambda: np.zeros(0))
    nodes: list["Node"] = field(default_factory=list)
    canonical: dict[int, "Node"] = field(default_factory=dict)  # BPE's own tokens from here


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
            node.tokens = np.array(list(node.canonical), np.int64)
            node.nodes = list(node.canonical.values())
            node.bests = np.array([child.best for child in node.nodes])
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
            node.tokens = np.array([token for token, _ in found], np.int64)
            node.nodes = [child for _, child in found]
            node.bests = np.array([child.best for child in node.nodes])
        return node


def build(pieces: Pieces, entries: list[tuple[str, str, float]]) -> Node:
    """A trie of entries (label, text as written after a space, log prior)."""
    root = Node()
    for label, text, prior in entries:
        node = root
        node.best = max(node.best, prior)
        path = [root]
        for char in SPACE + text.replace(" ", SPACE):
            node = node.children.setdefault(char, Node())
            node.best = max(node.best, prior)
            path.append(node)
        if prior > node.prior:
            node.label, node.prior = label, prior
        if not pieces.every:
            at = 0
            for token in pieces.tokenizer.encode(text):
                piece = pieces.tokenizer.pieces[token]
                size = 1 if piece.startswith("<0x") else len(piece)  # a byte: ASCII only here
                path[at].canonical[token] = path[at + size]
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
