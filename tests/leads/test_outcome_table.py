"""The offline call review measured on a table of transcripts: outcome accuracy ≥ 90 %."""

import pytest

from callcenter.leads.extractor import Turn
from callcenter.leads.normalize import LeadFields
from callcenter.leads.review import CallFacts, Outcome
from callcenter.leads.review_rules import review_offline
from tests.leads.outcome_cases import CASES

REQUIRED_ACCURACY = 0.90


def facts_of(lines: list[str], lead: dict[str, str], end_reason: str | None) -> CallFacts:
    turns = [
        Turn(role="agent" if line.startswith("A:") else "caller", text=line[2:].strip())
        for line in lines
    ]
    status = {"no_answer": "no-answer", "busy": "busy", "canceled": "canceled"}
    return CallFacts(
        direction="outbound" if lines and "from Acme" in lines[0] else "inbound",
        status=status.get(end_reason or "", "completed"),
        end_reason=end_reason,
        turns=turns,
        lead=LeadFields(**lead),
    )


def test_the_table_is_big_enough_and_covers_every_outcome() -> None:
    assert len(CASES) >= 30
    assert {case[3] for case in CASES} == {o.value for o in Outcome}


def test_offline_outcome_accuracy_on_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    correct = 0
    misses: list[str] = []
    for lines, lead, reason, expected in CASES:
        got = review_offline(facts_of(lines, lead, reason)).outcome
        correct += got == expected
        if got != expected:
            misses.append(f"want {expected}, got {got.value}: {lines[-1:]!r} ({reason})")
    accuracy = correct / len(CASES)
    with capsys.disabled():
        print(f"\noffline outcome: {correct}/{len(CASES)} = {accuracy:.1%}")
        for miss in misses:
            print("  miss:", miss)
    assert accuracy >= REQUIRED_ACCURACY, "\n".join(misses)


def test_summary_tells_who_business_need_and_next_step() -> None:
    lines, lead, reason, _ = CASES[0]
    review = review_offline(facts_of(lines, lead, reason))
    assert review.summary is not None
    sentences = [s for s in review.summary.replace("…", ".").split(". ") if s.strip()]
    assert 2 <= len(sentences) <= 4, review.summary
    for words in ("Dana Reyes", "plumbing", "booking system", "Next step"):
        assert words in review.summary
    assert review.next_step == "Follow up with Dana Reyes by email about a booking system."
    assert review.sentiment is not None


def test_nothing_said_means_no_summary_and_no_sentiment() -> None:
    review = review_offline(facts_of(["A: Hello, this is Ava from Acme."], {}, "caller_hung_up"))
    assert review.summary is None
    assert review.sentiment is None
    assert review.outcome == Outcome.incomplete


def test_callback_next_step_names_the_time_the_caller_asked_for() -> None:
    review = review_offline(
        facts_of(["C: I'm driving, call me back tomorrow morning."], {}, "agent_ended")
    )
    assert review.outcome == Outcome.callback_requested
    assert review.next_step == "Call the caller back tomorrow morning."
    assert review.summary is not None and "tomorrow morning" in review.summary


def test_an_angry_refusal_is_negative_and_an_eager_lead_positive() -> None:
    angry = review_offline(facts_of(["C: Stop calling me, this is ridiculous."], {}, None))
    eager = review_offline(
        facts_of(["C: That sounds great, thank you, I'm really interested."], {}, None)
    )
    assert angry.sentiment is not None and angry.sentiment.value == "negative"
    assert eager.sentiment is not None and eager.sentiment.value == "positive"
