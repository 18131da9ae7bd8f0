"""The review's place in the after-call step: the facts it is made from, read with the call,
and the columns it fills on the call (in the finalising transaction, before `call.completed`)."""

from callcenter.db.models import Call
from callcenter.db.types import utcnow
from callcenter.leads.extractor import Turn
from callcenter.leads.normalize import LeadFields
from callcenter.leads.review import CallFacts, CallReview


def facts_of(call: Call, turns: list[Turn], lead: LeadFields) -> CallFacts:
    return CallFacts(
        direction=call.direction.value,
        status=call.status.value,
        end_reason=call.end_reason.value if call.end_reason else None,
        answered_by=call.answered_by,
        turns=turns,
        lead=lead,
    )


def merged(captured: LeadFields, corrections: LeadFields) -> LeadFields:
    """The lead as it will be once the corrections are merged."""
    return LeadFields(**{**captured.as_dict(), **corrections.as_dict()})


def apply_review(call: Call, review: CallReview) -> None:
    """Fill the call's review columns."""
    call.summary = review.summary
    call.outcome = review.outcome.value
    call.next_step = review.next_step[:500] if review.next_step else None
    call.sentiment = review.sentiment.value if review.sentiment else None
    call.reviewed_at = utcnow()
