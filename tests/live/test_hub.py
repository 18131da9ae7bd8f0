"""The live hub: every sink gets every event in order; a failing sink hurts nobody else."""

import asyncio

from callcenter.live.events import CallEvent
from callcenter.live.hub import LiveHub


async def test_every_sink_receives_events_in_publish_order() -> None:
    hub = LiveHub()
    first = hub.subscribe("first")
    second = hub.subscribe("second")
    for n in range(5):
        hub.publish(CallEvent(kind="turn", call_id=1, data={"n": n}))
    got_first = [(await asyncio.wait_for(first.get(), 2)).data["n"] for _ in range(5)]
    got_second = [(await asyncio.wait_for(second.get(), 2)).data["n"] for _ in range(5)]
    assert got_first == got_second == [0, 1, 2, 3, 4]
    await hub.close()


async def test_a_failing_sink_does_not_stop_other_sinks_or_later_events() -> None:
    hub = LiveHub()
    seen: list[int] = []
    done = asyncio.Event()

    async def broken(event: CallEvent) -> None:
        raise RuntimeError("sink down")

    async def healthy(event: CallEvent) -> None:
        seen.append(event.call_id)
        if len(seen) == 3:
            done.set()

    hub.add_sink("broken", broken)
    hub.add_sink("healthy", healthy)
    for call_id in (1, 2, 3):
        hub.publish(CallEvent(kind="call_updated", call_id=call_id))
    await asyncio.wait_for(done.wait(), 2)
    assert seen == [1, 2, 3]
    await hub.close()


async def test_a_full_sink_drops_and_counts_instead_of_blocking_the_publisher() -> None:
    hub = LiveHub(queue_size=2)
    blocker = asyncio.Event()

    async def stuck(event: CallEvent) -> None:
        await blocker.wait()

    hub.add_sink("stuck", stuck)
    for _ in range(10):
        hub.publish(CallEvent(kind="turn", call_id=1))  # never awaits: the audio loop is safe
    assert hub.dropped >= 7
    blocker.set()
    await hub.close()


def test_events_serialise_with_iso_timestamps() -> None:
    event = CallEvent(kind="turn", call_id=7, data={"role": "caller", "text": "hi"})
    body = event.to_dict()
    assert body["kind"] == "turn" and body["call_id"] == 7
    assert body["at"].endswith("+00:00")
