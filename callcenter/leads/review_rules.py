"""Offline review of a call: outcome from the end reason, the lead and the caller's words; a
summary made of what the caller said; a next step and a sentiment from the same words."""

import re

from callcenter.leads.normalize import LeadFields
from callcenter.leads.review import CallFacts, CallReview, Outcome, Sentiment

_UNANSWERED_STATUSES = {"no-answer", "busy", "canceled"}
_UNANSWERED_REASONS = {"no_answer", "busy", "canceled"}


def _phrases(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE)


_WRONG_NUMBER = _phrases(
    r"wrong (?:number|person)",
    r"(?:you|you've|you have) got the wrong",
    r"no one (?:here )?(?:by|named|called) that",
    r"(?:there's )?nobody (?:here )?(?:by|named|called) that",
    r"(?:doesn't|does not) live here",
    r"(?:i|i've) never (?:heard of|called)",
    r"(?:didn't|did not) call (?:you|anyone)",
    r"not (?:who|the person) you(?:'re| are) looking for",
    r"dialed the wrong",
)
_NOT_INTERESTED = _phrases(
    r"not interested",
    r"no interest",
    r"(?:don't|do not|won't) (?:need|want) (?:it|that|this|any)",
    r"(?:don't|do not) call (?:me|us|again)",
    r"stop calling",
    r"take (?:me|us|my number) off",
    r"remove (?:me|us|my number)",
    r"already (?:have|use|got) (?:a|one|someone|somebody)",
    r"not (?:for us|for me)",
    r"waste of (?:my )?time",
    r"(?:hanging|gonna hang) up",
)
# Polite refusals that also end many good calls ("anything else?" "no thanks"): they count
# only when the caller gave nothing to work with.
_DECLINED = _phrases(
    r"no,? thanks?(?: you)?",
    r"(?:we're|we are|i'm|i am) (?:all set|good|fine)",
    r"not (?:right )?now",
    r"maybe (?:not|some other)",
)
_CALLBACK = _phrases(
    r"(?<!don't )(?<!do not )(?<!never )call (?:me |us )?(?:back|again|later)",
    r"ring (?:me )?back",
    r"(?:bad|not a good) time",
    r"(?:i'm|i am|we're|we are) (?:busy|driving|in a meeting|at work)",
    r"(?:try|reach) (?:me|us) (?:later|tomorrow|next)",
    r"another time",
    r"can we (?:talk|do this|speak) (?:later|tomorrow|another)",
    r"get back to (?:me|us)",
    r"follow up (?:next|tomorrow|later|on)",
)
_WHEN = re.compile(
    r"\b(?:tomorrow(?: (?:morning|afternoon|evening))?|tonight|later today|this (?:afternoon|"
    r"evening|week)|next (?:week|month|monday|tuesday|wednesday|thursday|friday)|on (?:monday|"
    r"tuesday|wednesday|thursday|friday|saturday)|after (?:\d{1,2}(?::\d\d)?\s*(?:am|pm)?|lunch)|"
    r"(?:at|around) \d{1,2}(?::\d\d)?\s*(?:am|pm|o'clock)?|in (?:an|one|two|a couple of) hours?)\b",
    re.IGNORECASE,
)
_INTEREST = _phrases(
    r"interested",
    r"sounds (?:good|great|perfect)",
    r"(?:we|i) (?:need|want|are looking|'re looking|am looking|would like|'d like)",
    r"looking for",
    r"(?:send|email) me",
    r"(?:book|schedule|set up) (?:a|the) (?:demo|call|meeting|consultation)",
    r"quote",
    r"how much",
    r"sign (?:me|us) up",
)
_POSITIVE = _phrases(
    r"great",
    r"perfect",
    r"awesome",
    r"wonderful",
    r"excellent",
    r"sounds good",
    r"thank(?:s| you)",
    r"appreciate",
    r"love",
    r"interested",
    r"helpful",
    r"happy",
    r"excited",
)
_NEGATIVE = _phrases(
    r"not interested",
    r"stop calling",
    r"annoy(?:ed|ing)",
    r"angry",
    r"frustrat(?:ed|ing)",
    r"terrible",
    r"ridiculous",
    r"waste of",
    r"scam",
    r"leave me alone",
    r"(?:don't|do not) call",
    r"wrong number",
    r"hang(?:ing)? up",
    r"unhappy",
    r"upset",
)
_NEGATED_POSITIVE = re.compile(r"\bnot (?:interested|happy|great|helpful)\b", re.IGNORECASE)


