"""The simulated caller tells a read-back of its own address from a wrong one, by ear."""

import pytest

from callcenter.sim.heldout import HELDOUT
from callcenter.sim.personas import PERSONAS, Persona
from callcenter.sim.readback import read_back_right, readbacks
from callcenter.voice.providers.local.tts import Synthesizer

BRENDA = HELDOUT["brenda"]


def _agent_says(text: str) -> bytes:
    return Synthesizer(cache_size=0).ulaw(text)  # a synthesis of its own, as the agent's is


def test_the_sentences_are_the_agents_read_backs() -> None:
    said, spelled = readbacks(BRENDA.email_words, BRENDA.answer("spell"))
    assert said == "I have b, r, e, n, d, a, at hayes bikes dot com. Is that email right?"
    assert "at, h, a, y, e, s, b, i, k, e, s, dot, c, o, m. Is that email right?" in spelled


@pytest.mark.parametrize("persona", [PERSONAS["dana"], BRENDA, HELDOUT["bianca"]])
def test_their_own_address_read_back_is_theirs(persona: Persona) -> None:
    spelled = persona.answer("spell")
    for sentence in readbacks(persona.email_words, spelled):
        audio = _agent_says(sentence) + b"\xff" * 100  # the last frame padded with silence
        assert read_back_right(audio, persona.email_words, spelled)


@pytest.mark.parametrize(
    "wrong",
    [
        "I have r, e, n, d, a, at hayes bikes dot com. Is that email right?",  # a letter lost
        "I have b, r, e, n, d, a, at hayes dot com. Is that email right?",  # a word lost
        "I have b, r, e, n, d, a, at hayes bikes dot co. Is that email right?",
        "I have g, l, o, r, i, a, at hayes bikes dot com. Is that email right?",
        "I have b, r, e, n, d, a, at gmail dot com. Is that email right?",
    ],
)
def test_another_address_is_not_theirs(wrong: str) -> None:
    assert not read_back_right(_agent_says(wrong), BRENDA.email_words, BRENDA.answer("spell"))
