"""The call review through OpenAI structured outputs (`chat.completions.parse` + a pydantic
schema), with the offline rules as the fallback on any failure."""

import asyncio
import logging
from typing import Literal, Protocol

from openai import AsyncOpenAI
from pydantic import BaseModel, Field

from callcenter import metrics
from callcenter.config import Settings
from callcenter.leads.openai_extractor import transcript_text
from callcenter.leads.review import CallFacts, CallReview, Outcome, Sentiment
from callcenter.leads.review_rules import review_offline

log = logging.getLogger(__name__)

INSTRUCTIONS = """You review a finished sales phone call for the sales team.
Return:
- summary: 2 to 4 sentences from what the CALLER said: who they are, their business, what they
  need, and what happens next. Never invent details.
- outcome: qualified (name, a way to reach them and a need were given), not_interested,
  callback_requested (they asked to be called back later), wrong_number, voicemail, no_answer,
  transferred (handed to a human), incomplete (ended before any of the above was clear).
- next_step: one short sentence for the team, or null when nothing is to be done.
- sentiment: the caller's mood: positive, neutral or negative."""

# What the line did is known for certain; the model judges only the conversation.
_LINE_OUTCOMES = {Outcome.transferred, Outcome.voicemail, Outcome.no_answer}


class ReviewOutput(BaseModel):
    """The structured output the model must produce."""

    summary: str = Field(description="2-4 sentences of what the caller said")
    outcome: Literal[
        "qualified",
        "not_interested",
        "callback_requested",
        "wrong_number",
        "voicemail",
        "no_answer",
        "transferred",
        "incomplete",
    ]
    next_step: str | None = Field(description="what the team should do next, or null")
    sentiment: Literal["positive", "neutral", "negative"]


class ReviewFailed(RuntimeError):
    """The model gave no usable answer (refusal, truncation, bad JSON)."""


class Reviewer(Protocol):
    name: str

    async def review(self, facts: CallFacts) -> CallReview:
        """The call's review; never raises."""
        ...


class OfflineReviewer:
    name = "offline"

    async def review(self, facts: CallFacts) -> CallReview:
        return review_offline(facts)


def _prompt(facts: CallFacts) -> str:
    lead = {k: v for k, v in facts.lead.as_dict().items() if v}
    return (
        f"Direction: {facts.direction}. Status: {facts.status}. "
        f"End reason: {facts.end_reason or 'unknown'}. Answered by: {facts.answered_by or '-'}.\n"
        f"Lead fields captured: {lead or 'none'}\n\nTranscript:\n{transcript_text(facts.turns)}"
    )


class OpenAIReviewer:
    """One structured-output request per call; any failure gives the offline review."""

    name = "openai"

    def __init__(self, settings: Settings, *, timeout: float = 15.0) -> None:
        self._settings = settings
        self._timeout = timeout

    async def review(self, facts: CallFacts) -> CallReview:
        offline = review_offline(facts)
        if offline.outcome in _LINE_OUTCOMES or not facts.caller_lines:
            return offline  # nothing for a model to judge
        try:
            output = await self._ask(facts)
        except Exception as exc:
            metrics.count_error("review_openai_failed")
            log.warning("call review through OpenAI failed (%s); using rules", exc)
            return offline
        return CallReview(
            outcome=Outcome(output.outcome),
            summary=output.summary.strip() or offline.summary,
            next_step=(output.next_step or "").strip() or None,
            sentiment=Sentiment(output.sentiment),
        )

    async def _ask(self, facts: CallFacts) -> ReviewOutput:
        client = AsyncOpenAI(
            api_key=self._settings.openai_api_key,
            base_url=self._settings.openai_base_url,
            timeout=self._timeout,
            max_retries=0,
        )
        try:
            async with asyncio.timeout(self._timeout + 1):
                completion = await client.chat.completions.parse(
                    model=self._settings.openai_extraction_model,
                    messages=[
                        {"role": "system", "content": INSTRUCTIONS},
                        {"role": "user", "content": _prompt(facts)},
                    ],
                    response_format=ReviewOutput,
                )
        finally:
            await client.close()
        if not completion.choices:
            raise ReviewFailed("no choices in the completion")
        message = completion.choices[0].message
        if message.parsed is None:
            raise ReviewFailed(f"no structured output (refusal: {message.refusal!r})")
        return message.parsed


def build_reviewer(settings: Settings) -> Reviewer:
    """OpenAI (falling back to the rules) when an OpenAI key is set, else the rules."""
    if settings.openai_api_key:
        return OpenAIReviewer(settings)
    return OfflineReviewer()
