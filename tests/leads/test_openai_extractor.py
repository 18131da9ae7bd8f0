"""The OpenAI extractor over real HTTP (Chat Completions structured outputs), and its fallback."""

from collections.abc import Iterator

import pytest

from callcenter.config import Settings, get_settings
from callcenter.leads.extraction import FallbackExtractor, OfflineExtractor, build_extractor
from callcenter.leads.extractor import Turn
from callcenter.leads.normalize import LeadFields
from callcenter.leads.openai_extractor import OpenAIExtractor
from tests.fakes.openai_http import FakeOpenAI, openai_http_server

TURNS = [
    Turn("agent", "May I have your name and email?"),
    Turn("caller", "Dr. Dana Reyes, and it's dana at reyes plumbing dot com."),
    Turn("agent", "What do you need?"),
    Turn("caller", "We need a booking system."),
]


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


async def test_structured_output_is_requested_and_normalised(
    openai_settings: Settings, fake_openai: FakeOpenAI
) -> None:
    fake_openai.answer(
        {
            "name": "Dr. Dana Reyes",
            "email": "Dana@ReyesPlumbing.com",
            "phone": "415 555 0134",
            "business_type": "a plumbing business",
            "need": "a booking system",
        }
    )
    fields = await OpenAIExtractor(openai_settings, max_retries=0).extract(TURNS)

    assert fields == LeadFields(
        name="Dana Reyes",
        email="dana@reyesplumbing.com",
        phone="+14155550134",
        business_type="plumbing",
        need="a booking system",
    )
    [request] = fake_openai.requests
    assert request["model"] == openai_settings.openai_extraction_model
    assert request["response_format"]["type"] == "json_schema"
    schema = request["response_format"]["json_schema"]
    assert schema["strict"] is True
    assert set(schema["schema"]["properties"]) == {
        "name",
        "email",
        "phone",
        "business_type",
        "need",
    }
    assert "Caller: Dr. Dana Reyes" in request["messages"][-1]["content"]
    assert fake_openai.headers[0]["authorization"] == "Bearer sk-test"


async def test_an_invalid_value_from_the_model_is_dropped(
    openai_settings: Settings, fake_openai: FakeOpenAI
) -> None:
    fake_openai.answer({"name": "Dana", "email": "dana at nowhere", "phone": "12"})
    fields = await OpenAIExtractor(openai_settings, max_retries=0).extract(TURNS)
    assert fields == LeadFields(name="Dana")


@pytest.mark.parametrize("failure", [500, 429, "refusal", "garbage", "stall"])
async def test_any_failure_falls_back_to_the_offline_extractor(
    openai_settings: Settings, fake_openai: FakeOpenAI, failure: int | str
) -> None:
    fake_openai.answer(failure)
    extractor = FallbackExtractor(
        OpenAIExtractor(openai_settings, timeout=1.0, max_retries=0),
        OfflineExtractor(region="US"),
    )
    fields = await extractor.extract(TURNS)
    assert fields.email == "dana@reyesplumbing.com"
    assert fields.name == "Dana Reyes"
    assert len(fake_openai.requests) == 1


async def test_an_unreachable_service_falls_back_too(env: dict[str, str]) -> None:
    from tests.support.servers import free_port

    env["OPENAI_API_KEY"] = "sk-test"
    env["OPENAI_BASE_URL"] = f"http://127.0.0.1:{free_port()}/v1"
    env["VOICE_ENGINE"] = "local"
    extractor = build_extractor(get_settings())
    assert isinstance(extractor, FallbackExtractor)
    extractor.primary = OpenAIExtractor(get_settings(), timeout=1.0, max_retries=0)
    fields = await extractor.extract(TURNS)
    assert fields.email == "dana@reyesplumbing.com"


def test_without_a_key_extraction_is_offline(settings: Settings) -> None:
    assert isinstance(build_extractor(settings), OfflineExtractor)
