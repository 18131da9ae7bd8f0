"""A recogniser reset after calls hears exactly as a fresh one (no order-dependent results)."""

from callcenter.sim.channel import telephone
from callcenter.sim.heldout import HELDOUT
from callcenter.sim.speech import render
from callcenter.voice.providers.local import grammars
from callcenter.voice.providers.local.asr import Recognizer
from callcenter.voice.providers.local.audio import ulaw_to_pcm
from tests.voice.local.test_asr import UTTERANCES


def _recognise(recognizer: Recognizer, search: str, audio: bytes) -> str:
    pcm = ulaw_to_pcm(audio)
    recognizer.begin(search)
    for start in range(0, len(pcm), 160):
        recognizer.feed(pcm[start : start + 160])
    return recognizer.finish()


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
