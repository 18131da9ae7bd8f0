"""A recogniser reset after calls hears exactly as a fresh one (no order-dependent results)."""

from callcenter.sim.channel import telephone
from callcenter.sim.heldout import HELDOUT
from callcenter.sim.speech import render
from callcenter.voice.providers.local import grammars
from callcenter.voice.providers.local.asr import Recognizer
from tests.voice.local.test_asr import UTTERANCES, _recognise


def _hear_all(recognizer: Recognizer) -> list[str]:
    return [_recognise(recognizer, search, render(words, "kal")) for search, words in UTTERANCES]


def test_a_recogniser_reset_after_calls_hears_as_a_fresh_one() -> None:
    used = Recognizer()
    for persona in list(HELDOUT.values())[:4]:  # calls on a noisy line, with their own hints
        used.reset()
        used.set_hints(persona.name.lower().split())
        for question, search in (("name", grammars.NAME), ("email", grammars.EMAIL)):
            _recognise(used, search, telephone(render(persona.answer(question), persona.voice)))
    used.reset()
    assert _hear_all(used) == _hear_all(Recognizer())
