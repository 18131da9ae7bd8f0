"""Voice sessions renewed mid-call (planned, or expired by the service): the call goes on."""

import asyncio

from callcenter.config import get_settings
from callcenter.db.models import EndReason
from callcenter.voice.history import CONTINUING
from callcenter.voice.providers.openai_realtime import OpenAIRealtimeSession
from callcenter.voice.providers.unavailable import UnavailableVoiceSession
from callcenter.voice.session import RenewableSession
from tests.fakes.realtime_server import Connection, FakeRealtime, Reply, Script
from tests.voice.bridge_calls import GREETING, call_row, start_bridge, turns
from tests.voice.conftest import StartVoiced

ROLES = {"agent": "assistant", "caller": "user"}


def record_arrivals(fake: FakeRealtime) -> list[float]:
    """When each caller frame reached the service (on whichever connection), from now on."""
    arrivals: list[float] = []
    fake.on_append = lambda audio, at: arrivals.append(at)
    return arrivals


def largest_gap(arrivals: list[float]) -> float:
    return max(b - a for a, b in zip(arrivals, arrivals[1:], strict=False))


def carried(connection: Connection) -> list[tuple[str, str]]:
    """The conversation a renewed session was given, as (role, text) items."""
    return connection.messages()


def as_items(said: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(ROLES[role], text) for role, text in said]


def three_turns(**script: float) -> Script:
    """Greeting, a question, thanks: two caller answers in between."""
    return Script(
        replies=[
            Reply(GREETING, audio_ms=200),
            Reply("Sure. What is your name?", audio_ms=200),
            Reply("Thanks, Jo.", audio_ms=200),
        ],
        caller_says=["I need a new boiler.", "I'm Jo."],
        silence_ms_to_stop=200,
        **script,  # type: ignore[arg-type]
    )


async def test_planned_renewal_hands_the_conversation_to_a_new_session_between_turns(
    env: dict[str, str], start_voiced: StartVoiced
) -> None:
    env["REALTIME_MAX_SESSION_SECONDS"] = "2.5"  # renewed from 2 s on, between turns
    fake, settings = start_voiced(three_turns())
    arrivals = record_arrivals(fake)
    line, carrier, task, call_id = await start_bridge(settings, speed=8.0)
    async with asyncio.timeout(20):
        await line.played(200)
        line.say(300)
        await line.played(400)
        await fake.until(lambda: len(fake.connections) == 2 and fake.connections[0].closed)
        line.say(300)  # the next turn goes to the new session
        await line.played(600)
        line.hang_up()
        await task
    await line.close()

    first, second = fake.connections
    assert not first.expired  # renewed before the service's limit
    session = second.of_type("session.update")[0]["session"]
    assert "Acme Plumbing Supplies" in session["instructions"]
    assert CONTINUING in session["instructions"]
    assert {t["name"] for t in session["tools"]} == {
        "save_lead_details",
        "end_call",
        "transfer_to_human",
    }
    assert carried(second) == [
        ("assistant", GREETING),
        ("user", "I need a new boiler."),
        ("assistant", "Sure. What is your name?"),
    ]
    # No second greeting: the new session was asked only for the answer to the caller (the
    # bridge asks for every reply; no opening instructions).
    assert second.of_type("response.create") == [{"type": "response.create"}]
    assert second.appended_bytes > 0
    assert [(t.role, t.text) for t in turns(call_id)] == [
        ("agent", GREETING),
        ("caller", "I need a new boiler."),
        ("agent", "Sure. What is your name?"),
        ("caller", "I'm Jo."),
        ("agent", "Thanks, Jo."),
    ]
    assert carrier.hang_ups == [] and line.played_ms < 1000  # no apology
    assert call_row(call_id).end_reason != EndReason.ai_unavailable
    assert largest_gap(arrivals) < 1.5  # the caller's audio goes on across the swap
    await fake.until(lambda: fake.open_connections() == 0)


