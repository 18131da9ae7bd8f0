"""The barge-in rule itself: which words interrupt, and how long caller audio must last."""

import base64

import pytest

from callcenter.voice.barge_in import BargeIn, interrupts, level, words, words_interrupt

SILENT = b"\xff" * 160
LOUD = b"\x22" * 160  # about -12 dBFS
HISS = bytes([0xF8, 0x78] * 80)  # a quiet line's noise


def b64(frame: bytes) -> str:
    return base64.b64encode(frame).decode()


def feed(barge: BargeIn, frame: bytes, count: int) -> list[int]:
    """Feed `count` frames; the audio positions (ms) at which the caller was found to interrupt."""
    hits = []
    for _ in range(count):
        at = barge.position_ms
        if barge.heard(b64(frame)):
            hits.append(at)
    return hits


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mhmm.", False),
        ("Uh huh", False),
        ("uh-huh", False),
        ("Mm-hmm!", False),
        ("OK", False),
        ("Yeah, okay.", True),  # two words, as the contract counts them
        ("right right", True),
        ("", False),
        ("Stop.", False),  # one word, short: not enough
        ("Wait, stop.", True),
        ("Sure, but how much is it?", True),
        ("yeah no", True),
    ],
)
def test_two_or_more_words_interrupt_and_a_lone_word_does_not(text: str, expected: bool) -> None:
    assert words_interrupt(text) is expected


def test_words_are_normalised_one_spelling_per_backchannel() -> None:
    assert words("Uh huh, OK. Mm hmm… yea") == ["uh-huh", "okay", "mhmm", "yeah"]


def test_a_whole_sound_interrupts_by_its_length_or_its_words() -> None:
    assert not interrupts(399, "mhmm")
    assert interrupts(400, "mhmm")
    assert interrupts(150, "hang on")


def test_loudness_steps_order_silence_hiss_and_speech() -> None:
    assert level(SILENT) == 0
    assert 0 < level(HISS) < 16
    assert level(LOUD) > 80


def test_the_agent_is_interrupted_once_speech_over_it_lasts_400_ms() -> None:
    barge = BargeIn()
    feed(barge, SILENT, 50)
    onset = barge.position_ms
    assert not barge.heard(b64(LOUD))
    assert not barge.started("item_1", onset, over_agent=True)  # reported right away
    hits = feed(barge, LOUD, 40)
    assert hits[0] == onset + 380  # the frame that ends 400 ms of speech
    assert len(hits) == 1  # decided once
    assert barge.stopped("item_1")  # and the caller's turn is answered when it ends


def test_a_start_reported_late_counts_the_audio_already_heard() -> None:
    barge = BargeIn()
    feed(barge, SILENT, 20)
    onset = barge.position_ms
    feed(barge, LOUD, 25)  # 500 ms of speech before the engine's VAD says so
    assert barge.started("item_1", onset, over_agent=True)


def test_a_cough_or_a_backchannel_over_the_agent_is_passed_over() -> None:
    barge = BargeIn()
    feed(barge, SILENT, 50)
    for n, (ms, said) in enumerate([(150, ""), (300, "Mhmm."), (360, "Uh huh.")]):
        item = f"item_{n}"
        assert not barge.started(item, barge.position_ms, over_agent=True)
        assert feed(barge, LOUD, ms // 20) == []
        assert feed(barge, SILENT, 25) == []
        assert not barge.stopped(item)  # no answer at the end of it
        assert not barge.transcript(item, said)  # nor after its words


def test_short_words_that_interrupt_interrupt_once_transcribed() -> None:
    barge = BargeIn()
    feed(barge, SILENT, 50)
    assert not barge.started("item_1", barge.position_ms, over_agent=True)
    assert feed(barge, LOUD, 15) == []  # 300 ms
    assert not barge.stopped("item_1")
    assert barge.transcript("item_1", "Wait, stop.")


def test_pauses_longer_than_a_gap_between_words_start_a_new_stretch() -> None:
    barge = BargeIn()
    feed(barge, SILENT, 50)
    assert not barge.started("item_1", barge.position_ms, over_agent=True)
    sounds = [(LOUD, 10), (SILENT, 15), (LOUD, 10), (SILENT, 15), (LOUD, 10)]
    assert [hit for frame, n in sounds for hit in feed(barge, frame, n)] == []
    # Short pauses inside speech do not: 200 + 100 + 200 ms is one 500 ms stretch.
    barge = BargeIn()
    feed(barge, SILENT, 50)
    assert not barge.started("item_1", barge.position_ms, over_agent=True)
    assert feed(barge, LOUD, 10) + feed(barge, SILENT, 5) + feed(barge, LOUD, 10)


def test_a_noisy_line_raises_the_bar_above_its_floor() -> None:
    barge = BargeIn()
    hum = b"\xc0" * 160  # a steady loud hum (step 63) the engine's VAD took for speech
    feed(barge, hum, 50)
    assert not barge.started("item_1", barge.position_ms, over_agent=True)
    assert feed(barge, hum, 40) == []  # no louder than the line was before it
    assert feed(barge, b"\x80" * 160, 25)  # speech well above the hum


def test_the_caller_talking_while_the_agent_is_quiet_is_always_answered() -> None:
    barge = BargeIn()
    assert not barge.started("item_1", 0, over_agent=False)
    assert feed(barge, LOUD, 10) == []  # nothing to interrupt
    assert barge.stopped("item_1")
    assert not barge.transcript("item_1", "Okay.")  # already answered at its end


def test_every_backchannel_of_the_contract_is_one_word_that_does_not_interrupt() -> None:
    from callcenter.voice.barge_in import BACKCHANNELS

    for word in sorted(BACKCHANNELS):
        assert words(word) == [word]
        assert not interrupts(200, word)
