"""The recent-activity feed: one "Lead captured" per call, newest first, after restarts too."""

from callcenter.ui.live.cards import Activity
from callcenter.ui.live.feed import lead_key, merged


def _item(key: str, at: str, text: str) -> Activity:
    return Activity(key=key, call_id=1, text=text, at=at, time=at[11:19])


def test_each_captured_field_updates_one_line_instead_of_adding_one() -> None:
    feed = [_item("call_started-1", "2026-12-01T10:00:00+00:00", "Incoming call from +1 …")]
    for second, text in enumerate(("Tom", "Tom Fisher", "Tom Fisher (plumbing)"), start=1):
        at = f"2026-12-01T10:00:0{second}+00:00"
        feed = merged(feed, _item(lead_key(1), at, f"Lead captured: {text}"), limit=12)
    assert [line.text for line in feed] == [
        "Lead captured: Tom Fisher (plumbing)",
        "Incoming call from +1 …",
    ]
    assert feed[0].at == "2026-12-01T10:00:01+00:00"  # when the lead was first captured


def test_lines_arriving_out_of_order_are_shown_newest_first_and_bounded() -> None:
    feed: list[Activity] = []
    for minute in (3, 1, 4, 2, 5):
        at = f"2026-12-01T10:0{minute}:00+00:00"
        feed = merged(feed, _item(f"call_ended-{minute}", at, f"call {minute}"), limit=4)
    assert [line.text for line in feed] == ["call 5", "call 4", "call 3", "call 2"]
