"""The playback ledger: what the caller heard, counted from echoed marks (pure)."""

import base64

from callcenter.voice.playback import Playback, b64_len, cut_at_word


def test_base64_length_is_computed_without_decoding() -> None:
    for size in range(0, 20):
        assert b64_len(base64.b64encode(b"x" * size).decode()) == size


def _sent(playback: Playback, item_id: str, nbytes: int) -> str:
    """Forward one chunk that closes its own mark (≥ 100 ms): the mark's name."""
    name, due = playback.forwarded(item_id, 0, nbytes)
    assert due
    return name


def test_played_audio_is_what_the_echoed_marks_cover_and_stale_marks_are_ignored() -> None:
    playback = Playback()
    first = _sent(playback, "item_a", 800)
    second = _sent(playback, "item_a", 800)
    _sent(playback, "item_a", 800)
    assert playback.acknowledged(first) is not None
    cut = playback.interrupt()
    assert cut is not None
    assert (cut.item_id, cut.audio_end_ms, cut.played, cut.sent) == ("item_a", 100, 800, 2400)
    # The echo of a mark that the clear flushed must not count as played.
    assert playback.acknowledged(second) is None
    assert not playback.has_pending


def test_one_mark_covers_100_ms_of_small_chunks_and_the_tail_is_flushed() -> None:
    playback = Playback()
    names = [playback.forwarded("item_a", 0, 160) for _ in range(7)]  # 7 × 20 ms
    # Five 20 ms chunks share a mark, sent after the fifth; the last two wait for the next one.
    assert [due for _, due in names] == [False, False, False, False, True, False, False]
    assert len({name for name, _ in names[:5]}) == 1
    assert names[5][0] == names[6][0] != names[0][0]
    assert playback.has_pending and playback.pending_for("item_a") == 2
    assert playback.acknowledged(names[0][0]) is not None
    assert playback.items["item_a"].played_ms == 100
    assert playback.flush() == names[6][0]  # the response ended: its tail gets a mark
    assert playback.flush() is None
    assert playback.acknowledged(names[6][0]) is not None
    assert playback.items["item_a"].played_ms == 140
    assert not playback.has_pending


def test_a_new_item_closes_the_previous_items_open_mark_first() -> None:
    playback = Playback()
    tail, due = playback.forwarded("item_a", 0, 160)
    assert not due
    assert playback.boundary("item_a", 0) is None  # same item: nothing to close
    assert playback.boundary("item_b", 0) == tail
    name, _ = playback.forwarded("item_b", 0, 160)
    assert name != tail
    assert playback.acknowledged(tail) is not None
    assert playback.items["item_a"].played_ms == 20


def test_a_new_item_starts_its_own_count() -> None:
    playback = Playback()
    playback.acknowledged(_sent(playback, "item_a", 1600))
    mark, _ = playback.forwarded("item_b", 0, 400)
    cut = playback.interrupt()
    assert cut is not None and cut.item_id == "item_b" and cut.audio_end_ms == 0
    assert playback.acknowledged(mark) is None
    assert not playback.has_pending  # the clear dropped the open mark too


def test_truncate_point_never_exceeds_the_audio_received() -> None:
    playback = Playback()
    name = _sent(playback, "item_a", 800)
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
