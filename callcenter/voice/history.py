"""The conversation so far as a renewed voice session gets it: recent turns, older ones in short."""

from collections.abc import Iterable
from dataclasses import replace

from callcenter.voice.session import PastTurn, SessionConfig
from callcenter.voice.transcript_writer import Turn

RECENT_TURNS = 40  # the latest turns go over whole, as conversation items
SUMMARY_CHARS = 6000  # of the older turns, the latest this many characters go in the instructions

CONTINUING = (
    "This call is already under way: the conversation so far follows. Do not greet the caller "
    "again or repeat what was said; carry on from where the conversation is."
)


def past_turns(turns: Iterable[Turn]) -> list[PastTurn]:
    """Written turns in the order they were spoken (empty ones left out)."""
    ordered = sorted(turns, key=lambda turn: turn.started_at)
    return [PastTurn(role=turn.role, text=turn.text) for turn in ordered if turn.text.strip()]


def carry_over(
    config: SessionConfig, turns: list[PastTurn]
) -> tuple[SessionConfig, list[PastTurn]]:
    """The renewed session's configuration and the turns to add to it as items.

    A long call's older turns would crowd the new session's context: they are summed up as
    lines in the instructions (the latest `SUMMARY_CHARS` of them), the recent ones go whole."""
    older, recent = turns[:-RECENT_TURNS], turns[-RECENT_TURNS:]
    text = f"{config.instructions}\n\n{CONTINUING}"
    if older:
        lines = "\n".join(f"{_speaker(turn)}: {turn.text}" for turn in older)
        if len(lines) > SUMMARY_CHARS:
            lines = "…" + lines[-SUMMARY_CHARS:]
        text += f"\n\nEarlier in this call:\n{lines}"
    return replace(config, instructions=text), recent


def _speaker(turn: PastTurn) -> str:
    return "You" if turn.role == "agent" else "Caller"