async def test_session_expired_by_the_service_renews_at_once_without_an_apology(
    start_voiced: StartVoiced,
) -> None:
    fake, settings = start_voiced(three_turns(session_limit_seconds=1.5))
    arrivals = record_arrivals(fake)
    line, carrier, task, call_id = await start_bridge(settings, speed=8.0)
    async with asyncio.timeout(20):
        await line.played(200)
        line.say(300)
        await line.played(400)
        await fake.until(lambda: len(fake.connections) == 2)
        line.say(300)
        await line.played(600)
        line.hang_up()
        await task
    await line.close()

    first, second = fake.connections[:2]
    assert first.expired
    assert carried(second) == [
        ("assistant", GREETING),
        ("user", "I need a new boiler."),
        ("assistant", "Sure. What is your name?"),
    ]
    assert [t.text for t in turns(call_id)] == [
        GREETING,
        "I need a new boiler.",
        "Sure. What is your name?",
        "I'm Jo.",
        "Thanks, Jo.",
    ]
    assert carrier.hang_ups == [] and line.played_ms < 1000  # no apology
    assert call_row(call_id).end_reason != EndReason.ai_unavailable
    assert largest_gap(arrivals) < 1.5


async def test_a_reply_cut_by_the_expiry_is_asked_of_the_new_session(
    start_voiced: StartVoiced,
) -> None:
    long_text = " ".join(f"word{i}" for i in range(30))
    fake, settings = start_voiced(
        Script(
            replies=[
                Reply(GREETING, audio_ms=200),
                Reply(long_text, audio_ms=3000),
                Reply("As I was saying, we can fit it on Monday.", audio_ms=400),
            ],
            caller_says=["When can you come?"],
            silence_ms_to_stop=200,
            pace=1.0,  # the long answer is still being generated when the session expires
            session_limit_seconds=1.2,
            audio_factory=lambda response, chunk, size: bytes([0x30 + response]) * size,
        )
    )
    line, carrier, task, call_id = await start_bridge(settings, speed=1.0)
    async with asyncio.timeout(20):
        await line.played(200)
        line.say(200)
        await fake.until(
            lambda: (
                len(fake.connections) == 2
                and bool(fake.connections[1].events)
                and bool(fake.connections[1].of_type("response.create"))
            )
        )
        while line.heard.count(0x32) < 400 * 8:  # the third reply (response 2) has played
            line.heard_audio.clear()
            await line.heard_audio.wait()
        line.hang_up()
        await task
    await line.close()

    first, second = fake.connections[:2]
    assert first.expired
    assert len(second.of_type("response.create")) == 1  # the cut reply, asked again
    texts = [t.text for t in turns(call_id)]
    assert texts[:2] == [GREETING, "When can you come?"]
    assert long_text.startswith(texts[2]) and texts[2] != long_text  # cut where it stopped
    assert texts[3] == "As I was saying, we can fit it on Monday."
    assert carrier.hang_ups == []
    assert call_row(call_id).end_reason != EndReason.ai_unavailable


async def test_a_renewal_that_cannot_connect_apologises_and_ends_ai_unavailable(
    env: dict[str, str], start_voiced: StartVoiced
) -> None:
    env["REALTIME_MAX_SESSION_SECONDS"] = "1.0"
    fake, settings = start_voiced(Script(replies=[Reply(GREETING, audio_ms=200)]))
    line, carrier, task, call_id = await start_bridge(settings, speed=8.0)
    async with asyncio.timeout(20):
        await line.played(200)
        fake.script.refuse_status = 503  # the service refuses every new session from now on
        await task
    await line.close()

    assert fake.refused == ["refused by script"]
    assert carrier.hang_ups == [line.call_sid]
    assert line.played_ms > 200 + 5000  # the apology played
    call = call_row(call_id)
    assert call.end_reason == EndReason.ai_unavailable
    assert [t.text for t in turns(call_id)] == [GREETING]


def test_only_an_engine_with_a_session_limit_is_renewed(env: dict[str, str]) -> None:
    env["REALTIME_MAX_SESSION_SECONDS"] = "1800"
    realtime = OpenAIRealtimeSession(get_settings())
    assert isinstance(realtime, RenewableSession) and realtime.max_session_seconds == 1800
    assert not isinstance(UnavailableVoiceSession("no engine"), RenewableSession)
