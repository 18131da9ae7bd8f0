"""The agent's words are published as their audio is played, word by word, never ahead."""

from callcenter.live.events import CallEvent
from callcenter.voice.heard import HeardWords
from callcenter.voice.playback import Playback
from callcenter.voice.turns import TurnTracker

TEXT = "Thanks for calling Callcenter, this is Ava. Who am I speaking with?"


def test_words_grow_with_the_audio_played_and_only_when_a_word_is_complete() -> None:
    words = HeardWords()
    assert words.update("i1", TEXT, played=0, sent=8000) is None
    first = words.update("i1", TEXT, played=2000, sent=8000)
    assert first is not None and TEXT.startswith(first) and len(first) <= len(TEXT) // 4
    assert words.update("i1", TEXT, played=2001, sent=8000) is None  # no new word yet
    assert words.update("i1", TEXT, played=8000, sent=8000) == TEXT
    assert words.update("i1", TEXT, played=9000, sent=8000) is None


class _Hub:
    def __init__(self) -> None:
        self.events: list[CallEvent] = []

    def publish(self, event: CallEvent) -> None:
        self.events.append(event)


class _Writer:
    def add(self, turn: object) -> None:
        pass


def test_each_echoed_mark_publishes_the_words_heard_so_far() -> None:
    hub, playback = _Hub(), Playback()
    turns = TurnTracker(call_id=7, writer=_Writer(), hub=hub, playback=playback)  # type: ignore[arg-type]
    turns.agent_text("i1", TEXT, final=True, response_id="r1")
    marks = [playback.forwarded("i1", 0, 1600)[0] for _ in range(5)]  # 1 s of audio, 5 chunks
    for mark in marks:
        playback.acknowledged(mark)
        turns.heard("i1")
    heard = [e.data["text"] for e in hub.events if e.kind == "heard"]
    assert heard[-1] == TEXT
    assert all(TEXT.startswith(text) for text in heard)
    assert [len(t) for t in heard] == sorted({len(t) for t in heard})  # only ever growing
    assert len(heard) >= 4
