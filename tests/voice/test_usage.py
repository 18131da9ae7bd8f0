"""AI usage per call: summed from every response.done, priced by REALTIME_PRICES, on the call."""

import asyncio

import pytest

from callcenter.config import DEFAULT_REALTIME_PRICES, Settings
from callcenter.voice.usage import Usage
from tests.fakes.realtime_script import (
    CACHED_AUDIO_TOKENS,
    CACHED_TEXT_TOKENS,
    INPUT_AUDIO_TOKENS,
    INPUT_TEXT_TOKENS,
    response_usage,
)
from tests.fakes.realtime_server import Reply, Script
from tests.voice.bridge_calls import GREETING, call_row, start_bridge
from tests.voice.conftest import StartVoiced


def test_a_response_usage_is_read_in_the_ga_shape_and_priced_by_kind() -> None:
    usage = Usage.of_response(response_usage(Reply("one two three", audio_ms=1000)))
    assert (usage.input_tokens, usage.output_tokens) == (140, 53)
    assert (usage.output_audio_tokens, usage.output_text_tokens) == (50, 3)
    prices = {"audio_in": 10.0, "audio_in_cached": 1.0, "text_in": 2.0, "text_in_cached": 0.5}
    prices |= {"audio_out": 20.0, "text_out": 4.0}
    # Uncached: 80 audio, 10 text in; cached: 20 audio, 30 text; out: 50 audio, 3 text.
    expected = (80 * 10 + 20 * 1 + 10 * 2 + 30 * 0.5 + 50 * 20 + 3 * 4) / 1_000_000
    assert usage.cost_usd(prices) == pytest.approx(expected)


def test_usage_without_a_split_by_kind_is_priced_as_audio() -> None:
    usage = Usage.of_response({"input_tokens": 1000, "output_tokens": 500})
    expected = (1000 * 32.0 + 500 * 64.0) / 1_000_000
    assert usage.cost_usd(DEFAULT_REALTIME_PRICES) == pytest.approx(expected)
    assert Usage.of_response(None).is_empty()


def test_an_unknown_price_kind_is_refused_with_the_kinds_named(env: dict[str, str]) -> None:
    env["REALTIME_PRICES"] = '{"video_in": 3}'
    with pytest.raises(ValueError, match="unknown price kind 'video_in'"):
        Settings()
    env["REALTIME_PRICES"] = '{"audio_out": 80}'
    assert Settings().realtime_prices["audio_out"] == 80.0
    assert Settings().realtime_prices["audio_in"] == DEFAULT_REALTIME_PRICES["audio_in"]


async def test_a_call_stores_the_sum_of_every_response_usage_and_its_cost(
    start_voiced: StartVoiced, env: dict[str, str]
) -> None:
    replies = [
        Reply(GREETING, audio_ms=400),
        Reply("Thanks, goodbye!", audio_ms=300, tool=("end_call", {"reason": "done"})),
    ]
    env["REALTIME_PRICES"] = '{"audio_out": 100}'
    _, settings = start_voiced(Script(replies=replies, caller_says=["That's all, thanks."]))
    line, _carrier, task, call_id = await start_bridge(settings)
    async with asyncio.timeout(20):
        await line.played(400)
        line.say(600)
        await task
    await line.close()

    call = call_row(call_id)
    assert call.usage is not None
    responses = len(replies)
    assert call.usage["input_tokens"] == responses * (INPUT_TEXT_TOKENS + INPUT_AUDIO_TOKENS)
    cached = call.usage["input_token_details"]["cached_tokens_details"]
    assert cached == {
        "text_tokens": responses * CACHED_TEXT_TOKENS,
        "audio_tokens": responses * CACHED_AUDIO_TOKENS,
    }
    audio_out = (400 + 300) // 20
    assert call.usage["output_token_details"]["audio_tokens"] == audio_out
    expected = Usage.of_response(call.usage).cost_usd(settings.realtime_prices)
    assert call.cost_usd == pytest.approx(expected)
    assert expected > audio_out * 100 / 1_000_000  # the overridden price was used
