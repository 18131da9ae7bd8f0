"""The call state machine as pure code: statuses in order, what a final status implies."""

from dataclasses import dataclass
from datetime import datetime

from callcenter.db.models import FINAL_STATUSES, CallStatus, EndReason

# How far along a call is; a status is applied only when it moves the call forward.
_RANK = {
    CallStatus.queued: 0,
    CallStatus.ringing: 1,
    CallStatus.in_progress: 2,
}
_FINAL_RANK = 3

# The end reason a final carrier status implies when the app has not recorded one itself.
_END_REASONS = {
    CallStatus.busy: EndReason.busy,
    CallStatus.no_answer: EndReason.no_answer,
    CallStatus.canceled: EndReason.canceled,
    CallStatus.failed: EndReason.error,
    CallStatus.completed: EndReason.caller_hung_up,
}

# Values Twilio sends in `CallStatus` that are not statuses of ours.
_STATUS_ALIASES = {"initiated": CallStatus.queued}

MACHINE_PREFIXES = ("machine", "fax")


def rank(status: CallStatus) -> int:
    return _FINAL_RANK if status in FINAL_STATUSES else _RANK[status]


def moves_forward(current: CallStatus, new: CallStatus) -> bool:
    """True when `new` is a step forward from `current`; a call never moves backwards, and a
    final status is never replaced (completed stays completed)."""
    return rank(new) > rank(current)


def is_final(status: CallStatus) -> bool:
    return status in FINAL_STATUSES


def parse_status(value: str | None) -> CallStatus | None:
    """Twilio's `CallStatus` form value as ours; None for anything unknown."""
    if not value:
        return None
    value = value.strip().lower()
    if value in _STATUS_ALIASES:
        return _STATUS_ALIASES[value]
    try:
        return CallStatus(value)
    except ValueError:
        return None


def implied_end_reason(status: CallStatus) -> EndReason | None:
    """Why a call ended when the carrier reports `status` and we recorded no reason."""
    return _END_REASONS.get(status)


def is_machine(answered_by: str | None) -> bool:
    """True for Twilio AMD values that mean no person answered (machine_*, fax)."""
    return bool(answered_by) and str(answered_by).startswith(MACHINE_PREFIXES)


def talk_seconds(*, answered_at: datetime | None, ended_at: datetime) -> int:
    """A call's duration from our clock: answer to end; 0 for a call nobody answered."""
    if answered_at is None:
        return 0
    return max(0, round((ended_at - answered_at).total_seconds()))


@dataclass(frozen=True, slots=True)
class StatusChange:
    """What applying one status report did to a call (the end itself is not applied here)."""

    changed: bool = False
    # The report carries a final status: the call must end with this status and reason.
    ends_with: CallStatus | None = None
