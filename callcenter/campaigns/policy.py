"""What a finished dial means for its contact: the outcome, and retry / done / failed (pure)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from callcenter.db.campaign_models import Campaign, ContactState

MACHINE = "machine"
COMPLETED = "completed"
RETRY_OUTCOMES = ("no-answer", "busy", "failed", MACHINE)
DEFAULT_RETRY_ON = RETRY_OUTCOMES
_MACHINE_PREFIXES = ("machine", "fax")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 3
    retry_after_seconds: int = 3600
    retry_on: frozenset[str] = frozenset(DEFAULT_RETRY_ON)

    @classmethod
    def of(cls, campaign: Campaign) -> "RetryPolicy":
        return cls(
            max_attempts=campaign.max_attempts,
            retry_after_seconds=campaign.retry_after_seconds,
            retry_on=frozenset(x for x in campaign.retry_on.split(",") if x),
        )


@dataclass(frozen=True, slots=True)
class Verdict:
    state: ContactState
    next_attempt_at: datetime | None = None


def call_outcome(status: str, answered_by: str | None) -> str:
    """A finished call as a campaign sees it: `machine` when AMD said so, else its status
    (`completed`, `no-answer`, `busy`, `failed`, `canceled`)."""
    if answered_by and answered_by.startswith(_MACHINE_PREFIXES):
        return MACHINE
    return status


def judge(outcome: str, *, attempts: int, policy: RetryPolicy, now: datetime) -> Verdict:
    """`retry` later while the policy allows another dial for this outcome; otherwise `done`
    for a conversation (or a machine the policy does not retry), `failed` for the rest."""
    if outcome == COMPLETED:
        return Verdict(ContactState.done)
    if outcome in policy.retry_on and attempts < policy.max_attempts:
        return Verdict(ContactState.retry, now + timedelta(seconds=policy.retry_after_seconds))
    if outcome == MACHINE and MACHINE not in policy.retry_on:
        return Verdict(ContactState.done)
    return Verdict(ContactState.failed)
