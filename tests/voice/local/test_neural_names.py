"""The neural recogniser trusts what it heard: the acceptance caller's name and address, a
grammar's whole name kept only when Moonshine finds it nearly as likely, spoken addresses
Moonshine could not write down. Real flite speech, the real model."""

from collections.abc import Iterator

import pytest

from callcenter.sim.channel import telephone
from callcenter.sim.heldout import HELDOUT
from callcenter.sim.personas import PERSONAS
from callcenter.sim.speech import render
from callcenter.voice.providers.local import grammars
from callcenter.voice.providers.local.audio import ulaw_to_pcm
from callcenter.voice.providers.local.neural_asr import NeuralRecognizer
from callcenter.voice.providers.local.recognizers import pool_for
from callcenter.voice.providers.local.understanding import parse_email, parse_name, parse_spelled
from tests.voice.local.test_neural_asr import _heard

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def recognizer() -> Iterator[NeuralRecognizer]:
    pool = pool_for("neural")
    recognizer = pool.acquire()
    assert isinstance(recognizer, NeuralRecognizer)
    try:
        yield recognizer
    finally:
        pool.release(recognizer)


@pytest.mark.parametrize("line", [False, True], ids=["clean", "phone line"])
def test_the_acceptance_callers_name_is_heard_as_said(
    recognizer: NeuralRecognizer, line: bool
) -> None:
    said = render("my name is Dana Reyes", "kal")  # Moonshine alone hears "Dane" or "Dan"
    heard = _heard(recognizer, grammars.NAME, telephone(said) if line else said)
    assert parse_name(heard) == "Dana Reyes"


@pytest.mark.parametrize("line", [False, True], ids=["clean", "phone line"])
def test_the_acceptance_callers_address_is_heard_from_their_name(
    recognizer: NeuralRecognizer, line: bool
) -> None:
    said = render("dana at reyes plumbing dot com", "kal")  # over the line Moonshine writes "St."
    heard = _heard(recognizer, grammars.NAME, render("my name is Dana Reyes", "kal"))
    recognizer.set_caller(parse_name(heard), "plumbing company")
    address = _heard(recognizer, grammars.EMAIL, telephone(said) if line else said)
    assert parse_email(address)[0] == "dana@reyesplumbing.com"


def test_a_grammars_wrong_name_does_not_replace_the_one_moonshine_heard(
    recognizer: NeuralRecognizer,
) -> None:
    marcus = HELDOUT["marcus"]  # pocketsphinx's own names make him "marco hall"
    said = telephone(render(marcus.answer("name"), marcus.voice))
    assert parse_name(_heard(recognizer, grammars.NAME, said)) == "Marcus Holloway"


def test_gmail_heard_without_its_g_is_still_gmail(recognizer: NeuralRecognizer) -> None:
    omar = PERSONAS["omar"]  # Moonshine writes "Boomer at mail dot com."
    recognizer.set_caller(omar.name, omar.business)
    heard = _heard(recognizer, grammars.EMAIL, render(omar.answer("email"), omar.voice))
    assert parse_email(heard)[0] == "omar@gmail.com"


def test_a_short_reply_in_the_email_turn_is_not_made_an_address(
    recognizer: NeuralRecognizer,
) -> None:
    recognizer.set_caller("Dana Reyes", "plumbing company")
    heard = _heard(recognizer, grammars.EMAIL, telephone(render("yeah", "kal")))
    assert parse_email(heard)[0] == ""


@pytest.mark.parametrize("key", ["peter", "kevin"])
def test_a_spelled_address_is_heard_letter_by_letter(
    recognizer: NeuralRecognizer, key: str
) -> None:
    caller = PERSONAS[key]  # pocketsphinx's letters never parse to the whole address
    recognizer.set_caller(caller.name, caller.business)
    said = telephone(render(caller.answer("spell"), caller.voice))
    heard = _heard(recognizer, grammars.SPELL, said)
    assert parse_spelled(heard)[0] == caller.email


def test_a_caller_who_spells_again_is_not_held_to_the_same_address(
    recognizer: NeuralRecognizer,
) -> None:
    peter = PERSONAS["peter"]
    recognizer.set_caller(peter.name, peter.business)
    first = _heard(recognizer, grammars.SPELL, render(peter.answer("spell"), peter.voice))
    assert parse_spelled(first)[0] == peter.email
    # They said no to the read-back: their address is not among the likely ones.
    again = render("p g at e x a m p l e dot c o m", peter.voice)
    assert parse_spelled(_heard(recognizer, grammars.SPELL, again))[0] != peter.email


def test_a_name_decoded_at_the_callers_pause_is_heard_as_said(
    recognizer: NeuralRecognizer,
) -> None:
    recognizer.begin(grammars.NAME)
    pcm = ulaw_to_pcm(render("my name is Dana Reyes", "kal"))
    for start in range(0, len(pcm), 160):
        recognizer.feed(pcm[start : start + 160])
    recognizer.pause()  # the decode starts here, with what the grammar has heard so far
    assert parse_name(recognizer.finish()) == "Dana Reyes"
