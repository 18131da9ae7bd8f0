"""What a finished call amounts to: the facts a review is made from, and the review itself."""

from dataclasses import dataclass, field
from enum import StrEnum

from callcenter.leads.extractor import Turn
from callcenter.leads.normalize import LeadFields


class Outcome(StrEnum):
    """How the call ended for the sales team (the contract's values)."""

    qualified = "qualified"
    not_interested = "not_interested"
    callback_requested = "callback_requested"
    wrong_number = "wrong_number"
    voicemail = "voicemail"
    no_answer = "no_answer"
    transferred = "transferred"
    incomplete = "incomplete"


class Sentiment(StrEnum):
    positive = "positive"
    neutral = "neutral"
    negative = "negative"


@dataclass(frozen=True, slots=True)
class CallFacts:
    """Everything a review is made from, read from the database once the call has ended."""

    direction: str = "inbound"
    status: str = "completed"
    end_reason: str | None = None
    answered_by: str | None = None
    turns: list[Turn] = field(default_factory=list)
    lead: LeadFields = field(default_factory=LeadFields)

    @property
    def caller_lines(self) -> list[str]:
        return [t.text for t in self.turns if t.role == "caller" and t.text.strip()]


@dataclass(frozen=True, slots=True)
class CallReview:
    """A call's summary (2-4 sentences, or None when the caller said nothing), outcome,
    next step and sentiment (None when the caller said nothing)."""

    outcome: Outcome
    summary: str | None = None
    next_step: str | None = None
    sentiment: Sentiment | None = None
