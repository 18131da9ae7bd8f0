"""The OpenAI call review over real HTTP (structured outputs), and its offline fallback."""

from collections.abc import Iterator

import pytest

from callcenter.config import Settings, get_settings
from callcenter.leads.extractor import Turn
from callcenter.leads.normalize import LeadFields
from callcenter.leads.review import CallFacts, Outcome, Sentiment
from callcenter.leads.review_openai import OfflineReviewer, OpenAIReviewer, build_reviewer
from tests.fakes.openai_http import FakeOpenAI, openai_http_server

FACTS = CallFacts(
    direction="inbound",
    end_reason="caller_hung_up",
    turns=[
        Turn("agent", "Thanks for calling, how can I help?"),
        Turn("caller", "I'm Dana Reyes, I run a plumbing company, I need a booking system."),
        Turn("agent", "Your email?"),
        Turn("caller", "dana at reyes plumbing dot com. Thanks, sounds great."),
    ],
    lead=LeadFields(name="Dana Reyes", email="dana@reyesplumbing.com", need="a booking system"),
)
ANSWER = {
    "summary": "Dana Reyes runs a plumbing company. She needs a booking system.",
    "outcome": "qualified",
    "next_step": "Email Dana a proposal.",
    "sentiment": "positive",
}


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with openai_http_server() as fake:
        yield fake


@pytest.fixture
def openai_settings(env: dict[str, str], fake_openai: FakeOpenAI) -> Settings:
    env["OPENAI_API_KEY"] = "sk-test"
    env["OPENAI_BASE_URL"] = fake_openai.base_url
    env["VOICE_ENGINE"] = "local"
    return get_settings()


async def test_the_review_is_one_structured_output_request(
    openai_settings: Settings, fake_openai: FakeOpenAI
) -> None:
    fake_openai.answer(ANSWER)
    review = await build_reviewer(openai_settings).review(FACTS)

    assert review.outcome == Outcome.qualified
    assert review.summary == ANSWER["summary"]
    assert review.next_step == "Email Dana a proposal."
    assert review.sentiment == Sentiment.positive
    [request] = fake_openai.requests
    response_format = request["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["strict"] is True
    assert "Dana Reyes" in request["messages"][1]["content"]


@pytest.mark.parametrize("failure", [500, "refusal", "garbage", "stall"])
async def test_any_failure_gives_the_offline_review(
    openai_settings: Settings, fake_openai: FakeOpenAI, failure: int | str
) -> None:
    fake_openai.answer(failure)
    review = await OpenAIReviewer(openai_settings, timeout=1.0).review(FACTS)

    assert review == await OfflineReviewer().review(FACTS)
    assert review.outcome == Outcome.qualified
    assert review.summary is not None and "Dana Reyes" in review.summary


async def test_an_outcome_the_line_decided_is_not_asked_of_the_model(
    openai_settings: Settings, fake_openai: FakeOpenAI
) -> None:
    review = await build_reviewer(openai_settings).review(
        CallFacts(direction="outbound", status="no-answer", end_reason="no_answer")
    )
    assert review.outcome == Outcome.no_answer
    assert review.summary is None
    assert fake_openai.requests == []


def test_without_a_key_the_rules_review_the_call(env: dict[str, str]) -> None:
    assert isinstance(build_reviewer(get_settings()), OfflineReviewer)
