"""The recogniser on flite-rendered phone audio, with each dialog state's grammar."""

import pytest

from callcenter.sim.speech import render
from callcenter.voice.providers.local import grammars
from callcenter.voice.providers.local.asr import POOL, Recognizer
from callcenter.voice.providers.local.audio import ulaw_to_pcm
from callcenter.voice.providers.local.listener import Listener
from callcenter.voice.providers.local.understanding import yes_or_no

UTTERANCES = [
    (grammars.NAME, "my name is dana reyes"),
    (grammars.NAME, "it's peter garcia"),
    (grammars.BUSINESS, "we run a plumbing company"),
    (grammars.BUSINESS, "it's a dental clinic"),
    (grammars.NEED, "we want to book more appointments"),
    (grammars.EMAIL, "omar at gmail dot com"),
    (grammars.YESNO, "yes"),
    (grammars.YESNO, "no"),
    (grammars.YESNO, "can you repeat that"),
    (grammars.DIGITS, "five five five one two three four five six seven"),
]


@pytest.fixture(scope="module")
def recognizer() -> Recognizer:
    return POOL.acquire()


def _recognise(recognizer: Recognizer, search: str, audio: bytes) -> str:
    pcm = ulaw_to_pcm(audio)
    recognizer.begin(search)
    for start in range(0, len(pcm), 160):
        recognizer.feed(pcm[start : start + 160])
    return recognizer.finish()


@pytest.mark.parametrize("voice", ["kal", "rms"])
def test_flite_speech_is_recognised_word_for_word(recognizer: Recognizer, voice: str) -> None:
    wrong = []
    for search, words in UTTERANCES:
        got = _recognise(recognizer, search, render(words, voice))
        same = yes_or_no(got) == yes_or_no(words) if search == grammars.YESNO else got == words
        if not same:
            wrong.append((words, got))
    # Every recogniser of the process starts from the same state (test_asr_reset.py), whatever
    # ran before: kal gets two of the ten wrong ("it's peter garcia" → "the peter garcia", the
    # gmail address), rms one.
    assert len(wrong) <= 2, wrong


def test_an_email_made_of_the_callers_own_words_is_recognised(recognizer: Recognizer) -> None:
    recognizer.reset()  # as at the start of a call
    recognizer.set_hints(["dana", "reyes", "plumbing", "company"])
    audio = render("dana at reyes plumbing dot com", "kal")
    assert _recognise(recognizer, grammars.EMAIL, audio) == "dana at reyes plumbing dot com"
    recognizer.set_hints([])


def test_the_listener_finds_the_utterance_in_a_stream_of_frames(recognizer: Recognizer) -> None:
    import base64

    listener = Listener(recognizer, POOL)
    listener.search = grammars.BUSINESS
    silence = b"\xff" * 160
    audio = silence * 25 + render("we run a plumbing company", "awb") + silence * 40
    frames = [base64.b64encode(audio[i : i + 160]).decode() for i in range(0, len(audio), 160)]
    heard = listener.process(frames)
    assert [h.kind for h in heard] == ["started", "stopped"]
    assert heard[1].text == "we run a plumbing company"
    assert 400 <= heard[0].at_ms <= 900  # after the half second of silence (+ flite's lead-in)
    assert listener.partial() == ""  # no utterance in progress
