"""Every live call's finished turns go to the database through one writer, batched."""

import asyncio

import pytest
from sqlalchemy import event

from callcenter.config import Settings
from callcenter.db.session import get_engine
from callcenter.db.types import utcnow
from callcenter.live.events import CallEvent
from callcenter.live.hub import LiveHub
from callcenter.voice.transcript_writer import TranscriptWriter, Turn, _BatchWriter
from tests.support.loop_shutdown import Close, closes_at_loop_shutdown
from tests.voice.bridge_calls import turns
from tests.voice.conftest import make_call

CALLS = 30


def _turn(call_id: int, n: int) -> Turn:
    role = "caller" if n % 2 else "agent"
    return Turn(call_id, f"item_{n}", role, f"turn {n} of call {call_id}", utcnow())


async def _turn_events(events: "asyncio.Queue[CallEvent]", count: int) -> list[CallEvent]:
    return [await events.get() for _ in range(count)]


async def test_turns_of_many_calls_land_in_order_in_fewer_transactions(migrated: Settings) -> None:
    call_ids = [make_call(call_sid=f"CA{n:032d}") for n in range(CALLS)]
    commits = 0

    def count_commit(_connection: object) -> None:
        nonlocal commits
        commits += 1

    engine = get_engine()
    event.listen(engine, "commit", count_commit)
    hub = LiveHub()
    events = hub.subscribe("test")
    writers = [TranscriptWriter(hub) for _ in call_ids]
    try:
        for writer, call_id in zip(writers, call_ids, strict=True):
            writer.start()
            for n in range(3):
                writer.add(_turn(call_id, n))
        async with asyncio.timeout(30):
            published = await _turn_events(events, 3 * CALLS)
            for writer in writers:
                await writer.close()
    finally:
        event.remove(engine, "commit", count_commit)
    for call_id in call_ids:
        expected = [f"turn {n} of call {call_id}" for n in range(3)]
        assert [t.text for t in turns(call_id)] == expected
        # Each call's turns reach the live view after they are committed, in spoken order.
        assert [e.data["text"] for e in published if e.call_id == call_id] == expected
    assert commits < CALLS  # ninety turns of thirty calls did not take a commit each


async def test_a_call_whose_turns_cannot_be_written_holds_back_no_other_call(
    migrated: Settings,
) -> None:
    good = make_call()
    gone = good + 1000  # no such call: its turns break the foreign key
    hub = LiveHub()
    events = hub.subscribe("test")
    broken, healthy = TranscriptWriter(hub, retry_first=0.05), TranscriptWriter(hub)
    broken.start()
    healthy.start()
    try:
        broken.add(_turn(gone, 0))
        healthy.add(_turn(good, 0))
        healthy.add(_turn(good, 1))
        async with asyncio.timeout(30):
            published = await _turn_events(events, 2)
        assert [e.call_id for e in published] == [good, good]
        assert [t.text for t in turns(good)] == [f"turn {n} of call {good}" for n in range(2)]
        assert broken.pending == 1  # kept, and retried: nothing is lost while it fails
        assert broken.failures >= 1
    finally:
        await healthy.close()
        await broken.close(grace=0.1)
    # The broken call's writer gave up waiting; the process's writer thread goes on for others.
    later = TranscriptWriter(hub)
    later.start()
    later.add(_turn(good, 2))
    async with asyncio.timeout(30):
        [event] = await _turn_events(events, 1)
    await later.close()
    assert event.data["text"] == f"turn 2 of call {good}"
    assert [t.text for t in turns(good)][-1] == f"turn 2 of call {good}"


async def test_a_closing_call_does_not_wait_for_company(
    migrated: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Turns wait a moment for other calls' turns to share a transaction, but a call that is
    closing has its last turns written at once (its after-call work reads them next)."""
    monkeypatch.setattr(_BatchWriter, "WINDOW_S", 60.0)
    call_id = make_call()
    hub = LiveHub()
    events = hub.subscribe("test")
    writer = TranscriptWriter(hub)
    writer.start()
    writer.add(_turn(call_id, 0))
    async with asyncio.timeout(10):  # a minute without the flush
        await writer.close()
        [event] = await _turn_events(events, 1)
    assert event.data["text"] == f"turn 0 of call {call_id}"
    assert [t.text for t in turns(call_id)] == [f"turn 0 of call {call_id}"]


def test_a_call_ending_with_the_event_loop_does_not_wait_out_its_grace(migrated: Settings) -> None:
    """The call, closing its transcript writer on the way out, must not wait out its grace for
    a writer task that was cancelled with it."""
    gone = make_call() + 1000  # no such call: its turn can never be written

    async def open_call() -> Close:
        writer = TranscriptWriter(LiveHub(), retry_first=0.05)
        writer.start()
        writer.add(_turn(gone, 0))
        return lambda: writer.close(grace=600)

    assert closes_at_loop_shutdown(open_call, within=60), "the call waits out its grace"
