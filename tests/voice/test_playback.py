"""The playback ledger: what the caller heard, counted from echoed marks (pure)."""

import base64

from callcenter.voice.playback import Playback, b64_len, cut_at_word


def test_base64_length_is_computed_without_decoding() -> None:
    for size in range(0, 20):
        assert b64_len(base64.b64encode(b"x" * size).decode()) == size


def test_played_audio_is_what_the_echoed_marks_cover_and_stale_marks_are_ignored() -> None:
    playback = Playback()
    first = playback.forwarded("item_a", 0, 800)
    second = playback.forwarded("item_a", 0, 800)
    playback.forwarded("item_a", 0, 800)
    assert playback.acknowledged(first) is not None
    cut = playback.interrupt()
    assert cut is not None
    assert (cut.item_id, cut.audio_end_ms, cut.played, cut.sent) == ("item_a", 100, 800, 2400)
    # The echo of a mark that the clear flushed must not count as played.
    assert playback.acknowledged(second) is None
    assert not playback.has_pending


def test_a_new_item_starts_its_own_count() -> None:
    playback = Playback()
    playback.acknowledged(playback.forwarded("item_a", 0, 1600))
    mark = playback.forwarded("item_b", 0, 400)
    cut = playback.interrupt()
    assert cut is not None and cut.item_id == "item_b" and cut.audio_end_ms == 0
    assert playback.acknowledged(mark) is None


def test_truncate_point_never_exceeds_the_audio_received() -> None:
    playback = Playback()
    name = playback.forwarded("item_a", 0, 800)
    playback.pending[name] = ("item_a", 5000)  # a mark claiming more than was sent
    playback.acknowledged(name)
    playback.forwarded("item_a", 0, 8)
    cut = playback.interrupt()
    assert cut is not None and cut.audio_end_ms == 808 // 8


def test_text_is_cut_back_to_a_word_boundary() -> None:
    text = "Thanks for calling Acme, how can I help you today?"
    assert cut_at_word(text, 1.0) == text
    assert cut_at_word(text, 0.0) == ""
    assert cut_at_word(text, 0.5) == "Thanks for calling Acme,".rstrip(",")
    assert text.startswith(cut_at_word(text, 0.33))
    assert not cut_at_word(text, 0.33).endswith(" ")
