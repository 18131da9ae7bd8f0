"""Which name to keep: Moonshine's census search's, or the grammar's when it heard a whole name.

The census search leans to what Moonshine heard, and Moonshine hears some names as their near
neighbours ("Dane" or "Daniel" for "Dana"); pocketsphinx, listening with the grammars' own name
lists, gets those callers right and is wrong far more grossly when it is wrong. So both answers
are scored by Moonshine as whole sentences ("My name is Dana Reyes.") and the grammar's name
is kept unless Moonshine finds it more than `MARGIN` nats less likely than its own answer.
"""

import numpy as np

from callcenter.voice.providers.local import understanding as nlu
from callcenter.voice.providers.local.neural_model import START, Moonshine
from callcenter.voice.providers.local.neural_search import PREFIX, end_logp, written

# Measured on the tuned callers (20 dB line and clean): the grammar's right names scored up to
# 2.9 nats below Moonshine's answer, its wrong whole names 5.0 and more (most beyond 8).
MARGIN = 4.0


def sentence_score(model: Moonshine, hidden: np.ndarray, name: str) -> float:
    """Moonshine's log-probability of "My name is <name>" as the whole utterance."""
    text = " ".join([PREFIX, *(written(word) for word in name.lower().split())])
    ids = [START, *model.tokenizer.encode(text)]
    logp = model.sequence_logp(hidden, ids)
    said = float(sum(logp[at, token] for at, token in enumerate(ids[1:])))
    return said + end_logp(model.tokenizer, logp[-1])


def trusted(model: Moonshine, hidden: np.ndarray, searched: str, grammar: str) -> str:
    """The name to keep ("first last", lower case): the search's `searched`, or the name in the
    grammar's words `grammar` when that is a whole name Moonshine finds nearly as likely."""
    heard = nlu.parse_name(grammar).lower()
    if len(heard.split()) != 2 or heard == searched or not searched:
        return searched
    theirs = sentence_score(model, hidden, heard)
    ours = sentence_score(model, hidden, searched)
    return heard if theirs >= ours - MARGIN else searched
