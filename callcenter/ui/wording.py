"""Words for what happened on a call, as the person looking at it would say them."""

from collections.abc import Sequence
from typing import Protocol, TypeVar

from callcenter.db.models import CallDirection, EndReason

_END_REASONS = {
    EndReason.ai_unavailable: "voice AI unavailable",
    EndReason.no_answer: "no answer",
    EndReason.time_limit: "time limit reached",
    EndReason.shutdown: "server shut down",
    EndReason.ended_by_user: "ended from the dashboard",
    EndReason.idle: "silence",
}


def end_reason_text(reason: EndReason | None, direction: CallDirection | str) -> str:
    """`caller_hung_up` on an outbound call is the person we called hanging up."""
    if reason is None:
        return ""
    if reason == EndReason.caller_hung_up:
        outbound = str(getattr(direction, "value", direction)) == "outbound"
        return "they hung up" if outbound else "caller hung up"
    return _END_REASONS.get(reason, reason.value.replace("_", " "))


def source_text(source: str, *, real_carrier: bool) -> str:
    """Who reported a status: the carrier's callbacks come from the simulator when no
    Twilio account is set."""
    if source == "twilio":
        return "Twilio" if real_carrier else "simulator"
    return "" if source == "app" else source


class _Status(Protocol):
    @property
    def status(self) -> str: ...


T = TypeVar("T", bound=_Status)


def without_repeats(events: Sequence[T]) -> list[T]:
    """Events with a status equal to the one before left out (several reports of one change)."""
    out: list[T] = []
    for event in events:
        if not out or out[-1].status != event.status:
            out.append(event)
    return out
