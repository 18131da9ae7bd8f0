"""Turn starts and ends: short answers on a noisy line are heard, and turns end as before."""

import pytest
from pocketsphinx import Endpointer as PocketsphinxEndpointer
from pocketsphinx import Vad

from callcenter.sim.channel import telephone
from callcenter.sim.heldout import HELDOUT
from callcenter.sim.speech import render
from callcenter.voice.providers.local.audio import ulaw_to_pcm
from callcenter.voice.providers.local.endpointer import Endpointer
from callcenter.voice.providers.local.vad import FRAME_SAMPLES, TurnDetector

SILENCE = b"\xff" * 8000  # 1 s of μ-law silence


def _frames(ulaw: bytes) -> list[bytes]:
    pcm = ulaw_to_pcm(ulaw)
    step = FRAME_SAMPLES
    return [pcm[i : i + step].tobytes() for i in range(0, len(pcm) - step + 1, step)]


def _turns(ulaw: bytes) -> tuple[int, int]:
    detector = TurnDetector()
    started = stopped = 0
    for frame in _frames(ulaw):
        result = detector.push(frame)
        started += result.started
        stopped += result.stopped
    return started, stopped


@pytest.mark.parametrize("word", ["yes", "no", "nope"])
def test_a_short_answer_on_a_noisy_line_is_a_turn(word: str) -> None:
    # slt's "yes" fills less than 90 % of the 300 ms window on this line: it went unheard,
    # and the call waited for "Are you still there?".
    assert _turns(telephone(SILENCE + render(word, "slt") + SILENCE)) == (1, 1)


def test_the_line_noise_alone_is_no_turn() -> None:
    assert _turns(telephone(SILENCE * 20)) == (0, 0)


def test_with_one_ratio_it_starts_and_ends_exactly_where_pocketsphinx_does() -> None:
    said = SILENCE
    for key in ("brenda", "derek", "gloria"):
        persona = HELDOUT[key]
        for field in ("name", "confirm", "email"):
            said += render(persona.answer(field), persona.voice) + SILENCE
    for audio in (said, telephone(said)):
        theirs = PocketsphinxEndpointer(
            window=0.3, ratio=0.9, vad_mode=Vad.STRICT, sample_rate=8000, frame_length=0.02
        )
        ours = Endpointer(15, 0.9, 0.9, 0.02)
        voice = Vad(Vad.STRICT, 8000, 0.02)
        turns = 0
        for frame in _frames(audio):
            their_frame = theirs.process(frame)
            our_frame = ours.process(frame, bool(voice.is_speech(frame)))
            assert (our_frame is None) == (their_frame is None)
            if our_frame is not None:
                assert our_frame == bytes(their_frame)
            assert ours.in_speech == bool(theirs.in_speech)
            assert (ours.speech_start, ours.speech_end) == pytest.approx(
                (theirs.speech_start, theirs.speech_end), abs=1e-3
            )
            turns += their_frame is not None and not theirs.in_speech
        assert turns >= 6  # the comparison went through many starts and ends
