"""Ending the caller's turn early when their words already answer the question."""

import base64

import pytest

from callcenter.sim.personas import PERSONAS
from callcenter.sim.speech import render
from callcenter.voice.providers.local.asr import POOL, Recognizer
from callcenter.voice.providers.local.dialog import Dialog, State
from callcenter.voice.providers.local.listener import Heard, Listener

SILENCE = b"\xff" * 160


@pytest.fixture(scope="module")
def recognizer() -> Recognizer:
    # A decoder of its own, not one from the shared pool that earlier calls in this process
    # have used: what is asserted here is timing, on recognition that must not vary by test order.
    return Recognizer()


def _dialog_in(state: State) -> Dialog:
    dialog = Dialog(company="Acme", caller_number="+14155550100")
    dialog.state = state
    return dialog


@pytest.mark.parametrize(
    ("state", "words", "complete"),
    [
        (State.EMAIL_CONFIRM, "yes", True),
        (State.PHONE_CONFIRM, "no", True),
        (State.PHONE_READBACK, "that's right", True),
        (State.NAME, "my name is dana reyes", True),
        (State.NAME, "my name is dana", False),  # a last name may follow
        (State.NAME, "my name is", False),
        (State.BUSINESS, "we run a plumbing company", True),
        (State.BUSINESS, "we run a plumbing", False),  # "plumbing company" is still possible
        (State.BUSINESS, "it's a dental clinic", True),
        (State.BUSINESS, "we run a", False),
        (State.NEED, "we want to book more appointments", False),  # open answers wait
        (State.EMAIL, "dana at reyes plumbing dot com", True),
        (State.EMAIL, "dana at reyes plumbing", False),
        (State.EMAIL_SPELL, "d a n a at x dot c o m", True),
        (State.EMAIL_SPELL, "d a n a at x dot c o", False),
        (State.PHONE, "four one five five five five zero one zero five", True),
        (State.PHONE, "four one five five five", False),
        (State.EMAIL, "can you repeat that", True),
    ],
)
def test_only_closed_answers_end_the_turn_early(state: State, words: str, complete: bool) -> None:
    assert _dialog_in(state).complete(words) is complete


def _listen(listener: Listener, audio: bytes) -> list[tuple[Heard, int]]:
    """Feed frame by frame; each event with the frame index it came out at."""
    out = []
    for n in range(0, len(audio), 160):
        for heard in listener.process([base64.b64encode(audio[n : n + 160]).decode()]):
            out.append((heard, n // 160))
    return out


def _heard(recognizer: Recognizer, state: State, words: str, early: bool) -> tuple[int, str]:
    """The frame at which the turn was judged over, and the words recognised."""
    recognizer.reset()  # as at the start of a call
    listener = Listener(recognizer, POOL)
    dialog = _dialog_in(state)
    listener.search = dialog.search
    if early:
        listener.complete = dialog.complete
    events = _listen(listener, SILENCE * 25 + render(words, "kal") + SILENCE * 50)
    assert [h.kind for h, _ in events] == ["started", "stopped"]
    return events[1][1], events[1][0].text


def _stop_frame(recognizer: Recognizer, state: State, words: str, early: bool) -> int:
    frame, text = _heard(recognizer, state, words, early)
    assert text == words
    return frame


@pytest.mark.parametrize(
    ("state", "words"),
    [(State.EMAIL_CONFIRM, "yes"), (State.NAME, "my name is dana reyes")],
)
def test_a_complete_answer_is_heard_sooner_with_the_same_words(
    recognizer: Recognizer, state: State, words: str
) -> None:
    waited = _stop_frame(recognizer, state, words, early=False)
    early = _stop_frame(recognizer, state, words, early=True)
    assert waited - early >= 5  # at least 100 ms sooner


def test_an_incomplete_answer_waits_for_the_endpointer(recognizer: Recognizer) -> None:
    need = PERSONAS["dana"].need.lower()
    # The open need model does not always get every word of a long answer; what matters here
    # is that ending early changes neither when the turn ends nor what was heard.
    waited = _heard(recognizer, State.NEED, need, early=False)
    early = _heard(recognizer, State.NEED, need, early=True)
    assert early == waited
    assert len(set(waited[1].split()) & set(need.split())) >= len(need.split()) * 0.6


def test_a_caller_who_goes_on_talking_starts_a_new_turn(recognizer: Recognizer) -> None:
    listener = Listener(recognizer, POOL)
    dialog = _dialog_in(State.EMAIL_CONFIRM)
    listener.search = dialog.search
    listener.complete = dialog.complete
    pause = SILENCE * 11  # 220 ms: shorter than the endpointer's pause, longer than early's
    audio = SILENCE * 25 + render("yes", "kal") + pause + render("yes", "kal") + SILENCE * 50
    kinds = [h.kind for h, _ in _listen(listener, audio)]
    assert kinds == ["started", "stopped", "started", "stopped"]


def _answer_then_go_on(listener: Listener, audio: bytes) -> list[Heard]:
    """Feed the audio (then a second of silence) as the name's answer; when a turn ends the
    agent moves on to the business question, so the listener's search changes."""
    listener.search = _dialog_in(State.NAME).search
    events = []
    audio += SILENCE * 50
    for n in range(0, len(audio), 160):
        for heard in listener.process([base64.b64encode(audio[n : n + 160]).decode()]):
            events.append(heard)
            if heard.kind == "stopped":
                listener.search = _dialog_in(State.BUSINESS).search
    return events


def test_a_caller_who_goes_on_is_heard_whole_with_the_question_they_began_on(
    recognizer: Recognizer,
) -> None:
    # "my name is dana" taken as the whole name (as a search that always finds a first and a
    # last name does), then "reyes" after a short pause: the rest belongs to the name, heard
    # with the name's search, not the business question's.
    recognizer.reset()
    listener = Listener(recognizer, POOL)
    listener.complete = lambda words: True
    pause = SILENCE * 3  # with the words' own trailing quiet, ~300 ms: the endpointer waits on
    audio = SILENCE * 25 + render("my name is dana", "kal") + pause + render("reyes", "kal")
    events = _answer_then_go_on(listener, audio)
    assert [(h.kind, h.resumes) for h in events] == [
        ("started", False),
        ("stopped", False),
        ("started", True),
        ("stopped", False),
    ]
    assert [h.text for h in events if h.kind == "stopped"] == [
        "my name is dana",
        "my name is dana reyes",
    ]


def test_an_answer_to_the_next_question_is_a_turn_of_its_own(recognizer: Recognizer) -> None:
    # Over a second after the last words (the agent's question between them): a new answer,
    # heard with the search the listener has now.
    recognizer.reset()
    listener = Listener(recognizer, POOL)
    gap = SILENCE * 60
    audio = SILENCE * 25 + render("my name is dana reyes", "kal") + gap
    events = _answer_then_go_on(listener, audio + render("we run a plumbing company", "kal"))
    assert [(h.kind, h.resumes) for h in events] == [
        ("started", False),
        ("stopped", False),
        ("started", False),
        ("stopped", False),
    ]
    assert [h.text for h in events if h.kind == "stopped"] == [
        "my name is dana reyes",
        "we run a plumbing company",
    ]
