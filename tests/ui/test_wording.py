"""Call words: who hung up, who reported a status, one line per status change."""

from dataclasses import dataclass

from callcenter.db.models import CallDirection, EndReason
from callcenter.ui.wording import end_reason_text, source_text, without_repeats


def test_the_person_we_called_hanging_up_is_not_called_the_caller() -> None:
    assert end_reason_text(EndReason.caller_hung_up, CallDirection.outbound) == "they hung up"
    assert end_reason_text(EndReason.caller_hung_up, CallDirection.inbound) == "caller hung up"
    assert end_reason_text(EndReason.agent_ended, "outbound") == "agent ended"
    assert end_reason_text(None, "inbound") == ""


def test_carrier_callbacks_are_the_simulators_without_a_twilio_account() -> None:
    assert source_text("twilio", real_carrier=False) == "simulator"
    assert source_text("twilio", real_carrier=True) == "Twilio"
    assert source_text("app", real_carrier=False) == ""


@dataclass
class _Event:
    status: str
    source: str


def test_a_status_reported_twice_is_listed_once() -> None:
    events = [
        _Event("ringing", "twilio"),
        _Event("in-progress", "stream"),
        _Event("in-progress", "twilio"),
        _Event("completed", "twilio"),
    ]
    assert [e.status for e in without_repeats(events)] == ["ringing", "in-progress", "completed"]
