"""Transcript turns of one call: caller turns as transcribed, agent turns as actually heard."""

import time
from dataclasses import dataclass, field
from datetime import datetime

from callcenter.db.types import utcnow
from callcenter.live.events import CallEvent
from callcenter.live.hub import LiveHub
from callcenter.voice.heard import HeardWords
from callcenter.voice.playback import Playback, cut_at_word
from callcenter.voice.transcript_writer import TranscriptWriter, Turn


@dataclass(slots=True)
class AgentTurn:
    item_id: str
    started_at: datetime
    response_id: str = ""
    text: str = ""
    final: bool = False
    interrupted: bool = False
    fraction: float = 1.0  # of the item's audio the caller heard
    written: bool = False


@dataclass(slots=True)
class TurnTracker:
    """Decides when each turn is complete and hands it to the writer.

    An agent turn is complete when its transcript is final and either its audio has all been
    played (every mark echoed, response done) or the caller cut it off. Turns are ordered by
    when their speech started, not by when their transcript arrived."""

    call_id: int
    writer: TranscriptWriter
    hub: LiveHub
    playback: Playback
    agent: dict[str, AgentTurn] = field(default_factory=dict)
    caller_started: dict[str, datetime] = field(default_factory=dict)
    done_responses: set[str] = field(default_factory=set)
    speaking: str | None = None
    heard_words: HeardWords = field(default_factory=HeardWords)
    spoken: list[Turn] = field(default_factory=list)  # every turn written, for a renewed session

    def agent_turn(self, item_id: str, response_id: str = "") -> AgentTurn:
        turn = self.agent.get(item_id)
        if turn is None:
            turn = self.agent[item_id] = AgentTurn(
                item_id=item_id, started_at=utcnow(), response_id=response_id
            )
        return turn

    def agent_text(self, item_id: str, text: str, *, final: bool, response_id: str) -> None:
        turn = self.agent_turn(item_id, response_id)
        if final:
            turn.text, turn.final = text, True
            self.maybe_finish(item_id)
        elif not turn.final:
            turn.text += text

    def interrupted(self, item_id: str, played: int, sent: int) -> None:
        turn = self.agent.get(item_id)
        if turn is not None:
            turn.interrupted = True
            turn.fraction = played / sent if sent else 0.0
            self.maybe_finish(item_id)

    def response_done(self, response_id: str) -> None:
        self.done_responses.add(response_id)
        for turn in list(self.agent.values()):
            if turn.response_id == response_id:
                if turn.interrupted and not turn.final:
                    turn.final = True  # a cancelled response may end without a final transcript
                self.maybe_finish(turn.item_id)

    def maybe_finish(self, item_id: str) -> None:
        turn = self.agent.get(item_id)
        if turn is None or turn.written or not turn.final:
            return
        if not turn.interrupted:
            if turn.response_id and turn.response_id not in self.done_responses:
                return
            if self.playback.pending_for(item_id):
                return
        self._write_agent(turn)

    def heard(self, item_id: str) -> None:
        """More of the item's audio was played: publish the words heard so far (Live shows
        them as they are spoken, before the whole turn is written)."""
        turn = self.agent.get(item_id)
        audio = self.playback.items.get(item_id)
        if turn is None or audio is None or turn.written or turn.interrupted:
            return
        words = self.heard_words.update(item_id, turn.text, audio.played, audio.sent)
        if words is not None:
            data = {
                "item_id": item_id,
                "text": words,
                "started_at": turn.started_at.isoformat(),
                "heard_ms": time.time() * 1000,  # when the mark came back: heard by now
            }
            self.hub.publish(CallEvent(kind="heard", call_id=self.call_id, data=data))

    def _write_agent(self, turn: AgentTurn) -> None:
        self.heard_words.forget(turn.item_id)
        turn.written = True
        text = cut_at_word(turn.text, turn.fraction) if turn.interrupted else turn.text
        self.write("agent", turn.item_id, text, turn.started_at, interrupted=turn.interrupted)

    def flush(self) -> None:
        """The call is over: keep every agent turn, cut to what was heard if not all played."""
        for turn in self.agent.values():
            if turn.written:
                continue
            audio = self.playback.items.get(turn.item_id)
            if audio is not None and audio.sent and not turn.interrupted:
                heard = min(audio.played, audio.sent) / audio.sent
                if heard < 1:
                    turn.interrupted, turn.fraction = True, heard
            self._write_agent(turn)

    def caller_speech_started(self, item_id: str, at: datetime | None = None) -> None:
        """The caller began a turn; `at` is when the speech started, if the engine knows."""
        self.caller_started.setdefault(item_id, at or utcnow())
        self.set_speaking("caller")

    def caller_text(self, item_id: str, text: str) -> None:
        started = self.caller_started.pop(item_id, None) or utcnow()
        self.write("caller", item_id, text, started)

    def write(
        self, role: str, key: str, text: str, started_at: datetime, *, interrupted: bool = False
    ) -> None:
        turn = Turn(
            call_id=self.call_id,
            key=f"{role}:{key}",
            role=role,
            text=text,
            started_at=started_at,
            interrupted=interrupted,
        )
        self.spoken.append(turn)
        self.writer.add(turn)

    def set_speaking(self, who: str | None) -> None:
        """Publish who is speaking now (`caller`, `agent` or None) when it changes."""
        if self.speaking == who:
            return
        self.speaking = who
        self.hub.publish(CallEvent(kind="speaking", call_id=self.call_id, data={"who": who}))
