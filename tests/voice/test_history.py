"""What a renewed voice session is told of the call so far."""

from datetime import timedelta

from callcenter.db.types import utcnow
from callcenter.voice.history import CONTINUING, RECENT_TURNS, carry_over, past_turns
from callcenter.voice.session import PastTurn, SessionConfig
from callcenter.voice.transcript_writer import Turn


def test_turns_are_carried_in_spoken_order_without_empty_ones() -> None:
    now = utcnow()
    written = [
        Turn(call_id=1, key="agent:b", role="agent", text="Sure.", started_at=now),
        Turn(call_id=1, key="caller:a", role="caller", text="Hi", started_at=now - timedelta(1)),
        Turn(call_id=1, key="caller:c", role="caller", text=" ", started_at=now),
    ]
    assert past_turns(written) == [PastTurn("caller", "Hi"), PastTurn("agent", "Sure.")]


def test_a_short_call_goes_over_whole_and_the_agent_is_told_not_to_greet_again() -> None:
    turns = [PastTurn("agent", "Hello!"), PastTurn("caller", "I need a plumber.")]
    config, items = carry_over(SessionConfig(instructions="Be brief.", call_id=7), turns)
    assert items == turns
    assert config.instructions == f"Be brief.\n\n{CONTINUING}" and config.call_id == 7


def test_a_long_call_sums_up_its_older_turns_in_the_instructions() -> None:
    turns = [PastTurn("caller" if n % 2 else "agent", f"turn {n}") for n in range(100)]
    config, items = carry_over(SessionConfig(instructions="Be brief."), turns)
    assert items == turns[-RECENT_TURNS:]
    older = turns[: 100 - RECENT_TURNS]
    assert "Earlier in this call:\nYou: turn 0\nCaller: turn 1" in config.instructions
    assert f"Caller: {older[-1].text}" in config.instructions
    assert f"turn {100 - RECENT_TURNS}\n" not in config.instructions