def outcome_of(facts: CallFacts) -> Outcome:
    """The call's outcome: what the line did first (transfer, voicemail, no answer), then what
    the caller said (wrong number, not interested, call back), then how far the lead got."""
    reason = facts.end_reason or ""
    if reason == "transferred":
        return Outcome.transferred
    if reason == "voicemail" or (facts.answered_by or "").startswith(("machine", "fax")):
        return Outcome.voicemail
    if facts.status in _UNANSWERED_STATUSES or reason in _UNANSWERED_REASONS:
        return Outcome.no_answer
    words = " ".join(facts.caller_lines)
    if not words:
        return Outcome.incomplete  # answered, but the caller never spoke
    if _WRONG_NUMBER.search(words):
        return Outcome.wrong_number
    if _CALLBACK.search(words):
        return Outcome.callback_requested
    if _NOT_INTERESTED.search(words):
        return Outcome.not_interested
    if _qualified(facts.lead, words):
        return Outcome.qualified
    if _DECLINED.search(words):
        return Outcome.not_interested
    return Outcome.incomplete


def _qualified(lead: LeadFields, words: str) -> bool:
    """A lead the team can act on: who, how to reach them, and what they want."""
    reachable = bool(lead.email or lead.phone)
    wants = bool(lead.need or lead.business_type) or bool(_INTEREST.search(words))
    return bool(lead.name) and reachable and wants


def sentiment_of(facts: CallFacts) -> Sentiment | None:
    """Positive or negative words of the caller, counted; None when the caller said nothing."""
    words = " ".join(facts.caller_lines)
    if not words:
        return None
    negative = len(_NEGATIVE.findall(words))
    positive = len(_POSITIVE.findall(words)) - len(_NEGATED_POSITIVE.findall(words))
    if negative > positive:
        return Sentiment.negative
    if positive > negative:
        return Sentiment.positive
    return Sentiment.neutral


def when_of(facts: CallFacts) -> str | None:
    """When the caller asked to be called back ("tomorrow morning", "after 3 pm"), if said."""
    for line in reversed(facts.caller_lines):
        found = _WHEN.search(line)
        if found:
            return found.group(0).lower()
    return None


def next_step_of(facts: CallFacts, outcome: Outcome) -> str | None:
    """What the team should do next, in one sentence; None when nothing is to be done."""
    who = facts.lead.name or "the caller"
    if outcome is Outcome.qualified:
        about = f" about {_clause(facts.lead.need)}" if facts.lead.need else ""
        how = "by email" if facts.lead.email else "by phone"
        return f"Follow up with {who} {how}{about}."
    if outcome is Outcome.callback_requested:
        when = when_of(facts)
        return f"Call {who} back {when}." if when else f"Call {who} back at a better time."
    if outcome in (Outcome.voicemail, Outcome.no_answer):
        return "Try calling again later."
    if outcome is Outcome.incomplete:
        return f"Call {who} back to finish qualifying."
    if outcome is Outcome.transferred:
        return "Check with the team member who took the call."
    return None  # not interested, wrong number: leave them be


def _clause(text: str) -> str:
    text = text.strip().rstrip(".!?")
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


_OUTCOME_SENTENCES = {
    Outcome.qualified: "They are a qualified lead.",
    Outcome.not_interested: "They were not interested.",
    Outcome.callback_requested: "They asked to be called back{when}.",
    Outcome.wrong_number: "It was a wrong number.",
    Outcome.voicemail: "The call reached voicemail.",
    Outcome.no_answer: "Nobody answered.",
    Outcome.transferred: "The call was transferred to the team.",
    Outcome.incomplete: "The conversation ended before qualification was complete.",
}


def summary_of(facts: CallFacts, outcome: Outcome, next_step: str | None) -> str | None:
    """Two to four sentences of what the caller said: who, business, need, what happens next.
    None when the caller said nothing."""
    lines = facts.caller_lines
    if not lines:
        return None
    lead = facts.lead
    who = lead.name or "The caller"
    business = f" from a {lead.business_type} business" if lead.business_type else ""
    verb = "called in" if facts.direction == "inbound" else "was called"
    sentences = [f"{who}{business} {verb}."]
    if lead.need:
        sentences.append(f"They want {_clause(lead.need)}.")
    else:
        said = _longest(lines)
        if said:
            sentences.append(f'They said: "{said}"')
    when = when_of(facts)
    sentences.append(_OUTCOME_SENTENCES[outcome].format(when=f" {when}" if when else ""))
    if next_step:
        sentences.append(f"Next step: {next_step[:1].lower()}{next_step[1:]}")
    return " ".join(sentences[:4])


def _longest(lines: list[str], limit: int = 160) -> str | None:
    """The caller's most informative line, shortened to `limit` characters."""
    best = max(lines, key=len).strip()
    if len(best.split()) < 3:
        return None
    if len(best) > limit:
        best = best[:limit].rsplit(" ", 1)[0] + "…"
    return best if best[-1:] in ".!?…" else best + "."


def review_offline(facts: CallFacts) -> CallReview:
    """The whole review from local rules: never fails, needs no network."""
    outcome = outcome_of(facts)
    next_step = next_step_of(facts, outcome)
    return CallReview(
        outcome=outcome,
        summary=summary_of(facts, outcome, next_step),
        next_step=next_step,
        sentiment=sentiment_of(facts),
    )
