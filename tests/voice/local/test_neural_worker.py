"""Moonshine in its decoder processes: a caller who pauses mid-answer or mid-spelling, a search
stopped when they go on, and a process that dies."""

import logging
import os
import signal

import numpy as np
import pytest

from callcenter.sim.channel import telephone
from callcenter.sim.heldout import HELDOUT
from callcenter.sim.speech import render
from callcenter.voice.providers.local import grammars
from callcenter.voice.providers.local.asr import Recognizer
from callcenter.voice.providers.local.audio import resample, ulaw_to_pcm
from callcenter.voice.providers.local.neural_asr import NeuralRecognizer
from callcenter.voice.providers.local.neural_search import Cancelled
from callcenter.voice.providers.local.neural_worker import DecoderProcess
from callcenter.voice.providers.local.understanding import (
    parse_business,
    parse_name,
    parse_spelled,
)

pytestmark = pytest.mark.timeout(180)

GORDON = HELDOUT["gordon"]


def _line(field: str) -> list:
    pcm = ulaw_to_pcm(telephone(render(GORDON.answer(field), GORDON.voice)))
    return [pcm[start : start + 160] for start in range(0, len(pcm), 160)]


@pytest.fixture(scope="module")
def recognizer():  # type: ignore[no-untyped-def]
    neural = NeuralRecognizer(Recognizer(), DecoderProcess())
    yield neural
    neural._decoder.restart()  # type: ignore[union-attr]


def test_words_after_a_pause_are_decoded_with_the_words_before_it(recognizer) -> None:  # type: ignore[no-untyped-def]
    frames = _line("name")
    half = len(frames) // 2
    recognizer.begin(grammars.NAME)
    for frame in frames[:half]:
        recognizer.feed(frame)
    recognizer.pause()  # a decode of the first half starts: the caller then goes on
    for frame in frames[half:]:
        recognizer.feed(frame)
    assert parse_name(recognizer.finish()) == GORDON.name


def test_a_pause_at_the_end_of_the_answer_gives_the_same_words_as_the_turn_end(recognizer) -> None:  # type: ignore[no-untyped-def]
    frames = _line("business")
    heard = []
    for pause in (False, True):
        recognizer.begin(grammars.BUSINESS)
        for frame in frames:
            recognizer.feed(frame)
        if pause:
            recognizer.pause()
        heard.append(recognizer.finish())
    assert heard[0] == heard[1]
    assert parse_business(heard[1]) == GORDON.business


def _spelled_by(recognizer, frames: list, pause_at: list[int]) -> tuple[str, list]:  # type: ignore[no-untyped-def]
    """GORDON spells his address, pausing (as the listener tells the recogniser) at each of
    `pause_at` frames; returns the address heard and the searches started at pauses inside it."""
    recognizer.reset()
    recognizer.set_caller(GORDON.name, GORDON.business)
    recognizer.begin(grammars.SPELL)
    inside = []
    for index, frame in enumerate(frames):
        if index in pause_at:
            recognizer.pause()
            inside.append(recognizer._early[2])
        recognizer.feed(frame)
    if len(frames) in pause_at:
        recognizer.pause()
        assert recognizer._early[0] == len(frames)  # the turn's end finds it searching already
    return parse_spelled(recognizer.finish())[0], inside


def _stopped(search) -> bool:  # type: ignore[no-untyped-def]
    if search.cancelled():  # still queued when the caller went on
        return True
    with pytest.raises(Cancelled):
        search.result(timeout=60)
    return True


def test_a_spelled_address_searched_at_pauses_is_the_whole_of_it(recognizer) -> None:  # type: ignore[no-untyped-def]
    frames = _line("spell")
    # Paused a third and two thirds of the way (the caller goes on: those searches stop), and
    # at the end (the search whose words the turn then takes).
    pauses = [len(frames) // 3, 2 * len(frames) // 3, len(frames)]
    heard, inside = _spelled_by(recognizer, frames, pauses)
    assert heard == GORDON.email
    assert len(inside) == 2 and all(_stopped(search) for search in inside)
    assert _spelled_by(recognizer, frames, [])[0] == GORDON.email


def test_a_stopped_search_frees_its_process_for_the_next_decode(recognizer) -> None:  # type: ignore[no-untyped-def]
    process: DecoderProcess = recognizer._decoder
    process.prepare_spelling(GORDON.name, GORDON.business).result(timeout=60)
    pcm = np.concatenate(_line("spell"))
    pcm16k = resample(pcm, 8000, 16000).astype(np.float32) / 32768
    ticket = process.ticket()
    moot = process.decode(grammars.SPELL, pcm16k, GORDON.name, GORDON.business, "", ticket)
    wanted = process.decode(grammars.BUSINESS, pcm16k[: 16000 * 2], GORDON.name, "")
    # Stopped while queued or running: the process's search stops at its next step (the
    # future itself is not cancelled, so `Cancelled` can only come from there).
    process.stop(ticket)
    with pytest.raises(Cancelled):
        moot.result(timeout=60)
    assert isinstance(wanted.result(timeout=60), str)
    unstopped = process.decode(grammars.SPELL, pcm16k, GORDON.name, GORDON.business, "", 0)
    assert parse_spelled(unstopped.result(timeout=60))[0] == GORDON.email


def test_a_decoder_process_that_dies_costs_one_turn_its_words_not_the_call(
    recognizer, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    process = recognizer._decoder
    pid = process.ready().result(timeout=60)
    recognizer.begin(grammars.NAME)
    for frame in _line("name"):
        recognizer.feed(frame)
    os.kill(pid, signal.SIGKILL)  # the process dies (out of memory, a crash) mid-call
    with caplog.at_level(logging.WARNING):
        grammar_words = recognizer.finish()
    assert any("Moonshine decode failed" in r.getMessage() for r in caplog.records)
    assert parse_name(grammar_words) != GORDON.name  # pocketsphinx's grammar does not know him
    # The next turn is decoded by a new process.
    assert process.ready().result(timeout=60) != pid
    recognizer.begin(grammars.NAME)
    for frame in _line("name"):
        recognizer.feed(frame)
    assert parse_name(recognizer.finish()) == GORDON.name
