"""An inbound call is recorded once per CallSid, however many webhooks for it arrive at once."""

import threading
from concurrent.futures import ThreadPoolExecutor

from callcenter.calls import records
from callcenter.config import Settings
from tests.support.served_core import calls_in_db, status_events

SID = "CA" + "7" * 32


def test_a_webhook_and_its_retries_at_once_record_one_call(db: Settings) -> None:
    go = threading.Barrier(8)

    def deliver(_: int) -> records.CallUpdate:
        go.wait()
        return records.record_inbound(
            call_sid=SID, from_number="+14155550123", to_number="+14155550100"
        )

    with ThreadPoolExecutor(8) as pool:
        updates = list(pool.map(deliver, range(8)))

    [call] = calls_in_db()
    assert {u.call.id for u in updates} == {call.id}
    assert sum(u.created for u in updates) == 1
    assert (call.status.value, call.from_number, call.to_number) == (
        "ringing",
        "+14155550123",
        "+14155550100",
    )
    assert call.id is not None
    assert [e.status for e in status_events(call.id)] == ["ringing"]


def test_a_new_call_has_its_start_and_first_status_stamped(db: Settings) -> None:
    update = records.record_inbound(call_sid=SID, from_number="+14155550123", to_number="")
    assert update.created
    assert update.call.started_at is not None
    assert update.call.started_at.tzinfo is not None
    assert update.call.id is not None
    [event] = status_events(update.call.id)
    assert (event.status, event.source) == ("ringing", "app")
    assert event.occurred_at == update.call.started_at
