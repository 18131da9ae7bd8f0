"""What a finished dial means for its contact, by outcome, attempts and the retry policy."""

from datetime import UTC, datetime, timedelta

import pytest

from callcenter.campaigns.policy import RetryPolicy, call_outcome, judge
from callcenter.db.campaign_models import ContactState

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
POLICY = RetryPolicy(max_attempts=3, retry_after_seconds=600)


@pytest.mark.parametrize(
    ("status", "answered_by", "outcome"),
    [
        ("completed", "human", "completed"),
        ("completed", None, "completed"),
        ("completed", "machine_end_beep", "machine"),
        ("completed", "fax", "machine"),
        ("no-answer", None, "no-answer"),
        ("busy", None, "busy"),
    ],
)
def test_the_outcome_is_machine_when_amd_says_so_else_the_status(
    status: str, answered_by: str | None, outcome: str
) -> None:
    assert call_outcome(status, answered_by) == outcome


@pytest.mark.parametrize("outcome", ["no-answer", "busy", "failed", "machine"])
def test_a_retryable_outcome_waits_retry_after_seconds_while_attempts_remain(outcome: str) -> None:
    verdict = judge(outcome, attempts=2, policy=POLICY, now=NOW)
    assert verdict.state is ContactState.retry
    assert verdict.next_attempt_at == NOW + timedelta(seconds=600)


def test_after_the_last_attempt_a_retryable_outcome_fails() -> None:
    assert judge("no-answer", attempts=3, policy=POLICY, now=NOW).state is ContactState.failed
    assert judge("machine", attempts=3, policy=POLICY, now=NOW).state is ContactState.failed


def test_a_conversation_is_done_and_a_machine_outside_the_policy_counts_as_reached() -> None:
    no_machine = RetryPolicy(retry_on=frozenset({"busy"}))
    assert judge("completed", attempts=1, policy=POLICY, now=NOW).state is ContactState.done
    assert judge("machine", attempts=1, policy=no_machine, now=NOW).state is ContactState.done
    assert judge("no-answer", attempts=1, policy=no_machine, now=NOW).state is ContactState.failed
    assert judge("canceled", attempts=1, policy=POLICY, now=NOW).state is ContactState.failed
