"""Closed-vocabulary decoding with Moonshine: a beam search over a token trie of sentences.

`build` makes the trie (each entry a label, the sentence as a transcript writes it, and a log
prior); `PhraseSearch` lets the decoder choose the sentence, then asks for the end of it.
`business_sentences` is the business-type vocabulary behind everyday openings ("We run a").
"""

import math
from dataclasses import dataclass, field

import numpy as np

from bench.moonshine_model import END, START, Moonshine, Tokenizer
from callcenter.voice.providers.local.business_types import BUSINESS_TYPES

OPENINGS = ["I run", "We run", "I own", "We own", "I have", "We have", "We are", "We're", "It's"]


@dataclass
class Node:
    children: dict[int, "Node"] = field(default_factory=dict)
    label: str | None = None
    prior: float = -math.inf  # log prior of the entry ending here
    best: float = -math.inf  # best log prior of any entry at or below
    tokens: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    bests: np.ndarray = field(default_factory=lambda: np.zeros(0))
    nodes: list["Node"] = field(default_factory=list)


def build(tokenizer: Tokenizer, entries: list[tuple[str, str, float]]) -> Node:
    """A trie of each entry's tokens: (label, text as written, log prior)."""
    root = Node()
    for label, text, prior in entries:
        node = root
        node.best = max(node.best, prior)
        for token in tokenizer.encode(text):
            node = node.children.setdefault(token, Node())
            node.best = max(node.best, prior)
        if prior > node.prior:
            node.label, node.prior = label, prior
    stack = [root]
    while stack:
        node = stack.pop()
        node.nodes = list(node.children.values())
        node.tokens = np.array(list(node.children), np.int64)
        node.bests = np.array([child.best for child in node.nodes])
        stack.extend(node.nodes)
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

    def __init__(self, model: Moonshine, entries: list[tuple[str, str, float]], beam: int = 8):
        self.model = model
        self.root = build(model.tokenizer, entries)
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
                if not len(node.tokens):
                    continue
                scores = score + row[node.tokens]
                for index in np.argsort(-(scores + node.bests))[: self.beam]:
                    rank = float(scores[index] + node.bests[index])
                    token = int(node.tokens[index])
                    grown.append((rank, float(scores[index]), parent, token, node.nodes[index]))
            grown.sort(key=lambda item: -item[0])
            grown = [g for g in grown[: self.beam] if g[0] > done[0]]
            if not grown:
                break
            live = [(score, node) for _, score, _, _, node in grown]
            parents = np.array([g[2] for g in grown], np.int64)
            tokens = np.array([g[3] for g in grown], np.int64)
            logp, cache = self.model.step(hidden, cache, parents, tokens)
        return done[1], done[0]
